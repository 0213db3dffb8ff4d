"""Reading the CSV itself: encodings, header rows, pyarrow parsing, and file lines of rows.

A UTF-8 file goes straight to pyarrow's multithreaded CSV reader, which checks
the UTF-8 and dictionary-encodes every column: each column is held as one small
integer code per row plus its distinct cell texts. Python never holds the file's
text, except on an error path that has to name a line (then the file is read
again).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError


def objects(values: list) -> np.ndarray:
    """An object array holding exactly ``values`` (never a 2-D array of characters)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class Column:
    """One CSV column: ``codes`` (a code per row) into ``uniques`` (its distinct cell texts).

    Built lazily from pyarrow's dictionary chunks, so a column no item uses (time
    stamps, names) never becomes numpy codes or a million Python strings.
    """

    def __init__(self, chunks: list) -> None:
        self._chunks = chunks
        self._codes: np.ndarray | None = None
        self._uniques: list[str] | None = None
        self._stripped: list[str] | None = None

    @property
    def codes(self) -> np.ndarray:
        if self._codes is None:
            parts = [c.indices.to_numpy(zero_copy_only=False) for c in self._chunks]
            if not parts:
                self._codes = np.zeros(0, dtype=np.int32)
            else:
                self._codes = parts[0] if len(parts) == 1 else np.concatenate(parts)
            self._release()
        return self._codes

    @property
    def uniques(self) -> list[str]:
        if self._uniques is None:
            self._uniques = self._chunks[0].dictionary.to_pylist() if self._chunks else []
            self._release()
        return self._uniques

    def _release(self) -> None:
        if self._codes is not None and self._uniques is not None:
            self._chunks = []

    def __len__(self) -> int:
        return len(self.codes)

    def stripped(self) -> list[str]:
        """The distinct texts with surrounding white space removed (same order as uniques)."""
        if self._stripped is None:
            self._stripped = [u.strip() for u in self.uniques]
        return self._stripped

    def blank_rows(self) -> np.ndarray | None:
        """Per row, whether the cell is empty or white space; None when no cell is.

        Decided from the distinct texts first (in Arrow, so a column of a million
        distinct time stamps never becomes Python strings): most columns have no blank.
        """
        if self._chunks:
            import pyarrow.compute as pc

            trimmed = pc.utf8_trim_whitespace(self._chunks[0].dictionary)
            blank = pc.equal(trimmed, "").to_numpy(zero_copy_only=False)
        else:
            blank = np.array([u == "" for u in self.stripped()], dtype=bool)
        if not blank.any():
            return None
        return blank[self.codes]

    def take(self, per_unique: np.ndarray) -> np.ndarray:
        """Per-row values from an array holding one value per distinct text."""
        return per_unique[self.codes]

    def first_row(self, which: np.ndarray | list[int]) -> int:
        """1-based row of the first cell whose distinct text is one of ``which`` (by position)."""
        hit = np.zeros(len(self.uniques), dtype=bool)
        hit[np.asarray(which, dtype=np.intp)] = True
        return int(np.argmax(hit[self.codes])) + 1

    def series(self) -> pd.Series:
        """All cells as a Series of str (for rare paths that need the full texts)."""
        return pd.Series(objects(self.uniques)[self.codes], dtype=object)


@dataclass(frozen=True)
class Variable:
    """What an SPSS file says about a column beyond its cells (used by ``surveykit init``)."""

    labels: dict[float, str]  # value labels in code order
    missing: tuple[str, ...] = ()  # cell texts that SPSS declares user-missing
    measure: str = "unknown"  # nominal, ordinal, scale


@dataclass
class Table:
    headers: list[str]
    columns: list[Column]  # positional, one per header
    rows: int
    header_rows: int
    # Finds the file line (sheet row, for a spreadsheet) of a response row for messages.
    locate: Any = None
    variables: dict[int, Variable] = field(default_factory=dict)  # by column, .sav only
    delimiter: str = ","

    def column(self, index: int) -> Column:
        return self.columns[index]


