"""With weights, a Likert chart is drawn from the weighted % and says so."""

from __future__ import annotations

from surveykit.pipeline import run_survey
from surveykit.render.document import build_report
from surveykit.render.figures import likert_segments
from tests.conftest import ROOT

STAFF = ROOT / "surveys" / "staff_wellbeing"


def _staff(plan_text: str | None, tmp_path):
    plan = STAFF / "analysis.yaml"
    if plan_text is not None:
        plan = tmp_path / "analysis.yaml"
        plan.write_text(plan_text, encoding="utf-8")
    return run_survey(
        STAFF / "responses.csv",
        STAFF / "questionnaire.yaml",
        plan,
        population=STAFF / "population.yaml",
    )


def test_a_weighted_likert_matrix_is_charted_from_its_weighted_percentages(tmp_path):
    result = _staff(None, tmp_path)
    matrix = next(t for t in result.tables if t.kind == "likert")
    assert str(matrix.notes[0]).startswith("Weighted % of each statement's valid answers")
    shares = [j for j, c in enumerate(matrix.columns) if c.base == "row"]
    segments = likert_segments(matrix)
    assert [values for _label, _choices, values in segments] == [
        [row[j] for j in shares] for row in matrix.rows
    ]
    captions = [f.caption for t in build_report(result).tables for f in t.figures]
    assert f"{matrix.title}: distribution of answers (weighted %)" in captions


def test_a_likert_matrix_without_weights_says_nothing_of_weighting(tmp_path):
    """Without weights in the plan the caption has no "(weighted %)" or "(unweighted)"."""
    plan = (STAFF / "analysis.yaml").read_text(encoding="utf-8")
    plan = plan[: plan.index("# Rake to the headcounts")]
    result = _staff(plan, tmp_path)
    matrix = next(t for t in result.tables if t.kind == "likert")
    captions = [f.caption for t in build_report(result).tables for f in t.figures]
    assert f"{matrix.title}: distribution of answers" in captions


def test_a_weighted_block_is_charted_from_its_weighted_percentages(tmp_path):
    plan = (
        "tables:\n  - {id: eng, title: Engagement, describe: [eng_1, eng_2, eng_3]}\n"
        "weights: {method: rake, on: [dept, role]}\n"
    )
    result = _staff(plan, tmp_path)
    table = next(t for t in result.tables if t.id == "eng")
    pct = list(table.columns).index("Weighted %")
    segments = likert_segments(table)
    assert len(segments) == 3
    # Each bar's segments are the table's weighted % of its item, not its counts.
    answers = [r for r, k in zip(table.rows, table.row_kinds, strict=True) if k == "data"]
    assert [v for _label, _choices, values in segments for v in values] == [r[pct] for r in answers]
    captions = [f.caption for t in build_report(result).tables for f in t.figures]
    assert captions == ["Engagement: distribution of answers (weighted %)"]
