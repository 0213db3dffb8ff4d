"""Survey weights: raking and post-stratification to known headcounts, and weighted
means and proportions with standard errors that account for the calibration.

Everything follows R's survey package for a design with one respondent per
sampling unit (``svydesign(ids = ~1, weights = …)``), so the figures can be
checked against it digit for digit:

* :func:`rake` is iterative proportional fitting to one-way margins
  (``survey::rake``), :func:`poststratify` scales each joint cell to its
  headcount (``survey::postStratify``);
* :func:`weighted_mean` is the ratio estimator Σwy/Σw with a Taylor-linearised
  standard error (``survey::svymean``): the estimating function
  w(y − ȳ)/Σw is first replaced by its residual from the calibration (within
  post-strata; for raking, ten sweeps over the margins, as survey does), then
  its variance is n/(n − 1)·Σ(z − z̄)²;
* :func:`weighted_variance` is svyvar's estimate (the SD of a weighted cell);
* :func:`weight_summary` gives Kish's design effect of weighting 1 + CV² and
  the effective n.

Functions take plain arrays (integer level codes, −1 for missing) and return
small frozen results; nothing here reads files or rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveykit.errors import StatisticsError

_SE_SWEEPS = 10  # survey::svyrecvar residualises a raking design in 10 sweeps


@dataclass(frozen=True)
class Calibration:
    """Weights and what their standard errors need to know about how they were made.

    ``strata`` holds, per calibration step, the level codes and the weights
    after that step (R keeps the same in ``design$postStrata``); ``method`` is
    ``none``, ``poststratify`` or ``rake``.
    """

    weights: np.ndarray
    method: str = "none"
    strata: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...] = ()
    iterations: int = 0
    converged: bool = True


@dataclass(frozen=True)
class WeightSummary:
    """Spread of the weights and what it costs in precision (Kish)."""

    n: int
    min: float
    max: float
    mean: float
    cv: float
    deff: float
    n_effective: float


@dataclass(frozen=True)
class Estimate:
    """Weighted estimates (one per column or level) with linearised standard errors."""

    estimate: np.ndarray
    se: np.ndarray
    n: int


def unweighted(n: int) -> Calibration:
    """Every respondent weighs 1."""
    return Calibration(np.ones(n))


def given(weights: np.ndarray) -> Calibration:
    """Weights delivered with the data (no calibration to undo in the SEs)."""
    w = np.asarray(weights, dtype=float)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise StatisticsError("weights must be finite and not negative")
    if not np.any(w > 0):
        raise StatisticsError("every weight is 0")
    return Calibration(w)


def _check_levels(codes: np.ndarray, targets: np.ndarray, name: str) -> None:
    if np.any(codes < 0):
        raise StatisticsError(
            f"{name}: every respondent needs a level to be weighted (some are missing)"
        )
    present = np.bincount(codes, minlength=len(targets))
    empty = np.flatnonzero((present == 0) & (targets > 0))
    if empty.size:
        raise StatisticsError(f"{name}: level {int(empty[0])} has a headcount but no respondents")
    if np.any(targets[codes] <= 0):
        raise StatisticsError(f"{name}: respondents in a level whose headcount is 0")


def poststratify(
    cells: np.ndarray, targets: np.ndarray, base: np.ndarray | None = None, *, name: str = "cells"
) -> Calibration:
    """Scale the weights of each cell so that they add up to its headcount."""
    cells = np.asarray(cells, dtype=np.int64)
    targets = np.asarray(targets, dtype=float)
    old = np.ones(len(cells)) if base is None else np.asarray(base, dtype=float)
    _check_levels(cells, targets, name)
    sums = np.bincount(cells, weights=old, minlength=len(targets))
    w = old * (targets / np.where(sums > 0, sums, 1))[cells]
    return Calibration(w, "poststratify", ((cells, old, w),))


def rake(
    margins: Sequence[np.ndarray],
    targets: Sequence[np.ndarray],
    base: np.ndarray | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
    names: Sequence[str] | None = None,
) -> Calibration:
    """Iterative proportional fitting of the weights to each margin's headcounts in turn.

    Stops after a full sweep in which every margin was within ``tol`` (relative) of
    its headcounts before its adjustment, or after ``max_iter`` sweeps (``converged``
    is then False).
    """
    codes = [np.asarray(m, dtype=np.int64) for m in margins]
    tgts = [np.asarray(t, dtype=float) for t in targets]
    labels = list(names) if names is not None else [f"margin {i + 1}" for i in range(len(codes))]
    totals = {float(t.sum()) for t in tgts}
    if max(totals) - min(totals) > 1e-9 * max(totals):
        raise StatisticsError("the margins' headcounts add up to different totals")
    for c, t, label in zip(codes, tgts, labels, strict=True):
        _check_levels(c, t, label)
    w = np.ones(len(codes[0])) if base is None else np.asarray(base, dtype=float).copy()
    steps: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for iteration in range(1, max_iter + 1):
        steps = []
        worst = 0.0
        for c, t in zip(codes, tgts, strict=True):
            old = w
            sums = np.bincount(c, weights=w, minlength=len(t))
            # Each margin's error is read off the sums this step computes anyway: a sweep
            # in which no margin was off by tol left every margin within tol (one
            # bincount per margin and sweep instead of two; 1M respondents, issue 15).
            worst = max(worst, float(np.max(np.abs(sums - t) / np.maximum(t, 1))))
            w = w * (t / np.where(sums > 0, sums, 1))[c]
            steps.append((c, old, w))
        if worst < tol:
            return Calibration(w, "rake", tuple(steps), iteration, True)
    return Calibration(w, "rake", tuple(steps), max_iter, False)


def trim(
    calibration: Calibration,
    lower: float,
    upper: float,
    recalibrate,
    *,
    max_iter: int = 1000,
) -> Calibration:
    """Bound the weights to [lower, upper] × their mean, re-calibrating after each cut.

    ``recalibrate(base)`` redoes the calibration from base weights; trimming and
    re-calibration alternate until the weights stay within bounds (to 1e-6 of the
    bound); when bounds and headcounts cannot both hold, ``converged`` is False.
    """
    if not 0 < lower < 1 < upper:
        raise StatisticsError("trim bounds must be [lower < 1, upper > 1] times the mean weight")
    current = calibration
    for _ in range(max_iter):
        w = current.weights
        mean = w.mean()
        low, high = lower * mean, upper * mean
        if np.all(w >= low * (1 - 1e-6)) and np.all(w <= high * (1 + 1e-6)):
            return current
        current = recalibrate(np.clip(w, low, high))
    return Calibration(current.weights, current.method, current.strata, current.iterations, False)


def weight_summary(weights: np.ndarray) -> WeightSummary:
    """Min, max, mean, CV (population form), Kish's deff = 1 + CV² and effective n."""
    w = np.asarray(weights, dtype=float)
    w = w[w > 0]
    n = len(w)
    mean = float(w.mean())
    cv = float(w.std() / mean)
    deff = n * float(np.sum(w * w)) / float(w.sum()) ** 2
    return WeightSummary(n, float(w.min()), float(w.max()), mean, cv, deff, n / deff)


