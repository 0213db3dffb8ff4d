"""Snapshots of every renderer for the sample surveys, made the way a user makes them.

Each snapshot is the output of the ``surveykit`` command (its console-script
entry point) run from the repository root: the terminal tables at 80 and 120
columns, ``analyze --format json`` (floats cut to 12 significant digits), and
the report as Markdown, HTML, Word and CSV (and Markdown printed with
``--min-cell 5``); for the staff survey also ``compare`` with its second wave
(terminal, Markdown, HTML) and ``report --split dept`` (the index and one unit). Binary or platform-dependent bytes
are reduced to what a reader sees: figures (PNG, drawn by the local matplotlib
and fonts) are replaced by a placeholder, and a Word document by its paragraphs
(with their styles) and its tables (cell by cell), read with python-docx. The
report date comes from SOURCE_DATE_EPOCH.

    python -m scripts.snapshots            # compare, print a diff, exit 1 on change
    python -m scripts.snapshots --update   # rewrite tests/snapshots/ (make snapshots)

tests/test_snapshots.py runs the same comparison.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from scripts.clirun import run_surveykit

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "snapshots"
SURVEYS = ("singapore_pss", "staff_wellbeing")


_DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def without_png(html: str) -> str:
    """HTML with each embedded PNG figure replaced by a placeholder of fixed text."""
    return _DATA_URI.sub("data:image/png;base64,(figure)", html)


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def json_12_digits(text: str) -> str:
    """The JSON document with every float cut to 12 significant digits.

    The JSON carries unrounded floats; their last bits can differ between CPUs and
    numpy builds (SIMD summation), which no reader sees. `check` compares them
    with a relative tolerance; here 12 digits keep every printed figure pinned.
    """
    return json.dumps(_rounded(json.loads(text)), indent=2, ensure_ascii=False) + "\n"


def _runs(paragraph) -> str:
    """A paragraph's text with bold runs as **…** and italic runs as *…*."""
    parts = []
    for run in paragraph.runs:
        text = run.text
        if text.strip() and run.bold:
            text = f"**{text}**"
        if text.strip() and run.italic:
            text = f"*{text}*"
        parts.append(text)
    return "".join(parts)


def _align(paragraph) -> str:
    alignment = paragraph.alignment
    return "" if alignment is None else f"{{{alignment.name.lower()}}}"


def docx_text(path: Path) -> str:
    """A Word document as text, as its reader sees it.

    Each paragraph with its style and alignment, bold and italic runs marked as
    in Markdown, figures as [figure]; each table with its size, then row by row
    each cell's text, alignment and emphasis.
    """
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, doc)
            images = len(block.findall(".//{*}drawing"))
            text = _runs(paragraph) + " [figure]" * images
            lines.append(f"[{paragraph.style.name}]{_align(paragraph)} {text}".rstrip())
        elif tag == "tbl":
            table = Table(block, doc)
            rows = table.rows
            # Alignment is stated once per column (from the header row), then only where a
            # cell differs; an indented cell starts with two spaces.
            columns = [_align(cell.paragraphs[0]) or "{}" for cell in rows[0].cells]
            lines.append(
                f"<table {len(rows)} rows × {len(table.columns)} columns, aligned {''.join(columns)}>"
            )
            for row in rows:
                cells = []
                for column, cell in zip(columns, row.cells, strict=True):
                    texts = []
                    for p in cell.paragraphs:
                        indent = "  " if p.paragraph_format.left_indent else ""
                        align = _align(p) or "{}"
                        texts.append(indent + _runs(p) + ("" if align == column else align))
                    cells.append("\n".join(texts))
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("</table>")
    return "\n".join(lines) + "\n"


def csv_folder_text(folder: Path) -> str:
    """Every CSV file of a ``--format csv`` folder, in name order, under its file name."""
    parts = []
    for path in sorted(folder.iterdir()):
        parts.append(f"=== {path.name} ===\n{path.read_text(encoding='utf-8')}")
    return "\n".join(parts)


