"""Paired t-test and Wilcoxon signed-rank against R (t.test and wilcox.test, paired = TRUE).

Reference: tests/fixtures/paired/reference.json and data.csv, both written by
reference.R (R 4.2.2).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.errors import StatisticsError
from surveykit.stats.paired import paired_ttest, wilcoxon_signed_rank

HERE = Path(__file__).parent / "fixtures" / "paired"
REF = json.loads((HERE / "reference.json").read_text())
ROWS = list(csv.DictReader((HERE / "data.csv").open(encoding="utf-8")))
BEFORE = np.array([float(r["before"]) if r["before"] else np.nan for r in ROWS])
AFTER = np.array([float(r["after"]) if r["after"] else np.nan for r in ROWS])


def test_paired_t_matches_r():
    r = paired_ttest(BEFORE, AFTER)
    assert (r.n, r.df, r.n_dropped) == (38, 37, 2)
    assert r.t == pytest.approx(REF["t"][0], rel=1e-10)
    assert r.p == pytest.approx(REF["t_p"][0], rel=1e-9)
    assert r.mean_difference == pytest.approx(REF["mean_difference"][0], rel=1e-12)
    assert r.ci95 == pytest.approx(tuple(REF["ci95"]), rel=1e-10)
    assert r.d_z == pytest.approx(REF["d_z"][0], rel=1e-12)


def test_wilcoxon_matches_r():
    r = wilcoxon_signed_rank(BEFORE, AFTER)
    assert r.n == REF["n_nonzero"][0] and r.n_zero == 38 - r.n and r.n_dropped == 2
    expected_w = REF["V"][0]
    assert expected_w == r.W  # r.W reads as a constant to ruff (SIM300)
    assert r.p == pytest.approx(REF["w_p"][0], rel=1e-10)
    assert r.z == pytest.approx(REF["z"][0], rel=1e-10)


def test_rank_biserial_by_hand():
    # differences 1, 2, -3 (no ties): ranks 1, 2, 3; W+ = 3, W- = 3 -> r = 0
    assert wilcoxon_signed_rank([2, 3, 1], [1, 1, 4]).rank_biserial == 0
    # all positive -> 1
    assert wilcoxon_signed_rank([2, 3, 4], [1, 1, 1]).rank_biserial == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: paired_ttest([1, 2], [1, 2, 3]), "same respondents"),
        (lambda: paired_ttest([1, np.nan], [2, 3]), "1 complete pair"),
        (lambda: paired_ttest([1, 2, 3], [2, 3, 4]), "every difference is the same"),
        (lambda: wilcoxon_signed_rank([1, 2], [1, 2]), "every difference is zero"),
    ],
)
def test_paired_errors(call, message):
    with pytest.raises(StatisticsError, match=message):
        call()
