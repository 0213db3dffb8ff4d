"""Wide crosstabs: the levels of one item as column spanners, as SPSS and the papers print them.

``wide_crosstab`` crosses two single/ordinal items: one row per level of
``rows``, and under each level of ``columns`` (a spanner) the cell's n and %,
optionally each summarised number item's n, M, SD and range, and the cell's
expected count and adjusted standardised residual; a Total column and row.
``multi_crosstab`` crosses a select-all item with a group: per option, n and %
of each group's respondents. Both also return the χ² tests their plan asks for.

Functions here count; they return :class:`~surveykit.result.Table` objects
with unrounded numbers and :class:`~surveykit.result.TestReport` objects, and
never format anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from surveykit.errors import StatisticsError, SurveyError
from surveykit.ingest import Responses
from surveykit.questionnaire import OTHERS, Item
from surveykit.result import (
    COUNT,
    LABEL,
    PERCENT,
    RANGE,
    ROW_BASE,
    ROW_DATA,
    ROW_TOTAL,
    STATISTIC,
    Column,
    Note,
    Table,
    TestReport,
    literal,
)
from surveykit.tables import _codes_in, _levels, has_answer, numeric_summary

TOTAL = "Total"
PERCENTS = ("column", "row", "total", "none")
CELLS = ("expected", "residuals")
_PERCENT_NOTE = {
    "column": "% of the column's respondents.",
    "row": "% of the row's respondents.",
    "total": "% of all respondents counted in the table.",
}


@dataclass(frozen=True)
class _Counts:
    """The crossing of two single/ordinal items over the analysed respondents."""

    row_levels: list[str]
    col_levels: list[str]
    grid: np.ndarray  # rows × columns
    row_of: np.ndarray  # each respondent's row level (−1: not counted)
    col_of: np.ndarray
    counted: np.ndarray  # answered both, with a level of each
    dropped: int  # respondents with a missing answer to either item


def _count(
    responses: Responses, row_item: Item, col_item: Item, row_order: Sequence[str] = ()
) -> _Counts:
    for item in (row_item, col_item):
        if item.type not in ("single", "ordinal"):
            raise SurveyError(f"crosstab needs single or ordinal items; {item.id!r} is {item.type}")
    rows_v = responses.data[row_item.id]
    cols_v = responses.data[col_item.id]
    row_levels, col_levels = list(row_order) or _levels(row_item), _levels(col_item)
    row_of = _codes_in(rows_v, row_levels)
    col_of = _codes_in(cols_v, col_levels)
    both = rows_v.notna().to_numpy(dtype=bool) & cols_v.notna().to_numpy(dtype=bool)
    counted = both & (row_of >= 0) & (col_of >= 0)
    cells = row_of[counted] * len(col_levels) + col_of[counted]
    grid = np.bincount(cells, minlength=len(row_levels) * len(col_levels))
    return _Counts(
        row_levels, col_levels, grid.reshape(len(row_levels), len(col_levels)),
        np.where(counted, row_of, -1), np.where(counted, col_of, -1), counted,
        int((~both).sum()),
    )  # fmt: skip


def _pct(n: int, base: int) -> float | None:
    return 100.0 * n / base if base else None


def _suffixes(targets: Sequence[Item]) -> dict[str, str]:
    """ " (1)", " (2)" … after each summarised item's headers when there are several."""
    if len(targets) < 2:
        return {t.id: "" for t in targets}
    return {t.id: f" ({k})" for k, t in enumerate(targets, start=1)}


