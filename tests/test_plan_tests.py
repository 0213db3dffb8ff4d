"""Planned tests wired from items to statistics, checked against R on the same data.

R 4.2 (Debian r-base-core), data below:
  age <- c(34,45,29,50,41,38,27,55,33,47,39,31)
  grp <- factor(c("Yes","No","Yes","No","Yes","No","Maybe","Maybe","Yes","No","Maybe","Yes"))
  acc <- c(3,2,3,1,3,2,2,1,3,2,2,3)        # ordinal codes No=1 Maybe=2 Yes=3
  pss <- factor(c("Yes","No","Yes","No","Yes","No","No","No","Yes","No","Yes","Yes"))
"""

from __future__ import annotations

import json

import pytest

QUESTIONNAIRE = """\
survey: {id: wiring}
items:
  - {id: age, type: number}
  - {id: grp, type: single, choices: ["Yes", "Maybe", "No"]}
  - id: acc
    type: ordinal
    choices: [{code: 1, label: "No"}, {code: 2, label: "Maybe"}, {code: 3, label: "Yes"}]
  - {id: pss, type: single, choices: ["Yes", "No"]}
"""
AGE = [34, 45, 29, 50, 41, 38, 27, 55, 33, 47, 39, 31]
GRP = ["Yes", "No", "Yes", "No", "Yes", "No", "Maybe", "Maybe", "Yes", "No", "Maybe", "Yes"]
ACC = ["Yes", "Maybe", "Yes", "No", "Yes", "Maybe", "Maybe", "No", "Yes", "Maybe", "Maybe", "Yes"]
PSS = ["Yes", "No", "Yes", "No", "Yes", "No", "No", "No", "Yes", "No", "Yes", "Yes"]
ROWS = [f"{a},{g},{c},{p}" for a, g, c, p in zip(AGE, GRP, ACC, PSS, strict=True)]


def run(cli, make_survey, plan: str) -> dict:
    survey = make_survey(ROWS, questionnaire=QUESTIONNAIRE, header="age,grp,acc,pss", plan=plan)
    result = cli("analyze", survey.csv, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_ttest_on_ordinal_codes_and_anova_with_holm(cli, make_survey) -> None:
    doc = run(
        cli,
        make_survey,
        "tests:\n  - {ttest: acc, by: pss}\n  - {anova: age, by: grp}\noptions: {adjust: holm}\n",
    )
    t, a = doc["tests"]
    # R: t.test(acc[pss=="Yes"], acc[pss=="No"], var.equal=TRUE) → t = 4.34121571062, p = 0.0014635824554
    assert t["kind"] == "t-test" and t["dv"] == "acc" and t["by"] == "pss"
    assert [g["label"] for g in t["groups"]] == ["Yes", "No"]  # questionnaire order
    assert t["t"] == pytest.approx(4.34121571062, rel=1e-9)
    assert t["df"] == 10
    assert t["p"] == pytest.approx(0.0014635824554, rel=1e-8)
    # R: oneway.test(age ~ grp, var.equal=TRUE) → F = 2.38856740225, p = 0.147189288904
    assert a["F"] == pytest.approx(2.38856740225, rel=1e-9)
    assert (a["df1"], a["df2"]) == (2, 9)
    assert a["p"] == pytest.approx(0.147189288904, rel=1e-8)
    # R: p.adjust(c(0.0014635824554, 0.147189288904), "holm") → 0.0029271649108 0.1471892889043
    assert t["p_adjusted"] == pytest.approx(0.0029271649108, rel=1e-8)
    assert a["p_adjusted"] == pytest.approx(0.1471892889043, rel=1e-8)
    assert t["apa"] == "t(10) = 4.34, p = .001, d = " + t["apa"].split("d = ")[1]
    assert t["apa"].endswith("(adjusted p = .003)")


def test_ttest_needs_two_groups(cli, make_survey) -> None:
    doc = run(cli, make_survey, "tests:\n  - {ttest: age, by: grp}\n")
    (t,) = doc["tests"]
    assert (
        t["error"] == "'grp' has 3 groups with data ('Yes', 'Maybe', 'No'); name two with 'groups:'"
    )
    assert t["apa"].startswith("not computed:")


def test_ttest_groups_pick_two_levels(cli, make_survey) -> None:
    doc = run(cli, make_survey, 'tests:\n  - {ttest: age, by: grp, groups: ["No", "Yes"]}\n')
    (t,) = doc["tests"]
    assert [g["label"] for g in t["groups"]] == ["No", "Yes"]
    assert [g["n"] for g in t["groups"]] == [4, 5]


def test_chisq_table_counts(cli, make_survey) -> None:
    doc = run(cli, make_survey, "tests:\n  - {chisq: acc, by: pss}\n")
    (c,) = doc["tests"]
    # R: table(acc, pss) with rows No/Maybe/Yes, columns Yes/No (questionnaire order)
    assert c["observed"] == [[0, 2], [1, 4], [5, 0]]


def test_plan_test_errors_have_lines(cli, make_survey) -> None:
    survey = make_survey(
        ROWS,
        questionnaire=QUESTIONNAIRE,
        header="age,grp,acc,pss",
        plan='tests:\n  - {ttest: age, by: grp, groups: ["Yes", "Nope"]}\n',
    )
    result = cli("analyze", survey.csv)
    assert result.code == 2
    assert "analysis.yaml:2: 'Nope' is not a choice of 'grp'" in result.err
