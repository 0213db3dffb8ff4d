"""`surveykit check`: pass, fail with a readable diff, --update, user errors."""

from __future__ import annotations

import json

from surveykit.check import compare_documents
from tests.test_analyze import ROWS6


def test_update_then_pass_then_fail(cli, make_survey) -> None:
    survey = make_survey(
        ROWS6, plan="tables:\n  - {id: t1, title: Sex, describe: [pss_at_workplace]}\n"
    )
    run = cli("check", survey.folder)
    assert run.code == 2 and "no expected result yet; run 'surveykit check --update'" in run.err

    run = cli("check", survey.folder, "--update")
    assert run.code == 0 and "updated result.json" in run.out
    stored = json.loads((survey.folder / "expected" / "result.json").read_text())
    assert stored["respondents"]["analysed"] == 5

    run = cli("check", survey.folder)
    assert run.code == 0, run.out
    assert f"{survey.folder}: ok (1 tables, 0 tests match expected/)" in run.out

    # One answer changes from Yes to No: the diff names the table, row, column and values.
    survey.csv.write_text(survey.csv.read_text().replace("a@x.com,34,Yes", "a@x.com,34,No", 1))
    run = cli("check", survey.folder)
    assert run.code == 1
    assert "table 't1' row #1 (Yes) column 'n': 3 → 2" in run.out
    assert "table 't1' row #1 (Yes) column '%': 60.0 → 40.0" in run.out
    assert "table 't1' row #2 (No) column 'n': 2 → 3" in run.out


def test_numeric_tolerance() -> None:
    old = {"tables": [{"id": "t", "columns": ["", "Mean"], "rows": [["x", 1.0]]}]}
    close = {"tables": [{"id": "t", "columns": ["", "Mean"], "rows": [["x", 1.0 + 1e-12]]}]}
    far = {"tables": [{"id": "t", "columns": ["", "Mean"], "rows": [["x", 1.001]]}]}
    assert compare_documents(old, close) == []
    (diff,) = compare_documents(old, far)
    assert str(diff) == "table 't' row #1 (x) column 'Mean': 1.0 → 1.001"


def test_tests_and_respondents_compared() -> None:
    old = {
        "respondents": {"analysed": 59},
        "tests": [{"kind": "t-test", "dv": "a", "by": "b", "t": 2.066}],
    }
    new = {
        "respondents": {"analysed": 58},
        "tests": [{"kind": "t-test", "dv": "a", "by": "b", "t": 2.1}],
    }
    assert [str(d) for d in compare_documents(old, new)] == [
        "respondents.analysed: 59 → 58",
        "test 1 (t-test of a by b).t: 2.066 → 2.1",
    ]


def test_not_a_survey_folder(cli, tmp_path) -> None:
    run = cli("check", tmp_path / "nope")
    assert run.code == 2 and "is not a survey folder" in run.err
