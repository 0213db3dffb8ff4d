"""Summaries of date-time values: first, last and median, overall and per calendar day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TimeSummary:
    """n, first, last and median of the non-missing date-times of a group.

    The median of an even count is the midpoint of the two middle values, as for numbers.
    """

    n: int
    first: np.datetime64 | None
    last: np.datetime64 | None
    median: np.datetime64 | None


def describe_times(values: np.ndarray) -> TimeSummary:
    """n, first, last, median of ``values`` (datetime64; NaT is missing)."""
    x = np.asarray(values, dtype="datetime64[ns]")
    return _summary(np.sort(x[~np.isnat(x)].astype(np.int64)))


def per_day(values: np.ndarray) -> list[tuple[np.datetime64, TimeSummary]]:
    """Each calendar day with any value, in order, and the summary of that day's values."""
    x = np.asarray(values, dtype="datetime64[ns]")
    ns = np.sort(x[~np.isnat(x)].astype(np.int64))  # one sort; each day is then a slice
    days = ns.astype("datetime64[ns]").astype("datetime64[D]")
    starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]]) if len(ns) else np.array([], int)
    ends = np.r_[starts[1:], len(ns)]
    return [(days[a], _summary(ns[a:b])) for a, b in zip(starts, ends, strict=True)]


def _summary(ns: np.ndarray) -> TimeSummary:
    """The summary of sorted nanosecond times."""
    if not len(ns):
        return TimeSummary(0, None, None, None)
    mid = len(ns) // 2
    # Midpoint of the two middle values without overflowing int64: a + (b − a) / 2.
    median = ns[mid] if len(ns) % 2 else ns[mid - 1] + (ns[mid] - ns[mid - 1]) // 2
    return TimeSummary(
        n=len(ns),
        first=np.datetime64(int(ns[0]), "ns"),
        last=np.datetime64(int(ns[-1]), "ns"),
        median=np.datetime64(int(median), "ns"),
    )
