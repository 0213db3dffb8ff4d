"""Read a CSV export, match its columns to items, parse cells and apply exclusions.

Exports are taken as the form tools write them (Google Forms, Microsoft Forms,
Qualtrics' three header rows, UTF-8 with or without BOM, UTF-16, CRLF, quoted
newlines). Cells are parsed per distinct value, so a million rows with a few
hundred distinct answers cost a few hundred parses plus one vectorised map.

A UTF-8 file goes straight to pyarrow's multithreaded CSV reader, which checks
the UTF-8 and dictionary-encodes every column: each column is held as one small
integer code per row plus its distinct cell texts. Python never holds the file's
text, except on an error path that has to name a line (then the file is read
again). The input file is only ever read.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.questionnaire import OTHERS, ExcludeRule, Item, Questionnaire
from surveykit.stats.precision import exact_centre, needs_centring

_SEPARATORS = (";", ",")


@dataclass(frozen=True)
class Exclusion:
    """One dropped row: its response number (1 = first data record), rule and reason."""

    row: int
    rule: str
    reason: str
    line: int | None = None


@dataclass
class Responses:
    """Parsed, analysable responses with an audit of what happened to every row.

    ``data`` has one column per single, ordinal, number and text item, indexed by
    respondent id: choice items as categoricals of their labels (``Others`` for
    free text), numbers as floats, text as strings; NaN is missing or not
    applicable (see ``applicable``). Select-all items live in ``multi`` as a
    boolean frame per item, one column per label.
    """

    questionnaire: Questionnaire
    source: Path
    data: pd.DataFrame
    multi: dict[str, pd.DataFrame]
    other_text: dict[str, pd.Series]
    applicable: dict[str, pd.Series]
    answered: dict[str, pd.Series]
    received: int
    exclusions: list[Exclusion]
    notes: list[str] = field(default_factory=list)
    centred: dict[str, tuple[pd.Series, float]] = field(default_factory=dict)

    def numbers(self, item_id: str) -> tuple[pd.Series, float]:
        """A number item's values as (values − shift, shift).

        The shift is 0 except for data whose magnitude dwarfs their spread (NIST's
        1000000000000.4 vs .5), which were centred exactly on reading: statistics
        computed on the deviations keep digits that float64 would lose, and only
        location statistics (means, medians, extremes) need the shift added back.
        """
        if item_id in self.centred:
            return self.centred[item_id]
        return self.data[item_id], 0.0

    @property
    def analysed(self) -> int:
        """Number of respondents analysed."""
        return len(self.data)

    def scores(self, item_id: str) -> pd.Series:
        """Numeric values of an item: numbers as given, choices as their codes."""
        item = self.questionnaire.item(item_id)
        if item.type == "number":
            return self.data[item_id].astype(float)
        if item.type in ("single", "ordinal"):
            codes = {c.label: float(c.code) for c in item.choices}
            column = self.data[item_id]
            if not isinstance(column.dtype, pd.CategoricalDtype):
                return column.map(codes).astype(float)
            # One score per category (NaN for Others), then one take by category code.
            per_category = [codes.get(label, np.nan) for label in column.cat.categories]
            table = np.array([*per_category, np.nan], dtype=float)
            return pd.Series(table[column.cat.codes.to_numpy()], index=column.index, name=item_id)
        raise SurveyError(f"item {item_id!r} is a {item.type} item and has no numeric score")


def read_responses(
    path: str | Path, questionnaire: Questionnaire, *, encoding: str | None = None
) -> Responses:
    """Read ``path`` and return parsed responses; user errors raise SurveyError."""
    from surveykit import progress

    path = Path(path)
    big = _is_big(path)
    with progress.task(f"Reading {path.name}", None, big=big):
        table = _read_table(path, encoding)
    headers, header_lines = table.headers, table.header_rows
    received = table.rows
    notes: list[str] = []

    columns, split = _match_columns(questionnaire, headers, path)
    claimed = set(columns.values()) | {
        i for sp in split.values() for i in [*sp.options.values(), sp.other] if i is not None
    }
    ignored = [h for i, h in enumerate(headers) if i not in claimed and h.strip()]
    if questionnaire.respondent_id is not None:
        id_col = _find_header(questionnaire.respondent_id, headers)
        if id_col is None:
            raise SurveyError(
                f"respondent_id column {questionnaire.respondent_id!r} is not in the file"
                + _near(questionnaire.respondent_id, headers),
                file=path,
                line=1,
            )
        ignored = [h for h in ignored if h != headers[id_col]]
    if ignored:
        notes.append(
            f"{len(ignored)} column(s) not in the questionnaire were ignored: "
            + ", ".join(repr(_display(h)) for h in ignored[:8])
            + (" …" if len(ignored) > 8 else "")
        )

    locate = _Locator(path, encoding, header_lines)
    rows_index = pd.RangeIndex(received)
    data: dict[str, pd.Series] = {}
    multi: dict[str, pd.DataFrame] = {}
    other_text: dict[str, pd.Series] = {}
    answered: dict[str, pd.Series] = {}
    centred: dict[str, tuple[pd.Series, float]] = {}
    with progress.task("Parsing items", len(questionnaire.items), big=big) as bar:
        for item in questionnaire.items:
            if item.id in split:
                chosen, other, answered[item.id] = _parse_split_multi(
                    table, split[item.id], item, notes
                )
                multi[item.id] = chosen
                if item.other:
                    other_text[item.id] = other
                bar.advance()
                continue
            raw = table.column(columns[item.id])
            header = _display(headers[columns[item.id]])
            stripped = raw.stripped()
            answered[item.id] = pd.Series(
                raw.take(np.array([u != "" for u in stripped], dtype=bool)), index=rows_index
            )
            if item.type == "multi":
                chosen, other = _parse_multi(raw, item, header, locate)
                multi[item.id] = chosen
                if item.other:
                    other_text[item.id] = other
            elif item.type == "number":
                data[item.id], deviations = _parse_number(raw, item, header, locate)
                if deviations is not None:
                    centred[item.id] = deviations
            elif item.type == "text":
                texts = [u.replace("\r\n", "\n") if u != "" else None for u in stripped]
                data[item.id] = pd.Series(raw.take(_objects(texts)), index=rows_index)
            else:
                labels, other = _parse_choice(raw, item, header, locate)
                data[item.id] = labels
                if item.other:
                    other_text[item.id] = other
            bar.advance()
    parsed = pd.DataFrame(data, index=rows_index)

    applicable = _apply_show_if(questionnaire, parsed, multi, other_text, answered, notes)
    keep, exclusions = _apply_exclusions(
        questionnaire, parsed, multi, other_text, table, headers, columns, locate
    )
    everyone = bool(keep.all())
    # Not-applicable and missing values are missing among the deviations too.
    centred = {k: (dev.where(parsed[k].notna()), shift) for k, (dev, shift) in centred.items()}

    if not everyone:
        parsed = parsed.loc[keep]
    if questionnaire.respondent_id is not None:
        index = _respondent_index(table.column(id_col), keep, _display(headers[id_col]), locate)
    else:
        index = _numbered_index(len(parsed))

    def reindex(obj):
        if not everyone:
            obj = obj.loc[keep]
        obj.index = index
        return obj

    parsed.index = index
    return Responses(
        questionnaire=questionnaire,
        source=path,
        data=parsed,
        multi={k: reindex(v) for k, v in multi.items()},
        other_text={k: reindex(v) for k, v in other_text.items()},
        applicable={k: reindex(v) for k, v in applicable.items()},
        answered={k: reindex(v) for k, v in answered.items()},
        received=received,
        exclusions=exclusions,
        notes=notes,
        centred={k: (reindex(dev), shift) for k, (dev, shift) in centred.items()},
    )


def _is_big(path: Path) -> bool:
    """Worth a progress bar: a file of tens of megabytes (about 50,000 rows or more)."""
    try:
        return path.stat().st_size > 20_000_000
    except OSError:
        return False


def _objects(values: list) -> np.ndarray:
    """An object array holding exactly ``values`` (never a 2-D array of characters)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _numbered_index(n: int) -> pd.Index:
    """R1..Rn as a string index, built in Arrow rather than by a million f-strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    labels = pc.binary_join_element_wise("R", numbers, "")
    return pd.Index(pd.array(labels, dtype="str"), name="respondent")


def _respondent_index(raw: _Column, keep: pd.Series, header: str, locate: _Locator) -> pd.Index:
    kept_rows = np.flatnonzero(keep.to_numpy())
    keys, distinct = pd.factorize(pd.Index(raw.stripped(), dtype=object))
    blank = np.asarray(distinct == "", dtype=bool)
    ids = keys[raw.codes[kept_rows]]
    counts = np.bincount(ids, minlength=len(distinct))
    bad = np.flatnonzero(blank[ids] | (counts[ids] > 1))
    if len(bad):
        value = distinct[ids[bad[0]]]
        row = int(kept_rows[bad[0]]) + 1
        problem = "is blank" if value == "" else f"{value!r} is not unique"
        raise SurveyError(
            f"respondent id {problem}", file=locate.path, row=row, line=locate(row), column=header
        )
    return pd.Index(_objects(list(distinct))[ids], name="respondent")


# --- reading -----------------------------------------------------------------


class _Column:
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
        return pd.Series(_objects(self.uniques)[self.codes], dtype=object)


@dataclass
class _Table:
    headers: list[str]
    columns: list[_Column]  # positional, one per header
    rows: int
    header_rows: int

    def column(self, index: int) -> _Column:
        return self.columns[index]


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


def _head(path: Path, encoding: str | None) -> tuple[str, bytes | None]:
    """Enough decoded text for the header rows, and the UTF-8 bytes of the whole file when
    it had to be transcoded (None: pyarrow reads the file itself, as UTF-8).

    A plain UTF-8 file is never decoded whole: its first bytes are enough for the header,
    and pyarrow checks the rest. Other encodings are decoded in full, as before.
    """
    limit = _HEAD_BYTES
    while True:
        raw, whole = _read_bytes(path, limit)
        if encoding or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
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
            if len(list(_take(_CsvReader(text), 4))) >= 4:
                return text, None
        except csv.Error:
            pass
        limit *= 4


def _read_table(path: Path, encoding: str | None) -> _Table:
    text, transcoded = _head(path, encoding)
    if not text.strip():
        raise SurveyError("is empty: expected a header row and responses", file=path)
    try:
        first_rows = list(_take(_CsvReader(text), 3))
    except csv.Error as exc:
        raise SurveyError(f"cannot read the header: {exc}", file=path, line=1) from exc
    headers = [" ".join(h.split()) for h in first_rows[0]]
    header_rows = 1
    # Qualtrics writes ids, then question text, then ImportId JSON before the data.
    if (
        len(first_rows) >= 3
        and first_rows[2]
        and first_rows[2][0].lstrip().startswith('{"ImportId')
    ):
        header_rows = 3
        texts = [" ".join(h.split()) for h in first_rows[1]]
        headers = [f"{a}\x1f{b}" for a, b in zip(headers, texts, strict=False)]
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        key = _norm(h)
        if key and key in seen:
            raise SurveyError(
                f"header {_display(h)!r} appears twice (columns {seen[key] + 1} and "
                f"{i + 1}); rename one, or give the items distinct 'column:' aliases",
                file=path,
                line=1,
            )
        seen[key] = i
    # pyarrow skips physical lines; a quoted line break in a question text makes the
    # header records span more lines than records.
    reader = _CsvReader(text)
    for _ in range(header_rows):
        next(reader)
    header_lines = reader.line_num
    source = _OpenFile(path) if transcoded is None else io.BytesIO(transcoded)
    columns, rows = _parse_body(source, len(headers), header_rows, header_lines, path, encoding)
    return _Table(headers=headers, columns=columns, rows=rows, header_rows=header_rows)


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
) -> tuple[list[_Column], int]:
    """Parse the records after the ``skip`` header records (``skip_lines`` physical lines)."""
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
                newlines_in_values=newlines_in_values, invalid_row_handler=on_invalid
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
        finally:
            counting.close()
        if counting.quotes % 2:
            # An odd number of quote characters: some quoted cell runs to the end of the
            # file and would silently swallow the rows after it.
            line = _unclosed_quote_line(_decode(path, encoding))
            raise SurveyError(
                f"a quoted cell starting on line {line} is never closed", file=path, line=line
            )
        if table is not None and (bad or counting.line_count() != table.num_rows + skip_lines):
            table = None
        bad.clear()
    try:
        if table is None:
            table = read(True, open_source(), _BLOCK)
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        if not bad and "UTF8" in str(exc):
            _decode(path, encoding)  # raises, naming the line of the first bad byte
        text = _decode(path, encoding)
        if bad:
            record, actual = _first_ragged(text, width)
            row = record - skip + 1 if record is not None else None
            raise SurveyError(
                f"has {actual if record is not None else bad[0][1]} cells where the header has "
                f"{width}; the row is cut short or holds an unquoted comma",
                file=path,
                row=row,
                line=_line_of_record(text, record) if record is not None else None,
            ) from exc
        raise SurveyError(f"cannot parse as CSV: {exc}", file=path) from exc
    table = table.unify_dictionaries()
    columns = [_Column(table.column(name).chunks) for name in names]
    return columns, table.num_rows


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

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._file.readinto(buffer)
        if n:
            chunk = bytes(memoryview(buffer)[:n])
            self._lines += chunk.count(b"\n")
            self.quotes += chunk.count(b'"')
            self._last = chunk[-1:]
        return n

    def close(self) -> None:
        if self._owned and not self._file.closed:
            self._file.close()
        super().close()

    def line_count(self) -> int:
        """Lines read: line feeds, plus one for a last line without a line end."""
        return self._lines + (1 if self._last not in (b"", b"\n") else 0)


def _unclosed_quote_line(text: str) -> int:
    """The line on which the record holding an unclosed quote starts."""
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        pass
    return start


def _first_ragged(text: str, width: int) -> tuple[int | None, int]:
    """0-based record number and width of the first record whose width differs."""
    try:
        # Blank lines are not records (pyarrow skips them), so they are not counted.
        for i, record in enumerate(r for r in _CsvReader(text) if r):
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

    def __init__(self, text: str) -> None:
        self._reader = csv.reader(io.StringIO(text))

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


def _line_of_record(text: str, record: int) -> int:
    """1-based line on which 0-based CSV record ``record`` (header = 0) starts."""
    return _lines_of_records(text, [record])[record]


def _lines_of_records(text: str, records: list[int]) -> dict[int, int]:
    """1-based start line of each 0-based CSV record in ``records``, in one pass."""
    wanted = sorted(set(records))
    out: dict[int, int] = {}
    if not wanted:
        return out
    reader = _CsvReader(text)
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


class _Locator:
    """Finds the file line of a response row, only when an error needs it.

    The file's text is read again on first use (error paths and short exclusion
    lists), so a clean run never holds it.
    """

    def __init__(self, path: Path, encoding: str | None, header_rows: int) -> None:
        self.path = path
        self.encoding = encoding
        self.header_rows = header_rows
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
        lines = _lines_of_records(self.text, [r + self.header_rows - 1 for r in rows])
        return {r: lines[r + self.header_rows - 1] for r in rows}


# --- columns -----------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_header(name: str, headers: list[str]) -> int | None:
    key = _norm(name)
    for i, h in enumerate(headers):
        if key in (_norm(p) for p in h.split("\x1f")):
            return i
    return None


@dataclass(frozen=True)
class _Split:
    """A select-all item exported as one column per option (LimeSurvey, Kobo, REDCap)."""

    options: dict[str, int]  # choice label → column
    other: int | None = None  # column holding the typed "other" text


# "Base [key]" (LimeSurvey, Google grids), "base/key" (Kobo), "base___key" (REDCap).
_OPTION_HEADER = re.compile(r"^(?P<base>.+?)\s*(?:\[(?P<a>[^\]]*)\]|/(?P<b>[^/]+)|___(?P<c>.+))$")
_OTHER_KEYS = {"other", "other text", "other_text", "others", "other (please specify)"}
# Cell values that mean "not ticked" in one-column-per-option exports.
_UNTICKED = {"", "0", "n", "no", "false", "not selected", "unchecked"}


def _match_columns(
    questionnaire: Questionnaire, headers: list[str], path: Path
) -> tuple[dict[str, int], dict[str, _Split]]:
    """Each item's column; select-all items may instead own one column per option."""
    by_key: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        for part in h.split("\x1f"):
            if i not in by_key.setdefault(_norm(part), []):
                by_key[_norm(part)].append(i)
    out: dict[str, int] = {}
    split: dict[str, _Split] = {}
    owner: dict[int, str] = {}
    for item in questionnaire.items:
        found = None
        for candidate in (*item.columns, item.id, item.text):
            hits = by_key.get(_norm(candidate), [])
            if len(hits) > 1:
                # Qualtrics repeats question text across columns (ids differ).
                names = " and ".join(repr(_display(headers[i])) for i in hits[:3])
                raise SurveyError(
                    f"item {item.id!r} matches columns {names} by {candidate!r}; "
                    "give it a 'column:' alias naming the one you mean",
                    file=path,
                    line=1,
                )
            if hits:
                found = hits[0]
                break
        if found is None and item.type == "multi":
            options = _option_columns(item, headers, path)
            if options is not None:
                for idx in [*options.options.values(), options.other]:
                    if idx is not None and idx in owner:
                        raise SurveyError(
                            f"items {owner[idx]!r} and {item.id!r} both match column "
                            f"{_display(headers[idx])!r}; give one a 'column:' alias",
                            file=path, line=1,
                        )  # fmt: skip
                    if idx is not None:
                        owner[idx] = item.id
                split[item.id] = options
                continue
        if found is None:
            raise SurveyError(
                f"no column for item {item.id!r} (looked for its id, its text {item.text!r}"
                + (f" and aliases {list(item.columns)}" if item.columns else "")
                + ")"
                + _near(item.text, headers, item.id),
                file=path,
                line=1,
            )
        if found in owner:
            raise SurveyError(
                f"items {owner[found]!r} and {item.id!r} both match column "
                f"{_display(headers[found])!r}; give one a 'column:' alias",
                file=path,
                line=1,
            )
        owner[found] = item.id
        out[item.id] = found
    return out, split


