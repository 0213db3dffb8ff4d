"""Ingestion of real-world CSV exports: matching, parsing, show_if, exclusions, errors."""

from __future__ import annotations

import hashlib

import pytest

from surveykit.errors import SurveyError
from surveykit.ingest import read_responses, split_multi
from surveykit.questionnaire import load_questionnaire

ROWS = [
    '2023/08/03,a@x.com,34,Yes,Yes,"Provide clients with hope, Reach out to clients, especially those with limited social support",1–3 PSS,"Good, really\ngood"',
    "2023/08/04,b@x.com,45,No,Maybe,Empower clients;Something else entirely,,",
    "2023/08/05,a@x.com,35,No,No,,,",
    "2023/08/05,c@x.com,95,No,3,,,",
    "2023/08/06,d@x.com,,No,2,Provide clients with hope,,",
]


def load(survey):
    q = load_questionnaire(survey.questionnaire)
    return read_responses(survey.csv, q)


def test_types_and_accounting(make_survey) -> None:
    r = load(make_survey(ROWS))
    assert (r.received, len(r.exclusions), r.analysed) == (5, 2, 3)
    assert r.received == len(r.exclusions) + r.analysed
    assert [(e.row, e.rule, e.line) for e in r.exclusions] == [(3, "duplicate", 5), (4, "where", 6)]
    assert list(r.data.index) == ["R1", "R2", "R3"]  # ids in analysed order
    assert r.data["age"].tolist()[:2] == [34.0, 45.0] and r.data["age"].isna().tolist()[2]
    assert r.data["accept_pss"].tolist() == ["Yes", "Maybe", "Maybe"]  # label or code
    assert r.scores("accept_pss").tolist() == [3.0, 2.0, 2.0]
    assert r.data["benefits_why"].iloc[0] == "Good, really\ngood"  # quoted newline, alias header


def test_multi_labels_with_commas_and_other(make_survey) -> None:
    r = load(make_survey(ROWS))
    m = r.multi["benefits"]
    assert m.loc["R1"].to_dict() == {
        "Provide clients with hope": True,
        "Reach out to clients, especially those with limited social support": True,
        "Empower clients": False,
        "Others": False,
    }
    assert m.loc["R2", "Empower clients"] and m.loc["R2", "Others"]  # ";" separator
    assert r.other_text["benefits"].loc["R2"] == "Something else entirely"


@pytest.mark.parametrize(
    ("cell", "chosen", "other"),
    [
        ("A, B", ["A", "B"], ""),
        ("A;B", ["A", "B"], ""),
        ("A;B;", ["A", "B"], ""),  # Microsoft Forms' trailing separator
        ("Reach out, to all, A", ["Reach out, to all", "A"], ""),
        ("A, my own idea, with a comma", ["A"], "my own idea, with a comma"),
        ("my idea; B", ["B"], "my idea"),
        ("AB", [], "AB"),  # a label must end at a separator
        ("", [], ""),
        ("a, b", ["A", "B"], ""),  # case-insensitive
    ],
)
def test_split_multi(cell, chosen, other) -> None:
    assert split_multi(cell, ["A", "B", "Reach out, to all"]) == (chosen, other)


def test_show_if_not_applicable(make_survey) -> None:
    r = load(make_survey(ROWS))
    assert r.applicable["number_of_pss"].tolist() == [True, False, False]
    assert r.data["number_of_pss"].iloc[0] == "1–3 PSS"


