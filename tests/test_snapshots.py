"""Every renderer's output for both sample surveys, compared with tests/snapshots/.

The staff survey also has its wave comparison (``compare``) and ``report --split``.

Any change to a number, label or layout in the terminal, JSON, Markdown, HTML,
Word or CSV output fails here with a unified diff. When the change is intended,
`make snapshots` rewrites the files (scripts/snapshots.py; deterministic: a
second run changes nothing) and the diff is reviewed in the commit.
"""

from __future__ import annotations

import pytest

from scripts import snapshots

NAMES = list(snapshots.makers())


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return snapshots.render_all()


def test_both_surveys_and_every_format_are_covered() -> None:
    kinds = {name.split("/", 1)[1] for name in NAMES}
    assert {name.split("/", 1)[0] for name in NAMES} == {"singapore_pss", "staff_wellbeing"}
    # The staff survey's wave comparison and one report per department, besides.
    staff_only = {"compare-120.txt", "compare.md", "compare.html", "split-index.md",
                  "split-02-surgery.md"}  # fmt: skip
    assert {k for k in kinds if f"singapore_pss/{k}" not in NAMES} == staff_only
    assert kinds - staff_only == {
        "terminal-80.txt",
        "terminal-120.txt",
        "analyze.json",
        "report.md",
        "report-min-cell-5.md",
        "report.html",
        "report.docx.txt",
        "report-csv.txt",
    }
    stored = {
        str(p.relative_to(snapshots.SNAPSHOTS))
        for p in snapshots.SNAPSHOTS.rglob("*")
        if p.is_file()
    }
    assert stored == set(NAMES), (
        "tests/snapshots/ holds files no snapshot makes: run `make snapshots`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_snapshot(rendered: dict[str, str], name: str) -> None:
    stored = snapshots.stored(name)
    if stored != rendered[name]:
        pytest.fail(snapshots.diff(name, stored, rendered[name]), pytrace=False)


def test_a_changed_number_reads_as_a_short_diff() -> None:
    stored = "Table 1\n| Nurse | 101 | 42.1 |\n| Doctor | 56 | 23.3 |\n"
    text = snapshots.diff("x/report.md", stored, stored.replace("42.1", "42.2"))
    assert "-| Nurse | 101 | 42.1 |\n+| Nurse | 101 | 42.2 |" in text
    assert text.splitlines()[-1].startswith("If the change is intended, run `make snapshots`")
    long = snapshots.diff("x", "a\n" * 500, "b\n" * 500, limit=20)
    assert len(long.splitlines()) == 22 and "more diff lines" in long


def test_docx_text_reads_styles_emphasis_alignment_and_table_cells(tmp_path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.add_heading("Method", level=1)
    paragraph = doc.add_paragraph()
    paragraph.add_run("Note. ").italic = True
    paragraph.add_run("Percent of respondents.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 1).paragraphs[0].add_run("n").bold = True
    table.cell(1, 0).text = "Nurse"
    table.cell(1, 1).text = "101"
    table.cell(0, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.cell(1, 0).paragraphs[0].paragraph_format.left_indent = 127000
    table.cell(1, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(str(tmp_path / "d.docx"))
    assert snapshots.docx_text(tmp_path / "d.docx") == (
        "[Heading 1] Method\n"
        "[Normal] *Note. *Percent of respondents.\n"
        "<table 2 rows × 2 columns, aligned {}{right}>\n"
        "|  | **n** |\n"
        "|   Nurse | 101{center} |\n"
        "</table>\n"
    )
