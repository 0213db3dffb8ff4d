"""Every `--help` a user can ask for, and the CLI's own manners (version, usage errors).

The commands and their options are discovered from the typer app, so a new
command or option is checked without editing this file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import typer.main

from surveykit.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, path=()):
    """(command path, click command) for the app itself and every command below it."""
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def _help(path: tuple[str, ...]) -> str:
    """`surveykit PATH --help` as a user sees it, one option per line (a wide terminal)."""
    env = {**os.environ, "TERMINAL_WIDTH": "400", "COLUMNS": "400", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "surveykit.cli", *path, "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _is_flag(param) -> bool:
    return bool(getattr(param, "is_flag", False))


@pytest.mark.parametrize(
    "path, command", COMMANDS, ids=[" ".join(p) or "surveykit" for p, _ in COMMANDS]
)
def test_every_parameter_has_help_and_shows_its_default(path, command) -> None:
    text = _help(path)
    assert command.help and command.help.strip().endswith("."), f"{path}: no help sentence"
    for param in command.params:
        if param.name == "help":
            continue
        name = param.opts[0] if param.param_type_name == "option" else param.name
        helptext = (getattr(param, "help", None) or "").strip()
        assert re.match(r"[A-Z].*\w.*[.)]$", helptext), f"{path} {name}: no sentence of help"
        lines = [ln for ln in text.splitlines() if re.search(rf"(?<![\w-]){re.escape(name)}\b", ln)]
        assert lines, f"{path} {name}: not in --help:\n{text}"
        line = " ".join(lines)
        assert helptext.split(".")[0] in line, f"{path} {name}: help not shown: {line}"
        if param.required:
            assert "[required]" in text, f"{path} {name}: required but not marked"
        elif not _is_flag(param):
            shown = param.show_default
            assert shown, f"{path} {name}: its default is not shown (show_default)"
            expected = shown if isinstance(shown, str) else str(param.default)
            assert "[default: " in line and expected in line, (
                f"{path} {name}: default {expected!r} not visible in --help: {line}"
            )


@pytest.mark.parametrize("name", [p[0] for p, _ in COMMANDS if len(p) == 1])
def test_every_command_is_documented_in_the_readme(name: str) -> None:
    assert f"surveykit {name}" in README, f"`surveykit {name}` is not described in README.md"


def test_version(cli) -> None:
    run = cli("--version")
    assert (run.code, run.out) == (0, f"surveykit {version('surveykit')}\n")


@pytest.mark.parametrize(
    "args, start",
    [
        (["analyze", "--bogus"], "error: no such option: --bogus"),
        (["analyze"], "error: missing argument 'responses'"),
        (["nosuch"], "error: no such command 'nosuch'"),
        (["analyze", "x.csv", "--format", "xml"], "error: invalid value for --format"),
        # The wording of a type error is click's (and varies with its version).
        (["report", "x.csv", "--min-cell", "zero"], "error: invalid value for '--min-cell'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(cli, args, start) -> None:
    run = cli(*args)
    assert run.code == 2
    (line,) = run.err.splitlines()
    assert line.startswith(start), line
    command = "surveykit" if args[0] == "nosuch" else f"surveykit {args[0]}"
    assert line.endswith(f"; see '{command} --help'"), line


def test_a_missing_csv_is_named_and_the_hint_works(cli, tmp_path: Path) -> None:
    survey = ROOT / "surveys" / "staff_wellbeing"
    missing = tmp_path / "responses.csv"
    run = cli("analyze", missing, "-q", survey / "questionnaire.yaml")
    assert run.code == 2
    assert run.err.splitlines() == [
        f"error: {missing}: file not found; give the path of the responses CSV your form"
        " tool exported"
    ]
    # Followed, the hint works: the path of the exported CSV.
    run = cli("analyze", survey / "responses.csv", "-q", survey / "questionnaire.yaml")
    assert run.code == 0 and "Responses received 246" in run.out


def test_a_missing_questionnaire_beside_the_csv_is_named(cli, tmp_path: Path) -> None:
    (tmp_path / "responses.csv").write_text("a\n1\n", encoding="utf-8")
    run = cli("analyze", tmp_path / "responses.csv")
    assert run.code == 2
    assert "no questionnaire.yaml beside" in run.err and "-q/--questionnaire" in run.err


def test_bare_command_prints_help(cli) -> None:
    run = cli()
    assert run.code == 0 and "analyze" in run.out and "report" in run.out


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_a_survey_folder_names_the_responses_file_and_the_hint_works(cli, command) -> None:
    # A new user gives the survey's folder, as `check` and `code` take it; the error names
    # the export inside (not coding.csv, which is the coders' table), and following it works.
    folder = ROOT / "surveys" / "singapore_pss"
    run = cli(command, folder)
    assert run.code == 2
    hint = folder / "responses.csv"
    assert run.err.splitlines() == [
        f"error: {folder}: is a folder; give the responses file inside it: {hint}"
    ]
    run = cli(command, hint)
    assert run.code == 0 and "59" in run.out


def test_a_folder_of_two_exports_lists_both(cli) -> None:
    folder = ROOT / "surveys" / "staff_wellbeing"
    run = cli("analyze", folder)
    assert run.code == 2
    assert run.err.splitlines() == [
        f"error: {folder}: is a folder; give one of the responses files inside it: "
        f"{folder / 'responses.csv'}, {folder / 'wave2.csv'}"
    ]
