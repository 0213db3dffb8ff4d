"""Open-ended answers: redaction of contact details and the quotes appendix."""

from __future__ import annotations

import pytest

from surveykit.quotes import EMAIL_MARK, PHONE_MARK, Quote, collect_quotes, redact, respondent_tag
from tests.report_support import staff_responses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jo.bloggs+survey@nhs.example.org.", f"mail me at {EMAIL_MARK}."),
        ("Call 07700 900123 any time", f"Call {PHONE_MARK} any time"),
        ("ring +44 (0)20 7946 0958 or 020-7946-0958", f"ring {PHONE_MARK} or {PHONE_MARK}"),
        ("tel. 555.123.4567", f"tel. {PHONE_MARK}"),
        ("A.Smith@Example.COM / 0161 496 0000", f"{EMAIL_MARK} / {PHONE_MARK}"),
    ],
)
def test_redact_removes_emails_and_phone_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Please fix the computers in clinic room 3.",
        "No hot food after 8pm, 3 nights a week.",
        "I have worked here since 2019 and did 12 shifts in March.",
        "Rota for 2024-03-01 came out late.",
        "Ratio is 1:8 on nights; ward 24 has 30 beds.",
        "",
    ],
)
def test_redact_leaves_ordinary_numbers(text: str) -> None:
    assert redact(text) == text


def test_redact_is_idempotent() -> None:
    once = redact("x@y.org, 07700 900123")
    assert redact(once) == once


def test_respondent_tags() -> None:
    assert respondent_tag("54") == "R54"
    assert respondent_tag(54) == "R54"
    assert respondent_tag("abc-9") == "abc-9"
    assert Quote("t", ["R1", "R2"]).tag == "\u2014R1, R2"
    assert Quote("t", [f"R{i}" for i in range(10)]).tag.endswith("and 2 more")


def test_collect_quotes_staff_wellbeing() -> None:
    responses = staff_responses()
    blocks = collect_quotes(responses)
    # email is a text item with report: false; comments is the one reported text item.
    assert [b.item for b in blocks] == ["comments"]
    block = blocks[0]
    answered = int(responses.data["comments"].notna().sum())
    assert block.answered == answered
    ids = {r for q in block.quotes for r in q.respondents}
    assert ids <= {respondent_tag(i) for i in responses.data.index}
    assert all("@" not in q.text for q in block.quotes)
    counts = [len(q.respondents) for q in block.quotes]
    assert counts == sorted(counts, reverse=True)
