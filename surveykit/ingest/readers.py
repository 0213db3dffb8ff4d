"""Responses files of every kind as one Table: CSV/TSV, Excel ``.xlsx`` sheets, SPSS ``.sav``.

Whatever the file, the rest of ingest sees the same :class:`Table` that the CSV reader
builds: headers, and per column one integer code per row into its distinct cell *texts*.
A spreadsheet or SPSS cell becomes the text a CSV export of it would hold (``5``, not
``5.0``; ``2024-03-01 09:15:00`` for a date-time; a value label for a labelled code), so
choices, codes and numbers match exactly as they do in a CSV. CSV files go straight to
the pyarrow reader in ``csvfile`` (a million rows in seconds); the spreadsheet and SPSS
readers are only used for those suffixes and imported only then.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from surveykit.errors import SurveyError
from surveykit.ingest.csvfile import (
    DELIMITERS,
    Column,
    Table,
    Variable,
    header_layout,
    read_table,
)

SHEET_SUFFIXES = (".xlsx", ".xlsm")
SPSS_SUFFIXES = (".sav", ".zsav")
# Spreadsheets surveykit does not read (untested here), named so the message says what to do.
_UNREAD = {
    ".xls": "an old Excel 97-2003 workbook",
    ".xlsb": "a binary Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
    ".numbers": "an Apple Numbers file",
}
_DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t"}


def parse_delimiter(text: str | None) -> str | None:
    """``--delimiter``: one of ``,`` ``;`` tab (also spelled ``comma``, ``semicolon``, ``\\t``)."""
    if text is None:
        return None
    value = _DELIMITER_WORDS.get(text.casefold(), text)
    if value not in DELIMITERS:
        raise SurveyError(
            f"--delimiter must be ',' ';' or tab (comma, semicolon, tab), got {text!r}"
        )
    return value


def read_responses_table(
    path: Path, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
) -> Table:
    """The table of any responses file, by its suffix (CSV when the suffix is unknown)."""
    suffix = path.suffix.casefold()
    if suffix in SHEET_SUFFIXES:
        if encoding is not None:
            raise SurveyError("--encoding is for CSV files: a workbook knows its own", file=path)
        return read_sheet(path, sheet)
    if sheet is not None:
        raise SurveyError(f"--sheet is for .xlsx files, not {suffix or 'this file'}", file=path)
    if suffix in SPSS_SUFFIXES:
        return read_sav(path, encoding)
    if suffix in _UNREAD:
        raise SurveyError(
            f"is {_UNREAD[suffix]}; save it as .xlsx (or CSV) and read that", file=path
        )
    if suffix == ".tsv" and delimiter is None:
        delimiter = "\t"
    return read_table(path, encoding, delimiter)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise SurveyError("file not found", file=path)
    if path.is_dir():
        raise SurveyError("is a folder, not a responses file", file=path)


def _blank(value: object) -> bool:
    return value is None or (value.__class__ is str and not value.strip())  # type: ignore[attr-defined]


def _table_from_rows(
    path: Path, rows: list[list[object]], what: str
) -> tuple[list[str], list[Column], int, int]:
    """Headers, columns, row count and header records of a sheet's ``rows`` of values."""
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()  # formatted but empty rows at the end of a sheet are no responses
    if not rows:
        raise SurveyError(f"{what} is empty: expected a header row and responses", file=path)
    width = max(len(r) for r in rows)
    rows = [r if len(r) == width else [*r, *[None] * (width - len(r))] for r in rows]
    columns = list(zip(*rows, strict=True))
    while columns and all(_blank(v) for v in columns[-1]):
        columns.pop()  # empty columns right of the data
    head = [[cell_text(c[i]) for c in columns] for i in range(min(3, len(rows)))]
    headers, header_rows = header_layout(head or [[]])
    out = [_column(values[header_rows:]) for values in columns]
    return headers, out, len(rows) - header_rows, header_rows


