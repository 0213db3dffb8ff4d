"""`surveykit design`: power and precision against G*Power's published figures and R's pwr.

G*Power figures are quoted from the G*Power 3 manual and web guide (Faul et al.),
with the page they come from; pwr figures are in tests/fixtures/design/power_pwr.json,
made by power_pwr.R beside it. Precision figures are the issue's worked examples
(n = N·x / ((N − 1)E² + x)), checked by hand.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surveykit.cli import app
from surveykit.design import power as pw
from surveykit.design import precision as pr
from surveykit.errors import SurveyError

PWR = json.loads((Path(__file__).parent / "fixtures/design/power_pwr.json").read_text())
RTOL = 1e-6


def close(value: float, expected: float, rtol: float = RTOL) -> bool:
    return math.isclose(value, expected, rel_tol=rtol)


# --- G*Power ---------------------------------------------------------------------------


def test_gpower_ttest_a_priori_d05_power90():
    # G*Power reference manual, t-test (means), two-tailed: N = 172, power .9032,
    # t(170) = 1.9740, delta = 3.2787.
    r = pw.ttest(d=0.5, power=0.90)
    assert r.n_per_group == (86, 86) and r.n_total == 172
    assert round(r.power, 4) == 0.9032
    assert r.df == (170,) and round(r.critical, 4) == 1.9740
    assert round(r.noncentrality, 4) == 3.2787


def test_gpower_ttest_a_priori_alpha_beta_05():
    assert pw.ttest(d=0.8, power=0.95).n_total == 84


def test_gpower_ttest_post_hoc_unequal_groups():
    assert round(pw.ttest(d=0.5, n1=14, n2=22).power, 4) == 0.2954


def test_gpower_ttest_power_80():
    assert pw.ttest(d=0.5, power=0.80).n_total == 128


def test_gpower_anova_k10():
    # G*Power reference manual, F-Test (ANOVA) global: f = .25, 10 groups, power .95
    # -> N = 390, actual power 0.9524, lambda = f^2 N = 24.375.
    r = pw.anova(f=0.25, k=10, power=0.95)
    assert r.n_total == 390 and r.n_per_group == (39,) * 10
    assert round(r.power, 4) == 0.9524
    assert r.df == (9, 380)
    assert r.noncentrality == pytest.approx(24.375)


def test_gpower_one_sample_one_tailed():
    # G*Power guide, means: difference from constant, d = 0.625, one tail,
    # alpha = beta = .05 -> N = 30, delta = 3.423266 (the paired test's model).
    r = pw.paired(dz=0.625, power=0.95, tails=1)
    assert r.n_total == 30
    assert round(r.noncentrality, 6) == 3.423266
    assert r.power > 0.95


def test_gpower_one_sample_post_hoc():
    # G*Power t tests handout: d = 1/3, N = 25, two tails -> power .360.
    assert round(pw.paired(dz=1 / 3, n=25).power, 3) == 0.360


# --- R pwr -------------------------------------------------------------------------------


def test_pwr_ttest():
    assert close(pw.ttest(d=0.5, n1=20, n2=20).power, PWR["t2_posthoc_d0.5_n20_n20"])
    assert close(pw.ttest(d=0.5, n1=14, n2=22).power, PWR["t2n_posthoc_d0.5_n14_n22"])
    assert close(pw.ttest(d=0.5, n1=20, n2=20, tails=1).power, PWR["t2_greater_posthoc_d0.5_n20"])
    assert pw.ttest(d=0.5, power=0.9).n_per_group[0] == math.ceil(
        PWR["t2_apriori_d0.5_p0.9_n_per_group"]
    )
    assert close(pw.ttest(n1=30, n2=30, power=0.8).effect, PWR["t2_sensitivity_n30_p0.8_d"])


def test_pwr_paired():
    assert close(pw.paired(dz=0.4, n=30).power, PWR["paired_posthoc_dz0.4_n30"])
    assert pw.paired(dz=0.5, power=0.8).n_total == math.ceil(PWR["paired_apriori_dz0.5_p0.8_n"])


def test_pwr_anova():
    # pwr counts n per group; surveykit's n is the total.
    assert close(pw.anova(f=0.25, k=4, n=80).power, PWR["anova_posthoc_f0.25_k4_n_per_group20"])
    r = pw.anova(f=0.25, k=3, power=0.8)
    assert r.n_per_group == (math.ceil(PWR["anova_apriori_f0.25_k3_p0.8_n_per_group"]),) * 3
    assert close(
        pw.anova(k=6, n=60, power=0.8).effect, PWR["anova_sensitivity_k6_n_per_group10_p0.8_f"]
    )


def test_pwr_chisq():
    assert close(pw.chisq(w=0.3, df=2, n=100).power, PWR["chisq_posthoc_w0.3_df2_N100"])
    assert pw.chisq(w=0.3, df=1, power=0.8).n_total == math.ceil(
        PWR["chisq_apriori_w0.3_df1_p0.8_N"]
    )


def test_pwr_proportions():
    assert close(pw.cohen_h(0.5, 0.65), PWR["h_p1_0.5_p2_0.65"])
    assert close(pw.proportions(0.5, 0.65, 100, 100).power, PWR["p2_posthoc_p0.5_0.65_n100"])
    assert close(pw.proportions(0.5, 0.65, 80, 120).power, PWR["p2n_posthoc_p0.5_0.65_n80_n120"])
    r = pw.proportions(0.5, 0.65, power=0.8)
    assert r.n_per_group == (math.ceil(PWR["p2_apriori_p0.5_0.65_p0.8_n_per_group"]),) * 2


def test_proportions_sensitivity_gives_the_detectable_p2():
    r = pw.proportions(p1=0.5, n1=170, n2=170, power=0.8)
    p2 = dict(r.extra)["p2"]
    # Feeding the p2 back in gives the power asked for.
    assert pw.proportions(0.5, p2, 170, 170).power == pytest.approx(0.8, abs=1e-10)
    assert 0.64 < p2 < 0.66


def test_pwr_correlation():
    assert close(pw.correlation(r=0.3, n=59).power, PWR["r_posthoc_r0.3_n59"])
    assert close(pw.correlation(r=0.3, n=59, tails=1).power, PWR["r_greater_posthoc_r0.3_n59"])
    assert pw.correlation(r=0.3, power=0.8).n_total == math.ceil(PWR["r_apriori_r0.3_p0.8_n"])
    assert close(pw.correlation(n=59, power=0.8).effect, PWR["r_sensitivity_n59_p0.8_r"])


def test_a_priori_n_is_the_smallest_that_reaches_the_power():
    for result, smaller in (
        (pw.ttest(d=0.3, power=0.85), lambda n: pw.ttest(d=0.3, n1=n, n2=n).power),
        (pw.chisq(w=0.2, df=3, power=0.9), lambda n: pw.chisq(w=0.2, df=3, n=n).power),
        (pw.correlation(r=0.25, power=0.9), lambda n: pw.correlation(r=0.25, n=n).power),
    ):
        n = result.n_per_group[0]
        assert result.power >= result.target_power
        assert smaller(n - 1) < result.target_power


def test_ratio_gives_unequal_groups():
    r = pw.ttest(d=0.5, power=0.8, ratio=2)
    n1, n2 = r.n_per_group
    assert n2 == math.ceil(2 * n1) and r.power >= 0.8
    assert pw.ttest(d=0.5, n1=n1 - 1, n2=math.ceil(2 * (n1 - 1))).power < 0.8


# --- precision ---------------------------------------------------------------------------


@pytest.mark.parametrize(("population", "n"), [(20_000, 377), (1_000, 278), (500, 218), (200, 132)])
def test_sample_size_for_five_points(population, n):
    assert pr.sample_size(0.05, population=population).n == n


@pytest.mark.parametrize(("population", "margin"), [(None, 12.8), (1_000, 12.4), (200, 10.7)])
def test_margin_at_59(population, margin):
    assert round(pr.margin_of_error(59, population=population).margin * 100, 1) == margin


def test_margin_without_population_hand_computed():
    # 1.959964 * sqrt(0.25 / 59) = 0.127583
    assert pr.margin_of_error(59).margin == pytest.approx(0.1275828, abs=1e-7)


def test_groups_each_get_the_margin():
    r = pr.sample_size(0.05, population=2000, groups={"nurse": 0.4, "doctor": 0.25})
    nurse, doctor = r.groups
    assert (nurse.population, doctor.population) == (800, 500)
    # n = N x / ((N - 1) E^2 + x), x = 0.9604: 800 -> 259.6, 500 -> 217.5
    assert (nurse.n, doctor.n) == (260, 218)
    assert r.n == 478


def test_bad_groups_are_one_line_errors():
    with pytest.raises(SurveyError, match="name=share"):
        pr.parse_groups("nurse:0.4")
    with pytest.raises(SurveyError, match="add up to at most 1"):
        pr.sample_size(0.05, groups={"a": 0.7, "b": 0.6})


# --- the command line -------------------------------------------------------------------

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["design", *args])


def test_cli_power_json_keys():
    result = run(
        "power", "ttest", "--d", "0.5", "--alpha", "0.05", "--power", "0.90", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for key in ("n_total", "n_per_group", "power", "effect", "critical", "noncentrality", "alpha"):
        assert key in doc
    assert doc["n_total"] == 172 and doc["n_per_group"] == [86, 86]


def test_cli_power_text():
    result = run("power", "anova", "--f", "0.25", "--k", "10", "--power", "0.95")
    assert result.exit_code == 0, result.output
    assert "39 in each of 10" in result.stdout
    assert "Critical F(9, 380)" in result.stdout
    assert "0.9524" in result.stdout


def test_cli_precision_json_keys():
    result = run("precision", "--margin", "0.05", "--population-size", "20000", "--format", "json")
    doc = json.loads(result.stdout)
    assert {k: doc[k] for k in ("n", "margin", "population", "confidence")} == {
        "n": 377,
        "margin": 0.05,
        "population": 20000,
        "confidence": 0.95,
    }


def test_cli_precision_margin_text():
    result = run("precision", "--n", "59", "--population-size", "200")
    assert result.exit_code == 0
    assert "±10.7 points" in result.stdout
    assert result.stderr == ""


def test_cli_precision_population_number_still_works_for_one_release():
    result = run("precision", "--n", "59", "--population", "200")
    assert result.exit_code == 0
    assert "±10.7 points" in result.stdout
    assert result.stderr.startswith("warning: --population N is deprecated in design precision")
    assert "use --population-size N" in result.stderr


STAFF = Path(__file__).parent.parent / "surveys" / "staff_wellbeing"


def test_cli_precision_population_file_gives_its_total_headcount():
    # population.yaml's departments: 310 + 350 + 420 + 180 + 140 = 1,400 staff.
    by_file = run("precision", "--margin", "0.05", "--population", str(STAFF / "population.yaml"))
    assert by_file.exit_code == 0, by_file.output
    assert "Population          1,400" in by_file.stdout
    by_size = run("precision", "--margin", "0.05", "--population-size", "1400")
    assert by_file.stdout == by_size.stdout
    assert "Respondents needed  302" in by_size.stdout  # 1400·x / (1399·0.05² + x), x = z²/4


def test_cli_precision_population_file_hints_work(cli, tmp_path):
    # A population file away from its questionnaire: the error says to give -q; following it works.
    shutil.copy(STAFF / "population.yaml", tmp_path / "population.yaml")
    args = ("design", "precision", "--n", "59", "--population", tmp_path / "population.yaml")
    alone = cli(*args)
    assert alone.code == 2
    assert alone.err.endswith("put questionnaire.yaml beside it or give -q\n")
    with_q = cli(*args, "-q", STAFF / "questionnaire.yaml")
    assert with_q.code == 0, with_q.err
    assert "Population       1,400" in with_q.out
    # Not a file: for a number, use --population-size (as the error says).
    missing = cli("design", "precision", "--n", "59", "--population", tmp_path / "none.yaml")
    assert missing.code == 2 and "use --population-size N" in missing.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("power", "ttest", "--d", "0.5"), "give two of --d, --n1/--n2 and --power"),
        (
            ("power", "ttest", "--d", "0.5", "--n1", "10", "--power", "0.8"),
            "give both --n1 and --n2",
        ),
        (("power", "anova", "--f", "0.25", "--power", "1.5"), "--power must be between"),
        (("power", "chisq", "--w", "-1", "--power", "0.8"), "--w must be a positive number"),
        (("power", "correlation", "--r", "1.2", "--power", "0.8"), "--r must be between -1 and 1"),
        (("power", "proportions", "--p1", "0.5", "--p2", "0.5", "--power", "0.8"), "equal"),
        (("precision", "--n", "59", "--margin", "0.05"), "give either --n"),
        (("precision", "--n", "300", "--population-size", "200"), "larger than the population"),
        (
            ("precision", "--n", "3", "--population-size", "200", "--population", "p.yaml"),
            "not both",
        ),
    ],
)
def test_cli_errors_are_one_line_exit_2(args, message, monkeypatch, capsys):
    from surveykit.cli import main

    monkeypatch.setattr(sys, "argv", ["surveykit", "design", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]


# --- design plan ---------------------------------------------------------------------------

SINGAPORE = Path(__file__).resolve().parents[1] / "surveys" / "singapore_pss"


def _plan(*args: str) -> dict:
    result = runner.invoke(app, ["design", "plan", str(SINGAPORE), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_singapore_at_59_with_observed_split():
    # The paper: 26 with PSS at the workplace, 33 without (26/59 = 0.4407).
    doc = _plan("--n", "59", "--split", "pss_at_workplace=0.4407")
    ttests = [t for t in doc["tests"] if t["kind"] == "ttest"]
    anovas = [t for t in doc["tests"] if t["kind"] == "anova"]
    assert len(ttests) == 2 and len(anovas) == 6
    for t in ttests:
        assert [g["n"] for g in t["groups"]] == [26, 33]
        # G*Power sensitivity, n1 = 26, n2 = 33, alpha .05, power .80: d = 0.7473
        assert round(t["effect"], 4) == 0.7473
        assert t["effect"] == pytest.approx(pw.ttest(n1=26, n2=33, power=0.8).effect)
        assert any("below the 80% wanted" in w for w in t["warnings"])
    for t in anovas:
        assert sum(g["n"] for g in t["groups"]) == 59 and len(t["groups"]) == 3
        assert t["effect"] == pytest.approx(pw.anova(k=3, n=59, power=0.8).effect)


def test_plan_split_by_label_and_small_group_warning():
    doc = _plan("--n", "20", "--split", "accept_pss=Yes:0.9,No:0.05")
    test = next(t for t in doc["tests"] if t["by"] == "accept_pss")
    sizes = {g["label"]: g["n"] for g in test["groups"]}
    assert sizes == {"Yes": 18, "No": 1, "Maybe": 1}
    assert test["effect"] is None
    assert any("expected to have 1 respondent" in w for w in test["warnings"])


def test_plan_text_truncates_power_in_warnings():
    # staff_wellbeing's chi-square at n = 120 has just under 80% power for w = 0.3:
    # rounded it would read "80% power ..., below the 80% wanted".
    folder = SINGAPORE.parent / "staff_wellbeing"
    args = ["design", "plan", str(folder), "--n", "120"]
    doc = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    chisq = next(t for t in doc["tests"] if t["kind"] == "chisq" and t["dv"] == "role")
    assert 0.795 < chisq["power_at_medium"] < 0.8
    text = runner.invoke(app, args).stdout
    assert "79.5% power for a medium effect (w = 0.3), below the 80% wanted" in text


@pytest.mark.parametrize(
    ("split", "message"),
    [
        ("pss_at_workplace", "ITEM=SHARES"),
        ("nosuch=0.5", "not a single-choice item"),
        ("pss_at_workplace=Maybe:0.5", "not a choice of 'pss_at_workplace'"),
        ("pss_at_workplace=0.7,0.7", "add up to 1.4"),
    ],
)
def test_plan_bad_split(split, message, monkeypatch, capsys):
    from surveykit.cli import main

    argv = ["surveykit", "design", "plan", str(SINGAPORE), "--n", "59", "--split", split]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
