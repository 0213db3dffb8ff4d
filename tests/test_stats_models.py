"""Regression models against R: lm, glm(binomial) and MASS::polr.

Reference: tests/fixtures/models/reference.json, made by reference.R (R 4.2.2,
MASS 7.3-58) from data.csv, which make_data.py writes.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.errors import StatisticsError
from surveykit.stats import models

HERE = Path(__file__).parent / "fixtures" / "models"
REF = {k: np.array(v) for k, v in json.loads((HERE / "reference.json").read_text()).items()}
NAMES = [
    ("pss", "Yes"),
    ("age", None),
    ("years", None),
    ("setting", "Community"),
    ("setting", "Private"),
]


def _data():
    rows = [r for r in csv.DictReader((HERE / "data.csv").open(encoding="utf-8")) if r["years"]]
    x = np.array(
        [
            [
                r["pss"] == "Yes",
                float(r["age"]),
                float(r["years"]),
                r["setting"] == "Community",
                r["setting"] == "Private",
            ]
            for r in rows
        ],
        dtype=float,
    )
    score = np.array([float(r["score"]) for r in rows])
    accept = np.array([r["accept"] == "Yes" for r in rows], dtype=float)
    willing = np.array([["No", "Maybe", "Yes"].index(r["willing"]) for r in rows])
    return x, score, accept, willing


X, SCORE, ACCEPT, WILLING = _data()
RTOL = 1e-6


def test_linear_matches_lm():
    r = models.linear(SCORE, X, NAMES, "score")
    assert r.n == 147 == int(REF["lm_fit"][-1])
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["lm_coef"], rtol=RTOL)
    np.testing.assert_allclose([t.se for t in r.terms], REF["lm_se"], rtol=RTOL)
    np.testing.assert_allclose([t.stat for t in r.terms], REF["lm_t"], rtol=RTOL)
    np.testing.assert_allclose([t.p for t in r.terms], REF["lm_p"], rtol=RTOL)
    np.testing.assert_allclose([v for t in r.terms for v in t.ci95], REF["lm_ci"], rtol=RTOL)
    np.testing.assert_allclose([t.beta for t in r.terms[1:]], REF["lm_beta"], rtol=RTOL)
    f = r.fit
    np.testing.assert_allclose(
        [f["r2"], f["adj_r2"], f["F"], f["df1"], f["df2"], f["p"], f["aic"]],
        REF["lm_fit"][:-1],
        rtol=RTOL,
    )
    np.testing.assert_allclose(list(r.vif.values()), REF["lm_vif"], rtol=RTOL)
    assert list(r.vif) == ["pss: Yes", "age", "years", "setting: Community", "setting: Private"]
    assert r.terms[0].beta is None and r.notes == ()


def test_logistic_matches_glm():
    r = models.logistic(ACCEPT, X, NAMES, "accept")
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["glm_coef"], rtol=RTOL)
    np.testing.assert_allclose([t.se for t in r.terms], REF["glm_se"], rtol=RTOL)
    np.testing.assert_allclose([t.stat for t in r.terms], REF["glm_z"], rtol=RTOL)
    np.testing.assert_allclose([t.p for t in r.terms], REF["glm_p"], rtol=RTOL)
    np.testing.assert_allclose([v for t in r.terms for v in t.ci95], REF["glm_ci"], rtol=RTOL)
    np.testing.assert_allclose([t.odds_ratio for t in r.terms], REF["glm_or"], rtol=RTOL)
    np.testing.assert_allclose(
        [v for t in r.terms[1:] for v in t.odds_ratio_ci95], REF["glm_or_ci"][2:], rtol=RTOL
    )
    f = r.fit
    np.testing.assert_allclose(
        [f["pseudo_r2"], f["llr"], f["llr_p"], f["aic"]], REF["glm_fit"][:-1], rtol=RTOL
    )


def test_ordinal_matches_polr():
    r = models.ordinal(WILLING, 3, X, NAMES, "willing")
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["polr_coef"], rtol=1e-7)
    np.testing.assert_allclose(r.thresholds, REF["polr_zeta"], rtol=1e-7)
    np.testing.assert_allclose([t.odds_ratio for t in r.terms], REF["polr_or"], rtol=1e-7)
    # polr's SEs come from optim's finite-difference Hessian, good to about 1e-4 here:
    # for age, polr gives 0.0219101, a central-difference Hessian of the same
    # likelihood 0.0219077 (step 1e-4) and statsmodels 0.0219077.
    np.testing.assert_allclose([t.se for t in r.terms], REF["polr_se"], rtol=2e-4)
    np.testing.assert_allclose([t.p for t in r.terms], REF["polr_p"], rtol=2e-3)
    assert r.terms[1].se == pytest.approx(0.0219077, abs=1e-7)
    assert r.notes == ()  # BFGS stops on precision loss at the optimum: not a failure
    f = r.fit
    np.testing.assert_allclose(
        [f["pseudo_r2"], f["llr"], f["llr_p"], f["aic"]], REF["polr_fit"][:-1], rtol=1e-6
    )


def test_perfect_separation_is_a_note_or_an_error_never_a_traceback():
    x = np.column_stack([np.r_[np.zeros(20), np.ones(20)], np.linspace(0, 1, 40)])
    y = np.r_[np.zeros(20), np.ones(20)]
    try:
        r = models.logistic(y, x, [("group", "B"), ("z", None)], "y")
    except StatisticsError as exc:
        assert "separation" in str(exc)
    else:
        assert any("separation" in note for note in r.notes)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: models.linear(SCORE[:5], X[:5], NAMES, "score"), "too few"),
        (
            lambda: models.linear(
                SCORE, np.column_stack([X, X[:, 1]]), [*NAMES, ("age2", None)], "score"
            ),
            "collinear",
        ),
        (lambda: models.logistic(np.ones(len(SCORE)), X, NAMES, "accept"), "same outcome"),
        (lambda: models.ordinal(np.minimum(WILLING, 1), 3, X, NAMES, "willing"), "three or more"),
    ],
)
def test_model_errors(call, message):
    with pytest.raises(StatisticsError, match=message):
        call()


def test_ordinal_on_repeated_rows_matches_polr():
    # Ten copies of every respondent: the fit runs on the distinct rows weighted by their
    # count. The maximum is polr's on the original data; SEs shrink by √10.
    ten = 10
    r = models.ordinal(np.tile(WILLING, ten), 3, np.tile(X, (ten, 1)), NAMES, "willing")
    assert r.n == ten * len(WILLING)
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["polr_coef"], rtol=1e-6)
    np.testing.assert_allclose(r.thresholds, REF["polr_zeta"], rtol=1e-6)
    np.testing.assert_allclose([t.se for t in r.terms], REF["polr_se"] / np.sqrt(ten), rtol=2e-4)
    np.testing.assert_allclose(r.fit["llr"], ten * REF["polr_fit"][1], rtol=1e-6)


# --- at scale: the same models by other roads (models.LARGE respondents and more) ----------


@pytest.fixture
def at_scale(monkeypatch):
    """Every model takes the road it takes from models.LARGE respondents."""
    monkeypatch.setattr(models, "LARGE", 0)


def test_linear_from_cross_products_matches_lm(at_scale):
    r = models.linear(SCORE, X, NAMES, "score")
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["lm_coef"], rtol=RTOL)
    np.testing.assert_allclose([t.se for t in r.terms], REF["lm_se"], rtol=RTOL)
    np.testing.assert_allclose([t.stat for t in r.terms], REF["lm_t"], rtol=RTOL)
    np.testing.assert_allclose([t.p for t in r.terms], REF["lm_p"], rtol=RTOL)
    np.testing.assert_allclose([v for t in r.terms for v in t.ci95], REF["lm_ci"], rtol=RTOL)
    np.testing.assert_allclose([t.beta for t in r.terms[1:]], REF["lm_beta"], rtol=RTOL)
    f = r.fit
    np.testing.assert_allclose(
        [f["r2"], f["adj_r2"], f["F"], f["df1"], f["df2"], f["p"], f["aic"]],
        REF["lm_fit"][:-1],
        rtol=RTOL,
    )
    np.testing.assert_allclose(list(r.vif.values()), REF["lm_vif"], rtol=RTOL)


def test_linear_from_cross_products_is_not_used_where_it_would_lose_digits(at_scale, monkeypatch):
    # R² above 0.9999: Syy − b·Sxy would cancel, so statsmodels fits it (and agrees).
    y = 3 + 2 * X[:, 1] + 1e-4 * np.sin(np.arange(len(X)))
    calls = []
    original = models._ols_statsmodels
    monkeypatch.setattr(models, "_ols_statsmodels", lambda *a: calls.append(1) or original(*a))
    r = models.linear(y, X, NAMES, "y")
    assert calls == [1]
    assert r.terms[2].estimate == pytest.approx(2, rel=1e-6)
    assert r.fit["r2"] > 0.9999


def test_linear_at_scale_agrees_with_statsmodels():
    # 60,000 respondents (above models.LARGE), a predictor far from zero (a year) and
    # dummies of a rare level: the cross-product road against statsmodels' pseudo-inverse.
    from statsmodels.regression.linear_model import OLS

    rng = np.random.default_rng(7)
    n = 60_000
    assert n >= models.LARGE
    year = rng.integers(1990, 2024, n).astype(float)
    group = rng.choice(3, n, p=[0.6, 0.39, 0.01])
    z = rng.normal(size=n)
    x = np.column_stack([year, group == 1, group == 2, z])
    y = 0.01 * year + 0.5 * (group == 2) - 0.2 * z + rng.normal(size=n)
    names = [("year", None), ("group", "B"), ("group", "C"), ("z", None)]
    r = models.linear(y, x, names, "y")
    ref = OLS(y, np.column_stack([np.ones(n), x])).fit()
    np.testing.assert_allclose([t.estimate for t in r.terms], ref.params, rtol=1e-9)
    np.testing.assert_allclose([t.se for t in r.terms], ref.bse, rtol=1e-9)
    np.testing.assert_allclose([t.p for t in r.terms], ref.pvalues, rtol=1e-8)
    np.testing.assert_allclose(
        [v for t in r.terms for v in t.ci95], np.ravel(ref.conf_int(0.05)), rtol=1e-9
    )
    np.testing.assert_allclose(
        [r.fit["r2"], r.fit["adj_r2"], r.fit["F"], r.fit["p"], r.fit["aic"]],
        [ref.rsquared, ref.rsquared_adj, ref.fvalue, ref.f_pvalue, -2 * ref.llf + 2 * 6],
        rtol=1e-9,
    )


def test_logistic_on_repeated_rows_matches_glm(at_scale):
    # Ten copies of every respondent: the fit runs on the distinct rows weighted by their
    # count. The maximum is glm's on the original data; SEs shrink by √10.
    ten = 10
    r = models.logistic(np.tile(ACCEPT, ten), np.tile(X, (ten, 1)), NAMES, "accept")
    assert r.n == ten * len(ACCEPT)
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["glm_coef"], rtol=RTOL)
    np.testing.assert_allclose([t.se for t in r.terms], REF["glm_se"] / np.sqrt(ten), rtol=RTOL)
    np.testing.assert_allclose([t.stat for t in r.terms], REF["glm_z"] * np.sqrt(ten), rtol=RTOL)
    np.testing.assert_allclose(r.fit["llr"], ten * REF["glm_fit"][1], rtol=RTOL)
    np.testing.assert_allclose(r.fit["pseudo_r2"], REF["glm_fit"][0], rtol=RTOL)
    assert r.notes == ()


def test_logistic_at_scale_without_repeats_matches_glm(at_scale):
    # Rows that do not repeat: statsmodels' Logit on every row, without its rank check.
    r = models.logistic(ACCEPT, X, NAMES, "accept")
    np.testing.assert_allclose([t.estimate for t in r.terms], REF["glm_coef"], rtol=RTOL)
    np.testing.assert_allclose([t.se for t in r.terms], REF["glm_se"], rtol=RTOL)
    np.testing.assert_allclose(
        [r.fit["pseudo_r2"], r.fit["llr"], r.fit["llr_p"], r.fit["aic"]],
        REF["glm_fit"][:-1],
        rtol=RTOL,
    )


def test_perfect_separation_on_repeated_rows_is_still_reported(at_scale):
    x = np.column_stack([np.r_[np.zeros(20), np.ones(20)], np.tile([0.0, 1.0], 20)])
    y = np.r_[np.zeros(20), np.ones(20)]
    try:
        r = models.logistic(np.tile(y, 5), np.tile(x, (5, 1)), [("group", "B"), ("z", None)], "y")
    except StatisticsError as exc:
        assert "separation" in str(exc)
    else:
        assert any("separation" in note for note in r.notes)
