"""Choice aliases, missing values, invalid: error|missing and notes on far-out numbers.

Built from a small file in the shape of a Google Forms export of a staff survey:
genders typed as M/m/male/Woman/F, "I don't know" in an agreement item, ages 3, 99
and 323 against a 15–80 range, and a heart rate of 999999999. Every expected value
below is counted by hand from ROWS.
"""

from __future__ import annotations

import json

import pytest

from surveykit.errors import SurveyError
from surveykit.ingest import read_responses
from surveykit.questionnaire import load_questionnaire

HEADER = "Timestamp,Gender,The training was useful,Age,Resting heart rate (BPM)"
ROWS = [
    "2024/05/01 10:00:00,M,Agree,34,72",
    "2024/05/01 10:05:00,m,Strongly agree,28,65",
    "2024/05/01 10:09:00,male,I don't know,45,80",
    "2024/05/01 11:00:00,Woman,Disagree,3,70",
    "2024/05/02 09:00:00,F,Agree,99,999999999",
    "2024/05/02 09:30:00,Female,Prefer not to say,323,68",
    "2024/05/02 10:00:00,female,Strongly disagree,51,75",
    "2024/05/02 10:30:00,M,Neither agree nor disagree,40,",
]
Q = """\
survey: {id: training}
items:
  - id: gender
    text: Gender
    type: single
    choices:
      - {code: 1, label: Male, aliases: [M]}
      - {code: 2, label: Female, aliases: [F, Woman]}
  - id: useful
    text: The training was useful
    type: ordinal
    choices:
      - {code: 1, label: Strongly disagree}
      - {code: 2, label: Disagree}
      - {code: 3, label: Neither agree nor disagree}
      - {code: 4, label: Agree}
      - {code: 5, label: Strongly agree}
      - {code: 9, label: "I don't know"}
    missing: ["I don't know", "Prefer not to say"]
  - id: age
    text: Age
    type: number
    min: 15
    max: 80
    invalid: missing
  - id: bpm
    text: Resting heart rate (BPM)
    type: number
"""
PLAN = """\
tests:
  - {ttest: useful, by: gender}
"""


def load(survey):
    return read_responses(survey.csv, load_questionnaire(survey.questionnaire))


