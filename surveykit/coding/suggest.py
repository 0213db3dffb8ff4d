"""Suggesting codes from the codebook's patterns, and agreement between two coders.

``suggest`` adds a ``suggested`` row for every (answer, code) whose patterns
match, for one coder, and leaves every row already in the sheet as it is — a
person's accept or reject is never overwritten, and a suggestion made before is
not made again.

``agreement`` compares two coders on the answers both have looked at (an
answer counts as looked at by a coder with at least one row for it, of any
status); the unit is (answer, code) for every code that applies to the item,
and the value is whether the code stands (accepted or added by hand).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.coding.codebook import Codebook
from surveykit.coding.sheet import CodingRow
from surveykit.errors import SurveyError
from surveykit.stats.agreement import KappaResult, cohen_kappa, krippendorff_alpha_nominal


def answers(data: pd.DataFrame, codebook: Codebook) -> dict[str, pd.Series]:
    """The non-blank answers of each coded text item, indexed by respondent id."""
    out: dict[str, pd.Series] = {}
    for item in dict.fromkeys(i for c in codebook.codes for i in c.items):
        if item not in data:
            continue
        column = data[item].dropna().astype(str)
        out[item] = column[column.str.strip() != ""]
    return out


def keyed(texts: dict[str, pd.Series]) -> dict[tuple[str, str], str]:
    """``answers`` as (respondent, item) → text: what ``coding.csv``'s answer column is checked by."""
    return {
        (str(respondent), item): str(text)
        for item, column in texts.items()
        for respondent, text in column.items()
    }


def suggest(
    existing: list[CodingRow], texts: dict[str, pd.Series], codebook: Codebook, coder: str
) -> tuple[list[CodingRow], int]:
    """``existing`` plus new suggestions for ``coder``; returns the rows and how many were added."""
    if not coder.strip():
        raise SurveyError("--coder must not be blank")
    known = {row.key for row in existing}
    added: list[CodingRow] = []
    for item, column in texts.items():
        codes = [c for c in codebook.codes_for(item) if c.matcher is not None]
        respondents = [str(r) for r in column.index]
        answers_ = [str(t) for t in column]
        lowers = [t.lower() for t in answers_]
        found = sorted(
            (i, order)
            for order, code in enumerate(codes)
            for i in code.matcher.hits(answers_, lowers)  # type: ignore[union-attr]
        )
        for i, order in found:
            key = (respondents[i], item, codes[order].id, coder)
            if key not in known:
                added.append(CodingRow(respondents[i], item, codes[order].id, coder, "suggested"))
                known.add(key)
    return [*existing, *added], len(added)


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or pooled over all codes, ``code`` = None)."""

    code: str | None
    units: int
    agreement: float
    kappa: KappaResult | None
    alpha: float | None
    note: str = ""


def agreement(
    rows: list[CodingRow], codebook: Codebook, first: str, second: str
) -> list[CodeAgreement]:
    """Per code, then pooled: percent agreement, Cohen's κ and Krippendorff's α of two coders."""
    seen: dict[str, set[tuple[str, str]]] = {first: set(), second: set()}
    stands: dict[str, set[tuple[str, str, str]]] = {first: set(), second: set()}
    for row in rows:
        if row.coder in seen:
            seen[row.coder].add((row.respondent, row.item))
            if row.counts:
                stands[row.coder].add((row.respondent, row.item, row.code))
    for coder in (first, second):
        if not seen[coder]:
            raise SurveyError(f"coder {coder!r} has no rows in the coding sheet")
    both = sorted(seen[first] & seen[second])
    if not both:
        raise SurveyError(f"no answer was coded by both {first!r} and {second!r}")
    out: list[CodeAgreement] = []
    pooled_a: list[int] = []
    pooled_b: list[int] = []
    for code in codebook.codes:
        units = [(r, i) for r, i in both if i in code.items]
        if not units:
            continue
        a = np.array([(r, i, code.id) in stands[first] for r, i in units], dtype=int)
        b = np.array([(r, i, code.id) in stands[second] for r, i in units], dtype=int)
        pooled_a += a.tolist()
        pooled_b += b.tolist()
        out.append(_agree(code.id, a, b))
    out.append(_agree(None, np.array(pooled_a), np.array(pooled_b)))
    return out


def _agree(code: str | None, a: np.ndarray, b: np.ndarray) -> CodeAgreement:
    po = float(np.mean(a == b))
    if len(set(a.tolist()) | set(b.tolist())) < 2:
        return CodeAgreement(
            code,
            len(a),
            po,
            None,
            None,
            "both coders gave one value to every unit: κ and α undefined",
        )
    return CodeAgreement(
        code,
        len(a),
        po,
        cohen_kappa(a, b, 2),
        krippendorff_alpha_nominal(np.vstack([a, b]).astype(float)),
    )
