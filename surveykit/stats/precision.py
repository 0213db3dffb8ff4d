"""Numerically careful building blocks.

Float64 parsing keeps ~15-16 significant digits, so data such as 1000000000000.4 vs
1000000000000.5 (NIST SmLs07-09) lose most of their *differences* before any arithmetic
happens. ``exact_centre`` parses decimal strings exactly and subtracts an exact centre so the
deviations that reach float64 are small and exactly representable to ~1e-16 relative.
The sums here are two-pass (centre first, then sum the centred values pairwise),
which is what makes the ANOVA/t-test code reach LRE >= 9 on centred input.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import numpy as np

from surveykit.errors import StatisticsError

# max|x| / spread above this means float64 parsing has already discarded >= 6 of the
# ~16 significant digits that carry the differences between values.
CENTRING_RATIO = 1e6


def exact_centre(values: Sequence[str]) -> tuple[np.ndarray, Decimal]:
    """Parse decimal strings exactly and return (float64 deviations, shift).

    The shift is the median-position value (lower middle element when the count is even),
    so it is one of the data values and the deviations are as small as possible in the
    middle of the data. ``value == shift + deviation`` holds exactly in decimal arithmetic;
    the only rounding is the final conversion of each (small) deviation to float64.
    """
    if len(values) == 0:
        raise StatisticsError("no non-missing values")
    parsed: list[Decimal] = []
    for i, text in enumerate(values):
        try:
            d = Decimal(str(text).strip())
        except InvalidOperation:
            raise StatisticsError(f"value {i + 1} ({text!r}) is not a number") from None
        if not d.is_finite():
            raise StatisticsError(f"value {i + 1} ({text!r}) is not a finite number")
        parsed.append(d)
    shift = sorted(parsed)[(len(parsed) - 1) // 2]
    deviations = np.array([float(d - shift) for d in parsed], dtype=np.float64)
    return deviations, shift


def needs_centring(x: np.ndarray) -> bool:
    """True when max|x| is so large relative to the spread that float64 has lost digits.

    Cheap check for callers that hold the original strings: when this is true, re-parse
    with :func:`exact_centre`. Non-finite values are ignored; constant data never needs it.
    """
    arr = np.asarray(x, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    if arr.size < 2:
        return False
    spread = float(arr.max() - arr.min())
    if spread == 0.0:
        return False
    return float(np.abs(arr).max()) / spread > CENTRING_RATIO


def stable_mean(x: np.ndarray) -> float:
    """Mean with one refinement pass: m + sum(x - m)/n removes the first pass's error.

    numpy's pairwise summation is used rather than ``math.fsum``: fsum walks the
    array one Python float at a time (24 s of a 1M-respondent run), and after
    centring the pairwise error is far below what the NIST tests can see.
    """
    n = x.size
    m = float(np.sum(x)) / n
    return m + float(np.sum(x - m)) / n


def centred_ss(x: np.ndarray, centre: float) -> float:
    """Sum of squared deviations about ``centre`` (two-pass; never the textbook one-pass)."""
    d = x - centre
    return float(np.dot(d, d))
