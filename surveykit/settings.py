"""The settings of one run, resolved once: command-line flag over plan over default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveykit.plan import Plan

CONFIDENTIAL = "[c]"  # UK official statistics' mark for a withheld cell


@dataclass(frozen=True)
class Settings:
    """Every option that changes what a run computes or shows.

    ``variance`` is the t-test/ANOVA variant rule (auto, student, welch): which t
    or F the APA line reports. ``min_cell`` switches small-cell protection on;
    ``symbol`` marks withheld cells other than small counts.
    """

    alpha: float = 0.05
    missing: str = "pairwise"
    adjust: str = "none"
    variance: str = "auto"
    min_cell: int | None = None
    symbol: str = CONFIDENTIAL

    def to_options(self) -> dict[str, Any]:
        """The ``options`` object of the JSON document (unset options left out)."""
        out: dict[str, Any] = {
            "alpha": self.alpha,
            "missing": self.missing,
            "adjust": self.adjust,
            "variance": self.variance,
        }
        if self.min_cell is not None:
            out["min_cell"] = self.min_cell
            out["symbol"] = self.symbol
        return out


def resolve(plan: Plan | None, *, min_cell: int | None = None) -> Settings:
    """Settings for a run: a flag given on the command line wins over the plan's value."""
    if plan is None:
        return Settings(min_cell=min_cell)
    return Settings(
        alpha=plan.alpha,
        missing=plan.missing,
        adjust=plan.adjust,
        variance=plan.variance,
        min_cell=min_cell if min_cell is not None else plan.min_cell,
        symbol=plan.symbol,
    )
