"""Achieved sensitivity: the smallest effect a test of this size detects with given power.

This is what a report may say about power after the data are in (never "observed
power", which is a restatement of the p value). The families are the ones G*Power
uses: the two-sided independent t test (Cohen's d), the paired t test (d_z), the
one-way ANOVA's F (Cohen's f), the overall F of a linear model (Cohen's f²) and the
χ² test of independence (Cohen's w), each with its noncentral distribution's cdf
from ``scipy.special`` (the functions behind ``scipy.stats``' nct, ncf and ncx2).
``surveykit.design.power`` answers the same questions through statsmodels for the
``design`` commands; this module exists because importing ``statsmodels.stats.power``
(or even ``scipy.stats``, 2.5 s on the benchmark machine) would cost every ``analyze``
run more than the paragraph is worth. The tests check the figures against
statsmodels, R's ``pwr`` and G*Power's published figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from surveykit.stats.roots import brentq

POWER = 0.8  # the conventional target; the sentence that prints the effect names it


@dataclass(frozen=True)
class Sensitivity:
    """``effect`` (named ``effect_name``: d, dz, f, f2 or w) detected with ``power`` at ``alpha``."""

    effect_name: str
    effect: float
    power: float
    alpha: float

    def to_dict(self) -> dict[str, float | str]:
        """Plain JSON form."""
        return {
            "effect_name": self.effect_name,
            "effect": self.effect,
            "power": self.power,
            "alpha": self.alpha,
        }


def _solve(power_of, target: float, start: float = 1.0) -> float:
    """The effect where the (increasing) power curve reaches ``target``.

    The bracket grows from ``start``, a guess of the effect's size (about 4 / √n), so
    that at national scale the search never visits effects whose noncentrality is in
    the hundreds, where the noncentral cdfs lose their digits.
    """
    hi = start
    while power_of(hi) < target:
        hi *= 2
        if hi > 1e6:  # pragma: no cover - unreachable for n ≥ 3 and target < 1
            raise ValueError("no effect size reaches the wanted power")
    return brentq(lambda e: power_of(e) - target, 0.0, hi, xtol=1e-15, rtol=1e-12)


def _t_power(df: int, nc: float, alpha: float) -> float:
    """Power of the two-sided t test with ``df`` degrees of freedom at noncentrality ``nc``."""
    crit = special.stdtrit(df, 1 - alpha / 2)
    below = float(special.nctdtr(df, nc, -crit))
    if math.isnan(below) and nc > 0:
        # nctdtr gives NaN where the lower tail underflows (e.g. df 100, nc 10: the
        # probability is below 1e-30); there it adds nothing to the power.
        below = 0.0
    return 1.0 - float(special.nctdtr(df, nc, crit)) + below


def _check(alpha: float, power: float) -> None:
    if not (0 < alpha < 1 and alpha < power < 1):
        raise ValueError(f"need 0 < alpha < power < 1, got alpha={alpha}, power={power}")


def ttest_d(n1: int, n2: int, *, alpha: float = 0.05, power: float = POWER) -> Sensitivity:
    """Smallest |d| a two-sided independent-samples t test with n1 and n2 detects."""
    _check(alpha, power)
    if min(n1, n2) < 1 or n1 + n2 < 3:
        raise ValueError(f"need n1, n2 ≥ 1 and n1 + n2 ≥ 3, got {n1}, {n2}")
    df = n1 + n2 - 2
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    effect = _solve(lambda d: _t_power(df, d * scale, alpha), power, 4 / scale)
    return Sensitivity("d", effect, power, alpha)


def paired_dz(n: int, *, alpha: float = 0.05, power: float = POWER) -> Sensitivity:
    """Smallest |d_z| (mean difference / SD of differences) a two-sided paired t test of n pairs detects."""
    _check(alpha, power)
    if n < 2:
        raise ValueError(f"need n ≥ 2 pairs, got {n}")
    root_n = math.sqrt(n)
    effect = _solve(lambda dz: _t_power(n - 1, dz * root_n, alpha), power, 4 / root_n)
    return Sensitivity("dz", effect, power, alpha)


def regression_f2(u: int, n: int, *, alpha: float = 0.05, power: float = POWER) -> Sensitivity:
    """Smallest Cohen's f² the overall F test of a linear model with u predictor columns detects.

    G*Power's "R² deviation from zero": F(u, n − u − 1) with noncentrality f²·n.
    """
    _check(alpha, power)
    if u < 1 or n - u - 1 < 1:
        raise ValueError(f"need u ≥ 1 predictors and n > u + 1, got u={u}, n={n}")
    crit = special.fdtri(u, n - u - 1, 1 - alpha)

    def power_of(f2: float) -> float:
        return 1.0 - float(special.ncfdtr(u, n - u - 1, f2 * n, crit))

    return Sensitivity("f2", _solve(power_of, power, 16 / n), power, alpha)


def anova_f(k: int, n: int, *, alpha: float = 0.05, power: float = POWER) -> Sensitivity:
    """Smallest Cohen's f a one-way ANOVA of k groups and n respondents in all detects."""
    _check(alpha, power)
    if k < 2 or n <= k:
        raise ValueError(f"need k ≥ 2 groups and n > k, got k={k}, n={n}")
    crit = special.fdtri(k - 1, n - k, 1 - alpha)

    def power_of(f: float) -> float:
        return 1.0 - float(special.ncfdtr(k - 1, n - k, f * f * n, crit))

    return Sensitivity("f", _solve(power_of, power, 4 / math.sqrt(n)), power, alpha)


def chisq_w(df: int, n: int, *, alpha: float = 0.05, power: float = POWER) -> Sensitivity:
    """Smallest Cohen's w a χ² test with ``df`` degrees of freedom and n respondents detects."""
    _check(alpha, power)
    if df < 1 or n < 2:
        raise ValueError(f"need df ≥ 1 and n ≥ 2, got df={df}, n={n}")
    crit = special.chdtri(df, alpha)

    def power_of(w: float) -> float:
        return 1.0 - float(special.chndtr(crit, df, w * w * n))

    return Sensitivity("w", _solve(power_of, power, 4 / math.sqrt(n)), power, alpha)