def _option_columns(item: Item, headers: list[str], path: Path) -> _Split | None:
    """The per-option columns of select-all ``item``, if the export has them."""
    bases = {_norm(b) for b in (*item.columns, item.id, item.text)}
    keys: dict[str, str] = {}
    for position, choice in enumerate(item.choices, start=1):
        code = _code_text(choice.code)
        for key in (
            choice.label,
            code,
            f"sq{int(choice.code):03d}" if float(choice.code).is_integer() else code,
            f"sq{position:03d}",
        ):
            keys.setdefault(_norm(key), choice.label)
    options: dict[str, int] = {}
    other: int | None = None
    for i, header in enumerate(headers):
        for part in header.split("\x1f"):
            match = _OPTION_HEADER.match(part.strip())
            if not match or _norm(match["base"]) not in bases:
                continue
            key = _norm(match["a"] or match["b"] or match["c"] or "")
            if key in keys:
                options.setdefault(keys[key], i)
            elif key in _OTHER_KEYS and item.other:
                other = i
            else:
                raise SurveyError(
                    f"column {part!r} looks like an option of select-all item {item.id!r}, but "
                    f"{key!r} is none of its choices: " + ", ".join(repr(x) for x in item.labels),
                    file=path,
                    line=1,
                )
            break
    return _Split(options, other) if options or other is not None else None


