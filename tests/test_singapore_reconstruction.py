"""The Singapore PSS reconstruction: reproducible, and meets the published targets.

The checks below read the committed CSV with pandas/scipy only (independent of
surveykit and of reconstruct.py's own audit code).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

SURVEY = Path(__file__).resolve().parents[1] / "surveys" / "singapore_pss"
CSV = SURVEY / "responses.csv"


@pytest.fixture(scope="module")
def questionnaire():
    return yaml.safe_load((SURVEY / "questionnaire.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published():
    return yaml.safe_load((SURVEY / "published.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def analysed(questionnaire):
    raw = pd.read_csv(CSV, dtype=str, keep_default_na=False)
    ids = {it["text"]: it["id"] for it in questionnaire["items"]}
    df = raw.rename(columns=ids)
    assert len(df) == 62
    df = df[~df["email"].duplicated(keep="first")]
    df = df[df["profession"] != "Retired healthcare professional"]
    df = df[df["years_experience"].astype(float) != 0]
    assert len(df) == 59
    df = df.reset_index(drop=True)
    df["age"] = df["age"].astype(int)
    df["years_experience"] = df["years_experience"].astype(float)
    return df


def test_regenerates_byte_identical(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SURVEY / "reconstruct.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,  # ~45 s of CPU; far longer on a shared, loaded machine
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("responses.csv", "AUDIT.md"):
        assert (tmp_path / name).read_bytes() == (SURVEY / name).read_bytes(), name


# The published figures live beside the clone (../shared/reference/, in CI too); the
# survey folder carries a copy that must stay byte-identical to it.
SHARED_REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def test_published_copy_is_verbatim():
    ref = SHARED_REFERENCE / "singapore_pss_published.yaml"
    assert ref.is_file(), f"{ref} is missing: the reference copy must sit beside the clone"
    assert (SURVEY / "published.yaml").read_bytes() == ref.read_bytes()


def test_timestamps_increase_within_collection_window():
    raw = pd.read_csv(CSV, dtype=str, keep_default_na=False)
    ts = pd.to_datetime(
        raw["Timestamp"].str.replace(" GMT+8", "", regex=False), format="%Y/%m/%d %I:%M:%S %p"
    )
    assert ts.is_monotonic_increasing
    assert ts.min() >= pd.Timestamp("2023-08-01") and ts.max() < pd.Timestamp("2023-09-23")


def test_counts(analysed, published):
    t1 = published["table1_demographics"]
    assert analysed["sex"].value_counts().to_dict() == {k: v["n"] for k, v in t1["sex"].items()}
    assert analysed["ethnicity"].value_counts().to_dict() == {
        k: v["n"] for k, v in t1["ethnic_group"].items()
    }
    assert (analysed["pss_at_workplace"] == "Yes").sum() == 26
    t2 = published["table2_attitudes"]
    for col, key in (
        ("accept_pss", "accept_pss_as_profession"),
        ("willing_pss", "willing_to_work_with_pss"),
    ):
        assert analysed[col].value_counts().to_dict() == {k: v["n"] for k, v in t2[key].items()}
    t3 = published["table3_acceptance_by_pss_presence"]
    tab = pd.crosstab(analysed["accept_pss"], analysed["pss_at_workplace"])
    for half, col in (("with_pss", "Yes"), ("without_pss", "No")):
        for lab, v in t3[half].items():
            assert tab.loc[lab, col] == v["n"]
    # multi-select: "Reach out to clients, especially ..." contains a comma
    reach = "Reach out to clients, especially those with limited social support"
    assert analysed["benefits"].str.contains(reach, regex=False).sum() == 52
    assert (
        analysed["role"].str.contains("Share personal experiences with clients", regex=False).sum()
        == 54
    )


def test_age_and_experience(analysed):
    age = analysed["age"]
    assert (age.min(), age.max()) == (20, 58)
    assert f"{age.mean():.2f}" == "34.83"
    assert f"{age.std(ddof=1):.2f}" == "8.13"
    x = analysed["years_experience"]
    assert ((x * 2) % 1 == 0).all()
    assert f"{x.mean():.2f}" == "6.81" and f"{x.std(ddof=1):.2f}" == "6.08"
    w = analysed.loc[analysed["pss_at_workplace"] == "Yes", "years_with_pss"].astype(float)
    assert f"{w.mean():.2f}" == "3.63" and f"{w.std(ddof=1):.2f}" == "3.61"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_t_tests(analysed):
    score = {"No": 1, "Maybe": 2, "Yes": 3}
    with_pss = analysed["pss_at_workplace"] == "Yes"
    for col, t, p in (("accept_pss", "2.066", "0.043"), ("willing_pss", "2.228", "0.030")):
        s = analysed[col].map(score).astype(float)
        res = stats.ttest_ind(s[with_pss], s[~with_pss], equal_var=True)
        assert (f"{res.statistic:.3f}", f"{res.pvalue:.3f}") == (t, p)


@pytest.mark.parametrize(
    ("dv", "by", "F", "p"),
    [
        ("age", "accept_pss", "0.689", "0.506"),
        ("age", "willing_pss", "0.738", "0.483"),
        ("years_experience", "accept_pss", "1.314", "0.277"),
        ("years_experience", "willing_pss", "0.968", "0.386"),
        ("age", "pss_where_you_work", "0.169", "0.845"),
        ("years_experience", "pss_where_you_work", "0.049", "0.952"),
    ],
)
def test_anovas(analysed, dv, by, F, p):
    groups = [
        analysed.loc[analysed[by] == lab, dv].to_numpy(float) for lab in ("Yes", "Maybe", "No")
    ]
    res = stats.f_oneway(*groups)
    assert (f"{res.statistic:.3f}", f"{res.pvalue:.3f}") == (F, p)
    assert sum(len(g) for g in groups) - 3 == 56


def test_quotes_at_cited_respondents(analysed):
    sys.path.insert(0, str(SURVEY))
    try:
        import reconstruct
    finally:
        sys.path.pop(0)
    for rid, item, quote in reconstruct.QUOTES:
        assert quote in analysed.loc[rid - 1, item], (rid, item)
    assert analysed.loc[31, "profession"] == "Peer support specialist"  # R32
    for rid in reconstruct.NEEDS_PSS:
        assert analysed.loc[rid - 1, "pss_at_workplace"] == "Yes"
    assert np.all(analysed.loc[analysed["pss_at_workplace"] == "No", "number_of_pss"] == "")
