"""NIST StRD one-way ANOVA through the whole pipeline: CSV text → `surveykit analyze` → F.

The stats-level test (test_stats_nist.py) hands exact deviations to the ANOVA;
this one proves ingestion does the exact centring itself, so a user's CSV of
SmLs09 (values like 1000000000000.4) gets the certified F, where plain float
parsing (scipy's f_oneway, PSPP) gets LRE ≈ 4 or worse.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.test_stats_nist import NAMES, read_nist


def lre(x: float, cert: float) -> float:
    return 15.0 if x == cert else min(15.0, -math.log10(abs(x - cert) / abs(cert)))


@pytest.mark.parametrize("name", NAMES)
def test_anova_from_csv(name: str, cli, tmp_path: Path) -> None:
    treatments, responses, cert = read_nist(name)
    levels = sorted(set(treatments), key=float)
    (tmp_path / "questionnaire.yaml").write_text(
        "items:\n"
        f"  - {{id: treatment, type: single, choices: {json.dumps(levels)}}}\n"
        "  - {id: y, type: number}\n"
    )
    (tmp_path / "analysis.yaml").write_text("tests:\n  - {anova: y, by: treatment}\n")
    rows = "".join(f"{t},{y}\n" for t, y in zip(treatments, responses, strict=True))
    (tmp_path / "responses.csv").write_text("treatment,y\n" + rows)
    run = cli("analyze", tmp_path / "responses.csv", "--format", "json")
    assert run.code == 0, run.err
    (test,) = json.loads(run.out)["tests"]
    assert lre(test["F"], cert["F"]) >= 9
    assert lre(test["ss_within"], cert["ss_within"]) >= 9
    assert (test["df1"], test["df2"]) == (cert["df1"], cert["df2"])
