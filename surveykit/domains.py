"""Subsets of a weighted or counted population: domains.

A ``--where`` subset, a ``--split`` unit or a plan entry's ``where:`` describes a
domain of the analysed respondents. The population's headcounts and the weights
calibrated to them describe everyone, so a domain is not re-weighted: its
respondents keep their weights and the others stay in the design with no answer
(R survey's ``subset(design, …)``, ``svyby``), which
:mod:`surveykit.weighting` does by masking them out of every estimate.

The response rate of a domain is known only when the domain is a unit the
headcounts describe: one level of a population item (``dept == "Surgery"``, what
``--split dept`` makes), optionally broken down by the other items of the
population's joint ``cells:``.
"""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING

import numpy as np

from surveykit.errors import SurveyError
from surveykit.result import (
    COUNT,
    INTEGER,
    LABEL,
    PERCENT,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    Column,
    Table,
)

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan
    from surveykit.population import Population

NOT_STATED = "Not stated"
UNIT_RATE_NOTE = (
    "Response rate = completed questionnaires analysed / eligible staff (headcount) of "
    "this unit. Every eligible member of staff was invited (a census), so, as in AAPOR's "
    "response rate 1, no sampling or eligibility estimate enters the rate."
)
NO_RATE = (
    "No response rate for this subset: the headcounts are of {items}, and the subset "
    "({where}) is not one of their levels."
)


def domain_mask(responses: Responses, where: str, plan: Plan | None = None) -> np.ndarray:
    """Which of the analysed respondents meet ``where`` (a run's or a plan entry's)."""
    from surveykit.subsets import item_types, matches, parse_where

    known = item_types(responses)
    if plan is not None:  # a plan entry's where: may name a scale
        known.update({scale.id: "number" for scale in plan.scales})
    try:
        return matches(responses, parse_where(where, known))
    except SurveyError as exc:
        raise SurveyError(f"where: {exc.message}") from exc


def unit_of(where: str) -> tuple[str, str] | None:
    """``(item, level)`` when ``where`` is exactly ``item == "level"`` (either way round)."""
    try:
        body = ast.parse(where, mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(body, ast.Compare) and len(body.ops) == 1 and isinstance(body.ops[0], ast.Eq)
    ):
        return None
    left, right = body.left, body.comparators[0]
    if isinstance(right, ast.Name):
        left, right = right, left
    if (
        isinstance(left, ast.Name)
        and isinstance(right, ast.Constant)
        and isinstance(right.value, str)
    ):
        return left.id, right.value
    return None


def domain_rate_table(
    responses: Responses, population: Population, where: str, domain: np.ndarray | None
) -> tuple[Table | None, str | None]:
    """The response rate of a unit of the population, or a note saying why there is none.

    For ``item == level``: the unit's respondents over its headcount and, where the
    population's joint ``cells:`` cross ``item`` with other items, per level of each
    of them within the unit (so that a ward's report shows its professions' rates).
    """
    unit = unit_of(where)
    if unit is None or unit[0] not in population.margins:
        items = ", ".join(population.margins)
        return None, NO_RATE.format(items=items, where=where)
    item, level = unit
    headcount = population.margins[item].get(level)
    if headcount is None:
        return None, NO_RATE.format(items=", ".join(population.margins), where=where)
    keep = domain if domain is not None else np.ones(responses.analysed, dtype=bool)
    inside = responses.data[keep]
    labels = {i.id: i.label for i in responses.questionnaire.items}
    n = int(keep.sum())
    rows: list[list] = [
        [f"{labels.get(item, item)}: {level}", n, _whole(headcount), _rate(n, headcount)]
    ]
    kinds = [ROW_DATA]
    shown = [item]
    if item in population.cell_items:
        for other in population.cell_items:
            if other == item:
                continue
            counts = inside[other].value_counts()
            heads: dict[str, float] = {}
            for levels, count in population.cells:
                if levels[item] == level:
                    heads[levels[other]] = heads.get(levels[other], 0.0) + count
            rows.append([labels.get(other, other), None, None, None])
            kinds.append(ROW_HEADING)
            stated = 0
            for lv, head in heads.items():
                k = int(counts.get(lv, 0))
                stated += k
                rows.append([lv, k, _whole(head), _rate(k, head)])
                kinds.append(ROW_DATA)
            if n - stated:
                rows.append([NOT_STATED, n - stated, None, None])
                kinds.append(ROW_MISSING)
            shown.append(other)
    table = Table(
        id="response_rates",
        title="Response rates",
        columns=[
            Column("", LABEL),
            Column("Respondents", COUNT),
            Column("Headcount", INTEGER),
            Column("Rate %", PERCENT, of="Respondents"),
        ],
        rows=rows,
        # As the whole survey's table: the first row stands alone, each heading's rows
        # (levels and Not stated) add up to the unit's respondents.
        kind="block",
        row_kinds=kinds,
        items=shown[1:],
        notes=[UNIT_RATE_NOTE],
        percent_base=None,
    )
    return table, None


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _rate(respondents: int, headcount: float) -> float | None:
    return 100.0 * respondents / headcount if headcount > 0 and math.isfinite(headcount) else None
