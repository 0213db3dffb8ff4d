"""README.md and docs/*.md show real output: every shown command is run and compared.

scripts/docs.py re-runs each ``$ `` command, each ``<!-- docs: output of … -->``
block and each generated region (the NIST accuracy table and sentence); a file
that would change fails here with its diff. `make docs` rewrites them.
"""

from __future__ import annotations

from datetime import date

import pytest

from scripts import docs
from surveykit.dates import report_date
from surveykit.errors import SurveyError

FILES = docs.doc_files()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_doc_shows_what_the_commands_print(path) -> None:
    text = path.read_text(encoding="utf-8")
    rendered = docs.render(text)
    if rendered != text:
        pytest.fail(docs.diff(path, text, rendered), pytrace=False)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_untagged_block_is_run_or_marked_illustrative(path) -> None:
    # Output is shown in untagged blocks: hand-typed output there would never be checked.
    assert docs.unchecked_blocks(path.read_text(encoding="utf-8")) == [], (
        f"{path.name}: an untagged block neither starts with `$ ` commands nor follows a "
        "<!-- docs: ... --> marker; run it, mark it, or tag what it is (```text)"
    )


def test_unchecked_blocks_finds_hand_typed_output() -> None:
    text = "\n".join(
        [
            "```",  # 1: hand-typed output
            "error: x",
            "```",
            "<!-- docs: illustrative (timings) -->",
            "",
            "```",  # 6: marked
            "1.2 s",
            "```",
            "```text",  # 9: says what it is
            "surveykit/  the package",
            "```",
            "```",  # 12: a run block
            "$ surveykit --version",
            "```",
            "<!-- a comment, not a marker -->",
            "```",  # 16
            "out",
            "```",
        ]
    )
    assert docs.unchecked_blocks(text) == [1, 16]


class FakeRunner:
    """Prints each command back in upper case, so a test can see what ran and in what order."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def run(self, command: str) -> list[str]:
        self.ran.append(command)
        return [command.upper(), "second line"]

    def close(self) -> None:
        pass


def test_run_blocks_are_rewritten_and_illustrative_blocks_kept() -> None:
    fake = FakeRunner()
    text = "\n".join(
        [
            "Intro.",
            "```sh",
            "$ echo a | head -1",
            "stale output",
            "$ cd x && echo b",
            "```",
            "<!-- docs: illustrative (timings) -->",
            "```",
            "$ time surveykit analyze big.csv",
            "real 1.23 s",
            "```",
            "<!-- docs: output of",
            "echo c",
            "echo d",
            "-->",
            "",
            "````markdown",
            "old",
            "````",
            "```yaml",
            "items: []",
            "```",
        ]
    )
    out = docs.render(text, runner_factory=lambda: fake)
    assert fake.ran == ["echo a | head -1", "cd x && echo b", "echo c\necho d"]
    assert out.split("\n") == [
        "Intro.",
        "```sh",
        "$ echo a | head -1",
        "ECHO A | HEAD -1",
        "second line",
        "$ cd x && echo b",
        "CD X && ECHO B",
        "second line",
        "```",
        "<!-- docs: illustrative (timings) -->",
        "```",
        "$ time surveykit analyze big.csv",
        "real 1.23 s",
        "```",
        "<!-- docs: output of",
        "echo c",
        "echo d",
        "-->",
        "",
        "````markdown",
        "ECHO C",
        "ECHO D",
        "second line",
        "````",
        "```yaml",
        "items: []",
        "```",
    ]


def test_generated_regions_are_filled(monkeypatch) -> None:
    monkeypatch.setattr(docs, "_generators", lambda: {"table": lambda: "| a |\n| 1 |\n"})
    text = "x\n<!-- generated: table (make docs) -->\nstale\n<!-- end generated -->\ny"
    assert docs.render(text) == (
        "x\n<!-- generated: table (make docs) -->\n| a |\n| 1 |\n<!-- end generated -->\ny"
    )


def test_a_hand_edited_output_line_reads_as_a_diff() -> None:
    readme = docs.ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    edited = text.replace("analysed 59", "analysed 60", 1)
    message = docs.diff(readme, edited, text)
    assert "-Responses received 62, excluded 3, analysed 60" in message
    assert "+Responses received 62, excluded 3, analysed 59" in message
    assert "run `make docs`" in message


def test_the_real_runner_runs_from_a_scratch_copy() -> None:
    runner = docs.Runner()
    try:
        assert runner.run("ls surveys") == ["singapore_pss", "staff_wellbeing"]
        assert runner.run("touch new.txt && echo $SOURCE_DATE_EPOCH; echo err >&2") == [
            docs.SOURCE_DATE_EPOCH,
            "err",
        ]
        assert (runner.root / "new.txt").exists()
        # Plain `surveykit` commands run in-process; the result is what bash gets.
        for command in ("surveykit --version | tr a-z A-Z", "surveykit analyze --bogus"):
            assert docs._SIMPLE.fullmatch(command)
            assert runner.run(command) == runner._bash(command).splitlines()
        assert runner.run("surveykit --version | tr a-z A-Z")[0].startswith("SURVEYKIT ")
        assert not (docs.ROOT / "new.txt").exists()
    finally:
        runner.close()


def test_source_date_epoch_sets_the_report_date(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741910400")
    assert report_date() == date(2025, 3, 14)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741996799")  # 23:59:59 UTC the same day
    assert report_date() == date(2025, 3, 14)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(SurveyError, match="SOURCE_DATE_EPOCH must be a number of seconds"):
        report_date()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert report_date() == date.today()
