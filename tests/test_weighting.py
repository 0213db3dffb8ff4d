"""Response rates, weights and weighted estimates end to end (population.yaml + plan weights:).

Reference values: tests/fixtures/weights/reference.json, written by reference.R with
R survey 4.x (rake, svymean, svychisq) from the same data.csv.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from surveykit.errors import SurveyError
from surveykit.pipeline import run_survey

FIXTURES = Path(__file__).parent / "fixtures" / "weights"
REF = json.loads((FIXTURES / "reference.json").read_text(encoding="utf-8"))

QUESTIONNAIRE = """\
survey: {id: weights_fixture, title: Weights fixture, respondent_id: id}
items:
  - {id: team, text: team, type: single, choices: [Ward A, Ward B, Ward C, Theatres]}
  - {id: profession, text: profession, type: single, choices: [Nurse, Doctor, Admin]}
  - {id: grade, text: grade, type: single, choices: [Staff, Manager]}
  - {id: score, text: score, type: number}
  - id: agree
    text: agree
    type: ordinal
    choices: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
"""
# Margins of population.csv (team, profession) and the grade headcounts of reference.R.
POPULATION = """\
margins:
  team: {Ward A: 300, Ward B: 260, Ward C: 180, Theatres: 160}
  profession: {Nurse: 540, Doctor: 225, Admin: 135}
  grade: {Staff: 780, Manager: 120}
"""
PLAN = """\
tables:
  - {id: agree, describe: [agree]}
  - {id: score, describe: [score]}
tests:
  - {chisq: agree, by: grade}
