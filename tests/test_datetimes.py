"""Date-time items: each export's format, day/month order decided or stated, seconds() and
comparisons in expressions, the per-day table, and speeders by start and end times."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from surveykit.cli import app, main
from surveykit.errors import SurveyError
from surveykit.ingest import read_responses
from surveykit.questionnaire import load_questionnaire

ITEMS = """\
items:
  - {{id: start, text: Start time, type: datetime{extra}}}
  - {{id: q, text: Q, type: single, choices: [A, B]}}
"""


def _write(folder: Path, csv: str, extra: str = "", more: str = "") -> Path:
    (folder / "questionnaire.yaml").write_text(ITEMS.format(extra=extra) + more, encoding="utf-8")
    path = folder / "responses.csv"
    path.write_text(csv, encoding="utf-8")
    return path


def _starts(folder: Path, cells: list[str], extra: str = "") -> list:
    csv = "Start time,Q\n" + "".join(f"{c},A\n" for c in cells)
    path = _write(folder, csv, extra)
    q = load_questionnaire(folder / "questionnaire.yaml")
    return list(read_responses(path, q).data["start"])


T = pd.Timestamp
FIXTURES = Path(__file__).parent / "fixtures" / "dates"


def _cli(*args: str) -> tuple[int, str]:
    """Exit code and stderr of the console script (errors become one line there)."""
    err = io.StringIO()
    argv, sys.argv = sys.argv, ["surveykit", *args]
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    finally:
        sys.argv = argv
    return 0, err.getvalue()


@pytest.mark.parametrize(
    ("export", "cells", "expected"),
    [
        # A value with a day above 12 decides the order of the rest.
        (
            "Google Forms",
            ["3/4/2024 10:45:04", "3/13/2024 9:05:07"],
            [T("2024-03-04 10:45:04"), T("2024-03-13 09:05:07")],
        ),
        (
            "Microsoft Forms",
            ["3/4/24 10:45:04", "3/13/24 9:05:07"],
            [T("2024-03-04 10:45:04"), T("2024-03-13 09:05:07")],
        ),
        (
            "Google Forms, day first (UK locale)",
            ["3/4/2024 10:45:04", "13/3/2024 9:05:07"],
            [T("2024-04-03 10:45:04"), T("2024-03-13 09:05:07")],
        ),
        ("Qualtrics", ["2024-03-04 10:45:04"], [T("2024-03-04 10:45:04")]),
        ("ISO with T", ["2024-03-04T10:45:04"], [T("2024-03-04 10:45:04")]),
        ("ISO date only", ["2024-03-04"], [T("2024-03-04")]),
        (
            "ODK/Kobo, the local time written",
            ["2024-03-04T10:45:04.000+01:00", "2024-03-04T10:45:04Z"],
            [T("2024-03-04 10:45:04"), T("2024-03-04 10:45:04")],
        ),
        (
            "12-hour clock",
            ["3/4/2024 1:45 PM", "3/14/2024 9:00 AM"],
            [T("2024-03-04 13:45"), T("2024-03-14 09:00")],
        ),
        (
            "Google Forms' own CSV download, the local time written",
            [
                "2023/08/01 12:45:38 PM GMT+8",
                "2023/08/13 1:57:33 AM GMT-05:00",
                "2023/08/14 9:00:00 UTC",
            ],
            [T("2023-08-01 12:45:38"), T("2023-08-13 01:57:33"), T("2023-08-14 09:00:00")],
        ),
        ("blank", ["2024-03-04", ""], [T("2024-03-04"), pd.NaT]),
    ],
)
def test_each_export_format(tmp_path, export, cells, expected):
    got = _starts(tmp_path, cells)
    assert [str(x) for x in got] == [str(x) for x in expected], export


def test_ambiguous_file_is_a_one_line_error_and_its_hint_works(tmp_path):
    csv = "Start time,Q\n3/4/24 10:45:04,A\n5/6/24 9:00:00,B\n"
    _write(tmp_path, csv)
    code, stderr = _cli("analyze", str(tmp_path / "responses.csv"))
    assert code == 2
    message = stderr.strip()
    assert "\n" not in message
    assert message.startswith(
        f"error: {tmp_path / 'responses.csv'}, row 1 (line 2), column 'Start time'"
    )
    assert "'3/4/24 10:45:04' is April 3 (day/month) or March 4 (month/day)" in message
    assert "write dayfirst: true (day/month/year) or dayfirst: false" in message
    # Following the hint: stated day first, 3/4/24 is 3 April.
    assert _starts(tmp_path, ["3/4/24 10:45:04"], ", dayfirst: true") == [T("2024-04-03 10:45:04")]
    assert _starts(tmp_path, ["3/4/24 10:45:04"], ", dayfirst: false") == [T("2024-03-04 10:45:04")]


def test_both_orders_in_one_column_is_an_error(tmp_path):
    csv = "Start time,Q\n13/3/2024,A\n3/14/2024,B\n"
    _write(tmp_path, csv)
    with pytest.raises(SurveyError, match=r"holds day-first .* and month-first .* dates"):
        read_responses(
            tmp_path / "responses.csv", load_questionnaire(tmp_path / "questionnaire.yaml")
        )


def test_format_forces_one_and_bad_cells_are_listed(tmp_path):
    assert _starts(
        tmp_path, ["04.03.2024 10:45", "13.03.2024 08:00"], ', format: "%d.%m.%Y %H:%M"'
    ) == [
        T("2024-03-04 10:45"),
        T("2024-03-13 08:00"),
    ]
    csv = "Start time,Q\n2024-03-04 10:45:04,A\nyesterday,B\n"
    _write(tmp_path, csv, ", invalid: missing")
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["data_issues"] == [
        {"row": 2, "line": 3, "column": "Start time", "item": "start", "value": "yesterday",
         "reason": "not a date-time"},
    ]  # fmt: skip
    _write(tmp_path, csv)
    code, stderr = _cli("analyze", str(tmp_path / "responses.csv"))
    assert code == 2
    assert "row 2 (line 3), column 'Start time': 'yesterday' is not a date and time" in stderr


def test_describe_counts_per_day_first_last_median(tmp_path):
    cells = ["2024-03-04 09:00:00", "2024-03-04 17:30:00", "2024-03-04 12:00:00",
             "2024-03-06 08:15:00", ""]  # fmt: skip
    csv = "Start time,Q\n" + "".join(f"{c},A\n" for c in cells)
    _write(tmp_path, csv)
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    table = next(t for t in json.loads(result.stdout)["tables"] if t["items"] == ["start"])
    assert table["columns"] == ["", "n", "%", "First", "Last", "Median"]
    # Hand counts: 3 on the 4th, 1 on the 6th, 1 blank; median of the 4 is between
    # 12:00 on the 4th and 17:30 on the 4th: 14:45.
    assert table["rows"] == [
        [
            "2024-03-04",
            3,
            60.0,
            "2024-03-04T09:00:00",
            "2024-03-04T17:30:00",
            "2024-03-04T12:00:00",
        ],
        [
            "2024-03-06",
            1,
            20.0,
            "2024-03-06T08:15:00",
            "2024-03-06T08:15:00",
            "2024-03-06T08:15:00",
        ],
        ["Total", 4, 80.0, "2024-03-04T09:00:00", "2024-03-06T08:15:00", "2024-03-04T14:45:00"],
        ["Missing", 1, 20.0, None, None, None],
    ]


SPEEDERS = """\
  - {id: end, text: Completion time, type: datetime}
