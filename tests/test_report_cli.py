"""`surveykit report` as a user runs it: defaults, formats, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_report_defaults_to_responses_csv_in_the_current_folder(cli, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "staff"
    shutil.copytree(
        ROOT / "surveys" / "staff_wellbeing", folder, ignore=shutil.ignore_patterns("expected")
    )
    monkeypatch.chdir(folder)
    run = cli("report", "--format", "md")
    assert run.code == 0, run.err
    assert run.out.startswith("# Hospital staff wellbeing and engagement survey (synthetic)")
    assert "Of 246 responses received, 6 were excluded" in run.out
    assert "**Table 1**" in run.out


def test_report_html_file_and_docx_needs_output(cli, tmp_path) -> None:
    responses = ROOT / "surveys" / "staff_wellbeing" / "responses.csv"
    out = tmp_path / "report.html"
    run = cli("report", responses, "--format", "html", "--output", out)
    assert run.code == 0 and f"wrote {out}" in run.err
    html = out.read_text(encoding="utf-8")
    assert html.count("<table") >= 6 and "data:image/png;base64," in html
    run = cli("report", responses, "--format", "docx")
    assert run.code == 2
    assert run.err.strip() == "error: --format docx writes a Word document; give --output PATH"


def test_report_min_cell_hides_small_counts(cli) -> None:
    responses = ROOT / "surveys" / "singapore_pss" / "responses.csv"
    run = cli("report", responses, "--format", "md", "--min-cell", "5")
    assert run.code == 0, run.err
    assert "< 5" in run.out
    # Nurses (n = 2) are hidden in Table 1; their count must not appear on that row.
    cells = [
        [c.strip() for c in line.split("|")]
        for line in run.out.splitlines()
        if line.startswith("|")
    ]
    nurse = next(row for row in cells if row[1] == "Nurse")
    assert nurse[2:4] == ["< 5", "[c]"]  # the count below 5, its percentage withheld


def test_report_without_responses_here(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = cli("report")
    assert run.code == 2
    assert run.err.startswith("error: responses.csv: file not found")


def _one_line_error(run) -> str:
    assert run.code == 2, (run.code, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.err
    assert "Traceback" not in run.err
    return lines[0]


def test_report_output_name_too_long_is_a_one_line_error(cli, tmp_path) -> None:
    responses = ROOT / "surveys" / "staff_wellbeing" / "responses.csv"
    out = tmp_path / ("r" * 300 + ".json")
    line = _one_line_error(cli("report", responses, "--format", "json", "--output", out))
    assert line.endswith(": cannot write: File name too long")
    assert list(tmp_path.iterdir()) == []


def test_report_output_under_a_file_is_a_one_line_error(cli, tmp_path) -> None:
    responses = ROOT / "surveys" / "staff_wellbeing" / "responses.csv"
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    line = _one_line_error(cli("report", responses, "-f", "md", "-o", afile / "x.md"))
    assert str(afile) in line
    assert afile.read_text() == "not a folder"


def test_report_markdown_figures_folder_unwritable_is_a_one_line_error(cli, tmp_path) -> None:
    responses = ROOT / "surveys" / "staff_wellbeing" / "responses.csv"
    (tmp_path / "x_figures").write_text("a file where the figures folder goes")
    line = _one_line_error(cli("report", responses, "-f", "md", "-o", tmp_path / "x.md"))
    assert line == f"error: {tmp_path / 'x_figures'}: cannot write: is a file, not a folder"
    assert not (tmp_path / "x.md").exists()


def test_report_csv_folder_name_too_long_is_a_one_line_error(cli, tmp_path) -> None:
    responses = ROOT / "surveys" / "staff_wellbeing" / "responses.csv"
    line = _one_line_error(cli("report", responses, "-f", "csv", "-o", tmp_path / ("c" * 300)))
    assert line.endswith(": cannot write: File name too long")


def _survey_copy(tmp_path: Path, name: str, min_cell: int | None) -> Path:
    folder = tmp_path / name
    shutil.copytree(ROOT / "surveys" / name, folder, ignore=shutil.ignore_patterns("expected"))
    if min_cell is not None:
        plan = folder / "analysis.yaml"
        plan.write_text(plan.read_text() + f"\nreport: {{min_cell: {min_cell}}}\n")
    return folder


@pytest.mark.parametrize("min_cell", [None, 5, 40])
@pytest.mark.parametrize("name", ["singapore_pss", "staff_wellbeing"])
def test_analyze_report_and_check_show_one_result(cli, tmp_path, name, min_cell) -> None:
    # The issue: report: {min_cell: 40} in the plan changed report --format json but not
    # analyze --format json, and check said "ok" against an unprotected result.
    folder = _survey_copy(tmp_path, name, min_cell)
    responses = folder / "responses.csv"
    analyzed = cli("analyze", responses, "--format", "json")
    reported = cli("report", responses, "--format", "json")
    assert analyzed.code == reported.code == 0, (analyzed.err, reported.err)
    assert analyzed.out == reported.out
    assert cli("check", folder, "--update").code == 0
    stored = (folder / "expected" / "result.json").read_text(encoding="utf-8")
    assert stored == analyzed.out
    doc = json.loads(stored)
    assert doc["options"].get("min_cell") == min_cell
    marked = f'"< {min_cell}"' in stored
    assert marked == (min_cell is not None)
    # check's stored Markdown report is the protected one too.
    md = (folder / "expected" / "report.md").read_text(encoding="utf-8")
    assert (f"< {min_cell}" in md) == (min_cell is not None)
    assert cli("check", folder).code == 0


def test_min_cell_flag_wins_over_the_plan(cli, tmp_path) -> None:
    folder = _survey_copy(tmp_path, "staff_wellbeing", 40)
    run = cli("analyze", folder / "responses.csv", "--format", "json", "--min-cell", "5")
    assert run.code == 0 and json.loads(run.out)["options"]["min_cell"] == 5
