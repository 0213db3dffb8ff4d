"""The studentized range distribution against R's ptukey/qtukey (fixture from R 4.2.2) and,
for the upper tail that post-hoc p values are, against 30-digit mpmath quadrature."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from surveykit.stats.tukey import ptukey, qtukey, studentized_range_ppf, studentized_range_sf

FIXTURES = Path(__file__).parent / "fixtures/stats"
REF = json.loads((FIXTURES / "ptukey_r.json").read_text())
TAIL = json.loads((FIXTURES / "studentized_range_tail.json").read_text())


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


@pytest.mark.parametrize(("q", "k", "df", "expected"), TAIL["rows"])
def test_upper_tail_matches_high_precision_quadrature(q, k, df, expected) -> None:
    # mpmath at 30 digits: tests/fixtures/stats/studentized_range_tail.py. The tail is
    # integrated directly, so it keeps its relative precision where 1 - cdf cannot.
    assert studentized_range_sf(q, int(k), df) == pytest.approx(float(expected), rel=1e-9)


def test_upper_tail_reference_reaches_below_1e_12() -> None:
    tails = [float(row[3]) for row in TAIL["rows"]]
    assert min(tails) < 1e-12 < max(tails)
    assert sum(1e-14 < t < 1e-6 for t in tails) >= 5


def test_issue_case_q12_k4_df60() -> None:
    # 1 - cdf gave 6.37e-11 here; the true value is 4.3789e-11.
    assert studentized_range_sf(12, 4, 60) == pytest.approx(4.378927056834099e-11, rel=1e-9)


@pytest.mark.parametrize(("q", "k", "df"), [(-1.0, 3, 20), (0.0, 3, 20), (math.inf, 3, 20)])
def test_upper_tail_limits(q, k, df) -> None:
    assert studentized_range_sf(q, k, df) == (0.0 if q > 0 else 1.0)
