"""Weighted cells of a crosstab: column (or row) percentages with 95 % intervals.

With weights, a crosstab keeps its unweighted counts (small-cell protection
works on them) and each "% of column" becomes the weighted share of the row
level among the column level's respondents, with its interval: R's
``svyby(~row, ~column, design, svymean)`` (a domain per column level, see
:mod:`surveykit.domains`); a Total column's share is ``svymean(~row, design)``.
A "% of row" is the same with the items' roles swapped. A summarised number
item's (or scale score's) M and SD in a cell become the weighted mean with its
95 % interval, ``svyby(~x, ~row + column, design, svymean)``, and the weighted
SD, the square root of ``svyby(…, svyvar)`` over those who answered x (a Total
column's cells by the row item alone, the Total row's by the column item); its
n and range stay the respondents'. Other statistics of the table (expected
counts, residuals) stay unweighted, and the note says so.

Works on both layouts of a crosstab: the long one (a row per cell, the column
level in the first column) and the wide one (a spanner per column level).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.errors import StatisticsError
from surveykit.result import INTERVAL, PERCENT, ROW_DATA, ROW_TOTAL, STATISTIC, Column, Table

if TYPE_CHECKING:
    from surveykit.plan import TableSpec
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
MEANS_NOTE = (
    "Weighted: % with 95% confidence intervals (estimate ± 1.96 linearised SE, as R "
    "survey's svyby with svymean, cut at 0 and 100) and each cell's M with its 95% "
    "confidence interval (svyby with svymean) and SD (the square root of svyby with "
    "svyvar, n − 1, over those in the cell who answered); counts, n and ranges are of "
    "the respondents, unweighted; the weighted test of independence is the Rao–Scott "
    "test with the tests."
)
MEANS_ONLY_NOTE = (
    "Weighted: each cell's M with its 95% confidence interval (estimate ± 1.96 "
    "linearised SE, as R survey's svyby with svymean) and SD (the square root of svyby "
    "with svyvar, n − 1, over those in the cell who answered); counts, n and ranges are "
    "of the respondents, unweighted; the weighted test of independence is the "
    "Rao–Scott test with the tests."
)
TOTAL = "Total"


def weigh_crosstab(
    table: Table,
    data: pd.DataFrame,
    cal: Calibration,
    keep: np.ndarray | None = None,
    spec: TableSpec | None = None,
    labels: dict[str, str] | None = None,
) -> Table:
    """``table`` with its column (row) percentages weighted, each followed by its CI.

    ``spec`` (the plan's entry) names the summarised items whose cell means and SDs
    are weighted too; ``labels`` maps item and scale ids to their labels.
    """
    row_item, col_item = table.items[0], table.items[1]
    means = False
    if spec is not None and row_item in data.columns and col_item in data.columns:
        weighed = _weigh_means(table, data, cal, keep, spec, labels or {})
        table, means = weighed, weighed is not table
    weighable = [c for c in table.columns if c.role == PERCENT and c.base in ("column", "row")]
    if not weighable or row_item not in data.columns or col_item not in data.columns:
        return replace(table, notes=[*table.notes, MEANS_ONLY_NOTE if means else UNWEIGHTED_NOTE])
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
    return replace(
        table, columns=columns, rows=rows, notes=[*table.notes, MEANS_NOTE if means else NOTE]
    )


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


# --- weighted means and SDs of summarised items in the cells ----------------------------


def _weigh_means(
    table: Table,
    data: pd.DataFrame,
    cal: Calibration,
    keep: np.ndarray | None,
    spec: TableSpec,
    labels: dict[str, str],
) -> Table:
    """Each cell's M → weighted M and its 95% CI, SD → weighted SD (wide and long layouts)."""
    row_item, col_item = table.items[0], table.items[1]
    rows_v, cols_v = data[row_item].astype(object), data[col_item].astype(object)
    counted = rows_v.notna().to_numpy() & cols_v.notna().to_numpy()
    if keep is not None:
        counted = counted & keep
    wide = any(getattr(c, "spanner", None) for c in table.columns)
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)

    def domain(r_level: str | None, c_level: str | None) -> np.ndarray:
        mask = counted.copy()
        if r_level is not None:
            mask &= (rows_v == r_level).to_numpy()
        if c_level is not None:
            mask &= (cols_v == c_level).to_numpy()
        return mask

    columns: list[Column] = []
    # A source column, or (item of the statistic, "mean" | "ci" | "sd", spanner level).
    take: list[int | tuple[str | None, str, str | None]] = []
    for j, c in enumerate(table.columns):
        name = str(getattr(c, "label", c)) if wide else str(c)
        stat = _statistic(name)
        if c.role != STATISTIC or stat is None:
            columns.append(c)
            take.append(j)
            continue
        kind, sfx = stat
        spanner = getattr(c, "spanner", None)
        item = _summarised(spec, spanner, sfx) if wide else None
        if kind == "mean":
            columns += _mean_columns(c, sfx, wide)
            take += [(item, "mean", spanner), (item, "ci", spanner)]
        else:
            columns.append(_renamed(c, f"Weighted SD{sfx}", wide))
            take.append((item, "sd", spanner))
    if len(take) == len(table.columns) and all(isinstance(t, int) for t in take):
        return table
    by_label = {labels.get(i, i): i for i in (*spec.summarise, *spec.summarise_by_column.values())}
    item_col = next((j for j, c in enumerate(table.columns) if str(c) == "Summary item"), None)
    cache: dict[tuple, list] = {}
    rows = []
    for row, kind in zip(table.rows, kinds, strict=True):
        out = []
        for t in take:
            if isinstance(t, int):
                out.append(row[t])
                continue
            item, part, spanner = t
            if wide:
                r_level = None if kind == ROW_TOTAL else str(row[0])
                c_level = None if spanner == TOTAL else spanner
            else:
                c_level, r_level = str(row[0]), str(row[1])
                item = by_label.get(str(row[item_col])) if item_col is not None else None
            if item is None or item not in data.columns:
                out.append(None)
                continue
            key = (item, r_level, c_level)
            if key not in cache:
                cache[key] = _cell(data[item], domain(r_level, c_level), cal)
            out.append(cache[key][{"mean": 0, "ci": 1, "sd": 2}[part]])
        rows.append(out)
    return replace(table, columns=columns, rows=rows)