weights: {method: rake, on: [team, profession, grade]}
"""


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "data.csv", tmp_path / "responses.csv")
    (tmp_path / "questionnaire.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    (tmp_path / "population.yaml").write_text(POPULATION, encoding="utf-8")
    (tmp_path / "analysis.yaml").write_text(PLAN, encoding="utf-8")
    return tmp_path


def _run(folder: Path, **kw):
    return run_survey(
        folder / "responses.csv",
        folder / "questionnaire.yaml",
        folder / "analysis.yaml",
        population=folder / "population.yaml",
        **kw,
    )


def _table(result, table_id):
    return next(t for t in result.tables if t.id == table_id)


def test_weighted_percentages_and_cis_agree_with_r_survey(survey):
    table = _table(_run(survey), "agree")
    assert list(table.columns) == ["", "n", "Weighted %", "95% CI"]
    assert [c.role for c in table.columns] == ["label", "count", "percent", "interval"]
    data = [r for r, k in zip(table.rows, table.row_kinds, strict=True) if k == "data"]
    # R: svymean(~agree, rake(...), na.rm = TRUE); confint = coef ± qnorm(.975) SE
    prop, se = np.array(REF["raked_agree_prop"]), np.array(REF["raked_agree_se"])
    np.testing.assert_allclose([r[2] for r in data], 100 * prop, rtol=1e-6)
    np.testing.assert_allclose(
        [r[3] for r in data],
        np.column_stack(
            [np.maximum(0, 100 * (prop - 1.959964 * se)), 100 * (prop + 1.959964 * se)]
        ),
        rtol=1e-6,
    )
    # The unweighted n stays: the counts of data.csv.
    import csv

    with open(FIXTURES / "data.csv", encoding="utf-8") as f:
        answered = sum(1 for r in csv.DictReader(f) if r["agree"])
    assert sum(r[1] for r in data) == answered


def test_weighted_mean_agrees_with_r_survey(survey):
    table = _table(_run(survey), "score")
    assert list(table.columns) == ["", "n", "Weighted mean", "Mean 95% CI", "Min", "Max"]
    row = table.rows[0]
    mean, se = REF["raked_score_mean"][0], REF["raked_score_se"][0]
    assert row[2] == pytest.approx(mean, rel=1e-6)
    assert row[3] == pytest.approx([mean - 1.959964 * se, mean + 1.959964 * se], rel=1e-6)


def test_rao_scott_agrees_with_svychisq(survey):
    result = _run(survey)
    rs = next(t for t in result.tests if t.kind == "rao-scott")
    # R: svychisq(~grade + agree, raked) -> F, ndf, ddf, p
    assert rs.stats["F"] == pytest.approx(REF["raked_chisq_grade_agree_F"][0], rel=1e-6)
    assert [rs.stats["df1"], rs.stats["df2"]] == pytest.approx(
        REF["raked_chisq_grade_agree_df"], rel=1e-6
    )
    assert rs.stats["p"] == pytest.approx(REF["raked_chisq_grade_agree_p"][0], rel=1e-6)
    # The planned chi-square stays unweighted, and the run says so.
    assert any("computed unweighted" in n for n in result.notes)


def test_weights_summary_by_hand(survey):
    table = _table(_run(survey), "weights")
    w = np.array(REF["raked_weights"])
    n, smallest, lo, hi, mean, cv, deff, n_eff = table.rows[0][1:]
    assert n == 80 and lo == pytest.approx(w.min()) and hi == pytest.approx(w.max())
    assert mean == pytest.approx(900 / 80)
    assert cv == pytest.approx(w.std() / w.mean())
    import csv
    from collections import Counter

    with open(FIXTURES / "data.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert smallest == min(
        min(Counter(r[k] for r in rows).values()) for k in ("team", "profession", "grade")
    )
    assert deff == pytest.approx(1 + (w.std() / w.mean()) ** 2)
    assert n_eff == pytest.approx(80 / deff)


def test_response_rates_table(survey):
    table = _table(_run(survey), "response_rates")
    rows = {(r[0]): r[1:] for r in table.rows if r[1] is not None}
    assert rows["All staff"] == [80, 900, pytest.approx(100 * 80 / 900)]
    import csv

    with open(FIXTURES / "data.csv", encoding="utf-8") as f:
        managers = sum(1 for r in csv.DictReader(f) if r["grade"] == "Manager")
    assert rows["Manager"] == [managers, 120, pytest.approx(100 * managers / 120)]


def test_small_unit_is_shown_as_less_than_n_and_cannot_be_worked_out(survey):
    # Theatres has the fewest respondents; at min_cell above it, its count is "< N",
    # its rate is withheld, and a second unit is withheld so 80 − the rest does not give it.
    result = _run(survey, min_cell=12)
    table = _table(result, "response_rates")
    team = {r[0]: r for r in table.rows}
    theatres = team["Theatres"]
    assert theatres[1] == "< 12" and theatres[3] == "[c]"
    assert theatres[2] == 160  # the headcount is public
    others = [team[t][1] for t in ("Ward A", "Ward B", "Ward C")]
    assert any(v == "[c]" for v in others)
    assert team["All staff"][1] == 80


def test_population_found_beside_the_responses(survey, cli):
    out = cli("analyze", survey / "responses.csv", "-f", "json")
    assert out.code == 0, out.err
    ids = [t["id"] for t in json.loads(out.out)["tables"]]
    assert "response_rates" in ids and "weights" in ids


def test_rake_without_population_is_an_error_naming_the_plan_line(survey, cli):
    (survey / "population.yaml").unlink()
    out = cli("analyze", survey / "responses.csv")
    assert out.code == 2
    assert out.err.strip() == (
        f"error: {survey / 'analysis.yaml'}:6: weights: method rake needs headcounts: put "
        "population.yaml beside the responses or pass --population FILE"
    )
    # Following the hint: --population gives the run its headcounts.
    other = survey / "elsewhere.yaml"
    other.write_text(POPULATION, encoding="utf-8")
    out = cli("analyze", survey / "responses.csv", "--population", other, "-f", "json")
    assert out.code == 0, out.err
    assert any(t["id"] == "weights" for t in json.loads(out.out)["tables"])


def test_population_level_not_a_choice_names_file_and_line(survey, cli):
    (survey / "population.yaml").write_text(
        POPULATION.replace("Theatres: 160", "Theatre: 160"), encoding="utf-8"
    )
    out = cli("analyze", survey / "responses.csv")
    assert out.code == 2
    assert out.err.startswith(f"error: {survey / 'population.yaml'}:2: 'Theatre' is not a choice")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("{method: rake, on: [nope]}", "weights: 'nope' is not an item id"),
        ("{method: rake, on: [score]}", "weights: 'score' is a number item"),
        ("{method: shuffle, on: [team]}", "weights: method must be rake or poststratify"),
        ("{method: rake, on: [team], trim: [2, 3]}", "weights: trim is [lower, upper]"),
        ("{column: team}", "weights: column 'team' is a single item"),
    ],
)
def test_plan_weights_errors(survey, weights, message):
    (survey / "analysis.yaml").write_text(
        PLAN.replace("{method: rake, on: [team, profession, grade]}", weights), encoding="utf-8"
    )
    with pytest.raises(SurveyError, match=message.replace("[", r"\[")) as info:
        _run(survey)
    assert info.value.line == 6


def test_poststratify_to_joint_cells(survey):
    (survey / "population.yaml").write_text(
        "cells:\n  - {grade: Staff, n: 780}\n  - {grade: Manager, n: 120}\n", encoding="utf-8"
    )
    (survey / "analysis.yaml").write_text(
        PLAN.replace("{method: rake, on: [team, profession, grade]}",
                     "{method: poststratify, on: [grade]}"),
        encoding="utf-8",
    )  # fmt: skip
    result = _run(survey)
    assert _table(result, "weights").rows[0][5] == pytest.approx(900 / 80)


def test_weights_delivered_in_a_column_agree_with_r_survey(survey):
    # R: svydesign(ids = ~1, weights = ~w) with w = 2 for managers, 5 for staff (reference.R "unit").
    import csv

    with open(FIXTURES / "data.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[0].append("w")
    for r in rows[1:]:
        r.append("2" if r[3] == "Manager" else "5")
    with open(survey / "responses.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    (survey / "questionnaire.yaml").write_text(
        QUESTIONNAIRE + "  - {id: w, text: w, type: number, report: false}\n", encoding="utf-8"
    )
    (survey / "analysis.yaml").write_text(
        PLAN.replace("{method: rake, on: [team, profession, grade]}", "{column: w}"),
        encoding="utf-8",
    )
    (survey / "population.yaml").unlink()  # delivered weights need no headcounts
    result = run_survey(
        survey / "responses.csv", survey / "questionnaire.yaml", survey / "analysis.yaml"
    )
    mean, se = REF["unit_score_mean"][0], REF["unit_score_se"][0]
    row = _table(result, "score").rows[0]
    assert row[2] == pytest.approx(mean, rel=1e-6)
    assert row[3] == pytest.approx([mean - 1.959964 * se, mean + 1.959964 * se], rel=1e-6)
    rs = next(t for t in result.tests if t.kind == "rao-scott")
    assert rs.stats["F"] == pytest.approx(REF["unit_chisq_grade_agree_F"][0], rel=1e-6)
    assert rs.stats["p"] == pytest.approx(REF["unit_chisq_grade_agree_p"][0], rel=1e-6)
    assert result.options["weights"] == {"column": "w"}
    assert not any(t.id == "response_rates" for t in result.tables)


def test_unstated_unit_counts_overall_only(survey):
    text = (survey / "responses.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("Ward A", "", 1)  # R1 no longer says which team
    (survey / "responses.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    (survey / "analysis.yaml").write_text(
        "tables:\n  - {id: agree, describe: [agree]}\n", encoding="utf-8"
    )
    table = _table(_run(survey), "response_rates")
    rows = {r[0]: r for r in table.rows}
    assert rows["All staff"][1] == 80 and rows["Not stated"][1:] == [1, None, None]
    team = [r[1] for r in table.rows[2:7] if r[0] != "Not stated"]
    assert sum(team) == 79
    # No weights in the plan: tables keep their unweighted %.
    columns = list(_table(_run(survey), "agree").columns)
    assert columns[:3] == ["", "n", "%"] and not any("Weighted" in c for c in columns)
