"""``surveykit compare OLD NEW``: wave-on-wave change, checked against R and the planted sample.

tests/fixtures/compare/reference.R computes the reference values with R 4.2.2's
chisq.test(correct = FALSE), prop.test(correct = FALSE) and t.test (Welch).
"""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import ROOT

FIX = ROOT / "tests" / "fixtures" / "compare"
REF = json.loads((FIX / "reference.json").read_text(encoding="utf-8"))
STAFF = ROOT / "surveys" / "staff_wellbeing"


def _doc(cli, old, new, *extra):
    run = cli("compare", old, new, "--format", "json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out)


def _item(doc, item_id):
    return next(e for e in doc["items"] if e["item"] == item_id)


def test_wave_tests_agree_with_r(cli) -> None:
    doc = _doc(cli, FIX / "old.csv", FIX / "new.csv")
    assert doc["kind"] == "wave_comparison"
    for item_id in ("team", "agree"):
        e = _item(doc, item_id)
        chi2, df, p = REF[item_id]
        assert e["test"] == "chi-square"
        assert e["chi2"] == pytest.approx(chi2, rel=1e-9)
        assert e["df"] == df
        assert e["p"] == pytest.approx(p, rel=1e-9)
    perks = _item(doc, "perks")
    for choice in perks["choices"]:
        z, p, lo, hi = REF[f"perks_{choice['label']}"]
        assert choice["z"] == pytest.approx(z, rel=1e-9)
        assert choice["p"] == pytest.approx(p, rel=1e-9)
        assert choice["ci95_pp"] == pytest.approx([100 * lo, 100 * hi], rel=1e-9)
    hours = _item(doc, "hours")
    t, df, p, lo, hi, diff = REF["hours"]
    assert (hours["t"], hours["df"], hours["p"]) == pytest.approx((t, df, p), rel=1e-9)
    assert hours["ci95"] == pytest.approx([lo, hi], rel=1e-9)
    assert hours["change"] == pytest.approx(diff, rel=1e-12)


def test_adjusted_over_all_comparisons_and_flagged(cli) -> None:
    doc = _doc(cli, FIX / "old.csv", FIX / "new.csv")
    ps = [REF["team"][2], REF["agree"][2], REF["perks_Gym"][1], REF["perks_Canteen"][1],
          REF["hours"][2]]  # fmt: skip
    # Holm by hand: sorted p times (m − rank), running maximum, capped at 1.
    order = sorted(range(5), key=lambda i: ps[i])
    holm, running = [0.0] * 5, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (5 - rank) * ps[i]))
        holm[i] = running
    tests = [_item(doc, "team"), _item(doc, "agree"), *_item(doc, "perks")["choices"],
             _item(doc, "hours")]  # fmt: skip
    assert [t["p_adjusted"] for t in tests] == pytest.approx(holm, rel=1e-9)
    assert [t["significant"] for t in tests] == [h < 0.05 for h in holm]
    assert doc["options"] == {"alpha": 0.05, "adjust": "holm", "comparisons": 5}


def test_percentages_and_changes_are_the_waves_counts(cli) -> None:
    doc = _doc(cli, FIX / "old.csv", FIX / "new.csv")
    counts = {}
    for wave in ("old", "new"):
        with (FIX / f"{wave}.csv").open(encoding="utf-8") as fh:
            teams = [r["Team"] for r in csv.DictReader(fh) if r["Team"]]
        counts[wave] = {t: teams.count(t) for t in "ABC"}, len(teams)
    for level in _item(doc, "team")["levels"]:
        (old, n_old), (new, n_new) = counts["old"], counts["new"]
        assert level["old"]["n"] == old[level["label"]]
        assert level["new"]["percent"] == pytest.approx(100 * new[level["label"]] / n_new)
        assert level["change_pp"] == pytest.approx(
            100 * new[level["label"]] / n_new - 100 * old[level["label"]] / n_old
        )


def test_the_sample_waves_flag_exactly_the_two_planted_changes(cli) -> None:
    doc = _doc(cli, STAFF / "responses.csv", STAFF / "wave2.csv")
    flagged = []
    for e in doc["items"]:
        for t in e["choices"] if e["type"] == "multi" else [e]:
            if t.get("significant"):
                flagged.append((e["item"], t.get("label") if e["type"] == "multi" else None))
    # generate.py plants "Flexible working hours" (0.38 → 0.20) and safety_2 (easier to agree).
    assert flagged == [("safety_2", None), ("improve", "Flexible working hours")]
    # The plan's scales are compared too.
    assert [e["item"] for e in doc["items"] if e["type"] == "scale"] == ["engagement", "psafe"]


