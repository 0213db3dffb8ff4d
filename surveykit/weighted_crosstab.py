"""Weighted cells of a crosstab: column (or row) percentages with 95 % intervals.

With weights, a crosstab keeps its unweighted counts (small-cell protection
works on them) and each "% of column" becomes the weighted share of the row
level among the column level's respondents, with its interval: R's
``svyby(~row, ~column, design, svymean)`` (a domain per column level, see
:mod:`surveykit.domains`); a Total column's share is ``svymean(~row, design)``.
A "% of row" is the same with the items' roles swapped. Other statistics of
the table (expected counts, residuals, summaries of a number item) stay
unweighted, and the note says so.

Works on both layouts of a crosstab: the long one (a row per cell, the column
level in the first column) and the wide one (a spanner per column level).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.errors import StatisticsError
from surveykit.result import INTERVAL, PERCENT, ROW_DATA, ROW_TOTAL, Column, Table

if TYPE_CHECKING:
    from surveykit.stats.weights import Calibration

Z95 = 1.959963984540054
NOTE = (
    "Weighted: % with 95% confidence intervals (estimate ± 1.96 linearised SE, as R "
    "survey's svyby with svymean, cut at 0 and 100); counts and the other statistics "
    "are of the respondents, unweighted; the weighted test of independence is the "
    "Rao–Scott test with the tests."
)
UNWEIGHTED_NOTE = (
    "Unweighted counts and statistics; the weighted test of independence is the "
    "Rao–Scott test with the tests."
)
TOTAL = "Total"


def weigh_crosstab(
    table: Table, data: pd.DataFrame, cal: Calibration, keep: np.ndarray | None = None
) -> Table:
    """``table`` with its column (row) percentages weighted, each followed by its CI."""
    row_item, col_item = table.items[0], table.items[1]
    weighable = [c for c in table.columns if c.role == PERCENT and c.base in ("column", "row")]
    if not weighable or row_item not in data.columns or col_item not in data.columns:
        return replace(table, notes=[*table.notes, UNWEIGHTED_NOTE])
    wide = any(getattr(c, "spanner", None) for c in table.columns)
    shares = _Shares(data[row_item], data[col_item], cal, keep)
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    columns: list[Column] = []
    take: list[int | tuple[int, int]] = []  # a source column, or (percent column, 0|1)
    for j, c in enumerate(table.columns):
        if c.role == PERCENT and c.base in ("column", "row"):
            columns += _weighted_columns(c)
            take += [(j, 0), (j, 1)]
        else:
            columns.append(c)
            take.append(j)
    rows = []
    for row, kind in zip(table.rows, kinds, strict=True):
        out = []
        for t in take:
            if isinstance(t, int):
                out.append(row[t])
                continue
            j, part = t
            c = table.columns[j]
            if kind == ROW_TOTAL or not isinstance(row[j], int | float) or row[j] is None:
                out.append(row[j] if part == 0 else None)
                continue
            if wide:
                r_level, c_level = str(row[0]), getattr(c, "spanner", None)
            else:
                c_level, r_level = str(row[0]), str(row[1])
            if c.base == "row" and c_level == TOTAL:  # a row's total is 100 %
                out.append(row[j] if part == 0 else None)
                continue
            estimate = shares.of(r_level, c_level, by_row=c.base == "row")
            out.append(estimate[part] if estimate is not None else None)
        rows.append(out)
    return replace(table, columns=columns, rows=rows, notes=[*table.notes, NOTE])


def _weighted_columns(c: Column) -> list[Column]:
    """The weighted % in place of ``c``, and its interval, under the same spanner."""
    spanner = getattr(c, "spanner", None)
    if spanner is None:
        name = f"Weighted {c}"
        return [Column(name, PERCENT, of=c.of, base=c.base), Column("95% CI", INTERVAL, of=c.of)]
    return [
        Column(f"{spanner}: Weighted %", PERCENT, of=c.of, base=c.base, spanner=spanner,
               label="Weighted %"),
        Column(f"{spanner}: 95% CI", INTERVAL, of=c.of, spanner=spanner, label="95% CI"),
    ]  # fmt: skip


class _Shares:
    """Weighted shares of one item's levels within each level of the other (cached)."""

    def __init__(
        self, rows: pd.Series, cols: pd.Series, cal: Calibration, keep: np.ndarray | None
    ) -> None:
        self.values = {False: rows.astype(object), True: cols.astype(object)}
        self.cal = cal
        self.keep = keep
        self.cache: dict[tuple[bool, str | None], dict[str, list] | None] = {}

    def of(self, r_level: str, c_level: str | None, *, by_row: bool) -> list | None:
        """[estimate, [low, high]] of the share of r_level in c_level (swapped: by_row)."""
        if by_row:
            r_level, c_level = c_level or "", r_level
        key = (by_row, c_level)
        if key not in self.cache:
            self.cache[key] = self._within(c_level, by_row)
        found = self.cache[key]
        # A level nobody in the domain gave has a share of 0, known exactly.
        return None if found is None else found.get(r_level, [0.0, [0.0, 0.0]])

    def _within(self, level: str | None, by_row: bool) -> dict[str, list] | None:
        from surveykit.stats.weights import weighted_proportions

        share_of = self.values[by_row]  # the item whose shares are given
        within = self.values[not by_row]  # the item whose level is the domain
        answered = share_of.notna().to_numpy() & within.notna().to_numpy()
        domain = answered if level in (None, TOTAL) else answered & (within == level).to_numpy()
        if level == TOTAL and TOTAL in set(within.dropna()):
            domain = answered & (within == level).to_numpy()  # a level named "Total"
        if self.keep is not None:
            domain = domain & self.keep
        if not domain.any():
            return None
        levels = list(dict.fromkeys(share_of[answered]))
        codes = pd.Categorical(share_of, categories=levels).codes.astype(np.int64)
        try:
            est = weighted_proportions(np.where(domain, codes, -1), len(levels), self.cal)
        except StatisticsError:
            return None
        out = {}
        for k, level_k in enumerate(levels):
            pct, se = 100 * float(est.estimate[k]), 100 * float(est.se[k])
            out[str(level_k)] = [pct, [max(0.0, pct - Z95 * se), min(100.0, pct + Z95 * se)]]
        return out
