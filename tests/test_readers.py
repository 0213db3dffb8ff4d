"""Reading exports of every shape: CSV with `,` `;` or tab, .tsv, .xlsx sheets, SPSS .sav.

Each file is written here (by hand, openpyxl or pyreadstat) and read back; the expected
counts are counted by hand from the rows written.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from surveykit.errors import SurveyError
from surveykit.ingest import read_responses
from surveykit.ingest.readers import cell_text, read_responses_table
from surveykit.questionnaire import load_questionnaire

QUESTIONNAIRE = """\
survey: {id: s, title: S}
items:
  - {id: age, text: Age, type: number, min: 16, max: 99}
  - {id: sex, text: Sex, type: single, choices: ["Female", "Male"]}
  - id: agree
    text: I like my job
    type: ordinal
    choices: ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]
  - id: fruit
    text: Fruit you like
    type: multi
    choices: ["Apple", "Banana", "Cherry"]
  - {id: note, text: Comment, type: text}
"""
HEADER = ["Age", "Sex", "I like my job", "Fruit you like", "Comment"]
# By hand: age n=5 (34, 51, 28.5, 40, 22), one blank; Female 4, Male 2;
# Agree 3, Strongly agree 2, Disagree 1; Apple 3, Banana 3, Cherry 1; 3 comments.
ROWS = [
    ["34", "Female", "Agree", "Apple;Banana", "fine, thanks"],
    ["51", "Male", "Strongly agree", "Banana", ""],
    ["28.5", "female", "Disagree", "Apple;Cherry", ""],
    ["", "Female", "Agree", "", "too long; sorry"],
    ["40", "Male", "Agree", "Banana", ""],
    ["22", "Female", "Strongly agree", "Apple", 'said "ok"'],
]


def expected_counts(r) -> None:
    assert r.received == 6 and r.analysed == 6
    assert r.data["age"].count() == 5 and r.data["age"].sum() == pytest.approx(175.5)
    assert r.data["sex"].value_counts().to_dict() == {"Female": 4, "Male": 2}
    agree = r.data["agree"].value_counts()
    assert (agree["Agree"], agree["Strongly agree"], agree["Disagree"]) == (3, 2, 1)
    assert r.multi["fruit"].sum().to_dict() == {"Apple": 3, "Banana": 3, "Cherry": 1}
    assert r.data["note"].count() == 3


def write_csv(path: Path, delimiter: str, rows=ROWS, header=HEADER) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def questionnaire(tmp_path: Path, text: str = QUESTIONNAIRE):
    path = tmp_path / "questionnaire.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_questionnaire(path)


# --- delimiters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(",", "responses.csv"), (";", "responses.csv"), ("\t", "responses.csv"), ("\t", "r.tsv")],
)
def test_csv_round_trip_with_each_delimiter(tmp_path, delimiter, name) -> None:
    path = write_csv(tmp_path / name, delimiter)
    r = read_responses(path, questionnaire(tmp_path))
    expected_counts(r)
    # The multi cells hold ";" and the comment a "," and a ";": never mistaken for delimiters.
    assert r.data["note"].tolist()[3] == "too long; sorry"


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path) -> None:
    # Excel's "Unicode Text" (.txt): UTF-16 with a BOM, tab-separated, CRLF.
    lines = ["\t".join(HEADER), *("\t".join(r) for r in ROWS)]
    path = tmp_path / "responses.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    expected_counts(read_responses(path, questionnaire(tmp_path)))


def test_semicolon_file_through_the_cli(tmp_path, cli) -> None:
    write_csv(tmp_path / "responses.csv", ";")
    questionnaire(tmp_path)
    run = cli("analyze", tmp_path / "responses.csv", "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["respondents"]["received"] == 6
    sex = next(t for t in doc["tables"] if t["id"] == "sex")
    assert [row[:2] for row in sex["rows"][:2]] == [["Female", 4], ["Male", 2]]


def test_forced_wrong_delimiter_gets_a_hint_that_works(tmp_path, cli) -> None:
    rows = [["28,5" if r[0] == "28.5" else r[0], *r[1:]] for r in ROWS]  # a decimal comma
    path = write_csv(tmp_path / "responses.csv", ";", rows=rows)
    questionnaire(tmp_path)
    run = cli("analyze", path, "--delimiter", ",")
    assert run.code == 2
    assert "has 2 cells where the header has 1" in run.err
    assert "--delimiter ';'" in run.err and run.err.count("\n") == 1
    hinted = run.err.split("--delimiter ")[1].split()[0].strip("'")
    # Followed: the file reads with the semicolon; the decimal comma is then named.
    run = cli("analyze", path, "--delimiter", hinted)
    assert "row 3 (line 4), column 'Age': '28,5' is not a number" in run.err


def test_ragged_semicolon_file_names_the_bad_row(tmp_path, cli) -> None:
    # Row 2 holds an unquoted ";" inside its comment, so no delimiter splits every row
    # evenly: the header decides (semicolons), and the ragged row is named.
    lines = [";".join(HEADER), '34;Female;Agree;"Apple;Banana";fine', "51;Male;Agree;Banana;a;b"]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    questionnaire(tmp_path)
    run = cli("analyze", path)
    assert run.code == 2
    assert "row 2 (line 3)" in run.err and "has 6 cells where the header has 5" in run.err
    assert "unquoted semicolon" in run.err


def test_one_column_file_is_still_a_comma_file(tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Comment\nhello; there\nfine\n", encoding="utf-8")
    table = read_responses_table(path)
    assert table.headers == ["Comment"] and table.rows == 2


def test_bad_delimiter_option(tmp_path, cli) -> None:
    write_csv(tmp_path / "responses.csv", ",")
    questionnaire(tmp_path)
    run = cli("analyze", tmp_path / "responses.csv", "--delimiter", "|")
    assert run.code == 2 and run.err.startswith("error: --delimiter must be")


# --- header shapes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "import_row",
    [
        '"{""ImportId"":""startDate""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"',
        "\"{'ImportId': 'startDate'}\",\"{'ImportId': 'QID1'}\",\"{'ImportId': 'QID2'}\"",
    ],
    ids=["new", "older single quotes"],
)
def test_qualtrics_import_id_rows(tmp_path, import_row) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(
        "StartDate,Q1,Q2\nStart Date,How old are you?,What is your sex?\n"
        + import_row
        + "\n2024-01-01,30,Female\n2024-01-02,41,Male\n2024-01-03,,Female\n",
        encoding="utf-8",
    )
    q = questionnaire(
        tmp_path,
        """\
        items:
          - {id: age, text: "How old are you?", type: number}
          - {id: sex, column: Q2, type: single, choices: [Female, Male]}
        """,
    )
    r = read_responses(path, q)
    assert r.received == 3 and r.data["sex"].value_counts().to_dict() == {"Female": 2, "Male": 1}
    assert r.data["age"].sum() == 71


SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,How satisfied are you?,"
    "Which fruits do you like?,,,,Anything else?\n"
    ",,,,,Response,Apple,Banana,Cherry,Other (please specify),Open-Ended Response\n"
    "1101,55,03/01/2024 09:00:01 AM,03/01/2024 09:04:10 AM,10.0.0.1,Very satisfied,Apple,,Cherry,,Nice\n"
    "1102,55,03/01/2024 10:00:01 AM,03/01/2024 10:02:00 AM,10.0.0.2,Satisfied,,Banana,,Kiwi,\n"
    "1103,55,03/01/2024 11:00:01 AM,03/01/2024 11:03:00 AM,10.0.0.3,Satisfied,Apple,Banana,,,\n"
)


def test_surveymonkey_two_header_rows(tmp_path) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(SURVEYMONKEY, encoding="utf-8")
    q = questionnaire(
        tmp_path,
        """\
        survey: {respondent_id: Respondent ID}
        items:
          - id: sat
            text: How satisfied are you?
            type: ordinal
            choices: [Very dissatisfied, Dissatisfied, Neutral, Satisfied, Very satisfied]
          - id: fruit
            text: Which fruits do you like?
            type: multi
            choices: [Apple, Banana, Cherry]
            other: true
          - {id: more, text: "Anything else?", type: text}
        """,
    )
    r = read_responses(path, q)
    assert r.received == 3 and list(r.data.index) == ["1101", "1102", "1103"]
    assert r.data["sat"].value_counts()[["Satisfied", "Very satisfied"]].tolist() == [2, 1]
    assert r.multi["fruit"].sum().to_dict() == {"Apple": 2, "Banana": 2, "Cherry": 1, "Others": 1}
    assert r.other_text["fruit"].loc["1102"] == "Kiwi"
    assert r.data["more"].count() == 1


def test_surveymonkey_error_names_the_file_line(tmp_path) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(SURVEYMONKEY.replace("Satisfied,,Banana", "Happy,,Banana"), encoding="utf-8")
    q = questionnaire(
        tmp_path,
        """\
        items:
          - {id: sat, text: "How satisfied are you?", type: single, choices: [Satisfied, Very satisfied]}
        """,
    )
    with pytest.raises(SurveyError) as info:
        read_responses(path, q)
    assert (info.value.row, info.value.line) == (2, 4)


# --- xlsx ---------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_round_trip(tmp_path) -> None:
    # Numbers stored as numbers, as Excel does: 34 must read as "34", 28.5 as "28.5".
    rows = [[float(r[0]) if r[0] else None, *[c or None for c in r[1:]]] for r in ROWS]
    path = write_xlsx(tmp_path / "responses.xlsx", {"Sheet1": [HEADER, *rows]})
    r = read_responses(path, questionnaire(tmp_path))
    expected_counts(r)


def test_xlsx_blank_rows_are_no_responses_and_rows_keep_their_numbers(tmp_path) -> None:
    # A Qualtrics export re-saved in Excel: an empty row inside, and cleared cells (empty
    # strings, spaces) at the end.
    rows = [
        ["Age", "Sex"], [30, "Female"], [None, None], [41, "Male"], [17, "Male"],
        ["", " "], ["", ""],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "responses.xlsx", {"Sheet1": rows})
    q = questionnaire(
        tmp_path,
        """\
        items:
          - {id: age, text: Age, type: number, min: 18}
          - {id: sex, text: Sex, type: single, choices: [Female, Male]}
        """,
    )
    with pytest.raises(SurveyError) as info:
        read_responses(path, q)
    assert (info.value.row, info.value.line) == (4, 5)  # 17 is in sheet row 5
    (tmp_path / "questionnaire.yaml").write_text(
        "items:\n  - {id: age, text: Age, type: number}\n"
        "  - {id: sex, text: Sex, type: single, choices: [Female, Male]}\n",
        encoding="utf-8",
    )
    r = read_responses(path, load_questionnaire(tmp_path / "questionnaire.yaml"))
    assert r.received == 3 and r.data["sex"].value_counts().to_dict() == {"Male": 2, "Female": 1}


def test_microsoft_forms_xlsx(tmp_path) -> None:
    """Microsoft Forms' download: ID, Start time, Completion time, Email, Name, then questions;
    select-all answers joined by ';' with a trailing ';'; numbers and codes stored as numbers."""
    start = dt.datetime(2024, 3, 4, 10, 45, 4)
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Years in post",
              "Team (code)", "Which would help?"]  # fmt: skip
    rows = [
        [
            1,
            start,
            start + dt.timedelta(minutes=12),
            "a@x.org",
            "A",
            2,
            1,
            "More staff;Less paperwork;",
        ],
        [2, start, start + dt.timedelta(minutes=3), "b@x.org", "B", 6, 2, "More staff;"],
        [3, start, start + dt.timedelta(minutes=8), "c@x.org", "C", 0, 2, None],
        [4, start, start + dt.timedelta(minutes=5), "d@x.org", "D", 11.5, 1, "Less paperwork;"],
    ]
    path = write_xlsx(tmp_path / "form.xlsx", {"Form1": [header, *rows]})
    q = questionnaire(
        tmp_path,
        """\
        survey: {respondent_id: ID}
        items:
          - {id: start, text: Start time, type: text, report: false}
          - {id: years, text: Years in post, type: number, min: 0, max: 50}
          - id: team
            text: Team (code)
            type: single
            choices: [{code: 1, label: Ward A}, {code: 2, label: Ward B}]
          - id: help
            text: Which would help?
            type: multi
            choices: [More staff, Less paperwork]
        """,
    )
    r = read_responses(path, q)
    assert list(r.data.index) == ["1", "2", "3", "4"]  # 1, not 1.0
    assert r.data["start"].iloc[0] == "2024-03-04 10:45:04"
    assert r.data["years"].tolist() == [2, 6, 0, 11.5]
    assert r.data["team"].value_counts().to_dict() == {"Ward A": 2, "Ward B": 2}
    assert r.multi["help"].sum().to_dict() == {"More staff": 2, "Less paperwork": 2}


def test_xlsx_sheet_option_and_sheet_rows_in_errors(tmp_path, cli) -> None:
    first = [["Notes"], ["not the data"]]
    # The data sheet starts with an empty row: errors must name the row Excel shows.
    data = [[None], ["Age", "Sex"], [30, "Female"], [41, "Male"], [17, "Male"]]
    path = write_xlsx(tmp_path / "responses.xlsx", {"About": first, "Data": data})
    (tmp_path / "questionnaire.yaml").write_text(
        "items:\n  - {id: age, text: Age, type: number, min: 18}\n"
        "  - {id: sex, text: Sex, type: single, choices: [Female, Male]}\n",
        encoding="utf-8",
    )
    run = cli("analyze", path, "--sheet", "Nope")
    assert run.code == 2 and "no sheet 'Nope'; the sheets are 'About', 'Data'" in run.err
    run = cli("analyze", path)  # the first sheet has no Age column
    assert run.code == 2 and "no column for item 'age'" in run.err
    run = cli("analyze", path, "--sheet", "Data")
    assert run.code == 2
    assert "row 3 (line 5), column 'Age': '17' is outside the allowed range" in run.err


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.0, "5"), (0.1, "0.1"), (-3.0, "-3"), (1e20, "1e+20"), (True, "TRUE"), (None, ""),
        (dt.datetime(2024, 3, 1), "2024-03-01"), (dt.datetime(2024, 3, 1, 9, 5, 7), "2024-03-01 09:05:07"),
        (dt.date(2024, 3, 1), "2024-03-01"), (dt.time(9, 30), "09:30:00"), ("007", "007"),
    ],
)  # fmt: skip
def test_cell_texts_are_what_a_csv_export_holds(value, text) -> None:
    assert cell_text(value) == text


# --- SPSS ---------------------------------------------------------------------------------


def write_sav(path: Path) -> Path:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {
            "id": [101, 102, 103, 104, 105, 106],
            "sex": [1, 2, 2, 9, 1, 2],
            "age": [34, -9, 51, 28, 40, 22.5],
            "sat": [1, 2, 3, 4, 5, 4],
            "note": ["good", "", "bad", "", "", "ok"],
        }
    )
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"sex": "What is your sex?", "age": "Age in years", "sat": "How satisfied are you?"},
        variable_value_labels={
            "sex": {1: "Female", 2: "Male", 9: "Refused"},
            "sat": {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neutral", 4: "Satisfied", 5: "Very satisfied"},
        },
        missing_ranges={"sex": [9], "age": [-9]},
        variable_measure={"sex": "nominal", "age": "scale", "sat": "ordinal"},
    )  # fmt: skip
    return path


def test_sav_round_trip(tmp_path) -> None:
    path = write_sav(tmp_path / "responses.sav")
    q = questionnaire(
        tmp_path,
        """\
        survey: {respondent_id: id}
        items:
          - {id: sex, text: "What is your sex?", type: single, choices: [Female, Male], other: true}
          - {id: age, column: age, type: number}
          - id: sat
            text: How satisfied are you?
            type: ordinal
            choices: [Very dissatisfied, Dissatisfied, Neutral, Satisfied, Very satisfied]
          - {id: note, type: text}
        """,
    )
    r = read_responses(path, q)
    assert list(r.data.index) == ["101", "102", "103", "104", "105", "106"]
    # Labelled codes read as their labels; 9 (user-missing, labelled) as "Refused".
    assert r.data["sex"].value_counts().to_dict() == {"Male": 3, "Female": 2, "Others": 1}
    assert r.other_text["sex"].loc["104"] == "Refused"
    # -9 is user-missing without a label: missing, never a value in the mean.
    assert r.data["age"].count() == 5 and r.data["age"].sum() == pytest.approx(175.5)
    assert r.scores("sat").tolist() == [1, 2, 3, 4, 5, 4]
    assert r.data["note"].count() == 3


def test_zsav_and_labels_in_the_table(tmp_path) -> None:
    import pandas as pd
    import pyreadstat

    path = tmp_path / "r.zsav"
    pyreadstat.write_sav(
        pd.DataFrame({"q1": [1.0, 2.0, 1.0]}),
        str(path),
        compress=True,
        column_labels={"q1": "Do you agree?"},
        variable_value_labels={"q1": {1.0: "Yes", 2.0: "No"}},
    )
    table = read_responses_table(path)
    assert table.headers == ["q1\x1fDo you agree?"]
    assert table.column(0).series().tolist() == ["Yes", "No", "Yes"]
    assert table.variables[0].labels == {1.0: "Yes", 2.0: "No"}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.xlsx", b"not a zip", "cannot read as an Excel workbook"),
        ("r.sav", b"not spss", "cannot read as an SPSS file"),
        ("r.xls", b"\xd0\xcf\x11\xe0", "old Excel 97-2003 workbook"),
        ("r.ods", b"PK\x03\x04", "is an OpenDocument spreadsheet; save it as .xlsx"),
    ],
)
def test_broken_files_are_one_line_errors(tmp_path, cli, name, data, message) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "questionnaire.yaml").write_text("items:\n  - {id: a, type: text}\n", "utf-8")
    run = cli("analyze", tmp_path / name)
    assert run.code == 2 and message in run.err and run.err.count("\n") == 1


def test_sav_with_a_wrong_encoding_is_a_one_line_error(tmp_path, cli) -> None:
    write_sav(tmp_path / "responses.sav")
    (tmp_path / "questionnaire.yaml").write_text("items:\n  - {id: note, type: text}\n", "utf-8")
    run = cli("analyze", tmp_path / "responses.sav", "--encoding", "no-such-encoding")
    assert run.code == 2 and run.err.count("\n") == 1
    assert "cannot read as an SPSS file" in run.err and "--encoding" in run.err


def test_sheet_option_on_a_csv_is_an_error(tmp_path, cli) -> None:
    write_csv(tmp_path / "responses.csv", ",")
    questionnaire(tmp_path)
    run = cli("analyze", tmp_path / "responses.csv", "--sheet", "Data")
    assert run.code == 2 and "--sheet is for .xlsx files" in run.err


def test_check_reads_a_semicolon_survey_folder(tmp_path, cli) -> None:
    write_csv(tmp_path / "responses.csv", ";")
    questionnaire(tmp_path)
    assert cli("check", "--update", tmp_path).code == 0
    assert cli("check", tmp_path).code == 0  # sniffed
    assert cli("check", "--delimiter", ";", tmp_path).code == 0
    run = cli("check", "--delimiter", ",", tmp_path)
    assert run.code == 2 and "--delimiter ';'" in run.err


def test_sav_messages_name_the_case_without_a_line(tmp_path, cli) -> None:
    import pandas as pd
    import pyreadstat

    ages = [30.0, 31, 32, 33, 34, 35, 36, 37, 38, 999999999]
    pyreadstat.write_sav(
        pd.DataFrame({"age": ages, "sex": [1.0, 2, 1, 2, 1, 2, 1, 2, 3, 1]}),
        str(tmp_path / "responses.sav"),
        variable_value_labels={"sex": {1: "Female", 2: "Male", 3: "Other"}},
    )
    (tmp_path / "questionnaire.yaml").write_text(
        "items:\n  - {id: age, type: number}\n"
        "  - {id: sex, type: single, choices: [Female, Male]}\n",
        encoding="utf-8",
    )
    run = cli("analyze", tmp_path / "responses.sav")  # one bad cell: case 9 is "Other"
    assert run.code == 2 and "row 9, column 'sex': 'Other' is not a choice" in run.err
    assert "None" not in run.err
    (tmp_path / "questionnaire.yaml").write_text(
        "items:\n  - {id: age, type: number}\n"
        "  - {id: sex, type: single, choices: [Female, Male, Other]}\n",
        encoding="utf-8",
    )
    run = cli("analyze", tmp_path / "responses.sav")
    assert run.code == 0, run.err
    assert "999999999 in row 10, column 'age'" in run.out and "None" not in run.out
    (tmp_path / "questionnaire.yaml").write_text(
        "items:\n  - {id: age, type: number, max: 35}\n"
        "  - {id: sex, type: single, choices: [Female, Male]}\n",
        encoding="utf-8",
    )
    run = cli("analyze", tmp_path / "responses.sav")  # several bad cells: listed
    assert run.code == 2 and "  row 7, column 'age': '36'" in run.err and "None" not in run.err


def test_semicolon_file_lines_count_quoted_line_breaks(tmp_path) -> None:
    # Row 2's answer spans two lines; row 3's age is bad: it starts on line 5.
    path = tmp_path / "responses.csv"
    path.write_text(
        'Age;Sex\n34;Female\n51;"Male; or\nnot"\n17x;Male\n',
        encoding="utf-8",
    )
    q = questionnaire(
        tmp_path,
        """\
        items:
          - {id: age, text: Age, type: number}
          - {id: sex, text: Sex, type: text}
        """,
    )
    with pytest.raises(SurveyError) as info:
        read_responses(path, q)
    assert (info.value.row, info.value.line) == (3, 5)
