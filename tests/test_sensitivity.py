"""Achieved sensitivity (the report's Precision paragraph) against G*Power and statsmodels.

statsmodels' power classes are an independent implementation of the same noncentral
distributions (the ``design`` commands use them); G*Power 3.1's published figures
anchor both.
"""

from __future__ import annotations

import pytest
from statsmodels.stats import power as sm_power

from surveykit.stats import sensitivity as sens


@pytest.mark.parametrize(
    ("n1", "n2", "power"), [(64, 64, 0.8), (26, 33, 0.8), (14, 22, 0.9), (500, 20, 0.8)]
)
def test_t_test_d_matches_statsmodels(n1: int, n2: int, power: float) -> None:
    expected = sm_power.TTestIndPower().solve_power(
        effect_size=None, nobs1=n1, ratio=n2 / n1, alpha=0.05, power=power
    )
    assert sens.ttest_d(n1, n2, power=power).effect == pytest.approx(expected, rel=1e-5)


def test_t_test_d_reproduces_gpower() -> None:
    # G*Power 3.1: d = 0.5, α = .05 two-tailed, 86 + 86 → actual power .9032 (4 digits).
    assert sens.ttest_d(86, 86, power=0.9032).effect == pytest.approx(0.5, abs=5e-4)
    # d = 0.8, α = β = .05 → N = 84 (42 + 42): 42 per group detects just under 0.8.
    d = sens.ttest_d(42, 42, power=0.95).effect
    assert 0.78 < d < 0.8


def test_singapore_t_tests_detect_about_074() -> None:
    # Issue 14: the paper's two t-tests (26 with PSS, 33 without) detect d ≈ 0.74.
    assert sens.ttest_d(26, 33).effect == pytest.approx(0.74, abs=0.01)


@pytest.mark.parametrize(("k", "n"), [(3, 59), (5, 236), (10, 200)])
def test_anova_f_matches_statsmodels(k: int, n: int) -> None:
    expected = sm_power.FTestAnovaPower().solve_power(
        effect_size=None, nobs=n, alpha=0.05, power=0.8, k_groups=k
    )
    assert sens.anova_f(k, n).effect == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(("df", "n"), [(1, 59), (2, 59), (6, 240)])
def test_chisq_w_matches_statsmodels(df: int, n: int) -> None:
    expected = sm_power.GofChisquarePower().solve_power(
        effect_size=None, nobs=n, alpha=0.05, power=0.8, n_bins=df + 1
    )
    assert sens.chisq_w(df, n).effect == pytest.approx(expected, rel=1e-5)


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        sens.ttest_d(1, 1)
    with pytest.raises(ValueError):
        sens.anova_f(3, 3)
    with pytest.raises(ValueError):
        sens.chisq_w(0, 10)


def test_report_states_each_tests_sensitivity(cli) -> None:
    from tests.conftest import ROOT

    run = cli("report", ROOT / "surveys/singapore_pss/responses.csv", "--format", "md")
    assert run.code == 0, run.err
    d = sm_power.TTestIndPower().solve_power(
        effect_size=None, nobs1=26, ratio=33 / 26, alpha=0.05, power=0.8
    )
    f = sm_power.FTestAnovaPower().solve_power(
        effect_size=None, nobs=59, alpha=0.05, power=0.8, k_groups=3
    )
    line = next(x for x in run.out.splitlines() if x.startswith("Precision:"))
    assert f"d = {d:.2f} for both independent-samples t-tests" in line
    assert f"f = {f:.2f} for all 6 one-way ANOVAs" in line
    assert "observed power is not reported" in line


def test_withheld_tests_state_no_sensitivity(cli) -> None:
    from tests.conftest import ROOT

    # At --min-cell 5 the ANOVAs by acceptance (a group of 3) are withheld: no figure for them.
    run = cli(
        "analyze", ROOT / "surveys/singapore_pss/responses.csv", "--format", "json",
        "--min-cell", "5",
    )  # fmt: skip
    import json

    tests = json.loads(run.out)["tests"]
    withheld = [t for t in tests if t.get("suppressed")]
    assert withheld and all("sensitivity" not in t for t in withheld)
    assert all("sensitivity" in t for t in tests if not t.get("suppressed"))
