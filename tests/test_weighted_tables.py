"""Weighted Likert matrices and weighted cell means and SDs agree with R survey 4.x.

Reference values: tests/fixtures/weighted_tables/reference.json, written by
reference.R from data.csv there (make_data.py: ../weights/data.csv with two more
Likert statements) and the headcounts of ../weights/population.csv: svymean of
each statement's factor, codes and top-2 indicator on the raked and the
post-stratified design (and on subset(design, team == "Ward B")); svyby(~score,
~profession + grade, design, svymean) and sqrt(svyby(…, svyvar)).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from surveykit.render.json import render_json
from tests.weighted_survey import run as _run
from tests.weighted_survey import table as _table
from tests.weighted_survey import weighted_survey

FIXTURE = Path(__file__).parent / "fixtures" / "weighted_tables"
REF = json.loads((FIXTURE / "reference.json").read_text(encoding="utf-8"))
Z = 1.959963984540054
SCALE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
STATEMENTS = ["agree", "q2", "q3"]

QUESTIONNAIRE = """\
survey: {id: weighted_tables_fixture, title: Weighted tables fixture, respondent_id: id}
items:
  - {id: team, text: team, type: single, choices: [Ward A, Ward B, Ward C, Theatres]}
  - {id: profession, text: profession, type: single, choices: [Nurse, Doctor, Admin]}
  - {id: grade, text: grade, type: single, choices: [Staff, Manager]}
  - {id: score, text: score, type: number}
""" + "".join(
    f"  - {{id: {q}, text: {q}, type: ordinal, choices: [{', '.join(SCALE)}]}}\n"
    for q in STATEMENTS
)
RAKED = """\
margins:
  team: {Ward A: 300, Ward B: 260, Ward C: 180, Theatres: 160}
  profession: {Nurse: 540, Doctor: 225, Admin: 135}
  grade: {Staff: 780, Manager: 120}
"""
PLAN = """\
tables:
  - {id: matrix, likert: {items: [agree, q2, q3], top_box: 2}}
  - {id: wide, crosstab: {rows: profession, columns: grade, summarise: score}}
  - {id: long, crosstab: {rows: profession, columns: grade, summarise: score, layout: long}}
weights: {method: rake, on: [team, profession, grade]}
"""


@pytest.fixture(params=["raked", "post"])
def survey(request, tmp_path: Path) -> tuple[Path, str]:
    folder = weighted_survey(
        tmp_path,
        request.param,
        data=FIXTURE / "data.csv",
        questionnaire=QUESTIONNAIRE,
        plan=PLAN,
        raked=RAKED,
    )
    return folder, request.param


def _data(where=lambda r: True) -> list[dict]:
    with open(FIXTURE / "data.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if where(r)]


def _ci(estimate, se, lo=-np.inf, hi=np.inf) -> list[float]:
    return [max(lo, estimate - Z * se), min(hi, estimate + Z * se)]


# --- the weighted Likert matrix (goal 1) --------------------------------------------------


def _check_matrix(table, prefix: str, rows: list[dict]) -> None:
    assert list(table.columns) == ["", *SCALE, "n", "Weighted mean", "Mean 95% CI", "Top-2 %"]
    assert table.items == STATEMENTS
    for i, q in enumerate(STATEMENTS):
        row, ci95 = table.rows[i], table.ci95[i]
        props, ses = REF[f"{prefix}_{q}_prop"], REF[f"{prefix}_{q}_se"]
        np.testing.assert_allclose(row[1:6], 100 * np.array(props), rtol=1e-6, atol=1e-12)
        for k in range(5):
            expected = _ci(100 * props[k], 100 * ses[k], 0.0, 100.0)
            assert ci95[1 + k] == pytest.approx(expected, rel=1e-6, abs=1e-9)
        # n: those who answered, unweighted.
        assert row[6] == sum(1 for r in rows if r[q])
        mean, se = REF[f"{prefix}_{q}_mean"][0], REF[f"{prefix}_{q}_mean_se"][0]
        assert row[7] == pytest.approx(mean, rel=1e-6)
        assert row[8] == pytest.approx(_ci(mean, se), rel=1e-6)
        assert row[9] == pytest.approx(100 * REF[f"{prefix}_{q}_top2"][0], rel=1e-6)


def test_a_weighted_likert_matrix_agrees_with_svymean(survey):
    folder, design = survey
    table = _table(_run(folder), "matrix")
    _check_matrix(table, design, _data())
    assert str(table.notes[0]).startswith("Weighted % of each statement's valid answers")
    # The counts behind the shares (for protection) are the data's, and never shown.
    assert table.counts[2][1:6] == [Counter(r["q3"] for r in _data())[s] for s in SCALE]
    doc = json.loads(render_json(_run(folder)))
    shown = next(t for t in doc["tables"] if t["id"] == "matrix")
    assert "counts" not in shown
    assert shown["ci95"][0][1] == pytest.approx(table.ci95[0][1])


def test_a_weighted_likert_matrix_of_a_subset_is_a_domain(survey):
    folder, design = survey
    ward_b = _data(lambda r: r["team"] == "Ward B")
    table = _table(_run(folder, where='team == "Ward B"'), "matrix")
    _check_matrix(table, f"{design}_wardb", ward_b)
    # The plan's own where: gives the same domain.
    plan = (folder / "analysis.yaml").read_text(encoding="utf-8")
    plan = plan.replace("top_box: 2}}", "top_box: 2}, where: 'team == \"Ward B\"'}")
    (folder / "analysis.yaml").write_text(plan, encoding="utf-8")
    _check_matrix(_table(_run(folder), "matrix"), f"{design}_wardb", ward_b)


def test_a_weighted_likert_matrix_is_sorted_by_its_weighted_top_box(survey):
    folder, design = survey
    plan = (folder / "analysis.yaml").read_text(encoding="utf-8")
    (folder / "analysis.yaml").write_text(
        plan.replace("top_box: 2}", "top_box: 2, sort: agree}"), encoding="utf-8"
    )
    table = _table(_run(folder), "matrix")
    top = {q: REF[f"{design}_{q}_top2"][0] for q in STATEMENTS}
    assert table.items == sorted(STATEMENTS, key=lambda q: -top[q])
    assert [r[9] for r in table.rows] == pytest.approx([100 * top[q] for q in table.items])


def test_protection_of_a_weighted_matrix_works_on_the_unweighted_counts(survey):
    """q3 has 1 "Strongly disagree" and 7 "Disagree" answers: at --min-cell 5 the first
    is withheld, and a second share so that it cannot be worked out from n and the
    others; the statement's mean, interval and top-box share go too, and so do the
    withheld shares' intervals in JSON."""
    folder, _design = survey
    counts = Counter(r["q3"] for r in _data())
    assert counts["Strongly disagree"] < 5 <= counts["Disagree"]
    result = _run(folder, min_cell=5)
    table = _table(result, "matrix")
    row = table.rows[2]
    assert row[1] == "[c]"
    assert sum(v == "[c]" for v in row[1:6]) == 2
    assert row[6] == sum(counts[s] for s in SCALE)  # n is shown
    assert row[7:] == ["[c]", "[c]", "[c]"]
    hidden = [k for k in range(1, 6) if row[k] == "[c]"]
    assert all(table.ci95[2][k] is None for k in hidden)
    assert all(table.ci95[2][k] is not None for k in range(1, 6) if k not in hidden)
    # Statements whose every count is at least 5 stay whole.
    for i, q in enumerate(STATEMENTS[:2]):
        if min(Counter(r[q] for r in _data())[s] for s in SCALE) >= 5:
            assert "[c]" not in table.rows[i]
    assert "weighted mean (with its interval)" in str(table.notes[-1])


