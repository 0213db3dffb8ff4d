"""The result of ``surveykit compare``: two waves of one questionnaire, item by item.

A sibling of :class:`surveykit.result.Result`: plain, unrounded data that the
document model lays out (``render/waves.py``) and every renderer prints;
:meth:`WaveComparison.to_dict` is the JSON contract (``kind: wave_comparison``).
Small-cell protection (``compare.protect_waves``) replaces withheld numbers by
text (``< 5``, ``[c]``), as it does in a Result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveykit.result import _plain

KIND = "wave_comparison"
TESTS = {
    "chi-square": "χ² test across waves",
    "two-proportions": "two-proportion z test",
    "welch-t": "Welch's t test",
}


@dataclass(frozen=True)
class WaveComparison:
    """Every item and scale compared across two waves.

    ``waves`` holds each wave's {source, received, excluded, analysed}. ``items``
    holds one entry per item or scale compared: its ``type`` and ``test``, its
    ``old`` and ``new`` n (and mean, SD for numbers and scales), ``levels`` (single,
    ordinal) or ``choices`` (multi) with n and % per wave and the change in
    percentage points, and the test's statistic, p, adjusted p and ``significant``
    (at alpha, after adjustment). ``only_in_old`` and ``only_in_new`` list the
    items that only one wave's file holds.
    """

    survey: str
    title: str
    waves: dict[str, dict[str, Any]]
    items: list[dict[str, Any]]
    only_in_old: list[dict[str, str]] = field(default_factory=list)
    only_in_new: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON document of ``surveykit compare --format json``."""
        return {
            "kind": KIND,
            "survey": self.survey,
            "title": self.title,
            "waves": _plain(self.waves),
            "items": _plain(self.items),
            "only_in_old": list(self.only_in_old),
            "only_in_new": list(self.only_in_new),
            "options": dict(self.options),
            "notes": list(self.notes),
        }

    def tests(self) -> list[dict[str, Any]]:
        """Every test of change, in order: an item's, or each choice's of a multi item."""
        out = []
        for entry in self.items:
            out.extend(entry["choices"] if entry["type"] == "multi" else [entry])
        return out
