"""Fisher's exact test on 2 × 2 tables against R's fisher.test.

Reference: tests/fixtures/fisher/reference.json, made by reference.R (R 4.2.2).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from surveykit.stats.crosstab import fisher_exact_p

REF = json.loads((Path(__file__).parent / "fixtures" / "fisher" / "reference.json").read_text())


@pytest.mark.parametrize("case", REF["tables"], ids=lambda c: str(c["table"]))
def test_matches_r(case) -> None:
    # R: fisher.test(matrix(c(a, b, c, d), nrow = 2, byrow = TRUE))$p.value
    assert fisher_exact_p(np.array(case["table"])) == pytest.approx(case["p"], rel=1e-9)


def test_transposing_or_swapping_rows_keeps_p() -> None:
    table = np.array([[12, 3], [5, 10]])
    p = fisher_exact_p(table)
    assert fisher_exact_p(table.T) == pytest.approx(p, rel=1e-12)
    assert fisher_exact_p(table[::-1]) == pytest.approx(p, rel=1e-12)
