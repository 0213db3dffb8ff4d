"""The Likert matrix: statements × answer categories, as a battery of statements is shown.

Each statement is a row: the percentage of its valid answers in each category
(blank, not-applicable and user-missing answers left out), its n, the mean and
SD of the answer codes, and the share of the top ``top_box`` categories. The
numbers are unrounded; the diverging bar chart (render/figures.py) is drawn from
this table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from surveykit.ingest import Responses
from surveykit.questionnaire import Item
from surveykit.result import COUNT, LABEL, PERCENT, ROW_DATA, STATISTIC, Column, Table

N = "n"


def likert_table(
    responses: Responses,
    items: Sequence[Item],
    table_id: str,
    title: str,
    *,
    top_box: int = 2,
    sort: str = "none",
) -> Table:
    """The Likert matrix of ``items`` (ordinal, one shared answer scale; checked by the plan).

    ``sort="agree"`` orders statements by their top-box share, highest first (ties in
    plan order), as a report ranks statements by agreement.
    """
    from surveykit.stats import describe_numeric

    choices = items[0].choices
    labels = [c.label for c in choices]
    codes = np.array([c.code for c in choices], dtype=float)
    top = labels[-top_box:]
    rows = []
    for item in items:
        counts = _counts(responses, item, labels)
        n = int(counts.sum())
        shares = [100.0 * c / n if n else None for c in counts]
        mean = sd = None
        if n:
            d = describe_numeric(np.repeat(codes, counts))
            mean, sd = d.mean, d.sd
        top_share = 100.0 * int(counts[-top_box:].sum()) / n if n else None
        rows.append([item.label, *shares, n, mean, sd, top_share])
    if sort == "agree":
        order = sorted(range(len(rows)), key=lambda i: (-(rows[i][-1] or 0.0), i))
        rows = [rows[i] for i in order]
        ordered = [items[i] for i in order]
    else:
        ordered = list(items)
    code_text = ", ".join(f"{c.label} = {c.code:g}" for c in choices)
    notes = [
        "Percent of each statement's valid answers (n); blank, not-applicable and missing "
        "answers are left out.",
        f"Mean and SD (n − 1) of the answer codes ({code_text}).",
        f"Top-{top_box} % = {' or '.join(top)}."
        + (" Statements sorted by it, highest first." if sort == "agree" else ""),
    ]
    columns = [
        Column("", LABEL),
        *(Column(label, PERCENT, of=N, base="row") for label in labels),
        Column(N, COUNT),
        Column("Mean", STATISTIC, of=N),
        Column("SD", STATISTIC, of=N),
        Column(f"Top-{top_box} %", PERCENT, of=N, base="top_box"),
    ]
    return Table(
        id=table_id, title=title, columns=columns, rows=rows, kind="likert",
        row_kinds=[ROW_DATA] * len(rows), items=[i.id for i in ordered], notes=notes,
    )  # fmt: skip


def _counts(responses: Responses, item: Item, labels: list[str]) -> np.ndarray:
    """The count of each answer category (user-missing answers are NaN in ``data``)."""
    values = responses.data[item.id]
    if hasattr(values, "cat"):
        where = {label: i for i, label in enumerate(labels)}
        position = np.array(
            [where.get(c, -1) for c in values.cat.categories] + [-1], dtype=np.int64
        )[values.cat.codes.to_numpy()]
    else:
        position = np.array([labels.index(v) if v in labels else -1 for v in values])
    return np.bincount(position[position >= 0], minlength=len(labels))
