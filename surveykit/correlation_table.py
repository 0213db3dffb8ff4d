"""The correlation matrix, laid out as APA prints it: lower triangle, r with stars, a note.

Each cell below the diagonal is a :class:`~surveykit.result.Correlation` (r,
the pair's n, p and Fisher-z 95% CI from :func:`surveykit.stats.correlate`), so
the JSON document carries every pair's figures and renderers print r with its
stars. Ordinal items enter with their answer codes, scales with their scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from surveykit.ingest import Responses
from surveykit.questionnaire import Item
from surveykit.result import CORRELATION, LABEL, ROW_DATA, Column, Correlation, Note, Table

_METHOD_NAMES = {"pearson": "Pearson's r", "spearman": "Spearman's ρ"}


def correlation_table(
    responses: Responses,
    items: Sequence[Item],
    table_id: str,
    title: str,
    *,
    method: str = "pearson",
    missing: str = "pairwise",
) -> Table:
    """The lower-triangle matrix of ``items`` (numbers, ordinal codes, scale scores)."""
    from surveykit.stats.correlation import correlate

    columns = []
    for item in items:
        if item.type == "number":
            values, _shift = responses.numbers(item.id)  # a shift changes no correlation
        else:
            values = responses.scores(item.id)
        columns.append(values.to_numpy(dtype=float, na_value=np.nan))
    result = correlate(columns, [i.id for i in items], method, listwise=missing == "listwise")
    pairs = {(p.first, p.second): p for p in result.pairs}
    k = len(items)
    rows: list[list] = []
    for i, item in enumerate(items):
        row: list = [f"{i + 1}. {item.label}"]
        for j, other in enumerate(items):
            if j < i:
                p = pairs[(other.id, item.id)]
                row.append(Correlation(r=p.r, n=p.n, p=p.p, ci95=p.ci95))
            else:
                row.append("—" if j == i else None)
        rows.append(row)
    ns = [p.n for p in result.pairs]
    deletion = (
        "listwise deletion (respondents who answered every item)"
        if missing == "listwise"
        else "pairwise deletion (each pair uses the respondents who answered both)"
    )
    counts = {"n_min": min(ns), "n_max": max(ns)}
    span = "n = {n_min}" if counts["n_min"] == counts["n_max"] else "n = {n_min} to {n_max}"
    notes: list[str | Note] = [
        Note(f"{_METHOD_NAMES[method]}, {deletion}; {span} per pair.", counts),
        "* p < .05. ** p < .01. *** p < .001 (two-tailed, not adjusted for multiple "
        "comparisons). The JSON document gives each pair's r, n, p and 95% CI (Fisher's z).",
    ]
    undefined = [f"{p.first}–{p.second}" for p in result.pairs if p.r is None]
    if undefined:
        notes.append(
            "Blank: r undefined (fewer than 3 respondents, or no spread) for "
            + ", ".join(undefined)
            + "."
        )
    return Table(
        id=table_id,
        title=title,
        columns=[Column("", LABEL), *(Column(str(j + 1), CORRELATION) for j in range(k))],
        rows=rows,
        kind="correlation",
        row_kinds=[ROW_DATA] * len(rows),
        items=[i.id for i in items],
        notes=notes,
    )
