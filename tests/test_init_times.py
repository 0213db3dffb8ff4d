"""``surveykit init`` drafts time stamps as date-times, and a speeder rule from them.

Each draft is run through ``analyze`` as written (it must read the file), and each hint
in it is followed (uncommenting the speeder rule, stating dayfirst:) and checked
against counts made by hand from the rows below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from surveykit.questionnaire import load_questionnaire

# Google Forms (US locale): month/day/year, decided by 3/13/2024.
GOOGLE = """\
Timestamp,How often do you work late?
3/4/2024 10:45:04,Often
3/4/2024 11:02:40,Never
3/13/2024 9:15:00,Sometimes
3/13/2024 17:30:59,Often
"""
# Google Forms (UK locale): day/month/year, decided by 13/3/2024.
GOOGLE_UK = GOOGLE.replace("3/13/2024", "13/3/2024").replace("3/4/2024", "4/3/2024")
# Microsoft Forms: ID, Start time, Completion time; row 3 took 20 seconds.
MICROSOFT = """\
ID,Start time,Completion time,Email,How often do you work late?
1,3/4/24 10:45:04,3/4/24 10:50:04,anonymous,Often
2,3/4/24 11:00:00,3/4/24 11:04:00,anonymous,Never
3,3/13/24 9:15:00,3/13/24 9:15:20,anonymous,Sometimes
4,3/13/24 17:20:00,3/13/24 17:30:00,anonymous,Often
5,3/14/24 8:00:00,3/14/24 8:07:00,anonymous,Rarely
"""
# Qualtrics: ISO time stamps and the measured Duration (in seconds).
QUALTRICS = """\
StartDate,EndDate,Duration (in seconds),ResponseId,Q1
Start Date,End Date,Duration (in seconds),Response ID,How often do you work late?
"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""duration""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"
2024-01-05 10:00:00,2024-01-05 10:05:00,300,R_1,Often
2024-01-05 11:00:00,2024-01-05 11:04:00,240,R_2,Never
2024-01-05 12:00:00,2024-01-05 12:09:00,540,R_3,Sometimes
2024-01-05 13:00:00,2024-01-05 13:02:00,120,R_4,Often
2024-01-05 14:00:00,2024-01-05 14:03:00,180,R_5,Rarely
"""
# Nothing decides whether 3/4/2024 is March 4 or 3 April.
AMBIGUOUS = """\
Timestamp,How often do you work late?
3/4/2024 10:45:04,Often
4/4/2024 11:02:40,Never
5/4/2024 9:15:00,Sometimes
"""


def draft(cli, tmp_path: Path, csv: str) -> tuple[Path, str]:
    (tmp_path / "responses.csv").write_text(csv, encoding="utf-8")
    target = tmp_path / "questionnaire.yaml"
    run = cli("init", tmp_path / "responses.csv", "-o", target)
    assert run.code == 0, run.err
    assert cli("validate", target).code == 0
    return target, target.read_text(encoding="utf-8")


def analyzed(cli, tmp_path: Path) -> dict:
    run = cli("analyze", tmp_path / "responses.csv", "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def uncomment_speeder(text: str, min_seconds: int | None = None) -> str:
    """The draft with its commented-out speeder rule in force, as its comment says to do."""
    text = text.replace("# exclude:\n", "exclude:\n")
    text = re.sub(r"^# (  - \{rule: speeder.*)$", r"\1", text, flags=re.M)
    if min_seconds is not None:
        text = re.sub(r"min_seconds: \d+", f"min_seconds: {min_seconds}", text)
    return text


def excluded_rows(result: dict) -> list[int]:
    return [row["row"] for row in result["exclusions"]]


def test_google_forms_timestamp_is_a_month_first_datetime(tmp_path, cli) -> None:
    path, text = draft(cli, tmp_path, GOOGLE)
    stamp = load_questionnaire(path).item("timestamp")
    assert stamp.type == "datetime" and stamp.dayfirst is False and not stamp.report
    assert "month/day/year" in text
    assert "exclude" not in text  # one time stamp: no duration to screen on
    # Read as written; a rule on the time stamps then counts by hand: 2 rows before March 5.
    path.write_text(
        text + "exclude:\n  - {rule: where, expr: 'timestamp < \"2024-03-05\"', reason: early}\n",
        encoding="utf-8",
    )
    assert excluded_rows(analyzed(cli, tmp_path)) == [1, 2]


def test_google_forms_uk_timestamp_is_a_day_first_datetime(tmp_path, cli) -> None:
    path, text = draft(cli, tmp_path, GOOGLE_UK)
    assert load_questionnaire(path).item("timestamp").dayfirst is True
    path.write_text(
        text + "exclude:\n  - {rule: where, expr: 'timestamp < \"2024-03-05\"', reason: early}\n",
        encoding="utf-8",
    )
    assert excluded_rows(analyzed(cli, tmp_path)) == [1, 2]


def test_microsoft_forms_start_and_completion_give_a_speeder_rule(tmp_path, cli) -> None:
    path, text = draft(cli, tmp_path, MICROSOFT)
    q = load_questionnaire(path)
    assert [(i.id, i.type, i.dayfirst) for i in q.items if i.type == "datetime"] == [
        ("start_time", "datetime", False),
        ("completion_time", "datetime", False),
    ]
    # Durations by hand: 300, 240, 20, 600, 420 s; median 300; a third of it 100.
    assert "The median time\n# from start_time to completion_time is 300 seconds" in text
    assert (
        "#   - {rule: speeder, start: start_time, end: completion_time, min_seconds: 100, "
        "reason: answered in under 100 seconds}" in text
    )
    assert excluded_rows(analyzed(cli, tmp_path)) == []  # commented out: nothing dropped
    path.write_text(uncomment_speeder(text), encoding="utf-8")
    result = analyzed(cli, tmp_path)
    assert excluded_rows(result) == [3]
    assert result["respondents"]["analysed"] == 4


def test_qualtrics_duration_gives_a_speeder_rule(tmp_path, cli) -> None:
    path, text = draft(cli, tmp_path, QUALTRICS)
    q = load_questionnaire(path)
    assert q.item("startdate").type == "datetime" and q.item("startdate").dayfirst is None
    assert q.item("duration_seconds").type == "number"
    assert not q.item("duration_seconds").report
    # 300, 240, 540, 120, 180: median 240, a third 80 (nobody under it).
    assert "is 240 seconds; min_seconds: 80" in text
    assert "{rule: speeder, duration: duration_seconds, min_seconds: 80" in text
    path.write_text(uncomment_speeder(text), encoding="utf-8")
    assert excluded_rows(analyzed(cli, tmp_path)) == []
    path.write_text(uncomment_speeder(text, min_seconds=200), encoding="utf-8")
    assert excluded_rows(analyzed(cli, tmp_path)) == [4, 5]


def test_undecided_day_and_month_is_never_guessed(tmp_path, cli) -> None:
    path, text = draft(cli, tmp_path, AMBIGUOUS)
    stamp = load_questionnaire(path).item("timestamp")
    assert stamp.type == "text"  # no guess: read as text, so the draft still reads the file
    assert (
        "nothing in the column decides whether '3/4/2024 10:45:04' is April 3 (day/month) "
        "or March 4 (month/day)" in text
    )
    analyzed(cli, tmp_path)
    # The hint followed: datetime, day first; then 3/4, 4/4 are before 5 April.
    text = text.replace(
        "    type: text\n    report: false",
        "    type: datetime\n    dayfirst: true\n    report: false",
    )
    path.write_text(
        text + "exclude:\n  - {rule: where, expr: 'timestamp < \"2024-04-05\"', reason: early}\n",
        encoding="utf-8",
    )
    assert excluded_rows(analyzed(cli, tmp_path)) == [1, 2]


# KoboToolbox: start and end as ISO times with the device's zone; row 2 took 30 seconds.
KOBO = """\
start,end,today,deviceid,How often do you work late?,_uuid,_submission_time
2024-03-04T10:00:00.000+01:00,2024-03-04T10:06:00.000+01:00,2024-03-04,collect:1,Often,a1,2024-03-04T09:06:10
2024-03-04T11:00:00.000+01:00,2024-03-04T11:00:30.000+01:00,2024-03-04,collect:1,Never,a2,2024-03-04T10:00:40
2024-03-05T09:00:00.000+01:00,2024-03-05T09:05:00.000+01:00,2024-03-05,collect:2,Often,a3,2024-03-05T08:05:10
"""


def test_kobo_start_and_end_give_a_speeder_rule(tmp_path, cli) -> None:
    path, text = draft(cli, tmp_path, KOBO)
    q = load_questionnaire(path)
    assert [i.id for i in q.items if i.report] == ["often_work_late"]
    assert q.item("start").type == "datetime" and q.item("end").type == "datetime"
    # 360, 30 and 300 s: median 300, a third 100.
    assert "{rule: speeder, start: start, end: end, min_seconds: 100" in text
    path.write_text(uncomment_speeder(text), encoding="utf-8")
    assert excluded_rows(analyzed(cli, tmp_path)) == [2]
