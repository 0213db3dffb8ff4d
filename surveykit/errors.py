"""One exception family for every problem a user can fix.

Errors are raised where the problem is found, carrying its location; the CLI
turns them into a one-line message and exit code 2.
"""

from __future__ import annotations

from pathlib import Path


class SurveyError(Exception):
    """A problem in the user's files or options, with where it was found.

    ``line`` is a 1-based line of a text file (YAML, or the CSV line a record
    starts on); ``row`` is a 1-based response number (first data record = 1);
    ``column`` is a CSV header or an item id.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.row = row
        self.column = column

    @property
    def file(self) -> str | None:
        """The file the problem is in (always a string, however it was set)."""
        return self._file

    @file.setter
    def file(self, value: str | Path | None) -> None:
        self._file = str(value) if value is not None else None

    def location(self) -> str:
        """Where the problem is, e.g. ``q.yaml:12`` or ``r.csv row 3 (line 4), column 'Age'``."""
        parts: list[str] = []
        place = self.file or ""
        if self.line is not None and self.row is None:
            place += f":{self.line}"
        if place:
            parts.append(place)
        if self.row is not None:
            row = f"row {self.row}"
            if self.line is not None:
                row += f" (line {self.line})"
            parts.append(row)
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class StatisticsError(SurveyError):
    """A test that cannot be computed on the data given (n < 2, zero variance, one group...)."""


class MissingColumn(SurveyError):
    """The responses file has no column for ``item_id`` (``compare`` leaves such items out)."""

    def __init__(self, message: str, *, item_id: str, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.item_id = item_id