def wide_crosstab(
    responses: Responses,
    row_item: Item,
    col_item: Item,
    table_id: str,
    title: str,
    *,
    summarise: Sequence[Item] = (),
    by_column: dict[str, Item] | None = None,
    percent: str = "column",
    totals: bool = True,
    cells: Sequence[str] = (),
    row_order: Sequence[str] = (),
) -> Table:
    """Rows × column spanners with n, % (``percent`` of the column, row or table) and totals.

    ``summarise`` items are described per cell (n when some did not answer it, M,
    SD, range min–max); ``by_column`` maps a column level to the one item
    summarised under it instead. An item with no answers under a spanner is left
    out there (years with PSS under "without PSS"). ``cells`` may add each cell's
    ``expected`` count and adjusted standardised ``residuals``. ``row_order`` lists
    the row levels in the order to print them (default: the questionnaire's).
    """
    from surveykit.stats import cell_statistics

    c = _count(responses, row_item, col_item, row_order)
    spanners = [str(level) for level in c.col_levels] + ([TOTAL] if totals else [])
    n_rows, n_cols = len(c.row_levels), len(c.col_levels)
    row_totals, col_totals = c.grid.sum(axis=1), c.grid.sum(axis=0)
    grand = int(c.grid.sum())
    marginal = cell_statistics(c.grid) if cells else None
    values = {t.id: (t, *_numbers(responses, t)) for t in [*summarise, *(by_column or {}).values()]}
    line_masks: list[tuple[str, np.ndarray]] = [
        (level, c.row_of == i) for i, level in enumerate(c.row_levels)
    ]
    if totals:
        line_masks.append((TOTAL, c.counted))
    columns: list[Column] = [Column(row_item.label, LABEL)]
    blocks: list[list[list]] = [[[label] for label, _ in line_masks]]
    used: dict[str, Item] = {}
    for j, spanner in enumerate(spanners):
        is_total = j == n_cols
        col_mask = c.counted if is_total else c.col_of == j
        n_name = f"{spanner}: n"
        columns.append(Column(n_name, COUNT, spanner=spanner, label="n", total=is_total))
        counts = []
        for i in range(len(line_masks)):
            in_row = i < n_rows
            if is_total:
                counts.append(int(row_totals[i]) if in_row else grand)
            else:
                counts.append(int(c.grid[i, j]) if in_row else int(col_totals[j]))
        block = [[n] for n in counts]
        if percent != "none":
            columns.append(
                Column(f"{spanner}: %", PERCENT, of=n_name, base=percent, spanner=spanner,
                       label="%")
            )  # fmt: skip
            for i, n in enumerate(counts):
                block[i].append(_pct(n, _percent_base(percent, i, j, c, is_total, totals)))
        targets = [by_column[spanner]] if by_column and spanner in by_column else []
        if not by_column:
            targets = list(summarise)
        suffix = _suffixes(targets)
        for target in targets:
            _t, x, shift = values[target.id]
            stats = [numeric_summary(x[mask & col_mask], shift) for _label, mask in line_masks]
            if not any(s[0] for s in stats):
                continue  # nobody under this spanner answered it
            used[target.id] = target
            sfx = suffix[target.id]
            base = n_name
            if any(s[0] != n for s, n in zip(stats, counts, strict=True)):
                base = f"{spanner}: Valid n{sfx}"  # who answered the summarised item
                columns.append(
                    Column(base, COUNT, of=n_name, spanner=spanner, label=f"Valid n{sfx}")
                )
                for row, s in zip(block, stats, strict=True):
                    row.append(s[0])
            for name in ("M", "SD"):
                columns.append(
                    Column(f"{spanner}: {name}{sfx}", STATISTIC, of=base, spanner=spanner,
                           label=f"{name}{sfx}")
                )  # fmt: skip
            columns.append(
                Column(f"{spanner}: Range{sfx}", RANGE, of=base, spanner=spanner,
                       label=f"Range{sfx}")
            )  # fmt: skip
            for row, (n, mean, sd, _median, lo, hi) in zip(block, stats, strict=True):
                row += [mean, sd, [lo, hi] if n else None]
        if marginal is not None and not is_total:
            for key, name in (("expected", "Expected"), ("residuals", "Adj. residual")):
                if key not in cells:
                    continue
                columns.append(
                    Column(f"{spanner}: {name}", STATISTIC, of=n_name, base="margins",
                           spanner=spanner, label=name)
                )  # fmt: skip
                grid = marginal.expected if key == "expected" else marginal.adjusted_residuals
                for i, row in enumerate(block):
                    v = float(grid[i, j]) if i < n_rows else None
                    row.append(v if v is not None and np.isfinite(v) else None)
        blocks.append(block)
    rows = [[cell for b in blocks for cell in b[i]] for i in range(len(line_masks))]
    notes: list[str | Note] = [_columns_note(col_item)]
    if percent != "none":
        notes.append(_PERCENT_NOTE[percent])
    if used:
        listed = list(used.values())
        many = len(listed) > 1 and not by_column
        names = "; ".join(
            f"({k}) {literal(t.label)}" if many else literal(t.label)
            for k, t in enumerate(listed, start=1)
        )
        notes.append(f"M, SD (n − 1) and range (min–max) of {names}.")
    if cells:
        parts = []
        if "expected" in cells:
            parts.append("Expected: the count expected if rows and columns were independent")
        if "residuals" in cells:
            parts.append(
                "Adj. residual: adjusted standardised residual (beyond ±1.96: more or fewer "
                "than expected at the 5% level)"
            )
        notes.append("; ".join(parts) + ".")
    if c.dropped:
        notes.append(
            Note(
                "{dropped} respondent(s) with a missing answer to either item are not counted.",
                {"dropped": c.dropped},
            )
        )
    return Table(
        id=table_id, title=title, columns=columns, rows=rows, kind="contingency",
        row_kinds=[ROW_DATA] * n_rows + ([ROW_TOTAL] if totals else []),
        items=[row_item.id, col_item.id, *used], notes=notes, percent_base=grand,
    )  # fmt: skip


