"""Redaction of open-ended answers: what must go, and a corpus of ordinary answers that must stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveykit.files import forget_inputs
from surveykit.quotes import (
    CUSTOM_MARK,
    EMAIL_MARK,
    ID_MARK,
    PHONE_MARK,
    collect_quotes,
    redact,
)

E, P, N = EMAIL_MARK, PHONE_MARK, ID_MARK


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail addresses: Unicode, full-width and small at signs, spaced, spelled out
        ("write to josé@example.com please", f"write to {E} please"),
        ("jose@bücher.de", E),
        ("jane.doe＠example.com", E),
        ("jane﹫example.com", E),
        ("name @ domain.com", E),
        ("mail: name at domain dot com", f"mail: {E}"),
        ("jo (at) mail (dot) sg", E),
        ("jo[at]mail[dot]com.", f"{E}."),
        ("JO {AT} MAIL.EXAMPLE.ORG", E),
        ("张伟@例子.中国", E),
        # phone numbers, also glued to letters
        ("hp91234567", f"hp{P}"),
        ("HP:9123 4567", f"HP:{P}"),
        ("mobile91234567please", f"mobile{P}please"),
        ("Tel:+6591234567", f"Tel:{P}"),
        ("call +65 6123 4567 or (02) 9876-5432", f"call {P} or {P}"),
        ("1-800-555-1234", P),
        # national identity numbers
        ("my NRIC is S1234567D", f"my NRIC is {N}"),  # check letter D is right for S1234567
        ("t0123456g", N),  # T series, lower case
        ("FIN F1234567N", f"FIN {N}"),
        ("G1234567X.", f"{N}."),
        ("M1234567K", N),
        ("NI number AB 12 34 56 C", f"NI number {N}"),
        ("ab123456c", N),
        ("SSN 123-45-6789", f"SSN {N}"),
    ],
)
def test_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


# Ordinary answers a survey receives: none may lose a character (zero false positives).
ORDINARY = [
    "1-2-3-4-5-6-7",
    "Rated the steps 1-2-3-4-5 in order",
    "ISBN 978-3-16-148410-0",
    "ISBN-10: 0-306-40615-2",
    "the book 9783161484100 was useful",
    "2019-2021",
    "from 2019 - 2023 I worked nights",
    "between 2020-01-01 and 2020-12-31",
    "2020-01-01 to 2020-12-31",
    "1.1.2020-31.12.2020",
    "01/02/2020 - 03/04/2021",
    "2024-03-01 10:30",
    "1999–2004",
    "2020-2021-2022",
    "in 2023/24 we had 300 staff",
    "1000-2000 staff",
    "budget of 100000000",
    "12,000,000 dollars",
    "pi is 3.14159265",
    "shifts 9.00-17.00 and 07:00-19:00",
    "ratio 1:8 on nights; ward 24 has 30 beds",
    "24/7 support",
    "page 123-145",
    "Section 4.2.1.3",
    "version 1.2.3.4",
    "room 101, ward 12",
    "S1234567A (wrong check letter: not an NRIC)",
    "order A12345678 arrived",
    "BG123456A",
    "I was at home.Then I left",
    "meet at school dot later",
    "look at this @ the meeting",
    "scores 10, 20, 30",
    "3 nights a week for 52 weeks",
    "I have worked here since 2019 and did 12 shifts in March.",
    "No hot food after 8pm, 3 nights a week.",
    "Salary 45000-55000 per year",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_answers_are_untouched(text: str) -> None:
    assert redact(text) == text


def test_false_positive_rate_on_the_ordinary_corpus_is_zero() -> None:
    changed = [t for t in ORDINARY if redact(t) != t]
    assert changed == []


def test_redaction_is_idempotent() -> None:
    text = "x@y.org, hp91234567, S1234567D, AB 12 34 56 C, 123-45-6789"
    once = redact(text)
    assert redact(once) == once
    assert once == f"{E}, hp{P}, {N}, {N}, {N}"


def test_item_level_redact_patterns(cli, make_survey, tmp_path: Path) -> None:
    questionnaire = """\
    survey: {id: s, respondent_id: Email}
    items:
      - id: staff_no
        text: Staff number
        type: text
        report: false
      - id: comment
        text: Comment
        type: text
        redact: ['\\bEMP-\\d{5}\\b', '(?i)ward\\s+[a-z]\\b']
    """
    survey = make_survey(
        ["jane.doe@example.com,1,my id is EMP-12345 on Ward B", "bob@example.org,2,fine"],
        questionnaire=questionnaire,
        header="Email,Staff number,Comment",
    )
    run = cli("report", survey.csv, "--format", "md")
    assert run.code == 0, run.err
    assert f"my id is {CUSTOM_MARK} on {CUSTOM_MARK}" in run.out
    # Respondent ids that are e-mail addresses never appear: quotes are tagged by position.
    assert "example" not in run.out
    assert "\u2014R1" in run.out and "\u2014R2" in run.out
    forget_inputs()


def test_bad_redact_pattern_is_a_one_line_error(cli, tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("items:\n  - id: c\n    type: text\n    redact: ['(unclosed']\n")
    run = cli("validate", path)
    assert run.code == 2
    assert run.err == (
        f"error: {path}:4: item 'c': redact pattern '(unclosed' is not a valid regular "
        "expression (missing ), unterminated subpattern)\n"
    )


def test_staff_quotes_keep_numeric_ids() -> None:
    from tests.report_support import staff_responses

    blocks = collect_quotes(staff_responses())
    tags = [r for q in blocks[0].quotes for r in q.respondents]
    assert all(t.startswith("R") and t[1:].isdigit() for t in tags)


@pytest.mark.parametrize(
    ("ids", "reveals"),
    [
        (["1", "2", "114000000001"], False),  # numeric ids, however long, are ids
        (["R_3kXyzAbC", "R_9qLmNoP"], False),  # Qualtrics response ids
        (["S1234567A"], False),  # wrong check letter
        (["a", "jane@example.com"], True),
        (["jane＠example.com"], True),
        (["jo (at) mail (dot) com"], True),
        (["S1234567D"], True),
        (["AB 12 34 56 C"], True),
        (["123-45-6789"], True),
    ],
)
def test_which_respondent_ids_are_replaced_by_positions(ids: list[str], reveals: bool) -> None:
    import pandas as pd

    from surveykit.quotes import ids_reveal_identity

    assert ids_reveal_identity(pd.Index(ids)) is reveals
