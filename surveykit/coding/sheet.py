"""``coding.csv``: who coded which answer with which code, and whether it stands.

One row per (respondent, item, code, coder) with a ``status``: ``suggested``
(written by ``surveykit code suggest``, not yet looked at), ``accepted``,
``rejected``, or empty for a row a coder added by hand. Only accepted and
hand-added rows count. ``note`` is free text for the coder. The file is meant
to be edited in a spreadsheet; it is read with its line numbers so that every
problem points at a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from surveykit.coding.codebook import Codebook
from surveykit.errors import SurveyError

COLUMNS = ("respondent", "item", "code", "coder", "status", "note")
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
            f"needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}",
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


def render_coding(rows: Iterable[CodingRow]) -> str:
    """The CSV text of ``rows`` (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.respondent, row.item, row.code, row.coder, row.status, row.note])
    return buffer.getvalue()