def test_a_statement_answered_by_fewer_than_n_is_withheld_whole(survey):
    folder, _design = survey
    ward_c = _data(lambda r: r["team"] == "Ward C")
    n_agree = sum(1 for r in ward_c if r["agree"])
    assert n_agree < len(ward_c)  # the subset itself is not below --min-cell
    table = _table(_run(folder, where='team == "Ward C"', min_cell=n_agree + 1), "matrix")
    row = table.rows[0]
    assert row[6] == f"< {n_agree + 1}"
    assert all(v in ("[c]", None) for v in row[1:6] + row[7:])
    assert "[c]" in row[1:6]
    assert all(ci is None for ci in table.ci95[0])


# --- weighted M and SD in crosstab cells (goal 2) -------------------------------------------

PROFESSIONS = ["Nurse", "Doctor", "Admin"]
GRADES = ["Staff", "Manager"]


def _check_cell(prefix: str, name: str, mean, ci, sd) -> None:
    m, se = REF[f"{prefix}_score_mean_{name}"][0], REF[f"{prefix}_score_se_{name}"][0]
    assert mean == pytest.approx(m, rel=1e-6)
    assert ci == pytest.approx(_ci(m, se), rel=1e-6)
    assert sd == pytest.approx(REF[f"{prefix}_score_sd_{name}"][0], rel=1e-6)


def test_wide_crosstab_cells_show_the_weighted_mean_and_sd_of_svyby(survey):
    folder, design = survey
    table = _table(_run(folder), "wide")
    names = list(table.columns)
    for spanner in [*GRADES, "Total"]:
        under = [c.label for c in table.columns if c.spanner == spanner]
        assert "M" not in under and "SD" not in under
        m = names.index(f"{spanner}: Weighted M")
        assert names[m : m + 3] == [
            f"{spanner}: Weighted M",
            f"{spanner}: M 95% CI",
            f"{spanner}: Weighted SD",
        ]
        for row in table.rows:
            level = "Total" if row[0] == "Total" else row[0]
            _check_cell(design, f"{level}_{spanner}", row[m], row[m + 1], row[m + 2])
    # n stays the respondents': Valid n counts those in the cell who answered score.
    data = _data()
    valid = names.index("Staff: Valid n")
    nurse = next(r for r in table.rows if r[0] == "Nurse")
    assert nurse[valid] == sum(
        1 for r in data if r["profession"] == "Nurse" and r["grade"] == "Staff" and r["score"]
    )
    assert any("svyby with svyvar" in str(n) for n in table.notes)


def test_long_crosstab_cells_show_the_weighted_mean_and_sd_of_svyby(survey):
    folder, design = survey
    table = _table(_run(folder), "long")
    names = list(table.columns)
    m = names.index("Weighted mean")
    assert names[m : m + 3] == ["Weighted mean", "Mean 95% CI", "Weighted SD"]
    assert "Mean" not in names and "SD" not in names
    seen = set()
    for row in table.rows:
        grade, profession = row[0], row[1]
        _check_cell(design, f"{profession}_{grade}", row[m], row[m + 1], row[m + 2])
        seen.add((profession, grade))
    assert seen == {(p, g) for p in PROFESSIONS for g in GRADES}


def test_a_small_cell_withholds_its_weighted_mean_interval_and_sd(survey):
    folder, _design = survey
    # Doctor managers: 5 respondents; at --min-cell 6 their cell is "< 6".
    table = _table(_run(folder, min_cell=6), "wide")
    names = list(table.columns)
    doctor = next(r for r in table.rows if r[0] == "Doctor")
    assert doctor[names.index("Manager: n")] == "< 6"
    for name in ("Manager: Weighted M", "Manager: M 95% CI", "Manager: Weighted SD"):
        assert doctor[names.index(name)] == "[c]"
