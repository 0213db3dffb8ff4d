"""Power analysis before fielding: sample size, achieved power or detectable effect.

Each function takes an effect size, a sample size and a power, with exactly one
of the three left out, and returns what G*Power prints for that analysis:
a priori (the smallest whole sample reaching the power), post hoc (the power of
a given sample) or sensitivity (the smallest effect detectable with that power).

The t, F and χ² families use statsmodels' noncentral distributions, as G*Power
does (statsmodels' conventions: ``TTestIndPower`` counts group 1 as ``nobs1``,
``FTestAnovaPower`` the total, ``GofChisquarePower`` bins = df + 1). Two
proportions use Cohen's arcsine effect h with the normal approximation, and a
correlation Fisher's z with the bias term of R's ``pwr.r.test``: both are the
methods of R's pwr package, whose output the tests compare with.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from scipy import stats
from statsmodels.stats import power as sm_power

from surveykit.errors import SurveyError

A_PRIORI = "a priori"
POST_HOC = "post hoc"
SENSITIVITY = "sensitivity"


@dataclass(frozen=True)
class PowerResult:
    """One power analysis, unrounded.

    ``n_per_group`` lists each group's size (one entry for a single sample);
    ``critical`` is the test statistic's critical value under H0 (t, F, χ², z
    or r, named by ``critical_name``) and ``noncentrality`` the shift of its
    distribution under H1 (δ, λ, or the z shift); ``df`` its degrees of freedom.
    """

    test: str
    analysis: str
    effect_name: str
    effect: float
    alpha: float
    power: float
    target_power: float | None
    n_total: int
    n_per_group: tuple[int, ...]
    tails: int
    critical_name: str
    critical: float
    noncentrality: float
    df: tuple[float, ...] = ()
    extra: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict:
        """The public JSON document of ``design power --format json``."""
        out = {
            "test": self.test,
            "analysis": self.analysis,
            "effect": self.effect,
            "effect_name": self.effect_name,
            "alpha": self.alpha,
            "power": self.power,
            "target_power": self.target_power,
            "n_total": self.n_total,
            "n_per_group": list(self.n_per_group),
            "tails": self.tails,
            "critical": self.critical,
            "critical_name": self.critical_name,
            "noncentrality": self.noncentrality,
            "df": list(self.df),
        }
        out.update(dict(self.extra))
        return out


def _analysis(
    effect: float | None, n: object, power: float | None, effect_opt: str, n_opt: str = "--n"
) -> str:
    missing = [name for name, v in (("effect", effect), ("n", n), ("power", power)) if v is None]
    if len(missing) != 1:
        raise SurveyError(
            f"give two of {effect_opt}, {n_opt} and --power, and the third is computed: "
            f"{effect_opt} and --power give the sample size, {effect_opt} and {n_opt} the power, "
            f"{n_opt} and --power the smallest detectable effect"
        )
    return {"n": A_PRIORI, "power": POST_HOC, "effect": SENSITIVITY}[missing[0]]


def _check(alpha: float, power: float | None, tails: int) -> None:
    if not 0 < alpha < 1:
        raise SurveyError(f"--alpha must be between 0 and 1, got {alpha}")
    if power is not None and not alpha < power < 1:
        raise SurveyError(f"--power must be between alpha ({alpha}) and 1, got {power}")
    if tails not in (1, 2):
        raise SurveyError(f"--tails must be 1 or 2, got {tails}")


def _positive(name: str, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise SurveyError(f"{name} must be a positive number, got {value}")


def _min_n(name: str, value: int | None, least: int) -> None:
    if value is not None and value < least:
        raise SurveyError(f"{name} must be at least {least}, got {value}")


def _smallest(power_at: Callable[[int], float], target: float, start: float, least: int) -> int:
    """The smallest whole n ≥ ``least`` whose power reaches ``target``, near ``start``."""
    n = max(least, math.ceil(start - 1e-9))
    while power_at(n) < target:
        n += 1
    while n > least and power_at(n - 1) >= target:
        n -= 1
    return n


def _effect_for(power_of: Callable[[float], float], target: float, upper: float = 1e3) -> float:
    """The effect size whose power is ``target`` (power rises with the effect).

    statsmodels' own solver stops about 1e-6 short; this polishes to 1e-14 so the
    sensitivity figures keep the six digits the R references have.
    """
    from scipy.optimize import brentq

    hi = 1.0
    while power_of(hi) < target:
        hi *= 2
        if hi > upper:
            raise SurveyError(f"no effect size reaches power {target} with this sample")
    return float(brentq(lambda e: power_of(e) - target, 1e-12, hi, xtol=1e-14))


def _alternative(tails: int) -> str:
    return "two-sided" if tails == 2 else "larger"


def _two_groups(
    engine,
    analysis: str,
    effect: float | None,
    n1: int | None,
    n2: int | None,
    power: float | None,
    *,
    alpha: float,
    ratio: float,
    tails: int,
    upper: float = 1e3,
) -> tuple[float, int, int, Callable[[int, int, float], float]]:
    """The a priori / sensitivity step shared by the two-group designs (t and z).

    Returns the effect, both group sizes and the power function of (n1, n2, effect).
    """
    alt = _alternative(tails)

    def power_at(a: int, b: int, e: float) -> float:
        return float(engine.power(e, nobs1=a, alpha=alpha, ratio=b / a, alternative=alt))

    if analysis == A_PRIORI:
        assert effect is not None and power is not None
        start = engine.solve_power(
            effect, nobs1=None, alpha=alpha, power=power, ratio=ratio, alternative=alt
        )
        n1 = _smallest(
            lambda a: power_at(a, max(2, math.ceil(a * ratio - 1e-9)), effect),
            power, float(start), 2,
        )  # fmt: skip
        n2 = max(2, math.ceil(n1 * ratio - 1e-9))
    elif analysis == SENSITIVITY:
        assert n1 is not None and n2 is not None and power is not None
        effect = _effect_for(lambda e: power_at(n1, n2, e), power, upper=upper)
    assert effect is not None and n1 is not None and n2 is not None
    return effect, n1, n2, power_at


def ttest(
    d: float | None = None,
    n1: int | None = None,
    n2: int | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    tails: int = 2,
) -> PowerResult:
    """Independent-samples t-test (G*Power: t tests, two independent means).

    A priori: ``ratio`` is n2/n1; ``n1`` and ``n2`` are both given otherwise.
    """
    if (n1 is None) != (n2 is None):
        raise SurveyError("give both --n1 and --n2 (or neither, to compute them)")
    analysis = _analysis(d, n1, power, "--d", "--n1/--n2")
    _check(alpha, power, tails)
    _positive("--d", d)
    _positive("--ratio", ratio)
    _min_n("--n1", n1, 2)
    _min_n("--n2", n2, 2)
    d, n1, n2, power_at = _two_groups(
        sm_power.TTestIndPower(), analysis, d, n1, n2, power,
        alpha=alpha, ratio=ratio, tails=tails,
    )  # fmt: skip
    df = n1 + n2 - 2
    return PowerResult(
        test="ttest",
        analysis=analysis,
        effect_name="d",
        effect=d,
        alpha=alpha,
        power=power_at(n1, n2, d),
        target_power=power if analysis != POST_HOC else None,
        n_total=n1 + n2,
        n_per_group=(n1, n2),
        tails=tails,
        critical_name="t",
        critical=float(stats.t.isf(alpha / tails, df)),
        noncentrality=d * math.sqrt(n1 * n2 / (n1 + n2)),
        df=(df,),
    )


def paired(
    dz: float | None = None,
    n: int | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
    tails: int = 2,
) -> PowerResult:
    """Paired t-test on n pairs (G*Power: t tests, two dependent means; effect dz)."""
    analysis = _analysis(dz, n, power, "--dz")
    _check(alpha, power, tails)
    _positive("--dz", dz)
    _min_n("--n", n, 2)
    engine = sm_power.TTestPower()
    alt = _alternative(tails)

    def power_at(m: int, effect: float) -> float:
        return float(engine.power(effect, nobs=m, alpha=alpha, alternative=alt))

    if analysis == A_PRIORI:
        assert dz is not None and power is not None
        start = engine.solve_power(dz, nobs=None, alpha=alpha, power=power, alternative=alt)
        n = _smallest(lambda m: power_at(m, dz), power, float(start), 2)
    elif analysis == SENSITIVITY:
        assert n is not None and power is not None
        dz = _effect_for(lambda e: power_at(n, e), power)
    assert dz is not None and n is not None
    return PowerResult(
        test="paired",
        analysis=analysis,
        effect_name="dz",
        effect=dz,
        alpha=alpha,
        power=power_at(n, dz),
        target_power=power if analysis != POST_HOC else None,
        n_total=n,
        n_per_group=(n,),
        tails=tails,
        critical_name="t",
        critical=float(stats.t.isf(alpha / tails, n - 1)),
        noncentrality=dz * math.sqrt(n),
        df=(n - 1,),
    )


def _equal_groups(total: int, k: int) -> tuple[int, ...]:
    base, extra = divmod(total, k)
    return tuple(base + (1 if i < extra else 0) for i in range(k))


def anova(
    f: float | None = None,
    k: int = 2,
    n: int | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
) -> PowerResult:
    """One-way ANOVA, fixed effects, omnibus (G*Power: λ = f²·N).

    ``n`` is the total sample; a priori gives equal groups (a multiple of k).
    """
    analysis = _analysis(f, n, power, "--f")
    _check(alpha, power, 2)
    _positive("--f", f)
    _min_n("--k", k, 2)
    _min_n("--n", n, k + 1)
    engine = sm_power.FTestAnovaPower()

    def power_at(total: int, effect: float) -> float:
        return float(engine.power(effect, nobs=total, alpha=alpha, k_groups=k))

    if analysis == A_PRIORI:
        assert f is not None and power is not None
        start = engine.solve_power(f, nobs=None, alpha=alpha, power=power, k_groups=k)
        per_group = _smallest(lambda m: power_at(m * k, f), power, float(start) / k, 2)
        n = per_group * k
    elif analysis == SENSITIVITY:
        assert n is not None and power is not None
        f = _effect_for(lambda e: power_at(n, e), power)
    assert f is not None and n is not None
    return PowerResult(
        test="anova",
        analysis=analysis,
        effect_name="f",
        effect=f,
        alpha=alpha,
        power=power_at(n, f),
        target_power=power if analysis != POST_HOC else None,
        n_total=n,
        n_per_group=_equal_groups(n, k),
        tails=1,
        critical_name="F",
        critical=float(stats.f.isf(alpha, k - 1, n - k)),
        noncentrality=f * f * n,
        df=(k - 1, n - k),
    )


def chisq(
    w: float | None = None,
    df: int = 1,
    n: int | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
) -> PowerResult:
    """χ² test of a contingency table or goodness of fit (G*Power: λ = w²·N)."""
    analysis = _analysis(w, n, power, "--w")
    _check(alpha, power, 2)
    _positive("--w", w)
    _min_n("--df", df, 1)
    _min_n("--n", n, 2)
    engine = sm_power.GofChisquarePower()

    def power_at(total: int, effect: float) -> float:
        return float(engine.power(effect, nobs=total, alpha=alpha, n_bins=df + 1))

    if analysis == A_PRIORI:
        assert w is not None and power is not None
        start = engine.solve_power(w, nobs=None, alpha=alpha, power=power, n_bins=df + 1)
        n = _smallest(lambda m: power_at(m, w), power, float(start), 2)
    elif analysis == SENSITIVITY:
        assert n is not None and power is not None
        w = _effect_for(lambda e: power_at(n, e), power)
    assert w is not None and n is not None
    return PowerResult(
        test="chisq",
        analysis=analysis,
        effect_name="w",
        effect=w,
        alpha=alpha,
        power=power_at(n, w),
        target_power=power if analysis != POST_HOC else None,
        n_total=n,
        n_per_group=(n,),
        tails=1,
        critical_name="chi2",
        critical=float(stats.chi2.isf(alpha, df)),
        noncentrality=w * w * n,
        df=(df,),
    )


def cohen_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions: 2·asin(√p2) − 2·asin(√p1), as a magnitude."""
    return abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))


