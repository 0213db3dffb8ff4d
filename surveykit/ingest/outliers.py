"""Notes on number items without limits whose values include one absurdly far from the rest.

A BPM of 999999999 among values near 70 goes into every mean unnoticed unless someone
says so. The rule is deliberately strict so that real skew (incomes, counts) never
triggers it: a value is noted when it lies more than 20 median absolute deviations
from the median *and* its magnitude is at least 100 times the 99th percentile of the
magnitudes. Notes never change a number: the user decides, with ``max:``/``min:`` and
``invalid: missing``.
"""

from __future__ import annotations

import math

import numpy as np

from surveykit.ingest.csvfile import Column, Locator
from surveykit.questionnaire import Item

MADS = 20.0
MAGNITUDE = 100.0
NAMED = 3
"""Far values named per item; the rest are counted."""


def outlier_notes(
    raw: Column, item: Item, per_unique: np.ndarray, header: str, locate: Locator
) -> list[str]:
    """Notes naming row, column and value of each far value on a side without a limit."""
    if item.min is not None and item.max is not None:
        return []
    counts = np.bincount(raw.codes, minlength=len(per_unique))
    present = np.flatnonzero(~np.isnan(per_unique) & (counts > 0))
    if len(present) < 2:
        return []
    values, weights = per_unique[present], counts[present]
    median = _quantile(values, weights, 0.5)
    mad = _quantile(np.abs(values - median), weights, 0.5)
    p99 = _quantile(np.abs(values), weights, 0.99, lower=True)
    far = (np.abs(values - median) > MADS * mad) & (np.abs(values) >= MAGNITUDE * p99) & (p99 > 0)
    if item.max is not None:
        far &= values < median
    if item.min is not None:
        far &= values > median
    if not far.any():
        return []
    rest = values[~far]
    flagged = sorted(present[far], key=lambda u: raw.first_row([u]))
    rows = {int(u): raw.first_row([u]) for u in flagged[:NAMED]}
    lines = locate.many(sorted(rows.values()))
    notes = []
    for u in flagged[:NAMED]:
        value, row = per_unique[u], rows[int(u)]
        key, limit = ("max", _limit(rest.max(), values[far & (values > median)].min()))
        if value < median:
            key, limit = "min", -_limit(-rest.min(), -values[far & (values < median)].max())
        cells = f" ({counts[u]} cells, the first)" if counts[u] > 1 else ""
        notes.append(
            f"item {item.id!r}: {raw.uniques[u].strip()} in row {row}"
            + (f" (line {lines[row]})" if lines[row] is not None else "")  # .sav: no lines
            + f"{cells}, "
            f"column {header!r}, is far from the item's other values (median {median:g}); "
            f"it is included as given. If it is a mistake, set {key}: (e.g. {key}: {limit:g}) "
            "and invalid: missing on the item to treat it as missing"
        )
    if len(flagged) > NAMED:
        notes.append(f"item {item.id!r}: …and {len(flagged) - NAMED} more values as far out")
    return notes


def _quantile(values: np.ndarray, weights: np.ndarray, q: float, *, lower: bool = False) -> float:
    """Quantile of ``values`` repeated ``weights`` times (numpy's linear, or 'lower')."""
    order = np.argsort(values, kind="stable")
    v, cum = values[order], np.cumsum(weights[order])
    position = q * (cum[-1] - 1)
    below = math.floor(position)

    def at(k: int) -> float:  # the k-th smallest (0-based) of the repeated values
        return float(v[np.searchsorted(cum, k, side="right")])

    if lower or position == below:
        return at(below)
    return at(below) + (position - below) * (at(below + 1) - at(below))


def _limit(largest: float, far: float) -> float:
    """A round limit with room above ``largest`` (the largest value not far out) that
    still leaves out ``far`` (the nearest far value), so following the hint works."""
    if largest <= 0:
        return 0.0
    for candidate in (
        10.0 ** math.ceil(math.log10(2 * largest)),
        10.0 ** math.ceil(math.log10(largest)),
    ):
        if candidate < far:
            return candidate
    return largest
