"""Pearson chi-square test of independence for an r x c table of counts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError
from surveykit.stats.distributions import chi2_sf

from ._results import Result


@dataclass(frozen=True)
class YatesResult:
    """Continuity-corrected chi-square for a 2 x 2 table (R chisq.test(correct = TRUE))."""

    chi2: float
    p: float


@dataclass(frozen=True)
class ChiSquareResult(Result):
    """Chi-square test of independence.

    ``chi2``/``df``/``p``: Pearson, no continuity correction. ``yates`` and ``fisher_p``
    (two-sided, R's definition: sum of tables no more likely than the observed) are only
    for 2 x 2 tables, else None. ``cramers_v`` = sqrt(chi2 / (n (min(r, c) - 1))),
    without bias correction. ``adjusted_residuals`` are SPSS's ADJRES (R's ``$stdres``).
    """

    kind = "chi-square"

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    observed: tuple[tuple[float, ...], ...]
    expected: tuple[tuple[float, ...], ...]
    n: float
    chi2: float
    df: int
    p: float
    yates: YatesResult | None
    cramers_v: float
    fisher_p: float | None
    adjusted_residuals: tuple[tuple[float, ...], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellStatistics:
    """Expected counts and adjusted standardised residuals of each cell of a table.

    ``expected`` = row total × column total / n; ``adjusted_residuals`` =
    (O − E) / √(E (1 − row/n) (1 − column/n)) (SPSS ADJRES, R ``chisq.test()$stdres``).
    A cell whose row or column is empty has expected 0 and no residual (NaN).
    """

    expected: np.ndarray
    adjusted_residuals: np.ndarray


def cell_statistics(observed: Sequence[Sequence[float]] | np.ndarray) -> CellStatistics:
    """Expected counts and adjusted residuals of a 2-D table of counts (empty rows allowed)."""
    obs = np.asarray(observed, dtype=np.float64)
    n = float(obs.sum())
    if obs.ndim != 2 or n == 0:
        nan = np.full(obs.shape, np.nan)
        return CellStatistics(nan, nan)
    rows, cols = obs.sum(axis=1) / n, obs.sum(axis=0) / n
    expected = np.outer(rows, cols) * n
    scale = expected * np.outer(1.0 - rows, 1.0 - cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = np.where(scale > 0, (obs - expected) / np.sqrt(scale), np.nan)
    return CellStatistics(expected, resid)


def chisq_independence(
    observed: Sequence[Sequence[float]] | np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
) -> ChiSquareResult:
    """Pearson chi-square test on a 2-D table of counts (rows x columns).

    Rows or columns with a zero total make the expected counts zero and are an error, as is
    a table with fewer than 2 rows or columns. Expected counts below 5 are reported in
    ``notes`` the way SPSS footnotes them.
    """
    obs = np.asarray(observed, dtype=np.float64)
    if obs.ndim != 2:
        raise StatisticsError("the table of counts must be two-dimensional")
    r, c = obs.shape
    if (r, c) != (len(row_labels), len(col_labels)):
        raise StatisticsError(
            f"table is {r} x {c} but {len(row_labels)} row and {len(col_labels)} column labels"
        )
    if np.isnan(obs).any() or (obs < 0).any():
        raise StatisticsError("counts must be non-negative numbers (no missing cells)")
    n = float(obs.sum())
    if n == 0:
        raise StatisticsError("no non-missing values")
    rows, cols = obs.sum(axis=1), obs.sum(axis=0)
    used_rows = [str(row_labels[i]) for i in range(r) if rows[i] > 0]
    used_cols = [str(col_labels[j]) for j in range(c) if cols[j] > 0]
    if len(used_rows) < 2:
        raise StatisticsError(f"row variable has only one level ({used_rows[0]!r})")
    if len(used_cols) < 2:
        raise StatisticsError(f"column variable has only one level ({used_cols[0]!r})")
    for labels, totals, what in ((row_labels, rows, "row"), (col_labels, cols, "column")):
        for label, total in zip(labels, totals, strict=True):
            if total == 0:
                raise StatisticsError(
                    f"{what} {label!r} has no observations; drop that level before testing"
                )
    expected = np.outer(rows, cols) / n
    resid = obs - expected
    chi2 = math.fsum((resid * resid / expected).ravel())
    df = (r - 1) * (c - 1)
    yates = fisher = None
    if (r, c) == (2, 2):
        # R's chisq.test: shrink |O - E| by min(0.5, |O - E|) so it never changes sign.
        a = np.abs(resid)
        adj = a - np.minimum(0.5, a)
        y = math.fsum((adj * adj / expected).ravel())
        yates = YatesResult(y, chi2_sf(y, 1))
        if np.all(obs == np.round(obs)):
            fisher = _fisher_p(obs)
    notes = []
    small = int((expected < 5).sum())
    if small:
        notes.append(
            f"{small} cells ({100 * small / expected.size:.1f}%) have expected count less "
            f"than 5. The minimum expected count is {expected.min():.2f}."
        )
    return ChiSquareResult(
        row_labels=tuple(map(str, row_labels)),
        col_labels=tuple(map(str, col_labels)),
        observed=tuple(tuple(float(v) for v in row) for row in obs),
        expected=tuple(tuple(float(v) for v in row) for row in expected),
        n=n,
        chi2=chi2,
        df=df,
        p=chi2_sf(chi2, df),
        yates=yates,
        cramers_v=math.sqrt(chi2 / (n * (min(r, c) - 1))),
        fisher_p=fisher,
        adjusted_residuals=tuple(
            tuple(float(v) for v in row) for row in cell_statistics(obs).adjusted_residuals
        ),
        notes=tuple(notes),
    )


def _fisher_p(obs: np.ndarray) -> float:
    return fisher_exact_p(obs)


def fisher_exact_p(table: np.ndarray) -> float:
    """Two-sided p of Fisher's exact test on a 2 × 2 table, as R's ``fisher.test`` computes it.

    With the margins fixed, the top-left count is hypergeometric; the p value sums the
    probabilities of the tables no more probable than the observed one, within a relative
    1e-7 (R's ``relErr``, so that ties in exact arithmetic count). From
    ``scipy.special.gammaln`` rather than ``scipy.stats.fisher_exact``: importing
    ``scipy.stats`` costs about 0.7 s on an idle machine, more than a small survey's run.
    """
    from scipy import special

    (a, b), (c, d) = np.asarray(table, dtype=np.int64)
    col1, col2, row1 = a + c, b + d, a + b
    support = np.arange(max(0, row1 - col2), min(row1, col1) + 1)
    # log C(col1, x) + log C(col2, row1 − x): dhyper up to its constant.
    log_d = (
        special.gammaln(col1 + 1) - special.gammaln(support + 1) - special.gammaln(col1 - support + 1)
        + special.gammaln(col2 + 1) - special.gammaln(row1 - support + 1)
        - special.gammaln(col2 - row1 + support + 1)
    )  # fmt: skip
    density = np.exp(log_d - log_d.max())
    density /= density.sum()
    observed = density[a - support[0]]
    return float(min(1.0, density[density <= observed * (1 + 1e-7)].sum()))
