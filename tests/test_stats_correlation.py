"""Correlation matrices against R's cor.test (Pearson with its CI; Spearman with exact = FALSE).

Reference: tests/fixtures/correlation/reference.json and data.csv, written by reference.R.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.errors import StatisticsError
from surveykit.stats.correlation import correlate

HERE = Path(__file__).parent / "fixtures" / "correlation"
REF = json.loads((HERE / "reference.json").read_text())
ROWS = list(csv.DictReader((HERE / "data.csv").open(encoding="utf-8")))
COLS = [np.array([float(r[k]) if r[k] else np.nan for r in ROWS]) for k in "abc"]


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_pairwise_matrix_matches_cor_test(method):
    m = correlate(COLS, ["a", "b", "c"], method)
    assert [(p.first, p.second) for p in m.pairs] == [("a", "b"), ("a", "c"), ("b", "c")]
    for pair in m.pairs:
        ref = REF[f"{pair.first}{pair.second}_{method}"]
        assert pair.n == ref[0]
        assert pair.r == pytest.approx(ref[1], rel=1e-12)
        assert pair.p == pytest.approx(ref[2], rel=1e-9)
        if method == "pearson":
            assert pair.ci95 == pytest.approx(tuple(ref[3:]), rel=1e-10)


def test_listwise_uses_complete_rows_only():
    m = correlate(COLS, ["a", "b", "c"], listwise=True)
    complete = int((~np.isnan(np.vstack(COLS))).all(axis=0).sum())
    assert {p.n for p in m.pairs} == {complete}


def test_undefined_pairs_are_none_not_nan():
    m = correlate([np.array([1.0, 1, 1, 1]), np.array([1.0, 2, 3, 4])], ["flat", "x"])
    assert (m.pairs[0].r, m.pairs[0].p, m.pairs[0].ci95) == (None, None, None)


def test_bad_method():
    with pytest.raises(StatisticsError, match="pearson or spearman"):
        correlate(COLS, ["a", "b", "c"], "kendall")
