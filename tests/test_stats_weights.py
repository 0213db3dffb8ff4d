"""Raking, post-stratification and weighted estimates against R's survey package.

Reference values: tests/fixtures/weights/reference.json, made by reference.R
(survey 4.1.1) from data.csv and population.csv, which make_data.py writes.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.errors import StatisticsError
from surveykit.stats import weights as W

HERE = Path(__file__).parent / "fixtures" / "weights"
REF = {k: np.array(v) for k, v in json.loads((HERE / "reference.json").read_text()).items()}
TEAMS = ["Ward A", "Ward B", "Ward C", "Theatres"]
PROFESSIONS = ["Nurse", "Doctor", "Admin"]
GRADES = ["Staff", "Manager"]
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def _data():
    rows = list(csv.DictReader((HERE / "data.csv").open(encoding="utf-8")))
    pop = list(csv.DictReader((HERE / "population.csv").open(encoding="utf-8")))
    d = {
        "team": np.array([TEAMS.index(r["team"]) for r in rows]),
        "profession": np.array([PROFESSIONS.index(r["profession"]) for r in rows]),
        "grade": np.array([GRADES.index(r["grade"]) for r in rows]),
        "score": np.array([float(r["score"]) if r["score"] else np.nan for r in rows]),
        "agree": np.array([AGREE.index(r["agree"]) if r["agree"] else -1 for r in rows]),
    }
    margins = {
        "team": np.array(
            [sum(int(p["count"]) for p in pop if p["team"] == t) for t in TEAMS], float
        ),
        "profession": np.array(
            [sum(int(p["count"]) for p in pop if p["profession"] == t) for t in PROFESSIONS], float
        ),
        "grade": np.array([780.0, 120.0]),
    }
    joint = np.zeros(len(TEAMS) * len(PROFESSIONS))
    for p in pop:
        joint[TEAMS.index(p["team"]) * len(PROFESSIONS) + PROFESSIONS.index(p["profession"])] = int(
            p["count"]
        )
    return d, margins, joint


D, MARGINS, JOINT = _data()
RTOL = 1e-8


def _raked():
    return W.rake(
        [D["team"], D["profession"], D["grade"]],
        [MARGINS["team"], MARGINS["profession"], MARGINS["grade"]],
    )


def _post():
    return W.poststratify(D["team"] * len(PROFESSIONS) + D["profession"], JOINT)


def _unit():
    return W.given(np.where(D["grade"] == 1, 2.0, 5.0))


def test_raked_weights_match_r():
    cal = _raked()
    assert cal.converged and cal.iterations < 100
    np.testing.assert_allclose(cal.weights, REF["raked_weights"], rtol=RTOL)
    # the margins are met
    for key in ("team", "profession", "grade"):
        sums = np.bincount(D[key], weights=cal.weights)
        np.testing.assert_allclose(sums, MARGINS[key], rtol=1e-10)


def test_poststratified_weights_match_r():
    np.testing.assert_allclose(_post().weights, REF["post_weights"], rtol=1e-12)


@pytest.mark.parametrize(
    ("prefix", "design"), [("raked", _raked), ("post", _post), ("unit", _unit)]
)
def test_weighted_estimates_and_ses_match_r(prefix, design):
    cal = design()
    mean = W.weighted_mean(D["score"], cal)
    np.testing.assert_allclose(mean.estimate, REF[f"{prefix}_score_mean"], rtol=RTOL)
    np.testing.assert_allclose(mean.se, REF[f"{prefix}_score_se"], rtol=RTOL)
    agree = W.weighted_proportions(D["agree"], len(AGREE), cal)
    np.testing.assert_allclose(agree.estimate, REF[f"{prefix}_agree_prop"], rtol=RTOL)
    np.testing.assert_allclose(agree.se, REF[f"{prefix}_agree_se"], rtol=RTOL)
    grade = W.weighted_proportions(D["grade"], 2, cal)
    np.testing.assert_allclose(grade.estimate, REF[f"{prefix}_grade_prop"], rtol=RTOL)
    # Raked to the grade headcounts, the grade shares are exact: both SEs are ~0.
    np.testing.assert_allclose(grade.se, REF[f"{prefix}_grade_se"], rtol=RTOL, atol=1e-9)
    assert mean.n == int(np.isfinite(D["score"]).sum())


def test_calibration_shrinks_the_se_of_a_calibrated_variable():
    # Unit weights give grade shares an SE of several points; raking to grade makes it ~0.
    assert W.weighted_proportions(D["grade"], 2, _unit()).se[0] > 0.03
    assert W.weighted_proportions(D["grade"], 2, _raked()).se[0] < 1e-9


def test_weight_summary_by_hand():
    s = W.weight_summary(np.array([1.0, 1.0, 2.0, 4.0]))
    # mean 2; population SD sqrt(6/4); CV^2 = 0.375; deff = n*sum(w^2)/sum(w)^2 = 4*22/64
    assert (s.n, s.min, s.max, s.mean) == (4, 1.0, 4.0, 2.0)
    assert s.cv == pytest.approx(np.sqrt(1.5) / 2)
    assert s.deff == pytest.approx(1.375)
    assert s.deff == pytest.approx(1 + s.cv**2)
    assert s.n_effective == pytest.approx(4 / 1.375)


def test_trim_keeps_weights_within_bounds_and_margins_met():
    def recalibrate(base):
        return W.rake(
            [D["team"], D["profession"], D["grade"]],
            [MARGINS["team"], MARGINS["profession"], MARGINS["grade"]],
            base,
        )

    raked = _raked()
    assert raked.weights.max() / raked.weights.mean() > 4.4
    trimmed = W.trim(raked, 0.3, 3.0, recalibrate)
    assert trimmed.converged
    ratio = trimmed.weights / trimmed.weights.mean()
    assert ratio.max() <= 3.0 * (1 + 1e-6) and ratio.min() >= 0.3 * (1 - 1e-6)
    for key in ("team", "profession", "grade"):
        np.testing.assert_allclose(np.bincount(D[key], weights=trimmed.weights), MARGINS[key])
    # Bounds the headcounts cannot meet: said, not hidden.
    assert not W.trim(raked, 0.3, 2.0, recalibrate, max_iter=50).converged


def test_raking_that_cannot_converge_says_so():
    # Respondent 1 is level 0 of both margins, which want it to weigh 1 and 3.
    cal = W.rake(
        [np.array([0, 1]), np.array([0, 1])],
        [np.array([1.0, 3.0]), np.array([3.0, 1.0])],
        max_iter=5,
    )
    assert not cal.converged and cal.iterations == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ([np.array([0, 0, 1])], [np.array([5.0, 5.0, 3.0])]),
            "level 2 has a headcount but no respondents",
        ),
        (([np.array([0, -1, 1])], [np.array([5.0, 5.0])]), "some are missing"),
        (
            ([np.array([0, 1]), np.array([0, 1])], [np.array([5.0, 5.0]), np.array([5.0, 6.0])]),
            "different totals",
        ),
    ],
)
def test_rake_errors(args, message):
    with pytest.raises(StatisticsError, match=message):
        W.rake(*args)


def test_poststratify_empty_cell_is_an_error():
    with pytest.raises(StatisticsError, match="level 1 has a headcount but no respondents"):
        W.poststratify(np.array([0, 0, 2]), np.array([3.0, 4.0, 5.0]))


@pytest.mark.parametrize(
    ("prefix", "design", "rows", "cols", "nr", "nc"),
    [
        ("raked_chisq_grade_agree", _raked, "grade", "agree", 2, 5),
        ("raked_chisq_team_profession", _raked, "team", "profession", 4, 3),
        ("unit_chisq_grade_agree", _unit, "grade", "agree", 2, 5),
        ("post_chisq_profession_grade", _post, "profession", "grade", 3, 2),
    ],
)
def test_rao_scott_matches_svychisq(prefix, design, rows, cols, nr, nc):
    result = W.rao_scott(D[rows], D[cols], design())
    np.testing.assert_allclose(result.statistic, REF[f"{prefix}_F"][0], rtol=RTOL)
    np.testing.assert_allclose([result.df1, result.df2], REF[f"{prefix}_df"], rtol=RTOL)
    np.testing.assert_allclose(result.p, REF[f"{prefix}_p"][0], rtol=RTOL)
