"""The Word report: page size, APA table rules, Caption-style numbered captions, safe text,
the appendix (open-ended and *Other* answers) and its speed on many answers."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from report_support import SINGAPORE, STAFF, staff_responses, staff_result

from surveykit.quotes import appendix_quotes, collect_quotes
from surveykit.render.document import QuoteSection, build_report
from surveykit.render.docx import render_docx
from surveykit.report import write_report

DAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def staff_docx(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    out = tmp_path_factory.mktemp("docx") / "r.docx"
    result = replace(staff_result(), quotes=collect_quotes(staff_responses()))
    write_report(result, "docx", out, generated=DAY)
    return docx.Document(str(out))


def _render(report, **kwargs) -> docx.document.Document:
    import io

    return docx.Document(io.BytesIO(render_docx(report, **kwargs)))


def test_a4_by_default_letter_on_request() -> None:
    report = build_report(staff_result(), figures=False)
    a4 = _render(report).sections[0]
    assert (round(a4.page_width.mm), round(a4.page_height.mm)) == (210, 297)
    letter = _render(report, paper="letter").sections[0]
    assert (letter.page_width.inches, letter.page_height.inches) == (8.5, 11)
    assert round(a4.left_margin.mm) == round(a4.right_margin.mm) == 25


def test_cli_paper_option(cli, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    run = cli("report", STAFF / "responses.csv", "--format", "docx", "-o", out, "--paper", "letter")
    assert run.code == 0, run.err
    assert docx.Document(str(out)).sections[0].page_width.inches == 8.5
    bad = cli("report", STAFF / "responses.csv", "--format", "docx", "-o", out, "--paper", "a5")
    assert bad.code == 2
    assert bad.err == "error: unknown paper size 'a5'; choose one of a4, letter\n"


def _borders(element, tag: str) -> dict[str, str]:
    found = element.find(qn(tag))
    return {} if found is None else {e.tag.split("}")[1]: e.get(qn("w:val")) for e in found}


def test_tables_have_apa_rules_and_no_grid(staff_docx) -> None:
    for table in staff_docx.tables:
        assert table.style is None or table.style.name != "Table Grid"
        borders = _borders(table._tbl.tblPr, "w:tblBorders")
        assert borders == {"top": "single", "left": "nil", "bottom": "single", "right": "nil",
                           "insideH": "nil", "insideV": "nil"}  # fmt: skip
        # The header rows repeat on each page: the column labels, and above them a row
        # of spanners (a wide crosstab's column levels), each ruled under its text.
        heads = [
            r for r in table.rows if r._tr.trPr is not None
            and r._tr.trPr.find(qn("w:tblHeader")) is not None
        ]  # fmt: skip
        assert [r._tr for r in heads] == [r._tr for r in table.rows[: len(heads)]]
        assert len(heads) in (1, 2)
        header, body = heads[-1], table.rows[len(heads) :]
        for cell in header.cells:
            assert _borders(cell._tc.tcPr, "w:tcBorders") == {"bottom": "single"}
        for spanner in heads[:-1]:
            for cell in spanner.cells:
                ruled = _borders(cell._tc.tcPr, "w:tcBorders")
                assert ruled == ({"bottom": "single"} if cell.text else {})
        for row in body:
            for cell in row.cells:
                assert cell._tc.tcPr.find(qn("w:tcBorders")) is None


def _captions(document) -> list[tuple[str, str]]:
    out = []
    for paragraph in document.paragraphs:
        instr = [e.text.strip() for e in paragraph._p.iter(qn("w:instrText"))]
        if instr:
            assert paragraph.style.name == "Caption"
            out.append((instr[0], paragraph.text))
    return out


def test_captions_are_caption_style_with_seq_fields(staff_docx) -> None:
    expected = build_report(staff_result(), figures=True)
    captions = _captions(staff_docx)
    tables = [text for instr, text in captions if instr == "SEQ Table \\* ARABIC"]
    figures = [text for instr, text in captions if instr == "SEQ Figure \\* ARABIC"]
    assert tables == [f"Table {t.number}\n{t.title}" for t in expected.all_tables]
    assert figures == [f"Figure {f.number}\n{f.caption}" for f in expected.figures]
    assert len(captions) == len(tables) + len(figures)


def test_control_characters_are_removed_and_said(tmp_path: Path) -> None:
    report = build_report(staff_result(), figures=False)
    hostile = QuoteSection(label="Bad\x01label", question="Why\x00?", count="1 answers",
                           quotes=[("bell\x07 and\x1b escape\ufffe", "—R1")])  # fmt: skip
    report = replace(report, quotes=[hostile], title="Title\x0b with VT")
    document = _render(report)  # python-docx raises on any of these characters
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Badlabel" in text and "Why?" in text and "bell and escape —R1" in text
    assert "Title with VT" in text
    assert (
        "6 control character(s) that a Word document cannot hold were removed from the text "
        "of this document (answers, labels or file names)."
    ) in text
    method = [p.text for p in document.paragraphs]
    assert method.index(next(t for t in method if "control character" in t)) < method.index(
        "Results"
    )
    clean = _render(build_report(staff_result(), figures=False))
    assert "control character" not in "\n".join(p.text for p in clean.paragraphs)


def test_other_answers_listed_in_the_appendix(tmp_path: Path) -> None:
    from report_support import survey_result

    result, responses = survey_result(SINGAPORE)
    blocks = appendix_quotes(responses)
    labels = [b.label for b in blocks]
    assert labels[:3] == ["Profession: other answers", "Work arrangement: other answers",
                          "Work setting: other answers"]  # fmt: skip
    profession = blocks[0]
    assert [q.text for q in profession.quotes] == [
        "Art therapist",
        "Music therapist",
        "Mental health coach",
    ]
    out = tmp_path / "s.docx"
    write_report(replace(result, quotes=blocks), "docx", out, generated=DAY)
    paragraphs = docx.Document(str(out)).paragraphs
    quotes = [p.text for p in paragraphs if p.style.name == "Quote"]
    assert "Art therapist —R4" in quotes
    assert "Profession: other answers" in [
        p.text for p in paragraphs if p.style.name == "Heading 2"
    ]


def test_many_answers_are_written_in_linear_time() -> None:
    # python-docx's add_paragraph is quadratic in the body length (12 minutes for 500k
    # answers); the appendix is written in bulk. 40k answers must take well under 2 s
    # beyond a small report (it took ~100 s before).
    report = build_report(staff_result(), figures=False)

    def with_answers(n: int):
        quotes = [(f"answer number {i} & <more>", f"—R{i}") for i in range(n)]
        section = QuoteSection("Comments", "Anything else?", f"{n} answers", quotes)
        return replace(report, quotes=[section])

    # CPU time, not wall time: other processes on a shared CI machine must not fail it.
    start = time.process_time()
    small = render_docx(with_answers(10))
    base = time.process_time() - start
    start = time.process_time()
    big = render_docx(with_answers(40_000))
    elapsed = time.process_time() - start
    assert elapsed - base < 8.0, (base, elapsed)
    document = docx.Document(__import__("io").BytesIO(big))
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert len(quotes) == 40_000 and quotes[-1] == "answer number 39999 & <more> —R39999"
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.1)
    assert len(small) < len(big)
