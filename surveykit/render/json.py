"""The JSON document of ``analyze --format json`` and ``report --format json``."""

from __future__ import annotations

import json
from typing import Any

from surveykit.render.apa import apa
from surveykit.result import Result


def to_document(result: Result) -> dict[str, Any]:
    """The result as plain data, with an APA line added to each test."""
    doc = result.to_dict()
    for test in doc["tests"]:
        test["apa"] = apa(test)
    return doc


def render_json(result: Result) -> str:
    """Pretty-printed, key order stable, NaN never emitted."""
    return json.dumps(to_document(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
