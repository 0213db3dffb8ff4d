"""A survey's codebook with its coders' rows: what theme tables and ``code:`` variables read.

Its own module so that ``code:`` variables (needed while the plan is read) do not
reach the theme tables, which know the plan: data flows one way.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surveykit.coding.codebook import Codebook
from surveykit.coding.sheet import CodingRow


@dataclass(frozen=True)
class Coding:
    """A survey's codebook and coders' rows: what the theme tables and ``code:`` variables read."""

    codebook: Codebook
    rows: tuple[CodingRow, ...]

    def standing(self) -> dict[tuple[str, str], set[str]]:
        """(item, code) → the respondents for whom the code stands (accepted or added by hand)."""
        out: dict[tuple[str, str], set[str]] = {}
        for row in self.rows:
            if row.counts:
                out.setdefault((row.item, row.code), set()).add(row.respondent)
        return out


def answered(data: pd.DataFrame, item: str) -> pd.Index:
    """Respondents (ids as text) with a non-blank answer to text item ``item``."""
    column = data[item]
    mask = column.notna() & (column.astype(str).str.strip() != "")
    return pd.Index([str(r) for r in column.index[mask.to_numpy(dtype=bool)]])