def analyse(cli, survey) -> dict:
    run = cli("analyze", survey.csv, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def table(doc: dict, table_id: str) -> dict:
    return next(t for t in doc["tables"] if t["id"] == table_id)


def test_aliases_map_typed_variants_onto_choices(make_survey) -> None:
    r = load(make_survey(ROWS, questionnaire=Q, header=HEADER))
    assert r.data["gender"].tolist() == ["Male"] * 3 + ["Female"] * 4 + ["Male"]


def test_missing_values_have_their_own_rows_and_never_enter_a_score(make_survey, cli) -> None:
    doc = analyse(cli, make_survey(ROWS, questionnaire=Q, header=HEADER, plan=PLAN))
    t = table(doc, "useful")
    assert [r[:2] for r in t["rows"]] == [
        ["Strongly disagree", 1],
        ["Disagree", 1],
        ["Neither agree nor disagree", 1],
        ["Agree", 2],
        ["Strongly agree", 1],
        ["I don't know", 1],
        ["Prefer not to say", 1],
    ]
    assert t["row_kinds"] == ["data"] * 5 + ["missing"] * 2
    # The t-test of the 1–5 scores: men gave 4, 5, 3 and women 2, 4, 1; the code 9 of
    # "I don't know" (row 3) and "Prefer not to say" (row 6) are left out.
    groups = {g["label"]: (g["n"], g["mean"]) for g in doc["tests"][0]["groups"]}
    assert groups["Male"] == (3, 4.0)
    assert groups["Female"][0] == 3 and groups["Female"][1] == pytest.approx(7 / 3)


def test_missing_values_stay_out_of_scales_and_reversals(make_survey, cli) -> None:
    plan = "scales:\n  - {id: s, label: Score, items: [useful, age], reverse: [useful]}\n"
    doc = analyse(cli, make_survey(ROWS, questionnaire=Q, header=HEADER, plan=plan))
    row = table(doc, "scales")["rows"][0]
    # useful reversed on 1..5 (6 − score), averaged with age where both are valid:
    # rows 1 (2, 34), 2 (1, 28), 7 (5, 51), 8 (3, 40) → 18, 14.5, 28, 21.5.
    assert row[2] == 4 and row[3] == pytest.approx(20.5) and (row[6], row[7]) == (14.5, 28)


def test_invalid_missing_lists_each_cell_in_every_output(make_survey, cli, tmp_path) -> None:
    survey = make_survey(ROWS, questionnaire=Q, header=HEADER)
    doc = analyse(cli, survey)
    assert doc["data_issues"] == [
        {"row": 4, "line": 5, "column": "Age", "item": "age", "value": "3", "reason": "outside 15–80"},
        {"row": 5, "line": 6, "column": "Age", "item": "age", "value": "99", "reason": "outside 15–80"},
        {"row": 6, "line": 7, "column": "Age", "item": "age", "value": "323", "reason": "outside 15–80"},
    ]  # fmt: skip
    age = table(doc, "age")
    assert age["rows"][0][1] == 5 and age["rows"][0][2] == pytest.approx(39.6)  # 34 28 45 51 40
    assert age["rows"][1][:2] == ["Missing", 3]
    assert doc["respondents"] == {"received": 8, "excluded": 0, "analysed": 8}

    run = cli("analyze", survey.csv)
    assert "Data issues: 3 cell(s) set to missing" in run.out
    assert "row 6 (line 7), column 'Age': '323' outside 15–80" in run.out

    run = cli("report", survey.csv, "--format", "md")
    assert run.code == 0, run.err
    assert "3 values of Age outside 15–80 were set to missing" in run.out


def test_invalid_error_reports_every_bad_cell_in_one_run(make_survey, cli) -> None:
    q = Q.replace("    invalid: missing\n", "")
    rows = [*ROWS, *(f"2024/06/{d:02d} 10:00:00,F,Agree,{100 + d},70" for d in range(1, 26))]
    run = cli("analyze", make_survey(rows, questionnaire=q, header=HEADER).csv)
    assert run.code == 2
    lines = run.err.splitlines()
    assert lines[0].startswith("error: ") and "28 cells are not valid answers" in lines[0]
    assert "set invalid: missing" in lines[0]
    assert (
        lines[1]
        == "  row 4 (line 5), column 'Age': '3' is outside the allowed range 15–80 of item 'age'"
    )
    assert (
        lines[3]
        == "  row 6 (line 7), column 'Age': '323' is outside the allowed range 15–80 of item 'age'"
    )
    assert len(lines) == 22 and lines[-1] == "  …and 8 more"
    assert "Traceback" not in run.err


def test_invalid_under_survey_applies_to_every_item(make_survey) -> None:
    q = Q.replace("    invalid: missing\n", "").replace(
        "survey: {id: training}", "survey: {id: training, invalid: missing}"
    )
    rows = [*ROWS, "2024/06/01 10:00:00,X,Agree,abc,70"]
    r = load(make_survey(rows, questionnaire=q, header=HEADER))
    assert [(i.row, i.item, i.value, i.reason) for i in r.data_issues] == [
        (4, "age", "3", "outside 15–80"),
        (5, "age", "99", "outside 15–80"),
        (6, "age", "323", "outside 15–80"),
        (9, "gender", "X", "not a choice"),
        (9, "age", "abc", "not a number"),
    ]
    assert r.data["gender"].isna().tolist() == [False] * 8 + [True]


CHOICE_Q = """\
survey: {id: g}
items:
  - id: gender
    text: Gender
    type: single
    choices: [Male, Female]
"""
CHOICE_ROWS = ["Male", "Female", "Man", "female", "Man"]


@pytest.mark.parametrize(
    ("fix", "rows"),
    [
        # add it to that choice's aliases → counted as Male
        ('choices: [{label: Male, aliases: ["Man"]}, Female]', [["Male", 3], ["Female", 2]]),
        # list it under missing: → its own row below the valid ones
        ('choices: [Male, Female]\n    missing: ["Man"]', [["Male", 1], ["Female", 2], ["Man", 2]]),
        # invalid: missing → missing
        (
            "choices: [Male, Female]\n    invalid: missing",
            [["Male", 1], ["Female", 2], ["Missing", 2]],
        ),
    ],
)
def test_each_fix_the_choice_error_names_gives_the_hand_counts(make_survey, cli, fix, rows) -> None:
    survey = make_survey(CHOICE_ROWS, questionnaire=CHOICE_Q, header="Gender")
    run = cli("analyze", survey.csv)
    assert run.code == 2
    assert "row 3 (line 4), column 'Gender': 'Man' is not a choice of item 'gender'" in run.err
    assert (
        "if it means one of them add it to that choice's aliases, list it under the item's "
        "missing:, or set invalid: missing" in run.err
    )
    survey = make_survey(
        CHOICE_ROWS, questionnaire=CHOICE_Q.replace("choices: [Male, Female]", fix), header="Gender"
    )
    t = analyse(cli, survey)["tables"][0]
    assert [r[:2] for r in t["rows"]] == rows
    assert t["rows"][0][2] == pytest.approx(100 * rows[0][1] / 5)  # % of all 5 respondents


def test_number_missing_codes(make_survey, cli) -> None:
    q = "items:\n  - {id: kids, text: Children, type: number, missing: [-9, Refused]}\n"
    rows = [f"{i},{v}" for i, v in enumerate(["2", "-9", "0", "refused", "", "1"])]
    t = analyse(cli, make_survey(rows, questionnaire=q, header="Id,Children"))
    t = t["tables"][0]
    assert t["rows"][0][1] == 3 and t["rows"][0][2] == pytest.approx(1.0)  # 2, 0, 1
    assert [r[:2] for r in t["rows"][1:]] == [["-9", 1], ["Refused", 1], ["Missing", 1]]


def test_far_out_number_gets_a_note_and_following_it_works(make_survey, cli) -> None:
    survey = make_survey(ROWS, questionnaire=Q, header=HEADER)
    doc = analyse(cli, survey)
    bpm = table(doc, "bpm")["rows"][0]
    assert bpm[1] == 7 and bpm[2] == pytest.approx((430 + 999999999) / 7)  # notes change nothing
    note = next(n for n in doc["notes"] if "'bpm'" in n)
    assert note.startswith(
        "item 'bpm': 999999999 in row 5 (line 6), column 'Resting heart rate (BPM)', is far from"
    )
    assert "set max: (e.g. max: 1000) and invalid: missing on the item" in note
    fixed = Q.replace("    text: Resting heart rate (BPM)\n    type: number\n",
                      "    text: Resting heart rate (BPM)\n    type: number\n    max: 1000\n    invalid: missing\n")  # fmt: skip
    doc = analyse(cli, make_survey(ROWS, questionnaire=fixed, header=HEADER))
    bpm = table(doc, "bpm")["rows"][0]
    assert bpm[1] == 6 and bpm[2] == pytest.approx(430 / 6)  # 72 65 80 70 68 75
    assert not any("'bpm'" in n for n in doc["notes"])
    assert [d["value"] for d in doc["data_issues"] if d["item"] == "bpm"] == ["999999999"]


@pytest.mark.parametrize(
    "values",
    [
        [52_000, 61_000, 48_000, 1_250_000, 75_000, 39_000],  # incomes: skewed, not absurd
        [0, 0, 0, 1, 2, 0, 7],  # counts
        [3, 99, 323, 40, 35, 28],  # implausible ages are a matter for min/max
    ],
)
def test_real_skew_gets_no_note(make_survey, cli, values) -> None:
    q = "items:\n  - {id: x, text: X, type: number}\n"
    doc = analyse(cli, make_survey([str(v) for v in values], questionnaire=q, header="X"))
    assert doc["notes"] == []


@pytest.mark.parametrize(
    ("yaml", "fragment"),
    [
        (
            "type: single\n    choices: [A, B]\n    invalid: drop",
            "'invalid' must be error or missing",
        ),
        ("type: text\n    missing: [x]", "'missing' applies to answers, not text"),
        ("type: text\n    invalid: missing", "'invalid' applies to answers that can be invalid"),
        ("type: single\n    choices: [A, B]\n    missing: []", "'missing' must be a list"),
        (
            "type: single\n    choices: [A]\n    missing: [A]",
            "every choice is listed under 'missing'",
        ),
        (
            "type: single\n    choices: [{label: A, aliases: [b]}, B]",
            "alias 'b' of 'A' already stands for 'B'",
        ),
        (
            "type: single\n    choices: [{label: A, aliases: {x: 1}}]",
            "'aliases' of choice 'A' must be a list",
        ),
    ],
)
def test_keys_are_validated(tmp_path, yaml, fragment) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(f"items:\n  - id: x\n    {yaml}\n")
    with pytest.raises(SurveyError) as info:
        load_questionnaire(path)
    assert fragment in info.value.message


def test_invalid_multi_cell_becomes_missing_not_none_chosen(make_survey, cli) -> None:
    q = "items:\n  - {id: m, text: M, type: multi, choices: [A, B], invalid: missing}\n"
    rows = ["1,A;B", "2,A;Zzz", "3,", "4,B"]
    doc = analyse(cli, make_survey(rows, questionnaire=q, header="Id,M"))
    t = doc["tables"][0]
    # Base: rows 1, 3 (none chosen) and 4; row 2 is missing.
    assert t["percent_base"] == 3
    assert [r[:2] for r in t["rows"]] == [["B", 2], ["A", 1], ["Missing", 1]]
    assert doc["data_issues"] == [
        {
            "row": 2,
            "line": 3,
            "column": "M",
            "item": "m",
            "value": "A;Zzz",
            "reason": "not a choice",
        }
    ]


def test_the_documented_examples_are_valid(tmp_path) -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "questionnaire.md").read_text()
    section = text.split("## Keys for real exports", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 4
    for i, block in enumerate(blocks):
        path = tmp_path / f"q{i}.yaml"
        path.write_text("items:\n" + block)
        load_questionnaire(path)


def test_missing_value_in_a_select_all_item(make_survey, cli) -> None:
    q = """\
items:
  - id: help
    text: What helps?
    type: multi
    choices: [Time, Money, Prefer not to say]
    missing: [Prefer not to say]
"""
    rows = ["1,Time;Money", "2,Prefer not to say", "3,", "4,Money;Prefer not to say", "5,Money"]
    doc = analyse(cli, make_survey(rows, questionnaire=q, header="Id,What helps?"))
    t = doc["tables"][0]
    # Base: rows 1, 3 (none chosen), 4 and 5; row 2 answered only "Prefer not to say".
    assert t["percent_base"] == 4
    assert [r[:2] for r in t["rows"]] == [["Money", 3], ["Time", 1], ["Prefer not to say", 1]]
    assert t["row_kinds"] == ["data", "data", "missing"]
    assert any(
        n.startswith("1 answer(s) to 'help' hold one of its missing values") for n in doc["notes"]
    )


def test_methods_sentence_names_items_of_a_block_table(make_survey, cli) -> None:
    q = Q.replace("survey: {id: training}", "survey: {id: training, invalid: missing}")
    rows = [*ROWS, "2024/06/01 10:00:00,X,Agree,40,70"]
    plan = "tables:\n  - {id: t1, title: Profile, describe: [gender, age]}\n"
    run = cli("report", make_survey(rows, questionnaire=q, header=HEADER, plan=plan).csv)
    assert run.code == 0, run.err
    assert (
        "3 values of Age outside 15–80 and 1 answer to Gender that is not among its choices "
        "were set to missing as invalid answers and left out of the analysis."
    ) in run.out
