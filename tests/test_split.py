"""``surveykit report --split ITEM``: one report per unit, an index, and nothing written outside.

Expected counts come from the full run (its Department table and its role-by-department
crosstab), not from the split code.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml

from surveykit.split import safe_name
from tests.conftest import ROOT

STAFF = ROOT / "surveys" / "staff_wellbeing"
CSV = STAFF / "responses.csv"


def _full(cli):
    run = cli("analyze", CSV, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def _dept_counts(doc) -> dict[str, int]:
    table = next(t for t in doc["tables"] if t["id"] == "table1")
    return {r[0]: r[1] for r in table["rows"][1:6]}


def test_one_report_per_unit_and_an_index_with_the_small_units_named(cli, tmp_path) -> None:
    counts = _dept_counts(_full(cli))
    min_cell = sorted(counts.values())[2]  # two departments fall below it
    out = tmp_path / "by_dept"
    run = cli("report", CSV, "--split", "dept", "--format", "json", "--output", out,
              "--min-cell", str(min_cell))  # fmt: skip
    assert run.code == 0, run.err
    small = [d for d, n in counts.items() if n < min_cell]
    assert len(small) == 2
    assert run.err == f"wrote {out / 'index.md'} and 3 reports (2 units not reported)\n"
    index = (out / "index.md").read_text(encoding="utf-8")
    # Each unit's headcount (population.yaml) and response rate, withheld with a small count.
    heads = yaml.safe_load((STAFF / "population.yaml").read_text(encoding="utf-8"))
    heads = heads["margins"]["dept"]
    for number, (dept, n) in enumerate(counts.items(), start=1):
        if dept in small:
            assert (
                f"| {dept} | < {min_cell} | {heads[dept]} | withheld "
                f"| fewer than {min_cell} responses: not reported |" in index
            )
            assert not list(out.glob(f"{number:02d}-*"))
        else:
            name = f"{safe_name(number, dept)}.json"
            rate = f"{100 * n / heads[dept]:.1f}"
            assert f"| {dept} | {n} | {heads[dept]} | {rate} | [{name}]({name}) |" in index
            unit = json.loads((out / name).read_text(encoding="utf-8"))
            # The unit's report: its own response rate, and weighted estimates of the domain.
            rates = next(t for t in unit["tables"] if t["id"] == "response_rates")
            assert rates["rows"][0] == [f"Department: {dept}", n, heads[dept], pytest.approx(
                100 * n / heads[dept])]  # fmt: skip
            assert unit["options"]["weights"]["domain"] == f"dept == {dept!r}"
            assert unit["respondents"]["subset"] == {
                "where": f"dept == {dept!r}",
                "n": n,
                "of": 240,
            }
            assert unit["options"]["min_cell"] == min_cell
    manifest = json.loads((out / ".surveykit-manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(p.name for p in out.iterdir() if p.name[0] != ".")


def test_each_units_counts_are_the_full_runs_crosstab_column(cli, tmp_path) -> None:
    cross = next(t for t in _full(cli)["tables"] if t["id"] == "table5")
    out = tmp_path / "md"
    assert cli("report", CSV, "--split", "dept", "--format", "md", "--output", out).code == 0
    surgery = (out / "02-surgery.md").read_text(encoding="utf-8")
    assert "This report describes only the respondents where dept == 'Surgery'" in surgery
    for row in cross["rows"]:
        if row[0] == "Surgery":
            assert f"{row[1]} | {row[2]} | " in surgery  # the Role block of Table 1
    # Figures sit beside each unit's report, inside the output folder.
    assert (out / "02-surgery_figures").is_dir()
    assert "](02-surgery_figures/fig1.png)" in surgery


def test_html_index_and_reports(cli, tmp_path) -> None:
    out = tmp_path / "html"
    run = cli("report", CSV, "--split", "role", "--format", "html", "--output", out)
    assert run.code == 0, run.err
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="01-nurse.html">01-nurse.html</a>' in index
    assert "<title>" in (out / "03-allied-health.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Mental Health", "04-mental-health"),
        ("../../etc/passwd", "04-etc-passwd"),
        ("a/b\\c", "04-a-b-c"),
        ("CON", "04-con-unit"),
        ("日本", "04"),
        ("", "04"),
        (".", "04"),
        ("Café – Ward 7", "04-cafe-ward-7"),
    ],
)
def test_safe_names_for_any_label(label, name) -> None:
    assert safe_name(4, label) == name


def test_writes_only_inside_a_new_or_surveykit_folder(cli, tmp_path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    run = cli("report", CSV, "--split", "dept", "--output", out)
    assert run.code == 2
    assert "is a folder that is not empty and was not written by surveykit" in run.err
    assert sorted(os.listdir(out)) == ["notes.txt"]
    fresh = tmp_path / "fresh"
    assert cli("report", CSV, "--split", "dept", "--output", fresh).code == 0
    before = sorted(os.listdir(tmp_path))
    assert cli("report", CSV, "--split", "dept", "--output", fresh).code == 0  # its own: replaced
    assert sorted(os.listdir(tmp_path)) == before
    # A file surveykit did not write, with a name a unit would use, is refused.
    (fresh / ".surveykit-manifest.json").write_text('{"files": ["index.md"]}', encoding="utf-8")
    run = cli("report", CSV, "--split", "dept", "--output", fresh)
    assert run.code == 2
    assert "which surveykit did not write" in run.err


def test_split_needs_an_output_folder_and_a_choice_item(cli, tmp_path) -> None:
    assert cli("report", CSV, "--split", "dept").err == (
        "error: --split writes a folder of reports; give --output DIR\n"
    )
    run = cli("report", CSV, "--split", "years", "--output", tmp_path / "x")
    assert run.code == 2
    assert run.err.startswith("error: --split: 'years' is a number item")
    assert not (tmp_path / "x").exists()
    run = cli("report", CSV, "--split", "dept", "--output", STAFF)
    assert run.code == 2


def _index_counts(index: str) -> dict[str, str]:
    rows = [line.split(" | ") for line in index.splitlines() if line.startswith("| ")]
    return {r[0].lstrip("| "): r[1] for r in rows[2:]}


@pytest.mark.parametrize("small", [1, 2])
def test_the_index_says_what_subtraction_gives_back(cli, tmp_path, small) -> None:
    # The reported units' counts (here and in their reports) and the analysed total are
    # printed: one small unit's count follows by subtraction, two small units' sum does.
    counts = _dept_counts(_full(cli))
    min_cell = sorted(counts.values())[small]
    out = tmp_path / "by_dept"
    run = cli("report", CSV, "--split", "dept", "--format", "json", "--output", out,
              "--min-cell", str(min_cell))  # fmt: skip
    assert run.code == 0, run.err
    index = (out / "index.md").read_text(encoding="utf-8")
    shown = _index_counts(index)
    hidden = [d for d, n in shown.items() if n == f"< {min_cell}"]
    assert len(hidden) == small
    # Following the note: 240 analysed minus the other units' counts (no unanswered).
    derived = 240 - sum(int(n) for d, n in shown.items() if d not in hidden)
    assert derived == sum(counts[d] for d in hidden)
    if small == 1:
        assert (
            f"Not protected: the number of responses of {hidden[0]} can be worked out from "
            "the 240 analysed minus the other units' counts (printed here and in their "
            f"reports); only the answers of a unit with fewer than {min_cell} responses are "
            "withheld (no report)." in index
        )
    else:
        assert "Not protected: the total number of responses of the units shown as" in index
        assert "though not each one's" in index


def test_no_protection_note_without_small_units(cli, tmp_path) -> None:
    out = tmp_path / "by_dept"
    assert (
        cli("report", CSV, "--split", "dept", "-f", "json", "-o", out, "--min-cell", "5").code == 0
    )
    assert "Not protected" not in (out / "index.md").read_text(encoding="utf-8")
