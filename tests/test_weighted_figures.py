"""With weights, a Likert chart is drawn from the weighted % or says it is unweighted."""

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


def test_a_likert_matrix_in_a_weighted_report_says_unweighted(tmp_path):
    result = _staff(None, tmp_path)
    matrix = next(t for t in result.tables if t.kind == "likert")
    assert any(str(n).startswith("Unweighted: the percentages") for n in matrix.notes)
    captions = [f.caption for t in build_report(result).tables for f in t.figures]
    assert f"{matrix.title}: distribution of answers (unweighted)" in captions


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
