"""Terminal output with rich, laid out from the document model (render/document.py)."""

from __future__ import annotations

from dataclasses import replace

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
        _indented(console, f"excluded {line}", "dim")
    if len(report.exclusions) > _MAX_EXCLUSIONS:
        more = len(report.exclusions) - _MAX_EXCLUSIONS
        _indented(console, f"… and {more} more exclusions (see --format json)")
    if report.data_issues:
        count = len(report.data_issues)
        console.print(Text(f"Data issues: {count} cell(s) set to missing", style="bold"))
        for line in report.data_issues[:_MAX_EXCLUSIONS]:
            _indented(console, f"{line}", "dim")
        if count > _MAX_EXCLUSIONS:
            more = count - _MAX_EXCLUSIONS
            _indented(console, f"… and {more} more (see --format json)")
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


def _indented(console: Console, text: str, style: str = "") -> None:
    """A line indented by two spaces, its wrapped lines too (notes, test lines)."""
    import textwrap

    lines = textwrap.wrap(
        text,
        width=max(console.width, 20),
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    for line in lines or [""]:
        console.print(Text(line, style=style), no_wrap=True, overflow="ignore")


def _print_table(table: ReportTable, console: Console) -> None:
    console.print()
    console.print(Text(f"Table {table.number}  {table.title}", style="bold"))
    for panel in _panels(table, console.width):  # a table wider than the screen: panels
        if panel.spanners:
            rich_table, line = _spanned(panel, console.width)
            console.print(Text(line, style="bold"))
            console.print(rich_table)
        else:
            console.print(_table(panel, console.width))
    for note in table.notes:
        _indented(console, f"{note}", "dim")


_LABEL_MIN = 10  # a label column is not squeezed below this (unless its words are shorter)


def _new_table(
    columns: list[str], align: list[str], rows: list[list[str]], width: int
) -> RichTable:
    """A table that fits ``width`` by wrapping, never by cutting."""
    return _fitted(columns, align, rows, width)[0]


def _fitted(
    columns: list[str],
    align: list[str],
    rows: list[list[str]],
    width: int,
    minimum: list[int] | None = None,
) -> tuple[RichTable, list[int], bool]:
    """The table of :func:`_new_table`, its column widths and whether it is tight.

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
            fixed.append(max(widest, min(longest_word, _LABEL_MIN), minimum[j] if minimum else 0))
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
    return out, widths, tight


def _need(texts: list[str], align: str) -> int:
    """The width a column asks for: a number column its widest cell, a label its text."""
    if align == "l":
        return min(max(len(t) for t in texts), 24)
    longest_word = max((len(w) for t in texts for w in t.split()), default=1)
    return max(max((len(t) for t in texts[1:]), default=1), min(longest_word, 7))


def _panels(table: ReportTable, width: int) -> list[ReportTable]:
    """A wide spanned table cut between spanners into panels that each fit ``width``.

    Each panel repeats the unspanned columns on the left (the row labels), as R
    prints a wide data frame; a table without spanners, or one that fits, is one panel.
    """
    if not table.spanners:
        return [table]
    runs, start = [], 0
    for text, span in table.spanners:
        runs.append((text, list(range(start, start + span))))
        start += span
    lead = runs[0][1] if runs[0][0] == "" else []
    groups = runs[1:] if lead else runs

    def need(cols: list[int]) -> int:
        return sum(
            _need([table.labels[j], *(r[j] for r in table.rows)], table.align[j]) + 3 for j in cols
        )

    panels: list[list[tuple[str, list[int]]]] = [[]]
    used = need(lead)
    for group in groups:
        # A spanner's text must fit over its columns too.
        cost = max(need(group[1]), len(group[0]) + 4)
        if panels[-1] and used + cost > width:
            panels.append([])
            used = need(lead)
        panels[-1].append(group)
        used += cost
    if len(panels) == 1:
        return [table]
    out = []
    for panel in panels:
        cols = lead + [j for _, g in panel for j in g]
        out.append(
            replace(
                table,
                columns=[table.columns[j] for j in cols],
                labels=[table.labels[j] for j in cols],
                align=[table.align[j] for j in cols],
                rows=[[r[j] for j in cols] for r in table.rows],
                spanners=([("", len(lead))] if lead else []) + [(t, len(g)) for t, g in panel],
            )
        )
    return out


def _spanned(table: ReportTable, width: int) -> tuple[RichTable, str]:
    """The table under its spanners' labels, and the line of those labels (─ Yes ─)."""
    labels = table.labels
    # Short headers under a spanner ("Expected") are not folded; each spanned group is
    # widened (at its first column) to hold its spanner's text.
    minimum = [min(max(len(w) for w in f"{c} ".split()), 10) for c in labels]
    rows = _shown_rows(table)
    start = 0
    for text, span in table.spanners:
        cols = range(start, start + span)
        need = [max(minimum[j], max((len(r[j]) for r in rows), default=1)) for j in cols]
        short = len(text) + 2 - (sum(need) + 3 * (span - 1))
        if text and short > 0 and table.align[start] == "r":
            minimum[start] = need[0] + short
        start += span
    out, widths, tight = _fitted(labels, table.align, rows, width, minimum)
    _fill(out, table, rows)
    starts, position = [], 0
    for j, w in enumerate(widths):
        left = 0 if (tight and j == 0) else 1
        starts.append(position + left)
        position += left + w + (1 if not tight or j == len(widths) - 1 else 0) + 1
    line, j = "", 0
    for text, span in table.spanners:
        begin = starts[j]
        end = starts[j + span - 1] + widths[j + span - 1]
        j += span
        line = line.ljust(begin)
        room = end - begin
        if text:
            label = f" {text} " if len(text) + 2 <= room else text[: max(room, 1)]
            line += label.center(room, "─")
    return out, line.rstrip()


def _shown_rows(table: ReportTable) -> list[list[str]]:
    """The rows as printed: labels under a heading indented, before any width is fitted
    (so the indent never pushes a label past its column and folds it)."""
    return [
        [f"  {row[0]}", *row[1:]]
        if kind not in (ROW_HEADING, ROW_MISSING, ROW_TOTAL) and table.indented(kind)
        else list(row)
        for row, kind in zip(table.rows, table.row_kinds, strict=True)
    ]


_ROW_STYLES = {ROW_HEADING: "bold", ROW_MISSING: "dim", ROW_TOTAL: "italic"}


def _fill(out: RichTable, table: ReportTable, rows: list[list[str]]) -> None:
    for row, kind in zip(rows, table.row_kinds, strict=True):
        out.add_row(*row, style=_ROW_STYLES.get(kind))


def _table(table: ReportTable, width: int) -> RichTable:
    rows = _shown_rows(table)
    out = _new_table(table.columns, table.align, rows, width)
    _fill(out, table, rows)
    return out


def _grid(grid: Grid, width: int) -> RichTable:
    out = _new_table(grid.columns, grid.align, grid.rows, width)
    for row in grid.rows:
        out.add_row(*row)
    return out


def _test(test: TestDetail, console: Console) -> None:
    console.print(Text(test.title, style="bold"))
    if test.error:
        _indented(console, f"{test.error}", "red")
        return
    if test.groups is not None:
        console.print(_grid(test.groups, console.width))
    for line in test.lines:
        _indented(console, f"{line}")
    for note in test.notes:
        _indented(console, f"{note}", "yellow")
    for grid in test.posthoc:
        _indented(console, f"{grid.title}")
        console.print(_grid(grid, console.width))
    _indented(console, f"{test.apa}", "green")
