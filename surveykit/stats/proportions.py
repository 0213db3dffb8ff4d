"""Two independent proportions: the z test of their difference (R's prop.test, correct = FALSE).

z = (p1 − p2) / √(p̄(1 − p̄)(1/n1 + 1/n2)) with the pooled p̄; z² is prop.test's
X-squared. The 95% CI of the difference is the unpooled Wald interval, as
prop.test's without continuity correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from surveykit.errors import StatisticsError

from ._results import Result
from .distributions import norm_sf

_Z975 = 1.959963984540054


@dataclass(frozen=True)
class TwoProportions(Result):
    """p1 − p2 with its z test and CI."""

    kind = "two-proportions"

    x1: int
    n1: int
    x2: int
    n2: int
    p1: float
    p2: float
    difference: float
    z: float
    p: float
    ci95: tuple[float, float]


def two_proportions(x1: int, n1: int, x2: int, n2: int) -> TwoProportions:
    """Test p1 = p2 from counts (x of n in each group)."""
    if n1 < 1 or n2 < 1:
        raise StatisticsError("each group needs at least one respondent")
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise StatisticsError("a count is larger than its group or negative")
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var == 0:
        raise StatisticsError("the proportion is 0 or 1 in both groups: there is nothing to test")
    z = (p1 - p2) / math.sqrt(var)
    half = _Z975 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    diff = p1 - p2
    return TwoProportions(
        x1, n1, x2, n2, p1, p2, diff, z, 2 * norm_sf(abs(z)),
        (max(-1.0, diff - half), min(1.0, diff + half)),
    )  # fmt: skip
