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
# From this many respondents a linear model is solved from its cross-products and a
# logistic model fitted on its distinct rows weighted by their count (see
# :func:`_ols_from_moments` and :func:`_logit`): statsmodels' OLS takes the pseudo-inverse
# of the whole n × k design (an SVD and two more n × k copies) and Logit checks its rank
# with a QR of it, which at a million respondents cost more than the rest of the run
# (docs/performance.md). Smaller models go through statsmodels as they are, unchanged.
LARGE = 50_000
_BLOCK = 1 << 16  # rows per block of the cross-products: 12 MB at 23 columns
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
    gvif: dict[str, tuple[float, int]] = field(default_factory=dict)
    """Per predictor (item) with several columns: (generalised VIF, its columns)."""


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


@dataclass(frozen=True)
class _Moments:
    """Column means and centred cross-products of the predictors (and of the outcome, last)."""

    mean: np.ndarray
    cross: np.ndarray
    correlation: np.ndarray  # the predictors' correlation matrix


def _check(
    y: np.ndarray, x: np.ndarray, names: list[tuple[str, str | None]], outcome: bool = False
) -> _Moments:
    """The predictors' moments, once the design is known to be fittable.

    With ``outcome`` the cross-products take ``y`` as a last column (what the linear
    model needs from the data, in the same pass).
    """
    if x.ndim != 2 or x.shape[0] != len(y) or x.shape[1] != len(names):
        raise StatisticsError("the design matrix does not match the outcome and the term names")
    if len(y) <= x.shape[1] + 1:
        raise StatisticsError(
            f"{len(y)} complete cases for {x.shape[1]} predictor column(s): too few to fit the model"
        )
    mean, cross = _centred_cross(x, y if outcome else None)
    correlation = _correlation(cross[: x.shape[1], : x.shape[1]])
    if correlation is None or np.linalg.eigvalsh(correlation).min() < 1e-10:
        raise StatisticsError(
            "the predictors are collinear (one is a combination of others, or a level is empty)"
        )
    return _Moments(mean, cross, correlation)