def test_bom_and_crlf(make_survey) -> None:
    from tests.conftest import HEADER

    text = "\r\n".join([HEADER, *[row.replace("\n", "\r\n") for row in ROWS]]) + "\r\n"
    r = load(make_survey(raw=b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert (r.received, r.analysed) == (5, 3)
    assert r.data["benefits_why"].iloc[0] == "Good, really\ngood"


def test_utf16_export(make_survey) -> None:
    from tests.conftest import HEADER

    text = "\n".join([HEADER, *ROWS]) + "\n"
    r = load(make_survey(raw=text.encode("utf-16")))
    assert r.analysed == 3 and r.data["number_of_pss"].iloc[0] == "1–3 PSS"


def test_input_file_unchanged(make_survey) -> None:
    survey = make_survey(ROWS)
    before = hashlib.sha256(survey.csv.read_bytes()).hexdigest()
    load(survey)
    assert hashlib.sha256(survey.csv.read_bytes()).hexdigest() == before


def error(survey) -> SurveyError:
    with pytest.raises(SurveyError) as info:
        load(survey)
    return info.value


def test_missing_column_lists_near_matches(make_survey) -> None:
    from tests.conftest import HEADER

    header = HEADER.replace("What is your age?", "What is your age")
    err = error(make_survey(ROWS, header=header.replace("What is your age", "Your age (years)?")))
    assert "no column for item 'age'" in err.message
    assert "near matches: 'Your age (years)?'" in err.message
    assert err.line == 1


def test_bad_choice_names_row_and_column(make_survey) -> None:
    rows = [*ROWS[:2], "2023/08/07,e@x.com,40,Yes,Perhaps,,4–6 PSS,"]
    err = error(make_survey(rows))
    assert err.row == 3 and err.line == 5
    assert err.column == "Would you accept PSS as a mental healthcare profession?"
    assert (
        "'Perhaps' is not a choice of item 'accept_pss'; choices are 'No', 'Maybe', 'Yes'"
        in err.message
    )
    assert "row 3 (line 5), column 'Would you accept PSS" in str(err)


def test_bad_number(make_survey) -> None:
    err = error(make_survey([*ROWS[:1], "2023/08/07,e@x.com,forty,Yes,Yes,,,"]))
    assert (err.row, err.column) == (2, "What is your age?")
    assert "'forty' is not a number" in err.message


def test_number_out_of_range(make_survey) -> None:
    err = error(make_survey(["2023/08/07,e@x.com,150,Yes,Yes,,,"]))
    assert "'150' is outside the allowed range 18–99" in err.message


def test_ragged_row(make_survey) -> None:
    err = error(make_survey([*ROWS[:1], "2023/08/07,e@x.com,40,Yes"]))
    assert "has 4 cells where the header has 8" in err.message
    assert err.row == 2


def test_duplicate_header_no_item_uses_is_ignored(make_survey) -> None:
    from tests.conftest import HEADER

    r = load(make_survey([row + ",x" for row in ROWS], header=HEADER + ",Timestamp"))
    assert r.analysed == 3
    assert "'Timestamp' (column 1), 'Timestamp' (column 9)" in r.notes[0]


def test_empty_file(make_survey) -> None:
    assert "is empty" in error(make_survey(raw=b"")).message


def test_not_utf8(make_survey) -> None:
    from tests.conftest import HEADER

    raw = (HEADER + "\n" + ROWS[1] + "\n").encode(
        "utf-8"
    ) + "2023,f@x.com,30,Yes,Yes,,,caf\xe9\n".encode("cp1252")
    err = error(make_survey(raw=raw))
    assert "is not UTF-8" in err.message and "--encoding cp1252" in err.message
    assert err.line == 3


def test_binary_junk(make_survey) -> None:
    assert "binary" in error(make_survey(raw=b"\x89PNG\r\n\x1a\n\x00\x00\x00")).message


def test_qualtrics_three_header_rows(make_survey) -> None:
    q = """\
    items:
      - {id: age, text: "How old are you?", type: number}
      - {id: sex, text: "What is your sex?", type: single, choices: [Female, Male]}
    """
    raw = (
        b"StartDate,Q1,Q2\n"
        b"Start Date,How old are you?,What is your sex?\n"
        b'"{""ImportId"":""startDate""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
        b"2024-01-01,30,Female\n2024-01-02,41,Male\n"
    )
    r = load(make_survey(questionnaire=q, raw=raw))
    assert r.received == 2 and r.data["sex"].tolist() == ["Female", "Male"]


def test_respondent_id_column(make_survey) -> None:
    q = """\
    survey: {id: s, respondent_id: ResponseId}
    items:
      - {id: age, type: number}
    """
    r = load(make_survey(questionnaire=q, raw=b"ResponseId,age\nR_1,30\nR_2,40\n"))
    assert list(r.data.index) == ["R_1", "R_2"]
    err = error(make_survey(questionnaire=q, raw=b"ResponseId,age\nR_1,30\nR_1,40\n"))
    assert "respondent id 'R_1' is not unique" in err.message


def test_where_rule_on_label_and_multi(make_survey) -> None:
    from tests.conftest import BASIC_QUESTIONNAIRE

    q = BASIC_QUESTIONNAIRE.replace(
        "  - {rule: where, expr: 'age > 90', reason: implausible age}",
        '  - {rule: where, expr: \'"Empower clients" in benefits or accept_pss == "No"\', reason: r}',
    )
    r = load(make_survey(ROWS, questionnaire=q))
    # row 2 chose Empower clients; row 3 (a duplicate) is already gone; row 4 answered 3 = Yes
    assert [e.row for e in r.exclusions] == [2, 3]


def test_where_rule_with_unknown_label_is_an_error(make_survey) -> None:
    from tests.conftest import BASIC_QUESTIONNAIRE

    q = BASIC_QUESTIONNAIRE.replace("expr: 'age > 90'", "expr: 'accept_pss == \"Yse\"'")
    err = error(make_survey(ROWS, questionnaire=q))
    assert "'Yse' is not a choice of 'accept_pss'" in err.message


def test_where_rule_matches_typed_other_answer(make_survey) -> None:
    q = """\
    items:
      - {id: profession, type: single, choices: ["Nurse", "Doctor"], other: true}
      - {id: age, type: number}
    exclude:
      - {rule: where, expr: 'profession == "Retired  nurse"', reason: retired}
    """
    raw = b"profession,age\nNurse,30\nretired nurse,70\nArt therapist,40\n"
    r = load(make_survey(questionnaire=q, raw=raw))
    assert [(e.row, e.reason) for e in r.exclusions] == [(2, "retired")]
    assert r.data["profession"].tolist() == ["Nurse", "Others"]
    assert r.other_text["profession"].tolist() == [None, "Art therapist"]


def test_unclosed_quote_is_an_error_not_lost_rows(make_survey) -> None:
    from tests.conftest import HEADER

    raw = (
        HEADER + '\n2023,a@x.com,30,Yes,Yes,,1–3 PSS,"never closed\n2023,b@x.com,41,No,No,,,\n'
    ).encode()
    err = error(make_survey(raw=raw))
    assert err.message == "a quoted cell starting on line 2 is never closed" and err.line == 2


SPLIT_Q = """\
items:
  - {id: age, type: number}
  - id: help
    text: What helps?
    type: multi
    choices: [{code: 1, label: Time}, {code: 2, label: Training}, {code: 3, label: Peer support}]
    other: true
"""


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # LimeSurvey, codes as headings: Y when ticked, blank when not; other text in [other]
        ("age,help[SQ001],help[SQ002],help[SQ003],help[other]", ["30,Y,,Y,", "41,,Y,,my dog"]),
        # Kobo/ODK: one 0/1 column per option name
        ("age,help/Time,help/Training,help/Peer support,help/other", ["30,1,0,1,", "41,0,1,0,my dog"]),
        # REDCap checkbox fields: field___code with 0/1
        ("age,help___1,help___2,help___3,help___other", ["30,1,0,1,", "41,0,1,0,my dog"]),
        # Question text with the option in brackets (SurveyMonkey, Google grids)
        ("age,What helps? [Time],What helps? [Training],What helps? [Peer support],What helps? [Other]",
         ["30,Time,,Peer support,", "41,,Training,,my dog"]),
    ],
)  # fmt: skip
def test_select_all_as_one_column_per_option(make_survey, header, rows) -> None:
    r = load(make_survey(rows, questionnaire=SPLIT_Q, header=header))
    m = r.multi["help"]
    assert m.loc["R1"].tolist() == [True, False, True, False]
    assert m.loc["R2"].tolist() == [False, True, False, True]
    assert r.other_text["help"].tolist() == [None, "my dog"]
    assert r.notes == []  # every column was claimed


