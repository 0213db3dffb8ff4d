"""The JSON document of ``analyze --format json`` and ``report --format json``.

The one converter from a Result to plain data: the Result's own ``to_dict``
(numbers unrounded) with each test's APA line added.
"""

from __future__ import annotations

import json
from typing import Any

from surveykit.render.apa import apa
from surveykit.result import Result, TestReport


def test_document(test: TestReport) -> dict[str, Any]:
    """One test as plain data, with its APA line."""
    doc = test.to_dict()
    doc["apa"] = apa(doc)
    return doc


def to_document(result: Result) -> dict[str, Any]:
    """The result as plain data, with an APA line added to each test."""
    doc = result.to_dict()
    doc["tests"] = [test_document(t) for t in result.tests]
    return doc


def render_json(result: Result) -> str:
    """Pretty-printed, key order stable, NaN never emitted."""
    return json.dumps(to_document(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
