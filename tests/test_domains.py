"""A --where subset and each --split unit of a weighted survey are domains (R: subset(design, …));
with weights, a crosstab's column % are weighted, as svyby(~row, ~column, design, svymean).

Reference values: tests/fixtures/domains/reference.json, written by reference.R with R
survey 4.x from tests/fixtures/weights/data.csv: svymean on subset(rake(…), …) and on
subset(postStratify(…), …), svyby(~y, ~team, design, svymean), svychisq on a subset.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tests.weighted_survey import run as _run
from tests.weighted_survey import table as _table
from tests.weighted_survey import weighted_survey

WEIGHTS = Path(__file__).parent / "fixtures" / "weights"
REF = json.loads(
    (Path(__file__).parent / "fixtures" / "domains" / "reference.json").read_text(encoding="utf-8")
)
Z = 1.959963984540054
TEAMS = ["Ward A", "Ward B", "Ward C", "Theatres"]

QUESTIONNAIRE = """\
survey: {id: domains_fixture, title: Domains fixture, respondent_id: id}
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
# The joint team x profession headcounts of population.csv, and the grade margin of reference.R.
RAKED = """\
margins:
  team: {Ward A: 300, Ward B: 260, Ward C: 180, Theatres: 160}
  profession: {Nurse: 540, Doctor: 225, Admin: 135}
  grade: {Staff: 780, Manager: 120}
"""
PLAN = """\
tables:
  - {id: agree, describe: [agree]}
  - {id: score, describe: [score]}
  - {id: profession, describe: [profession]}
tests:
  - {chisq: agree, by: grade}
weights: {method: rake, on: [team, profession, grade]}
"""


@pytest.fixture(params=["raked", "post"])
def survey(request, tmp_path: Path) -> tuple[Path, str]:
    folder = weighted_survey(
        tmp_path,
        request.param,
        data=WEIGHTS / "data.csv",
        questionnaire=QUESTIONNAIRE,
        plan=PLAN,
        raked=RAKED,
    )
    return folder, request.param


def _shares(result, table_id) -> tuple[list, list]:
    table = _table(result, table_id)
    assert list(table.columns)[2:4] == ["Weighted %", "95% CI"]
    rows = [r for r, k in zip(table.rows, table.row_kinds, strict=True) if k == "data"]
    return [r[2] for r in rows], [r[3] for r in rows]


def _ci(prop, se) -> np.ndarray:
    prop, se = np.asarray(prop), np.asarray(se)
    return np.column_stack(
        [np.maximum(0, 100 * (prop - Z * se)), np.minimum(100, 100 * (prop + Z * se))]
    )


def _check_domain(result, prefix: str) -> None:
    """Weighted %, means and their CIs of a domain agree with svymean on subset(design, …)."""
    pct, ci = _shares(result, "agree")
    np.testing.assert_allclose(pct, 100 * np.array(REF[f"{prefix}_agree_prop"]), rtol=1e-6)
    np.testing.assert_allclose(
        ci, _ci(REF[f"{prefix}_agree_prop"], REF[f"{prefix}_agree_se"]), rtol=1e-6, atol=1e-12
    )
    pct, ci = _shares(result, "profession")
    np.testing.assert_allclose(pct, 100 * np.array(REF[f"{prefix}_profession_prop"]), rtol=1e-6)
    np.testing.assert_allclose(
        ci,
        _ci(REF[f"{prefix}_profession_prop"], REF[f"{prefix}_profession_se"]),
        rtol=1e-6,
        atol=1e-9,
    )
    row = _table(result, "score").rows[0]
    mean, se = REF[f"{prefix}_score_mean"][0], REF[f"{prefix}_score_se"][0]
    assert row[2] == pytest.approx(mean, rel=1e-6)
    assert row[3] == pytest.approx([mean - Z * se, mean + Z * se], rel=1e-6)