def test_items_in_only_one_wave_are_listed_not_an_error(cli, tmp_path) -> None:
    with (FIX / "new.csv").open(encoding="utf-8") as fh:
        rows = [r[:3] for r in csv.reader(fh)]  # no hours column
    with (tmp_path / "new.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    doc = _doc(cli, FIX / "old.csv", tmp_path / "new.csv", "-q", FIX / "questionnaire.yaml")
    assert doc["only_in_old"] == [{"item": "hours", "label": "Hours worked last week"}]
    assert doc["only_in_new"] == []
    assert [e["item"] for e in doc["items"]] == ["team", "agree", "perks"]
    text = cli("compare", FIX / "old.csv", tmp_path / "new.csv", "-q", FIX / "questionnaire.yaml")
    assert "note: only in the old wave, not compared: Hours worked last week" in text.out


def test_small_cells_are_withheld_with_their_tests(cli) -> None:
    doc = _doc(cli, FIX / "old.csv", FIX / "new.csv", "--min-cell", "10")
    team = _item(doc, "team")
    c = next(lv for lv in team["levels"] if lv["label"] == "C")
    assert c["old"] == {"n": "< 10", "percent": "[c]"}  # 6 respondents
    assert c["change_pp"] == "[c]"
    # A wave's counts add up to its n: one more count is withheld so C cannot be worked out.
    shown = [lv["old"]["n"] for lv in team["levels"] if isinstance(lv["old"]["n"], int)]
    assert len(shown) <= 1
    assert team["error"] == "not shown: a cell has fewer than 10 respondents"
    assert "chi2" not in team and "p" not in team
    assert doc["options"]["min_cell"] == 10


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_renderer_shows_the_comparison(cli, fmt) -> None:
    run = cli("compare", FIX / "old.csv", FIX / "new.csv", "--format", fmt)
    assert run.code == 0, run.err
    assert "Changes between the waves" in run.out
    assert "Team: old and new wave" in run.out


def test_report_files_and_figure(cli, tmp_path) -> None:
    out = tmp_path / "waves.md"
    assert cli("compare", FIX / "old.csv", FIX / "new.csv", "--format", "md", "-o", out).code == 0
    assert (tmp_path / "waves_figures" / "fig1.png").read_bytes()[:4] == b"\x89PNG"
    assert "largest changes" in out.read_text(encoding="utf-8")
    docx = tmp_path / "waves.docx"
    assert cli("compare", FIX / "old.csv", FIX / "new.csv", "-f", "docx", "-o", docx).code == 0
    assert docx.read_bytes()[:2] == b"PK"
    folder = tmp_path / "csv"
    assert cli("compare", FIX / "old.csv", FIX / "new.csv", "-f", "csv", "-o", folder).code == 0
    assert (folder / "table01_changes.csv").exists()


def test_errors_are_one_line(cli, tmp_path) -> None:
    run = cli(
        "compare", FIX / "old.csv", tmp_path / "missing.csv", "-q", FIX / "questionnaire.yaml"
    )
    assert run.code == 2
    assert run.err.startswith("error: ") and len(run.err.splitlines()) == 1
    run = cli("compare", FIX / "old.csv", FIX / "new.csv", "--format", "docx")
    assert (run.code, run.err) == (
        2,
        "error: --format docx writes a Word document; give --output PATH\n",
    )
    run = cli("compare", FIX / "old.csv", FIX / "new.csv", "-f", "md", "-o", FIX / "new.csv")
    assert run.code == 2
    assert "never overwrites an input" in run.err


def test_check_compares_the_wave_comparison(cli, tmp_path) -> None:
    import shutil

    survey = tmp_path / "staff"
    shutil.copytree(STAFF, survey)
    assert cli("check", survey).code == 0
    lines = (survey / "wave2.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    # Drop the last consenting respondent of wave 2 (the last two rows are repeats).
    (survey / "wave2.csv").write_text("".join(lines[:-3] + lines[-2:]), encoding="utf-8")
    run = cli("check", survey)
    assert run.code == 1
    assert "compare.json waves.new.received: 234 → 233" in run.out
    assert "compare.json item 'dept'" in run.out
    (survey / "expected" / "compare.json").unlink()
    run = cli("check", survey)
    assert 'compare.json: (absent) → "present (run check --update)"' in run.out


def test_a_missing_column_is_a_typed_error_naming_its_item(tmp_path) -> None:
    """compare leaves out an item without a column by its id, not by parsing the message."""
    from surveykit.errors import MissingColumn, SurveyError
    from surveykit.ingest import read_responses
    from surveykit.questionnaire import load_questionnaire

    with open(STAFF / "responses.csv", newline="", encoding="utf-8") as f:
        rows = [r[:25] for r in csv.reader(f)]  # without the last column (stress_after)
    path = tmp_path / "cut.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    q = load_questionnaire(STAFF / "questionnaire.yaml")
    with pytest.raises(MissingColumn) as caught:
        read_responses(path, q)
    assert caught.value.item_id == "stress_after"
    assert isinstance(caught.value, SurveyError)