exclude:
  - {rule: speeder, start: start, end: end, min_seconds: 120}
  - {rule: where, expr: 'start >= "2024-03-06" and seconds(start, end) > 1000', reason: late and slow}
"""


def test_speeder_by_start_and_end_and_expressions(tmp_path):
    rows = [
        "3/4/24 10:00:00,3/4/24 10:05:00,A",  # 1 kept: 300 s
        "3/4/24 11:00:00,3/4/24 11:01:30,B",  # 2 speeder: 90 s
        "3/5/24 9:00:00,,A",  # 3 kept: no end time
        "3/6/24 9:00:00,3/6/24 9:30:00,A",  # 4 late and slow: 1800 s on the 6th
        "3/5/24 9:00:00,3/5/24 9:30:00,B",  # 5 kept: slow but before the 6th
        "3/13/24 9:00:00,3/13/24 9:01:59,B",  # 6 speeder: 119 s
    ]
    path = _write(
        tmp_path, "Start time,Completion time,Q\n" + "\n".join(rows) + "\n", more=SPEEDERS
    )
    result = CliRunner().invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["respondents"] == {"received": 6, "excluded": 3, "analysed": 3}
    assert [(e["row"], e["rule"]) for e in doc["exclusions"]] == [
        (2, "speeder"),
        (4, "where"),
        (6, "speeder"),
    ]
    assert doc["exclusions"][0]["reason"] == "answered in under 120 seconds"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ('start > "4 March"', "compare date-time item 'start' with an ISO date in quotes"),
        ("start > 5", "compare date-time item 'start' with an ISO date"),
        ('start in ["2024-03-04"]', "'start' is a date-time"),
        ("seconds(start, q) > 5", "seconds\\(\\) takes datetime items; 'q' is a single item"),
        ("seconds(start) > 5", "seconds\\(\\) takes two datetime item ids"),
        ('seconds(start, start) > "5"', "seconds\\(\\) is a number of seconds"),
    ],
)
def test_expression_errors(tmp_path, expr, message):
    more = f"exclude:\n  - {{rule: where, expr: '{expr}'}}\n"
    (tmp_path / "q.yaml").write_text(ITEMS.format(extra="") + more, encoding="utf-8")
    with pytest.raises(SurveyError, match=message) as info:
        load_questionnaire(tmp_path / "q.yaml")
    assert info.value.line == 5


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (", format: 12", "'format' is a strftime format"),
        (", dayfirst: maybe", "'dayfirst' must be true"),
        (', format: "%d/%m/%Y", dayfirst: true', "give 'format' or 'dayfirst', not both"),
        (", missing: [x]", "'missing' applies to number and choice items, not datetime"),
    ],
)
def test_item_key_errors(tmp_path, extra, message):
    (tmp_path / "q.yaml").write_text(ITEMS.format(extra=extra), encoding="utf-8")
    with pytest.raises(SurveyError, match=message) as info:
        load_questionnaire(tmp_path / "q.yaml")
    assert info.value.line == 2


def test_xlsform_round_trip_keeps_datetime_items(tmp_path):
    from surveykit.design.xlsform import export_xlsform, import_xlsform

    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(load_questionnaire(FIXTURES / "questionnaire.yaml")))
    (tmp_path / "back.yaml").write_text(import_xlsform(form), encoding="utf-8")
    again = load_questionnaire(tmp_path / "back.yaml")
    assert [(i.id, i.type) for i in again.items][:2] == [("start", "datetime"), ("end", "datetime")]
    assert (again.exclude[0].start, again.exclude[0].end) == ("start", "end")


def test_xlsform_round_trip_keeps_format_and_dayfirst(tmp_path):
    """format: and dayfirst: travel in surveykit_* columns, and the form read back reads
    the same cells the same way (13 March, 4 March day first; 4 March by the format)."""
    from surveykit.design.xlsform import export_xlsform, import_xlsform

    (tmp_path / "q.yaml").write_text(
        "items:\n"
        "  - {id: start, text: Start time, type: datetime, dayfirst: true}\n"
        "  - {id: end, text: End time, type: datetime, format: '%d.%m.%Y %H:%M'}\n"
        "  - {id: plain, text: Plain, type: datetime}\n",
        encoding="utf-8",
    )
    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(load_questionnaire(tmp_path / "q.yaml")))
    folder = tmp_path / "back"
    folder.mkdir()
    (folder / "questionnaire.yaml").write_text(import_xlsform(form), encoding="utf-8")
    again = load_questionnaire(folder / "questionnaire.yaml")
    assert [(i.id, i.format, i.dayfirst) for i in again.items] == [
        ("start", None, True),
        ("end", "%d.%m.%Y %H:%M", None),
        ("plain", None, None),
    ]
    (folder / "responses.csv").write_text(
        "Start time,End time,Plain\n"
        "4/3/2024 10:00:00,4.3.2024 10:30,2024-03-04 10:00\n"
        "13/3/2024 10:00:00,13.3.2024 10:30,2024-03-13 10:00\n",
        encoding="utf-8",
    )
    data = read_responses(folder / "responses.csv", again).data
    assert list(data["start"]) == [
        pd.Timestamp("2024-03-04 10:00"),
        pd.Timestamp("2024-03-13 10:00"),
    ]
    assert list(data["end"]) == [pd.Timestamp("2024-03-04 10:30"), pd.Timestamp("2024-03-13 10:30")]


def test_times_are_shown_to_the_second_rounded_half_to_even(tmp_path):
    """Medians of two times fall on half seconds: 10:00:00 and 10:00:03 give 10:00:01.5,
    shown 10:00:02 (half to even); 11:00:00 and 11:00:01 give 11:00:00.5, shown 11:00:00.
    First and last times with fractions (ISO exports) are shown to the second too."""
    cells = ["2024-03-04 10:00:00", "2024-03-04 10:00:03", "2024-03-05 11:00:00",
             "2024-03-05 11:00:01", "2024-03-06 12:00:00.700", "2024-03-06 12:00:01.200"]  # fmt: skip
    _write(tmp_path, "Start time,Q\n" + "".join(f"{c},A\n" for c in cells))
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    table = next(t for t in json.loads(result.stdout)["tables"] if t["items"] == ["start"])
    assert [row[3:] for row in table["rows"][:3]] == [
        ["2024-03-04T10:00:00", "2024-03-04T10:00:03", "2024-03-04T10:00:02"],
        ["2024-03-05T11:00:00", "2024-03-05T11:00:01", "2024-03-05T11:00:00"],
        # 12:00:00.7 → :01; 12:00:01.2 → :01; their midpoint 12:00:00.95 → :01
        ["2024-03-06T12:00:01", "2024-03-06T12:00:01", "2024-03-06T12:00:01"],
    ]
