"""Decimal commas and thousands separators in number cells: read when stated, never guessed.

Expected values are worked by hand from the cells in each test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

QUESTIONNAIRE = """\
survey: {{id: dm, title: Decimal marks, respondent_id: id{extra}}}
items:
  - {{id: score, text: score, type: number}}
"""


def _survey(tmp_path: Path, cells: list[str], extra: str = "", delimiter: str = ";") -> Path:
    (tmp_path / "questionnaire.yaml").write_text(QUESTIONNAIRE.format(extra=extra), "utf-8")
    rows = [f"{i}{delimiter}{c}" for i, c in enumerate(cells, 1)]
    data = tmp_path / "responses.csv"
    data.write_text("\n".join([f"id{delimiter}score", *rows]) + "\n", "utf-8")
    return data


def _summary(cli, data: Path) -> list:
    run = cli("analyze", data, "--format", "json")
    assert run.code == 0, run.err
    (table,) = json.loads(run.out)["tables"]
    return table["rows"][0]  # label, n, mean, SD, median, min, max


def test_decimal_commas_stop_with_a_hint_that_works(cli, tmp_path: Path) -> None:
    data = _survey(tmp_path, ["3,5", "4,25", "2"])
    before = data.read_bytes()
    run = cli("analyze", data)
    assert run.code == 2
    assert "row 1 (line 2), column 'score': '3,5' is not a number" in run.err
    assert 'add decimal: "," under survey:' in run.err
    assert data.read_bytes() == before
    # Following the hint: 3.5, 4.25 and 2 → mean 3.25, SD sqrt(2.625 / 2), min 2, max 4.25.
    _survey(tmp_path, ["3,5", "4,25", "2"], extra=', decimal: ","')
    _, n, mean, sd, median, lo, hi = _summary(cli, data)
    assert (n, mean, median, lo, hi) == (3, 3.25, 3.5, 2.0, 4.25)
    assert sd == pytest.approx((2.625 / 2) ** 0.5, rel=1e-12)


def test_a_comma_before_three_digits_names_both_readings(cli, tmp_path: Path) -> None:
    data = _survey(tmp_path, ['"1,234"', "250", '"2,000"'], delimiter=",")
    run = cli("analyze", data)
    assert run.code == 2
    assert 'add thousands: "," under survey:' in run.err
    assert 'if it is the decimal mark, add decimal: ","' in run.err
    _survey(tmp_path, ['"1,234"', "250", '"2,000"'], extra=', thousands: ","', delimiter=",")
    assert _summary(cli, data)[5:] == [250.0, 2000.0]
    _survey(tmp_path, ['"1,234"', "250", '"2,000"'], extra=', decimal: ","', delimiter=",")
    assert _summary(cli, data)[5:] == [1.234, 250.0]


def test_grouped_thousands_with_a_point_hint_only_thousands(cli, tmp_path: Path) -> None:
    data = _survey(tmp_path, ['"1,234.5"', "3"], delimiter=",")
    run = cli("analyze", data)
    assert run.code == 2 and 'add thousands: ","' in run.err
    assert 'add decimal: ","' not in run.err
    _survey(tmp_path, ['"1,234.5"', "3"], extra=', thousands: ","', delimiter=",")
    assert _summary(cli, data)[5:] == [3.0, 1234.5]


def test_under_decimal_comma_a_point_only_groups_thousands(cli, tmp_path: Path) -> None:
    data = _survey(tmp_path, ["1.234,5", "-0,5", "12"], extra=', decimal: ","')
    assert _summary(cli, data)[5:] == [-0.5, 1234.5]
    # "3.5" is no decimal-comma number: reported, not read as 3.5 or 35.
    _survey(tmp_path, ["3.5", "1,5"], extra=', decimal: ","')
    run = cli("analyze", data)
    assert run.code == 2
    assert "'3.5' is not a number" in run.err and "a point may only group thousands" in run.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (', decimal: ";"', "'decimal' must be"),
        (', decimal: ",", thousands: ","', "'thousands' can only be"),
        (', thousands: "."', "'thousands' can only be"),
    ],
)
def test_bad_marks_are_one_line_errors(cli, tmp_path: Path, extra: str, message: str) -> None:
    data = _survey(tmp_path, ["1"], extra=extra)
    run = cli("analyze", data)
    assert run.code == 2 and message in run.err and "questionnaire.yaml:1:" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_decimal_on_a_choice_item_is_refused(cli, tmp_path: Path) -> None:
    (tmp_path / "questionnaire.yaml").write_text(
        "survey: {id: dm, title: T}\nitems:\n"
        '  - {id: a, text: a, type: single, choices: ["x"], decimal: ","}\n',
        "utf-8",
    )
    (tmp_path / "responses.csv").write_text("a\nx\n", "utf-8")
    run = cli("analyze", tmp_path / "responses.csv")
    assert run.code == 2 and "'decimal' applies to number items only" in run.err


def test_init_drafts_the_decimal_mark_and_the_draft_reads_right(cli, tmp_path: Path) -> None:
    data = tmp_path / "responses.csv"
    data.write_text("id;weight\n1;70,5\n2;82\n3;64,25\n", "utf-8")
    draft = tmp_path / "questionnaire.yaml"
    assert cli("init", data, "-o", draft).code == 0
    assert 'decimal: ","' in draft.read_text("utf-8")
    run = cli("analyze", data, "-q", draft, "--format", "json")
    assert run.code == 0, run.err
    rows = [t["rows"][0] for t in json.loads(run.out)["tables"] if t["items"] == ["weight"]]
    assert rows[0][1:3] == [3, pytest.approx((70.5 + 82 + 64.25) / 3, rel=1e-12)]


def test_init_reads_grouped_thousands_and_says_so(cli, tmp_path: Path) -> None:
    data = tmp_path / "responses.csv"
    data.write_text('id,income\n1,"1,250,000"\n2,"48,000"\n3,52000\n', "utf-8")
    draft = tmp_path / "questionnaire.yaml"
    assert cli("init", data, "-o", draft).code == 0
    text = draft.read_text("utf-8")
    assert 'thousands: ","' in text and 'if "," is the decimal mark' in text
    run = cli("analyze", data, "-q", draft, "--format", "json")
    assert run.code == 0, run.err
    rows = [t["rows"][0] for t in json.loads(run.out)["tables"] if t["items"] == ["income"]]
    assert rows[0][5:] == [48000.0, 1250000.0]
