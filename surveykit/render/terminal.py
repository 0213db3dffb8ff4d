"""Terminal output with rich: the respondent audit, every table, then the tests."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from surveykit.render.json import to_document
from surveykit.render.numbers import fmt_cell, fmt_num, fmt_p
from surveykit.result import ROW_HEADING, ROW_MISSING, ROW_TOTAL, Result

_TEST_TITLES = {
    "t-test": "Independent-samples t-test",
    "anova": "One-way ANOVA",
    "chi-square": "Chi-square test of independence",
    "mann-whitney": "Mann–Whitney U test",
    "kruskal": "Kruskal–Wallis test",
}


def render_terminal(result: Result, console: Console) -> None:
    """Print ``result`` to ``console``."""
    doc = to_document(result)
    r = doc["respondents"]
    console.print(Text(result.title, style="bold"))
    console.print(
        f"Responses received {r['received']}, excluded {r['excluded']}, analysed {r['analysed']}"
    )
    for e in doc["exclusions"][:20]:
        where = f"row {e['row']}" + (f" (line {e['line']})" if e.get("line") else "")
        console.print(Text(f"  excluded {where}: {e['reason']}  [{e['rule']}]", style="dim"))
    if len(doc["exclusions"]) > 20:
        console.print(
            Text(f"  … and {len(doc['exclusions']) - 20} more exclusions (see --format json)")
        )
    _data_issues(doc.get("data_issues") or [], console)
    for note in doc["notes"]:
        console.print(Text(f"note: {note}", style="yellow"))
    for number, table in enumerate(doc["tables"], start=1):
        console.print()
        console.print(Text(f"Table {number}  {table['title']}", style="bold"))
        console.print(_table(table))
        for note in table["notes"]:
            console.print(Text(f"  {note}", style="dim"))
    if doc["tests"]:
        console.print()
        console.print(Text("Tests", style="bold"))
        for test in doc["tests"]:
            console.print()
            _test(test, console)


def _data_issues(issues: list[dict[str, Any]], console: Console) -> None:
    """The cells ``invalid: missing`` set to missing, 20 at most (JSON lists them all)."""
    if not issues:
        return
    console.print(Text(f"Data issues: {len(issues)} cell(s) set to missing", style="bold"))
    for d in issues[:20]:
        where = f"row {d['row']}" + (f" (line {d['line']})" if d.get("line") else "")
        text = f"  {where}, column {d['column']!r}: {d['value']!r} {d['reason']}"
        console.print(Text(text, style="dim"))
    if len(issues) > 20:
        console.print(Text(f"  … and {len(issues) - 20} more (see --format json)"))


def _table(table: dict[str, Any]) -> RichTable:
    out = RichTable(box=box.SIMPLE_HEAD)
    for i, column in enumerate(table["columns"]):
        out.add_column(column, justify="left" if i == 0 or column in ("Summary item",) else "right")
    kinds = table["row_kinds"] or ["data"] * len(table["rows"])
    for row, kind in zip(table["rows"], kinds, strict=True):
        cells = [fmt_cell(col, value) for col, value in zip(table["columns"], row, strict=True)]
        if kind == ROW_HEADING:
            out.add_row(*cells, style="bold")
        elif kind == ROW_MISSING:
            out.add_row(*cells, style="dim")
        elif kind == ROW_TOTAL:
            out.add_row(*cells, style="italic")
        else:
            label = f"  {cells[0]}" if table["kind"] == "block" else cells[0]
            out.add_row(label, *cells[1:])
    return out


_GROUP_HEADERS = {
    "n": "n",
    "mean": "Mean",
    "sd": "SD",
    "se": "SE",
    "mean_rank": "Mean rank",
    "median": "Median",
}


def _p_is(p: Any) -> str:
    text = fmt_p(p, apa=False)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _test(test: dict[str, Any], console: Console) -> None:
    title = _TEST_TITLES.get(test["kind"], test["kind"])
    console.print(Text(f"{title}: {test['dv']} by {test['by']}", style="bold"))
    if test.get("error"):
        console.print(Text(f"  not computed: {test['error']}", style="red"))
        return
    groups = test.get("groups") or []
    if groups:
        keys = [k for k in _GROUP_HEADERS if k in groups[0]]
        grid = RichTable(box=box.SIMPLE_HEAD)
        grid.add_column("Group")
        for k in keys:
            grid.add_column(_GROUP_HEADERS[k], justify="right")
        for g in groups:
            grid.add_row(
                str(g.get("label", "")), *[fmt_cell(k if k == "n" else "x", g.get(k)) for k in keys]
            )
        console.print(grid)
    lines: list[str] = []
    if test["kind"] == "t-test":
        welch = test.get("welch") or {}
        lev = test.get("levene") or {}
        ci = test.get("ci95") or [None, None]
        lines += [
            f"Student's t = {fmt_num(test['t'], 3)}, df = {fmt_num(test['df'], 0)}, {_p_is(test['p'])}",
            f"Welch's t = {fmt_num(welch.get('t'), 3)}, df = {fmt_num(welch.get('df'), 2)}, {_p_is(welch.get('p'))}",
            f"Levene's test (means): F = {fmt_num(lev.get('F'), 3)}, {_p_is(lev.get('p'))}",
            f"Mean difference = {fmt_num(test.get('mean_diff'), 3)}, 95% CI [{fmt_num(ci[0], 3)}, {fmt_num(ci[1], 3)}]",
            f"Cohen's d = {fmt_num(test.get('cohens_d'), 3)}, Hedges' g = {fmt_num(test.get('hedges_g'), 3)}",
        ]
    elif test["kind"] == "anova":
        welch = test.get("welch") or {}
        bf = test.get("brown_forsythe") or {}
        lev = test.get("levene") or {}
        lines += [
            f"Between groups: SS = {fmt_num(test.get('ss_between'), 3)}, df = {fmt_num(test['df1'], 0)}, MS = {fmt_num(test.get('ms_between'), 3)}",
            f"Within groups:  SS = {fmt_num(test.get('ss_within'), 3)}, df = {fmt_num(test['df2'], 0)}, MS = {fmt_num(test.get('ms_within'), 3)}",
            f"F = {fmt_num(test['F'], 3)}, {_p_is(test['p'])}, η² = {fmt_num(test.get('eta_sq'), 3)}, ω² = {fmt_num(test.get('omega_sq'), 3)}",
            f"Levene's test (means): F = {fmt_num(lev.get('F'), 3)}, {_p_is(lev.get('p'))}",
        ]
        for name, robust in (("Welch's F", welch), ("Brown–Forsythe F", bf)):
            if robust.get("F") is not None:  # not computed when a group has n < 2 (see notes)
                lines.append(
                    f"{name} = {fmt_num(robust['F'], 3)}, df = ({fmt_num(robust.get('df1'), 0)}, "
                    f"{fmt_num(robust.get('df2'), 2)}), {_p_is(robust.get('p'))}"
                )
    elif test["kind"] == "chi-square":
        lines.append(
            f"χ² = {fmt_num(test['chi2'], 3)}, df = {fmt_num(test['df'], 0)}, {_p_is(test['p'])}, Cramér's V = {fmt_num(test.get('cramers_v'), 3)}"
        )
        if test.get("fisher_p") is not None:
            lines.append(f"Fisher's exact test: {_p_is(test['fisher_p'])}")
    for line in lines:
        console.print(Text(f"  {line}"))
    for note in test.get("notes") or []:
        console.print(Text(f"  {note}", style="yellow"))
    if test["kind"] == "anova":
        _posthoc(test, console)
    console.print(Text(f"  {test['apa']}", style="green"))


def _posthoc(test: dict[str, Any], console: Console) -> None:
    for name, rows in (test.get("posthoc") or {}).items():
        if not rows:
            continue
        label = {"tukey": "Tukey HSD", "games_howell": "Games–Howell"}.get(name, name)
        console.print(Text(f"  {label}"))
        grid = RichTable(box=box.SIMPLE_HEAD)
        for col in ("Pair", "Difference", "SE", "p adj", "95% CI"):
            grid.add_column(col, justify="left" if col == "Pair" else "right")
        for row in rows:
            ci = row.get("ci95") or [None, None]
            grid.add_row(
                f"{row['a']} − {row['b']}", fmt_num(row.get("diff"), 3), fmt_num(row.get("se"), 3),
                fmt_p(row.get("p_adj"), apa=False), f"[{fmt_num(ci[0], 3)}, {fmt_num(ci[1], 3)}]",
            )  # fmt: skip
        console.print(grid)