def test_option_column_with_unknown_choice(make_survey) -> None:
    err = error(make_survey(["30,1,0"], questionnaire=SPLIT_Q, header="age,help/Time,help/Money"))
    assert err.message.startswith(
        "column 'help/Money' looks like an option of select-all item 'help'"
    )


def test_select_all_as_numeric_codes(make_survey) -> None:
    # Qualtrics "numeric values" export joins the chosen codes with a bare comma.
    r = load(make_survey(['30,"1,3"', "41,2", "50,"], questionnaire=SPLIT_Q, header="age,help"))
    assert r.multi["help"].loc["R1"].tolist() == [True, False, True, False]
    assert r.multi["help"].loc["R2"].tolist() == [False, True, False, False]
    assert not r.multi["help"].loc["R3"].any()


@pytest.mark.parametrize(
    ("cell", "chosen", "other"),
    [
        ("Transport cost", [], "Transport cost"),
        ("No money, Time", ["Time"], "No money"),
        ("Time, Cost", ["Time", "Cost"], ""),
    ],
)
def test_label_inside_free_text_is_not_a_choice(cell, chosen, other) -> None:
    assert split_multi(cell, ["Time", "Money", "Cost"]) == (chosen, other)


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e400", "nan"])
def test_non_finite_numbers_are_errors(make_survey, value) -> None:
    err = error(make_survey([f"2023/08/07,e@x.com,{value},Yes,Yes,,,"]))
    assert err.message == f"{value!r} is not a number (item 'age')"


