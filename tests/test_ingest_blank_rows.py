"""Blank rows (Excel's trailing ",,,," lines) are not responses, wherever they are."""

from __future__ import annotations

import json

from surveykit.ingest import read_responses
from surveykit.questionnaire import load_questionnaire

QUESTIONNAIRE = """\
survey:
  id: blank
  respondent_id: {rid}
items:
  - {{id: sex, text: Sex, type: single, choices: ["Male", "Female"]}}
  - {{id: age, text: Age, type: number}}
"""

# A Qualtrics export re-saved in Excel: a blank row in the middle (white space only)
# and trailing lines of commas.
ROWS = ["R_1,Male,30", "R_2,Female,40", " ,  ,", "R_3,Male,", ",,", ",,", ",,"]


def load(survey):
    return read_responses(survey.csv, load_questionnaire(survey.questionnaire))


def test_blank_rows_are_not_responses_without_ids(make_survey) -> None:
    rows = [r.split(",", 1)[1] for r in ROWS]
    survey = make_survey(rows, questionnaire=QUESTIONNAIRE.format(rid="null"), header="Sex,Age")
    r = load(survey)
    assert (r.received, len(r.exclusions), r.analysed) == (3, 0, 3)
    assert list(r.data.index) == ["R1", "R2", "R3"]
    assert r.data["sex"].tolist() == ["Male", "Female", "Male"]
    assert "4 blank row(s) (every cell empty) were skipped; they are not responses" in r.notes


def test_blank_rows_are_not_responses_with_ids(make_survey, cli) -> None:
    survey = make_survey(
        ROWS, questionnaire=QUESTIONNAIRE.format(rid="ResponseId"), header="ResponseId,Sex,Age"
    )
    run = cli("analyze", survey.csv, "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["respondents"] == {"received": 3, "excluded": 0, "analysed": 3}
    sex = next(t for t in doc["tables"] if t["id"] == "sex")
    # Percentages of the 3 responses, not of 7 rows.
    assert sex["rows"][0][:2] == ["Male", 2] and abs(sex["rows"][0][2] - 200 / 3) < 1e-9
    age = next(t for t in doc["tables"] if t["id"] == "age")
    assert age["rows"][1][:2] == ["Missing", 1]  # R_3 left age blank; blank rows are not missing
    assert any("4 blank row(s)" in n for n in doc["notes"])


def test_blank_rows_are_not_seen_by_exclusion_rules(make_survey) -> None:
    q = QUESTIONNAIRE.format(rid="null") + (
        "exclude:\n  - {rule: where, expr: 'missing(age)', reason: no age}\n"
    )
    rows = [r.split(",", 1)[1] for r in ROWS]
    r = load(make_survey(rows, questionnaire=q, header="Sex,Age"))
    assert [(e.row, e.line) for e in r.exclusions] == [(4, 5)]  # R_3 only; row = data record
    assert (r.received, len(r.exclusions), r.analysed) == (3, 1, 2)


def test_a_row_with_one_answer_is_a_response(make_survey) -> None:
    r = load(
        make_survey(
            [",", ",31", ","], questionnaire=QUESTIONNAIRE.format(rid="null"), header="Sex,Age"
        )
    )
    assert (r.received, r.analysed) == (1, 1)
    assert r.data["age"].tolist() == [31.0]


def test_blank_id_in_a_response_names_the_fix(make_survey, cli) -> None:
    survey = make_survey(
        ["R_1,Male,30", ",Female,40"],
        questionnaire=QUESTIONNAIRE.format(rid="ResponseId"),
        header="ResponseId,Sex,Age",
    )
    run = cli("analyze", survey.csv)
    assert run.code == 2
    assert "row 2 (line 3), column 'ResponseId': respondent id is blank" in run.err
    assert "respondent_id: null" in run.err
    # Following the hint: the rows are numbered and both are analysed.
    survey.questionnaire.write_text(QUESTIONNAIRE.format(rid="null"), encoding="utf-8")
    run = cli("analyze", survey.csv, "--format", "json")
    assert json.loads(run.out)["respondents"]["analysed"] == 2


def test_qualtrics_export_resaved_by_excel(make_survey, cli) -> None:
    # Three header rows (ids, question text, ImportId), CRLF, and Excel's trailing ",,,,".
    lines = [
        "StartDate,ResponseId,Q1,Q2",
        "Start Date,Response ID,How satisfied are you?,What is your sex?",
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}",'
        '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"',
        "2024-01-01 10:00,R_a1,4,Female",
        "2024-01-01 11:00,R_b2,5,Male",
        "2024-01-02 09:00,R_c3,,Female",
        *[",,,"] * 84,
    ]
    q = """\
survey: {id: q, respondent_id: ResponseId}
items:
  - {id: sat, text: "How satisfied are you?", type: number}
  - {id: sex, text: "What is your sex?", type: single, choices: [Female, Male]}
"""
    survey = make_survey(questionnaire=q, raw=("\r\n".join(lines) + "\r\n").encode())
    run = cli("analyze", survey.csv, "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["respondents"] == {"received": 3, "excluded": 0, "analysed": 3}
    sex = next(t for t in doc["tables"] if t["id"] == "sex")
    assert [r[:2] for r in sex["rows"]] == [["Female", 2], ["Male", 1]]
    assert "84 blank row(s) (every cell empty) were skipped; they are not responses" in doc["notes"]
