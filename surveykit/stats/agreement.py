"""Agreement between coders: percent agreement, Cohen's κ with its CI, Krippendorff's α (nominal).

For coded open-ended answers the unit is (answer, code) and the value is
present/absent, so each coder's decisions are 0/1 codes, one per unit; the
functions take any nominal codes (integers ≥ 0, −1 where a coder gave none).

Cohen's κ = (po − pe) / (1 − pe) with chance agreement pe = Σ_k p1(k)·p2(k),
the product of the two coders' own marginal shares summed over the categories;
for present/absent that is p1(yes)p2(yes) + p1(no)p2(no). (A formula that uses
P(yes)·P(no) instead, as QualCoder's does, is not Cohen's.) Its standard error
is the large-sample one of Fleiss, Cohen and Everitt (1969), as R's
psych::cohen.kappa gives it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError

from ._results import Result


@dataclass(frozen=True)
class KappaResult(Result):
    """Two coders on the same units: agreement, chance agreement, κ, its SE and 95% CI."""

    kind = "cohen-kappa"

    n: int
    agreement: float
    expected: float
    kappa: float
    se: float
    ci95: tuple[float, float]


def cohen_kappa(
    first: np.ndarray, second: np.ndarray, categories: int | None = None
) -> KappaResult:
    """Cohen's κ of two coders' nominal codes on the same units (units either left blank are skipped)."""
    a = np.asarray(first, dtype=np.int64)
    b = np.asarray(second, dtype=np.int64)
    if a.shape != b.shape:
        raise StatisticsError("the two coders must code the same units")
    both = (a >= 0) & (b >= 0)
    a, b = a[both], b[both]
    n = a.size
    if n == 0:
        raise StatisticsError("no unit coded by both coders")
    k = categories or int(max(a.max(), b.max())) + 1
    table = np.zeros((k, k))
    np.add.at(table, (a, b), 1)
    p = table / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po = float(np.trace(p))
    pe = float(rows @ cols)
    if pe >= 1:
        raise StatisticsError(
            "both coders used one and the same category for every unit: κ is undefined "
            f"(agreement is {po:.0%})"
        )
    kappa = (po - pe) / (1 - pe)
    # Fleiss, Cohen & Everitt (1969), variance of κ when κ ≠ 0.
    diag = sum(p[i, i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(k))
    off = (1 - kappa) ** 2 * sum(
        p[i, j] * (cols[i] + rows[j]) ** 2 for i in range(k) for j in range(k) if i != j
    )
    var = (diag + off - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    return KappaResult(
        n, po, pe, kappa, se, (kappa - 1.959963984540054 * se, kappa + 1.959963984540054 * se)
    )


def krippendorff_alpha_nominal(ratings: np.ndarray) -> float:
    """Krippendorff's α for nominal data; ``ratings`` is coders × units, NaN where not coded.

    Units with fewer than two values are not pairable and left out.
    """
    data = np.asarray(ratings, dtype=float)
    if data.ndim != 2:
        raise StatisticsError("ratings are a coders × units table")
    values = np.unique(data[~np.isnan(data)])
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    coincidence = np.zeros((k, k))
    for unit in data.T:
        present = unit[~np.isnan(unit)]
        m = present.size
        if m < 2:
            continue
        counts = np.zeros(k)
        for v in present:
            counts[index[v]] += 1
        # every ordered pair of values from different coders, weighted 1 / (m − 1)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    if n < 2:
        raise StatisticsError("no unit was coded by two or more coders")
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (totals.sum() ** 2 - np.sum(totals**2)) / (n - 1)
    if expected == 0:
        raise StatisticsError("every value is the same category: α is undefined")
    return float(1 - observed / expected)
