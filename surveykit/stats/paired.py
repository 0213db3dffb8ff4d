"""Tests of the same respondents measured twice: paired t-test and Wilcoxon signed-rank.

Differences are first − second (R's ``t.test(x, y, paired = TRUE)`` and SPSS's
"Pair 1: before − after"). Respondents missing either value are left out
(counted in ``n_dropped``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError

from ._results import Result
from .descriptive import sample_sd
from .distributions import norm_sf, rankdata, t_ppf, t_sf
from .precision import stable_mean


def _pairs(first: Sequence[float] | np.ndarray, second: Sequence[float] | np.ndarray):
    a = np.asarray(first, dtype=np.float64).ravel()
    b = np.asarray(second, dtype=np.float64).ravel()
    if a.size != b.size:
        raise StatisticsError(f"paired values need the same respondents ({a.size} vs {b.size})")
    if np.isinf(a).any() or np.isinf(b).any():
        raise StatisticsError("infinite value; remove or recode it before testing")
    both = ~(np.isnan(a) | np.isnan(b))
    return a[both], b[both], int((~both).sum())


@dataclass(frozen=True)
class PairedTResult(Result):
    """Paired t-test: mean of the differences, its CI, t, and d_z = mean / SD of the differences."""

    kind = "paired-t"

    n: int
    mean_first: float
    mean_second: float
    mean_difference: float
    sd_difference: float
    ci95: tuple[float, float]
    t: float
    df: int
    p: float
    d_z: float
    n_dropped: int = 0


def paired_ttest(first, second, alpha: float = 0.05) -> PairedTResult:
    """Paired t-test of first − second."""
    a, b, dropped = _pairs(first, second)
    n = a.size
    if n < 2:
        raise StatisticsError(f"{n} complete pair(s); a paired t-test needs at least 2")
    d = a - b
    mean = stable_mean(d)
    sd = sample_sd(d, mean)
    if sd == 0:
        raise StatisticsError("every difference is the same; the paired t-test is undefined")
    se = sd / math.sqrt(n)
    t = mean / se
    half = t_ppf(1 - alpha / 2, n - 1) * se
    return PairedTResult(
        n, stable_mean(a), stable_mean(b), mean, sd, (mean - half, mean + half), t, n - 1,
        2 * t_sf(abs(t), n - 1), mean / sd, dropped,
    )  # fmt: skip


@dataclass(frozen=True)
class WilcoxonResult(Result):
    """Wilcoxon signed-rank test, normal approximation with tie correction, no continuity correction.

    ``W`` is the sum of the ranks of positive differences (R's V); zero
    differences are dropped (``n_zero``), as R does. ``rank_biserial`` is the
    matched-pairs rank-biserial correlation (W⁺ − W⁻) / (W⁺ + W⁻).
    """

    kind = "wilcoxon"

    n: int
    n_zero: int
    W: float
    z: float
    p: float
    rank_biserial: float
    n_dropped: int = 0


def wilcoxon_signed_rank(first, second) -> WilcoxonResult:
    """Wilcoxon signed-rank test of first − second."""
    a, b, dropped = _pairs(first, second)
    d = a - b
    nonzero = d[d != 0]
    n = nonzero.size
    if n < 1:
        raise StatisticsError("every difference is zero; the signed-rank test is undefined")
    ranks = rankdata(np.abs(nonzero))
    w_plus = float(ranks[nonzero > 0].sum())
    total = n * (n + 1) / 2
    _, counts = np.unique(np.abs(nonzero), return_counts=True)
    ties = float(np.sum(counts.astype(float) ** 3 - counts))
    var = n * (n + 1) * (2 * n + 1) / 24 - ties / 48
    if var <= 0:
        raise StatisticsError("the signed-rank statistic has no variance (one difference)")
    z = (w_plus - total / 2) / math.sqrt(var)
    return WilcoxonResult(
        n, int(d.size - n), w_plus, z, 2 * norm_sf(abs(z)), (2 * w_plus - total) / total, dropped
    )
