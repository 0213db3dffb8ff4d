"""Small-cell protection of tests: a model's n_dropped is a count, and a withheld test's p.

A withheld test stays in the p-value adjustment's family (it was run) but counts
as p = 1, so the adjusted p values shown neither shrink with the family nor
depend on where the withheld p ranks. The references are statsmodels'
``multipletests`` (R's ``p.adjust``) on the unprotected run's raw p values.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import ROOT

STAFF = ROOT / "surveys" / "staff_wellbeing"
DEPTS = ["Outpatients", "Mental Health", "Surgery", "Medicine", "Emergency"]
PAIRED = "  - {{paired_ttest: [stress_before, stress_after], where: 'dept == \"{}\"'}}\n"
PLAN = (
    "tables:\n  - {id: t, describe: [role]}\ntests:\n"
    + "".join(PAIRED.format(d) for d in DEPTS)
    + "  - {ttest: eng_3, by: supervises}\n"
    + "  - {regress: eng_1, on: [years, supervises], model: linear}\n"
    + "options: {adjust: ADJUST}\n"
)


def _run(cli, tmp_path, adjust: str, *args: str) -> dict:
    for name in ("responses.csv", "questionnaire.yaml"):
        shutil.copy(STAFF / name, tmp_path / name)
    (tmp_path / "analysis.yaml").write_text(PLAN.replace("ADJUST", adjust), encoding="utf-8")
    run = cli("analyze", tmp_path / "responses.csv", "--format", "json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)


def _p(test: dict) -> float:
    return test["fit"]["p"] if test["kind"] == "regression" else test["p"]


@pytest.mark.parametrize(("adjust", "method"), [("holm", "holm"), ("fdr_bh", "fdr_bh")])
def test_a_withheld_test_counts_in_the_family_as_p_1(cli, tmp_path, adjust, method) -> None:
    from statsmodels.stats.multitest import multipletests

    full = _run(cli, tmp_path, adjust)["tests"]
    sizes = [t["n"] + t["n_dropped"] for t in full[:5]]
    # min_cell between the two smallest departments' and the rest: two tests withheld,
    # one of them (Mental Health) with the second-smallest p of the seven.
    min_cell = sorted(sizes)[1] + 1
    assert min_cell <= sorted(sizes)[2]
    protected = _run(cli, tmp_path, adjust, "--min-cell", str(min_cell))
    shown = protected["tests"]
    withheld = [i for i, t in enumerate(shown) if t.get("suppressed")]
    assert withheld == [0, 1]
    raw = [1.0 if i in withheld else _p(t) for i, t in enumerate(full)]
    expected = multipletests(raw, method=method)[1]
    for i, t in enumerate(shown):
        if i not in withheld:
            assert t["p_adjusted"] == pytest.approx(expected[i], rel=1e-12)
    # ... which is not what the family with the withheld p values would give (it depends on
    # them) nor what a family of the five shown tests would give (too small a family).
    with_them = multipletests([_p(t) for t in full], method=method)[1]
    five = multipletests([p for i, p in enumerate(raw) if i not in withheld], method=method)[1]
    assert [shown[i]["p_adjusted"] for i in (2, 5)] != pytest.approx([with_them[i] for i in (2, 5)])
    assert shown[2]["p_adjusted"] > five[0]
    assert protected["options"]["adjust_family"] == 7


def test_the_report_states_the_family_and_how_withheld_tests_count(cli, tmp_path) -> None:
    _run(cli, tmp_path, "holm")
    run = cli("report", tmp_path / "responses.csv", "--min-cell", "36")
    assert run.code == 0, run.err
    assert "p values were adjusted for 7 tests with Holm's step-down method." in run.out
    assert (
        "Tests not shown (small-cell protection) count in that family as p = 1, so the "
        "adjusted p values shown do not depend on them." in run.out
    )
    # Each paired test's summary row names its subset.
    assert 'Paired with Stress after the programme, where dept == "Surgery"' in run.out


def test_n_dropped_below_min_cell_is_withheld_like_any_small_count(cli, tmp_path) -> None:
    full = _run(cli, tmp_path, "none")["tests"]
    regression, surgery = full[6], full[2]
    assert 0 < surgery["n_dropped"] < regression["n_dropped"]
    min_cell = regression["n_dropped"]  # the model's n_dropped is shown, the pairs' is not
    protected = _run(cli, tmp_path, "none", "--min-cell", str(min_cell))["tests"]
    assert protected[6]["n_dropped"] == regression["n_dropped"]
    assert protected[2]["n_dropped"] == f"< {min_cell}"
    assert protected[2]["n"] == surgery["n"]
    protected = _run(cli, tmp_path, "none", "--min-cell", str(min_cell + 1))["tests"]
    assert protected[6]["n_dropped"] == f"< {min_cell + 1}"
    text = cli("analyze", tmp_path / "responses.csv", "--min-cell", str(min_cell + 1)).out
    assert (
        f"n = {regression['n']} (listwise; < {min_cell + 1} respondent(s) with a missing value "
        "left out)." in text
    )
    assert f"({regression['n_dropped']} respondent(s)" not in text


def test_compare_counts_a_withheld_comparison_as_p_1(cli) -> None:
    from statsmodels.stats.multitest import multipletests

    waves = (STAFF / "responses.csv", STAFF / "wave2.csv")

    def tests(*args: str) -> list[dict]:
        run = cli("compare", *waves, "--format", "json", *args)
        assert run.code == 0, run.err
        doc = json.loads(run.out)
        return [c for e in doc["items"] for c in (e["choices"] if e["type"] == "multi" else [e])]

    full, shown = tests(), tests("--min-cell", "20")
    withheld = [i for i, t in enumerate(shown) if "error" in t and "error" not in full[i]]
    assert len(withheld) >= 5 and len(shown) == len(full) == 25
    expected = multipletests(
        [1.0 if i in withheld else t["p"] for i, t in enumerate(full)], method="holm"
    )[1]
    for i, t in enumerate(shown):
        if i not in withheld:
            assert t["p_adjusted"] == pytest.approx(expected[i], rel=1e-12)
            assert t["significant"] == (expected[i] < 0.05)
    report = cli("compare", *waves, "--format", "md", "--min-cell", "20").out
    assert "it still counts among the 25 comparisons, as p = 1" in report


FEW_ZERO = ROOT / "tests" / "fixtures" / "paired" / "few_zero" / "responses.csv"


def test_wilcoxon_zero_differences_below_min_cell_show_as_a_small_count(cli) -> None:
    """n_zero (pairs with no change) is a count: 3 of the fixture's 26 pairs, shown '< 5'."""
    full = json.loads(cli("analyze", FEW_ZERO, "--format", "json").out)["tests"][0]
    assert (full["n"], full["n_zero"], full["n_dropped"]) == (23, 3, 6)  # by hand from the CSV
    run = cli("analyze", FEW_ZERO, "--format", "json", "--min-cell", "5")
    shown = json.loads(run.out)["tests"][0]
    assert shown["n_zero"] == "< 5"
    assert "suppressed" not in shown
    # The test itself is unchanged: only the count is withheld.
    for key in ("n", "n_dropped", "W", "z", "p", "rank_biserial"):
        assert shown[key] == full[key], key
    text = cli("analyze", FEW_ZERO, "--min-cell", "5").out
    assert "  < 5 zero difference(s) left out of the ranks (as R does)" in text
    assert "  n = 23 pairs with a non-zero difference (6 with a missing value left out)" in text
    assert " 3 zero difference" not in text and "26 pairs" not in text
    for fmt in ("md", "html"):
        report = cli("report", FEW_ZERO, "--format", fmt, "--min-cell", "5").out
        assert "N = 23 non-zero, &lt; 5 zero differences" in report or (
            "N = 23 non-zero, < 5 zero differences" in report
        ), fmt
        assert "N = 26" not in report
    # At min_cell 3 the count is shown, and so are all 26 pairs.
    text = cli("analyze", FEW_ZERO, "--min-cell", "3").out
    assert "  n = 26 pairs (6 with a missing value left out)" in text
    assert "  3 zero difference(s) left out of the ranks (as R does)" in text