MAX_COLUMNS = 20_000
"""Default limit on CSV columns, checked on the header before any column is allocated."""
MAX_COLUMNS_ENV = "SURVEYKIT_MAX_COLUMNS"
MAX_CELL_BYTES = 1 << 30
"""Largest single cell read (1 GiB): pyarrow needs a parse block at least that large."""


def max_columns() -> int:
    """The column limit: ``SURVEYKIT_MAX_COLUMNS`` if set to a whole number, else 20,000."""
    import os

    value = os.environ.get(MAX_COLUMNS_ENV, "")
    try:
        return max(1, int(value)) if value.strip() else MAX_COLUMNS
    except ValueError:
        raise SurveyError(f"{MAX_COLUMNS_ENV} must be a whole number, got {value!r}") from None


def _refuse_nul(
    path: Path,
    encoding: str | None,
    transcoded: bytes | None,
    header_rows: int,
    headers: list[str],
    delimiter: str = ",",
) -> None:
    """A NUL byte anywhere is an error naming its row and column (the first 4 KiB were
    checked before parsing; the parse itself notes whether the rest holds one). NUL is
    valid UTF-8, so pyarrow would keep it in a cell and every renderer would then have to
    cope with it."""
    if transcoded is not None:
        if b"\x00" not in transcoded:
            return
    elif not _has_nul(path):
        return
    text = _decode(path, encoding)
    reader = _CsvReader(text, delimiter)
    start = 1
    record = -1
    for cells in reader:
        if not cells:
            start = reader.line_num + 1
            continue
        record += 1
        for index, cell in enumerate(cells):
            if "\x00" in cell:
                row = record - header_rows + 1
                name = display(headers[index]) if index < len(headers) else f"#{index + 1}"
                raise SurveyError(
                    "holds a NUL character (byte 0); a CSV export never does: re-export the "
                    "file, or remove the byte",
                    file=path,
                    line=start + cell[: cell.index("\x00")].count("\n"),
                    row=row if row >= 1 else None,
                    column=name,
                )
        start = reader.line_num + 1
    raise SurveyError("holds a NUL character (byte 0); re-export the file", file=path)


