"""Rank tests: Mann-Whitney U and Kruskal-Wallis H, both with tie correction."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError
from surveykit.stats.distributions import chi2_sf, norm_sf, rankdata

from ._results import RankGroup, Result
from .parametric import _prepare

# R's wilcox.test uses the exact null distribution below this size when there are no ties.
EXACT_MAX_N = 50


def _ranks(groups: Sequence[np.ndarray]) -> tuple[list[np.ndarray], float, int]:
    """Mid-ranks per group, the tie term sum(t^3 - t), and N."""
    allv = np.concatenate(list(groups))
    r = rankdata(allv)
    _, counts = np.unique(allv, return_counts=True)
    ties = float(np.sum(counts.astype(np.float64) ** 3 - counts))
    out, start = [], 0
    for g in groups:
        out.append(r[start : start + g.size])
        start += g.size
    return out, ties, int(allv.size)


def _rank_groups(
    groups: Sequence[np.ndarray], ranks: Sequence[np.ndarray], labels: Sequence[str]
) -> tuple[RankGroup, ...]:
    return tuple(
        RankGroup(lab, int(g.size), float(r.mean()), float(r.sum()), float(np.median(g)))
        for g, r, lab in zip(groups, ranks, labels, strict=True)
    )


@dataclass(frozen=True)
class MannWhitneyResult(Result):
    """Mann-Whitney U test of ``a`` vs ``b``.

    ``U`` is min(U_a, U_b) as SPSS/PSPP print it; ``W`` is U_a = (rank sum of a) -
    n_a(n_a+1)/2, the statistic R's wilcox.test reports as W. ``z`` = (U_a - n_a n_b/2)/sigma
    with the tie-corrected sigma and no continuity correction, so it is positive when ``a``
    tends to be larger (SPSS/PSPP print -|z|). ``p`` is the two-sided asymptotic p
    (SPSS "Asymp. Sig."); ``p_exact`` the exact two-sided p when there are no ties and both
    n < 50 (as R), else None. ``rank_biserial`` = (U_a - U_b)/(n_a n_b).
    """

    kind = "mann-whitney"

    groups: tuple[RankGroup, ...]
    U: float
    W: float
    z: float
    p: float
    p_exact: float | None
    rank_biserial: float
    notes: tuple[str, ...] = ()


def mann_whitney(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    labels: tuple[str, str] = ("A", "B"),
) -> MannWhitneyResult:
    """Mann-Whitney U (Wilcoxon rank-sum) test; missing values are dropped."""
    groups, kept, notes = _prepare([a, b], list(labels))
    ranks, ties, n = _ranks(groups)
    n1, n2 = groups[0].size, groups[1].size
    u_a = float(ranks[0].sum()) - n1 * (n1 + 1) / 2
    u_b = n1 * n2 - u_a
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if var <= 0:
        raise StatisticsError(
            "all values are identical in both groups; the Mann-Whitney test is undefined"
        )
    z = (u_a - n1 * n2 / 2) / math.sqrt(var)
    p_exact = None
    if ties == 0 and n1 < EXACT_MAX_N and n2 < EXACT_MAX_N:
        p_exact = float(_exact_mw_p(groups[0], groups[1]))
    return MannWhitneyResult(
        groups=_rank_groups(groups, ranks, kept),
        U=min(u_a, u_b),
        W=u_a,
        z=z,
        p=2 * norm_sf(abs(z)),
        p_exact=p_exact,
        rank_biserial=(u_a - u_b) / (n1 * n2),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class KruskalResult(Result):
    """Kruskal-Wallis H (tie-corrected) with chi-square df = k - 1.

    ``epsilon_sq`` = H / ((n^2 - 1)/(n + 1)) = H / (n - 1), the rank epsilon-squared of
    R's effectsize::rank_epsilon_squared (Tomczak & Tomczak 2014).
    """

    kind = "kruskal"

    groups: tuple[RankGroup, ...]
    H: float
    df: int
    p: float
    epsilon_sq: float
    notes: tuple[str, ...] = ()


def kruskal_wallis(
    samples: Sequence[Sequence[float] | np.ndarray], labels: Sequence[str]
) -> KruskalResult:
    """Kruskal-Wallis test across groups; missing values and empty groups are dropped."""
    groups, kept, notes = _prepare(samples, labels)
    ranks, ties, n = _ranks(groups)
    correction = 1 - ties / (n**3 - n) if n > 1 else 0.0
    if correction <= 0:
        raise StatisticsError(
            "all values are identical in every group; the Kruskal-Wallis test is undefined"
        )
    h0 = 12 / (n * (n + 1)) * math.fsum(float(r.sum()) ** 2 / r.size for r in ranks) - 3 * (n + 1)
    h = h0 / correction
    df = len(groups) - 1
    return KruskalResult(
        groups=_rank_groups(groups, ranks, kept),
        H=h,
        df=df,
        p=chi2_sf(h, df),
        epsilon_sq=h / ((n * n - 1) / (n + 1)),
        notes=tuple(notes),
    )


def _exact_mw_p(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import mannwhitneyu  # only for small samples without ties

    return float(mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue)
