"""Markdown report: pipe tables with APA captions, figures as PNG files beside the report."""

from __future__ import annotations

import contextlib
from pathlib import Path

from surveykit.files import check_target, make_folder, write_files
from surveykit.report import Figure, Report, ReportTable
from surveykit.result import ROW_HEADING, ROW_MISSING, ROW_TOTAL

_INDENT = "\u2003"  # an em space survives Markdown renderers that trim leading blanks


def _escape(text: str) -> str:
    # Pipes end a cell and newlines end a row; both occur in survey labels and answers.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _table(table: ReportTable, figure_dir: str | None) -> list[str]:
    lines = [f"**Table {table.number}**", "", f"*{_escape(table.title)}*", ""]
    header = [_escape(c) for c in table.columns]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(":---" if a == "l" else "---:" for a in table.align) + "|")
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        cells = [_escape(c) for c in row]
        if kind == ROW_HEADING and cells[0]:
            cells[0] = f"**{cells[0]}**"
        elif kind == ROW_TOTAL and cells[0]:
            cells[0] = f"*{cells[0]}*"
        elif table.kind == "block" and kind != ROW_MISSING and cells[0]:
            cells[0] = _INDENT + cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for note in table.notes:
        lines.append(f"*Note.* {_escape(note)}  ")
    if table.notes:
        lines.append("")
    for sentence in table.tests:
        lines.append(f"- {sentence}")
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
        f"*{_escape(caption)}*",
        "",
        f"![{_escape(caption)}]({link})",
        "",
        *(line for note in figure.notes for line in (f"*Note.* {_escape(note)}", "")),
    ]


def render_markdown(report: Report, figure_dir: str | None) -> str:
    """The report as Markdown; figures are linked from ``figure_dir`` (omitted when None)."""
    lines = [f"# {report.title}", "", f"Generated {report.generated} by surveykit.", ""]
    if figure_dir is None:
        # Standard output cannot carry image files; say so rather than leave dangling links.
        lines += ["<!-- figures omitted: Markdown printed to standard output; use --output to write them -->", ""]  # fmt: skip
    lines += ["## Method", ""]
    for paragraph in report.methods:
        lines += [paragraph, ""]
    for note in report.data_notes:
        lines.append(f"- {note}")
    if report.data_notes:
        lines.append("")
    lines += ["## Results", ""]
    for table in report.tables:
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
            lines += [f"### {_escape(block.label)}", "", f"*{_escape(block.question)}* ({block.answered} answers)", ""]  # fmt: skip
            for quote in block.quotes:
                lines.append(f"> {_escape(quote.text)} {quote.tag}")
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