def _has_nul(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                if b"\x00" in chunk:
                    return True
    except OSError:
        return False
    return False


_HEAD_BYTES = 1 << 16
_BLOCK = 1 << 24  # bytes per pyarrow parse block (the exact path, as before)
_FAST_BLOCK = 1 << 22  # smaller blocks parse faster on the line-split path


def _read_bytes(path: Path, limit: int | None = None) -> tuple[bytes, bool]:
    """The file's first ``limit`` bytes (all when None) and whether that is the whole file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read() if limit is None else handle.read(limit)
            whole = limit is None or len(raw) < limit or handle.read(1) == b""
    except FileNotFoundError as exc:
        raise SurveyError("file not found", file=path) from exc
    except IsADirectoryError as exc:
        raise SurveyError("is a folder, not a CSV file", file=path) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=path) from exc
    return raw, whole


def _decode(path: Path, encoding: str | None) -> str:
    raw, _ = _read_bytes(path)
    return _decode_bytes(raw, path, encoding)


def _decode_bytes(raw: bytes, path: Path, encoding: str | None) -> str:
    return _cr_lines(_decode_raw(raw, path, encoding))


def _cr_lines(text: str) -> str:
    """Text with old Mac line ends (CR only, no LF anywhere) given LF line ends."""
    if "\r" in text and "\n" not in text:
        return text.replace("\r", "\n")
    return text


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _decode_raw(raw: bytes, path: Path, encoding: str | None) -> str:
    if encoding and _is_utf8(encoding):
        # Excel's "CSV UTF-8" starts with a BOM; --encoding utf-8 must not make it part of
        # the first header.
        encoding = "utf-8-sig"
    if encoding:
        try:
            return raw.decode(encoding)
        except LookupError as exc:
            raise SurveyError(f"unknown encoding {encoding!r}", file=path) from exc
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise SurveyError(f"not valid {encoding} ({exc.reason})", file=path, line=line) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SurveyError("broken UTF-16 text", file=path) from exc
    if b"\x00" in raw[:4096]:
        raise SurveyError(
            "looks like a binary file, not a CSV export (it contains NUL bytes)", file=path
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SurveyError(
            f"is not UTF-8 (byte 0x{raw[exc.start]:02x}); if it was saved by Excel "
            "try --encoding cp1252",
            file=path,
            line=line,
        ) from exc
    return text.removeprefix("\ufeff")


def _head(path: Path, encoding: str | None, delimiter: str | None) -> tuple[str, bytes | None]:
    """Enough decoded text for the header rows, and the UTF-8 bytes of the whole file when
    it had to be transcoded (None: pyarrow reads the file itself, as UTF-8).

    A plain UTF-8 file is never decoded whole: its first bytes are enough for the header,
    and pyarrow checks the rest. Other encodings are decoded in full, as before.
    """
    limit = _HEAD_BYTES
    while True:
        raw, whole = _read_bytes(path, limit)
        cr_only = b"\r" in raw and b"\n" not in raw
        if encoding or cr_only or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = _decode(path, encoding)
            return text, text.encode("utf-8")
        if whole:
            return _decode_bytes(raw, path, None), None
        if b"\x00" in raw[:4096]:
            _decode_bytes(raw, path, None)  # raises: binary file
        try:
            text = codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
        except UnicodeDecodeError:
            _decode(path, None)  # raises with the line of the bad byte
            raise
        text = text.removeprefix("\ufeff")
        try:
            if len(list(_take(_CsvReader(text, delimiter or sniff_delimiter(text)), 4))) >= 4:
                return text, None
        except csv.Error:
            pass
        limit *= 4


DELIMITERS = (",", ";", "\t")


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``,`` ``;`` tab that splits the first records most evenly.

    A candidate qualifies when it gives every complete record of ``text`` (up to
    50) the header's width and that width is above 1; the widest wins. When none
    qualifies (a ragged row early on), the one that splits the header widest is
    taken, so the ragged row is reported with its row and line; a one-column file
    stays a comma file. Excel writes ``;`` where the decimal mark is a comma (most
    of Europe).
    """
    best, best_width = ",", 1
    widest, widest_header = ",", 1
    for candidate in DELIMITERS:
        try:
            records = [r for r in _take(_CsvReader(text, candidate), 51) if r]
        except csv.Error:
            continue
        if len(records) > 1 and not text.endswith(("\n", "\r")):
            records = records[:-1]  # the head may end inside the last record
        if not records:
            continue
        width = len(records[0])
        if width > widest_header:
            widest, widest_header = candidate, width
        if width > best_width and all(len(r) == width for r in records):
            best, best_width = candidate, width
    return best if best_width > 1 else widest


_IMPORT_ID = re.compile(r"""^\s*\{\s*["']ImportId["']""")
_MONKEY_SUBHEADERS = {"response", "open-ended response"}


def header_layout(first_rows: list[list[str]]) -> tuple[list[str], int]:
    """The headers of a file whose first records are ``first_rows``, and how many records
    they take.

    Qualtrics writes ids, then question text, then ImportId JSON (``{"ImportId":"QID2"}``;
    older exports ``{'ImportId': 'QID2'}``): the header is "id\x1ftext", and either part
    matches. SurveyMonkey writes the question over its first column, then a row of
    sub-answers (``Response``, ``Open-Ended Response``, or one option per column): an
    option column becomes ``Question [Option]``, the shape surveykit already reads as
    one column per option or a grid row.
    """
    headers = [" ".join(h.split()) for h in first_rows[0]]
    if len(first_rows) >= 3 and first_rows[2] and _IMPORT_ID.match(first_rows[2][0]):
        texts = [" ".join(h.split()) for h in first_rows[1]]
        return [f"{a}\x1f{b}" for a, b in zip(headers, texts, strict=False)], 3
    if len(first_rows) >= 2 and _is_monkey_subheader(first_rows[0], first_rows[1]):
        out: list[str] = []
        question = ""
        for head, sub in zip(headers, first_rows[1], strict=False):
            question = head or question
            sub = " ".join(sub.split())
            out.append(
                question
                if not sub or sub.casefold() in _MONKEY_SUBHEADERS
                else f"{question} [{sub}]"
            )
        return out, 2
    return headers, 1


def _is_monkey_subheader(first: list[str], second: list[str]) -> bool:
    """SurveyMonkey's second header row: blank under the metadata columns, ``Response`` or
    ``Open-Ended Response`` (or an option) under questions.

    A file of grids and option columns only has no ``Response``: there each column
    whose header is blank (the question sits over its first column only) has a row
    label or option under it, and so does the column it continues.
    """
    if not (
        len(second) == len(first)
        and bool(first)
        and first[0].strip() != ""
        and second[0].strip() == ""
    ):
        return False
    if any(" ".join(c.split()).casefold() in _MONKEY_SUBHEADERS for c in second):
        return True
    continued = [i for i, h in enumerate(first) if not h.strip()]
    return bool(continued) and all(second[i].strip() and second[i - 1].strip() for i in continued)


def read_table(path: Path, encoding: str | None, delimiter: str | None = None) -> Table:
    text, transcoded = _head(path, encoding, delimiter)
    if not text.strip():
        raise SurveyError("is empty: expected a header row and responses", file=path)
    delimiter = delimiter or sniff_delimiter(text)
    try:
        first_rows = list(_take(_CsvReader(text, delimiter), 3))
    except csv.Error as exc:
        raise SurveyError(f"cannot read the header: {exc}", file=path, line=1) from exc
    limit = max_columns()
    if len(first_rows[0]) > limit:
        raise SurveyError(
            f"has {len(first_rows[0]):,} columns, more than the limit of {limit:,} "
            f"(set {MAX_COLUMNS_ENV} to raise it)",
            file=path,
            line=1,
        )
    headers, header_rows = header_layout(first_rows)
    # Equal headers are fine until an item's column is one of them (ingest/columns.py).
    # pyarrow skips physical lines; a quoted line break in a question text makes the
    # header records span more lines than records.
    reader = _CsvReader(text, delimiter)
    for _ in range(header_rows):
        next(reader)
    header_lines = reader.line_num
    source = _OpenFile(path) if transcoded is None else io.BytesIO(transcoded)
    columns, rows, nul = _parse_body(
        source, len(headers), header_rows, header_lines, path, encoding, delimiter
    )
    if nul is not False:
        _refuse_nul(path, encoding, transcoded, header_rows, headers, delimiter)
    return Table(
        headers=headers,
        columns=columns,
        rows=rows,
        header_rows=header_rows,
        locate=Locator(path, encoding, header_rows, delimiter),
        delimiter=delimiter,
    )


class _OpenFile:
    """Marks a path for pyarrow to open itself (plain reads: no memory map, no decompression)."""

    def __init__(self, path: Path) -> None:
        self.path = path


def _parse_body(
    source: _OpenFile | io.BytesIO,
    width: int,
    skip: int,
    skip_lines: int,
    path: Path,
    encoding: str | None,
    delimiter: str = ",",
) -> tuple[list[Column], int, bool | None]:
    """Parse the records after the ``skip`` header records (``skip_lines`` physical lines).

    Also returns whether the file holds a NUL byte (None: not seen, look again).
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    bad: list[tuple[int | None, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.actual_columns, row.text))
        return "error"

    names = [f"c{i}" for i in range(width)]
    coded = pa.dictionary(pa.int32(), pa.string())

    def read(newlines_in_values: bool, stream, block_size: int):
        return pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=skip_lines, block_size=block_size
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=newlines_in_values,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, coded),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def open_source():
        if isinstance(source, _OpenFile):
            return pa.OSFile(str(source.path))
        source.seek(0)
        return source

    table = None
    nul: bool | None = None
    if width >= 2:
        # Fast path: split the file at line ends into small blocks parsed in parallel. It
        # is exact when no cell holds a line break, which the line count proves: one
        # record per line. A quoted line break would either join two lines into one record
        # (fewer records than lines) or, cut at a block edge, leave rows of the wrong width.
        counting = _CountingFile(source)
        try:
            table = read(False, counting, _FAST_BLOCK)
        except (pa.ArrowInvalid, pa.ArrowException):
            table = None
            counting.drain()  # pyarrow stopped early: count the quotes of the whole file
        finally:
            counting.close()
        nul = counting.nul
        if counting.quotes % 2:
            # An odd number of quote characters: some quoted cell runs to the end of the
            # file and would silently swallow the rows after it.
            line = _unclosed_quote_line(_decode(path, encoding), delimiter)
            raise SurveyError(
                f"a quoted cell starting on line {line} is never closed", file=path, line=line
            )
        if table is not None and (bad or counting.line_count() != table.num_rows + skip_lines):
            table = None
        bad.clear()
    try:
        if table is None:
            block = _BLOCK
            while True:
                try:
                    table = read(True, open_source(), block)
                    break
                except pa.ArrowInvalid as exc:
                    # A cell larger than a parse block "straddles" two blocks: retry with
                    # blocks big enough to hold it, up to the limit.
                    if "straddl" not in str(exc):
                        raise
                    if block >= MAX_CELL_BYTES:
                        raise SurveyError(
                            f"a cell is larger than {MAX_CELL_BYTES // 2**20} MiB, the limit "
                            "for one cell",
                            file=path,
                        ) from exc
                    bad.clear()
                    block = min(block * 4, MAX_CELL_BYTES)
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        if not bad and "UTF8" in str(exc):
            _decode(path, encoding)  # raises, naming the line of the first bad byte
        text = _decode(path, encoding)
        if bad:
            record, actual = _first_ragged(text, width, delimiter)
            row = record - skip + 1 if record is not None else None
            raise SurveyError(
                f"has {actual if record is not None else bad[0][1]} cells where the header has "
                f"{width}; " + _ragged_hint(text, width, delimiter),
                file=path,
                row=row,
                line=_line_of_record(text, record, delimiter) if record is not None else None,
            ) from exc
        raise SurveyError(f"cannot parse as CSV: {exc}", file=path) from exc
    table = table.unify_dictionaries()
    columns = [Column(table.column(name).chunks) for name in names]
    return columns, table.num_rows, nul


class _CountingFile(io.RawIOBase):
    """The CSV source as a raw stream for pyarrow, counting line feeds as it is read."""

    def __init__(self, source: _OpenFile | io.BytesIO) -> None:
        super().__init__()
        if isinstance(source, _OpenFile):
            self._file = source.path.open("rb", buffering=0)
        else:
            source.seek(0)
            self._file = source
        self._owned = isinstance(source, _OpenFile)
        self._lines = 0
        self._last = b""
        self.quotes = 0
        self.nul = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._file.readinto(buffer)
        if n:
            chunk = bytes(memoryview(buffer)[:n])
            self._lines += chunk.count(b"\n")
            self.quotes += chunk.count(b'"')
            self.nul = self.nul or b"\x00" in chunk
            self._last = chunk[-1:]
        return n

    def drain(self) -> None:
        """Read (and count) the rest of the file."""
        buffer = bytearray(1 << 20)
        while self.readinto(buffer):
            pass

    def close(self) -> None:
        if self._owned and not self._file.closed:
            self._file.close()
        super().close()

    def line_count(self) -> int:
        """Lines read: line feeds, plus one for a last line without a line end."""
        return self._lines + (1 if self._last not in (b"", b"\n") else 0)


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_DELIMITER_OPTION = {",": "','", ";": "';'", "\t": "tab"}


def _ragged_hint(text: str, width: int, delimiter: str) -> str:
    """What to do about a ragged row: another delimiter when the header splits wider by it."""
    header = next(iter(_CsvReader(text, delimiter)), [])
    line = delimiter.join(header)
    for other in DELIMITERS:
        if other != delimiter and len(line.split(other)) > width:
            return (
                f"the header splits into {len(line.split(other))} cells by "
                f"{_DELIMITER_NAMES[other]}s: if the file is {_DELIMITER_NAMES[other]}-"
                f"separated, run again with --delimiter {_DELIMITER_OPTION[other]}"
            )
    name = _DELIMITER_NAMES.get(delimiter, repr(delimiter))
    return f"the row is cut short or holds an unquoted {name}"


def _unclosed_quote_line(text: str, delimiter: str = ",") -> int:
    """The line on which the record holding an unclosed quote starts."""
    reader = csv.reader(io.StringIO(text), strict=True, delimiter=delimiter)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        pass
    return start


def _first_ragged(text: str, width: int, delimiter: str = ",") -> tuple[int | None, int]:
    """0-based record number and width of the first record whose width differs."""
    try:
        # Blank lines are not records (pyarrow skips them), so they are not counted.
        for i, record in enumerate(r for r in _CsvReader(text, delimiter) if r):
            if len(record) != width:
                return i, len(record)
    except csv.Error:
        pass
    return None, 0


class _CsvReader:
    """csv.reader over ``text`` that accepts cells of any size, as pyarrow does.

    The csv module refuses cells over 128 KiB by default; the limit is lifted only
    while this reader reads a record.
    """

    def __init__(self, text: str, delimiter: str = ",") -> None:
        self._reader = csv.reader(io.StringIO(text), delimiter=delimiter)

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        previous = csv.field_size_limit(sys.maxsize)
        try:
            return next(self._reader)
        finally:
            csv.field_size_limit(previous)

    @property
    def line_num(self) -> int:
        return self._reader.line_num


def _take(it, n):
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x


def _line_of_record(text: str, record: int, delimiter: str = ",") -> int:
    """1-based line on which 0-based CSV record ``record`` (header = 0) starts."""
    return _lines_of_records(text, [record], delimiter)[record]


def _lines_of_records(text: str, records: list[int], delimiter: str = ",") -> dict[int, int]:
    """1-based start line of each 0-based CSV record in ``records``, in one pass."""
    wanted = sorted(set(records))
    out: dict[int, int] = {}
    if not wanted:
        return out
    reader = _CsvReader(text, delimiter)
    line = 1
    k = 0
    i = -1
    for record in reader:
        if not record:  # a blank line: pyarrow skips it, so it is no record
            line = reader.line_num + 1
            continue
        i += 1
        while k < len(wanted) and wanted[k] == i:
            out[wanted[k]] = line
            k += 1
        if k == len(wanted):
            return out
        line = reader.line_num + 1
    for record in wanted[k:]:
        out[record] = line
    return out


class Locator:
    """Finds the file line of a response row, only when an error needs it.

    The file's text is read again on first use (error paths and short exclusion
    lists), so a clean run never holds it.
    """

    def __init__(
        self, path: Path, encoding: str | None, header_rows: int, delimiter: str = ","
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.header_rows = header_rows
        self.delimiter = delimiter
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _decode(self.path, self.encoding)
        return self._text

    def __call__(self, row: int) -> int:
        return self.many([row])[row]

    def many(self, rows: list[int]) -> dict[int, int]:
        """Lines of several 1-based response rows, with one pass over the file."""
        if not rows:
            return {}
        lines = _lines_of_records(
            self.text, [r + self.header_rows - 1 for r in rows], self.delimiter
        )
        return {r: lines[r + self.header_rows - 1] for r in rows}


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def display(header: str) -> str:
    """A header as the user sees it: Qualtrics' "Q2" + "Sex" rows as "Q2 (Sex)"."""
    if "\x1f" in header:
        column_id, text = header.split("\x1f", 1)
        return f"{column_id} ({text})" if text and text != column_id else column_id
    return header
