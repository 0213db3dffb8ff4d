"""Open-ended answers for the report appendix, with contact details redacted.

Quotes are tagged with the respondent id (``—R54``) so a reader can trace them
back to the export, and e-mail addresses and phone numbers are removed because
respondents often leave them in comment boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from surveykit.ingest import Responses

EMAIL_MARK = "[e-mail removed]"
PHONE_MARK = "[phone removed]"

# Deliberately broad: anything shaped like local@domain.tld, including dotted and plus-addressed locals.
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run of digits with the separators phone numbers are written with; it counts as a phone
# number only with at least 7 digits, so "room 3", "8pm" and "2023" stay.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


@dataclass(frozen=True)
class Quote:
    """One (redacted) answer and the respondents who gave exactly it."""

    text: str
    respondents: list[str]

    @property
    def tag(self) -> str:
        """``—R54`` or ``—R3, R7, R12``; long lists are shortened."""
        ids = self.respondents[:8]
        more = f" and {len(self.respondents) - 8} more" if len(self.respondents) > 8 else ""
        return "\u2014" + ", ".join(ids) + more


@dataclass(frozen=True)
class QuoteBlock:
    """The answers to one text item (``withheld``: why they are not shown, if they are not)."""

    item: str
    label: str
    question: str
    quotes: list[Quote] = field(default_factory=list)
    withheld: str | None = None

    @property
    def answered(self) -> int:
        """How many respondents answered."""
        return sum(len(q.respondents) for q in self.quotes)


def redact(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by a marker."""
    text = _EMAIL.sub(EMAIL_MARK, text)

    def phone(match: re.Match[str]) -> str:
        found = match.group(0)
        digits = sum(ch.isdigit() for ch in found)
        if digits < 7 or _ISO_DATE.fullmatch(found.strip()):
            return found
        return PHONE_MARK

    return _PHONE.sub(phone, text)


def respondent_tag(respondent: object) -> str:
    """A respondent id as shown after a quote: numeric ids get an ``R`` prefix."""
    text = str(respondent).strip()
    return f"R{text}" if text.isdigit() else text


def collect_quotes(responses: Responses) -> list[QuoteBlock]:
    """Redacted answers of every text item with ``report: true``, in questionnaire order.

    Identical answers (after redaction and whitespace normalisation) are listed
    once with all their respondents, most frequent first, then in respondent order.
    """
    blocks = []
    for item in responses.questionnaire.items:
        if item.type != "text" or not item.report or item.id not in responses.data:
            continue
        answers = responses.data[item.id].dropna()
        grouped: dict[str, list[str]] = {}
        for respondent, value in answers.items():
            text = " ".join(str(value).split())
            if not text:
                continue
            grouped.setdefault(redact(text), []).append(respondent_tag(respondent))
        order = sorted(grouped.items(), key=lambda kv: -len(kv[1]))  # stable: first seen wins ties
        blocks.append(
            QuoteBlock(
                item=item.id,
                label=item.label,
                question=item.text,
                quotes=[Quote(text, ids) for text, ids in order],
            )
        )
    return blocks


def collect_other_quotes(responses: Responses) -> list[QuoteBlock]:
    """The typed *Other* answers of every choice item with ``other: true`` and ``report: true``.

    Listed like open-ended answers (redacted, tagged, identical answers once), so a reader
    can see what the "Others" row of a table holds.
    """
    blocks = []
    for item in responses.questionnaire.items:
        texts = responses.other_text.get(item.id)
        if not item.report or texts is None:
            continue
        grouped: dict[str, list[str]] = {}
        for respondent, value in texts.dropna().items():
            text = " ".join(str(value).split())
            if text:
                grouped.setdefault(redact(text), []).append(respondent_tag(respondent))
        if not grouped:
            continue
        order = sorted(grouped.items(), key=lambda kv: -len(kv[1]))  # stable: first seen wins ties
        blocks.append(
            QuoteBlock(
                item=item.id,
                label=f"{item.label}: other answers",
                question=f"{item.text} (answers typed under \u201cOther\u201d)",
                quotes=[Quote(text, ids) for text, ids in order],
            )
        )
    return blocks


def appendix_quotes(responses: Responses) -> list[QuoteBlock]:
    """Open-ended answers and *Other* answers, in questionnaire order."""
    position = {item.id: i for i, item in enumerate(responses.questionnaire.items)}
    blocks = [*collect_quotes(responses), *collect_other_quotes(responses)]
    return sorted(blocks, key=lambda block: position.get(block.item, len(position)))
