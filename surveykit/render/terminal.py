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
        console.print()
        console.print(Text(f"Table {table.number}  {table.title}", style="bold"))
        console.print(_table(table))
        for note in table.notes:
            console.print(Text(f"  {note}", style="dim"))
    if report.test_details:
        console.print()
        console.print(Text("Tests", style="bold"))
        for test in report.test_details:
            console.print()
            _test(test, console)


def _table(table: ReportTable) -> RichTable:
    out = RichTable(box=box.SIMPLE_HEAD)
    for column, align in zip(table.columns, table.align, strict=True):
        out.add_column(column, justify="left" if align == "l" else "right")
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        if kind == ROW_HEADING:
            out.add_row(*row, style="bold")
        elif kind == ROW_MISSING:
            out.add_row(*row, style="dim")
        elif kind == ROW_TOTAL:
            out.add_row(*row, style="italic")
        else:
            label = f"  {row[0]}" if table.kind == "block" else row[0]
            out.add_row(label, *row[1:])
    return out


def _grid(grid: Grid) -> RichTable:
    out = RichTable(box=box.SIMPLE_HEAD)
    for column, align in zip(grid.columns, grid.align, strict=True):
        out.add_column(column, justify="left" if align == "l" else "right")
    for row in grid.rows:
        out.add_row(*row)
    return out


def _test(test: TestDetail, console: Console) -> None:
    console.print(Text(test.title, style="bold"))
    if test.error:
        console.print(Text(f"  not computed: {test.error}", style="red"))
        return
    if test.groups is not None:
        console.print(_grid(test.groups))
    for line in test.lines:
        console.print(Text(f"  {line}"))
    for note in test.notes:
        console.print(Text(f"  {note}", style="yellow"))
    for grid in test.posthoc:
        console.print(Text(f"  {grid.title}"))
        console.print(_grid(grid))
    console.print(Text(f"  {test.apa}", style="green"))