QUALTRICS_Q = """\
items:
  - {id: sat, text: "How satisfied are you?", type: number}
  - {id: sex, text: "What is your sex?", type: single, choices: [Female, Male]}
"""


def qualtrics(
    *rows: str, ids: str = "Q5,Q2", texts: str = "How satisfied are you?,What is your sex?"
) -> bytes:
    n = len(ids.split(","))
    import_ids = ",".join(f'"{{""ImportId"":""QID{i}""}}"' for i in range(n))
    return "\n".join([ids, texts, import_ids, *rows, ""]).encode()


def test_qualtrics_column_named_by_id_in_errors(make_survey) -> None:
    err = error(make_survey(questionnaire=QUALTRICS_Q, raw=qualtrics("3,Mle")))
    assert err.column == "Q2 (What is your sex?)"
    assert "'Mle' is not a choice of item 'sex'" in err.message


def test_qualtrics_repeated_question_text_is_ambiguous(make_survey) -> None:
    raw = qualtrics(
        "1,Female,9", ids="Q5,Q2,Q9",
        texts="How satisfied are you?,What is your sex?,How satisfied are you?",
    )  # fmt: skip
    err = error(make_survey(questionnaire=QUALTRICS_Q, raw=raw))
    assert err.message == (
        "item 'sat' matches columns 1 and 3 ('Q5 (How satisfied are you?)' and "
        "'Q9 (How satisfied are you?)') by 'How satisfied are you?'; pick one with "
        "column: {header: 'How satisfied are you?', occurrence: 2} (the 2nd of them) "
        "or column: {index: 3}"
    )
    # Naming the column id resolves it.
    fixed = QUALTRICS_Q.replace("type: number}", "type: number, column: Q9}")
    r = load(make_survey(questionnaire=fixed, raw=raw))
    assert r.data["sat"].tolist() == [9.0]


def test_duplicate_rule_tells_typed_other_answers_apart(make_survey) -> None:
    q = """\
    items:
      - {id: name, type: single, choices: ["Anonymous"], other: true}
      - {id: email, type: text}
    exclude:
      - {rule: duplicate, columns: [name, email]}
    """
    r = load(make_survey(questionnaire=q, raw=b"name,email\nAlice,\nBob,\nalice,\nAnonymous,\n"))
    assert [e.row for e in r.exclusions] == [3]  # "alice" repeats "Alice"; Bob is not Alice


def test_line_break_inside_a_header_cell(make_survey) -> None:
    q = """\
    items:
      - {id: age, text: "How old are you?", type: number}
      - {id: sex, type: single, choices: [F, M]}
    """
    r = load(make_survey(questionnaire=q, raw=b'"How old\nare you?",sex\n30,F\n41,M\n'))
    assert (r.received, r.data["age"].tolist()) == (2, [30.0, 41.0])
    err = error(make_survey(questionnaire=q, raw=b'"How old\nare you?",sex\n30,F\nold,M\n'))
    assert (err.row, err.line) == (2, 4)


def test_blank_lines_do_not_shift_line_numbers(make_survey) -> None:
    from tests.conftest import HEADER

    raw = (HEADER + "\n" + ROWS[1] + "\n\n" + ROWS[1].replace("45", "abc") + "\n").encode()
    err = error(make_survey(raw=raw))
    assert (err.row, err.line) == (2, 4)


def test_missing_option_column_is_noted(make_survey) -> None:
    r = load(make_survey(["30,1,0"], questionnaire=SPLIT_Q, header="age,help/Time,help/Training"))
    assert r.notes == [
        "select-all item 'help' has no column for 'Peer support'; counted as chosen by nobody"
    ]


def test_number_compared_with_text_list(make_survey) -> None:
    from tests.conftest import BASIC_QUESTIONNAIRE

    q = BASIC_QUESTIONNAIRE.replace("expr: 'age > 90'", "expr: 'age in [\"30\"]'")
    err = error(make_survey(ROWS, questionnaire=q))
    assert "compares a number item with text in a list" in err.message and err.line is not None
