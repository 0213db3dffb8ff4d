"""Word report with python-docx: real Word tables (editable in Word), figures embedded inline.

Layout follows APA 7: A4 (or US Letter) pages; tables ruled only above and below
the header and at the bottom, no grid; each table and figure has a caption in
Word's *Caption* style whose number is a ``SEQ Table`` / ``SEQ Figure`` field, so
References → Insert Table of Figures in Word builds a list of tables or figures.

Text a Word file cannot hold (control characters other than tab and line breaks,
lone surrogates) is removed, and the Method section says how many were removed.

The appendix of open-ended answers can hold hundreds of thousands of paragraphs;
python-docx inserts each paragraph by scanning the body for its section properties,
which is quadratic, so the appendix is written as one block of WordprocessingML.
"""

from __future__ import annotations

import io
import re
from typing import Any

from surveykit.render.document import Figure, Report, ReportTable
from surveykit.result import ROW_HEADING, ROW_MISSING, ROW_TOTAL

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Characters XML 1.0 forbids (tab, LF and CR are allowed; python-docx turns them into
# Word tabs and breaks) plus the two non-characters U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_APPENDIX_CHUNK = 20_000  # paragraphs parsed per lxml call


class _Text:
    """Makes strings safe for WordprocessingML and counts what it had to remove."""

    def __init__(self) -> None:
        self.removed = 0

    def __call__(self, text: Any) -> str:
        text = str(text)
        cleaned, n = _ILLEGAL.subn("", text)
        self.removed += n
        return cleaned


def _page(doc: Any, paper: str) -> None:
    from docx.shared import Inches, Mm

    section = doc.sections[0]
    if paper == "letter":  # anything else is A4
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        margin = Inches(1)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        margin = Mm(25)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin


def _styles(doc: Any) -> None:
    from docx.shared import Pt, RGBColor

    doc.styles["Normal"].font.size = Pt(10.5)
    caption = doc.styles["Caption"]  # the template's is 9 pt bold blue; APA's is plain text
    caption.font.size = Pt(10.5)
    caption.font.bold = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.space_before = Pt(12)
    caption.paragraph_format.space_after = Pt(6)


def _field(paragraph: Any, instruction: str, shown: str, *, bold: bool = False) -> None:
    """A Word field (``SEQ Table``) with its current result, so it reads right before an update."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        run = paragraph.add_run()
        run.bold = bold
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(shown).bold = bold
    char("end")


def _caption(doc: Any, text: _Text, kind: str, number: int, title: str) -> None:
    # APA: the number in bold, the title in italics on the next line; one Caption paragraph
    # (the line between them is a line break) so a Word table of figures lists both.
    from docx.enum.text import WD_BREAK

    paragraph = doc.add_paragraph(style="Caption")
    paragraph.add_run(f"{kind} ").bold = True
    _field(paragraph, f"SEQ {kind} \\* ARABIC", str(number), bold=True)
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run(text(title)).italic = True
    paragraph.paragraph_format.keep_with_next = True


def _figure(doc: Any, text: _Text, figure: Figure) -> None:
    from docx.shared import Inches

    _caption(doc, text, "Figure", figure.number, figure.caption)
    doc.add_picture(io.BytesIO(figure.png), width=Inches(6.0))
    for note in figure.notes:
        _note(doc, text, note)


def _note(doc: Any, text: _Text, note: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run("Note. ").italic = True
    paragraph.add_run(text(note))


def _border(parent: Any, tag: str, sides: dict[str, str]) -> None:
    """``sides``: side → "single" or "nil"; single rules are ¾ pt black."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side not in sides:
            continue
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), sides[side])
        if sides[side] == "single":
            edge.set(qn("w:sz"), "6")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    parent.append(borders)


def _column_widths(table: ReportTable, available: int) -> list[int]:
    """Widths (EMU) from each column's longest text at 9 pt, fitted to the text width.

    When the columns do not fit, the widest are narrowed to one common width, so their
    text wraps, but never below their longest word; counts and percentages keep theirs.
    """

    def width(chars: int) -> float:
        return (chars * 2.0 + 6) * 36_000  # mm of 9 pt text plus cell padding, in EMU

    headers = table.labels if table.spanners else table.columns
    texts = [[str(c), *(str(row[j]) for row in table.rows)] for j, c in enumerate(headers)]
    natural = [max(width(3), width(max(map(len, column)))) for column in texts]
    floor = [
        min(n, width(max(len(word) for text in column for word in [*text.split(), ""])))
        for n, column in zip(natural, texts, strict=True)
    ]
    if sum(natural) <= available:
        return [int(w) for w in natural]
    if sum(floor) >= available:
        return [int(f * available / sum(floor)) for f in floor]
    lo, hi = 0.0, max(natural)  # the common cap that fills the width exactly
    for _ in range(50):
        cap = (lo + hi) / 2
        used = sum(max(f, min(n, cap)) for f, n in zip(floor, natural, strict=True))
        lo, hi = (cap, hi) if used < available else (lo, cap)
    return [int(max(f, min(n, lo))) for f, n in zip(floor, natural, strict=True)]


