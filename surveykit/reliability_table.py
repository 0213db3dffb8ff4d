"""Reliability of the plan's scales, laid out as SPSS's RELIABILITY prints it.

Two tables per ``reliability:`` entry: *Reliability statistics* (one row per
scale: complete cases, items, Cronbach's α with Feldt's 95% CI, standardised α,
mean inter-item r) and *Item–total statistics* (per item of each scale: mean,
SD, corrected item–total r, α if the item is deleted). Both use the
respondents who answered every item of the scale (listwise, as psych::alpha on
complete cases and SPSS), with reverse-keyed items reversed as the scale scores
them. Statistics come from :func:`surveykit.stats.cronbach_alpha`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from surveykit.errors import StatisticsError
from surveykit.ingest import Responses
from surveykit.plan import ScaleSpec
from surveykit.questionnaire import Item
from surveykit.result import (
    COEFFICIENT,
    COUNT,
    INTEGER,
    LABEL,
    ROW_DATA,
    ROW_HEADING,
    STATISTIC,
    Column,
    Note,
    Table,
    literal,
)

N = "n"


def scale_matrix(responses: Responses, scale: ScaleSpec, items: dict[str, Item]) -> pd.DataFrame:
    """The scale's item scores, one column per item, reverse-keyed items reversed."""
    matrix = pd.DataFrame({i: responses.scores(i) for i in scale.items})
    for r in scale.reverse:
        codes = [c.code for c in items[r].choices]
        matrix[r] = min(codes) + max(codes) - matrix[r]
    return matrix


def reliability_tables(
    responses: Responses,
    scales: Sequence[ScaleSpec],
    items: dict[str, Item],
    table_id: str,
    title: str,
) -> list[Table]:
    """The *Reliability statistics* table (``table_id``) and its item–total table."""
    from surveykit.stats import cronbach_alpha

    summary: list[list] = []
    item_rows: list[list] = []
    item_kinds: list[str] = []
    notes: list[str | Note] = []
    item_notes: list[str | Note] = []
    for scale in scales:
        matrix = scale_matrix(responses, scale, items).to_numpy(dtype=float)
        labels = [items[i].label for i in scale.items]
        if scale.reverse:
            item_notes.append(
                f"{literal(scale.label)}: reverse-keyed, scored reversed: "
                + "; ".join(literal(items[i].label) for i in scale.reverse)
                + "."
            )
        item_rows.append([scale.label, None, None, None, None, None])
        item_kinds.append(ROW_HEADING)
        try:
            a = cronbach_alpha(matrix, labels)
        except StatisticsError as exc:
            summary.append([scale.label, None, len(scale.items), None, None, None, None])
            notes.append(f"{scale.label}: not computed: {exc.message}")
            for label in labels:
                item_rows.append([label, None, None, None, None, None])
                item_kinds.append(ROW_DATA)
            continue
        summary.append([scale.label, a.n, a.k, a.alpha, a.ci95, a.std_alpha, a.mean_r])
        for row in a.item_total:
            item_rows.append(
                [row.item, a.n, row.mean, row.sd, row.corrected_r, row.alpha_if_deleted]
            )
            item_kinds.append(ROW_DATA)
        # Notes other than the listwise count (which the n column states) say why a
        # figure is blank.
        for text in a.notes:
            if "listwise" not in text:
                item_notes.append(f"{literal(scale.label)}: {literal(text)}.")
    notes.insert(
        0,
        "n: respondents who answered every item of the scale (complete cases); reverse-keyed "
        "items reversed. 95% CI of α by Feldt's method. Std. α: standardised α, from the mean "
        "inter-item correlation r.",
    )
    item_notes.insert(
        0,
        "Per item, among the complete cases: mean and SD (n − 1) of its scores; corrected "
        "item–total r, its correlation with the sum of the scale's other items; α if the item "
        "is deleted.",
    )
    ids = [s.id for s in scales]
    statistics = Table(
        id=table_id,
        title=title,
        columns=[
            Column("", LABEL),
            Column(N, COUNT),
            Column("Items", INTEGER),
            Column("Cronbach's α", COEFFICIENT, of=N),
            Column("95% CI", COEFFICIENT, of=N),
            Column("Std. α", COEFFICIENT, of=N),
            Column("Mean inter-item r", COEFFICIENT, of=N),
        ],
        rows=summary,
        kind="reliability",
        row_kinds=[ROW_DATA] * len(summary),
        items=ids,
        notes=notes,
    )
    item_total = Table(
        id=f"{table_id}_items",
        title=f"{title}: item–total statistics",
        columns=[
            Column("", LABEL),
            Column(N, COUNT),
            Column("Mean", STATISTIC, of=N),
            Column("SD", STATISTIC, of=N),
            Column("Corrected item–total r", COEFFICIENT, of=N),
            Column("α if item deleted", COEFFICIENT, of=N),
        ],
        rows=item_rows,
        kind="item_total",
        row_kinds=item_kinds,
        items=ids,
        notes=item_notes,
    )
    return [statistics, item_total]
