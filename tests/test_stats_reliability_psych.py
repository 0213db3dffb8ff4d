"""Cronbach's alpha and its companions against R's psych::alpha.

Reference: tests/fixtures/reliability/reference.json and items.csv, written by
reference.R (R 4.2.2, psych 2.2.9).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.stats.reliability import cronbach_alpha

HERE = Path(__file__).parent / "fixtures" / "reliability"
REF = json.loads((HERE / "reference.json").read_text())
ITEMS = np.array(
    [
        [float(v) if v else np.nan for v in row.values()]
        for row in csv.DictReader((HERE / "items.csv").open(encoding="utf-8"))
    ]
)


def test_alpha_and_companions_match_psych():
    r = cronbach_alpha(ITEMS, ["q1", "q2", "q3", "q4", "q5"])
    assert r.n == REF["n"][0] == 87 and r.k == 5
    assert r.alpha == pytest.approx(REF["raw_alpha"][0], rel=1e-12)
    assert r.std_alpha == pytest.approx(REF["std_alpha"][0], rel=1e-12)
    assert r.mean_r == pytest.approx(REF["average_r"][0], rel=1e-12)
    assert r.ci95 == pytest.approx(tuple(REF["feldt"]), rel=1e-10)
    assert [t.mean for t in r.item_total] == pytest.approx(REF["item_mean"], rel=1e-12)
    assert [t.sd for t in r.item_total] == pytest.approx(REF["item_sd"], rel=1e-12)
    assert [t.corrected_r for t in r.item_total] == pytest.approx(REF["r_drop"], rel=1e-12)
    assert [t.alpha_if_deleted for t in r.item_total] == pytest.approx(REF["alpha_drop"], rel=1e-12)
    assert r.notes == ("3 respondents with a missing item were left out (listwise)",)
