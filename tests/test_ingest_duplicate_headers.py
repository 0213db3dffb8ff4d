"""Equal headers: an error only when an item's column is one of them; column: picks one."""

from __future__ import annotations

import pytest

from surveykit.errors import SurveyError
from surveykit.ingest import read_responses
from surveykit.questionnaire import load_questionnaire

# A staff survey asks "Why or why not?" after two questions (columns 3 and 5).
HEADER = "Timestamp,Would you recommend us?,Why or why not?,Do you feel valued?,Why or why not?"
ROWS = [
    "2024/01/02,Yes,Good pay,No,Nobody listens",
    "2024/01/03,No,Long hours,Yes,My manager thanks me",
    "2024/01/04,Yes,,Yes,",
]
BASE = """\
items:
  - {id: recommend, text: "Would you recommend us?", type: single, choices: ["Yes", "No"]}
  - {id: valued, text: "Do you feel valued?", type: single, choices: ["Yes", "No"]}
"""


def load(survey):
    return read_responses(survey.csv, load_questionnaire(survey.questionnaire))


def test_unclaimed_duplicates_are_ignored_with_a_note(make_survey) -> None:
    r = load(make_survey(ROWS, questionnaire=BASE, header=HEADER))
    assert r.data["recommend"].tolist() == ["Yes", "No", "Yes"]
    assert (
        "3 column(s) not in the questionnaire were ignored: 'Timestamp', "
        "'Why or why not?' (column 3), 'Why or why not?' (column 5)"
    ) in r.notes


def test_an_item_on_an_ambiguous_header_is_an_error_whose_hint_works(make_survey) -> None:
    q = BASE + "  - {id: why_valued, text: 'Why or why not?', type: text}\n"
    survey = make_survey(ROWS, questionnaire=q, header=HEADER)
    with pytest.raises(SurveyError) as info:
        load(survey)
    assert info.value.message == (
        "item 'why_valued' matches columns 3 and 5 ('Why or why not?' and 'Why or why not?') "
        "by 'Why or why not?'; pick one with column: {header: 'Why or why not?', occurrence: 2} "
        "(the 2nd of them) or column: {index: 5}"
    )
    assert info.value.line == 1
    # Both suggested fixes pick column 5.
    for pick in ("{header: 'Why or why not?', occurrence: 2}", "{index: 5}"):
        fixed = q.replace("type: text}", f"type: text, column: {pick}}}")
        r = load(make_survey(ROWS, questionnaire=fixed, header=HEADER))
        assert r.data["why_valued"].fillna("-").tolist() == [
            "Nobody listens",
            "My manager thanks me",
            "-",
        ]
        assert "'Why or why not?' (column 3)" in " ".join(r.notes)


def test_occurrence_one_and_two_read_different_columns(make_survey) -> None:
    q = BASE + (
        "  - {id: why_rec, text: 'Why?', type: text, column: {header: 'Why or why not?'}}\n"
        "  - id: why_valued\n    type: text\n"
        "    column: {header: 'why  or WHY not?', occurrence: 2}\n"
    )
    r = load(make_survey(ROWS, questionnaire=q, header=HEADER))
    assert r.data["why_rec"].fillna("-").tolist() == ["Good pay", "Long hours", "-"]
    assert r.data["why_valued"].fillna("-").tolist() == [
        "Nobody listens",
        "My manager thanks me",
        "-",
    ]
    assert "'Timestamp'" in r.notes[0] and "Why or why not" not in r.notes[0]


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("{index: 9}", "item 'why' column index 9 is past the last column (5)"),
        (
            '{header: "Why or why not?", occurrence: 3}',
            "item 'why' asks for occurrence 3 of 'Why or why not?', which heads 2 column(s) "
            "(3 and 5)",
        ),
    ],
)
def test_a_pick_outside_the_file_is_an_error(make_survey, column, message) -> None:
    q = BASE + f"  - {{id: why, type: text, column: {column}}}\n"
    with pytest.raises(SurveyError) as info:
        load(make_survey(ROWS, questionnaire=q, header=HEADER))
    assert info.value.message.replace(":", "") == message.replace(":", "")


@pytest.mark.parametrize(
    ("column", "fragment"),
    [
        ("{index: 0}", "column 'index' must be a whole number from 1, got 0"),
        ("{header: A, index: 2}", "'column' needs either 'header' or 'index'"),
        ("{occurrence: 2}", "'column' needs either 'header' or 'index'"),
        ("{index: 2, occurrence: 2}", "'occurrence' goes with 'header', not 'index'"),
        ("{header: A, position: 2}", "position"),
    ],
)
def test_column_pick_is_validated(tmp_path, column, fragment) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(f"items:\n  - {{id: why, type: text, column: {column}}}\n")
    with pytest.raises(SurveyError) as info:
        load_questionnaire(path)
    assert fragment in info.value.message
    assert info.value.line == 2


def test_respondent_id_on_a_repeated_header_is_an_error(make_survey) -> None:
    q = "survey: {respondent_id: 'Why or why not?'}\n" + BASE
    with pytest.raises(SurveyError) as info:
        load(make_survey(ROWS, questionnaire=q, header=HEADER))
    assert info.value.message == (
        "'Why or why not?' is the header of columns 3 and 5; rename one of them in a copy "
        "of the file"
    )
    assert info.value.file.endswith("responses.csv") and info.value.line == 1


def test_duplicate_rule_on_a_repeated_header_names_the_fix_and_it_works(make_survey) -> None:
    rows = [*ROWS, "2024/01/05,No,Good pay,No,Nobody listens"]
    q = BASE + "exclude:\n  - {rule: duplicate, columns: ['Why or why not?'], reason: twice}\n"
    with pytest.raises(SurveyError) as info:
        load(make_survey(rows, questionnaire=q, header=HEADER))
    err = info.value
    assert err.message == (
        "'Why or why not?' is the header of columns 3 and 5; name an item instead, whose "
        "column: {header, occurrence} picks one"
    )
    assert err.file.endswith("questionnaire.yaml") and err.line == 5
    fixed = BASE + (
        "  - {id: why_rec, type: text, column: {header: 'Why or why not?', occurrence: 1}}\n"
        "exclude:\n  - {rule: duplicate, columns: [why_rec], reason: twice}\n"
    )
    r = load(make_survey(rows, questionnaire=fixed, header=HEADER))
    # Rows 1 and 4 both say "Good pay" in column 3: the second is dropped.
    assert [e.row for e in r.exclusions] == [4]
