"""Post-hoc pairwise comparisons (Tukey-Kramer, Games-Howell) and p-value adjustment."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from surveykit.errors import StatisticsError
from surveykit.stats.tukey import studentized_range_ppf, studentized_range_sf

AdjustMethod = Literal["none", "holm", "bonferroni", "fdr_bh"]


@dataclass(frozen=True)
class PairComparison:
    """One pairwise comparison: ``diff = mean(a) - mean(b)``; ``ci95`` at the requested level."""

    a: str
    b: str
    diff: float
    se: float
    df: float
    p_adj: float
    ci95: tuple[float, float]


def tukey_kramer(
    labels: Sequence[str],
    ns: Sequence[int],
    means: Sequence[float],
    ms_within: float,
    df_within: float,
    alpha: float = 0.05,
) -> list[PairComparison]:
    """Tukey HSD with the Tukey-Kramer SE for unequal n (as R TukeyHSD, SPSS/PSPP ONEWAY).

    ``se`` is the SE of the difference, sqrt(MSE (1/n_i + 1/n_j)), as SPSS prints it;
    the studentized range statistic is |diff| / se * sqrt(2).
    """
    k = len(labels)
    crit = float(studentized_range_ppf(1 - alpha, k, df_within)) / math.sqrt(2)
    out = []
    for i in range(k):
        for j in range(i + 1, k):
            diff = means[i] - means[j]
            se = math.sqrt(ms_within * (1 / ns[i] + 1 / ns[j]))
            q = abs(diff) / se * math.sqrt(2)
            p = float(studentized_range_sf(q, k, df_within))
            ci = (diff - crit * se, diff + crit * se)
            out.append(PairComparison(labels[i], labels[j], diff, se, df_within, p, ci))
    return out


def games_howell(
    labels: Sequence[str],
    ns: Sequence[int],
    means: Sequence[float],
    variances: Sequence[float | None],
    alpha: float = 0.05,
) -> tuple[list[PairComparison], list[str]]:
    """Games-Howell: Welch SE and Welch-Satterthwaite df per pair, studentized range with k groups.

    Groups with n < 2 have no variance and are left out, with a note; k stays the number
    of groups in the ANOVA (as in SPSS and R's rstatix::games_howell_test).
    """
    k = len(labels)
    notes = [
        f"group {labels[i]!r} has n = {ns[i]}; left out of Games-Howell comparisons"
        for i in range(k)
        if ns[i] < 2
    ]
    out = []
    for i in range(k):
        for j in range(i + 1, k):
            vi, vj = variances[i], variances[j]
            if vi is None or vj is None:
                continue
            a, b = vi / ns[i], vj / ns[j]
            if a + b == 0:
                notes.append(
                    f"groups {labels[i]!r} and {labels[j]!r} both have zero variance; "
                    "Games-Howell comparison skipped"
                )
                continue
            diff = means[i] - means[j]
            se = math.sqrt(a + b)
            df = (a + b) ** 2 / (a * a / (ns[i] - 1) + b * b / (ns[j] - 1))
            q = abs(diff) / se * math.sqrt(2)
            p = float(studentized_range_sf(q, k, df))
            crit = float(studentized_range_ppf(1 - alpha, k, df)) / math.sqrt(2)
            out.append(
                PairComparison(
                    labels[i], labels[j], diff, se, df, p, (diff - crit * se, diff + crit * se)
                )
            )
    return out, notes


def adjust_pvalues(p: Sequence[float], method: AdjustMethod = "holm") -> list[float]:
    """Adjust p-values for multiple testing exactly as R's ``p.adjust``.

    ``method``: "none", "holm", "bonferroni" or "fdr_bh" (R's "BH"). Adjusted values are
    capped at 1 and returned in the input order.
    """
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim != 1:
        raise StatisticsError("p-values must be a flat list")
    if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
        raise StatisticsError("p-values must be numbers between 0 and 1 (no missing values)")
    n = arr.size
    if n == 0 or method == "none":
        return [float(v) for v in arr]
    if method == "bonferroni":
        adj = np.minimum(1.0, n * arr)
    elif method == "holm":
        order = np.argsort(arr, kind="stable")
        stepped = np.maximum.accumulate((n - np.arange(n)) * arr[order])
        adj = np.empty(n)
        adj[order] = np.minimum(1.0, stepped)
    elif method == "fdr_bh":
        order = np.argsort(-arr, kind="stable")
        ranks = np.arange(n, 0, -1)
        stepped = np.minimum.accumulate(n / ranks * arr[order])
        adj = np.empty(n)
        adj[order] = np.minimum(1.0, stepped)
    else:
        raise StatisticsError(
            f"unknown p-value adjustment {method!r}; use none, holm, bonferroni or fdr_bh"
        )
    return [float(v) for v in adj]
