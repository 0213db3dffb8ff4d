"""Screening rules: speeders (a seconds column) and straight-liners drop exactly the planted rows."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from surveykit.cli import app
from surveykit.errors import SurveyError
from surveykit.questionnaire import load_questionnaire

QUESTIONNAIRE = """\
choice_sets:
  agree: [Disagree, Neutral, Agree]
items:
  - {id: secs, text: "Duration (in seconds)", type: number}
  - id: s
    type: grid
    text: Statements
    choices: agree
    rows: [One, Two, Three, Four]
exclude:
  - {rule: speeder, duration: secs, min_seconds: 60}
  - {rule: straightline, items: [s_one, s_two, s_three, s_four], min_items: 3}
"""
HEAD = (
    "Duration (in seconds),Statements [One],Statements [Two],Statements [Three],Statements [Four]\n"
)
ROWS = [
    "300,Agree,Agree,Neutral,Disagree",  # 1 kept
    "45,Agree,Neutral,Agree,Neutral",  # 2 speeder
    "400,Agree,Agree,Agree,Agree",  # 3 straight-liner
    "500,Neutral,Neutral,Neutral,",  # 4 straight-liner: 3 answered, all the same
    "500,Neutral,Neutral,,",  # 5 kept: only 2 answered (< min_items)
    ",Disagree,Agree,Agree,Agree",  # 6 kept: no duration, not straight
    "30,Agree,Agree,Agree,Agree",  # 7 speeder (first rule wins)
]


def test_planted_rows_are_dropped(tmp_path):
    (tmp_path / "questionnaire.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    (tmp_path / "responses.csv").write_text(HEAD + "\n".join(ROWS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["respondents"] == {"received": 7, "excluded": 4, "analysed": 3}
    dropped = {(e["row"], e["rule"]) for e in doc["exclusions"]}
    assert dropped == {(2, "speeder"), (3, "straightline"), (4, "straightline"), (7, "speeder")}
    reasons = {e["rule"]: e["reason"] for e in doc["exclusions"]}
    assert reasons["speeder"] == "answered in under 60 seconds"
    assert reasons["straightline"] == "the same answer to every statement (3 or more of 4 answered)"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{rule: speeder, duration: s_one, min_seconds: 60}",
            "must be a number item holding seconds",
        ),
        ("{rule: speeder, duration: secs, min_seconds: 0}", "positive number of seconds"),
        (
            "{rule: speeder, start: secs, end: secs, min_seconds: 60}",
            "'start' must be a datetime item .* got 'secs' \\(a number item\\)",
        ),
        (
            "{rule: speeder, start: secs, duration: secs, min_seconds: 60}",
            "either start: and end: .* or duration:",
        ),
        ("{rule: straightline, items: [s_one]}", "two or more statements"),
        ("{rule: straightline, items: [s_one, secs]}", "'secs' is not a single or ordinal item"),
        ("{rule: straightline, items: [s_one, s_two], min_items: 5}", "from 2 to 2"),
    ],
)
def test_rule_errors_name_the_line(tmp_path, rule, message):
    text = QUESTIONNAIRE.split("exclude:")[0] + f"exclude:\n  - {rule}\n"
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyError, match=message) as info:
        load_questionnaire(path)
    assert info.value.line == text.count("\n")
