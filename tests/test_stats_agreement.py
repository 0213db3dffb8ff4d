"""Coder agreement: Cohen's κ against R's psych::cohen.kappa and statsmodels, Krippendorff's α
against Krippendorff's published example and the krippendorff package.

Reference: tests/fixtures/agreement/reference.json and coders.csv, written by
reference.R (R 4.2.2, psych 2.2.9).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.errors import StatisticsError
from surveykit.stats.agreement import cohen_kappa, krippendorff_alpha_nominal

HERE = Path(__file__).parent / "fixtures" / "agreement"
REF = json.loads((HERE / "reference.json").read_text())
ROWS = list(csv.DictReader((HERE / "coders.csv").open(encoding="utf-8")))
FIRST = np.array([int(r["first"]) for r in ROWS])
SECOND = np.array([int(r["second"]) for r in ROWS])


def test_binary_kappa_matches_psych():
    r = cohen_kappa(FIRST, SECOND)
    assert r.n == 60
    assert r.kappa == pytest.approx(REF["binary_kappa"][0], rel=1e-12)
    assert r.se**2 == pytest.approx(REF["binary_var"][0], rel=1e-10)
    assert r.ci95 == pytest.approx(tuple(REF["binary_ci"]), rel=1e-9)


def test_three_category_kappa_matches_psych():
    r = cohen_kappa(np.array(REF["three_a"], dtype=int), np.array(REF["three_b"], dtype=int))
    assert r.kappa == pytest.approx(REF["three_kappa"][0], rel=1e-12)
    assert r.se**2 == pytest.approx(REF["three_var"][0], rel=1e-10)


def test_kappa_matches_statsmodels():
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.zeros((2, 2))
    np.add.at(table, (FIRST, SECOND), 1)
    reference = cohens_kappa(table)
    r = cohen_kappa(FIRST, SECOND)
    assert r.kappa == pytest.approx(reference.kappa, rel=1e-12)
    assert r.se == pytest.approx(reference.std_kappa, rel=1e-10)


def test_chance_agreement_is_cohens_not_p_yes_times_p_no():
    # Hand-worked: 10 units; coder 1 says yes on 4, coder 2 on 5, both on 3.
    first = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    second = np.array([1, 1, 1, 0, 1, 1, 0, 0, 0, 0])
    r = cohen_kappa(first, second)
    assert r.agreement == pytest.approx(0.7)  # 3 yes-yes + 4 no-no
    assert r.expected == pytest.approx(0.4 * 0.5 + 0.6 * 0.5)  # = 0.5
    assert r.kappa == pytest.approx((0.7 - 0.5) / (1 - 0.5))  # = 0.4
    # P(yes)·P(no) of the pooled decisions would give 0.45 * 0.55 = 0.2475 and κ = 0.60.
    assert r.kappa != pytest.approx((0.7 - 0.2475) / (1 - 0.2475))


def test_krippendorff_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers,
    # 12 units, nominal alpha = 0.743.
    n = np.nan
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
        ]
    )
    assert round(krippendorff_alpha_nominal(data), 3) == 0.743
    import krippendorff

    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(data) == pytest.approx(expected, rel=1e-12)


def test_krippendorff_two_coders_binary_matches_package():
    import krippendorff

    data = np.vstack([FIRST, SECOND]).astype(float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(data) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cohen_kappa(np.array([1, 1]), np.array([1, 1])), "undefined"),
        (lambda: cohen_kappa(np.array([1, -1]), np.array([-1, 1])), "no unit coded by both"),
        (
            lambda: krippendorff_alpha_nominal(np.array([[1.0, np.nan], [np.nan, 2.0]])),
            "two or more coders",
        ),
    ],
)
def test_agreement_errors(call, message):
    with pytest.raises(StatisticsError, match=message):
        call()
