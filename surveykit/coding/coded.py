"""A survey's codebook with its coders' rows: what theme tables and ``code:`` variables read.

Its own module so that ``code:`` variables (needed while the plan is read) do not
reach the theme tables, which know the plan: data flows one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from surveykit.coding.codebook import Codebook
from surveykit.coding.sheet import CodingRow, check_answers


@dataclass(frozen=True)
class Coding:
    """A survey's codebook and coders' rows: what the theme tables and ``code:`` variables read."""

    codebook: Codebook
    rows: tuple[CodingRow, ...]
    sheet: Path | None = None  # where the rows were read (for errors)

    def check_answers(self, data: pd.DataFrame, *, numbered: bool) -> None:
        """Rows that keep their answer's start must still point at that answer (else one error).

        ``numbered``: respondents are R1..Rn after exclusions, so the error says what
        renumbers them.
        """
        kept = [row for row in self.rows if row.answer]
        if not kept:
            return
        ids = pd.Index([str(r) for r in data.index])
        texts: dict[tuple[str, str], str] = {}
        for item in dict.fromkeys(row.item for row in kept):
            if item not in data:
                continue
            column = pd.Series(data[item].to_numpy(), index=ids)
            for respondent in {row.respondent for row in kept if row.item == item}:
                if respondent in column.index:
                    value = column[respondent]
                    texts[(respondent, item)] = "" if pd.isna(value) else str(value)
        check_answers(kept, texts, set(ids), self.sheet or "coding.csv", numbered=numbered)

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
