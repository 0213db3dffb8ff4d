"""The studentized range distribution against R's ptukey/qtukey (fixture from R 4.2.2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from surveykit.stats.tukey import ptukey, qtukey, studentized_range_ppf, studentized_range_sf

REF = json.loads((Path(__file__).parent / "fixtures/stats/ptukey_r.json").read_text())


@pytest.mark.parametrize(("q", "k", "df", "expected"), REF["ptukey"])
def test_ptukey_matches_r(q, k, df, expected) -> None:
    # R: ptukey(q, k, df), printed with %.17g by tests/fixtures/stats/ptukey.R
    assert ptukey(q, int(k), df) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize(("p", "k", "df", "expected"), REF["qtukey"])
def test_qtukey_matches_r(p, k, df, expected) -> None:
    # R's qtukey stops its secant search at |Δq| < 1e-4, so it is itself good to ~1e-7.
    assert qtukey(p, int(k), df) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("df", [2, 2.5, 3, 5, 7, 9.9])
@pytest.mark.parametrize("k", [2, 3, 6])
def test_small_df_matches_exact_integration(df, k) -> None:
    from scipy.stats import studentized_range

    # R's quadrature is off by ~1e-4 at df = 2; below df = 10 surveykit integrates over
    # sqrt(u) instead. Reference: scipy's adaptive double integral (slow, exact).
    for q in (0.4, 1.5, 3.3, 6.0, 11.0):
        assert studentized_range_sf(q, k, df) == pytest.approx(
            studentized_range.sf(q, k, df), abs=1e-9
        )
    assert studentized_range_ppf(0.95, k, df) == pytest.approx(
        studentized_range.ppf(0.95, k, df), rel=1e-8
    )
