"""Two-proportion z test against R's prop.test(correct = FALSE) (tests/fixtures/proportions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from surveykit.errors import StatisticsError
from surveykit.stats.proportions import two_proportions

REF = json.loads((Path(__file__).parent / "fixtures/proportions/reference.json").read_text())


@pytest.mark.parametrize("key", sorted(REF))
def test_matches_prop_test(key):
    x1, n1, x2, n2 = map(int, key.split("_"))
    chi2, p, low, high = REF[key]
    r = two_proportions(x1, n1, x2, n2)
    assert r.z**2 == pytest.approx(chi2, rel=1e-12)
    assert r.p == pytest.approx(p, rel=1e-10)
    assert r.ci95 == pytest.approx((low, high), rel=1e-12)
    assert r.difference == pytest.approx(x1 / n1 - x2 / n2)


def test_nothing_to_test():
    with pytest.raises(StatisticsError, match="nothing to test"):
        two_proportions(0, 10, 0, 12)
