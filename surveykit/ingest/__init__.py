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

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.ingest.cells import (
    Bad,
    parse_choice,
    parse_multi,
    parse_number,
    parse_split_multi,
    split_multi,
)
from surveykit.ingest.columns import find_header, match_columns, near
from surveykit.ingest.csvfile import Column, Locator, Table, display, norm, objects
from surveykit.ingest.datetimes import parse_datetime
from surveykit.ingest.issues import DataIssue, Problem, data_issues, raise_errors
from surveykit.ingest.outliers import outlier_notes
from surveykit.ingest.readers import read_responses_table
from surveykit.ingest.rules import Exclusion, apply_exclusions, apply_show_if
from surveykit.questionnaire import Item, Questionnaire

__all__ = ["DataIssue", "Exclusion", "Responses", "read_responses", "split_multi"]


@dataclass
class Responses:
    """Parsed, analysable responses with an audit of what happened to every row.

    ``data`` has one column per single, ordinal, number, datetime and text item, indexed
    by respondent id: choice items as categoricals of their labels (``Others`` for
    free text), numbers as floats, date-times as datetime64 (NaT: missing), text as
    strings; NaN is missing or not
    applicable (see ``applicable``). Select-all items live in ``multi`` as a
    boolean frame per item, one column per label.

    ``user_missing`` holds, for items with ``missing:`` values, which of them each
    respondent gave (a categorical; those cells are NaN in ``data``). ``set_missing``
    marks select-all cells that ``invalid: missing`` emptied, and ``data_issues``
    lists every cell that was set to missing that way.
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
    user_missing: dict[str, pd.Series] = field(default_factory=dict)
    set_missing: dict[str, pd.Series] = field(default_factory=dict)
    data_issues: list[DataIssue] = field(default_factory=list)

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
    path: str | Path,
    questionnaire: Questionnaire,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Responses:
    """Read ``path`` (CSV/TSV, .xlsx or .sav) and return parsed responses; user errors raise
    SurveyError. ``delimiter`` forces the CSV delimiter, ``sheet`` names an .xlsx sheet."""
    from surveykit import progress

    path = Path(path)
    big = _is_big(path)
    with progress.task(f"Reading {path.name}", None, big=big):
        table = read_responses_table(path, encoding, delimiter, sheet)
    headers = table.headers
    notes: list[str] = []
    # Rows of empty cells (Excel re-saves a sheet with trailing ",,,," lines) are no one's
    # answers: they are parsed like any row but never received, excluded or analysed.
    blank = _blank_rows(table)
    skipped = int(blank.sum())
    received = table.rows - skipped
    if skipped:
        notes.append(
            f"{skipped} blank row(s) (every cell empty) were skipped; they are not responses"
        )

    columns, split = match_columns(questionnaire, headers, path)
    claimed = set(columns.values()) | {
        i for sp in split.values() for i in [*sp.options.values(), sp.other] if i is not None
    }
    ignored = [i for i, h in enumerate(headers) if i not in claimed and h.strip()]
    if questionnaire.respondent_id is not None:
        id_col = find_header(questionnaire.respondent_id, headers, path)
        if id_col is None:
            raise SurveyError(
                f"respondent_id column {questionnaire.respondent_id!r} is not in the file"
                + near(questionnaire.respondent_id, headers),
                file=path,
                line=1,
            )
        ignored = [i for i in ignored if i != id_col]
    if ignored:
        repeated = Counter(norm(h) for h in headers)
        names = [
            repr(display(headers[i]))
            + (f" (column {i + 1})" if repeated[norm(headers[i])] > 1 else "")
            for i in ignored[:8]
        ]
        notes.append(
            f"{len(ignored)} column(s) not in the questionnaire were ignored: "
            + ", ".join(names)
            + (" …" if len(ignored) > 8 else "")
        )

    locate: Locator = table.locate
    rows_index = pd.RangeIndex(table.rows)
    data: dict[str, pd.Series] = {}
    multi: dict[str, pd.DataFrame] = {}
    other_text: dict[str, pd.Series] = {}
    answered: dict[str, pd.Series] = {}
    centred: dict[str, tuple[pd.Series, float]] = {}
    user_missing: dict[str, pd.Series] = {}
    set_missing: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    with progress.task("Parsing items", len(questionnaire.items), big=big) as bar:
        for item in questionnaire.items:
            if item.id in split:
                chosen, other, answered[item.id] = parse_split_multi(
                    table, split[item.id], item, notes
                )
                multi[item.id] = chosen
                if item.other:
                    other_text[item.id] = other
                bar.advance()
                continue
            raw = table.column(columns[item.id])
            header = display(headers[columns[item.id]])
            stripped = raw.stripped()
            given = np.array([u != "" for u in stripped], dtype=bool)
            bad: dict[int, Bad] = {}
            if item.type == "multi":
                cells_m = parse_multi(raw, item, header, locate, notes)
                multi[item.id], bad = cells_m.chosen, cells_m.bad
                if item.other:
                    other_text[item.id] = cells_m.other
                _add_user_missing(user_missing, item, raw, cells_m.user_missing, rows_index)
                if bad:
                    # An emptied select-all cell is missing, not "none chosen".
                    emptied = np.zeros(len(stripped), dtype=bool)
                    emptied[list(bad)] = True
                    set_missing[item.id] = pd.Series(raw.take(emptied), index=rows_index)
            elif item.type == "number":
                cells = parse_number(raw, item)
                data[item.id], bad = cells.values, cells.bad
                if cells.centred is not None:
                    centred[item.id] = cells.centred
                _add_user_missing(user_missing, item, raw, cells.user_missing, rows_index)
                notes.extend(outlier_notes(raw, item, cells.per_unique, header, locate))
            elif item.type == "datetime":
                cells_d = parse_datetime(raw, item, header, locate)
                data[item.id], bad = cells_d.values, cells_d.bad
            elif item.type == "text":
                texts = [u.replace("\r\n", "\n") if u != "" else None for u in stripped]
                data[item.id] = pd.Series(raw.take(objects(texts)), index=rows_index)
            else:
                labels, other, codes, bad = parse_choice(raw, item)
                data[item.id] = labels
                if item.other:
                    other_text[item.id] = other
                _add_user_missing(user_missing, item, raw, codes, rows_index)
            if bad:
                problems.append(Problem(item, header, raw, bad))
                given[list(bad)] = False
            answered[item.id] = pd.Series(raw.take(given), index=rows_index)
            bar.advance()
    raise_errors(problems, locate)
    parsed = pd.DataFrame(data, index=rows_index)

    applicable = apply_show_if(questionnaire, parsed, multi, other_text, answered, notes)
    for item_id, shown in applicable.items():
        if item_id in user_missing:
            user_missing[item_id] = user_missing[item_id].where(shown)
    keep, exclusions = apply_exclusions(
        questionnaire, parsed, multi, other_text, table, headers, columns, locate, ~blank
    )
    everyone = bool(keep.all())
    issues = data_issues(problems, keep.to_numpy(dtype=bool), locate) if problems else []
    # Not-applicable and missing values are missing among the deviations too.
    centred = {k: (dev.where(parsed[k].notna()), shift) for k, (dev, shift) in centred.items()}

    if not everyone:
        parsed = parsed.loc[keep]
    if questionnaire.respondent_id is not None:
        index = _respondent_index(table.column(id_col), keep, display(headers[id_col]), locate)
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
        user_missing={k: reindex(v) for k, v in user_missing.items()},
        set_missing={k: reindex(v) for k, v in set_missing.items()},
        data_issues=issues,
    )


def _add_user_missing(
    out: dict[str, pd.Series],
    item: Item,
    raw: Column,
    per_unique: np.ndarray | None,
    index: pd.Index,
) -> None:
    """Which of its ``missing:`` values each respondent gave, as a categorical."""
    if per_unique is None:
        return
    labels = [m.label for m in item.missing]
    codes = raw.take(per_unique.astype(np.int16 if len(labels) < 32000 else np.int32))
    out[item.id] = pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=index)


def _blank_rows(table: Table) -> np.ndarray:
    """Per row, whether every cell is empty or white space (vectorised, column by column)."""
    blank: np.ndarray | None = None
    for column in table.columns:
        mask = column.blank_rows()
        if mask is None:
            return np.zeros(table.rows, dtype=bool)
        blank = mask if blank is None else blank & mask
        if not blank.any():
            break
    return blank if blank is not None else np.zeros(table.rows, dtype=bool)


def _is_big(path: Path) -> bool:
    """Worth a progress bar: a file of tens of megabytes (about 50,000 rows or more)."""
    try:
        return path.stat().st_size > 20_000_000
    except OSError:
        return False


def _numbered_index(n: int) -> pd.Index:
    """R1..Rn as a string index, built in Arrow rather than by a million f-strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    labels = pc.binary_join_element_wise("R", numbers, "")
    return pd.Index(pd.array(labels, dtype="str"), name="respondent")


def _respondent_index(raw: Column, keep: pd.Series, header: str, locate: Locator) -> pd.Index:
    kept_rows = np.flatnonzero(keep.to_numpy())
    keys, distinct = pd.factorize(pd.Index(raw.stripped(), dtype=object))
    blank = np.asarray(distinct == "", dtype=bool)
    ids = keys[raw.codes[kept_rows]]
    counts = np.bincount(ids, minlength=len(distinct))
    bad = np.flatnonzero(blank[ids] | (counts[ids] > 1))
    if len(bad):
        value = distinct[ids[bad[0]]]
        row = int(kept_rows[bad[0]]) + 1
        problem = (
            "is blank; every response needs one (or set respondent_id: null to number "
            "responses R1..Rn)"
            if value == ""
            else f"{value!r} is not unique"
        )
        raise SurveyError(
            f"respondent id {problem}", file=locate.path, row=row, line=locate(row), column=header
        )
    return pd.Index(objects(list(distinct))[ids], name="respondent")
