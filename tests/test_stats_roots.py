"""surveykit's Brent root finder against scipy.optimize.brentq (the reference implementation)."""

from __future__ import annotations

import math

import pytest
from scipy import optimize, special

from surveykit.stats.roots import brentq

CASES = [
    (lambda x: x**3 - 2 * x - 5, 2.0, 3.0),  # Newton's classic
    (lambda x: math.cos(x) - x, 0.0, 1.0),
    (lambda x: math.exp(x) - 1e6, 0.0, 20.0),
    (lambda x: special.nctdtr(57, x, 2.066) - 0.025, 0.0, 6.0),  # a Cohen's d bound
    (lambda x: x**3 - 0.027, 0.0, 1.0),  # steep on one side, flat on the other
    (lambda x: math.copysign(1.0, x - 0.3), 0.0, 1.0),  # a step: only bisection helps
]


@pytest.mark.parametrize(("f", "a", "b"), CASES)
def test_matches_scipy(f, a, b) -> None:
    ours = brentq(f, a, b, xtol=1e-14, rtol=1e-14)
    ref = optimize.brentq(f, a, b, xtol=1e-14, rtol=1e-14)
    assert ours == pytest.approx(ref, rel=1e-12, abs=1e-12)


def test_needs_a_sign_change() -> None:
    with pytest.raises(ValueError, match="opposite signs"):
        brentq(lambda x: x * x + 1, -1.0, 1.0)


def test_endpoint_roots() -> None:
    assert brentq(lambda x: x - 2.0, 2.0, 3.0) == 2.0
    assert brentq(lambda x: x - 3.0, 2.0, 3.0) == 3.0


def test_nan_is_an_error_as_in_scipy() -> None:
    # The noncentral t's cdf is NaN far in its tail at large df (the sensitivity of a
    # t-test of 98,000 respondents crosses it): scipy raises, and so must we, rather than
    # return a point of the broken bracket.
    def power_gap(d: float) -> float:
        nc = d * math.sqrt(43888 * 54196 / 98084)
        crit = special.stdtrit(98082, 0.975)
        return 1 - special.nctdtr(98082, nc, crit) + special.nctdtr(98082, nc, -crit) - 0.8

    with pytest.raises(ValueError, match="NaN"):
        optimize.brentq(power_gap, 0.0, 1.0, xtol=1e-12, rtol=1e-12)
    with pytest.raises(ValueError, match="NaN"):
        brentq(power_gap, 0.0, 1.0, xtol=1e-12, rtol=1e-12)
