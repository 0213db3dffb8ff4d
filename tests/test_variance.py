"""`variance: student | welch | auto`: which t and F a test reports, and why."""

from __future__ import annotations

import json

import pytest
from report_support import SINGAPORE, STAFF

PLAN = """
tests:
  - {{ttest: score, by: group}}
  - {{anova: score, by: team}}
options: {{alpha: 0.05{extra}}}
"""
QUESTIONNAIRE = """
survey: {id: v, title: Variance}
items:
  - {id: group, text: Group, type: single, choices: ["A", "B"]}
  - {id: team, text: Team, type: single, choices: ["X", "Y", "Z"]}
  - {id: score, text: Score, type: number}
"""


def _rows() -> list[str]:
    # Group A is tight, group B spread out: Levene's test rejects equal variances.
    a = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11]
    b = [5, 23, 8, 21, 4, 22, 7, 20, 6, 19]
    rows = [f"A,{'XYZ'[i % 3]},{v}" for i, v in enumerate(a)]
    rows += [f"B,{'XYZ'[i % 3]},{v}" for i, v in enumerate(b)]
    return rows


def _tests(cli, make_survey, extra: str = "") -> list[dict]:
    survey = make_survey(
        _rows(),
        questionnaire=QUESTIONNAIRE,
        header="group,team,score",
        plan=PLAN.format(extra=extra),
    )
    run = cli("analyze", survey.csv, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)["tests"]


def test_auto_reports_welch_when_levene_rejects(cli, make_survey) -> None:
    from scipy import stats

    ttest, _anova = _tests(cli, make_survey)
    a = [10, 11] * 5
    b = [5, 23, 8, 21, 4, 22, 7, 20, 6, 19]
    levene = stats.levene(a, b, center="mean")
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert levene.pvalue < 0.05
    assert ttest["variant"] == "welch"
    assert ttest["levene_p"] == pytest.approx(levene.pvalue, rel=1e-9)
    assert welch.statistic < 0
    d = ttest["apa"].rsplit(", d = ", 1)[1]
    p = f"{welch.pvalue:.3f}".removeprefix("0")
    assert (
        ttest["apa"] == f"Welch's t({welch.df:.2f}) = -{abs(welch.statistic):.2f}, p = {p}, d = {d}"
    )
    # Student's statistics stay in the result under their own keys.
    assert ttest["df"] == 18 and ttest["welch"]["df"] == pytest.approx(welch.df, rel=1e-9)


def test_student_and_welch_forced(cli, make_survey) -> None:
    ttest, anova = _tests(cli, make_survey, ", variance: student")
    assert (ttest["variant"], anova["variant"]) == ("student", "classic")
    assert ttest["apa"].startswith("t(18) = ")
    assert anova["apa"].startswith("F(2, 17) = ")
    ttest, anova = _tests(cli, make_survey, ", variance: welch")
    assert (ttest["variant"], anova["variant"]) == ("welch", "welch")
    assert anova["apa"].startswith("Welch's F(2, ")


def test_auto_keeps_student_when_levene_does_not_reject(cli, make_survey) -> None:
    _ttest, anova = _tests(cli, make_survey)
    assert anova["levene_p"] >= 0.05  # teams mix both groups alike
    assert anova["variant"] == "classic" and anova["apa"].startswith("F(2, 17) = ")


def test_bad_variance_is_a_one_line_error(cli, make_survey) -> None:
    survey = make_survey(
        _rows(), questionnaire=QUESTIONNAIRE, header="group,team,score",
        plan=PLAN.format(extra=", variance: pooled"),
    )  # fmt: skip
    run = cli("analyze", survey.csv)
    assert run.code == 2
    assert run.err.startswith(
        f"error: {survey.folder / 'analysis.yaml'}:5: variance must be one of auto, student, welch, got 'pooled'"
    )


def test_singapore_reproduces_the_paper_with_student(cli) -> None:
    run = cli("analyze", SINGAPORE / "responses.csv", "--format", "json")
    tests = json.loads(run.out)["tests"]
    assert (
        tests[0]["variant"] == "student" and tests[0]["apa"] == "t(57) = 2.07, p = .043, d = 0.54"
    )
    assert tests[0]["levene_p"] < 0.05
    assert json.loads(run.out)["options"]["variance"] == "student"


def test_adjusted_p_uses_the_reported_variant(cli, make_survey) -> None:
    from scipy import stats

    ttest, anova = _tests(cli, make_survey, ", adjust: bonferroni")
    welch_p = stats.ttest_ind(
        [10, 11] * 5, [5, 23, 8, 21, 4, 22, 7, 20, 6, 19], equal_var=False
    ).pvalue
    assert ttest["p_adjusted"] == pytest.approx(min(1.0, 2 * welch_p), rel=1e-9)
    assert anova["p_adjusted"] == pytest.approx(min(1.0, 2 * anova["p"]), rel=1e-9)


def test_staff_wellbeing_plan_uses_auto(cli) -> None:
    run = cli("analyze", STAFF / "responses.csv", "--format", "json")
    doc = json.loads(run.out)
    assert doc["options"]["variance"] == "auto"
    for test in doc["tests"]:
        if test["kind"] in ("t-test", "anova"):
            equal = "student" if test["kind"] == "t-test" else "classic"
            assert test["variant"] == ("welch" if test["levene_p"] < 0.05 else equal)


def test_report_shows_both_rows_levene_welch_and_the_rule(cli, make_survey) -> None:
    survey = make_survey(
        _rows(), questionnaire=QUESTIONNAIRE, header="group,team,score", plan=PLAN.format(extra="")
    )
    run = cli("report", survey.csv, "--format", "md")
    assert run.code == 0, run.err
    text = run.out
    assert "Variances: Welch's t and Welch's F were reported where Levene's test" in text
    assert "Reported: Welch's t for Score by Group (Levene's p < .001)" in text
    assert (
        "| Equal variances assumed | " in text and "| Equal variances not assumed |  |  | " in text
    )
    assert "| Between groups | " in text and "| Within groups | " in text
    assert "| Levene (mean-centred) | " in text and "| Welch's F | " in text
    assert "| Brown–Forsythe F\\* | " in text  # "*" escaped: shown as F*, never emphasis
    assert "*Note.* Reported: Welch's test (Levene's p < .001)." in text


def test_games_howell_blank_cells_say_why(cli, tmp_path) -> None:
    out = tmp_path / "r.md"
    run = cli("report", SINGAPORE / "responses.csv", "--format", "md", "-o", out)
    assert run.code == 0, run.err
    run.out = out.read_text(encoding="utf-8")
    # 'No' has one respondent for willing_pss: no variance, so no Games–Howell pair with it.
    assert "| No − Maybe | " in run.out and "| not computed: n < 2 |" in run.out
    assert "| Welch's F | not computed: group(s) 'No' have n < 2 |" in run.out
    assert "*Note.* Not shown: No (n = 1); a group needs n ≥ 2 for a CI." in run.out