def proportions(
    p1: float | None = None,
    p2: float | None = None,
    n1: int | None = None,
    n2: int | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    tails: int = 2,
) -> PowerResult:
    """Two independent proportions by Cohen's h (R: pwr.2p.test / pwr.2p2n.test).

    Sensitivity needs ``p1`` and gives the nearest ``p2`` above it that is detectable.
    """
    if (n1 is None) != (n2 is None):
        raise SurveyError("give both --n1 and --n2 (or neither, to compute them)")
    for name, p in (("--p1", p1), ("--p2", p2)):
        if p is not None and not 0 <= p <= 1:
            raise SurveyError(f"{name} must be a proportion between 0 and 1, got {p}")
    if p1 is None:
        raise SurveyError("--p1 is required (the proportion in group 1)")
    h = None if p2 is None else cohen_h(p1, p2)
    if h == 0:
        raise SurveyError("--p1 and --p2 are equal: there is no difference to detect")
    analysis = _analysis(h, n1, power, "--p2", "--n1/--n2")
    _check(alpha, power, tails)
    _positive("--ratio", ratio)
    _min_n("--n1", n1, 2)
    _min_n("--n2", n2, 2)
    h, n1, n2, power_at = _two_groups(
        sm_power.NormalIndPower(), analysis, h, n1, n2, power,
        alpha=alpha, ratio=ratio, tails=tails, upper=math.pi,
    )  # fmt: skip
    if analysis == SENSITIVITY:
        top = 2 * math.asin(math.sqrt(p1)) + h
        p2 = math.sin(top / 2) ** 2 if top <= math.pi else None
    assert h is not None and n1 is not None and n2 is not None
    extra: list[tuple[str, float]] = [("p1", p1)]
    if p2 is not None:
        extra.append(("p2", p2))
    return PowerResult(
        test="proportions",
        analysis=analysis,
        effect_name="h",
        effect=h,
        alpha=alpha,
        power=power_at(n1, n2, h),
        target_power=power if analysis != POST_HOC else None,
        n_total=n1 + n2,
        n_per_group=(n1, n2),
        tails=tails,
        critical_name="z",
        critical=float(stats.norm.isf(alpha / tails)),
        noncentrality=h * math.sqrt(n1 * n2 / (n1 + n2)),
        extra=tuple(extra),
    )


