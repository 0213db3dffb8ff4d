"""Executable docs: README.md and docs/*.md show only output that a real run printed.

Three kinds of place in a Markdown file are rewritten from real runs:

1. A fenced block with lines starting with ``$ `` (a *run block*). Each ``$ CMD``
   line is run with bash; the lines after it, up to the next ``$ `` line or the
   end of the block, are replaced by what it printed (stdout and stderr,
   trailing spaces removed)::

       ```sh
       $ surveykit analyze surveys/singapore_pss/responses.csv --format json | head -3
       {
         "survey": "singapore_pss",
       ```

2. A fenced block right after ``<!-- docs: output of CMD -->`` (CMD may span
   lines: it is a bash script): the whole block is CMD's output. For excerpts
   where a prompt line would get in the way (a Markdown report shown as Markdown).

3. A region between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``:
   filled by the generator NAME (see GENERATORS), e.g. the NIST accuracy table.

A block after ``<!-- docs: illustrative (why) -->`` is left as written, on purpose
(timings that differ on every run). Commands run in a scratch copy of the sample
surveys and test fixtures (so ``--output`` files and edited copies go there), from
its root, with the ``surveykit`` beside this Python first on PATH, SOURCE_DATE_EPOCH
set (reports are dated 14 March 2025) and no COLUMNS (piped output is 120 wide).
Each Markdown file gets its own scratch copy; its commands run in order, so a
later command sees the files an earlier one wrote. A command that is just
``surveykit`` with plain words (optionally piped into one more command) runs the
console script's entry point in this process, which saves importing pandas and
scipy once per command; anything else runs in bash.

    python -m scripts.docs            # compare; print a diff and exit 1 when a file would change
    python -m scripts.docs --update   # rewrite the files (make docs)

tests/test_docs.py runs the comparison.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from scripts.clirun import ROOT, SOURCE_DATE_EPOCH, run_cli

_RUN_ENV = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_COLOR": "1", "SURVEYKIT_PROGRESS": "0"}
# `surveykit` with plain arguments, optionally piped into one more command.
_SIMPLE = re.compile(r"surveykit((?: [\w./=:-]+)+)(?: \| (.+))?")
# Copied into each scratch folder: what the docs' commands read.
SCRATCH_CONTENT = ("surveys", "tests/fixtures", "tests/corpus")

_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
_REGION = re.compile(r"^<!-- generated: ([\w-]+) .*-->$")
_REGION_END = "<!-- end generated -->"
_MARKER = re.compile(r"^<!-- docs: (illustrative|output of)\b")


def doc_files() -> list[Path]:
    """README.md and every page in docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _generators() -> dict[str, Callable[[], str]]:
    from scripts import accuracy

    return {
        "accuracy-table": accuracy.table_markdown,
        "accuracy-summary": accuracy.summary_sentence,
    }


class Runner:
    """Runs a file's commands in its own scratch copy of the repository's inputs."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="surveykit-docs-")
        self.root = Path(self._tmp.name)
        for part in SCRATCH_CONTENT:
            shutil.copytree(ROOT / part, self.root / part)
        self.env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **_RUN_ENV,
        }
        for key in ("COLUMNS", "LINES", "FORCE_COLOR", "TERMINAL_WIDTH"):
            self.env.pop(key, None)

    def run(self, command: str) -> list[str]:
        """The lines ``command`` prints (stdout and stderr merged), right-stripped."""
        simple = _SIMPLE.fullmatch(command)
        if simple:
            text = self._in_process(simple.group(1).split(), simple.group(2))
        else:
            text = self._bash(command)
        lines = [line.rstrip() for line in text.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def _bash(self, command: str, stdin: str | None = None) -> str:
        proc = subprocess.run(
            ["bash", "-c", command],
            cwd=self.root,
            env=self.env,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=600,
        )
        return proc.stdout

    def _in_process(self, args: list[str], pipe: str | None) -> str:
        """``surveykit ARGS [| PIPE]`` with surveykit run in this process (no import per command).

        Only for plain words (no quotes, globs, redirections): what bash would pass on
        unchanged. The output goes through PIPE in bash, as the shell would send it.
        """
        env = {
            key: self.env.get(key)
            for key in (*_RUN_ENV, "COLUMNS", "LINES", "FORCE_COLOR", "TERMINAL_WIDTH")
        }
        _code, out, err = run_cli(args, self.root, env)
        if pipe:
            out = self._bash(pipe, stdin=out)
        return out + err

    def close(self) -> None:
        self._tmp.cleanup()


def _run_block(body: list[str], runner: Runner) -> list[str]:
    """A run block's lines with the output after each ``$ `` line replaced."""
    out: list[str] = []
    commands = [i for i, line in enumerate(body) if line.startswith("$ ")]
    out.extend(body[: commands[0]])  # text before the first prompt is kept
    for i in commands:
        out.append(body[i])
        out.extend(runner.run(body[i][2:]))
    return out


