"""Regression models with statsmodels: linear (OLS), logistic (Logit) and ordinal (proportional odds).

Each function takes the outcome, a design matrix of predictor columns (no
intercept; dummy coding and listwise deletion happen before) and a name per
column, and returns a frozen :class:`Regression` with what SPSS and R print:
per term the estimate, SE, t or z, p and Wald 95% CI, the standardised β
(linear) or the odds ratio with its CI (logistic, ordinal); per model n, R²
and adjusted R², F (linear) or McFadden's pseudo-R² and the likelihood-ratio
χ² (logistic, ordinal), AIC as R counts it, and a VIF per column. Problems that
statsmodels warns about (perfect separation, no convergence) become notes on
the result, never a traceback. statsmodels is imported here only, so only runs
that fit a model pay for it.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

import numpy as np

from surveykit.errors import StatisticsError

MODELS = ("linear", "logistic", "ordinal")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Term:
    """One coefficient. ``level`` names the dummy's level (None for numbers)."""

    term: str
    level: str | None
    estimate: float
    se: float
    stat: float
    p: float
    ci95: tuple[float, float]
    beta: float | None = None
    odds_ratio: float | None = None
    odds_ratio_ci95: tuple[float, float] | None = None


@dataclass(frozen=True)
class Regression:
    """A fitted model: its terms, fit statistics and notes."""

    model: str
    dv: str
    n: int
    terms: tuple[Term, ...]
    fit: dict[str, float]
    vif: dict[str, float] = field(default_factory=dict)
    thresholds: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()


def _one_blas_thread(model: Callable[P, R]) -> Callable[P, R]:
    """Run a model function with BLAS limited to one thread.

    A model's matrices are tall and thin (n × a few dozen): BLAS threads gain little on
    them and, on a busy machine, spin waiting for a core. At 100,000 respondents the
    correlation matrix X'X alone took 1.8 s a model with OpenBLAS's threads under load
    (docs/performance.md).
    """

    @functools.wraps(model)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, user_api="blas"):
            return model(*args, **kwargs)

    return run


def _check(y: np.ndarray, x: np.ndarray, names: list[tuple[str, str | None]]) -> np.ndarray:
    """The predictors' correlation matrix, once the design is known to be fittable."""
    if x.ndim != 2 or x.shape[0] != len(y) or x.shape[1] != len(names):
        raise StatisticsError("the design matrix does not match the outcome and the term names")
    if len(y) <= x.shape[1] + 1:
        raise StatisticsError(
            f"{len(y)} complete cases for {x.shape[1]} predictor column(s): too few to fit the model"
        )
    correlation = _correlation(x)
    if correlation is None or np.linalg.eigvalsh(correlation).min() < 1e-10:
        raise StatisticsError(
            "the predictors are collinear (one is a combination of others, or a level is empty)"
        )
    return correlation


def _correlation(x: np.ndarray) -> np.ndarray | None:
    """The columns' correlation matrix (one pass over the rows); None if one is constant.

    A constant column is collinear with the intercept; a combination of columns that is
    (nearly) constant shows as a (near-)zero eigenvalue: below 1e-10 is treated as exact.
    """
    centred = x - x.mean(axis=0)
    cross = centred.T @ centred
    scale = np.sqrt(np.diag(cross))
    if (scale == 0).any():
        return None
    return cross / np.outer(scale, scale)


def _with_intercept(x: np.ndarray) -> np.ndarray:
    """A column of ones, then ``x``."""
    return np.column_stack([np.ones(len(x)), x])


def _vif(correlation: np.ndarray, names: list[tuple[str, str | None]]) -> dict[str, float]:
    """1 / (1 − R²) of each column regressed on the others (with an intercept).

    That is the diagonal of the inverse of the columns' correlation matrix (from
    :func:`_check`), which needs one pass over the data rather than one regression per
    column.
    """
    out: dict[str, float] = {}
    if correlation.shape[0] < 2:
        return out
    diagonal = np.diag(np.linalg.inv(correlation))
    for (term, level), value in zip(names, diagonal, strict=True):
        out[term if level is None else f"{term}: {level}"] = float(value)
    return out


