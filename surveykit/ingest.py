"""Read a CSV export, match its columns to items, parse cells and apply exclusions.

Exports are taken as the form tools write them (Google Forms, Microsoft Forms,
Qualtrics' three header rows, UTF-8 with or without BOM, UTF-16, CRLF, quoted
newlines). Cells are parsed per distinct value, so a million rows with a few
hundred distinct answers cost a few hundred parses plus one vectorised map.
The input file is only ever read.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.questionnaire import OTHERS, ExcludeRule, Item, Questionnaire

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
            return self.data[item_id].map(codes).astype(float)
        raise SurveyError(f"item {item_id!r} is a {item.type} item and has no numeric score")


def read_responses(
    path: str | Path, questionnaire: Questionnaire, *, encoding: str | None = None
) -> Responses:
    """Read ``path`` and return parsed responses; user errors raise SurveyError."""
    path = Path(path)
    table = _read_table(path, encoding)
    headers, frame, header_lines = table.headers, table.frame, table.header_rows
    received = len(frame)
    notes: list[str] = []

    columns = _match_columns(questionnaire, headers, path)
    claimed = set(columns.values())
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
            + ", ".join(repr(h) for h in ignored[:8])
            + (" …" if len(ignored) > 8 else "")
        )

    locate = _Locator(path, table, header_lines)
    data: dict[str, pd.Series] = {}
    multi: dict[str, pd.DataFrame] = {}
    other_text: dict[str, pd.Series] = {}
    answered: dict[str, pd.Series] = {}
    for item in questionnaire.items:
        raw = frame.iloc[:, columns[item.id]]
        header = headers[columns[item.id]]
        answered[item.id] = raw.str.strip() != ""
        if item.type == "multi":
            chosen, other = _parse_multi(raw, item, header, locate)
            multi[item.id] = chosen
            if item.other:
                other_text[item.id] = other
        elif item.type == "number":
            data[item.id] = _parse_number(raw, item, header, locate)
        elif item.type == "text":
            stripped = raw.str.strip().str.replace("\r\n", "\n", regex=False)
            data[item.id] = stripped.where(stripped != "", None)
        else:
            labels, other = _parse_choice(raw, item, header, locate)
            data[item.id] = labels
            if item.other:
                other_text[item.id] = other
    parsed = pd.DataFrame(data, index=frame.index)

    applicable = _apply_show_if(questionnaire, parsed, multi, answered, notes)
    keep, exclusions = _apply_exclusions(questionnaire, parsed, multi, frame, headers, locate)

    parsed = parsed.loc[keep]
    if questionnaire.respondent_id is not None:
        ids = frame.iloc[:, id_col].loc[keep].str.strip()
        bad = ids[(ids == "") | ids.duplicated(keep=False)]
        if len(bad):
            row = int(bad.index[0]) + 1
            problem = "is blank" if bad.iloc[0] == "" else f"{bad.iloc[0]!r} is not unique"
            raise SurveyError(
                f"respondent id {problem}", file=path, row=row, line=locate(row),
                column=headers[id_col],
            )  # fmt: skip
        index = pd.Index(ids.to_numpy(), name="respondent")
    else:
        index = pd.Index([f"R{i}" for i in range(1, len(parsed) + 1)], name="respondent")

    def reindex(obj):
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
    )


# --- reading -----------------------------------------------------------------


@dataclass
class _Table:
    headers: list[str]
    frame: pd.DataFrame  # all cells as str, "" for empty; columns positional
    header_rows: int
    text: str


def _decode(path: Path, encoding: str | None) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SurveyError("file not found", file=path) from exc
    except IsADirectoryError as exc:
        raise SurveyError("is a folder, not a CSV file", file=path) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=path) from exc
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


def _read_table(path: Path, encoding: str | None) -> _Table:
    text = _decode(path, encoding)
    if not text.strip():
        raise SurveyError("is empty: expected a header row and responses", file=path)
    try:
        first_rows = list(_take(csv.reader(io.StringIO(text)), 3))
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
                f"header {h.split(chr(31))[-1]!r} appears twice (columns {seen[key] + 1} and "
                f"{i + 1}); rename one, or give the items distinct 'column:' aliases",
                file=path,
                line=1,
            )
        seen[key] = i
    frame = _parse_body(text, len(headers), header_rows, path)
    return _Table(headers=headers, frame=frame, header_rows=header_rows, text=text)


def _parse_body(text: str, width: int, skip: int, path: Path) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    bad: list[tuple[int | None, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.actual_columns, row.text))
        return "error"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
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
    frame = table.to_pandas(types_mapper=None)
    frame = frame.astype(object) if len(frame) == 0 else frame
    return frame.apply(lambda s: s.astype(str)) if frame.dtypes.ne(object).any() else frame


def _first_ragged(text: str, width: int) -> tuple[int | None, int]:
    """0-based record number and width of the first record whose width differs."""
    try:
        for i, record in enumerate(csv.reader(io.StringIO(text))):
            if len(record) != width and record:
                return i, len(record)
    except csv.Error:
        pass
    return None, 0


def _take(it, n):
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x


def _line_of_record(text: str, record: int) -> int:
    """1-based line on which 0-based CSV record ``record`` (header = 0) starts."""
    reader = csv.reader(io.StringIO(text))
    line = 1
    for i, _ in enumerate(reader):
        if i == record:
            return line
        line = reader.line_num + 1
    return line


class _Locator:
    """Finds the file line of a response row, only when an error needs it."""

    def __init__(self, path: Path, table: _Table, header_rows: int) -> None:
        self.path = path
        self.text = table.text
        self.header_rows = header_rows

    def __call__(self, row: int) -> int:
        return _line_of_record(self.text, row + self.header_rows - 1)


# --- columns -----------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_header(name: str, headers: list[str]) -> int | None:
    key = _norm(name)
    for i, h in enumerate(headers):
        if key in (_norm(p) for p in h.split("\x1f")):
            return i
    return None


def _match_columns(questionnaire: Questionnaire, headers: list[str], path: Path) -> dict[str, int]:
    by_key: dict[str, int] = {}
    for i, h in enumerate(headers):
        for part in h.split("\x1f"):
            by_key.setdefault(_norm(part), i)
    out: dict[str, int] = {}
    owner: dict[int, str] = {}
    for item in questionnaire.items:
        found = None
        for candidate in (*item.columns, item.id, item.text):
            if _norm(candidate) in by_key:
                found = by_key[_norm(candidate)]
                break
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
                f"{headers[found].split(chr(31))[-1]!r}; give one a 'column:' alias",
                file=path,
                line=1,
            )
        owner[found] = item.id
        out[item.id] = found
    return out


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


def _parse_number(raw: pd.Series, item: Item, header: str, locate: _Locator) -> pd.Series:
    stripped = raw.str.strip()
    values = pd.to_numeric(stripped.where(stripped != "", None), errors="coerce")
    bad = stripped[(stripped != "") & values.isna()]
    if len(bad):
        row = int(bad.index[0]) + 1
        raise SurveyError(
            f"{bad.iloc[0]!r} is not a number (item {item.id!r})",
            row=row, line=locate(row), column=header, file=locate.path,
        )  # fmt: skip
    values = values.astype(float)
    for bound, outside in (
        (item.min, values < (item.min or 0)),
        (item.max, values > (item.max or 0)),
    ):
        if bound is None:
            continue
        hit = values[outside.fillna(False)]
        if len(hit):
            row = int(hit.index[0]) + 1
            raise SurveyError(
                f"{stripped.loc[hit.index[0]]!r} is outside the allowed range "
                f"{_fmt(item.min)}–{_fmt(item.max)} of item {item.id!r}",
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
    return values


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _parse_choice(
    raw: pd.Series, item: Item, header: str, locate: _Locator
) -> tuple[pd.Series, pd.Series]:
    lookup: dict[str, str] = {}
    for c in item.choices:
        lookup[_norm(c.label)] = c.label
    for c in item.choices:
        lookup.setdefault(_norm(_code_text(c.code)), c.label)
    uniques = raw.unique()
    mapping: dict[str, object] = {}
    for value in uniques:
        key = _norm(value)
        if key == "":
            mapping[value] = None
        elif key in lookup:
            mapping[value] = lookup[key]
        elif item.other:
            mapping[value] = OTHERS
        else:
            row = int(np.flatnonzero(raw.to_numpy() == value)[0]) + 1
            raise SurveyError(
                f"{value!r} is not a choice of item {item.id!r}; choices are "
                + ", ".join(repr(x) for x in item.labels)
                + _near(value, item.labels),
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
    categories = item.labels + ([OTHERS] if item.other else [])
    labels = pd.Categorical(raw.map(mapping), categories=categories, ordered=item.type == "ordinal")
    labels = pd.Series(labels, index=raw.index)
    other = raw.str.strip().where(labels == OTHERS, None) if item.other else None
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
        if text[i] in _SEPARATORS or text[i].isspace():
            i += 1
            at_boundary = True
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
    raw: pd.Series, item: Item, header: str, locate: _Locator
) -> tuple[pd.DataFrame, pd.Series]:
    labels = item.labels
    columns = labels + ([OTHERS] if item.other else [])
    rows: dict[str, tuple[list[bool], str | None]] = {}
    for value in raw.unique():
        chosen, leftover = split_multi(value, labels)
        flags = [label in chosen for label in labels]
        if item.other:
            flags.append(bool(leftover))
        elif leftover:
            # Without other: true an unknown answer cannot be counted anywhere.
            row = int(np.flatnonzero(raw.to_numpy() == value)[0]) + 1
            raise SurveyError(
                f"{leftover!r} is not a choice of item {item.id!r} (set 'other: true' to keep "
                "free-text answers); choices are " + ", ".join(repr(x) for x in labels),
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
        rows[value] = (flags, leftover or None)
    codes, uniques = pd.factorize(raw, sort=False)
    matrix = np.array([rows[u][0] for u in uniques], dtype=bool).reshape(len(uniques), len(columns))
    chosen = pd.DataFrame(matrix[codes], index=raw.index, columns=columns)
    other = pd.Series([rows[u][1] for u in uniques], dtype=object).iloc[codes]
    other.index = raw.index
    return chosen, other


# --- rules -------------------------------------------------------------------


def _lookups(parsed: pd.DataFrame, multi: dict[str, pd.DataFrame]):
    def values(item_id: str) -> pd.Series:
        return parsed[item_id]

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
    answered: dict[str, pd.Series],
    notes: list[str],
) -> dict[str, pd.Series]:
    values, chosen = _lookups(parsed, multi)
    applicable: dict[str, pd.Series] = {}
    for item in _in_dependency_order(questionnaire):
        if item.show_if is None:
            continue
        shown = item.show_if.evaluate(values, chosen, multi)
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
    frame: pd.DataFrame,
    headers: list[str],
    locate: _Locator,
) -> tuple[pd.Series, list[Exclusion]]:
    keep = pd.Series(True, index=parsed.index)
    dropped: dict[int, Exclusion] = {}
    values, chosen = _lookups(parsed, multi)
    for rule in questionnaire.exclude:
        hit = _rule_mask(rule, questionnaire, parsed, values, chosen, multi, frame, headers, keep)
        hit &= keep
        for idx in np.flatnonzero(hit.to_numpy()):
            dropped[int(idx)] = Exclusion(row=int(idx) + 1, rule=rule.rule, reason=rule.reason)
        keep &= ~hit
    exclusions = [dropped[k] for k in sorted(dropped)]
    if len(exclusions) <= 1000:
        exclusions = [
            Exclusion(row=e.row, rule=e.rule, reason=e.reason, line=locate(e.row))
            for e in exclusions
        ]
    return keep, exclusions


def _rule_mask(
    rule: ExcludeRule,
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    values,
    chosen,
    multi: dict[str, pd.DataFrame],
    frame: pd.DataFrame,
    headers: list[str],
    keep: pd.Series,
) -> pd.Series:
    if rule.rule == "where":
        assert rule.expr is not None
        return rule.expr.evaluate(values, chosen, multi)
    keys = []
    for name in rule.columns:
        if questionnaire.has(name) and name in parsed.columns:
            keys.append(
                parsed[name]
                .astype(object)
                .map(lambda v: "" if v is None or v != v else str(v).strip().casefold())
            )
            continue
        idx = _find_header(name, headers)
        if idx is None:
            raise SurveyError(
                f"duplicate rule (line {rule.line}) names {name!r}, which is neither an item id "
                "nor a column" + _near(name, headers),
                file=questionnaire.path,
                line=rule.line,
            )
        keys.append(frame.iloc[:, idx].str.strip().str.casefold())
    key_frame = pd.concat(keys, axis=1)
    blank = (key_frame == "").all(axis=1)
    candidates = keep & ~blank
    dup = pd.Series(False, index=parsed.index)
    dup[candidates] = key_frame[candidates].duplicated(keep=rule.keep)
    return dup