@pytest.mark.parametrize(
    ("where", "name"), [('team == "Ward B"', "wardb"), ('grade == "Manager"', "manager")]
)
def test_a_where_subset_is_a_domain_of_the_weighted_design(survey, where, name):
    folder, design = survey
    result = _run(folder, where=where)
    _check_domain(result, f"{design}_{name}")
    # The n stays the subset's, unweighted.
    with open(WEIGHTS / "data.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if f"== \"{r['team']}\"" in where
                or f"== \"{r['grade']}\"" in where]  # fmt: skip
    assert _table(result, "score").rows[0][1] == sum(1 for r in rows if r["score"])
    assert any("keep the weights calibrated on all 80" in n for n in result.notes)
    assert result.options["weights"]["domain"] == where
    # The weights table describes the subset's weights.
    assert _table(result, "weights").rows[0][1] == len(rows)


def test_each_unit_agrees_with_svyby(survey):
    folder, design = survey
    means, ses = REF[f"{design}_by_team_score_mean"], REF[f"{design}_by_team_score_se"]
    props = np.array(REF[f"{design}_by_team_agree_prop"]).reshape(4, 5)
    prop_se = np.array(REF[f"{design}_by_team_agree_se"]).reshape(4, 5)
    for k, team in enumerate(TEAMS):
        result = _run(folder, where=f'team == "{team}"')
        row = _table(result, "score").rows[0]
        assert row[2] == pytest.approx(means[k], rel=1e-6)
        assert row[3] == pytest.approx([means[k] - Z * ses[k], means[k] + Z * ses[k]], rel=1e-6)
        pct, ci = _shares(result, "agree")
        # A level nobody in the unit chose has no row estimate in R's svyby but 0 here.
        np.testing.assert_allclose(pct, 100 * props[k], rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(ci, _ci(props[k], prop_se[k]), rtol=1e-6, atol=1e-9)


def test_rao_scott_within_a_domain_agrees_with_svychisq(survey):
    folder, design = survey
    result = _run(folder, where='team != "Theatres"')
    rs = next(t for t in result.tests if t.kind == "rao-scott")
    prefix = f"{design}_nottheatres_chisq_grade_agree"
    assert rs.stats["F"] == pytest.approx(REF[f"{prefix}_F"][0], rel=1e-6)
    assert [rs.stats["df1"], rs.stats["df2"]] == pytest.approx(REF[f"{prefix}_df"], rel=1e-6)
    assert rs.stats["p"] == pytest.approx(REF[f"{prefix}_p"][0], rel=1e-6)
    # X² and the design effect are of the table of the domain's respondents, not of all 80.
    assert rs.stats["pearson"] == pytest.approx(REF[f"{prefix}_pearson"][0], rel=1e-6)
    assert rs.stats["design_effect"] == pytest.approx(REF[f"{prefix}_deff"][0], rel=1e-6)


def test_a_plan_table_where_is_a_domain_too(survey):
    folder, design = survey
    plan = (folder / "analysis.yaml").read_text(encoding="utf-8")
    plan = plan.replace(
        "  - {id: score, describe: [score]}",
        "  - {id: score, describe: [score], where: 'team == \"Ward B\"'}",
    )
    (folder / "analysis.yaml").write_text(plan, encoding="utf-8")
    row = _table(_run(folder), "score").rows[0]
    mean, se = REF[f"{design}_wardb_score_mean"][0], REF[f"{design}_wardb_score_se"][0]
    assert row[2] == pytest.approx(mean, rel=1e-6)
    assert row[3] == pytest.approx([mean - Z * se, mean + Z * se], rel=1e-6)


def test_a_unit_of_a_population_item_shows_its_response_rate(survey):
    folder, design = survey
    result = _run(folder, where='team == "Ward B"')
    table = _table(result, "response_rates")
    with open(WEIGHTS / "data.csv", encoding="utf-8") as f:
        ward_b = [r for r in csv.DictReader(f) if r["team"] == "Ward B"]
    assert table.rows[0] == [
        "team: Ward B",
        len(ward_b),
        260,
        pytest.approx(100 * len(ward_b) / 260),
    ]
    if design == "post":
        # The joint cells give the unit's headcount per profession (Ward B: 156, 65, 39).
        rows = {r[0]: r[1:] for r in table.rows[1:]}
        for profession, head in (("Nurse", 156), ("Doctor", 65), ("Admin", 39)):
            k = sum(1 for r in ward_b if r["profession"] == profession)
            assert rows[profession] == [k, head, pytest.approx(100 * k / head)]
    else:
        assert len(table.rows) == 1


def test_any_other_subset_says_why_it_has_no_response_rate(survey):
    folder, _ = survey
    result = _run(folder, where='team != "Theatres"')
    assert not any(t.id == "response_rates" for t in result.tables)
    assert any(n.startswith("No response rate for this subset") for n in result.notes)


def test_a_calibration_items_intervals_of_no_width_are_explained(survey):
    folder, _ = survey
    table = _table(_run(folder), "profession")
    # Its shares are the headcounts' (540, 225, 135 of 900), with intervals of no width.
    pct, ci = _shares(_run(folder), "profession")
    np.testing.assert_allclose(pct, [60.0, 25.0, 15.0], rtol=1e-9)
    np.testing.assert_allclose([hi - lo for lo, hi in ci], 0.0, atol=1e-9)
    assert any("known without sampling error" in str(n) for n in table.notes)
    # Within a domain the share is estimated, with an interval, and no such note.
    table = _table(_run(folder, where='grade == "Manager"'), "profession")
    assert not any("known without sampling error" in str(n) for n in table.notes)


# --- weighted crosstab cells: svyby(~agree, ~grade, design, svymean) --------------------

AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
GRADES = ["Staff", "Manager"]


def _cells(table) -> dict[tuple[str, str], tuple[float, list]]:
    """(agree level, grade) → (weighted %, CI), from either crosstab layout."""
    names = list(table.columns)
    out = {}
    if "Weighted % of column" in names:  # one row per cell, the column level first
        j = names.index("Weighted % of column")
        assert names[j + 1] == "95% CI"
        for row in table.rows:
            out[(row[1], row[0])] = (row[j], row[j + 1])
        return out
    for grade in GRADES:  # a spanner per column level
        j = names.index(f"{grade}: Weighted %")
        assert names[j + 1] == f"{grade}: 95% CI"
        for row, kind in zip(table.rows, table.row_kinds, strict=True):
            if kind == "data":
                out[(row[0], grade)] = (row[j], row[j + 1])
    return out


def test_weighted_column_percentages_agree_with_svyby(survey):
    folder, design = survey
    plan = (folder / "analysis.yaml").read_text(encoding="utf-8")
    plan = plan.replace(
        "tables:\n",
        "tables:\n  - {id: ct, crosstab: {rows: agree, columns: grade, summarise: score}}\n",
    )
    (folder / "analysis.yaml").write_text(plan, encoding="utf-8")
    table = next(t for t in _run(folder).tables if t.id == "ct")
    cells = _cells(table)
    prop = np.array(REF[f"{design}_agree_by_grade_prop"]).reshape(2, 5)
    se = np.array(REF[f"{design}_agree_by_grade_se"]).reshape(2, 5)
    for g, grade in enumerate(GRADES):
        for a, level in enumerate(AGREE):
            pct, ci = cells[(level, grade)]
            p, s = prop[g, a], se[g, a]
            assert pct == pytest.approx(100 * p, rel=1e-6, abs=1e-12)
            low, high = max(0.0, 100 * (p - Z * s)), min(100.0, 100 * (p + Z * s))
            assert ci == pytest.approx([low, high], rel=1e-6, abs=1e-9)
    assert any("svyby" in str(n) for n in table.notes)