def _correlation_power(r: float, n: int, alpha: float, tails: int) -> tuple[float, float, float]:
    """Power, critical r and z shift of a test of ρ = 0 (R: pwr.r.test's approximation)."""
    t_crit = stats.t.isf(alpha / tails, n - 2)
    r_crit = math.sqrt(t_crit**2 / (t_crit**2 + n - 2))
    z_r = math.atanh(r) + r / (2 * (n - 1))
    z_crit = math.atanh(r_crit)
    shift = (z_r - z_crit) * math.sqrt(n - 3)
    p = stats.norm.cdf(shift)
    if tails == 2:
        p += stats.norm.cdf((-z_r - z_crit) * math.sqrt(n - 3))
    return float(p), r_crit, z_r * math.sqrt(n - 3)


def correlation(
    r: float | None = None,
    n: int | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
    tails: int = 2,
) -> PowerResult:
    """Pearson correlation against ρ = 0 (Fisher's z, as R's pwr.r.test)."""
    analysis = _analysis(r, n, power, "--r")
    _check(alpha, power, tails)
    if r is not None and not 0 < abs(r) < 1:
        raise SurveyError(f"--r must be between -1 and 1 and not 0, got {r}")
    _min_n("--n", n, 4)
    if analysis == A_PRIORI:
        assert r is not None and power is not None
        z = stats.norm.isf(alpha / tails) + stats.norm.isf(1 - power)
        start = (z / math.atanh(abs(r))) ** 2 + 3
        n = _smallest(lambda m: _correlation_power(abs(r), m, alpha, tails)[0], power, start, 4)
    elif analysis == SENSITIVITY:
        assert n is not None and power is not None
        from scipy.optimize import brentq

        if _correlation_power(0.999999, n, alpha, tails)[0] < power:
            raise SurveyError(f"no correlation below 1 reaches power {power} with n = {n}")
        r = float(
            brentq(
                lambda x: _correlation_power(x, n, alpha, tails)[0] - power,
                1e-9,
                0.999999,
                xtol=1e-14,
            )
        )
    assert r is not None and n is not None
    achieved, r_crit, shift = _correlation_power(abs(r), n, alpha, tails)
    return PowerResult(
        test="correlation",
        analysis=analysis,
        effect_name="r",
        effect=r,
        alpha=alpha,
        power=achieved,
        target_power=power if analysis != POST_HOC else None,
        n_total=n,
        n_per_group=(n,),
        tails=tails,
        critical_name="r",
        critical=r_crit,
        noncentrality=shift,
        df=(n - 2,),
    )
