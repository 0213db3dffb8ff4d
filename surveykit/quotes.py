"""Open-ended answers for the report appendix, with contact details redacted.

Quotes are tagged with the respondent id (``—R54``) so a reader can trace them
back to the export (by position, ``R1``..``Rn``, when the ids are themselves
e-mail addresses or the like), and e-mail addresses, phone numbers and national
ID numbers are removed because respondents often leave them in comment boxes.
What is and is not caught is listed in docs/security.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.ingest import Responses

EMAIL_MARK = "[e-mail removed]"
PHONE_MARK = "[phone removed]"
ID_MARK = "[ID number removed]"
CUSTOM_MARK = "[removed]"
REDACTION_NOTE = (
    "E-mail addresses, phone numbers and national ID numbers (Singapore NRIC/FIN, "
    "UK National Insurance, US Social Security) have been removed."
)

# --- e-mail addresses ----------------------------------------------------------------
# Letters of any script (\w), so josé@example.com and jose@bücher.de are found; the at
# sign also in its full-width and small forms, with or without spaces around it.
_AT = r"[@\uff20\ufe6b]"
_DOT = r"[.\uff0e\u3002\uff61]"
_LOCAL = r"[\w.%+'\-\u00b7]+"
_LABEL = r"[^\W_](?:[\w\-]*[^\W_])?"
_TLD = r"[^\W\d_]{2,}"
_EMAIL = re.compile(rf"{_LOCAL}[ \t]?{_AT}[ \t]?{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}(?![\w@])")
# Spelled out: name(at)domain(dot)com, name [at] domain [dot] com, name at domain dot com.
# A bracketed "at" is unmistakable; a bare " at " needs a spelled " dot " and a common
# top-level domain, so "I was at home.Then" and "meet at school" stay.
_COMMON_TLD = (
    r"com|net|org|edu|gov|mil|info|biz|io|co|sg|uk|de|fr|nl|au|ca|jp|cn|hk|my|us|ch|"
    r"be|es|se|no|dk|fi|nz|ie|in|id|ph|th|vn|kr|tw|br|mx|za|ru|pl|it|at"
)
_BRACKET_AT = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*"
_BRACKET_DOT = r"\s*[(\[{<]\s*dot\s*[)\]}>]\s*"
_EMAIL_SPELLED = re.compile(
    rf"(?i){_LOCAL}{_BRACKET_AT}{_LABEL}(?:(?:{_DOT}|{_BRACKET_DOT}|\s+dot\s+){_LABEL})*"
    rf"(?:{_DOT}|{_BRACKET_DOT}|\s+dot\s+)(?:{_TLD})\b"
    rf"|\b[\w.+\-]+\s+at\s+{_LABEL}(?:\s+dot\s+{_LABEL})*\s+dot\s+(?:{_COMMON_TLD})\b"
)

# --- national identity numbers -------------------------------------------------------
# Singapore NRIC/FIN: a prefix letter, 7 digits and a check letter; only numbers whose
# check letter is right are removed (ICA's published algorithm), so "S1234567X" codes that
# merely look alike stay.
_NRIC = re.compile(r"(?i)(?<![^\W\d_])([STFGM])(\d{7})([A-Z])(?![^\W\d_])")
_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
_NRIC_LETTERS = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK", "M": "XWUTRQPNJLK"}  # fmt: skip
_NRIC_OFFSET = {"S": 0, "T": 4, "F": 0, "G": 4, "M": 3}
# UK National Insurance number: two prefix letters (D, F, I, Q, U, V never; O not second;
# BG, GB, KN, NK, NT, TN, ZZ never issued), six digits, a suffix A-D.
_NINO = re.compile(
    r"(?i)\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-D]\b"
)
# US Social Security number, written 123-45-6789 (area 000, 666 and 9xx, group 00 and serial
# 0000 are never issued).
_SSN = re.compile(r"(?<![\d\-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d\-])")

# --- phone numbers -------------------------------------------------------------------
# A run of digits with the separators phone numbers are written with; it counts as a phone
# number only with at least 7 digits, so "room 3", "8pm" and "2023" stay. Letters may be
# glued in front ("hp91234567", "tel:6123 4567"); digits may not.
_PHONE = re.compile(r"(?<![\d+])(?:\+|00)?\(?\d[\d\s().\-/\u2013]{5,}\d(?!\d)")
# Dates, date ranges, year ranges and times are cut out before phones are looked for.
_DATE_LIKE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b"
    r"|\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b"
    r"|\b(?:1[89]|20)\d{2}\s*(?:[-\u2013/]|to)\s*(?:(?:1[89]|20)\d{2}|\d{2})\b"
    r"|\b\d{1,2}[:.]\d{2}\s*[-\u2013]\s*\d{1,2}[:.]\d{2}\b"
)
_ISBN = re.compile(r"(?i)\bISBN(?:-1[03])?:?\s*[\dX][\dX\s\-]{8,16}[\dX]\b")


def _nric_ok(prefix: str, digits: str, check: str) -> bool:
    prefix, check = prefix.upper(), check.upper()
    total = _NRIC_OFFSET[prefix] + sum(
        int(d) * w for d, w in zip(digits, _NRIC_WEIGHTS, strict=True)
    )
    return _NRIC_LETTERS[prefix][total % 11] == check


def _isbn13_ok(digits: str) -> bool:
    if len(digits) != 13 or not digits.startswith(("978", "979")):
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    return total % 10 == 0


def _is_phone(found: str) -> bool:
    digits = "".join(ch for ch in found if ch.isdigit())
    if len(digits) < 7 or len(digits) > 15:  # E.164 numbers have at most 15 digits
        return False
    groups = re.findall(r"\d+", found)
    if sum(len(g) == 1 for g in groups) > 1:
        return False  # "1-2-3-4-5-6-7", "0-306-40615-2": a phone has at most one 1-digit group
    if all(g.endswith("00") for g in groups) and len(groups) <= 2:
        return False  # round numbers and ranges: "1000-2000", "100000000"
    if re.fullmatch(r"\d+\.\d+", found.strip()):
        return False  # a decimal number: 3.14159265
    return not _isbn13_ok(digits)


# Letters glued in front of a phone number are one of these words ("hp91234567"); any other
# ("A12345678", "S1234567A") makes the digits part of a code, which stays.
_PHONE_WORDS = (
    "hp", "tel", "phone", "mobile", "mob", "cell", "handphone", "whatsapp", "wa", "ph",
    "call", "contact", "number", "no", "nr", "sms", "text", "txt", "fax",
)  # fmt: skip
_GLUED = re.compile(r"([^\W\d_]+)[:.#]?$")


def _glued_word_ok(before: str) -> bool:
    found = _GLUED.search(before)
    return found is None or found.group(1).casefold().endswith(_PHONE_WORDS)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` replaced by the same number of spaces."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


_AT_SIGN = re.compile(_AT)
_SPELLED_AT = re.compile(r"(?i)[(\[{<]\s*at\s*[)\]}>]|\sat\s.*\sdot\s")
_NOT_DIGITS = re.compile(r"\D+")
_SEVEN_DIGITS = re.compile(r"\d{7}")
_NINO_HINT = re.compile(r"[A-Za-z]{2}[ \-]?\d\d[ \-]?\d\d[ \-]?\d\d")
_SSN_HINT = re.compile(r"\d{3}[- ]\d\d[- ]\d{4}")


def redact(text: str, extra: tuple[str, ...] = ()) -> str:
    """``text`` with contact details and ID numbers replaced by a marker.

    Removed: e-mail addresses (any script, full-width at signs, spaced or spelled
    ``name (at) domain (dot) com``), Singapore NRIC/FIN numbers with a valid check
    letter, UK National Insurance and US Social Security numbers, phone numbers of 7
    to 15 digits (also glued to letters, as in ``hp91234567``), and whatever the
    item's ``redact:`` patterns match. Dates, date and year ranges, times, ISBNs,
    decimals, round numbers and sequences such as ``1-2-3-4-5-6-7`` stay.
    """
    for pattern in extra:
        text = re.sub(pattern, CUSTOM_MARK, text)
    # Cheap tests first: most answers hold no at sign and few digits, and the full
    # patterns (which try every word) then need not run at all.
    if _AT_SIGN.search(text):
        text = _EMAIL.sub(EMAIL_MARK, text)
    if _SPELLED_AT.search(text):
        text = _EMAIL_SPELLED.sub(EMAIL_MARK, text)
    digits = len(_NOT_DIGITS.sub("", text))
    if digits < 6:
        return text  # no ID number has fewer than 6 digits, no phone fewer than 7
    if _SEVEN_DIGITS.search(text):
        text = _NRIC.sub(lambda m: ID_MARK if _nric_ok(*m.groups()) else m.group(0), text)
    if _NINO_HINT.search(text):
        text = _NINO.sub(ID_MARK, text)
    if _SSN_HINT.search(text):
        text = _SSN.sub(ID_MARK, text)
    if digits < 7 or not _PHONE.search(text):
        return text
    # Phones are found in a copy with dates and ISBNs blanked out, so a date never joins
    # a run of digits, then replaced in the text by position.
    masked = _mask(_mask(text, _DATE_LIKE), _ISBN)
    spans = [
        m.span()
        for m in _PHONE.finditer(masked)
        if _is_phone(m.group(0)) and _glued_word_ok(masked[max(0, m.start() - 40) : m.start()])
    ]
    for start, end in reversed(spans):
        found = masked[start:end]
        # Keep the blanks the match swallowed at its end (a separator before the next word).
        end -= len(found) - len(found.rstrip())
        text = text[:start] + PHONE_MARK + text[end:]
    return text


def respondent_tag(respondent: object) -> str:
    """A respondent id as shown after a quote: numeric ids get an ``R`` prefix."""
    text = str(respondent).strip()
    return f"R{text}" if text.isdigit() else text


# Respondent ids worth a closer look: an at sign, a spelled "at", letters then six digits
# (NRIC, NI number), or an SSN's 3-2-4 digits. Numeric ids (SurveyMonkey's 11 digits) are
# ordinary ids, never taken for phone numbers. (RE2 syntax: run by pyarrow.)
_ID_SUSPECT = (
    "[@\uff20\ufe6b]|[A-Za-z] ?\\d{2} ?\\d{2} ?\\d{2}|\\d{3}[- ]\\d{2}[- ]\\d{4}"
    "|[\\s(\\[{<][Aa][Tt][\\s)\\]}>]"
)


def _reveals_identity(respondent: str) -> bool:
    return bool(
        _EMAIL.search(respondent)
        or _EMAIL_SPELLED.search(respondent)
        or any(_nric_ok(*m.groups()) for m in _NRIC.finditer(respondent))
        or _NINO.search(respondent)
        or _SSN.search(respondent)
    )


def ids_reveal_identity(index: pd.Index) -> bool:
    """Whether any respondent id is an e-mail address or a national ID number.

    Such ids would undo the redaction of the quotes they tag. The ids are first
    screened in one vectorised pass, so a million ordinary ids cost little.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pa.array(index.astype(str), type=pa.string())
    ids = ids.filter(pc.invert(pc.utf8_is_digit(ids)))  # numeric ids: nothing to screen
    suspects = ids.filter(pc.match_substring_regex(ids, _ID_SUSPECT))
    return any(_reveals_identity(r) for r in pc.unique(suspects).to_pylist())


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