def _column(values: tuple[object, ...]) -> Column:
    """One sheet column as a Column of cell texts.

    Columns of one kind of value (texts; numbers; dates) are encoded by pyarrow and only
    their distinct values are turned into text, in Python; mixed columns cell by cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = {v.__class__ for v in values} - {type(None)}
    if kinds <= {str}:
        cells = pa.array(values, type=pa.string()).fill_null("")
        return Column([cells.dictionary_encode()])
    if kinds <= {int, float} or kinds <= {dt.datetime} or kinds <= {dt.date}:
        try:
            coded = pa.array(values).dictionary_encode()
        except (pa.ArrowException, OverflowError):
            coded = None
        if coded is not None:
            distinct = coded.dictionary.to_pylist()
            texts = pa.array([*map(cell_text, distinct), ""], type=pa.string())
            indices = pc.fill_null(coded.indices, len(distinct))
            return Column([pa.DictionaryArray.from_arrays(indices, texts)])
    cache: dict[tuple[type, object], str] = {}
    texts_per_cell = []
    for v in values:
        if v.__class__ is str:
            texts_per_cell.append(v)
            continue
        key = (v.__class__, v)
        text = cache.get(key)
        if text is None:
            text = cache[key] = cell_text(v)
        texts_per_cell.append(text)
    return Column([pa.array(texts_per_cell, type=pa.string()).dictionary_encode()])


class SheetLocator:
    """The sheet row of a response row: spreadsheets have rows, not file lines."""

    def __init__(self, path: Path, first_data_row: int) -> None:
        self.path = path
        self._first = first_data_row

    def __call__(self, row: int) -> int:
        return self._first + row - 1

    def many(self, rows: list[int]) -> dict[int, int]:
        return {r: self(r) for r in rows}


def read_sheet(path: Path, sheet: str | None) -> Table:
    """The first sheet of an ``.xlsx`` workbook (or the one named ``sheet``) as a Table.

    python-calamine (Rust) reads it: about 10x faster than openpyxl on a 50,000-row
    sheet (docs/exports.md). Numbers, dates and booleans become the texts a CSV export
    would hold; errors name the sheet row.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    _check_file(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise SurveyError(f"cannot read as an Excel workbook: {exc}", file=path) from exc
    names = book.sheet_names
    if not names:
        raise SurveyError("workbook has no sheets", file=path)
    if sheet is None:
        sheet = names[0]
    elif sheet not in names:
        raise SurveyError(
            f"no sheet {sheet!r}; the sheets are " + ", ".join(repr(n) for n in names), file=path
        )
    try:
        # Empty rows and columns before the data are kept so row numbers are the sheet's.
        values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise SurveyError(f"cannot read sheet {sheet!r}: {exc}", file=path) from exc
    rows = values
    skipped = 0
    while skipped < len(rows) and all(_blank(v) for v in rows[skipped]):
        skipped += 1
    rows = rows[skipped:]
    headers, columns, n, header_rows = _table_from_rows(path, rows, f"sheet {sheet!r}")
    return Table(
        headers=headers,
        columns=columns,
        rows=n,
        header_rows=header_rows,
        locate=SheetLocator(path, skipped + header_rows + 1),
    )


def cell_text(value: object) -> str:
    """A spreadsheet or SPSS value as the text a CSV export holds.

    Excel stores every number as a double: a whole number is written without ``.0``
    (so the answer 5 matches the choice code 5 and the label "5"), other numbers with
    the fewest digits that give the same double back (``0.1``, not
    ``0.1000000000000000055``). Dates become ISO 8601, booleans TRUE/FALSE as Excel
    writes them.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_sav(path: Path, encoding: str | None = None) -> Table:
    """An SPSS ``.sav``/``.zsav`` file as a Table, through pyreadstat.

    Each variable's header is its name and its label (like Qualtrics' two header rows,
    either matches an item). A code with a value label reads as that label, so a
    labelled 1 = "Female" is the choice "Female". User-missing codes (SPSS "missing
    values") read as their label when they have one (a questionnaire lists them under
    the item's ``missing:``), and as blank when they have none (99 in an age is then
    missing, never a number in the mean). ``encoding`` is for old files that do not
    record theirs (SPSS before version 16).
    """
    import pyreadstat

    _check_file(path)
    try:
        frame, meta = pyreadstat.read_sav(
            str(path),
            user_missing=True,
            apply_value_formats=False,
            dates_as_pandas_datetime=False,
            encoding=encoding,
        )
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError) as exc:
        hint = "; give its encoding with --encoding" if "character set" in str(exc) else ""
        raise SurveyError(f"cannot read as an SPSS file: {exc}{hint}", file=path) from exc
    value_labels = meta.variable_value_labels or {}
    missing_ranges = meta.missing_ranges or {}
    measures = meta.variable_measure or {}
    labels = dict(zip(meta.column_names, meta.column_labels or [], strict=False))
    headers: list[str] = []
    body_columns: list[list[str]] = []
    variables: dict[int, Variable] = {}
    for j, name in enumerate(meta.column_names):
        label = " ".join((labels.get(name) or "").split())
        headers.append(f"{name}\x1f{label}" if label and label != name else name)
        coded = {_key(k): v for k, v in value_labels.get(name, {}).items()}
        ranges = missing_ranges.get(name, [])

        def is_missing(v: object, ranges=ranges) -> bool:
            if isinstance(v, str) or v is None:
                return any(v == r.get("lo") for r in ranges)
            return any(r.get("lo") is not None and r["lo"] <= v <= r["hi"] for r in ranges)

        texts: list[str] = []
        cache: dict[object, str] = {}
        for v in frame[name].tolist():
            if v is None or (isinstance(v, float) and math.isnan(v)):
                texts.append("")
                continue
            if v not in cache:
                key = _key(v)
                if key in coded:
                    cache[v] = coded[key]
                elif is_missing(v):
                    cache[v] = ""  # unlabelled user-missing code: missing, never a value
                else:
                    cache[v] = cell_text(v)
            texts.append(cache[v])
        body_columns.append(texts)
        missing = tuple(text for k, text in coded.items() if is_missing(k))
        if coded or missing:
            variables[j] = Variable(
                labels=dict(sorted(coded.items(), key=lambda kv: _order(kv[0]))),
                missing=missing,
                measure=measures.get(name, "unknown"),
            )
    import pyarrow as pa

    columns = [Column([pa.array(c, type=pa.string()).dictionary_encode()]) for c in body_columns]
    return Table(
        headers=headers,
        columns=columns,
        rows=len(frame),
        header_rows=0,
        locate=_CaseLocator(path),
        variables=variables,
    )


def _key(v: object) -> object:
    """Value-label keys compare as floats for numeric variables (1 == 1.0)."""
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


def _order(k: object) -> tuple[int, float, str]:
    return (0, k, "") if isinstance(k, float) else (1, 0.0, str(k))


class _CaseLocator:
    """SPSS files have cases, not lines: a message names the row (= case number) only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, row: int) -> None:
        return None

    def many(self, rows: list[int]) -> dict[int, None]:
        return dict.fromkeys(rows)
