"""Number formatting shared by every renderer (the only place results are rounded)."""

from __future__ import annotations

import math
from typing import Any

from surveykit.result import (
    COEFFICIENT,
    COUNT,
    INTEGER,
    INTERVAL,
    LABEL,
    P_VALUE,
    PERCENT,
    RANGE,
    STATISTIC,
    TEXT,
    Correlation,
)

STARS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))
"""APA's significance stars: * p < .05, ** p < .01, *** p < .001."""


def fmt_count(value: Any) -> str:
    """An integer count, or blank."""
    return "" if value is None else f"{int(value):d}"


def fmt_pct(value: Any, decimals: int = 1) -> str:
    """A percentage to ``decimals`` places (no % sign)."""
    return "" if value is None else f"{float(value):.{decimals}f}"


def fmt_num(value: Any, decimals: int = 2) -> str:
    """A statistic to ``decimals`` places; integers stay integers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    value = float(value)
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e15 and decimals <= 2:
        return f"{value:.{decimals}f}" if decimals else f"{int(value)}"
    return f"{value:.{decimals}f}"


def fmt_p(p: Any, *, apa: bool = True) -> str:
    """p in APA style: three decimals, no leading zero, '< .001' below .001."""
    if p is None:
        return ""
    p = float(p)
    if p < 0.001:
        return "< .001"
    text = f"{p:.3f}"
    if text == "1.000":
        return "1.000" if not apa else "> .999"
    return text[1:] if apa and text.startswith("0") else text


def fmt_stat(value: Any, decimals: int = 2, *, leading_zero: bool = True) -> str:
    """A test statistic; APA drops the leading zero of values that cannot exceed 1."""
    if value is None:
        return ""
    text = f"{float(value):.{decimals}f}"
    if not leading_zero:
        text = text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text
    return text


def fmt_cell(role: str, value: Any, like: str = STATISTIC) -> str:
    """A table cell formatted by its column's role (see :mod:`surveykit.result`).

    An interval ``[low, high]`` is written ``[low, high]``, each end formatted as the
    estimate it surrounds (``like``: the role of the column before it).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # labels, and the marks of withheld cells
    if isinstance(value, Correlation):
        return fmt_correlation(value)
    if role == RANGE and isinstance(value, list | tuple) and len(value) == 2:
        if None in value:
            return ""
        return f"{fmt_num(value[0])}–{fmt_num(value[1])}"  # a group's min–max, as APA prints it
    if role == INTERVAL or isinstance(value, list | tuple):
        # [lower, upper]: an interval column's ends are formatted as the estimate before it.
        if not isinstance(value, list | tuple) or len(value) != 2 or None in value:
            return ""
        inner = like if role == INTERVAL else role
        return f"[{fmt_cell(inner, value[0])}, {fmt_cell(inner, value[1])}]"
    if role in (COUNT, INTEGER):
        return fmt_count(value)
    if role == PERCENT:
        return fmt_pct(value)
    if role == COEFFICIENT:
        return fmt_stat(value, 3, leading_zero=False)
    if role == P_VALUE:
        return fmt_p(value)
    if role in (LABEL, TEXT):
        return str(value)
    return fmt_num(value)


def fmt_correlation(cell: Correlation) -> str:
    """r in APA style (two decimals, no leading zero) with its stars: ``.45**``."""
    if cell.r is None:
        return ""
    stars = next((mark for limit, mark in STARS if cell.p is not None and cell.p < limit), "")
    return fmt_stat(cell.r, 2, leading_zero=False) + stars
