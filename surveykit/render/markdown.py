"""Markdown report: pipe tables with APA captions, figures as PNG files beside the report.

Every text that comes from a file (labels, titles, answers, header names, ids) goes
through :mod:`surveykit.render.md_escape`, so it is shown as written, never as markup.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from surveykit.files import check_target, make_folder, write_files
from surveykit.render.document import Figure, Report, ReportTable
from surveykit.render.md_escape import md_cell, md_link_target, md_link_text, md_text
from surveykit.result import ROW_HEADING, ROW_TOTAL

_INDENT = "\u2003"  # an em space survives Markdown renderers that trim leading blanks


def _table(table: ReportTable, figure_dir: str | None) -> list[str]:
    lines = [f"**Table {table.number}**", "", f"*{md_text(table.title)}*", ""]
    header = [md_cell(c) for c in table.columns]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(":---" if a == "l" else "---:" for a in table.align) + "|")
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        cells = [md_cell(c) for c in row]
        if kind == ROW_HEADING and cells[0]:
            cells[0] = f"**{cells[0]}**"
        elif kind == ROW_TOTAL and cells[0]:
            cells[0] = f"*{cells[0]}*"
        elif table.indented(kind) and cells[0]:
            cells[0] = _INDENT + cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for note in table.notes:
        lines.append(f"*Note.* {md_text(note)}  ")
    if table.notes:
        lines.append("")
    for sentence in table.tests:
        lines.append(f"- {md_text(sentence)}")
    if table.tests:
        lines.append("")
    if figure_dir is not None:
        for figure in table.figures:
            lines.extend(_figure(figure, f"{figure_dir}/{figure.filename}"))
    return lines


def _figure(figure: Figure, link: str) -> list[str]:
    caption = figure.caption
    return [
        f"**Figure {figure.number}**",
        "",
        f"*{md_text(caption)}*",
        "",
        f"![{md_link_text(caption)}]({md_link_target(link)})",
        "",
        *(line for note in figure.notes for line in (f"*Note.* {md_text(note)}", "")),
    ]


def render_markdown(report: Report, figure_dir: str | None) -> str:
    """The report as Markdown; figures are linked from ``figure_dir`` (omitted when None)."""
    lines = [f"# {md_text(report.title)}", "", f"Generated {report.generated} by surveykit.", ""]
    if figure_dir is None:
        # Standard output cannot carry image files; say so rather than leave dangling links.
        lines += ["<!-- figures omitted: Markdown printed to standard output; use --output to write them -->", ""]  # fmt: skip
    lines += ["## Method", ""]
    for paragraph in report.methods:
        lines += [md_text(paragraph), ""]
    for note in report.data_notes:
        lines.append(f"- {md_text(note)}")
    if report.data_notes:
        lines.append("")
    lines += ["## Results", ""]
    for table in report.tables:
        lines += _table(table, figure_dir)
    if report.theme_tables:
        lines += ["## Themes", ""]
        for table in report.theme_tables:
            lines += _table(table, figure_dir)
    if report.test_tables:
        lines += ["## Tests", ""]
        for table in report.test_tables:
            lines += _table(table, figure_dir)
        if figure_dir is not None:
            for figure in report.test_figures:
                lines += _figure(figure, f"{figure_dir}/{figure.filename}")
    if report.quotes:
        lines += ["## Appendix: open-ended answers", ""]
        lines += ["E-mail addresses and phone numbers have been removed.", ""]
        for block in report.quotes:
            lines += [f"### {md_text(block.label)}", "", f"*{md_text(block.question)}* ({md_text(block.count)})", ""]  # fmt: skip
            for text, tag in block.quotes:
                lines.append(f"> {md_text(text)} {md_text(tag)}")
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_markdown(report: Report, output: Path) -> None:
    """Write ``output`` and its figures to ``<stem>_figures/figN.png`` beside it, as one set."""
    output = Path(output)
    folder_name = f"{output.stem}_figures"
    figures = report.figures
    # Check the report's own target first, so no figures folder is made for nothing.
    check_target(output)
    files: dict[Path, bytes | str] = {}
    created = False
    if figures:
        folder = output.parent / folder_name
        created = make_folder(folder)
        files.update({folder / figure.filename: figure.png for figure in figures})
    files[output] = render_markdown(report, folder_name)
    try:
        write_files(files)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                (output.parent / folder_name).rmdir()
        raise