def _survey_snapshots(survey: str) -> dict[str, Callable[[], str]]:
    csv = f"surveys/{survey}/responses.csv"

    def report(fmt: str, name: str, read: Callable[[Path], str]) -> Callable[[], str]:
        def make() -> str:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / name
                run_surveykit("report", csv, "--format", fmt, "--output", str(out))
                return read(out)

        return make

    return {
        f"{survey}/terminal-80.txt": lambda: run_surveykit("analyze", csv, columns=80),
        f"{survey}/terminal-120.txt": lambda: run_surveykit("analyze", csv, columns=120),
        f"{survey}/analyze.json": lambda: json_12_digits(
            run_surveykit("analyze", csv, "--format", "json")
        ),
        f"{survey}/report.md": report("md", "report.md", lambda p: p.read_text("utf-8")),
        # Printed rather than written (no figures), with small-cell suppression at 5.
        f"{survey}/report-min-cell-5.md": lambda: run_surveykit(
            "report", csv, "--format", "md", "--min-cell", "5"
        ),
        f"{survey}/report.html": report(
            "html", "report.html", lambda p: without_png(p.read_text("utf-8"))
        ),
        f"{survey}/report.docx.txt": report("docx", "report.docx", docx_text),
        f"{survey}/report-csv.txt": report("csv", "tables", csv_folder_text),
    }


def _staff_snapshots() -> dict[str, Callable[[], str]]:
    """The staff survey's wave comparison and ``report --split`` (its index and one unit)."""
    folder = "surveys/staff_wellbeing"
    waves = (f"{folder}/responses.csv", f"{folder}/wave2.csv")

    def split(name: str) -> Callable[[], str]:
        def make() -> str:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "by_dept"
                run_surveykit(
                    "report", waves[0], "--split", "dept", "--format", "md",
                    "--output", str(out), "--min-cell", "35",
                )  # fmt: skip
                return (out / name).read_text("utf-8")

        return make

    return {
        "staff_wellbeing/compare-120.txt": lambda: run_surveykit("compare", *waves, columns=120),
        "staff_wellbeing/compare.md": lambda: run_surveykit("compare", *waves, "--format", "md"),
        "staff_wellbeing/compare.html": lambda: without_png(
            run_surveykit("compare", *waves, "--format", "html")
        ),
        "staff_wellbeing/split-index.md": split("index.md"),
        "staff_wellbeing/split-02-surgery.md": split("02-surgery.md"),
    }


def makers() -> dict[str, Callable[[], str]]:
    """Snapshot name (a path under tests/snapshots/) → the function that renders it."""
    out: dict[str, Callable[[], str]] = {}
    for survey in SURVEYS:
        out.update(_survey_snapshots(survey))
    out.update(_staff_snapshots())
    return out


def render_all() -> dict[str, str]:
    """Every snapshot, rendered now (one after the other: the CLI runs in this process)."""
    return {name: make() for name, make in makers().items()}


def diff(name: str, stored: str | None, current: str, limit: int = 80) -> str:
    """A unified diff of a snapshot, cut to ``limit`` lines, with how to accept it."""
    if stored is None:
        return f"{name}: no stored snapshot; run `make snapshots` to create it"
    lines = list(
        difflib.unified_diff(
            stored.splitlines(),
            current.splitlines(),
            f"tests/snapshots/{name} (stored)",
            f"tests/snapshots/{name} (now)",
            lineterm="",
            n=2,
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"… {len(lines) - limit} more diff lines"]
    lines.append("If the change is intended, run `make snapshots` and commit tests/snapshots/.")
    return "\n".join(lines)


def stored(name: str) -> str | None:
    path = SNAPSHOTS / name
    return path.read_text(encoding="utf-8") if path.exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite tests/snapshots/")
    args = parser.parse_args()
    current = render_all()
    changed = [name for name, text in current.items() if stored(name) != text]
    if args.update:
        for name in changed:
            path = SNAPSHOTS / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(current[name], encoding="utf-8")
        known = {SNAPSHOTS / name for name in current}
        for path in SNAPSHOTS.rglob("*"):
            if path.is_file() and path not in known:
                path.unlink()
                changed.append(str(path.relative_to(SNAPSHOTS)) + " (removed)")
        print(f"tests/snapshots: {len(changed)} of {len(current)} changed", *changed, sep="\n  ")
        return 0
    for name in changed:
        print(diff(name, stored(name), current[name]), end="\n\n")
    print(f"tests/snapshots: {len(changed)} of {len(current)} differ")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
