"""Subsets of a weighted or counted population: domains.

A ``--where`` subset, a ``--split`` unit or a plan entry's ``where:`` describes a
domain of the analysed respondents. The population's headcounts and the weights
calibrated to them describe everyone, so a domain is not re-weighted: its
respondents keep their weights and the others stay in the design with no answer
(R survey's ``subset(design, …)``, ``svyby``), which
:mod:`surveykit.weighting` does by masking them out of every estimate.

The response rate of a domain is known only when the domain is a unit the
headcounts describe (:func:`unit_of`): one level of a population item
(``dept == "Surgery"``, what ``--split dept`` makes); its table is
:func:`surveykit.response_rates.unit_rate_table`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import numpy as np

from surveykit.errors import SurveyError

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan


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
