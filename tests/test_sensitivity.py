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


def _pwr_reference() -> dict:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "fixtures/sensitivity/reference.json"
    return json.loads(path.read_text())


@pytest.mark.parametrize("row", _pwr_reference()["paired"], ids=lambda r: f"n={r['n']}")
def test_paired_dz_matches_r_pwr(row: dict) -> None:
    assert sens.paired_dz(row["n"]).effect == pytest.approx(row["dz"], rel=1e-6)


@pytest.mark.parametrize("row", _pwr_reference()["regression"], ids=lambda r: f"u={r['u']}")
def test_regression_f2_matches_r_pwr(row: dict) -> None:
    assert sens.regression_f2(row["u"], row["n"]).effect == pytest.approx(row["f2"], rel=1e-6)


@pytest.mark.parametrize("row", _pwr_reference()["large"], ids=lambda r: f"n={r['n1']}+{r['n2']}")
def test_national_scale_t_test_d_matches_r_pwr(row: dict) -> None:
    # At these sizes the old search visited noncentralities where scipy's nctdtr gives NaN,
    # and the paragraph was silently left out (50,000 and 500,000 respondents).
    assert sens.ttest_d(row["n1"], row["n2"]).effect == pytest.approx(row["d"], rel=1e-6)


@pytest.mark.parametrize("row", _pwr_reference()["large_paired"], ids=lambda r: f"n={r['n']}")
def test_national_scale_paired_dz_matches_r_pwr(row: dict) -> None:
    assert sens.paired_dz(row["n"]).effect == pytest.approx(row["dz"], rel=1e-6)


def test_regression_f2_reproduces_gpower() -> None:
    # G*Power 3.1 manual, linear multiple regression (R² deviation from zero): f² = 0.15,
    # α = .05, power .95, 5 predictors → total N = 138. So 138 respondents detect f² = 0.15
    # with at least that power, and 137 do not.
    assert sens.regression_f2(5, 138, power=0.95).effect <= 0.15
    assert sens.regression_f2(5, 137, power=0.95).effect > 0.15


def test_paired_and_regression_sizes_are_checked() -> None:
    with pytest.raises(ValueError):
        sens.paired_dz(1)
    with pytest.raises(ValueError):
        sens.regression_f2(3, 4)


def test_report_states_paired_and_linear_model_sensitivity(cli, tmp_path) -> None:
    import json
    import shutil

    from tests.conftest import ROOT

    # The staff survey's paired t-test and Wilcoxon test share the pairs' d_z; a linear
    # model added to its plan gets the f² of its overall F test.
    survey = tmp_path / "staff"
    shutil.copytree(ROOT / "surveys/staff_wellbeing", survey)
    plan = survey / "analysis.yaml"
    model = "  - {regress: engagement, on: [dept, supervises], model: linear}\n"
    plan.write_text(plan.read_text().replace("\noptions:", model + "\noptions:"))
    run = cli("analyze", survey / "responses.csv", "--format", "json")
    assert run.code == 0, run.err
    tests = json.loads(run.out)["tests"]
    paired = [t for t in tests if t["kind"] in ("paired-t", "wilcoxon")]
    assert len(paired) == 2
    dz = sm_power.TTestPower().solve_power(
        effect_size=None, nobs=paired[0]["n"], alpha=0.05, power=0.8, alternative="two-sided"
    )
    for t in paired:
        assert t["sensitivity"]["effect_name"] == "dz"
        assert t["sensitivity"]["effect"] == pytest.approx(dz, rel=1e-5)
    model = next(t for t in tests if t["kind"] == "regression")
    u, n = int(model["fit"]["df1"]), model["n"]
    # FTestPowerF2 takes f² itself (FTestPower's df arguments are swapped in statsmodels).
    (f2,) = sm_power.FTestPowerF2().solve_power(
        effect_size=None, df_num=u, df_denom=n - u - 1, alpha=0.05, power=0.8
    )
    assert model["sensitivity"]["effect_name"] == "f2"
    assert model["sensitivity"]["effect"] == pytest.approx(f2, rel=1e-5)

    md = cli("report", survey / "responses.csv", "--format", "md")
    line = next(x for x in md.out.splitlines() if x.startswith("Precision:"))
    assert f"d_z = {dz:.2f} for both" not in line  # a t-test and a rank test: named apart
    assert f"d_z = {dz:.2f} for Stress before the programme" in line
    assert f"f² = {f2:.2f} for " in line
    # No w: the staff survey's χ² is table7's `test: chisq` (printed under the crosstab),
    # which has no Precision figure yet (docs/reports.md says so).
    assert "Cohen's d, d_z, f or f²" in line
