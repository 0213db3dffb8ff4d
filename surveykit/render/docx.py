"""Word report with python-docx: real Word tables (editable in Word), figures embedded inline."""

from __future__ import annotations

import io
from typing import Any

from surveykit.render.document import Figure, Report, ReportTable
from surveykit.result import ROW_HEADING, ROW_MISSING, ROW_TOTAL


def _caption(doc: Any, label: str, title: str) -> None:
    # APA layout: the number in bold on one line, the title in italics below it.
    number = doc.add_paragraph()
    number.add_run(label).bold = True
    number.paragraph_format.space_after = 0
    number.paragraph_format.keep_with_next = True
    heading = doc.add_paragraph()
    heading.add_run(title).italic = True
    heading.paragraph_format.keep_with_next = True


def _figure(doc: Any, figure: Figure) -> None:
    from docx.shared import Inches

    _caption(doc, f"Figure {figure.number}", figure.caption)
    doc.add_picture(io.BytesIO(figure.png), width=Inches(6.0))
    for note in figure.notes:
        paragraph = doc.add_paragraph()
        paragraph.add_run("Note. ").italic = True
        paragraph.add_run(note)


def _table(doc: Any, table: ReportTable) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    _caption(doc, f"Table {table.number}", table.title)
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    align = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT}

    def put(cell: Any, text: str, a: str, *, bold: bool = False, italic: bool = False,
            grey: bool = False, indent: bool = False) -> None:  # fmt: skip
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align[a]
        if indent:
            paragraph.paragraph_format.left_indent = Pt(10)
        run = paragraph.add_run(text)
        run.font.size = Pt(9)
        run.bold, run.italic = bold, italic
        if grey:
            from docx.shared import RGBColor

            run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)

    for j, column in enumerate(table.columns):
        put(grid.rows[0].cells[j], column, table.align[j], bold=True)
    for i, (row, kind) in enumerate(zip(table.rows, table.row_kinds, strict=True), start=1):
        cells = grid.rows[i].cells
        for j, text in enumerate(row):
            put(
                cells[j], text, table.align[j],
                bold=kind == ROW_HEADING, italic=kind == ROW_TOTAL, grey=kind == ROW_MISSING,
                indent=j == 0 and table.kind == "block" and kind not in (ROW_HEADING, ROW_MISSING),
            )  # fmt: skip
    for note in table.notes:
        paragraph = doc.add_paragraph()
        paragraph.add_run("Note. ").italic = True
        paragraph.add_run(note)
    for sentence in table.tests:
        doc.add_paragraph(sentence, style="List Bullet")
    for figure in table.figures:
        _figure(doc, figure)


def render_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = report.title
    doc.core_properties.author = "surveykit"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(f"Generated {report.generated} by surveykit.")
    doc.add_heading("Method", level=1)
    for paragraph in report.methods:
        doc.add_paragraph(paragraph)
    for note in report.data_notes:
        doc.add_paragraph(note, style="List Bullet")
    doc.add_heading("Results", level=1)
    for table in report.tables:
        _table(doc, table)
    if report.test_tables:
        doc.add_heading("Tests", level=1)
        for table in report.test_tables:
            _table(doc, table)
        for figure in report.test_figures:
            _figure(doc, figure)
    if report.quotes:
        doc.add_heading("Appendix: open-ended answers", level=1)
        doc.add_paragraph("E-mail addresses and phone numbers have been removed.")
        for block in report.quotes:
            doc.add_heading(block.label, level=2)
            intro = doc.add_paragraph()
            intro.add_run(block.question).italic = True
            intro.add_run(f" ({block.count})")
            for text, tag in block.quotes:
                doc.add_paragraph(f"{text} {tag}", style="Quote")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