def _residual(z: np.ndarray, calibration: Calibration) -> np.ndarray:
    """The estimating function less what the calibration already fixed (survey::svyrecvar)."""
    if calibration.method == "poststratify":
        for cells, old, new in calibration.strata:
            k = int(cells.max()) + 1
            means = (
                np.vstack(
                    [
                        np.bincount(cells, weights=z[:, j] * old / new, minlength=k)
                        for j in range(z.shape[1])
                    ]
                ).T
                / np.bincount(cells, weights=old, minlength=k)[:, None]
            )
            z = z - means[cells] * new[:, None]
    elif calibration.method == "rake":
        for _ in range(_SE_SWEEPS):
            for codes, _old, psw in calibration.strata:
                k = int(codes.max()) + 1
                counts = np.bincount(codes, minlength=k)
                ratio = z / psw[:, None]
                means = (
                    np.vstack(
                        [
                            np.bincount(codes, weights=ratio[:, j], minlength=k)
                            for j in range(z.shape[1])
                        ]
                    ).T
                    / counts[:, None]
                )
                z = z - psw[:, None] * means[codes]
    return z


def _influence(
    y: np.ndarray, valid: np.ndarray, calibration: Calibration
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of y's columns and their covariance matrix (linearised)."""
    w = np.where(valid, calibration.weights, 0.0)
    total = w.sum()
    if total <= 0:
        raise StatisticsError("no respondent with a weight and an answer")
    y = np.where(valid[:, None], y, 0.0)
    estimate = (w[:, None] * y).sum(axis=0) / total
    z = w[:, None] * (y - estimate) / total
    # Respondents without an answer stay in the design at weight 0 (domain estimation,
    # as survey's svymean with na.rm = TRUE): they count in n and, under calibration,
    # take part in the residualisation.
    z = _residual(z, calibration)
    n = len(z)
    if n < 2:
        raise StatisticsError("a standard error needs at least 2 respondents")
    centred = z - z.mean(axis=0)
    return estimate, centred.T @ centred * n / (n - 1)


def _linearised(y: np.ndarray, valid: np.ndarray, calibration: Calibration) -> Estimate:
    estimate, covariance = _influence(y, valid, calibration)
    return Estimate(estimate, np.sqrt(np.diag(covariance)), int(valid.sum()))


def weighted_mean(values: np.ndarray, calibration: Calibration) -> Estimate:
    """Σwy/Σw over respondents with a value, and its SE (missing values count as in svymean)."""
    y = np.asarray(values, dtype=float)
    valid = np.isfinite(y)
    return _linearised(y[:, None], valid, calibration)


def weighted_variance(values: np.ndarray, calibration: Calibration) -> float:
    """The weighted variance of the respondents with a value (survey::svyvar's estimate).

    n/(n − 1) · Σw(y − ȳ)²/Σw with n the respondents with a value and a weight. (svyvar
    with ``na.rm = TRUE`` counts in n everyone with a weight, unanswered too; n here is
    theirs who answered, as svyvar gives on the design restricted to them, so that the
    SD's n − 1 is that of the unweighted tables.)
    """
    y = np.asarray(values, dtype=float)
    valid = np.isfinite(y) & (calibration.weights > 0)
    n = int(valid.sum())
    if n < 2:
        raise StatisticsError("a variance needs at least 2 respondents with a value")
    w, y = calibration.weights[valid], y[valid]
    mean = float(np.sum(w * y) / np.sum(w))
    return float(n / (n - 1) * np.sum(w * (y - mean) ** 2) / np.sum(w))


def weighted_proportions(codes: np.ndarray, levels: int, calibration: Calibration) -> Estimate:
    """The weighted share of each level among respondents with an answer (codes −1 missing)."""
    codes = np.asarray(codes, dtype=np.int64)
    valid = codes >= 0
    y = (codes[:, None] == np.arange(levels)[None, :]).astype(float)
    return _linearised(y, valid, calibration)


@dataclass(frozen=True)
class RaoScott:
    """Pearson's X² of the weighted table with Rao and Scott's second-order correction.

    ``statistic`` is F = X²/tr(Δ) on (d, d·ν) degrees of freedom, d = tr(Δ)²/tr(Δ²),
    ν = respondents − 1 (survey::svychisq's default, ``statistic = "F"``); ``pearson``
    and ``design_effect`` are those of the table of the respondents who answered both.
    """

    pearson: float
    statistic: float
    df1: float
    df2: float
    p: float
    design_effect: float  # mean generalised design effect, tr(Δ)/((r − 1)(c − 1))


def rao_scott(rows: np.ndarray, cols: np.ndarray, calibration: Calibration) -> RaoScott:
    """Design-based test of independence of two items (codes −1 missing)."""
    from scipy import special

    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    valid = (rows >= 0) & (cols >= 0)
    # Levels as survey sees them: those present among answered rows, in code order.
    row_levels = np.unique(rows[rows >= 0])
    col_levels = np.unique(cols[cols >= 0])
    nr, nc = len(row_levels), len(col_levels)
    if nr < 2 or nc < 2:
        raise StatisticsError("a test of independence needs two or more levels of each item")
    r = np.searchsorted(row_levels, rows)
    c = np.searchsorted(col_levels, cols)
    cell = np.where(valid, r + nr * c, -1)  # rows vary fastest, as R's interaction()
    y = (cell[:, None] == np.arange(nr * nc)[None, :]).astype(float)
    p, covariance = _influence(y, valid, calibration)
    n = len(rows)
    # Pearson's X² of the weighted table scaled to n (svytable(..., Ntotal = n)).
    table = p.reshape(nc, nr).T * n
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    pearson = float(np.sum((table - expected) ** 2 / expected))
    # Interaction contrasts orthogonal to the main effects.
    grid_r = np.tile(np.arange(nr), nc)
    grid_c = np.repeat(np.arange(nc), nr)
    main = np.column_stack(
        [np.ones(nr * nc)]
        + [(grid_r == i).astype(float) for i in range(1, nr)]
        + [(grid_c == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [((grid_r == i) & (grid_c == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    coef, *_ = np.linalg.lstsq(main, inter, rcond=None)
    contrast = inter - main @ coef
    inv_p = np.where(p == 0, 0.0, 1 / np.where(p == 0, 1, p))
    weighted = contrast * inv_p[:, None]
    denom = contrast.T @ weighted / n
    numer = weighted.T @ covariance @ weighted
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    d = trace**2 / float(np.trace(delta @ delta))
    nu = n - 1
    statistic = pearson / trace
    p_value = float(special.fdtrc(d, d * nu, statistic))
    # svychisq scales the table to every row of the design, the unanswered and those
    # outside a domain included; F, d and p do not depend on that scale, but X² and
    # the design effect do: both are given for the m respondents in the table, so
    # that the design effect compares with a simple random sample of them.
    m = int(valid.sum())
    pearson, trace = pearson * m / n, trace * m / n
    return RaoScott(pearson, statistic, d, d * nu, p_value, trace / ((nr - 1) * (nc - 1)))
