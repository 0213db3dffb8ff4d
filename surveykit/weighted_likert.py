"""A weighted Likert matrix: each statement's weighted % per answer category.

With weights, a Likert matrix (surveykit/likert.py) is rebuilt from the data:
each statement's shares become the weighted % of its valid answers, as R
survey's ``svymean(~factor(item), design)`` on the calibrated design (a subset's
statements as ``svymean`` on ``subset(design, …)``: the respondents outside stay
in the design with no answer, see :mod:`surveykit.domains`); the mean of the
answer codes becomes the weighted mean with its 95 % interval and the top-box
share the weighted share of the top categories. n stays the unweighted number
of respondents who answered. The SD is left out, as in the other weighted
tables (unweighted, it would describe the sample rather than the staff).

A weighted % gives no count back exactly, but with n and the weights of a few
classes it comes close: the table keeps the unweighted count behind each share
(``Table.counts``, never shown) so that small-cell protection withholds the
share of a small count and the shares that would give it back, as it does for
the unweighted matrix. The 95 % interval of each share is in ``Table.ci95``
(JSON only: five intervals per statement do not fit a printed matrix).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.errors import StatisticsError
from surveykit.result import COUNT, INTERVAL, LABEL, PERCENT, STATISTIC, Column, Table

if TYPE_CHECKING:
    from surveykit.questionnaire import Item
    from surveykit.stats.weights import Calibration

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval
N = "n"


def weigh_likert(
    table: Table,
    data: pd.DataFrame,
    items: dict[str, Item],
    cal: Calibration,
    keep: np.ndarray | None = None,
    *,
    sort: str = "none",
) -> Table:
    """``table`` (a Likert matrix) with weighted % and means in place of the unweighted ones.

    ``keep`` marks the respondents of a subset (a ``--where`` run, a ``--split`` unit or
    the table's own ``where:``); ``sort="agree"`` orders the statements by their
    weighted top-box share, highest first, as the unweighted matrix is by its own.
    """
    from surveykit.stats.weights import weighted_mean, weighted_proportions

    shares = [j for j, c in enumerate(table.columns) if c.role == PERCENT and c.base == "row"]
    labels = [str(table.columns[j]) for j in shares]
    top_col = next(j for j, c in enumerate(table.columns) if c.base == "top_box")
    top_box = int(str(table.columns[top_col]).split("-")[1].split()[0])
    first = items[table.items[0]]
    codes_of = np.array([c.code for c in first.choices], dtype=float)
    rows, counts, cis = [], [], []
    for item_id in table.items:
        item = items[item_id]
        codes = pd.Categorical(data[item_id].astype(object), categories=labels).codes
        codes = np.asarray(codes, dtype=np.int64)
        if keep is not None:
            codes = np.where(keep, codes, -1)
        tally = np.bincount(codes[codes >= 0], minlength=len(labels))
        n = int(tally.sum())
        pct: list = [None] * len(labels)
        ci: list = [None] * len(labels)
        mean: list = [None, None]
        top = None
        if n:
            try:
                est = weighted_proportions(codes, len(labels), cal)
                values = np.where(codes >= 0, codes_of[np.maximum(codes, 0)], np.nan)
                m = weighted_mean(values, cal)
            except StatisticsError:
                est = m = None
            if est is not None and m is not None:
                pct = [100 * float(p) for p in est.estimate]
                ci = [_interval(100 * float(p), 100 * float(se), 0.0, 100.0)
                      for p, se in zip(est.estimate, est.se, strict=True)]  # fmt: skip
                mean = [float(m.estimate[0]), _interval(float(m.estimate[0]), float(m.se[0]))]
                top = 100 * float(est.estimate[-top_box:].sum())
        rows.append([item.label, *pct, n, *mean, top])
        counts.append([None, *map(int, tally), None, None, None, None])
        cis.append([None, *ci, None, None, None, None])
    order = list(range(len(rows)))
    if sort == "agree":
        order.sort(key=lambda i: (-(rows[i][-1] or 0.0), i))
    columns = [
        Column("", LABEL),
        *(Column(label, PERCENT, of=N, base="row") for label in labels),
        Column(N, COUNT),
        Column("Weighted mean", STATISTIC, of=N),
        Column("Mean 95% CI", INTERVAL, of=N),
        Column(str(table.columns[top_col]), PERCENT, of=N, base="top_box"),
    ]
    code_text = ", ".join(f"{c.label} = {c.code:g}" for c in first.choices)
    top = " or ".join(labels[-top_box:])
    notes = [
        "Weighted % of each statement's valid answers (blank, not-applicable and missing "
        "answers left out), as R survey's svymean(~factor(item)) on the weighted design; "
        "n is the respondents who answered, unweighted. The 95% confidence interval of "
        "each % is in the JSON output (ci95).",
        f"Weighted mean of the answer codes ({code_text}), with its 95% confidence interval "
        "(estimate ± 1.96 linearised SE); no SD (unweighted, it would describe the "
        "respondents rather than the staff).",
        f"Top-{top_box} % = weighted % of {top}."
        + (" Statements sorted by it, highest first." if sort == "agree" else ""),
    ]
    return replace(
        table,
        columns=columns,
        rows=[rows[i] for i in order],
        items=[table.items[i] for i in order],
        notes=notes,
        counts=[counts[i] for i in order],
        ci95=[cis[i] for i in order],
    )


def _interval(estimate: float, se: float, lo: float = -np.inf, hi: float = np.inf) -> list:
    return [float(max(lo, estimate - Z95 * se)), float(min(hi, estimate + Z95 * se))]