def _statistic(name: str) -> tuple[str, str] | None:
    """("mean" | "sd", suffix) of a cell's M / Mean or SD column, else None."""
    for prefix, kind in (("Mean", "mean"), ("M", "mean"), ("SD", "sd")):
        if name == prefix or (name.startswith(prefix + " (") and name.endswith(")")):
            return kind, name[len(prefix) :]
    return None


def _summarised(spec: TableSpec, spanner: str | None, sfx: str) -> str | None:
    """The item a wide crosstab summarises under ``spanner`` with header suffix ``sfx``."""
    if spec.summarise_by_column:
        return spec.summarise_by_column.get(spanner or "")
    if not sfx:
        return spec.summarise[0] if spec.summarise else None
    k = int(sfx.strip(" ()")) - 1
    return spec.summarise[k] if 0 <= k < len(spec.summarise) else None


def _renamed(c: Column, label: str, wide: bool) -> Column:
    if not wide:
        return Column(label, c.role, of=c.of, base=c.base)
    return Column(f"{c.spanner}: {label}", c.role, of=c.of, base=c.base, spanner=c.spanner,
                  label=label)  # fmt: skip


def _mean_columns(c: Column, sfx: str, wide: bool) -> list[Column]:
    name = f"Weighted M{sfx}" if wide else f"Weighted mean{sfx}"
    ci = f"M 95% CI{sfx}" if wide else f"Mean 95% CI{sfx}"
    interval = Column(ci, INTERVAL, of=c.of, spanner=c.spanner)
    return [_renamed(c, name, wide), _renamed(interval, ci, wide)]


def _cell(values: pd.Series, domain: np.ndarray, cal: Calibration) -> list:
    """[weighted mean, [low, high], weighted SD] of those in ``domain`` with a value."""
    from surveykit.stats.weights import weighted_mean, weighted_variance

    y = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    y = np.where(domain, y, np.nan)
    if not np.isfinite(y).any():
        return [None, None, None]
    try:
        est = weighted_mean(y, cal)
    except StatisticsError:
        return [None, None, None]
    mean, se = float(est.estimate[0]), float(est.se[0])
    try:
        sd = float(np.sqrt(weighted_variance(y, cal)))
    except StatisticsError:
        sd = None  # one respondent: no SD, as in the unweighted cell
    return [mean, [mean - Z95 * se, mean + Z95 * se], sd]
