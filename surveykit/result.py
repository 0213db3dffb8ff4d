"""The result model: plain data that every renderer reads and none computes.

Numbers are kept unrounded; rounding belongs to renderers. ``Result.to_dict``
is the public JSON contract of ``surveykit analyze --format json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

ROW_DATA = "data"
ROW_HEADING = "heading"  # an item's name in a stacked (Table-1 style) block
ROW_MISSING = "missing"  # missing / not applicable rows
ROW_TOTAL = "total"


@dataclass(frozen=True)
class Table:
    """One output table.

    ``rows`` are lists whose first cell is the row label; other cells are numbers
    or None (nothing to show). ``row_kinds`` says how each row is meant (data,
    heading, missing, total); ``kind`` names the table's shape (frequency,
    multi, numeric, text, block, crosstab, contingency); ``items`` lists the
    item ids it describes; ``percent_base`` is the denominator of % columns.
    """

    id: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    kind: str
    row_kinds: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    percent_base: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "items": list(self.items),
            "columns": list(self.columns),
            "rows": [[_plain(v) for v in row] for row in self.rows],
            "row_kinds": list(self.row_kinds),
            "percent_base": self.percent_base,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class TestReport:
    """One inferential test as planned (dv, by) with its statistics, or why it failed."""

    kind: str
    dv: str
    by: str
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    p_adjusted: float | None = None
    dv_label: str = ""
    by_label: str = ""

    @property
    def p(self) -> float | None:
        """The test's headline p value (None when it could not be computed).

        Welch's p when the test reports Welch's t or F (``variant``), so that p-value
        adjustment and summaries use the test that the report states.
        """
        value = self.stats.get("p")
        if self.stats.get("variant") == "welch":
            value = (self.stats.get("welch") or {}).get("p", value)
        return None if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form: the statistics' keys at top level beside dv and by."""
        out: dict[str, Any] = {"kind": self.kind, "dv": self.dv, "by": self.by}
        out.update({k: _plain(v) for k, v in self.stats.items() if k != "kind"})
        if self.p_adjusted is not None:
            out["p_adjusted"] = self.p_adjusted
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class Result:
    """Everything an analysis produced."""

    survey: str
    title: str
    received: int
    excluded: int
    analysed: int
    exclusions: list[dict[str, Any]]
    tables: list[Table]
    tests: list[TestReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    data_issues: list[dict[str, Any]] = field(default_factory=list)
    """Cells set to missing by ``invalid: missing``: {row, line, column, item, value, reason}."""

    def to_dict(self) -> dict[str, Any]:
        """The public JSON document."""
        return {
            "survey": self.survey,
            "title": self.title,
            "source": self.source,
            "respondents": {
                "received": self.received,
                "excluded": self.excluded,
                "analysed": self.analysed,
            },
            "exclusions": list(self.exclusions),
            "data_issues": list(self.data_issues),
            "tables": [t.to_dict() for t in self.tables],
            "tests": [t.to_dict() for t in self.tests],
            "options": dict(self.options),
            "notes": list(self.notes),
        }


def _plain(value: Any) -> Any:
    """numpy scalars → Python; NaN/inf → None; containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
