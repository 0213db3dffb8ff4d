"""Descriptive tables: frequencies, select-all counts, numeric summaries, stacked blocks, crosstabs.

Functions here count and summarise; they return :class:`~surveykit.result.Table`
objects with unrounded numbers and never format anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.ingest import Responses
from surveykit.questionnaire import OTHERS, Item
from surveykit.result import (
    COUNT,
    LABEL,
    PERCENT,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    ROW_TOTAL,
    STATISTIC,
    TEXT,
    Column,
    Note,
    Table,
    literal,
)
from surveykit.stats.timestamps import describe_times, per_day

NOT_APPLICABLE = "Not applicable"
MISSING = "Missing"
MULTI_NOTE = "Percent of respondents (n = {base}); respondents could choose more than one."
STUB = Column("", LABEL)
N = Column("n", COUNT)
PCT = Column("%", PERCENT, of="n", base="table")
# SPSS's Valid Percent (of the respondents who gave a valid answer: blank, not applicable
# and user-missing answers left out) and Cumulative Percent (running, over valid answers).
VALID_PCT = Column("Valid %", PERCENT, of="n", base="valid")
CUM_PCT = Column("Cumulative %", PERCENT, of="n", base="cumulative")
# Statistics of the respondents counted in the row's n.
NUMERIC_COLUMNS = [
    N,
    *(Column(name, STATISTIC, of="n") for name in ("Mean", "SD", "Median", "Min", "Max")),
]


def numeric_summary(values: pd.Series | np.ndarray, shift: float = 0.0) -> list[float | int | None]:
    """n, mean, SD (n − 1), median, min, max of the non-missing values.

    ``values`` may be deviations from ``shift`` (see ``Responses.numbers``): the SD is
    computed on them and the shift added back to the location statistics only.
    """
    from surveykit.stats import describe_numeric

    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=float, na_value=np.nan)
    x = np.asarray(values, dtype=float)
    if not (~np.isnan(x)).any():
        return [0, None, None, None, None, None]
    d = describe_numeric(x)
    return [d.n, d.mean + shift, d.sd, d.median + shift, d.min + shift, d.max + shift]


def _status_rows(responses: Responses, item: Item, present: pd.Series) -> list[tuple[str, int]]:
    """Rows below the valid answers: each missing value given (SPSS's user-missing, in
    the questionnaire's order), then blank answers, then not applicable."""
    applicable = responses.applicable.get(item.id)
    not_applicable = int((~applicable).sum()) if applicable is not None else 0
    missing = int((~present).sum()) - not_applicable
    rows = []
    given = responses.user_missing.get(item.id)
    if given is not None:
        for label, n in _label_counts(given).items():
            if n:
                rows.append((str(label), int(n)))
                missing -= int(n)
    if missing:
        rows.append((MISSING, missing))
    if not_applicable:
        rows.append((NOT_APPLICABLE, not_applicable))
    return rows


def has_answer(responses: Responses, item: Item) -> pd.Series:
    """Which respondents count in an item's base: answered, applicable, not a missing code.

    A blank select-all cell is "none chosen" unless the item is required.
    """
    if item.type == "multi":
        applicable = responses.applicable.get(item.id)
        answered = responses.answered[item.id]
        # A blank select-all cell means "none chosen" unless the item was required.
        present = answered if item.required else pd.Series(True, index=answered.index)
        emptied = responses.set_missing.get(item.id)
        if emptied is not None:  # cells invalid: missing emptied are missing, not "none"
            present = present & ~emptied
        given = responses.user_missing.get(item.id)
        if given is not None:  # "Prefer not to say" is no answer, not "none chosen"
            present = present & given.isna()
        return present & applicable if applicable is not None else present
    return responses.data[item.id].notna()


def chosen_among_answered(responses: Responses, item: Item, label: str) -> np.ndarray | None:
    """1.0 where a respondent chose ``label`` of a select-all item, 0.0 where not, NaN
    where the item does not count (the base of its table); None for an unknown label."""
    chosen = responses.multi[item.id]
    if label not in chosen.columns:
        return None
    present = has_answer(responses, item).to_numpy(dtype=bool)
    return np.where(present, chosen[label].to_numpy(dtype=float), np.nan)


def item_rows(responses: Responses, item: Item) -> tuple[list[list], list[str], list[Note], int]:
    """The rows of one item's table, their kinds, its notes and its % base."""
    base = responses.analysed
    notes: list[Note] = []
    rows: list[list] = []
    kinds: list[str] = []
    present = has_answer(responses, item)
    if item.type in ("single", "ordinal"):
        counts = _label_counts(responses.data[item.id])
        categories = [*item.labels, OTHERS] if item.other else item.labels
        for label in categories:
            n = int(counts.get(label, 0))
            rows.append([label, n, _pct(n, base)])
            kinds.append(ROW_DATA)
    elif item.type == "multi":
        chosen = responses.multi[item.id]
        keep = present.to_numpy(dtype=bool)
        base = int(keep.sum())
        matrix = chosen.to_numpy(dtype=bool)
        counts = pd.Series(
            (matrix if keep.all() else matrix[keep]).sum(axis=0), index=chosen.columns
        )
        order = sorted(
            item.labels, key=lambda label: (-int(counts[label]), item.labels.index(label))
        )
        if item.other:
            order.append(OTHERS)
        for label in order:
            n = int(counts[label])
            rows.append([label, n, _pct(n, base)])
            kinds.append(ROW_DATA)
        notes.append(Note(MULTI_NOTE, {"base": base}, item=item.id))
    elif item.type == "text":
        n = int(present.sum())
        rows.append(["Answered", n, _pct(n, base)])
        kinds.append(ROW_DATA)
    elif item.type == "datetime":
        for day, summary in per_day(responses.data[item.id].to_numpy()):
            rows.append([_iso(day), summary.n, _pct(summary.n, base)])
            kinds.append(ROW_DATA)
    else:
        raise SurveyError(f"item {item.id!r} is a number item; use numeric_table")
    if item.type != "text":
        for label, n in _status_rows(responses, item, present):
            rows.append([label, n, _pct(n, responses.analysed)])
            kinds.append(ROW_MISSING)
    return rows, kinds, notes, base


def shares_columns(item: Item, kinds: list[str]) -> tuple[bool, bool]:
    """Whether ``item``'s table shows Valid % and Cumulative %.

    Valid % when some respondents gave no valid answer (a missing, not-applicable or
    user-missing row) or the item declares ``missing:`` values; Cumulative % for
    ordinal items, whose answers have an order to accumulate over.
    """
    if item.type not in ("single", "ordinal"):
        return False, False
    valid = bool(item.missing) or ROW_MISSING in kinds
    return valid, item.type == "ordinal"


def valid_shares(rows: list[list], kinds: list[str]) -> list[tuple[float | None, float | None]]:
    """Each row's Valid % and Cumulative % (None on missing rows), as SPSS prints them."""
    valid = sum(int(r[1]) for r, k in zip(rows, kinds, strict=True) if k == ROW_DATA)
    out: list[tuple[float | None, float | None]] = []
    running = 0
    for row, kind in zip(rows, kinds, strict=True):
        if kind != ROW_DATA:
            out.append((None, None))
            continue
        running += int(row[1])
        out.append((_pct(int(row[1]), valid), _pct(running, valid)))
    return out


def _label_counts(values: pd.Series) -> dict:
    """Count of each label (a bincount of category codes for categoricals)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = list(values.cat.categories)
        counts = np.bincount(codes[codes >= 0], minlength=len(categories))
        return dict(zip(categories, counts.tolist(), strict=True))
    return values.value_counts(sort=False).to_dict()


def _codes_in(values: pd.Series, levels: list[str]) -> np.ndarray:
    """Each value's position in ``levels``; -1 when missing or not one of them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        where = {label: i for i, label in enumerate(levels)}
        table = np.array([where.get(c, -1) for c in values.cat.categories] + [-1], dtype=np.int64)
        return table[values.cat.codes.to_numpy()]
    return pd.Categorical(values, categories=levels).codes.astype(np.int64)


def _pct(n: int, base: int) -> float | None:
    return 100.0 * n / base if base else None


def item_table(
    responses: Responses, item: Item, table_id: str | None = None, title: str | None = None
) -> Table:
    """One table for one item, shaped by its type."""
    table_id = table_id or item.id
    title = title or item.label
    if item.type == "number":
        row = [item.label, *numeric_summary(*responses.numbers(item.id))]
        kinds = [ROW_DATA]
        rows = [row]
        for label, n in _status_rows(responses, item, responses.data[item.id].notna()):
            rows.append([label, n, None, None, None, None, None])
            kinds.append(ROW_MISSING)
        return Table(
            id=table_id, title=title, columns=[STUB, *NUMERIC_COLUMNS], rows=rows,
            kind="numeric", row_kinds=kinds, items=[item.id],
        )  # fmt: skip
    if item.type == "datetime":
        return datetime_table(responses, item, table_id, title)
    rows, kinds, notes, base = item_rows(responses, item)
    kind = {"multi": "multi", "text": "text"}.get(item.type, "frequency")
    columns = [STUB, N, PCT]
    show_valid, show_cumulative = shares_columns(item, kinds)
    if show_valid or show_cumulative:
        shares = valid_shares(rows, kinds)
        columns += [VALID_PCT] if show_valid else []
        columns += [CUM_PCT] if show_cumulative else []
        rows = [
            [*row, *([v] if show_valid else []), *([c] if show_cumulative else [])]
            for row, (v, c) in zip(rows, shares, strict=True)
        ]
    return Table(
        id=table_id, title=title, columns=columns, rows=rows, kind=kind,
        row_kinds=kinds, items=[item.id], notes=notes, percent_base=base,
    )  # fmt: skip


# First, last and median time of the respondents counted in the row's n (ISO 8601 text).
TIME_COLUMNS = [Column(name, STATISTIC, of="n") for name in ("First", "Last", "Median")]


def datetime_table(responses: Responses, item: Item, table_id: str, title: str) -> Table:
    """A date-time item: responses per calendar day with each day's first, last and median
    time, a total row for all days, then missing and not applicable rows.

    Times are ISO 8601 text (``2024-03-04T10:45:04``), as JSON has no date type;
    percentages are of everyone analysed, as in a frequency table.
    """
    values = responses.data[item.id].to_numpy()
    base = responses.analysed
    rows: list[list] = []
    kinds: list[str] = []
    for day, s in per_day(values):
        rows.append([_iso(day), s.n, _pct(s.n, base), *map(_iso, (s.first, s.last, s.median))])
        kinds.append(ROW_DATA)
    total = describe_times(values)
    rows.append(
        ["Total", total.n, _pct(total.n, base), *map(_iso, (total.first, total.last, total.median))]
    )
    kinds.append(ROW_TOTAL)
    for label, n in _status_rows(responses, item, responses.data[item.id].notna()):
        rows.append([label, n, _pct(n, base), None, None, None])
        kinds.append(ROW_MISSING)
    return Table(
        id=table_id, title=title, columns=[STUB, N, PCT, *TIME_COLUMNS], rows=rows,
        kind="datetime", row_kinds=kinds, items=[item.id], percent_base=base,
    )  # fmt: skip


def _iso(value: np.datetime64 | None) -> str | None:
    """ISO 8601 text of a day (``2024-03-04``) or a time to the second (``2024-03-04T10:45:04``).

    Every time is shown to the whole second (as SPSS's DATETIME formats), rounded half to
    even: the median of an even count, the midpoint of two whole-second times, may
    fall on a half second (23:36:56.5 is shown 23:36:56, 23:36:57.5 as 23:36:58).
    """
    if value is None:
        return None
    if value.dtype == np.dtype("datetime64[D]"):
        return str(value)
    return pd.Timestamp(value).round("s").isoformat()  # pandas rounds half to even


def block_table(responses: Responses, items: Sequence[Item], table_id: str, title: str) -> Table:
    """Several items stacked under their headings, as in a paper's Table 1.

    Categorical rows fill n and %, and Valid % and Cumulative % when an item of the
    block needs them (see :func:`shares_columns`); a number item fills n, mean, SD,
    median, min and max on one row (those columns appear only when the block has one).
    """
    parts = []
    for item in items:
        if item.type == "number":
            parts.append((item, None))
            continue
        item_rows_, item_kinds, item_notes, _base = item_rows(responses, item)
        parts.append((item, (item_rows_, item_kinds, item_notes)))
    wanted = [shares_columns(item, part[1]) for item, part in parts if part is not None]
    show_valid = any(v for v, _ in wanted)
    show_cumulative = any(c for _, c in wanted)
    has_numbers = any(part is None for _, part in parts)
    shares_cols = [*([VALID_PCT] if show_valid else []), *([CUM_PCT] if show_cumulative else [])]
    columns = [STUB, N, PCT, *shares_cols, *(NUMERIC_COLUMNS[1:] if has_numbers else [])]
    width = len(columns)
    rows: list[list] = []
    kinds: list[str] = []
    notes: list[str | Note] = []
    for item, part in parts:
        rows.append([item.label] + [None] * (width - 1))
        kinds.append(ROW_HEADING)
        if part is None:
            n, *stats = numeric_summary(*responses.numbers(item.id))
            rows.append(["", n, None, *([None] * len(shares_cols)), *stats])
            kinds.append(ROW_DATA)
            for label, count in _status_rows(responses, item, responses.data[item.id].notna()):
                rows.append([label, count, _pct(count, responses.analysed)] + [None] * (width - 3))
                kinds.append(ROW_MISSING)
            continue
        item_rows_, item_kinds, item_notes = part
        # Every single/ordinal item of the block fills Valid % when the column is shown
        # (equal to % when nothing is missing); only ordinal items accumulate.
        shares = valid_shares(item_rows_, item_kinds)
        for row, (valid, cumulative) in zip(item_rows_, shares, strict=True):
            extra = []
            if show_valid:
                extra.append(valid if item.type in ("single", "ordinal") else None)
            if show_cumulative:
                extra.append(cumulative if item.type == "ordinal" else None)
            rows.append([*row, *extra] + [None] * (width - 3 - len(extra)))
        kinds.extend(item_kinds)
        notes.extend(
            Note(f"{literal(item.label)}: {n.text}", n.counts, item=n.item) for n in item_notes
        )
    return Table(
        id=table_id, title=title, columns=columns, rows=rows, kind="block", row_kinds=kinds,
        items=[i.id for i in items], notes=notes, percent_base=responses.analysed,
    )  # fmt: skip


def crosstab_table(
    responses: Responses,
    row_item: Item,
    col_item: Item,
    table_id: str,
    title: str,
    summarise: dict[str, list[Item]] | list[Item] | Item | None = None,
) -> Table:
    """Rows × columns counts; with ``summarise``, each cell's n, min, max, mean and SD.

    ``summarise`` is a number item or a list of them (one row per cell and item), or
    maps a column label to the items summarised in that column (the paper's Tables
    3, 4 and 7 summarise a different variable per column).
    """
    for item in (row_item, col_item):
        if item.type not in ("single", "ordinal"):
            raise SurveyError(f"crosstab needs single or ordinal items; {item.id!r} is {item.type}")
    rows_v = responses.data[row_item.id]
    cols_v = responses.data[col_item.id]
    row_levels = _levels(row_item)
    col_levels = _levels(col_item)
    row_of = _codes_in(rows_v, row_levels)
    col_of = _codes_in(cols_v, col_levels)
    both = rows_v.notna().to_numpy(dtype=bool) & cols_v.notna().to_numpy(dtype=bool)
    counted = both & (row_of >= 0) & (col_of >= 0)
    cell_of = row_of * len(col_levels) + col_of
    grid = np.bincount(cell_of[counted], minlength=len(row_levels) * len(col_levels))
    counts = pd.DataFrame(
        grid.reshape(len(row_levels), len(col_levels)), index=row_levels, columns=col_levels
    )
    notes: list[str | Note] = []
    dropped = int((~both).sum())
    if dropped:
        notes.append(
            Note(
                "{dropped} respondent(s) with a missing answer to either item are not counted.",
                {"dropped": dropped},
            )
        )
    if isinstance(summarise, Item):
        summarise = [summarise]
    if not summarise:
        columns = [
            STUB,
            *(Column(str(level), COUNT) for level in col_levels),
            Column("Total", COUNT, total=True),
        ]
        rows = [
            [label, *map(int, counts.loc[label]), int(counts.loc[label].sum())]
            for label in row_levels
        ]
        rows.append(["Total", *map(int, counts.sum(axis=0)), int(counts.to_numpy().sum())])
        return Table(
            id=table_id, title=title, columns=columns, rows=rows, kind="contingency",
            row_kinds=[ROW_DATA] * len(row_levels) + [ROW_TOTAL],
            items=[row_item.id, col_item.id], notes=notes, percent_base=int(both.sum()),
        )  # fmt: skip
    per_column = summarise if isinstance(summarise, dict) else dict.fromkeys(col_levels, summarise)
    columns = [
        Column(col_item.label, LABEL), Column(row_item.label, TEXT), N,
        Column("% of column", PERCENT, of="n", base="column"), Column("Summary item", TEXT),
        # The respondents of the cell who answered the summarised item: at most the cell's n.
        Column("Summary n", COUNT, of="n"),
        *(Column(name, STATISTIC, of="Summary n") for name in ("Mean", "SD", "Min", "Max")),
    ]  # fmt: skip
    rows = []
    kinds = []
    for j, col in enumerate(col_levels):
        col_total = int(counts[col].sum())
        targets = per_column.get(col) or []
        arrays = []
        for target in targets:
            values, shift = responses.numbers(target.id)
            arrays.append((target, values.to_numpy(dtype=float, na_value=np.nan), shift))
        for i, row in enumerate(row_levels):
            n = int(counts.loc[row, col])
            cell = counted & (cell_of == i * len(col_levels) + j)
            for target, values, shift in arrays:
                sn, mean, sd, _median, lo, hi = numeric_summary(values[cell], shift)
                rows.append([col, row, n, _pct(n, col_total), target.label, sn, mean, sd, lo, hi])
                kinds.append(ROW_DATA)
            if not arrays:
                rows.append([col, row, n, _pct(n, col_total), None, None, None, None, None, None])
                kinds.append(ROW_DATA)
    used = {t.id: t for targets in per_column.values() for t in targets or []}
    labels = "; ".join(literal(used[i].label) for i in sorted(used))
    notes.append(Note(f"Summary statistics per cell (SD with n − 1): {labels}."))
    return Table(
        id=table_id, title=title, columns=columns, rows=rows, kind="crosstab", row_kinds=kinds,
        items=[row_item.id, col_item.id, *sorted(used)], notes=notes, percent_base=int(both.sum()),
    )  # fmt: skip


def _levels(item: Item) -> list[str]:
    return [*item.labels, OTHERS] if item.other else list(item.labels)