def render(text: str, runner_factory: Callable[[], Runner] = Runner) -> str:
    """``text`` with every run block, ``output of`` block and generated region rewritten."""
    lines = text.split("\n")
    out: list[str] = []
    runner: Runner | None = None

    def get_runner() -> Runner:
        nonlocal runner
        if runner is None:
            runner = runner_factory()
        return runner

    i = 0
    try:
        while i < len(lines):
            line = lines[i]
            region = _REGION.match(line)
            if region:
                end = lines.index(_REGION_END, i)
                generated = _generators()[region.group(1)]().rstrip("\n").split("\n")
                out += [line, *generated, _REGION_END]
                i = end + 1
                continue
            marker = _MARKER.match(line)
            if marker:
                end = next(j for j in range(i, len(lines)) if lines[j].rstrip().endswith("-->"))
                comment = lines[i : end + 1]
                out += comment
                i = end + 1
                while i < len(lines) and not lines[i].strip():
                    out.append(lines[i])
                    i += 1
                fence = _FENCE.match(lines[i]) if i < len(lines) else None
                if fence is None:
                    raise ValueError(f"line {end + 1}: a docs: marker must precede a fenced block")
                close = next(j for j in range(i + 1, len(lines)) if lines[j] == fence.group(1))
                if marker.group(1) == "illustrative":
                    out += lines[i : close + 1]
                else:
                    script = "\n".join(comment)
                    script = script.split("output of", 1)[1].rsplit("-->", 1)[0].strip()
                    out += [lines[i], *get_runner().run(script), lines[close]]
                i = close + 1
                continue
            fence = _FENCE.match(line)
            if fence:
                close = next(j for j in range(i + 1, len(lines)) if lines[j] == fence.group(1))
                body = lines[i + 1 : close]
                if any(b.startswith("$ ") for b in body):
                    body = _run_block(body, get_runner())
                out += [line, *body, lines[close]]
                i = close + 1
                continue
            out.append(line)
            i += 1
    finally:
        if runner is not None:
            runner.close()
    return "\n".join(out)


def unchecked_blocks(text: str) -> list[int]:
    """Line numbers of untagged fenced blocks that are neither run nor after a ``docs:`` marker.

    An untagged block is how output is shown, so each must be a run block or come
    after a marker; other listings say what they are (```text, ```yaml, ```sh).
    """
    lines = text.split("\n")
    found: list[int] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        close = next(j for j in range(i + 1, len(lines)) if lines[j] == fence.group(1))
        untagged = not fence.group(2).strip()
        runs = any(line.startswith("$ ") for line in lines[i + 1 : close])
        if untagged and not runs and not _is_marked(lines, i):
            found.append(i + 1)
        i = close + 1
    return found


def _is_marked(lines: list[str], fence_index: int) -> bool:
    """Whether the comment right above the fence (blank lines aside) is a ``docs:`` marker."""
    j = fence_index - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].rstrip().endswith("-->"):
        return False
    last = j
    while j >= 0 and lines[j].strip():
        if _MARKER.match(lines[j]):
            return True
        if j != last and lines[j].rstrip().endswith("-->"):
            return False
        j -= 1
    return False


def diff(path: Path, old: str, new: str, limit: int = 80) -> str:
    """A unified diff of a doc file, cut to ``limit`` lines, with how to accept it."""
    name = path.relative_to(ROOT)
    lines = list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            f"{name} (as written)",
            f"{name} (real run)",
            n=2,
            lineterm="",
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"… {len(lines) - limit} more diff lines"]
    lines.append(
        f"{name} shows output that the commands no longer print. If the new output is "
        "right, run `make docs`; if not, fix the code."
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the files")
    parser.add_argument("files", nargs="*", type=Path, help="default: README.md and docs/*.md")
    args = parser.parse_args()
    changed = 0
    for path in [p.resolve() for p in args.files] or doc_files():
        old = path.read_text(encoding="utf-8")
        new = render(old)
        if new == old:
            continue
        changed += 1
        if args.update:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")
        else:
            print(diff(path, old, new), end="\n\n")
    return 1 if changed and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
