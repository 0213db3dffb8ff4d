"""Independent-samples t-test and one-way ANOVA with SPSS-style companions.

Everything is computed two-pass (group means first, each refined once, then sums of
squared deviations about them, with numpy's pairwise sums; math.fsum only adds up the
handful of per-group terms), so results stay accurate for data with many constant leading
digits once the caller has centred them (see :mod:`surveykit.stats.precision`). p-values
come from scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from surveykit.errors import StatisticsError
from surveykit.stats.distributions import f_sf, nct_cdf, t_ppf, t_sf

from ._results import FTest, GroupDescriptives, Result
from .descriptive import as_sample, group_descriptives
from .multicomp import PairComparison, games_howell, tukey_kramer
from .precision import centred_ss, stable_mean


@dataclass(frozen=True)
class _Anova:
    ns: list[int]
    means: list[float]
    ss_between: float
    ss_within: float
    ss_total: float
    df1: int
    df2: int


def _anova_core(groups: Sequence[np.ndarray]) -> _Anova:
    ns = [int(g.size) for g in groups]
    means = [stable_mean(g) for g in groups]
    allv = np.concatenate(list(groups))
    grand = stable_mean(allv)
    ss_within = math.fsum(centred_ss(g, m) for g, m in zip(groups, means, strict=True))
    ss_between = math.fsum(n * (m - grand) ** 2 for n, m in zip(ns, means, strict=True))
    ss_total = centred_ss(allv, grand)
    return _Anova(ns, means, ss_between, ss_within, ss_total, len(groups) - 1, allv.size - len(ns))


def _levene(groups: Sequence[np.ndarray], centre: Callable[[np.ndarray], float]) -> FTest | None:
    """ANOVA F on |x - centre(group)|; None when those deviations have no spread at all."""
    dev = [np.abs(g - centre(g)) for g in groups]
    a = _anova_core(dev)
    if a.ss_within == 0.0 or a.df2 <= 0:
        return None
    f = (a.ss_between / a.df1) / (a.ss_within / a.df2)
    return FTest(f, a.df1, a.df2, f_sf(f, a.df1, a.df2))


def _median(g: np.ndarray) -> float:
    return float(np.median(g))


def _levene_pair(groups: Sequence[np.ndarray]) -> tuple[FTest | None, FTest | None, list[str]]:
    mean_based = _levene(groups, stable_mean)
    median_based = _levene(groups, _median)
    notes = []
    if mean_based is None or median_based is None:
        notes.append("Levene's test is undefined: no group has any spread around its centre")
    return mean_based, median_based, notes


def _prepare(
    samples: Sequence[Sequence[float] | np.ndarray], labels: Sequence[str]
) -> tuple[list[np.ndarray], list[str], list[str]]:
    """Drop missing values and empty groups; need >= 2 non-empty groups."""
    if len(samples) != len(labels):
        raise StatisticsError(f"{len(samples)} samples but {len(labels)} group labels")
    groups, kept, notes = [], [], []
    for x, label in zip(samples, labels, strict=True):
        g = as_sample(x, label)
        if g.size == 0:
            notes.append(f"group {label!r} has no non-missing values and was left out")
            continue
        groups.append(g)
        kept.append(str(label))
    if not groups:
        raise StatisticsError("no non-missing values")
    if len(groups) < 2:
        raise StatisticsError(f"grouping has only one level ({kept[0]!r})")
    return groups, kept, notes


@dataclass(frozen=True)
class TStat:
    """A t statistic with its df, two-sided p, and CI for the mean difference."""

    t: float
    df: float
    p: float
    se_diff: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class TTestResult(Result):
    """Independent-samples t-test (Student pooled) with Welch, Levene and effect sizes."""

    kind = "t-test"

    groups: tuple[GroupDescriptives, ...]
    t: float
    df: float
    p: float
    mean_diff: float
    se_diff: float
    ci95: tuple[float, float]
    ci_level: float
    welch: TStat
    levene: FTest | None
    brown_forsythe_levene: FTest | None
    cohens_d: float
    cohens_d_ci95: tuple[float, float]
    hedges_g: float
    notes: tuple[str, ...] = ()


def _ncp_interval(t: float, df: float, level: float) -> tuple[float, float]:
    """Noncentrality parameters whose noncentral-t puts ``t`` at the (1 +/- level)/2 quantiles."""
    tail = (1 - level) / 2

    # scipy's own brentq, step for step, without importing scipy.optimize (stats/roots.py).
    from surveykit.stats.roots import brentq

    def solve(target: float) -> float:
        def f(ncp: float) -> float:
            return nct_cdf(t, df, ncp) - target

        # cdf(t; ncp) falls as ncp grows; widen the bracket until it straddles the root.
        width = 2.0 + abs(t) * 0.5
        while f(t - width) < 0 or f(t + width) > 0:
            width *= 2
        return float(brentq(f, t - width, t + width, xtol=1e-14, rtol=1e-14))

    return solve(1 - tail), solve(tail)


def ttest_ind(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    labels: tuple[str, str] = ("A", "B"),
    alpha: float = 0.05,
) -> TTestResult:
    """Independent-samples t-test of ``a`` vs ``b`` (difference = mean(a) - mean(b)).

    Student's pooled-variance t is the headline (t, df, p, ci95); ``welch`` holds the
    unequal-variance test; ``levene`` is Levene's test based on means (SPSS/PSPP T-TEST),
    ``brown_forsythe_levene`` the median-centred variant (car::leveneTest default).
    ``cohens_d`` = difference / pooled SD; ``cohens_d_ci95`` inverts the noncentral t
    distribution (ncp CI for t, scaled by sqrt(1/n_a + 1/n_b)) -- the method of R's
    effectsize::cohens_d, solved to 1e-14 here rather than by optim. ``hedges_g`` applies
    the exact small-sample factor J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)).
    All intervals are at level 1 - alpha (keys keep the name ``ci95``; see ``ci_level``).
    Missing values (NaN) are dropped.
    """
    groups, kept, notes = _prepare([a, b], list(labels))
    for g, label in zip(groups, kept, strict=True):
        if g.size < 2:
            raise StatisticsError(
                f"group {label!r} has n = {g.size}; a t-test needs at least 2 values per group"
            )
    ga, gb = groups
    level = 1 - alpha
    desc = tuple(group_descriptives(g, lab, alpha) for g, lab in zip(groups, kept, strict=True))
    n1, n2 = ga.size, gb.size
    m1, m2 = desc[0].mean, desc[1].mean
    ss1, ss2 = centred_ss(ga, m1), centred_ss(gb, m2)
    if ss1 == 0.0 and ss2 == 0.0:
        raise StatisticsError(
            "all values are identical in every group (zero variance); t is undefined"
        )
    diff = m1 - m2
    df = n1 + n2 - 2
    sp2 = (ss1 + ss2) / df
    se = math.sqrt(sp2 * (1 / n1 + 1 / n2))
    t = diff / se
    p = 2 * t_sf(abs(t), df)
    q = t_ppf(1 - alpha / 2, df)

    v1, v2 = ss1 / (n1 - 1) / n1, ss2 / (n2 - 1) / n2
    se_w = math.sqrt(v1 + v2)
    df_w = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    t_w = diff / se_w
    q_w = t_ppf(1 - alpha / 2, df_w)
    welch = TStat(t_w, df_w, 2 * t_sf(abs(t_w), df_w), se_w, (diff - q_w * se_w, diff + q_w * se_w))

    lev, bf, lev_notes = _levene_pair(groups)
    d = diff / math.sqrt(sp2)
    lo, hi = _ncp_interval(t, df, level)
    scale = math.sqrt(1 / n1 + 1 / n2)
    j = math.exp(gammaln(df / 2) - math.log(math.sqrt(df / 2)) - gammaln((df - 1) / 2))
    return TTestResult(
        groups=desc,
        t=t,
        df=float(df),
        p=p,
        mean_diff=diff,
        se_diff=se,
        ci95=(diff - q * se, diff + q * se),
        ci_level=level,
        welch=welch,
        levene=lev,
        brown_forsythe_levene=bf,
        cohens_d=d,
        cohens_d_ci95=(lo * scale, hi * scale),
        hedges_g=d * j,
        notes=tuple(notes + lev_notes),
    )


@dataclass(frozen=True)
class AnovaResult(Result):
    """One-way ANOVA with descriptives, homogeneity tests, robust F tests and post-hoc tests."""

    kind = "anova"

    groups: tuple[GroupDescriptives, ...]
    ss_between: float
    ss_within: float
    ss_total: float
    df1: int
    df2: int
    ms_between: float
    ms_within: float
    F: float
    p: float
    eta_sq: float
    omega_sq: float
    levene: FTest | None
    brown_forsythe_levene: FTest | None
    welch: FTest | None
    brown_forsythe: FTest | None
    posthoc: dict[str, list[PairComparison]]
    ci_level: float
    notes: tuple[str, ...] = ()


def _welch_f(ns: list[int], means: list[float], variances: list[float]) -> FTest:
    k = len(ns)
    w = [n / v for n, v in zip(ns, variances, strict=True)]
    sw = math.fsum(w)
    mw = math.fsum(wi * m for wi, m in zip(w, means, strict=True)) / sw
    a = math.fsum(wi * (m - mw) ** 2 for wi, m in zip(w, means, strict=True)) / (k - 1)
    tmp = math.fsum((1 - wi / sw) ** 2 / (n - 1) for wi, n in zip(w, ns, strict=True))
    f = a / (1 + 2 * (k - 2) / (k * k - 1) * tmp)
    df2 = (k * k - 1) / (3 * tmp)
    return FTest(f, k - 1, df2, f_sf(f, k - 1, df2))


def _brown_forsythe_f(
    ns: list[int], means: list[float], variances: list[float], grand: float
) -> FTest:
    """Brown & Forsythe (1974) F* with Satterthwaite df2, as SPSS ONEWAY BROWNFORSYTHE."""
    big_n = sum(ns)
    c = [(1 - n / big_n) * v for n, v in zip(ns, variances, strict=True)]
    f = math.fsum(n * (m - grand) ** 2 for n, m in zip(ns, means, strict=True)) / math.fsum(c)
    df2 = math.fsum(c) ** 2 / math.fsum(ci * ci / (n - 1) for ci, n in zip(c, ns, strict=True))
    df1 = len(ns) - 1
    return FTest(f, df1, df2, f_sf(f, df1, df2))


def oneway_anova(
    samples: Sequence[Sequence[float] | np.ndarray],
    labels: Sequence[str],
    alpha: float = 0.05,
    posthoc: bool = True,
) -> AnovaResult:
    """One-way between-groups ANOVA (as SPSS/PSPP ONEWAY and R aov).

    Groups with no non-missing values are left out with a note. A group of n = 1 takes part
    in the F test and Tukey but not in Welch/Brown-Forsythe/Games-Howell (notes say so).
    ``eta_sq`` = SS_between/SS_total; ``omega_sq`` = (SS_b - df1 MS_w)/(SS_t + MS_w).
    ``welch`` and ``brown_forsythe`` are the robust tests of equal means; ``levene`` is
    mean-centred (SPSS), ``brown_forsythe_levene`` median-centred. ``posthoc`` has
    "tukey" (Tukey-Kramer) and "games_howell" lists of pairwise comparisons with
    diff = mean(a) - mean(b). Interval levels are 1 - alpha. ``posthoc=False`` skips them
    (both lists empty): studentized-range quantiles cost ~0.1-1 s per pair with many groups.
    """
    groups, kept, notes = _prepare(samples, labels)
    a = _anova_core(groups)
    if a.df2 <= 0:
        raise StatisticsError("every group has only 1 value; ANOVA needs more values than groups")
    if a.ss_within == 0.0:
        raise StatisticsError(
            "all values are identical in every group (zero variance); F is undefined"
        )
    ms_b, ms_w = a.ss_between / a.df1, a.ss_within / a.df2
    f = ms_b / ms_w
    desc = tuple(group_descriptives(g, lab, alpha) for g, lab in zip(groups, kept, strict=True))
    grand = stable_mean(np.concatenate(groups))
    variances = [d.sd**2 if d.sd is not None else None for d in desc]

    lev, bf_lev, lev_notes = _levene_pair(groups)
    notes += lev_notes
    small = [d.label for d in desc if d.n < 2]
    zero_var = [d.label for d in desc if d.sd == 0.0]
    welch = bf = None
    if small or zero_var:
        why = (
            f"group(s) {', '.join(map(repr, small))} have n < 2"
            if small
            else f"group(s) {', '.join(map(repr, zero_var))} have zero variance"
        )
        notes.append(f"Welch and Brown-Forsythe tests not computed: {why}")
    else:
        v = [float(x) for x in variances if x is not None]
        welch = _welch_f(a.ns, a.means, v)
        bf = _brown_forsythe_f(a.ns, a.means, v, grand)

    tukey: list[PairComparison] = []
    gh: list[PairComparison] = []
    if posthoc:
        tukey = tukey_kramer(kept, a.ns, a.means, ms_w, a.df2, alpha)
        gh, gh_notes = games_howell(kept, a.ns, a.means, variances, alpha)
        notes += gh_notes
    return AnovaResult(
        groups=desc,
        ss_between=a.ss_between,
        ss_within=a.ss_within,
        ss_total=a.ss_total,
        df1=a.df1,
        df2=a.df2,
        ms_between=ms_b,
        ms_within=ms_w,
        F=f,
        p=f_sf(f, a.df1, a.df2),
        eta_sq=a.ss_between / a.ss_total,
        omega_sq=(a.ss_between - a.df1 * ms_w) / (a.ss_total + ms_w),
        levene=lev,
        brown_forsythe_levene=bf_lev,
        welch=welch,
        brown_forsythe=bf,
        posthoc={"tukey": tukey, "games_howell": gh},
        ci_level=1 - alpha,
        notes=tuple(notes),
    )