def _caught(fit) -> tuple[object, list[str]]:
    """Run a statsmodels fit, turning its warnings into notes."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            result = fit()
        except np.linalg.LinAlgError as exc:
            raise StatisticsError(f"the model cannot be fitted: {exc}") from exc
        except Exception as exc:  # statsmodels raises PerfectSeparationError on older versions
            if type(exc).__name__ == "PerfectSeparationError":
                raise StatisticsError(
                    "perfect separation: a predictor decides the outcome exactly, so the odds "
                    "ratios are infinite; drop or merge that predictor's levels"
                ) from exc
            raise
    for w in seen:
        if issubclass(w.category, PerfectSeparationWarning):
            notes.append(
                "perfect or quasi-complete separation: some estimates and SEs are not reliable"
            )
        elif issubclass(w.category, ConvergenceWarning):
            notes.append("the fit did not converge: estimates are not reliable")
    return result, sorted(set(notes))


@_one_blas_thread
def linear(
    y: np.ndarray, x: np.ndarray, names: list[tuple[str, str | None]], dv: str
) -> Regression:
    """Ordinary least squares with an intercept."""
    # The model's own module, not statsmodels.api (which imports all of statsmodels).
    from statsmodels.regression.linear_model import OLS

    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    correlation = _check(y, x, names)
    if np.var(y) == 0:
        raise StatisticsError(f"{dv} has the same value for every respondent")
    result, notes = _caught(lambda: OLS(y, _with_intercept(x)).fit())
    ci = result.conf_int(0.05)
    sd_x = x.std(axis=0, ddof=1)
    sd_y = y.std(ddof=1)
    terms = []
    for j, (term, level) in enumerate([("(Intercept)", None), *names]):
        terms.append(
            Term(
                term, level, float(result.params[j]), float(result.bse[j]),
                float(result.tvalues[j]), float(result.pvalues[j]), (float(ci[j, 0]), float(ci[j, 1])),
                beta=None if j == 0 else float(result.params[j] * sd_x[j - 1] / sd_y),
            )
        )  # fmt: skip
    k = x.shape[1]
    fit = {
        "r2": float(result.rsquared),
        "adj_r2": float(result.rsquared_adj),
        "F": float(result.fvalue),
        "df1": float(k),
        "df2": float(result.df_resid),
        "p": float(result.f_pvalue),
        # R's AIC counts the residual variance as a parameter.
        "aic": float(-2 * result.llf + 2 * (k + 2)),
    }
    return Regression(
        "linear", dv, len(y), tuple(terms), fit, _vif(correlation, names), notes=tuple(notes)
    )


def _exp(value: float) -> float:
    return math.exp(value) if value < 709 else math.inf


def _odds(terms_in: list[tuple[str, str | None]], params, bse, ci, skip_first: bool) -> list[Term]:
    from scipy import special

    out = []
    for j, (term, level) in enumerate(terms_in):
        estimate, se = float(params[j]), float(bse[j])
        z = estimate / se if se > 0 else math.nan
        p = float(special.erfc(abs(z) / math.sqrt(2))) if math.isfinite(z) else math.nan
        low, high = float(ci[j][0]), float(ci[j][1])
        intercept = skip_first and j == 0
        out.append(
            Term(
                term, level, estimate, se, z, p, (low, high),
                odds_ratio=_exp(estimate),
                odds_ratio_ci95=None if intercept else (_exp(low), _exp(high)),
            )
        )  # fmt: skip
    return out


@_one_blas_thread
def logistic(
    y: np.ndarray, x: np.ndarray, names: list[tuple[str, str | None]], dv: str
) -> Regression:
    """Binary logistic regression of a 0/1 outcome (1 = the event) with an intercept."""
    from statsmodels.discrete.discrete_model import Logit

    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    correlation = _check(y, x, names)
    events = int(y.sum())
    if events in (0, len(y)):
        raise StatisticsError(
            f"{dv}: every respondent has the same outcome, so there is nothing to model"
        )
    design = _with_intercept(x)
    result, notes = _caught(lambda: Logit(y, design).fit(disp=0, maxiter=200))
    if not result.mle_retvals.get("converged", True):
        notes = sorted({*notes, "the fit did not converge: estimates are not reliable"})
    ci = result.conf_int(0.05)
    terms = _odds([("(Intercept)", None), *names], result.params, result.bse, ci, skip_first=True)
    k = x.shape[1]
    # The intercept-only model in closed form (statsmodels would refit it by Nelder–Mead).
    null_ll = events * math.log(events / len(y)) + (len(y) - events) * math.log(1 - events / len(y))
    llr = 2 * (float(result.llf) - null_ll)
    from scipy import special

    fit = {
        "pseudo_r2": float(1 - result.llf / null_ll),
        "llr": llr,
        "llr_df": float(k),
        "llr_p": float(special.chdtrc(k, llr)),
        "aic": float(-2 * result.llf + 2 * (k + 1)),
    }
    return Regression(
        "logistic", dv, len(y), tuple(terms), fit, _vif(correlation, names), notes=tuple(notes)
    )


@_one_blas_thread
def ordinal(
    y: np.ndarray, levels: int, x: np.ndarray, names: list[tuple[str, str | None]], dv: str
) -> Regression:
    """Proportional-odds (cumulative logit) model of an ordinal outcome coded 0..levels−1.

    The parametrisation is R's ``MASS::polr``: logit P(Y ≤ j) = ζ_j − xβ, so a
    positive estimate means higher categories are more likely.
    """
    codes = np.asarray(y, dtype=np.int64)
    x = np.asarray(x, dtype=float)
    correlation = _check(codes.astype(float), x, names)
    used = np.unique(codes)
    if len(used) < 3:
        raise StatisticsError(
            f"{dv}: {len(used)} answer level(s) used; an ordinal model needs three or more "
            "(use a logistic model for two)"
        )
    if len(used) < levels:
        # Levels nobody chose have no threshold to estimate; model the ones used.
        codes = np.searchsorted(used, codes)
    model = _ordered_model(codes, x)
    result, notes = _caught(lambda: model.fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-10))
    # statsmodels minimises −loglike / rows; rows are distinct rows when they were weighted.
    gradient = np.abs(np.asarray(result.mle_retvals.get("gopt", [np.inf]), dtype=float))
    per_respondent = gradient.max() * model.exog.shape[0] / len(codes)
    if result.mle_retvals.get("converged", True) or per_respondent < 1e-6:
        # BFGS stops with "precision loss" once the gradient is ~1e-10, below what gtol asks
        # for but at the maximum all the same: that is convergence, not a failure to report.
        notes = [n for n in notes if "converge" not in n]
    else:
        notes = sorted({*notes, "the fit did not converge: estimates are not reliable"})
    k = x.shape[1]
    params = np.asarray(result.params)
    bse = np.asarray(result.bse)
    ci = np.asarray(result.conf_int(0.05))
    terms = _odds(list(names), params[:k], bse[:k], ci[:k], skip_first=False)
    thresholds = tuple(float(t) for t in model.transform_threshold_params(params)[1:-1])
    counts = np.bincount(codes)
    null_ll = float(np.sum(counts * np.log(counts / counts.sum())))
    llr = 2 * (float(result.llf) - null_ll)
    from scipy import special

    fit = {
        "pseudo_r2": 1 - float(result.llf) / null_ll,
        "llr": llr,
        "llr_df": float(k),
        "llr_p": float(special.chdtrc(k, llr)),
        "aic": float(-2 * result.llf + 2 * (k + len(thresholds))),
    }
    return Regression(
        "ordinal",
        dv,
        len(codes),
        tuple(terms),
        fit,
        _vif(correlation, names),
        thresholds,
        tuple(notes),
    )


def _ordered_model(codes: np.ndarray, x: np.ndarray):
    """statsmodels' OrderedModel, fitted on each distinct (answer, predictors) row once.

    Its gradient and Hessian are numerical, each a few dozen passes over the data, so a
    million respondents would take minutes. Survey predictors repeat (levels, codes,
    ages), and the log-likelihood of n rows equals that of their distinct rows each
    weighted by its count: the same maximum and the same curvature, so the same
    estimates and SEs, from far fewer rows. Used when it at least halves the rows.
    """
    from scipy import special
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class Logistic(OrderedModel):
        # The logistic cdf and pdf as ufuncs: scipy.stats.logistic's generic machinery
        # costs more than the arithmetic on each of the fit's thousand-odd evaluations.
        def cdf(self, x):  # type: ignore[no-untyped-def]
            return special.expit(x)

        def pdf(self, x):  # type: ignore[no-untyped-def]
            p = special.expit(x)
            return p * (1 - p)

    data = np.column_stack([codes, x])
    # One integer per distinct row: each column's value index, in mixed radix (a 1-D sort
    # is far faster than np.unique over rows). Too many combinations: no weighting.
    key = np.zeros(len(codes), dtype=np.int64)
    radix = 1
    for column in data.T:
        values, index = np.unique(column, return_inverse=True)
        radix *= len(values)
        if radix > 2**62 or len(values) > len(codes) // 2:
            return Logistic(codes, x, distr="logit")
        key = key * len(values) + index
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    if len(first) > len(codes) // 2:
        return Logistic(codes, x, distr="logit")
    rows = data[first]

    class Weighted(Logistic):
        def loglike(self, params):  # type: ignore[no-untyped-def]
            return float(np.sum(counts * self.loglikeobs(params)))

    return Weighted(rows[:, 0].astype(np.int64), rows[:, 1:], distr="logit")
