"""Subsets of respondents: a plan's ``where:`` and the ``--where`` of a whole run.

A subset is the existing condition language (:mod:`surveykit.expressions`, as in
exclusion rules) evaluated on the analysed responses. It is not an exclusion:
excluded rows are bad data and never analysed, while a subset only narrows what
one table, scale, test or run describes, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.expressions import Expression, parse_expression

if TYPE_CHECKING:
    from collections.abc import Mapping

    from surveykit.ingest import Responses


@dataclass(frozen=True)
class Subset:
    """The respondents a run describes: ``n`` of the ``of`` analysed meet ``where``."""

    where: str
    n: int
    of: int

    def to_dict(self) -> dict[str, object]:
        """The ``respondents.subset`` object of the JSON document."""
        return {"where": self.where, "n": self.n, "of": self.of}


def parse_where(
    source: object, known: Mapping[str, str], *, option: str | None = None
) -> Expression:
    """Parse a ``where`` condition; ``option`` (e.g. ``--where``) prefixes an error's message.

    ``known`` maps item (and scale) ids to their types. Errors raised without a
    location get it from the caller (the plan's line) or name ``option``.
    """
    try:
        return parse_expression(source, known)  # type: ignore[arg-type]
    except SurveyError as exc:
        if option:
            raise SurveyError(f"{option}: {exc.message}") from exc
        raise


def matches(responses: Responses, expr: Expression) -> np.ndarray:
    """Boolean array: which analysed respondents meet ``expr`` (missing never does)."""

    def values(item_id: str) -> pd.Series:
        series = responses.data[item_id]
        typed = responses.other_text.get(item_id)
        if typed is not None:
            # Lets `profession == "Retired nurse"` match a typed "other" answer, as in rules.
            series = series.copy()
            series.attrs["other_text"] = typed
        return series

    def chosen(item_id: str, label: str) -> pd.Series:
        frame = responses.multi[item_id]
        if label not in frame.columns:
            raise SurveyError(
                f"{label!r} is not a choice of {item_id!r}; choices are "
                + ", ".join(repr(c) for c in frame.columns)
            )
        return frame[label]

    hit = expr.evaluate(values, chosen, responses.multi)
    return hit.to_numpy(dtype=bool)


def restrict(responses: Responses, keep: np.ndarray) -> Responses:
    """The same responses with only the rows where ``keep`` is true.

    ``received`` and the exclusions are left as they were: they describe the file.
    """
    rows = np.flatnonzero(keep)

    def take(obj):
        return obj.iloc[rows]

    return replace(
        responses,
        data=take(responses.data),
        multi={k: take(v) for k, v in responses.multi.items()},
        other_text={k: take(v) for k, v in responses.other_text.items()},
        applicable={k: take(v) for k, v in responses.applicable.items()},
        answered={k: take(v) for k, v in responses.answered.items()},
        centred={k: (take(dev), shift) for k, (dev, shift) in responses.centred.items()},
        user_missing={k: take(v) for k, v in responses.user_missing.items()},
        set_missing={k: take(v) for k, v in responses.set_missing.items()},
    )


def item_types(responses: Responses) -> dict[str, str]:
    """Item id → type, for checking the names in a condition."""
    return {item.id: item.type for item in responses.questionnaire.items}


def subset_run(responses: Responses, source: str) -> tuple[Responses, Subset]:
    """The responses of ``--where source`` and the :class:`Subset` that records it."""
    expr = parse_where(source, item_types(responses), option="--where")
    try:
        keep = matches(responses, expr)
    except SurveyError as exc:
        raise SurveyError(f"--where: {exc.message}") from exc
    subset = Subset(expr.source, int(keep.sum()), responses.analysed)
    return restrict(responses, keep), subset


def check_subset_size(subset: Subset, min_cell: int | None) -> None:
    """Refuse a ``--where`` subset smaller than ``min_cell``: its size alone is a small cell."""
    if min_cell is not None and subset.n < min_cell:
        raise SurveyError(
            f"--where: fewer than {min_cell} respondents meet {subset.where!r} (min_cell "
            f"{min_cell}); a report on them would show a small cell. Widen the condition"
        )
