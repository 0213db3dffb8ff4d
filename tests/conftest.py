"""Shared helpers: write a questionnaire and a CSV, run the CLI in-process."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from surveykit.files import forget_inputs

# CI replays the same examples every run, so a red build is a bug in the change under
# test, not the luck of the draw; `make fuzz` explores new examples (HYPOTHESIS_PROFILE=explore).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent

BASIC_QUESTIONNAIRE = """\
survey:
  id: demo
  title: Demo survey
items:
  - id: email
    text: Email Address
    type: text
    report: false
  - id: age
    text: What is your age?
    type: number
    min: 18
    max: 99
  - id: pss_at_workplace
    text: Are there peer support specialists (PSS) at your workplace?
    type: single
    choices: ["Yes", "No"]
  - id: accept_pss
    text: Would you accept PSS as a mental healthcare profession?
    type: ordinal
    choices:
      - {code: 1, label: "No"}
      - {code: 2, label: "Maybe"}
      - {code: 3, label: "Yes"}
  - id: benefits
    text: What do you think are the benefits of having peer support services?
    type: multi
    choices:
      - Provide clients with hope
      - Reach out to clients, especially those with limited social support
      - Empower clients
    other: true
  - id: number_of_pss
    text: How many PSS are there at your workplace?
    type: single
    choices: ["1–3 PSS", "4–6 PSS", "Unsure of exact number"]
    show_if: pss_at_workplace == "Yes"
  - id: benefits_why
    text: Please elaborate on your choices.
    type: text
    column: ["Why?", "Please elaborate"]
exclude:
  - {rule: duplicate, columns: [email], reason: repeated submission}
  - {rule: where, expr: 'age > 90', reason: implausible age}
"""

HEADER = (
    "Timestamp,Email Address,What is your age?,"
    "Are there peer support specialists (PSS) at your workplace?,"
    "Would you accept PSS as a mental healthcare profession?,"
    "What do you think are the benefits of having peer support services?,"
    "How many PSS are there at your workplace?,Why?"
)


@dataclass
class Survey:
    folder: Path

    @property
    def csv(self) -> Path:
        return self.folder / "responses.csv"

    @property
    def questionnaire(self) -> Path:
        return self.folder / "questionnaire.yaml"


@pytest.fixture
def make_survey(tmp_path: Path) -> Callable[..., Survey]:
    """Write questionnaire.yaml (+ analysis.yaml) and responses.csv into a temp folder."""

    def make(
        rows: list[str] | None = None,
        *,
        questionnaire: str = BASIC_QUESTIONNAIRE,
        header: str = HEADER,
        plan: str | None = None,
        raw: bytes | None = None,
    ) -> Survey:
        (tmp_path / "questionnaire.yaml").write_text(
            textwrap.dedent(questionnaire), encoding="utf-8"
        )
        if plan is not None:
            (tmp_path / "analysis.yaml").write_text(textwrap.dedent(plan), encoding="utf-8")
        if raw is None:
            raw = ("\n".join([header, *(rows or [])]) + "\n").encode("utf-8")
        (tmp_path / "responses.csv").write_bytes(raw)
        return Survey(tmp_path)

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _no_inputs_noted_between_tests():
    """Inputs noted by one test (run in this process) must not guard another test's outputs."""
    yield
    forget_inputs()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``surveykit ARGS`` in-process through the real entry point."""
    from surveykit.cli import main

    def run(*args: str | Path) -> Run:
        # Each run starts as a fresh process would: with no inputs noted. Otherwise a file
        # deleted by an earlier run or test could share its inode with a new output here.
        forget_inputs()
        monkeypatch.setattr(sys, "argv", ["surveykit", *map(str, args)])
        monkeypatch.setenv("COLUMNS", "120")
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