def _centred_cross(x: np.ndarray, y: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Column means of ``x`` (then ``y``) and the cross-products of the centred columns.

    A block of rows at a time, so the centred copy is never more than ``_BLOCK`` rows
    (one n × k copy was 176 MB at a million respondents and 22 columns). Up to
    ``_BLOCK`` rows without ``y`` this is exactly ``c.T @ c`` for ``c = x - x.mean(0)``.
    """
    mean = x.mean(axis=0)
    if y is not None:
        mean = np.append(mean, y.mean())
    width = len(mean)
    cross = np.zeros((width, width))
    for start in range(0, len(x), _BLOCK):
        rows = x[start : start + _BLOCK]
        if y is not None:
            rows = np.column_stack([rows, y[start : start + _BLOCK]])
        block = rows - mean
        cross += block.T @ block
    return mean, cross


def _correlation(cross: np.ndarray) -> np.ndarray | None:
    """The correlation matrix of centred cross-products; None if a column is constant.

    A constant column is collinear with the intercept; a combination of columns that is
    (nearly) constant shows as a (near-)zero eigenvalue: below 1e-10 is treated as exact.
    """
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


def _gvif(
    correlation: np.ndarray, names: list[tuple[str, str | None]]
) -> dict[str, tuple[float, int]]:
    """Fox and Monette's (1992) generalised VIF of each predictor coded by several columns
    (a single or ordinal item's dummies, a select-all item's options), as R's ``car::vif``:
    det(R₁₁)·det(R₂₂) / det(R), R₁₁ the predictor's columns' correlations and R₂₂ the
    others'. It does not depend on which level is the reference, as the dummies' VIFs do;
    ``GVIF^(1/(2·df))`` is comparable with √VIF of a one-column predictor.
    """
    terms = list(dict.fromkeys(term for term, _ in names))
    if len(terms) < 2 or correlation.shape[0] < 2:
        return {}
    logdet = np.linalg.slogdet(correlation)[1]
    out: dict[str, tuple[float, int]] = {}
    for term in terms:
        own = [j for j, (t, _) in enumerate(names) if t == term]
        if len(own) < 2:
            continue
        rest = [j for j in range(len(names)) if j not in own]
        value = (
            np.linalg.slogdet(correlation[np.ix_(own, own)])[1]
            + np.linalg.slogdet(correlation[np.ix_(rest, rest)])[1]
            - logdet
        )
        out[term] = (float(np.exp(value)), len(own))
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


@dataclass(frozen=True)
class _OLS:
    """What :func:`linear` reads from a least-squares fit (statsmodels' names)."""

    params: np.ndarray
    bse: np.ndarray
    tvalues: np.ndarray
    pvalues: np.ndarray
    ci: np.ndarray  # (k + 1) × 2
    rsquared: float
    rsquared_adj: float
    fvalue: float
    df_resid: float
    f_pvalue: float
    llf: float


def _ols_statsmodels(y: np.ndarray, x: np.ndarray) -> tuple[_OLS, list[str]]:
    # The model's own module, not statsmodels.api (which imports all of statsmodels).
    from statsmodels.regression.linear_model import OLS

    result, notes = _caught(lambda: OLS(y, _with_intercept(x)).fit())
    fit = _OLS(
        np.asarray(result.params), np.asarray(result.bse), np.asarray(result.tvalues),
        np.asarray(result.pvalues), np.asarray(result.conf_int(0.05)),
        float(result.rsquared), float(result.rsquared_adj), float(result.fvalue),
        float(result.df_resid), float(result.f_pvalue), float(result.llf),
    )  # fmt: skip
    return fit, notes


def _ols_from_moments(n: int, moments: _Moments) -> _OLS | None:
    """Least squares from the centred cross-products of [x, y]; None where that is not exact enough.

    The slopes solve Sxx b = Sxy (Cholesky), the intercept is ȳ − x̄·b and the residual
    SS is Syy − b·Sxy: the same estimates, SEs, t, p, R², F and log-likelihood as
    statsmodels' OLS (whose formulas these are), from k × k matrices. Solving the normal
    equations loses accuracy as the predictors' correlation matrix nears singularity and
    Syy − b·Sxy cancels as R² nears 1, so those cases (smallest eigenvalue below 1e-4,
    R² above 0.9999) return None and are fitted by statsmodels: within the bounds the
    relative error stays below about 1e-9, far inside the 6 significant digits checked
    against R.
    """
    from scipy import linalg, special

    k = len(moments.mean) - 1
    if np.linalg.eigvalsh(moments.correlation).min() < 1e-4:
        return None
    sxx, sxy, syy = moments.cross[:k, :k], moments.cross[:k, k], moments.cross[k, k]
    factor = linalg.cho_factor(sxx)
    slopes = linalg.cho_solve(factor, sxy)
    rss = syy - slopes @ sxy
    if not rss > 1e-4 * syy:
        return None
    df_resid = n - k - 1
    sigma2 = rss / df_resid
    inverse = linalg.cho_solve(factor, np.eye(k))
    x_mean = moments.mean[:k]
    intercept = moments.mean[k] - x_mean @ slopes
    params = np.r_[intercept, slopes]
    variance = np.r_[sigma2 * (1 / n + x_mean @ inverse @ x_mean), sigma2 * np.diag(inverse)]
    bse = np.sqrt(variance)
    tvalues = params / bse
    pvalues = 2 * special.stdtr(df_resid, -np.abs(tvalues))
    half = special.stdtrit(df_resid, 0.975) * bse
    rsquared = 1 - rss / syy
    fvalue = (syy - rss) / k / sigma2
    return _OLS(
        params, bse, tvalues, pvalues, np.column_stack([params - half, params + half]),
        float(rsquared), float(1 - (n - 1) / df_resid * (1 - rsquared)), float(fvalue),
        float(df_resid), float(special.fdtrc(k, df_resid, fvalue)),
        float(-n / 2 * (math.log(2 * math.pi) + math.log(rss / n) + 1)),
    )  # fmt: skip


@_one_blas_thread
def linear(
    y: np.ndarray, x: np.ndarray, names: list[tuple[str, str | None]], dv: str
) -> Regression:
    """Ordinary least squares with an intercept."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    large = len(y) >= LARGE
    moments = _check(y, x, names, outcome=large)
    if np.var(y) == 0:
        raise StatisticsError(f"{dv} has the same value for every respondent")
    result = _ols_from_moments(len(y), moments) if large else None
    notes: list[str] = []
    if result is None:
        result, notes = _ols_statsmodels(y, x)
    if large:
        # The cross-products hold the sums of squares: no pass over the rows for the SDs.
        sd = np.sqrt(np.diag(moments.cross) / (len(y) - 1))
        sd_x, sd_y = sd[:-1], sd[-1]
    else:
        sd_x = x.std(axis=0, ddof=1)
        sd_y = y.std(ddof=1)
    ci = result.ci
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
        "linear", dv, len(y), tuple(terms), fit, _vif(moments.correlation, names),
        notes=tuple(notes), gvif=_gvif(moments.correlation, names),
    )  # fmt: skip


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
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    correlation = _check(y, x, names).correlation
    events = int(y.sum())
    if events in (0, len(y)):
        raise StatisticsError(
            f"{dv}: every respondent has the same outcome, so there is nothing to model"
        )
    model = _logit(y, x)
    result, notes = _caught(lambda: model.fit(disp=0, maxiter=200))
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
        "logistic", dv, len(y), tuple(terms), fit, _vif(correlation, names),
        notes=tuple(notes), gvif=_gvif(correlation, names),
    )  # fmt: skip


def _logit(y: np.ndarray, x: np.ndarray):
    """statsmodels' Logit of ``y`` on an intercept and ``x``; at scale, on the distinct rows.

    As for the ordinal model (:func:`_ordered_model`), the log-likelihood of n rows is
    that of their distinct (outcome, predictors) rows each weighted by its count, and so
    are its gradient and Hessian: the same Newton steps to the same maximum, and the same
    SEs. From ``LARGE`` respondents, when that at least halves the rows, the model is
    fitted that way (three models of the benchmark: 1M rows → 36,000 or fewer). The
    design's rank is known from :func:`_check`, so statsmodels is spared its QR of it.
    """
    from statsmodels.discrete.discrete_model import Logit

    if len(y) < LARGE:
        return Logit(y, _with_intercept(x))
    distinct = _distinct_rows([y, *x.T])
    if distinct is None:
        return Logit(y, _with_intercept(x), check_rank=False)
    first, counts = distinct

    class Weighted(Logit):
        def loglike(self, params):  # type: ignore[no-untyped-def]
            return float(np.sum(counts * self.loglikeobs(params)))

        def score(self, params):  # type: ignore[no-untyped-def]
            return (counts * (self.endog - self.predict(params))) @ self.exog

        def hessian(self, params):  # type: ignore[no-untyped-def]
            p = self.predict(params)
            return -((counts * p * (1 - p)) * self.exog.T) @ self.exog

    return Weighted(y[first], _with_intercept(x[first]), check_rank=False)


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """The index of the first of each distinct row of ``columns`` and its count, in order.

    None when there are more than half as many distinct rows as rows (weighting would
    not pay). One integer key per row, each column's value index in mixed radix (a 1-D
    sort is far faster than ``np.unique`` over rows); a column of small whole numbers
    (codes, 0/1 dummies, ages) is indexed by its value minus its minimum, without a sort.
    """
    n = len(columns[0])
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for column in columns:
        low, high = column.min(), column.max()
        if high - low < 4096 and np.array_equal(column, np.floor(column)):
            size = int(high - low) + 1
            index = (column - low).astype(np.int64)
        else:
            values, index = np.unique(column, return_inverse=True)
            size = len(values)
            if size > n // 2:
                return None
        radix *= size
        if radix > 2**62:
            return None
        key = key * size + index
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    if len(first) > n // 2:
        return None
    return first, counts


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
    correlation = _check(codes.astype(float), x, names).correlation
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
        _gvif(correlation, names),
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

    distinct = _distinct_rows([codes, *x.T])
    if distinct is None:
        return Logistic(codes, x, distr="logit")
    first, counts = distinct

    class Weighted(Logistic):
        def loglike(self, params):  # type: ignore[no-untyped-def]
            return float(np.sum(counts * self.loglikeobs(params)))

    return Weighted(codes[first], x[first], distr="logit")