def _columns_note(col_item: Item) -> str:
    label = literal(col_item.label)
    return f"Columns: {label}" + ("" if label.endswith((".", "?", "!")) else ".")


def _percent_base(percent: str, i: int, j: int, c: _Counts, is_total: bool, totals: bool) -> int:
    """The denominator of the % in line ``i`` (a row level, or the Total row) under spanner ``j``."""
    n_rows = len(c.row_levels)
    grand = int(c.grid.sum())
    in_row = i < n_rows
    if percent == "column":
        return grand if is_total else int(c.grid[:, j].sum())
    if percent == "row":
        return int(c.grid[i].sum()) if in_row else grand
    return grand


def _numbers(responses: Responses, item: Item) -> tuple[np.ndarray, float]:
    values, shift = responses.numbers(item.id)
    return values.to_numpy(dtype=float, na_value=np.nan), shift


def chisq_report(responses: Responses, row_item: Item, col_item: Item, table_id: str) -> TestReport:
    """Pearson's χ² of the table's counts (empty rows and columns left out), printed under it."""
    c = _count(responses, row_item, col_item)
    report = TestReport(
        kind="chi-square", dv=row_item.id, by=col_item.id, dv_label=row_item.label,
        by_label=col_item.label, table=table_id,
    )  # fmt: skip
    return _chisq(report, c.grid, c.row_levels, c.col_levels)


def _chisq(
    report: TestReport, grid: np.ndarray, row_levels: list[str], col_levels: list[str]
) -> TestReport:
    from surveykit import stats

    keep_r, keep_c = grid.sum(axis=1) > 0, grid.sum(axis=0) > 0
    try:
        result = stats.chisq_independence(
            grid[keep_r][:, keep_c],
            [str(x) for x, k in zip(row_levels, keep_r, strict=True) if k],
            [str(x) for x, k in zip(col_levels, keep_c, strict=True) if k],
        )
    except StatisticsError as exc:
        return replace(report, error=exc.message)
    return replace(report, stats=result.to_dict())


# --- select-all items by group ----------------------------------------------------------------


