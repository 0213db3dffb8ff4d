"""``coding.csv``: who coded which answer with which code, and whether it stands.

One row per (respondent, item, code, coder) with a ``status``: ``suggested``
(written by ``surveykit code suggest``, not yet looked at), ``accepted``,
``rejected``, or empty for a row a coder added by hand. Only accepted and
hand-added rows count. ``note`` is free text for the coder. ``answer`` (optional)
is the start of the answer the row was written for: respondents numbered R1..Rn
after exclusions are renumbered when the rules or the file change, and a code
must never move silently to another respondent's answer. The file is meant to
be edited in a spreadsheet; it is read with its line numbers so that every
problem points at a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from surveykit.coding.codebook import Codebook
from surveykit.errors import SurveyError

COLUMNS = ("respondent", "item", "code", "coder", "status", "note", "answer")
STATUSES = ("suggested", "accepted", "rejected", "")
COUNTS = ("accepted", "")


@dataclass(frozen=True)
class CodingRow:
    """One coder's decision about one code for one answer."""

    respondent: str
    item: str
    code: str
    coder: str
    status: str = "suggested"
    note: str = ""
    answer: str = ""  # the start of the answer coded (answer_start); blank: not checked
    line: int = 0

    @property
    def counts(self) -> bool:
        """Whether the code stands for this answer (accepted or added by hand)."""
        return self.status in COUNTS

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.respondent, self.item, self.code, self.coder)


def read_coding(path: str | Path, codebook: Codebook) -> list[CodingRow]:
    """The rows of ``coding.csv`` (none when it does not exist yet), checked against the codebook."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SurveyError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8", file=path
        ) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=path) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS[:4] if c not in header]
    if missing:
        raise SurveyError(
            f"needs the columns {', '.join(COLUMNS[:4])} (and optionally "
            f"{', '.join(COLUMNS[4:])}); missing {', '.join(missing)}",
            file=path,
            line=1,
        )
    reader.fieldnames = header
    codes = {c.id: c for c in codebook.codes}
    rows: list[CodingRow] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for raw in reader:
        line = reader.line_num
        values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        if not any(values.values()):
            continue
        row = CodingRow(**values, line=line)
        where = {"file": path, "line": line}
        if not row.respondent or not row.item or not row.coder:
            raise SurveyError("respondent, item and coder must not be blank", **where)
        if row.code not in codes:
            raise SurveyError(f"code {row.code!r} is not in the codebook", **where)
        if row.item not in codes[row.code].items:
            raise SurveyError(
                f"code {row.code!r} does not apply to item {row.item!r} (the codebook's items: "
                f"{', '.join(codes[row.code].items)})",
                **where,
            )
        if row.status.lower() not in STATUSES:
            raise SurveyError(
                f"status {row.status!r} must be suggested, accepted, rejected or empty (added by hand)",
                **where,
            )
        row = replace(row, status=row.status.lower())
        if row.key in seen:
            raise SurveyError(
                f"the same respondent, item, code and coder are on line {seen[row.key]} already",
                **where,
            )
        seen[row.key] = line
        rows.append(row)
    return rows


def render_coding(
    rows: Iterable[CodingRow], texts: Mapping[tuple[str, str], str] | None = None
) -> str:
    """The CSV text of ``rows`` (header first).

    ``texts`` ((respondent, item) → answer) fills the ``answer`` column of rows that
    have none, so that a later renumbering of respondents is caught on read.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        answer = row.answer
        if not answer and texts is not None:
            answer = answer_start(texts.get((row.respondent, row.item), ""))
        writer.writerow(
            [row.respondent, row.item, row.code, row.coder, row.status, row.note, answer]
        )
    return buffer.getvalue()


ANSWER_START = 60  # characters kept: enough to tell answers apart, short enough to read
ELLIPSIS = "\u2026"


def answer_start(text: object) -> str:
    """The start of an answer as ``coding.csv`` keeps it: blanks collapsed, at most 60 characters."""
    flat = " ".join(str(text).split())
    if len(flat) <= ANSWER_START:
        return flat
    return flat[:ANSWER_START].rstrip() + ELLIPSIS


def _same_answer(kept: str, text: str) -> bool:
    flat = " ".join(text.split())
    kept = " ".join(kept.split())
    if kept.endswith(ELLIPSIS):
        return flat.startswith(kept[: -len(ELLIPSIS)]) and len(flat) > len(kept) - 1
    return flat == kept


def check_answers(
    rows: Iterable[CodingRow],
    texts: Mapping[tuple[str, str], str],
    respondents: Collection[str],
    path: str | Path,
    *,
    numbered: bool,
) -> None:
    """Every row that keeps its answer's start must still point at that answer.

    ``texts`` holds the non-blank answers ((respondent, item) → text) and
    ``respondents`` everyone in the data; a row for a respondent not in the data
    (excluded, or outside a subset) is not checked: theme tables leave it out.
    """
    for row in rows:
        if not row.answer or row.respondent not in respondents:
            continue
        text = texts.get((row.respondent, row.item), "")
        if _same_answer(row.answer, text):
            continue
        now = f"now starts {answer_start(text)!r}" if text.strip() else "is now blank"
        if numbered:
            why = (
                "respondents are numbered R1..Rn after exclusions (respondent_id: null), so a "
                "change to the exclusion rules or to the responses file renumbers them; undo "
                "that change, or set respondent_id to a column of unique ids and code again"
            )
        else:
            why = (
                "the responses file has changed since; code this answer again, or blank this "
                "line's answer cell to keep the code"
            )
        raise SurveyError(
            f"{row.respondent}'s answer to {row.item} {now}, not {row.answer!r} as when it was "
            f"coded; {why}",
            file=path,
            line=row.line,
        )
