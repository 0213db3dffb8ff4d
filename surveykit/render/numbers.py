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
    TEXT,
)


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


def fmt_cell(role: str, value: Any) -> str:
    """A table cell formatted by its column's role (see :mod:`surveykit.result`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # labels, and the marks of withheld cells
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
    if role == INTERVAL and isinstance(value, list | tuple):
        lo, hi = value  # a range (min–max) or a confidence interval
        return f"{fmt_num(lo)}–{fmt_num(hi)}"
    return fmt_num(value)
