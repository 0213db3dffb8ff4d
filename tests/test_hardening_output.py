"""The output guard: no run writes over one of its inputs, a device, or a folder it did not make."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from surveykit.files import forget_inputs

ROOT = Path(__file__).resolve().parent.parent
STAFF = ROOT / "surveys" / "staff_wellbeing"
MANIFEST = ".surveykit-manifest.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    folder = tmp_path / "survey"
    folder.mkdir()
    for name in ("responses.csv", "questionnaire.yaml", "analysis.yaml", "population.yaml"):
        shutil.copy(STAFF / name, folder / name)
    yield folder
    forget_inputs()


def _inputs(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize(
    ("fmt", "target"),
    [
        ("html", "responses.csv"),
        ("md", "questionnaire.yaml"),
        ("json", "analysis.yaml"),
        ("docx", "./x/../responses.csv"),
        ("md", "x/../responses.csv"),
    ],
)
def test_an_input_is_never_an_output(cli, survey: Path, monkeypatch, fmt: str, target: str) -> None:
    monkeypatch.chdir(survey)
    (survey / "x").mkdir()
    before = _inputs(survey)
    run = cli("report", "responses.csv", "--format", fmt, "--output", target)
    assert run.code == 2
    assert run.err.count("\n") == 1 and run.err.startswith(f"error: {Path(target)}: is the ")
    assert "of this run; surveykit never overwrites an input" in run.err
    assert _inputs(survey) == before
    assert sorted(p.name for p in survey.iterdir()) == sorted([*before, "x"])  # no temp file


def test_a_symlink_or_hard_link_to_an_input_is_refused(cli, survey: Path) -> None:
    before = _inputs(survey)
    (survey / "link.html").symlink_to(survey / "responses.csv")
    os.link(survey / "questionnaire.yaml", survey / "hard.md")
    for target in ("link.html", "hard.md"):
        run = cli("report", survey / "responses.csv", "-f", "html", "-o", survey / target)
        assert run.code == 2, run.err
        assert "never overwrites an input" in run.err
    assert {k: v for k, v in _inputs(survey).items() if k in before} == before


def test_writing_through_a_symlink_keeps_the_link(cli, survey: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    (tmp_path / "link.html").symlink_to(real)
    run = cli("report", survey / "responses.csv", "-f", "html", "-o", tmp_path / "link.html")
    assert run.code == 0, run.err
    assert (tmp_path / "link.html").is_symlink()
    assert real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can write /dev/null's folder entry")
def test_dev_null_is_not_replaced_by_a_regular_file(cli, survey: Path) -> None:
    run = cli("report", survey / "responses.csv", "-f", "html", "-o", "/dev/null")
    assert run.code == 2
    assert run.err == (
        "error: /dev/null: is not a regular file (a device, pipe or socket), which an output "
        "would replace; give a file name\n"
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_refused_not_replaced(cli, survey: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    run = cli("report", survey / "responses.csv", "-f", "md", "-o", fifo)
    assert run.code == 2 and "is not a regular file" in run.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_csv_into_the_survey_folder_is_refused(cli, survey: Path, monkeypatch) -> None:
    monkeypatch.chdir(survey)
    (survey / "table99_raw.csv").write_text("mine")
    (survey / "table01_t1.csv").write_text("mine too")
    before = _inputs(survey)
    run = cli("report", "responses.csv", "--format", "csv", "--output", ".")
    assert run.code == 2
    assert run.err == (
        f"error: .: is a folder that is not empty and was not written by surveykit (no "
        f"{MANIFEST}); give a new or empty folder\n"
    )
    assert _inputs(survey) == before


def test_csv_folder_touches_only_files_in_its_manifest(cli, survey: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    assert cli("report", survey / "responses.csv", "-f", "csv", "-o", out).code == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(p.name for p in out.glob("table*.csv"))
    # A stale name listed in the manifest is removed on the next run; a file the user added
    # with a table's name (not listed) makes the run stop before anything is written.
    (out / "table99_old.csv").write_text("old")
    manifest["files"].append("table99_old.csv")
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "notes.txt").write_text("mine")
    assert cli("report", survey / "responses.csv", "-f", "csv", "-o", out).code == 0
    assert not (out / "table99_old.csv").exists()
    assert (out / "notes.txt").read_text() == "mine"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    victim = out / manifest["files"][0]
    manifest["files"] = manifest["files"][1:]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    victim.write_text("the user's own file")
    run = cli("report", survey / "responses.csv", "-f", "csv", "-o", out)
    assert run.code == 2
    assert f"the folder already holds {victim.name}, which surveykit did not write" in run.err
    assert victim.read_text() == "the user's own file"


def test_a_manifest_cannot_name_files_outside_its_folder(cli, survey: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    (out / MANIFEST).write_text(json.dumps({"files": ["../precious.txt", "/etc/passwd"]}))
    assert cli("report", survey / "responses.csv", "-f", "csv", "-o", out).code == 0
    assert outside.read_text() == "keep"


def test_markdown_figures_never_replace_an_input(cli, survey: Path) -> None:
    figures = survey / "report_figures"
    figures.mkdir()
    (figures / "fig1.png").symlink_to(survey / "responses.csv")
    before = _inputs(survey)
    run = cli("report", survey / "responses.csv", "-f", "md", "-o", survey / "report.md")
    assert run.code == 2
    assert run.err == (
        f"error: {figures}/fig1.png: is the responses file of this run; surveykit never "
        "overwrites an input: choose another output\n"
    )
    assert _inputs(survey) == before
    assert sorted(p.name for p in figures.iterdir()) == ["fig1.png"]  # nothing else written


def test_check_update_never_writes_through_a_symlinked_expected(cli, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(STAFF, folder)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(folder / "expected")
    (folder / "expected").symlink_to(outside)
    run = cli("check", "--update", folder)
    assert run.code == 2
    assert "outside the survey folder" in run.err and run.err.count("\n") == 1
    assert list(outside.iterdir()) == []
    forget_inputs()