def collect_quotes(responses: Responses) -> list[QuoteBlock]:
    """Redacted answers of every text item with ``report: true``, in questionnaire order.

    Identical answers (after redaction and whitespace normalisation) are listed
    once with all their respondents, most frequent first, then in respondent order.
    """
    blocks = []
    # Respondent ids that are e-mail addresses (or ID numbers) would undo the redaction:
    # then every respondent is tagged by position instead, R1..Rn.
    by_position = responses.questionnaire.respondent_id is not None and ids_reveal_identity(
        responses.data.index
    )
    for item in responses.questionnaire.items:
        if item.type != "text" or not item.report or item.id not in responses.data:
            continue
        column = responses.data[item.id]
        answered = np.flatnonzero(column.notna().to_numpy())
        values = column.to_numpy(dtype=object)[answered].tolist()
        ids = column.index.to_numpy(dtype=object)[answered].tolist()
        grouped: dict[str, list[str]] = {}
        redacted: dict[str, str] = {}  # each distinct answer is redacted once
        for position, respondent, value in zip(answered.tolist(), ids, values, strict=True):
            text = " ".join(str(value).split())
            if not text:
                continue
            if text not in redacted:
                redacted[text] = redact(text, item.redact)
            tag = f"R{position + 1}" if by_position else respondent_tag(respondent)
            grouped.setdefault(redacted[text], []).append(tag)
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
