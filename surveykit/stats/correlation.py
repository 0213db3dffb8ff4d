"""Correlation matrices: Pearson or Spearman r for every pair, with n, p and a 95% CI.

Pairwise deletion by default (each pair uses the respondents who answered
both). p is the t test of r on n − 2 df, as R's cor.test; the CI is Fisher's z,
tanh(atanh r ± z₀.₉₇₅ / √(n − 3)) — for Spearman's ρ the same interval on the
ranks (R's cor.test gives no CI for ρ; the Fisher interval is an approximation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError

from ._results import Result
from .distributions import rankdata, t_sf

METHODS = ("pearson", "spearman")


@dataclass(frozen=True)
class PairCorrelation:
    """One pair of the matrix; r, p and ci95 are None when undefined (n < 3, no variance)."""

    first: str
    second: str
    n: int
    r: float | None
    p: float | None
    ci95: tuple[float, float] | None


@dataclass(frozen=True)
class CorrelationMatrix(Result):
    """Every pair of the items, in the order (1, 2), (1, 3), …, (2, 3), …"""

    kind = "correlation"

    method: str
    items: tuple[str, ...]
    pairs: tuple[PairCorrelation, ...]
    listwise: bool = False


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = math.fsum(dx * dx), math.fsum(dy * dy)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, math.fsum(dx * dy) / math.sqrt(sxx * syy)))


def correlate(
    columns: Sequence[np.ndarray],
    names: Sequence[str],
    method: str = "pearson",
    *,
    listwise: bool = False,
) -> CorrelationMatrix:
    """The correlation of every pair of columns (NaN is missing)."""
    if method not in METHODS:
        raise StatisticsError(f"method must be pearson or spearman, got {method!r}")
    data = [np.asarray(c, dtype=float) for c in columns]
    if len(data) < 2 or len(data) != len(names):
        raise StatisticsError("a correlation matrix needs two or more items, one name each")
    if listwise:
        keep = ~np.any([np.isnan(c) for c in data], axis=0)
        data = [c[keep] for c in data]
    pairs = []
    z975 = 1.959963984540054
    for i in range(len(data)):
        for j in range(i + 1, len(data)):
            both = ~(np.isnan(data[i]) | np.isnan(data[j]))
            x, y = data[i][both], data[j][both]
            n = int(x.size)
            r = p = ci = None
            if n >= 3:
                if method == "spearman":
                    x, y = rankdata(x), rankdata(y)
                r = _pearson(x, y)
            if r is not None:
                if abs(r) < 1:
                    t = r * math.sqrt((n - 2) / (1 - r * r))
                    p = 2 * t_sf(abs(t), n - 2)
                else:
                    p = 0.0
                if n > 3 and abs(r) < 1:
                    half = z975 / math.sqrt(n - 3)
                    ci = (math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half))
            pairs.append(PairCorrelation(names[i], names[j], n, r, p, ci))
    return CorrelationMatrix(method, tuple(names), tuple(pairs), listwise)
