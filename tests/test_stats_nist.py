"""NIST StRD one-way ANOVA: LRE >= 9 against certified values after exact centring.

The 11 datasets (tests/fixtures/nist_anova, copied from scipy's test data) are read as
strings, centred exactly with Decimal (surveykit.stats.exact_centre), then analysed.
LRE = -log10(|x - cert| / |cert|), capped at 15 for an exact match.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from surveykit.stats import exact_centre, needs_centring, oneway_anova

NIST = Path(__file__).parent / "fixtures" / "nist_anova"
NAMES = ["SiRstv", "SmLs01", "SmLs02", "SmLs03", "AtmWtAg"] + [f"SmLs0{i}" for i in range(4, 10)]


def read_nist(name: str) -> tuple[list[str], list[str], dict[str, float]]:
    """(treatment strings, response strings, certified values) from a StRD .dat file."""
    lines = (NIST / f"{name}.dat").read_text().splitlines()
    cert: dict[str, float] = {}
    for line in lines[:60]:
        f = line.split()
        # "Between Treatment 8 SS MS F" / "Within Instrument 20 SS MS": numbers at the end
        if line.strip().startswith("Between"):
            cert.update(
                zip(("df1", "ss_between", "ms_between", "F"), map(float, f[-4:]), strict=True)
            )
        elif line.strip().startswith("Within"):
            cert.update(zip(("df2", "ss_within", "ms_within"), map(float, f[-3:]), strict=True))
        elif "Certified R-Squared" in line:
            cert["r2"] = float(f[-1])
    data = [ln.split() for ln in lines[60:] if ln.strip()]
    return [d[0] for d in data], [d[1] for d in data], cert


def lre(x: float, cert: float) -> float:
    if x == cert:
        return 15.0
    return min(15.0, -math.log10(abs(x - cert) / abs(cert)))


def analyse(name: str):
    treat, resp, cert = read_nist(name)
    dev, _shift = exact_centre(resp)
    by = defaultdict(list)
    for t, v in zip(treat, dev, strict=True):
        by[t].append(v)
    labels = sorted(by, key=float)
    samples = [np.array(by[k]) for k in labels]
    return oneway_anova(samples, labels, posthoc=False), cert


@pytest.mark.parametrize("name", NAMES)
def test_nist_lre(name):
    res, cert = analyse(name)
    assert (res.df1, res.df2) == (cert["df1"], cert["df2"])
    assert lre(res.F, cert["F"]) >= 9
    assert lre(res.ss_between, cert["ss_between"]) >= 9
    assert lre(res.ss_within, cert["ss_within"]) >= 9
    assert lre(res.ms_between, cert["ms_between"]) >= 9
    assert lre(res.ms_within, cert["ms_within"]) >= 9
    assert lre(res.eta_sq, cert["r2"]) >= 9  # R^2 = SS_between / SS_total


def test_needs_centring_flags_the_hard_datasets():
    for name, expected in [
        ("SmLs01", False),
        ("SmLs04", True),
        ("SmLs07", True),
        ("SmLs09", True),
    ]:
        _, resp, _ = read_nist(name)
        assert needs_centring(np.array([float(v) for v in resp])) is expected, name


def test_exact_centre_is_exact():
    dev, shift = exact_centre(["1000000000000.4", "1000000000000.3", "1000000000000.5"])
    assert str(shift) == "1000000000000.4"
    assert dev.tolist() == [0.0, -0.1, 0.1]
