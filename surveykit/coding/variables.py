"""Codes as 0/1 variables: ``code:role_clarity`` wherever a plan names an item.

A code variable is a single-choice item with the choices No (0) and Yes (1):
Yes for a respondent who answered one of the code's items and has the code
(accepted or added by hand, by any coder), No for one who answered without it,
missing for one who answered none of them. So it can be described, crossed
and tested like any closed item, and a t-test's mean of it is a proportion.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.questionnaire import Choice, Item, Questionnaire
from surveykit.yamlio import Mapping

if TYPE_CHECKING:
    from surveykit.coding.coded import Coding
    from surveykit.ingest import Responses

PREFIX = "code:"
NO, YES = "No", "Yes"


def mentioned(doc: Any) -> int | None:
    """The line of the first ``code:`` reference in a plan document (None when there is none)."""
    if isinstance(doc, str):
        return 0 if doc.startswith(PREFIX) else None
    if isinstance(doc, Mapping):
        for key, value in doc.items():
            found = mentioned(value)
            if found is not None:
                return found or doc.line_of(key)
    elif isinstance(doc, list):
        for value in doc:
            found = mentioned(value)
            if found is not None:
                return found or getattr(doc, "line", 0) or 0
    return None


def plan_names(doc: Any, questionnaire: Questionnaire) -> dict[str, str]:
    """``code:<id>`` → "single" for every code, when the plan mentions one (for its checks).

    The codebook is read from beside the questionnaire; a plan naming a code
    without one is an error on the line of the first mention.
    """
    line = mentioned(doc)
    if line is None:
        return {}
    from surveykit.coding.codebook import load_codebook

    path = questionnaire.path.parent / "codebook.yaml" if questionnaire.path else None
    if path is None or not path.is_file():
        raise SurveyError(
            "names a code (code:…) but there is no codebook.yaml beside the questionnaire",
            line=line or None,
        )
    return {PREFIX + c.id: "single" for c in load_codebook(path, questionnaire).codes}


def code_item(coding: Coding, name: str) -> Item:
    """The single-choice item standing for ``code:<id>``."""
    code = coding.codebook.code(name.removeprefix(PREFIX))
    return Item(
        id=name,
        text=f"{code.label} (code {code.id} of {', '.join(code.items)})",
        type="single",
        label=code.label,
        choices=(Choice(0, NO), Choice(1, YES)),
    )


def add_code_variables(responses: Responses, coding: Coding, names: list[str]) -> Responses:
    """``responses`` with a column and an item for each ``code:<id>`` in ``names``."""
    from surveykit.coding.coded import answered

    if not names:
        return responses
    data = responses.data.copy()
    ids = pd.Index([str(r) for r in data.index])
    standing = coding.standing()
    items = []
    for name in dict.fromkeys(names):
        item = code_item(coding, name)
        code = coding.codebook.code(name.removeprefix(PREFIX))
        did = np.zeros(len(ids), dtype=bool)
        has = np.zeros(len(ids), dtype=bool)
        for text_item in code.items:
            if text_item not in data:
                continue
            did |= ids.isin(answered(data, text_item))
            has |= ids.isin(list(standing.get((text_item, code.id), ())))
        has &= did
        codes = np.where(did, has.astype(np.int8), -1)
        data[name] = pd.Categorical.from_codes(codes, categories=[NO, YES])
        items.append(item)
    q = responses.questionnaire
    known = {i.id for i in q.items}
    questionnaire = replace(
        q, items=(*q.items, *(i for i in items if i.id not in known)), _by_id={}
    )
    return replace(responses, data=data, questionnaire=questionnaire)


def names_in(specs: list[Any]) -> list[str]:
    """The ``code:`` names a plan's tables and tests use, in order."""
    out = []
    for spec in specs:
        for field in ("describe", "rows", "columns", "dv", "by"):
            value = getattr(spec, field, None)
            values = value if isinstance(value, tuple) else (value,)
            out += [v for v in values if isinstance(v, str) and v.startswith(PREFIX)]
    return out


def folder_of(questionnaire: Questionnaire) -> Path | None:
    return questionnaire.path.parent if questionnaire.path else None