def _table(doc: Any, text: _Text, table: ReportTable) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt, RGBColor

    _caption(doc, text, "Table", table.number, table.title)
    top = 1 if table.spanners else 0  # a row of spanners above the header
    grid = doc.add_table(rows=top + 1 + len(table.rows), cols=len(table.columns))
    # APA rules: a line above and below the header and one at the bottom; no grid.
    _border(grid._tbl.tblPr, "w:tblBorders", {
        "top": "single", "bottom": "single", "left": "nil", "right": "nil",
        "insideH": "nil", "insideV": "nil",
    })  # fmt: skip
    align = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    grey = RGBColor(0x66, 0x66, 0x66)

    def put(cell: Any, value: str, a: str, *, bold: bool = False, italic: bool = False,
            muted: bool = False, indent: bool = False) -> None:  # fmt: skip
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align[a]
        paragraph.paragraph_format.space_after = Pt(0)
        if indent:
            paragraph.paragraph_format.left_indent = Pt(10)
        run = paragraph.add_run(text(value))
        run.font.size = Pt(9)
        run.bold, run.italic = bold, italic
        if muted:
            run.font.color.rgb = grey

    section = doc.sections[-1]
    widths = _column_widths(table, section.page_width - section.left_margin - section.right_margin)
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    rows = list(grid.rows)
    for row in rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    header = rows[top]
    for head in rows[: top + 1]:
        repeat = OxmlElement("w:tblHeader")  # repeat the header rows on each page
        head._tr.get_or_add_trPr().append(repeat)
    if table.spanners:
        start = 0
        for label, span in table.spanners:
            cell = rows[0].cells[start]
            if span > 1:
                cell = cell.merge(rows[0].cells[start + span - 1])
            if label:
                put(cell, label, "l")
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _border(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": "single"})
            start += span
    headers = table.labels if table.spanners else table.columns
    for j, (cell, column) in enumerate(zip(header.cells, headers, strict=True)):
        put(cell, column, table.align[j])
        _border(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": "single"})
    for row, values, kind in zip(rows[top + 1 :], table.rows, table.row_kinds, strict=True):
        for j, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            put(
                cell, value, table.align[j],
                bold=kind == ROW_HEADING, italic=kind == ROW_TOTAL, muted=kind == ROW_MISSING,
                indent=j == 0 and table.indented(kind),
            )  # fmt: skip
    for note in table.notes:
        _note(doc, text, note)
    for sentence in table.tests:
        doc.add_paragraph(text(sentence), style="List Bullet")
    for figure in table.figures:
        _figure(doc, text, figure)


def _appendix(doc: Any, text: _Text, report: Report) -> None:
    """The open-ended answers, written as WordprocessingML in bulk (see the module note)."""
    from xml.sax.saxutils import escape

    from lxml import etree

    body = doc.element.body
    section = body[-1]  # python-docx keeps the section properties last
    body.remove(section)
    quote_style = doc.styles["Quote"].style_id
    heading = doc.styles["Heading 2"].style_id
    paragraphs: list[str] = []

    def p(style: str | None, *runs: tuple[str, bool]) -> None:
        props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        parts = "".join(
            f"<w:r>{'<w:rPr><w:i/></w:rPr>' if italic else ''}"
            f'<w:t xml:space="preserve">{escape(text(run))}</w:t></w:r>'
            for run, italic in runs
        )
        paragraphs.append(f"<w:p>{props}{parts}</w:p>")

    for block in report.quotes:
        p(heading, (block.label, False))
        p(None, (block.question, True), (f" ({block.count})", False))
        for answer, tag in block.quotes:
            p(quote_style, (f"{answer} {tag}", False))
    for start in range(0, len(paragraphs), _APPENDIX_CHUNK):
        chunk = "".join(paragraphs[start : start + _APPENDIX_CHUNK])
        body.extend(etree.fromstring(f'<w:body xmlns:w="{_W}">{chunk}</w:body>'))
    body.append(section)


def render_docx(report: Report, paper: str = "a4") -> bytes:
    """The report as the bytes of a .docx file on ``paper`` (a4 or letter)."""
    from docx import Document

    text = _Text()
    doc = Document()
    _page(doc, paper)
    _styles(doc)
    title = text(report.title)
    doc.core_properties.title = title[:255]
    doc.core_properties.author = "surveykit"
    doc.add_heading(title, level=0)
    doc.add_paragraph(f"Generated {report.generated} by surveykit.")
    doc.add_heading("Method", level=1)
    for paragraph in report.methods:
        doc.add_paragraph(text(paragraph))
    for note in report.data_notes:
        doc.add_paragraph(text(note), style="List Bullet")
    end_of_method = doc.paragraphs[-1]._p
    doc.add_heading("Results", level=1)
    for table in report.tables:
        _table(doc, text, table)
    if report.theme_tables:
        doc.add_heading("Themes", level=1)
        for table in report.theme_tables:
            _table(doc, text, table)
    if report.test_tables:
        doc.add_heading("Tests", level=1)
        for table in report.test_tables:
            _table(doc, text, table)
        for figure in report.test_figures:
            _figure(doc, text, figure)
    if report.quotes:
        doc.add_heading("Appendix: open-ended answers", level=1)
        doc.add_paragraph("E-mail addresses and phone numbers have been removed.")
        _appendix(doc, text, report)
    if text.removed:
        # Said where the reader looks for how the data were handled.
        note = doc.add_paragraph(
            f"{text.removed} control character(s) that a Word document cannot hold were "
            "removed from the text of this document (answers, labels or file names)."
        )
        end_of_method.addnext(note._p)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
