"""Descriptive statistics for one numeric variable, and per-group summaries used by the tests."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError
from surveykit.stats.distributions import t_ppf

from ._results import GroupDescriptives, Result
from .precision import centred_ss, stable_mean


def as_sample(x: Sequence[float] | np.ndarray, label: str | None = None) -> np.ndarray:
    """Float64 copy of ``x`` with missing values (NaN/None) dropped; infinities are an error."""
    arr = np.asarray(x, dtype=np.float64).ravel()
    if np.isinf(arr).any():
        where = f" in group {label!r}" if label is not None else ""
        raise StatisticsError(f"infinite value{where}; remove or recode it before testing")
    return arr[~np.isnan(arr)]


def sample_sd(x: np.ndarray, mean: float) -> float:
    """Sample standard deviation (n - 1 divisor), two-pass."""
    return math.sqrt(centred_ss(x, mean) / (x.size - 1))


def group_descriptives(x: np.ndarray, label: str, alpha: float = 0.05) -> GroupDescriptives:
    """n, mean, sd, se, t-based CI for the mean, min, max of one non-empty group."""
    n = int(x.size)
    mean = stable_mean(x)
    if n < 2:
        return GroupDescriptives(label, n, mean, None, None, None, float(x.min()), float(x.max()))
    sd = sample_sd(x, mean)
    se = sd / math.sqrt(n)
    half = t_ppf(1 - alpha / 2, n - 1) * se
    return GroupDescriptives(
        label, n, mean, sd, se, (mean - half, mean + half), float(x.min()), float(x.max())
    )


@dataclass(frozen=True)
class NumericSummary(Result):
    """Summary of one numeric variable; ``sd``/``se`` are None (with a note) when n < 2."""

    kind = "describe"

    n: int
    missing: int
    mean: float
    sd: float | None
    se: float | None
    median: float
    min: float
    max: float
    range: float
    notes: tuple[str, ...] = ()


def describe_numeric(x: Sequence[float] | np.ndarray) -> NumericSummary:
    """n, mean, sd (n - 1), se, median, min, max, range and count of missing (NaN) values.

    Raises StatisticsError when every value is missing.
    """
    raw = np.asarray(x, dtype=np.float64).ravel()
    values = as_sample(raw)
    missing = int(raw.size - values.size)
    if values.size == 0:
        raise StatisticsError("no non-missing values")
    n = int(values.size)
    mean = stable_mean(values)
    notes: tuple[str, ...] = ()
    sd = se = None
    if n < 2:
        notes = ("n = 1; the standard deviation needs at least 2 values",)
    else:
        sd = sample_sd(values, mean)
        se = sd / math.sqrt(n)
    lo, hi = float(values.min()), float(values.max())
    return NumericSummary(
        n=n,
        missing=missing,
        mean=mean,
        sd=sd,
        se=se,
        median=float(np.median(values)),
        min=lo,
        max=hi,
        range=hi - lo,
        notes=notes,
    )
