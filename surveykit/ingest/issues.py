"""Cells that are no valid answer: one error listing all of them, or a list of data issues.

An item's ``invalid:`` decides: ``error`` (the default) stops the run and lists every
such cell at once, so ten bad cells take one run to find, not ten; ``missing`` sets
them to missing and records each one, so every output can say what was changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surveykit.errors import SurveyError
from surveykit.ingest.cells import Bad
from surveykit.ingest.csvfile import Column, Locator
from surveykit.questionnaire import Item

SHOWN = 20
"""Bad cells listed in an error; the rest are counted."""
LOCATED = 1000
"""Data issues given a file line (finding lines reads the file again)."""


@dataclass(frozen=True)
class DataIssue:
    """One cell set to missing: response number (1 = first data record), file line,
    header, item id, the cell's text and why it is no valid answer."""

    row: int
    line: int | None
    column: str
    item: str
    value: str
    reason: str
    message: str = ""

    def to_dict(self) -> dict[str, object]:
        """The public JSON form: {row, line, column, item, value, reason}."""
        return {
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "item": self.item,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Problem:
    """The distinct texts of one item's column that are no valid answer."""

    item: Item
    header: str
    raw: Column
    bad: dict[int, Bad]

    def rows(self, keep: np.ndarray | None = None) -> np.ndarray:
        """0-based rows of the bad cells (among rows ``keep`` marks, when given)."""
        mask = np.zeros(len(self.raw.uniques), dtype=bool)
        mask[list(self.bad)] = True
        hit = mask[self.raw.codes]
        if keep is not None:
            hit &= keep
        return np.flatnonzero(hit)

    def cells(self, keep: np.ndarray | None = None, limit: int | None = None) -> list[DataIssue]:
        """One issue per bad cell (the first ``limit``, when given), without lines."""
        out = []
        for row in self.rows(keep)[:limit]:
            code = int(self.raw.codes[row])
            bad = self.bad[code]
            out.append(
                DataIssue(
                    row=int(row) + 1,
                    line=None,
                    column=self.header,
                    item=self.item.id,
                    value=self.raw.uniques[code].strip(),
                    reason=bad.reason,
                    message=bad.message,
                )
            )
        return out


def raise_errors(problems: list[Problem], locate: Locator) -> None:
    """Stop the run when any item with ``invalid: error`` has bad cells, listing them all."""
    failing = [p for p in problems if p.item.invalid == "error"]
    if not failing:
        return
    order = {p.item.id: i for i, p in enumerate(failing)}
    total = sum(len(p.rows()) for p in failing)
    # The first cells by row: no more than SHOWN from each item can be among them.
    first = (c for p in failing for c in p.cells(limit=SHOWN))
    shown = sorted(first, key=lambda c: (c.row, order[c.item]))[:SHOWN]
    lines = locate.many(sorted({c.row for c in shown}))
    if total == 1:
        c = shown[0]
        raise SurveyError(
            c.message, row=c.row, line=lines[c.row], column=c.column, file=locate.path
        )
    listed = [
        f"  row {c.row}"
        + (f" (line {lines[c.row]})" if lines[c.row] is not None else "")  # .sav: no lines
        + f", column {c.column!r}: {c.message}"
        for c in shown
    ]
    if total > SHOWN:
        listed.append(f"  …and {total - SHOWN} more")
    raise SurveyError(
        f"{total} cells are not valid answers; correct them in a copy of the file, or "
        "set invalid: missing (on the item, or under survey:) to treat them as missing and "
        "list them:\n" + "\n".join(listed),
        file=locate.path,
    )


def data_issues(problems: list[Problem], keep: np.ndarray, locate: Locator) -> list[DataIssue]:
    """The cells of analysed rows that ``invalid: missing`` set to missing, by row."""
    order = {p.item.id: i for i, p in enumerate(problems)}
    cells = sorted(
        (c for p in problems for c in p.cells(keep)), key=lambda c: (c.row, order[c.item])
    )
    if not cells or len(cells) > LOCATED:
        return cells
    lines = locate.many(sorted({c.row for c in cells}))
    return [
        DataIssue(c.row, lines[c.row], c.column, c.item, c.value, c.reason, c.message)
        for c in cells
    ]
