"""Separation in logistic and ordinal models: which coefficients have no finite estimate.

When a predictor (or a combination of them) sorts the outcome exactly for some
respondents, e.g. every respondent at one level has the event, the likelihood
keeps rising as that coefficient grows: its maximum-likelihood estimate is
infinite. The fit stops somewhere (an odds ratio of 3e+09 with an SE of 1e+05)
and those figures mean nothing. R's ``glm`` warns "fitted probabilities
numerically 0 or 1 occurred" and prints them anyway; the ``detectseparation``
package finds the affected coefficients exactly, by linear programming (Konis
2007): a direction ``d`` of the coefficients along which no respondent's fit gets
worse (``X̃ d ≥ 0``, the rows signed by the outcome) and some get better exists
if and only if the estimates are infinite, and the coefficients that move in
that direction are the infinite ones. This module does the same with scipy's
HiGHS solver, for the binary logit and for the cumulative (proportional-odds)
logit, whose thresholds take the intercept's part.

``quasi-complete`` separation leaves some respondents not predicted exactly: the
other coefficients converge to finite values as the separated ones grow (they
are the estimates of the model fitted without the perfectly predicted
respondents and the separated terms), so they can be read. ``complete``
separation predicts every respondent exactly: no coefficient is estimated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_TOL = 1e-7


@dataclass(frozen=True)
class Separation:
    """Which columns of the design have infinite estimates, and whether every respondent
    is predicted exactly (``complete``)."""

    infinite: tuple[int, ...]  # column indices (of the design given)
    complete: bool
    exact: np.ndarray  # per respondent: predicted exactly in the limit (its fit goes to 1)


def suspect(estimates: np.ndarray, ses: np.ndarray) -> bool:
    """Whether a fit looks separated: an estimate or SE that has run away.

    A coefficient of 10 on the logit scale is an odds ratio of 22,000 per unit; a
    standard error of 50 means the likelihood is flat in that direction. Only then is
    the linear program run, so ordinary models pay nothing for the check.
    """
    estimates = np.abs(np.asarray(estimates, dtype=float))
    ses = np.asarray(ses, dtype=float)
    return bool(
        (~np.isfinite(estimates)).any()
        or (~np.isfinite(ses)).any()
        or (estimates > 10).any()
        or (ses > 50).any()
    )


def _distinct(rows: np.ndarray) -> np.ndarray:
    """Each distinct row once: the constraints of repeated rows are the same constraint.

    One integer per row from each column's value index, in mixed radix, then a 1-D
    unique: ``np.unique(axis=0)`` took 6.5 s on 100,000 rows of five columns under load,
    this a small fraction of it. Too many combinations: every row, as given.
    """
    if len(rows) < 2:
        return rows
    key = np.zeros(len(rows), dtype=np.int64)
    radix = 1
    for column in rows.T:
        values, index = np.unique(column, return_inverse=True)
        radix *= len(values)
        if radix > 2**62:
            return rows
        key = key * len(values) + index.reshape(-1)
    _, first = np.unique(key, return_index=True)
    return rows[np.sort(first)]


def binary(design: np.ndarray, y: np.ndarray) -> Separation | None:
    """Separation of a 0/1 outcome by the columns of ``design`` (with its intercept column).

    None when the estimates are finite.
    """
    from scipy.optimize import linprog

    full = np.asarray(design, float) * np.where(np.asarray(y) > 0, 1.0, -1.0)[:, None]
    signed = _distinct(full)
    k = signed.shape[1]
    # max Σ X̃d subject to X̃d ≥ 0 and −1 ≤ d ≤ 1 (the box keeps the programme bounded).
    found = linprog(
        -signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(len(signed)), bounds=[(-1, 1)] * k,
        method="highs",
    )  # fmt: skip
    if found.status != 0 or -found.fun <= _TOL * max(1, len(signed)):
        return None
    infinite = tuple(int(j) for j in np.flatnonzero(np.abs(found.x) > 1e-6))
    # Complete: some direction makes every respondent's fit strictly better (max t, X̃d ≥ t).
    found_t = linprog(
        np.r_[np.zeros(k), -1.0], A_ub=np.column_stack([-signed, np.ones(len(signed))]),
        b_ub=np.zeros(len(signed)), bounds=[(-1, 1)] * k + [(None, 1)], method="highs",
    )  # fmt: skip
    complete = found_t.status == 0 and -found_t.fun > _TOL
    exact = full @ found.x > 1e-6
    return Separation(infinite, complete, exact) if infinite else None


def ordinal(x: np.ndarray, codes: np.ndarray) -> Separation | None:
    """Separation of an ordinal outcome (codes 0..J−1, every level used) by the columns of ``x``.

    The model is logit P(Y ≤ j) = α_j − xβ. A direction (β, α) with α non-decreasing
    along which every respondent's fit improves or stays: for a respondent at level j,
    α_j − xβ ≥ 0 (below j's upper cut-point; not for the top level) and
    α_{j−1} − xβ ≤ 0 (above its lower one; not for the bottom level).
    """
    from scipy.optimize import linprog

    codes = np.asarray(codes, dtype=np.int64)
    x = np.asarray(x, dtype=float)
    levels = int(codes.max()) + 1
    cuts = levels - 1
    k = x.shape[1]
    all_codes, all_x = codes, x
    rows = _distinct(np.column_stack([codes, x]))
    codes, x = rows[:, 0].astype(np.int64), rows[:, 1:]
    constraints = []  # each a row g with g·(β, α) ≥ 0
    for code, xi in zip(codes, x, strict=True):
        if code < cuts:  # α_code − xβ ≥ 0
            g = np.zeros(k + cuts)
            g[:k], g[k + code] = -xi, 1.0
            constraints.append(g)
        if code > 0:  # xβ − α_{code−1} ≥ 0
            g = np.zeros(k + cuts)
            g[:k], g[k + code - 1] = xi, -1.0
            constraints.append(g)
    g_all = np.array(constraints)
    order = np.zeros((max(cuts - 1, 0), k + cuts))  # α_j − α_{j+1} ≤ 0
    for j in range(cuts - 1):
        order[j, k + j], order[j, k + j + 1] = 1.0, -1.0
    a_ub = np.vstack([-g_all, order]) if len(order) else -g_all
    b_ub = np.zeros(len(a_ub))
    found = linprog(
        -g_all.sum(axis=0), A_ub=a_ub, b_ub=b_ub, bounds=[(-1, 1)] * (k + cuts), method="highs"
    )
    if found.status != 0 or -found.fun <= _TOL * max(1, len(g_all)):
        return None
    infinite = tuple(int(j) for j in np.flatnonzero(np.abs(found.x[:k]) > 1e-6))
    found_t = linprog(
        np.r_[np.zeros(k + cuts), -1.0],
        A_ub=np.vstack([np.column_stack([-g_all, np.ones(len(g_all))]),
                        np.column_stack([order, np.zeros(len(order))])]) if len(order)
        else np.column_stack([-g_all, np.ones(len(g_all))]),
        b_ub=np.zeros(len(a_ub)), bounds=[(-1, 1)] * (k + cuts) + [(None, 1)], method="highs",
    )  # fmt: skip
    complete = found_t.status == 0 and -found_t.fun > _TOL
    beta, alpha = found.x[:k], np.r_[-np.inf, found.x[k:], np.inf]
    fit = all_x @ beta
    # Predicted exactly: strictly inside both cut-points of its level along the direction.
    exact = (alpha[all_codes + 1] - fit > 1e-6) & (fit - alpha[all_codes] > 1e-6)
    return Separation(infinite, complete, exact) if infinite else None