def multi_crosstab(
    responses: Responses,
    multi_item: Item,
    col_item: Item,
    table_id: str,
    title: str,
    *,
    totals: bool = True,
    percent: str = "column",
) -> Table:
    """Per option of a select-all item: n and % of each group's respondents (cases).

    Options are sorted by how often they were chosen overall (*Others* last);
    the first row (kind ``base``) holds each group's respondents, which the
    document prints in the spanner ("Nursing (n = 34)"). A respondent counts in
    a group's base when they answered the select-all item and the group item.
    """
    if col_item.type not in ("single", "ordinal"):
        raise SurveyError(f"crosstab columns need a single or ordinal item; {col_item.id!r} is "
                          f"{col_item.type}")  # fmt: skip
    cols_v = responses.data[col_item.id]
    col_levels = _levels(col_item)
    col_of = _codes_in(cols_v, col_levels)
    present = has_answer(responses, multi_item).to_numpy(dtype=bool)
    counted = present & (col_of >= 0)
    chosen = responses.multi[multi_item.id].to_numpy(dtype=bool)
    options = list(multi_item.labels) + ([OTHERS] if multi_item.other else [])
    matrix = chosen[counted]
    groups = col_of[counted]
    # counts[option, group]
    onehot = np.eye(len(col_levels), dtype=np.int64)[groups]
    counts = matrix.T.astype(np.int64) @ onehot
    bases = onehot.sum(axis=0)
    overall = counts.sum(axis=1)
    order = sorted(range(len(multi_item.labels)), key=lambda k: (-int(overall[k]), k)) + (
        [len(multi_item.labels)] if multi_item.other else []
    )
    spanners = [str(level) for level in col_levels] + ([TOTAL] if totals else [])
    columns: list[Column] = [Column(multi_item.label, LABEL)]
    for j, spanner in enumerate(spanners):
        n_name = f"{spanner}: n"
        columns.append(
            Column(n_name, COUNT, spanner=spanner, label="n", total=j == len(col_levels))
        )
        if percent != "none":
            columns.append(
                Column(f"{spanner}: %", PERCENT, of=n_name, base="column", spanner=spanner,
                       label="%")
            )  # fmt: skip
    base_all = int(bases.sum())
    rows: list[list] = [["Respondents"]]
    for j in range(len(spanners)):
        base = base_all if j == len(col_levels) else int(bases[j])
        rows[0] += [base] + ([None] if percent != "none" else [])
    for k in order:
        row: list = [options[k]]
        for j in range(len(spanners)):
            total = j == len(col_levels)
            n = int(overall[k]) if total else int(counts[k, j])
            base = base_all if total else int(bases[j])
            row += [n] + ([_pct(n, base)] if percent != "none" else [])
        rows.append(row)
    notes: list[str | Note] = [
        _columns_note(col_item) + " % of each group's respondents (cases); respondents could "
        "choose more than one."
    ]
    dropped = int(responses.analysed - counted.sum())
    if dropped:
        notes.append(
            Note(
                "{dropped} respondent(s) who did not answer either item are not counted.",
                {"dropped": dropped},
            )
        )
    return Table(
        id=table_id, title=title, columns=columns, rows=rows, kind="multi_crosstab",
        row_kinds=[ROW_BASE] + [ROW_DATA] * len(order), items=[multi_item.id, col_item.id],
        notes=notes, percent_base=base_all,
    )  # fmt: skip


def multi_chisq_reports(
    responses: Responses, multi_item: Item, col_item: Item, table_id: str
) -> list[TestReport]:
    """One 2 × k χ² per option (chosen / not chosen × group), adjusted among themselves."""
    cols_v = responses.data[col_item.id]
    col_levels = _levels(col_item)
    col_of = _codes_in(cols_v, col_levels)
    present = has_answer(responses, multi_item).to_numpy(dtype=bool)
    counted = present & (col_of >= 0)
    chosen = responses.multi[multi_item.id]
    groups = col_of[counted]
    # In the table's order: most chosen first, Others last.
    overall = chosen.to_numpy(dtype=bool)[counted].sum(axis=0)
    options = list(chosen.columns)
    order = sorted(range(len(options)), key=lambda k: (options[k] == OTHERS, -int(overall[k]), k))
    out = []
    for option in (options[k] for k in order):
        picked = chosen[option].to_numpy(dtype=bool)[counted]
        grid = np.zeros((2, len(col_levels)), dtype=np.int64)
        np.add.at(grid, (np.where(picked, 0, 1), groups), 1)
        report = TestReport(
            kind="chi-square", dv=multi_item.id, by=col_item.id,
            dv_label=f"{multi_item.label}: {option}", by_label=col_item.label,
            table=table_id, family=table_id,
        )  # fmt: skip
        report = _chisq(report, grid, ["Chosen", "Not chosen"], [str(x) for x in col_levels])
        if report.stats:
            report = replace(report, stats={"option": str(option), **report.stats})
        out.append(report)
    return out
