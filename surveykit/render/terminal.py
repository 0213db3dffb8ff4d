"""Terminal output with rich, laid out from the document model (render/document.py)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from surveykit.render.document import Grid, Report, ReportTable, TestDetail, build_report
from surveykit.result import ROW_HEADING, ROW_MISSING, ROW_TOTAL, Result

_MAX_EXCLUSIONS = 20


def render_terminal(result: Result, console: Console) -> None:
    """Print ``result`` to ``console``."""
    print_report(build_report(result, figures=False), console)


def print_report(report: Report, console: Console) -> None:
    """Print the document: the respondent audit, every table, then the tests."""
    console.print(Text(report.title, style="bold"))
    console.print(report.respondents)
    for line in report.exclusions[:_MAX_EXCLUSIONS]:
        console.print(Text(f"  excluded {line}", style="dim"))
    if len(report.exclusions) > _MAX_EXCLUSIONS:
        more = len(report.exclusions) - _MAX_EXCLUSIONS
        console.print(Text(f"  … and {more} more exclusions (see --format json)"))
    if report.data_issues:
        count = len(report.data_issues)
        console.print(Text(f"Data issues: {count} cell(s) set to missing", style="bold"))
        for line in report.data_issues[:_MAX_EXCLUSIONS]:
            console.print(Text(f"  {line}", style="dim"))
        if count > _MAX_EXCLUSIONS:
            more = count - _MAX_EXCLUSIONS
            console.print(Text(f"  … and {more} more (see --format json)"))
    for note in report.data_notes:
        console.print(Text(f"note: {note}", style="yellow"))
    for table in report.tables:
        _print_table(table, console)
    if report.theme_tables:
        console.print()
        console.print(Text("Themes", style="bold"))
        for table in report.theme_tables:
            _print_table(table, console)
    if report.test_details:
        console.print()
        console.print(Text("Tests", style="bold"))
        for test in report.test_details:
            console.print()
            _test(test, console)


def _print_table(table: ReportTable, console: Console) -> None:
    console.print()
    console.print(Text(f"Table {table.number}  {table.title}", style="bold"))
    console.print(_table(table, console.width))
    for note in table.notes:
        console.print(Text(f"  {note}", style="dim"))


_LABEL_MIN = 10  # a label column is not squeezed below this (unless its words are shorter)


def _new_table(
    columns: list[str], align: list[str], rows: list[list[str]], width: int
) -> RichTable:
    """A table that fits ``width`` by wrapping, never by cutting.

    Number columns keep the width of their widest cell (their headers wrap over
    lines); label columns get the rest, each at least its longest word (at most
    10 characters: longer words fold), the widest narrowed first. A number column is as
    wide as its widest cell or its header's longest word (at most 10 characters).
    """
    fixed: list[int] = []
    natural: list[int] = []
    least: list[int] = []
    for j, (column, a) in enumerate(zip(columns, align, strict=True)):
        texts = [column, *(row[j] for row in rows)]
        longest_word = max((len(w) for t in texts for w in t.split()), default=1)
        if a == "l":
            natural.append(max(len(t) for t in texts))
            least.append(min(longest_word, _LABEL_MIN))
            fixed.append(0)
        else:
            widest = max((len(row[j]) for row in rows), default=1)
            fixed.append(max(widest, min(longest_word, _LABEL_MIN)))
            natural.append(fixed[-1])
            least.append(fixed[-1])
    # Each column has its padding (one space each side, or one after it when tight) and
    # the box draws a one-character divider between columns.
    dividers = len(columns) - 1
    tight = sum(least) + 2 * len(columns) + dividers > width
    pad = 1 if tight else 2
    widths = list(natural)
    room = width - pad * len(columns) - dividers
    while sum(widths) > room:
        labels = [j for j, a in enumerate(align) if a == "l" and widths[j] > least[j]]
        if not labels:
            break
        widest = max(labels, key=lambda j: widths[j])
        widths[widest] -= 1
    out = RichTable(
        box=box.SIMPLE_HEAD,
        padding=(0, 0, 0, 1) if tight else (0, 1),
        pad_edge=not tight,
        show_edge=False,
    )
    for column, a, w in zip(columns, align, widths, strict=True):
        out.add_column(column, justify="left" if a == "l" else "right", overflow="fold", width=w)
    return out


def _table(table: ReportTable, width: int) -> RichTable:
    out = _new_table(table.columns, table.align, table.rows, width)
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        if kind == ROW_HEADING:
            out.add_row(*row, style="bold")
        elif kind == ROW_MISSING:
            out.add_row(*row, style="dim")
        elif kind == ROW_TOTAL:
            out.add_row(*row, style="italic")
        else:
            label = f"  {row[0]}" if table.indented(kind) else row[0]
            out.add_row(label, *row[1:])
    return out


def _grid(grid: Grid, width: int) -> RichTable:
    out = _new_table(grid.columns, grid.align, grid.rows, width)
    for row in grid.rows:
        out.add_row(*row)
    return out


def _test(test: TestDetail, console: Console) -> None:
    console.print(Text(test.title, style="bold"))
    if test.error:
        console.print(Text(f"  {test.error}", style="red"))
        return
    if test.groups is not None:
        console.print(_grid(test.groups, console.width))
    for line in test.lines:
        console.print(Text(f"  {line}"))
    for note in test.notes:
        console.print(Text(f"  {note}", style="yellow"))
    for grid in test.posthoc:
        console.print(Text(f"  {grid.title}"))
        console.print(_grid(grid, console.width))
    console.print(Text(f"  {test.apa}", style="green"))
