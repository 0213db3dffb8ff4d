"""Internal consistency: Cronbach's alpha with item-total statistics.

Besides raw α: standardised α from the mean inter-item correlation r̄,
k·r̄ / (1 + (k − 1)·r̄); Feldt's (1965) 95% interval,
1 − (1 − α)·F(0.975 | 0.025; n − 1, (n − 1)(k − 1)); and per item its mean, SD,
corrected item–total r and α if deleted — the figures of R's psych::alpha.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError

from ._results import Result
from .precision import centred_ss, stable_mean


@dataclass(frozen=True)
class ItemTotal:
    """Per-item statistics; fields are None (with a note) when undefined."""

    item: str
    corrected_r: float | None
    alpha_if_deleted: float | None
    mean: float | None = None
    sd: float | None = None


@dataclass(frozen=True)
class AlphaResult(Result):
    """Cronbach's alpha on listwise-complete respondents (raw, unstandardised)."""

    kind = "alpha"

    alpha: float
    n: int
    k: int
    item_total: tuple[ItemTotal, ...]
    notes: tuple[str, ...] = ()
    std_alpha: float | None = None
    mean_r: float | None = None
    ci95: tuple[float, float] | None = None


def _var(x: np.ndarray) -> float:
    return centred_ss(x, stable_mean(x)) / (x.size - 1)


def _alpha(m: np.ndarray) -> float | None:
    k = m.shape[1]
    total_var = _var(m.sum(axis=1))
    if total_var == 0:
        return None
    item_vars = math.fsum(_var(m[:, j]) for j in range(k))
    return k / (k - 1) * (1 - item_vars / total_var)


def _corr(x: np.ndarray, y: np.ndarray) -> float | None:
    dx, dy = x - stable_mean(x), y - stable_mean(y)
    sxx, syy = math.fsum(dx * dx), math.fsum(dy * dy)
    if sxx == 0 or syy == 0:
        return None
    return math.fsum(dx * dy) / math.sqrt(sxx * syy)


def cronbach_alpha(
    items: Sequence[Sequence[float]] | np.ndarray, item_labels: Sequence[str] | None = None
) -> AlphaResult:
    """Cronbach's alpha for a respondents x items matrix (rows with any NaN are dropped).

    ``item_total`` gives each item's corrected item-total correlation (item vs the sum of
    the other items) and alpha if the item is deleted -- psych::alpha's ``r.drop`` and
    ``alpha.drop$raw_alpha``, PSPP RELIABILITY /SUMMARY=TOTAL.
    """
    m = np.asarray(items, dtype=np.float64)
    if m.ndim != 2:
        raise StatisticsError("items must be a respondents x items table")
    k = m.shape[1]
    labels = (
        [str(s) for s in item_labels]
        if item_labels is not None
        else [f"item{j + 1}" for j in range(k)]
    )
    if len(labels) != k:
        raise StatisticsError(f"{k} items but {len(labels)} item labels")
    if k < 2:
        raise StatisticsError("Cronbach's alpha needs at least 2 items")
    complete = m[~np.isnan(m).any(axis=1)]
    n = complete.shape[0]
    if n == 0:
        raise StatisticsError("no respondent answered every item (listwise complete)")
    if n < 2:
        raise StatisticsError(f"only {n} respondent answered every item; alpha needs at least 2")
    alpha = _alpha(complete)
    if alpha is None:
        raise StatisticsError("every respondent has the same total score; alpha is undefined")
    notes = []
    dropped = m.shape[0] - n
    if dropped:
        notes.append(f"{dropped} respondents with a missing item were left out (listwise)")
    totals = complete.sum(axis=1)
    correlations = [
        _corr(complete[:, i], complete[:, j]) for i in range(k) for j in range(i + 1, k)
    ]
    mean_r = std_alpha = None
    if all(r is not None for r in correlations):
        mean_r = math.fsum(correlations) / len(correlations)  # type: ignore[arg-type]
        std_alpha = k * mean_r / (1 + (k - 1) * mean_r)
    else:
        notes.append("standardised alpha undefined: an item has no variance")
    from scipy.special import fdtri

    df1, df2 = n - 1, (n - 1) * (k - 1)
    ci95 = (1 - (1 - alpha) * fdtri(df1, df2, 0.975), 1 - (1 - alpha) * fdtri(df1, df2, 0.025))
    rows = []
    for j, label in enumerate(labels):
        rest = np.delete(complete, j, axis=1)
        r = _corr(complete[:, j], totals - complete[:, j])
        if r is None:
            notes.append(
                f"item {label!r}: corrected item-total correlation undefined (no variance)"
            )
        a_del = _alpha(rest) if k > 2 else None
        mean = stable_mean(complete[:, j])
        rows.append(ItemTotal(label, r, a_del, mean, math.sqrt(_var(complete[:, j]))))
    if k == 2:
        notes.append("alpha if item deleted needs at least 3 items")
    return AlphaResult(
        alpha=alpha, n=n, k=k, item_total=tuple(rows), notes=tuple(notes),
        std_alpha=std_alpha, mean_r=mean_r, ci95=(float(ci95[0]), float(ci95[1])),
    )  # fmt: skip