def _display(header: str) -> str:
    """A header as the user sees it: Qualtrics' "Q2" + "Sex" rows as "Q2 (Sex)"."""
    if "\x1f" in header:
        column_id, text = header.split("\x1f", 1)
        return f"{column_id} ({text})" if text and text != column_id else column_id
    return header


def _near(text: str, headers: list[str], *more: str) -> str:
    """'; near matches: ...' naming the headers most like ``text`` (or containing ``more``)."""
    flat = [p for h in headers for p in h.split("\x1f") if p]
    scored = []
    for header in flat:
        h = _norm(header)
        score = difflib.SequenceMatcher(None, _norm(text), h).ratio()
        if any(re.search(rf"\b{re.escape(_norm(m))}\b", h) for m in more if m):
            score += 0.5
        if score >= 0.45:
            scored.append((-score, header))
    close = [h for _, h in sorted(scored)[:3]]
    return f"; near matches: {', '.join(repr(c) for c in close)}" if close else ""


# --- cells -------------------------------------------------------------------


def _parse_number(
    raw: _Column, item: Item, header: str, locate: _Locator
) -> tuple[pd.Series, tuple[pd.Series, float] | None]:
    """The item's values, and (deviations, shift) when they had to be centred exactly."""
    stripped = raw.stripped()
    texts = _objects([u if u != "" else None for u in stripped])
    numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    unique_values = numbers.to_numpy(dtype=float, na_value=np.nan)
    # "inf", "-Infinity" and 1e400 parse as floats but are not answers anyone gave.
    bad = [i for i, u in enumerate(stripped) if u != "" and not np.isfinite(unique_values[i])]
    if bad:
        row = raw.first_row(bad)
        raise SurveyError(
            f"{raw.uniques[raw.codes[row - 1]].strip()!r} is not a number (item {item.id!r})",
            row=row, line=locate(row), column=header, file=locate.path,
        )  # fmt: skip
    with np.errstate(invalid="ignore"):
        for bound, outside in (
            (item.min, unique_values < (item.min or 0)),
            (item.max, unique_values > (item.max or 0)),
        ):
            if bound is None or not outside.any():
                continue
            row = raw.first_row(np.flatnonzero(outside))
            raise SurveyError(
                f"{stripped[raw.codes[row - 1]]!r} is outside the allowed range "
                f"{_fmt(item.min)}–{_fmt(item.max)} of item {item.id!r}",
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
    index = pd.RangeIndex(len(raw))
    values = pd.Series(raw.take(unique_values), index=index, dtype=float)
    present = ~np.isnan(unique_values)
    if not needs_centring(unique_values[present]):
        return values, None
    # float64 has dropped the digits that differ between these values: re-read the
    # distinct texts as exact decimals and subtract one of them before converting.
    deviations, shift = exact_centre([u for u, ok in zip(stripped, present, strict=True) if ok])
    per_unique = np.full(len(unique_values), np.nan)
    per_unique[present] = deviations
    return values, (pd.Series(raw.take(per_unique), index=index, dtype=float), float(shift))


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _parse_choice(
    raw: _Column, item: Item, header: str, locate: _Locator
) -> tuple[pd.Series, pd.Series | None]:
    categories = item.labels + ([OTHERS] if item.other else [])
    position = {label: i for i, label in enumerate(categories)}
    lookup: dict[str, int] = {}
    for c in item.choices:
        lookup[_norm(c.label)] = position[c.label]
    for c in item.choices:
        lookup.setdefault(_norm(_code_text(c.code)), position[c.label])
    codes = np.empty(len(raw.uniques), dtype=np.int16 if len(categories) < 32000 else np.int32)
    for i, value in enumerate(raw.uniques):
        key = _norm(value)
        if key == "":
            codes[i] = -1
        elif key in lookup:
            codes[i] = lookup[key]
        elif item.other:
            codes[i] = position[OTHERS]
        else:
            row = raw.first_row([i])
            raise SurveyError(
                f"{value!r} is not a choice of item {item.id!r}; choices are "
                + ", ".join(repr(x) for x in item.labels)
                + _near(value, item.labels),
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
    index = pd.RangeIndex(len(raw))
    labels = pd.Categorical.from_codes(
        raw.take(codes), categories=categories, ordered=item.type == "ordinal"
    )
    labels = pd.Series(labels, index=index)
    other = None
    if item.other:
        others = codes == position[OTHERS]
        texts = _objects([u if o else None for u, o in zip(raw.stripped(), others, strict=True)])
        other = pd.Series(raw.take(texts), index=index, dtype=object)
    return labels, other


def _code_text(code: float) -> str:
    return str(int(code)) if float(code).is_integer() else str(code)


def split_multi(cell: str, labels: list[str]) -> tuple[list[str], str]:
    """Split a select-all cell into known labels and leftover free text.

    Known labels are matched longest first at each position, so labels that
    contain the separator ("Reach out to clients, especially ...") stay whole;
    text between matches is the respondent's "other" answer.
    """
    ordered = sorted(((_norm(x), x) for x in labels), key=lambda p: -len(p[0]))
    text = cell.strip()
    low = text.casefold()
    chosen: list[str] = []
    other: list[str] = []
    pending_start: int | None = None
    i = 0
    at_boundary = True
    while i < len(text):
        if text[i] in _SEPARATORS:
            i += 1
            at_boundary = True
            continue
        if text[i].isspace():
            # A label starts only at the cell's start or after a separator: "Transport
            # cost" is free text, not the choice "Cost" after a space.
            i += 1
            continue
        hit = None
        if at_boundary:
            for key, label in ordered:
                end = i + len(key)
                if low.startswith(key, i) and (end == len(text) or _sep_follows(text, end)):
                    hit = (label, end)
                    break
        if hit:
            if pending_start is not None:
                other.append(text[pending_start:i])
                pending_start = None
            if hit[0] not in chosen:
                chosen.append(hit[0])
            i = hit[1]
        else:
            if pending_start is None:
                pending_start = i
            i += 1
            at_boundary = False
    if pending_start is not None:
        other.append(text[pending_start:])
    leftover = "; ".join(s.strip(" ,;") for s in other if s.strip(" ,;"))
    return chosen, leftover


def _sep_follows(text: str, end: int) -> bool:
    rest = text[end:].lstrip(" ")
    return rest == "" or rest[0] in _SEPARATORS


def _parse_multi(
    raw: _Column, item: Item, header: str, locate: _Locator
) -> tuple[pd.DataFrame, pd.Series]:
    labels = item.labels
    columns = labels + ([OTHERS] if item.other else [])
    flags_of: list[list[bool]] = []
    leftovers: list[str | None] = []
    by_code = {_code_text(c.code): c.label for c in item.choices}
    label_keys = {_norm(x) for x in labels}
    for i, value in enumerate(raw.uniques):
        tokens = [t.strip() for t in re.split(r"[,;]", value) if t.strip()]
        if (
            tokens
            and all(t in by_code for t in tokens)
            and not any(_norm(t) in label_keys for t in tokens)
        ):
            # Qualtrics' numeric export: the chosen codes joined with commas ("5,7").
            chosen, leftover = [by_code[t] for t in tokens], ""
        else:
            chosen, leftover = split_multi(value, labels)
        flags = [label in chosen for label in labels]
        if item.other:
            flags.append(bool(leftover))
        elif leftover:
            # Without other: true an unknown answer cannot be counted anywhere.
            row = raw.first_row([i])
            raise SurveyError(
                f"{leftover!r} is not a choice of item {item.id!r} (set 'other: true' to keep "
                "free-text answers); choices are " + ", ".join(repr(x) for x in labels),
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
        flags_of.append(flags)
        leftovers.append(leftover or None)
    index = pd.RangeIndex(len(raw))
    matrix = np.array(flags_of, dtype=bool).reshape(len(raw.uniques), len(columns))
    chosen = pd.DataFrame(matrix[raw.codes], index=index, columns=columns)
    other = pd.Series(raw.take(_objects(leftovers)), index=index, dtype=object)
    return chosen, other


def _parse_split_multi(
    table: _Table, split: _Split, item: Item, notes: list[str]
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Ticks from one column per option (any value but blank/0/N/No/FALSE counts)."""
    index = pd.RangeIndex(table.rows)
    answered = np.zeros(table.rows, dtype=bool)
    flags: dict[str, np.ndarray] = {}
    missing_options: list[str] = []
    for label in item.labels:
        if label not in split.options:
            flags[label] = np.zeros(table.rows, dtype=bool)  # an option nobody could tick
            missing_options.append(label)
            continue
        raw = table.column(split.options[label])
        stripped = raw.stripped()
        flags[label] = raw.take(np.array([_norm(u) not in _UNTICKED for u in stripped], dtype=bool))
        answered |= raw.take(np.array([u != "" for u in stripped], dtype=bool))
    other = pd.Series(None, index=index, dtype=object)
    if item.other:
        if split.other is not None:
            raw = table.column(split.other)
            texts = [u if u != "" else None for u in raw.stripped()]
            other = pd.Series(raw.take(_objects(texts)), index=index, dtype=object)
            answered |= other.notna().to_numpy()
        flags[OTHERS] = other.notna().to_numpy()
    if missing_options:
        notes.append(
            f"select-all item {item.id!r} has no column for "
            + ", ".join(repr(x) for x in missing_options)
            + "; counted as chosen by nobody"
        )
    return pd.DataFrame(flags, index=index), other, pd.Series(answered, index=index)


# --- rules -------------------------------------------------------------------


def _lookups(
    parsed: pd.DataFrame, multi: dict[str, pd.DataFrame], other_text: dict[str, pd.Series]
):
    def values(item_id: str) -> pd.Series:
        series = parsed[item_id]
        if item_id in other_text:
            # Lets `profession == "Retired nurse"` match a typed "other" answer.
            series = series.copy()
            series.attrs["other_text"] = other_text[item_id]
        return series

    def chosen(item_id: str, label: str) -> pd.Series:
        frame = multi[item_id]
        if label not in frame.columns:
            raise SurveyError(
                f"{label!r} is not a choice of {item_id!r}; choices are "
                + ", ".join(repr(c) for c in frame.columns)
            )
        return frame[label]

    return values, chosen


def _apply_show_if(
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    multi: dict[str, pd.DataFrame],
    other_text: dict[str, pd.Series],
    answered: dict[str, pd.Series],
    notes: list[str],
) -> dict[str, pd.Series]:
    values, chosen = _lookups(parsed, multi, other_text)
    applicable: dict[str, pd.Series] = {}
    for item in _in_dependency_order(questionnaire):
        if item.show_if is None:
            continue
        try:
            shown = item.show_if.evaluate(values, chosen, multi)
        except SurveyError as exc:
            exc.file, exc.line = exc.file or questionnaire.path, exc.line or item.line
            raise
        # A question hidden because its gate was not applicable is hidden too.
        for dep in item.show_if.names:
            if dep in applicable:
                shown &= applicable[dep]
        applicable[item.id] = shown
        stray = answered[item.id] & ~shown
        if stray.any():
            notes.append(
                f"{int(stray.sum())} answer(s) to {item.id!r} were given where its show_if "
                f"({item.show_if.source}) is false; treated as not applicable"
            )
        if item.type == "multi":
            multi[item.id] = multi[item.id].where(shown, False)
        else:
            parsed[item.id] = parsed[item.id].where(shown)
    return applicable


def _in_dependency_order(questionnaire: Questionnaire) -> list[Item]:
    done: set[str] = set()
    order: list[Item] = []

    def visit(item: Item) -> None:
        if item.id in done:
            return
        done.add(item.id)
        for dep in sorted(item.show_if.names) if item.show_if else []:
            visit(questionnaire.item(dep))
        order.append(item)

    for item in questionnaire.items:
        visit(item)
    return order


def _apply_exclusions(
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    multi: dict[str, pd.DataFrame],
    other_text: dict[str, pd.Series],
    table: _Table,
    headers: list[str],
    item_columns: dict[str, int],
    locate: _Locator,
) -> tuple[pd.Series, list[Exclusion]]:
    keep = pd.Series(True, index=parsed.index)
    dropped: dict[int, Exclusion] = {}
    values, chosen = _lookups(parsed, multi, other_text)
    for rule in questionnaire.exclude:
        try:
            hit = _rule_mask(
                rule,
                questionnaire,
                parsed,
                values,
                chosen,
                multi,
                table,
                headers,
                item_columns,
                keep,
            )
        except SurveyError as exc:
            exc.file, exc.line = exc.file or questionnaire.path, exc.line or rule.line
            raise
        hit &= keep
        for idx in np.flatnonzero(hit.to_numpy()):
            dropped[int(idx)] = Exclusion(row=int(idx) + 1, rule=rule.rule, reason=rule.reason)
        keep &= ~hit
    exclusions = [dropped[k] for k in sorted(dropped)]
    if len(exclusions) <= 1000:
        lines = locate.many([e.row for e in exclusions])
        exclusions = [
            Exclusion(row=e.row, rule=e.rule, reason=e.reason, line=lines[e.row])
            for e in exclusions
        ]
    return keep, exclusions


def _key_codes(texts: list[str], codes: np.ndarray) -> np.ndarray:
    """Per-row integer key of the normalised (stripped, casefolded) texts; -1 for blank."""
    keys = [t.strip().casefold() for t in texts]
    key_codes, distinct = pd.factorize(pd.Index(_objects(keys), dtype=object))
    blank = np.flatnonzero(np.asarray(distinct == "", dtype=bool))
    key_codes = key_codes.astype(np.int64)
    if len(blank):
        key_codes[key_codes == blank[0]] = -1
    return key_codes[codes]


def _rule_mask(
    rule: ExcludeRule,
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    values,
    chosen,
    multi: dict[str, pd.DataFrame],
    table: _Table,
    headers: list[str],
    item_columns: dict[str, int],
    keep: pd.Series,
) -> pd.Series:
    if rule.rule == "where":
        assert rule.expr is not None
        return rule.expr.evaluate(values, chosen, multi)
    keys = []
    for name in rule.columns:
        if questionnaire.has(name) and name in parsed.columns:
            # Normalise each distinct value once, then compare integer keys.
            column = parsed[name].astype(object)
            typed = values(name).attrs.get("other_text")
            if typed is not None:
                # Two different typed "other" answers are different answers, not "Others".
                column = column.where(column != OTHERS, "\x00" + typed.astype(object).fillna(""))
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            texts = ["" if v is None or v != v else str(v) for v in uniques]
            per_row = _key_codes([*texts, ""], np.where(codes < 0, len(texts), codes))
            keys.append(per_row)
            continue
        # Select-all and other items without a parsed column compare their raw cells.
        if questionnaire.has(name) and name not in item_columns:
            raise SurveyError(
                f"duplicate rule names {name!r}, a select-all item exported as one column per "
                "option; name an item with a single column"
            )
        idx = item_columns[name] if questionnaire.has(name) else _find_header(name, headers)
        if idx is None:
            raise SurveyError(
                f"duplicate rule (line {rule.line}) names {name!r}, which is neither an item id "
                "nor a column" + _near(name, headers),
                file=questionnaire.path,
                line=rule.line,
            )
        column = table.column(idx)
        keys.append(_key_codes(column.uniques, column.codes))
    key_frame = pd.DataFrame(np.column_stack(keys), index=parsed.index)
    blank = (key_frame == -1).all(axis=1)
    candidates = keep & ~blank
    dup = pd.Series(False, index=parsed.index)
    dup[candidates] = key_frame[candidates].duplicated(keep=rule.keep)
    return dup
