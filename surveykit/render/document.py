"""The document model: a Result laid out as numbered tables, figures, notes and test blocks.

:func:`build_report` turns a :class:`~surveykit.result.Result` into a
:class:`Report` whose cells are already formatted strings (via
``render/numbers.py``), whose tables are numbered and whose figures are PNG
bytes. Every renderer (terminal, markdown, html, docx, csv_out) only lays that
model out, so a test title, a note or a suppression mark is written here once
and every format shows the same thing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from surveykit.dates import report_date
from surveykit.render import model_tables as mt
from surveykit.render.json import test_document
from surveykit.render.numbers import fmt_cell, fmt_num, fmt_p, fmt_stat
from surveykit.result import (
    COUNT,
    LABEL,
    PERCENT,
    ROW_BASE,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    STATISTIC,
    TEXT,
    Result,
    Table,
    TestReport,
)

if TYPE_CHECKING:
    from surveykit.quotes import QuoteBlock

TEST_TITLES = {
    "t-test": "Independent-samples t-test",
    "anova": "One-way ANOVA",
    "chi-square": "Chi-square test of independence",
    "mann-whitney": "Mann–Whitney U test",
    "kruskal": "Kruskal–Wallis test",
    "rao-scott": "Rao–Scott test of independence (weighted)",
}
# Tables of coded open-ended answers (surveykit/coding/themes.py), shown under Themes.
THEME_KINDS = ("themes", "themes_by", "cooccurrence", "theme_quotes")
_ADJUST_NAMES = {
    "holm": "Holm's step-down method",
    "bonferroni": "the Bonferroni correction",
    "fdr_bh": "the Benjamini–Hochberg false discovery rate procedure",
}
_GROUP_KEYS = (
    ("n", "n"),
    ("mean", "Mean"),
    ("sd", "SD"),
    ("ci95", "95% CI"),
    ("median", "Median"),
    ("mean_rank", "Mean rank"),
)


@dataclass(frozen=True)
class Figure:
    """A numbered figure: caption, alt text and the PNG image."""

    number: int
    caption: str
    png: bytes
    alt: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        """File name used when the figure is written beside a report."""
        return f"fig{self.number}.png"


@dataclass(frozen=True)
class ReportTable:
    """A numbered table ready to lay out: every cell is a display string.

    ``align`` holds "l" or "r" per column; ``row_kinds`` follow
    :mod:`surveykit.result` (data, heading, missing, total); ``tests`` are APA
    sentences of the tests that relate to this table; ``figures`` follow it.

    ``spanners`` (empty for a table without) are (text, number of columns) runs
    covering every column in order, text "" above unspanned columns; ``labels``
    are then the headers under them. ``columns`` are the full names ("Yes: n"),
    for outputs that cannot span (Markdown, CSV).
    """

    number: int
    id: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    row_kinds: list[str]
    align: list[str]
    kind: str
    notes: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    spanners: list[tuple[str, int]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def caption(self) -> str:
        """``Table 1 Respondents``."""
        return f"Table {self.number} {self.title}"

    def indented(self, row_kind: str) -> bool:
        """Whether a row's label is indented under a heading row (blocks; theme tables' codes;
        the items of each scale in an item–total table)."""
        if self.kind == "block":
            return row_kind not in (ROW_HEADING, ROW_MISSING)
        return self.kind in ("themes", "themes_by", "item_total") and row_kind == ROW_DATA


@dataclass(frozen=True)
class QuoteSection:
    """The appendix entry of one text item: ``count`` is "40 answers" or why none are shown."""

    label: str
    question: str
    count: str
    quotes: list[tuple[str, str]]  # (answer, respondent tag)


@dataclass(frozen=True)
class Grid:
    """A small untitled table inside a test block (group statistics, post-hoc pairs)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    align: list[str]


@dataclass(frozen=True)
class TestDetail:
    """One test as the terminal lists it: title, groups, statistics lines, notes, APA line."""

    title: str
    error: str | None = None
    groups: Grid | None = None
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    posthoc: list[Grid] = field(default_factory=list)
    apa: str = ""


@dataclass(frozen=True)
class Report:
    """Everything a renderer lays out, in reading order."""

    title: str
    generated: str
    methods: list[str]
    data_notes: list[str]
    tables: list[ReportTable]
    test_tables: list[ReportTable]
    test_figures: list[Figure]
    quotes: list[QuoteSection]
    respondents: str = ""
    exclusions: list[str] = field(default_factory=list)
    data_issues: list[str] = field(default_factory=list)  # cells set to missing, one line each
    test_details: list[TestDetail] = field(default_factory=list)
    theme_tables: list[ReportTable] = field(default_factory=list)  # the Themes section

    @property
    def all_tables(self) -> list[ReportTable]:
        """Result tables, theme tables, then test tables, in number order."""
        return [*self.tables, *self.theme_tables, *self.test_tables]

    @property
    def figures(self) -> list[Figure]:
        """Every figure in number order."""
        shown = [*self.tables, *self.theme_tables]
        return [f for t in shown for f in t.figures] + list(self.test_figures)


# --- building the document model ------------------------------------------------------


def _home_tables(result: Result) -> dict[int, str]:
    """The one table each test is reported under: the first holding both its variables,
    else the first holding its dependent variable, else the first holding its grouping."""
    home: dict[int, str] = {}
    tables = [t for t in result.tables if t.kind not in THEME_KINDS]
    for i, test in enumerate(result.tests):
        for wanted in ({test.dv, test.by}, {test.dv}, {test.by}):
            table = next((t for t in tables if wanted <= set(t.items)), None)
            if table is not None:
                home[i] = table.id
                break
    return home


def build_report(result: Result, *, generated: date | None = None, figures: bool = True) -> Report:
    """The formatted, numbered document for ``result`` (figures drawn unless ``figures=False``)."""
    generated = generated or report_date()
    tests = [(t, test_document(t)) for t in result.tests]
    counter = _Numbers()
    tables: list[ReportTable] = []
    home = _home_tables(result)
    # A battery shown as a Likert matrix gets its chart there, not again under its block.
    in_matrix = {i for t in result.tables if t.kind == "likert" for i in t.items}
    # The theme tables (coded open-ended answers) are their own section, after the results.
    ordered = [t for t in result.tables if t.kind not in THEME_KINDS]
    ordered += [t for t in result.tables if t.kind in THEME_KINDS]
    for table in ordered:
        sentences = [
            test_sentence(t, d)
            for i, (t, d) in enumerate(tests)
            if home.get(i) == table.id and t.table is None
        ]
        below = table_test_notes([(t, d) for t, d in tests if t.table == table.id])
        figs: list[Figure] = []
        figure_notes: list[str] = []
        if figures:
            figs, figure_notes = _table_figures(
                table, counter, in_matrix, weighted="weights" in result.options
            )
        kinds = list(table.row_kinds) or [ROW_DATA] * len(table.rows)
        columns, spanners = _headers(table)
        tables.append(
            ReportTable(
                number=counter.table(),
                id=table.id,
                title=table.title,
                columns=columns,
                rows=[
                    [
                        fmt_cell(c.role, v, table.columns[max(j - 1, 0)].role)
                        for j, (c, v) in enumerate(zip(table.columns, row, strict=True))
                    ]
                    for row, kind in zip(table.rows, kinds, strict=True)
                    if kind != ROW_BASE
                ],
                row_kinds=[k for k in kinds if k != ROW_BASE],
                align=["l" if c.role in (LABEL, TEXT) else "r" for c in table.columns],
                kind=table.kind,
                notes=[str(n) for n in table.notes] + below + figure_notes,
                tests=sentences,
                figures=figs,
                spanners=spanners,
                labels=[c.label for c in table.columns] if spanners else [],
            )
        )  # fmt: skip
    test_tables = _test_tables(tests, counter, result.options)
    test_figures: list[Figure] = []
    if figures:
        from surveykit.render.figures import anova_means, omitted_groups

        for t, d in tests:
            if t.kind == "anova" and not t.error:
                png = anova_means(d, dv_label=t.dv_label or t.dv, by_label=t.by_label or t.by)
                if png is not None:
                    title = f"Mean {t.dv_label or t.dv} by {t.by_label or t.by} with 95% CI"
                    left_out = omitted_groups(d)
                    notes = (
                        [f"Not shown: {', '.join(left_out)}; a group needs n ≥ 2 for a CI."]
                        if left_out
                        else []
                    )
                    test_figures.append(
                        Figure(counter.figure(), title, png, alt=title, notes=notes)
                    )
    return Report(
        title=result.title or result.survey,
        generated=f"{generated.day} {generated:%B %Y}",
        methods=methods_paragraphs(result),
        data_notes=list(result.notes),
        tables=[t for t in tables if t.kind not in THEME_KINDS],
        theme_tables=[t for t in tables if t.kind in THEME_KINDS],
        test_tables=test_tables,
        test_figures=test_figures,
        quotes=[_quote_section(b) for b in result.quotes],
        respondents=(
            f"Responses received {result.received}, excluded {result.excluded}, "
            f"analysed {result.analysed}" + _subset_clause(result)
        ),
        exclusions=[_exclusion_line(e) for e in result.exclusions],
        data_issues=[_data_issue_line(d) for d in result.data_issues],
        test_details=[_test_detail(t, d) for t, d in tests],
    )


def _subset_clause(result: Result) -> str:
    """``; this report: 47 of them, where sex == 'Female'`` for a --where run."""
    if not result.subset:
        return ""
    return f"; subset where {result.subset['where']}: {result.subset['n']} of {result.subset['of']}"


def subset_sentence(subset: dict[str, Any]) -> str:
    """The methods sentence of a ``--where`` run: how many of the analysed it describes."""
    n, of = subset["n"], subset["of"]
    return (
        f"This report describes only the respondents where {subset['where']}: {n} of the "
        f"{of} analysed. The others were not excluded; they are outside this subset."
    )


def _headers(table: Table) -> tuple[list[str], list[tuple[str, int]]]:
    """The full column names and the spanner runs (none when no column is spanned).

    A spanner over a group whose respondents the table states in a ``base`` row
    says so: "Nursing (n = 34)" ("(n < 5)" when small-cell protection withheld it).
    """
    if not any(c.spanner for c in table.columns):
        return list(table.columns), []
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    bases = [row for row, kind in zip(table.rows, kinds, strict=True) if kind == ROW_BASE]
    texts: dict[str, str] = {}
    for j, c in enumerate(table.columns):
        if c.spanner is None or c.spanner in texts:
            continue
        text = c.spanner
        if bases and c.role == COUNT and bases[0][j] is not None:
            n = bases[0][j]
            small = isinstance(n, str) and n.startswith("<")  # "(n < 5)", not "(n = < 5)"
            text += f" (n {n})" if small else f" (n = {fmt_cell(COUNT, n)})"
        texts[c.spanner] = text
    names = [f"{texts[c.spanner]}: {c.label}" if c.spanner else str(c) for c in table.columns]
    runs: list[tuple[str, int]] = []
    previous: object = object()
    for c in table.columns:
        if runs and c.spanner == previous:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((texts.get(c.spanner, "") if c.spanner else "", 1))
        previous = c.spanner
    return names, runs


def table_test_notes(tests: list[tuple[TestReport, dict[str, Any]]]) -> list[str]:
    """The lines printed under a crosstab for the tests its ``test:`` asked for.

    χ² with df, N, p and Cramér's V; Fisher's exact p for a 2 × 2 table; the expected
    count warning (as SPSS words it). A select-all crosstab has one test per option.
    """
    out: list[str] = []
    for t, d in tests:
        option = d.get("option")
        head = f"{option}: " if option else ""
        if d.get("error"):
            text = f"{head}{TEST_TITLES.get(t.kind, t.kind)} {d['apa']}"
            out.append(text if text.endswith(".") else text + ".")
            continue
        text = f"{head}Pearson {d['apa']}"
        if d.get("fisher_p") is not None:
            text += f"; Fisher's exact test {_apa_p_is(d['fisher_p'])}"
        out.append(text if text.endswith(".") else text + ".")
        expected = [v for row in d.get("expected") or [] for v in row if _shown_number(v)]
        if expected and not option:
            low = sum(v < 5 for v in expected)
            out.append(
                f"{low} cells ({fmt_num(100 * low / len(expected), 1)}%) have expected count "
                f"less than 5. The minimum expected count is {fmt_num(min(expected))}."
            )
    if any(t.family for t, _ in tests):
        low = sum(
            1 for _, d in tests for row in d.get("expected") or [] for v in row
            if _shown_number(v) and v < 5
        )  # fmt: skip
        if low:
            out.append(f"{low} cells across these tests have expected count less than 5.")
    return out


def _data_issue_line(d: dict[str, Any]) -> str:
    where = f"row {d['row']}" + (f" (line {d['line']})" if d.get("line") else "")
    return f"{where}, column {d['column']!r}: {d['value']!r} {d['reason']}"


def _quote_section(block: QuoteBlock) -> QuoteSection:
    count = f"{block.answered} answers"
    if block.withheld:
        count = f"answers not shown: {block.withheld}"
    return QuoteSection(
        label=block.label,
        question=block.question,
        count=count,
        quotes=[(q.text, q.tag) for q in block.quotes],
    )


def _exclusion_line(e: dict[str, Any]) -> str:
    where = f"row {e['row']}" + (f" (line {e['line']})" if e.get("line") else "")
    return f"{where}: {e['reason']}  [{e['rule']}]"


class _Numbers:
    """Running table and figure numbers, so numbering follows reading order."""

    def __init__(self) -> None:
        self._table = 0
        self._figure = 0

    def table(self) -> int:
        self._table += 1
        return self._table

    def figure(self) -> int:
        self._figure += 1
        return self._figure


def _shown_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _table_figures(
    table: Table,
    counter: _Numbers,
    in_matrix: set[str] | frozenset[str] = frozenset(),
    *,
    weighted: bool = False,
) -> tuple[list[Figure], list[str]]:
    """The table's figures, and notes for the table when a figure cannot be drawn.

    In a weighted run a Likert chart is drawn from the weighted % where the table has
    them (a block's Weighted % column, a weighted Likert matrix's shares) and says
    "unweighted" where it has not.

    Categories with withheld numbers are left out of a figure (a bar cannot be
    drawn at "< 5"), and the figure says which.
    """
    from surveykit.render import figures as figs

    out: list[Figure] = []
    notes: list[str] = []
    left_out = "Left out (numbers withheld, small-cell suppression): {}."
    if table.kind == "multi":
        pct = table.column(PERCENT)
        kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
        keep = [
            (row, kind)
            for row, kind in zip(table.rows, kinds, strict=True)
            if kind != ROW_DATA or (pct is not None and _shown_number(row[pct]))
        ]
        gone = [
            str(r[0])
            for r, k in zip(table.rows, kinds, strict=True)
            if k == ROW_DATA and (r, k) not in keep
        ]
        drawable = replace(table, rows=[r for r, _ in keep], row_kinds=[k for _, k in keep])
        png = figs.multi_bars(drawable) if any(k == ROW_DATA for _, k in keep) else None
        if png is not None:
            share = "percent" if pct is None or table.columns[pct] == "%" else "weighted percent"
            out.append(Figure(counter.figure(), f"{table.title} ({share} of respondents)", png,
                              alt=f"Horizontal bar chart: {table.title}",
                              notes=[left_out.format(", ".join(gone))] if gone else []))  # fmt: skip
        elif gone:
            notes.append(
                "No figure: the numbers of every option are withheld (small-cell suppression)."
            )
    elif table.kind == "themes":
        png = figs.theme_map(table)
        if png is not None:
            out.append(Figure(counter.figure(), f"Theme map: {table.title}", png,
                              alt=f"Tree of themes and codes with their counts: {table.title}"))  # fmt: skip
    elif (
        table.kind == "likert" or (table.kind == "block" and not in_matrix & set(table.items))
    ) and figs.likert_segments(table):
        segments = figs.likert_segments(table)
        gone = [
            label for label, _choices, counts in segments if not all(map(_shown_number, counts))
        ]
        png = figs.likert_diverging(table)
        if png is not None:
            how = ""
            if weighted:
                # A weighted Likert matrix's category columns are weighted % (its mean is).
                shares = "Weighted %" in table.columns or (
                    table.kind == "likert" and "Weighted mean" in table.columns
                )
                how = " (weighted %)" if shares else " (unweighted)"
            out.append(Figure(counter.figure(), f"{table.title}: distribution of answers{how}", png,
                              alt=f"Diverging stacked bar chart: {table.title}",
                              notes=[left_out.format(", ".join(gone))] if gone else []))  # fmt: skip
        elif gone:
            notes.append("No figure: every item has withheld counts (small-cell suppression).")
    return out, notes


# --- tests ------------------------------------------------------------------------------


def test_title(test: TestReport) -> str:
    """``One-way ANOVA``, ``Linear regression``, ``Paired-samples t-test``."""
    return mt.model_title(test) or TEST_TITLES.get(test.kind, test.kind)


def test_sentence(test: TestReport, d: dict[str, Any] | None = None) -> str:
    """``One-way ANOVA of Work engagement by Department: F(4, 229) = 2.87, p = .024, η² = .05.``"""
    d = d or test_document(test)
    text = f"{test_title(test)} of {_title(test)}: {d['apa']}"
    return text if text.endswith(".") else text + "."


def _group_n(d: dict[str, Any]) -> str:
    if d.get("suppressed"):
        return "not shown"
    groups = d.get("groups") or []
    if groups:
        return "; ".join(f"{g.get('label', '')} {fmt_cell(COUNT, g.get('n'))}" for g in groups)
    if d.get("n") is not None:
        return f"N = {fmt_cell(COUNT, mt.pairs_n(d))}"
    observed = d.get("observed")
    if observed:
        return f"N = {int(sum(sum(row) for row in observed))}"
    return ""


def _test_tables(
    tests: list[tuple[TestReport, dict[str, Any]]], counter: _Numbers, options: dict[str, Any]
) -> list[ReportTable]:
    if not tests:
        return []
    adjust = options.get("adjust")
    summary_rows = [
        [test_title(t), t.dv_label or t.dv, _grouped_by(t), _group_n(d), d["apa"]]
        for t, d in tests
    ]  # fmt: skip
    notes = ["p values in APA style."]
    if adjust and adjust != "none" and any(t.p_adjusted is not None for t, _ in tests):
        planned = sum(t.family is None for t, _ in tests)
        notes = [
            f"p values in APA style; p values adjusted for {_family(options, planned)} with "
            f"{_ADJUST_NAMES.get(adjust, adjust)} are shown in parentheses."
            + _withheld_in_family(tests)
        ]
        if planned < len(tests):
            notes[0] = notes[0].replace(
                " are shown", " (a select-all crosstab's tests, one per option, among "
                "themselves) are shown",
            )  # fmt: skip
    out = [
        ReportTable(
            number=counter.table(), id="tests", title="Tests of association and group differences",
            columns=["Test", "Outcome", "Grouped by", "Groups (n)", "Result"], rows=summary_rows,
            row_kinds=[ROW_DATA] * len(summary_rows), align=["l"] * 5, kind="tests", notes=notes,
        )
    ]  # fmt: skip
    # Group descriptives of every test that reports groups (means for parametric tests,
    # medians or mean ranks for rank tests), so the sentences can be read against them.
    with_groups = [(t, d) for t, d in tests if d.get("groups")]
    if with_groups:
        keys = [
            k for k, _ in _GROUP_KEYS if any(k in g for _, d in with_groups for g in d["groups"])
        ]
        columns = ["", *[label for k, label in _GROUP_KEYS if k in keys]]
        rows: list[list[str]] = []
        kinds: list[str] = []
        for t, d in with_groups:
            rows.append(
                [
                    f"{t.dv_label or t.dv} by {t.by_label or t.by} ({TEST_TITLES.get(t.kind, t.kind)})"
                ]
                + [""] * len(keys)
            )
            kinds.append(ROW_HEADING)
            for g in d["groups"]:
                rows.append([str(g.get("label", "")), *[_group_cell(k, g.get(k)) for k in keys]])
                kinds.append(ROW_DATA)
        out.append(
            ReportTable(
                number=counter.table(), id="test_groups", title="Group statistics for the tests",
                columns=columns, rows=rows, row_kinds=kinds, align=["l"] + ["r"] * len(keys),
                kind="test_groups", notes=["SD with n − 1; 95% CI of the group mean."],
            )
        )  # fmt: skip
    for t, d in tests:
        # A withheld test (small-cell protection) or one that failed shows none of its numbers.
        if d.get("suppressed") or t.error:
            continue
        detail = _DETAIL_TABLES.get(t.kind)
        if detail is not None:
            out.extend(detail(t, d, counter))
    return out


def _family(options: dict[str, Any], planned: int) -> str:
    """``9 tests``: the plan's tests whose p values were adjusted together (those with one)."""
    family = options.get("adjust_family", planned)
    return f"{family} test{'' if family == 1 else 's'}"


def _withheld_in_family(tests: list[tuple[TestReport, dict]]) -> str:
    """How a withheld test counts in the adjustment (``suppression.readjust_withheld``)."""
    if not any(d.get("suppressed") for _, d in tests):
        return ""
    return (
        " Tests not shown (small-cell protection) count in that family as p = 1, so the "
        "adjusted p values shown do not depend on them."
    )


def _df(value: Any) -> str:
    """Degrees of freedom: whole numbers as such, Welch's to two decimals."""
    if value is None or isinstance(value, str):
        return value or ""
    return str(int(value)) if float(value).is_integer() else f"{float(value):.2f}"


def _title(t: TestReport) -> str:
    return mt.model_subject(t) or f"{t.dv_label or t.dv} by {t.by_label or t.by}"


def _grouped_by(t: TestReport) -> str:
    """The summary's "Grouped by" cell: the groups, a regression's predictors, a pair's partner."""
    where = f", where {t.where}" if t.where else ""  # other tests have it in by_label
    if t.kind == "regression":
        return f"Predictors: {t.by_label}{where}"
    if t.kind in mt.PAIRED_TITLES:
        return f"Paired with {t.by_label or t.by}{where}"
    return t.by_label or t.by


def _regression_tables(t: TestReport, d: dict[str, Any], counter: _Numbers) -> list[ReportTable]:
    """The coefficients (B, SE, t or z, p, CI, β or odds ratio, VIF) with the fit in its notes."""
    columns = mt.coefficient_columns(d)
    rows = mt.coefficient_rows(d)
    return [
        ReportTable(
            number=counter.table(), id=f"regression_{t.dv}",
            title=f"{test_title(t)} of {_title(t)}", columns=list(columns), rows=rows,
            row_kinds=[ROW_DATA] * len(rows), align=[_align(c) for c in columns],
            kind="regression", notes=[*mt.fit_lines(d), *mt.coding_notes(d)],
        )
    ]  # fmt: skip


def _paired_tables(t: TestReport, d: dict[str, Any], counter: _Numbers) -> list[ReportTable]:
    """SPSS's Paired Samples Test: the mean difference with its SD and CI, t, df, p, d_z."""
    columns = mt.paired_columns()
    return [
        ReportTable(
            number=counter.table(), id=f"paired_{t.dv}_{t.by}",
            title=f"{test_title(t)} of {_title(t)}", columns=list(columns),
            rows=[mt.paired_row(t, d)], row_kinds=[ROW_DATA], align=[_align(c) for c in columns],
            kind="paired", notes=[mt.difference_note(t), *(str(n) for n in d.get("notes") or [])],
        )
    ]  # fmt: skip


def _align(column: Any) -> str:
    return "l" if getattr(column, "role", None) in (LABEL, TEXT) else "r"


def _reported(d: dict[str, Any], equal: str) -> str:
    """The note saying which variant the APA line reports, and why."""
    levene = d.get("levene_p")
    why = (
        f"Levene's p {fmt_p(levene) if fmt_p(levene).startswith('<') else '= ' + fmt_p(levene)}"
        if levene is not None
        else "Levene's test undefined"
    )
    if d.get("variant") == "welch":
        text = f"Reported: Welch's test ({why})."
    else:
        text = f"Reported: {equal} ({why})."
    if d.get("variant_note"):
        text += f" {d['variant_note']}."
    return text


def _ttest_tables(t: TestReport, d: dict[str, Any], counter: _Numbers) -> list[ReportTable]:
    """SPSS's Independent Samples Test: both rows, Levene, difference with CI, d with CI."""
    lev = d.get("levene") or {}
    welch = d.get("welch") or {}
    d_ci = d.get("cohens_d_ci95")
    rows = [
        ["Equal variances assumed", fmt_num(lev.get("F")), _p(lev.get("p")), fmt_num(d.get("t")),
         _df(d.get("df")), _p(d.get("p")), fmt_num(d.get("mean_diff")), fmt_num(d.get("se_diff")),
         _ci(d.get("ci95")), f"{fmt_num(d.get('cohens_d'))} {_ci(d_ci)}".strip()],
        ["Equal variances not assumed", "", "", fmt_num(welch.get("t")), _df(welch.get("df")),
         _p(welch.get("p")), fmt_num(d.get("mean_diff")), fmt_num(welch.get("se_diff")),
         _ci(welch.get("ci95")), ""],
    ]  # fmt: skip
    level = fmt_num(100 * float(d.get("ci_level") or 0.95), 0)
    reported = _reported(d, "Student's t")
    notes = [
        f"{reported} Levene's test of equal variances is mean-centred (as SPSS). Mean difference = "
        f"{t.by_label or t.by} {d['groups'][0]['label']} − {d['groups'][1]['label']}; "
        f"{level}% confidence intervals; Cohen's d uses the pooled SD (its CI from the "
        "noncentral t)."
    ]
    return [
        ReportTable(
            number=counter.table(), id=f"ttest_{t.dv}_{t.by}",
            title=f"Independent-samples t-test of {_title(t)}",
            columns=["", "Levene F", "Levene p", "t", "df", "p", "Mean difference", "SE",
                     f"{level}% CI", "Cohen's d [CI]"],
            rows=rows, row_kinds=[ROW_DATA] * 2, align=["l"] + ["r"] * 9, kind="ttest", notes=notes,
        )
    ]  # fmt: skip


def _anova_tables(t: TestReport, d: dict[str, Any], counter: _Numbers) -> list[ReportTable]:
    """The ANOVA table, the homogeneity and robust tests, and the post-hoc comparisons."""
    rows = [
        ["Between groups", fmt_num(d.get("ss_between")), _df(d.get("df1")),
         fmt_num(d.get("ms_between")), fmt_num(d.get("F")), _p(d.get("p")),
         fmt_stat(d.get("eta_sq"), leading_zero=False),
         fmt_stat(d.get("omega_sq"), leading_zero=False)],
        ["Within groups", fmt_num(d.get("ss_within")), _df(d.get("df2")),
         fmt_num(d.get("ms_within")), "", "", "", ""],
        ["Total", fmt_num(d.get("ss_total")), _df((d.get("df1") or 0) + (d.get("df2") or 0)),
         "", "", "", "", ""],
    ]  # fmt: skip
    out = [
        ReportTable(
            number=counter.table(), id=f"anova_{t.dv}_{t.by}", title=f"One-way ANOVA of {_title(t)}",
            columns=["Source", "SS", "df", "MS", "F", "p", "η²", "ω²"], rows=rows,
            row_kinds=[ROW_DATA, ROW_DATA, "total"], align=["l"] + ["r"] * 7, kind="anova",
            notes=[_reported(d, "the classic F")],
        )
    ]  # fmt: skip
    missing = next((n for n in d.get("notes") or [] if n.startswith("Welch and Brown")), "")
    robust = []
    for label, key, absent in (
        ("Levene (mean-centred)", "levene", "undefined: no group has any spread"),
        ("Levene (median-centred)", "brown_forsythe_levene", "undefined: no group has any spread"),
        ("Welch's F", "welch", missing.split(": ", 1)[-1] or "not computed"),
        ("Brown–Forsythe F*", "brown_forsythe", missing.split(": ", 1)[-1] or "not computed"),
    ):
        test = d.get(key)
        if test:
            robust.append([label, fmt_num(test.get("F")), _df(test.get("df1")),
                           _df(test.get("df2")), _p(test.get("p"))])  # fmt: skip
        else:
            robust.append([label, f"not computed: {absent}", "", "", ""])
    out.append(
        ReportTable(
            number=counter.table(), id=f"anova_robust_{t.dv}_{t.by}",
            title=f"Equal variances and robust tests of equal means: {_title(t)}",
            columns=["Test", "Statistic", "df1", "df2", "p"], rows=robust,
            row_kinds=[ROW_DATA] * len(robust), align=["l", "r", "r", "r", "r"], kind="robust",
            notes=["Levene's tests of equal variances; Welch's F and Brown–Forsythe's F* test "
                   "equal means without assuming equal variances."],
        )
    )  # fmt: skip
    posthoc = d.get("posthoc") or {}
    tukey = posthoc.get("tukey") or []
    if not tukey:
        return out
    gh = {(r["a"], r["b"]): r for r in posthoc.get("games_howell") or []}
    gh_notes = [n for n in d.get("notes") or [] if "Games-Howell" in n]
    rows = []
    for r in tukey:
        other = gh.get((r["a"], r["b"]))
        gh_p = _p(other.get("p_adj")) if other else f"not computed{_gh_reason(r, gh_notes)}"
        rows.append([
            f"{r['a']} − {r['b']}", fmt_num(r.get("diff")), fmt_num(r.get("se")),
            _ci(r.get("ci95")), _p(r.get("p_adj")), gh_p,
        ])  # fmt: skip
    out.append(
        ReportTable(
            number=counter.table(), id=f"posthoc_{t.dv}_{t.by}",
            title=f"Post-hoc comparisons of {_title(t)}",
            columns=["Pair", "Difference", "SE", "95% CI (Tukey)", "p Tukey", "p Games–Howell"],
            rows=rows, row_kinds=[ROW_DATA] * len(rows), align=["l"] + ["r"] * 5,
            kind="posthoc",
            notes=["Tukey HSD assumes equal variances; Games–Howell does not. p values adjusted for all pairs.",
                   *gh_notes],
        )
    )  # fmt: skip
    return out


def _gh_reason(pair: dict[str, Any], notes: list[str]) -> str:
    # Games–Howell needs each group's variance: a group of n = 1 or two groups without spread.
    for note in notes:
        if repr(pair["a"]) in note or repr(pair["b"]) in note:
            return ": n < 2" if "has n =" in note else ": no spread"
    return ""


def _chisq_tables(t: TestReport, d: dict[str, Any], counter: _Numbers) -> list[ReportTable]:
    """Pearson χ², and for 2 × 2 tables Yates' correction and Fisher's exact p; expected counts."""
    rows = [["Pearson χ²", fmt_num(d.get("chi2")), _df(d.get("df")), _p(d.get("p"))]]
    yates = d.get("yates")
    if yates:
        rows.append(["Continuity correction (Yates)", fmt_num(yates.get("chi2")),
                     _df(yates.get("df", d.get("df"))), _p(yates.get("p"))])  # fmt: skip
    if d.get("fisher_p") is not None:
        rows.append(["Fisher's exact test", "", "", _p(d.get("fisher_p"))])
    notes = list(d.get("notes") or [])
    expected = [v for row in d.get("expected") or [] for v in row if isinstance(v, int | float)]
    if expected and not any("expected count" in n for n in notes):
        low = sum(v < 5 for v in expected)
        notes.append(
            f"{low} cells ({fmt_num(100 * low / len(expected), 1)}%) have expected count less "
            f"than 5; the minimum expected count is {fmt_num(min(expected))}."
        )
    return [
        ReportTable(
            number=counter.table(), id=f"chisq_{t.dv}_{t.by}",
            title=f"Chi-square tests of {_title(t)}",
            columns=["Test", "Value", "df", "p"], rows=rows, row_kinds=[ROW_DATA] * len(rows),
            align=["l", "r", "r", "r"], kind="chisq", notes=notes,
        )
    ]  # fmt: skip


_DETAIL_TABLES = {
    "t-test": _ttest_tables,
    "anova": _anova_tables,
    "chi-square": _chisq_tables,
    "regression": _regression_tables,
    "paired-t": _paired_tables,
}


def _p(value: Any) -> str:
    # Suppressed cells arrive as strings ("< 5") and are shown as they are.
    return value if isinstance(value, str) else fmt_p(value)


def _ci(ci: Any) -> str:
    if isinstance(ci, str):
        return ci
    if not ci or ci[0] is None:
        return ""
    return f"[{fmt_num(ci[0])}, {fmt_num(ci[1])}]"


def _group_cell(key: str, value: Any) -> str:
    if key == "ci95":
        return _ci(value)
    return fmt_cell(COUNT if key == "n" else STATISTIC, value)


# --- methods ------------------------------------------------------------------------------


def methods_paragraphs(result: Result) -> list[str]:
    """A short methods section stated only from facts recorded in the Result."""
    paragraphs = []
    text = f"Of {result.received} responses received, "
    if result.excluded:
        counts = Counter(e.get("reason") or e.get("rule") for e in result.exclusions)
        rules = "; ".join(f"{reason}: {n}" for reason, n in counts.items())
        text += (
            f"{result.excluded} were excluded ({rules}), leaving {result.analysed} for analysis."
        )
    else:
        text += f"none were excluded; all {result.analysed} were analysed."
    paragraphs.append(text)
    if result.subset:
        paragraphs.append(subset_sentence(result.subset))
    if result.data_issues:
        paragraphs.append(data_issues_sentence(result))

    if result.tests:
        kinds = Counter(test_title(t) for t in result.tests)
        run = "; ".join(name if n == 1 else f"{name} ({n} tests)" for name, n in kinds.items())
        text = f"Tests run: {run}."
        alpha = result.options.get("alpha")
        if alpha is not None:
            text += f" Significance was judged at α = {fmt_num(alpha)}."
        adjust = result.options.get("adjust")
        if adjust and adjust != "none":
            pairs = [(t, t.stats) for t in result.tests]
            planned = sum(t.family is None for t in result.tests)
            text += (
                f" p values were adjusted for {_family(result.options, planned)} with "
                f"{_ADJUST_NAMES.get(adjust, adjust)}"
            )
            families = len({t.family for t in result.tests if t.family})
            if families:
                text += (
                    "; the per-option tests of each select-all crosstab were adjusted among "
                    "themselves"
                )
            text += "." + _withheld_in_family(pairs)
        paragraphs.append(text)
    variance = _variance_paragraph(result)
    if variance:
        paragraphs.append(variance)
    precision = _precision_paragraph(result)
    if precision:
        paragraphs.append(precision)
    missing = result.options.get("missing")
    if missing == "listwise":
        paragraphs.append(
            "Missing data: tables use every respondent who answered the item; tests use only "
            "respondents who answered every variable used in any planned test (listwise deletion)."
        )
    elif missing:
        paragraphs.append(
            "Missing data: each table and test uses every respondent who answered the items "
            "involved (pairwise deletion); missing and not-applicable answers are counted in the "
            "tables."
        )
    min_cell = result.options.get("min_cell")
    if min_cell:
        mark = result.options.get("symbol", "[c]")
        text = (
            f"Small cells: counts below {min_cell} are shown as \u201c< {min_cell}\u201d. "
            f"\u201c{mark}\u201d marks every other withheld number: the percentages and "
            "statistics of those small groups, and further counts withheld so that the small "
            "counts cannot be worked out from totals."
        )
        if any(t.stats.get("suppressed") for t in result.tests):
            text += (
                f" Tests with a group of fewer than {min_cell} respondents, or of variables "
                "with withheld cells, are not shown, as their statistics would reveal them."
            )
        if any(b.withheld for b in result.quotes):
            text += (
                " Open-ended answers are not shown where fewer than "
                f"{min_cell} respondents gave them or their number is withheld."
            )
        paragraphs.append(text)
    return paragraphs


# --- test details (the terminal's test section) -------------------------------------------

_GROUP_HEADERS = {
    "n": "n",
    "mean": "Mean",
    "sd": "SD",
    "se": "SE",
    "mean_rank": "Mean rank",
    "median": "Median",
}


def _apa_p_is(p: Any) -> str:
    text = fmt_p(p)
    return f"p {text}" if text.startswith(("<", ">")) else f"p = {text}"


def _p_is(p: Any) -> str:
    text = fmt_p(p, apa=False)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _test_detail(test: TestReport, d: dict[str, Any]) -> TestDetail:
    title = f"{test_title(test)}: {_title(test)}"
    if d.get("error"):
        # "not computed: …", or "not shown: …" when small-cell protection withheld it.
        return TestDetail(title=title, error=d["apa"], apa=d["apa"])
    groups = d.get("groups") or []
    grid = None
    if groups:
        keys = [k for k in _GROUP_HEADERS if k in groups[0]]
        grid = Grid(
            title="",
            columns=["Group", *[_GROUP_HEADERS[k] for k in keys]],
            rows=[
                [
                    str(g.get("label", "")),
                    *[fmt_cell(COUNT if k == "n" else STATISTIC, g.get(k)) for k in keys],
                ]
                for g in groups
            ],
            align=["l"] + ["r"] * len(keys),
        )
    lines: list[str] = []
    if d["kind"] == "regression":
        columns = mt.coefficient_columns(d)
        grid = Grid("", list(columns), mt.coefficient_rows(d), [_align(c) for c in columns])
        lines += mt.fit_lines(d)
    elif d["kind"] in mt.PAIRED_TITLES:
        lines += mt.paired_lines(test, d)
    if d["kind"] == "t-test":
        welch = d.get("welch") or {}
        lev = d.get("levene") or {}
        ci = d.get("ci95") or [None, None]
        lines += [
            f"Student's t = {fmt_num(d['t'], 3)}, df = {fmt_num(d['df'], 0)}, {_p_is(d['p'])}",
            f"Welch's t = {fmt_num(welch.get('t'), 3)}, df = {fmt_num(welch.get('df'), 2)}, {_p_is(welch.get('p'))}",
            f"Levene's test (means): F = {fmt_num(lev.get('F'), 3)}, {_p_is(lev.get('p'))}",
            f"Mean difference = {fmt_num(d.get('mean_diff'), 3)}, 95% CI [{fmt_num(ci[0], 3)}, {fmt_num(ci[1], 3)}]",
            f"Cohen's d = {fmt_num(d.get('cohens_d'), 3)}, Hedges' g = {fmt_num(d.get('hedges_g'), 3)}",
        ]  # fmt: skip
    elif d["kind"] == "anova":
        welch = d.get("welch") or {}
        bf = d.get("brown_forsythe") or {}
        lev = d.get("levene") or {}
        lines += [
            f"Between groups: SS = {fmt_num(d.get('ss_between'), 3)}, df = {fmt_num(d['df1'], 0)}, MS = {fmt_num(d.get('ms_between'), 3)}",
            f"Within groups:  SS = {fmt_num(d.get('ss_within'), 3)}, df = {fmt_num(d['df2'], 0)}, MS = {fmt_num(d.get('ms_within'), 3)}",
            f"F = {fmt_num(d['F'], 3)}, {_p_is(d['p'])}, η² = {fmt_num(d.get('eta_sq'), 3)}, ω² = {fmt_num(d.get('omega_sq'), 3)}",
            f"Levene's test (means): F = {fmt_num(lev.get('F'), 3)}, {_p_is(lev.get('p'))}",
        ]  # fmt: skip
        for name, robust in (("Welch's F", welch), ("Brown–Forsythe F", bf)):
            if robust.get("F") is not None:  # not computed when a group has n < 2 (see notes)
                lines.append(
                    f"{name} = {fmt_num(robust['F'], 3)}, df = ({fmt_num(robust.get('df1'), 0)}, "
                    f"{fmt_num(robust.get('df2'), 2)}), {_p_is(robust.get('p'))}"
                )
    elif d["kind"] == "chi-square":
        lines.append(
            f"χ² = {fmt_num(d['chi2'], 3)}, df = {fmt_num(d['df'], 0)}, {_p_is(d['p'])}, "
            f"Cramér's V = {fmt_num(d.get('cramers_v'), 3)}"
        )
        yates = d.get("yates")
        if yates:
            lines.append(
                f"Continuity correction (Yates): χ² = {fmt_num(yates.get('chi2'), 3)}, "
                f"df = {fmt_num(yates.get('df', d['df']), 0)}, {_p_is(yates.get('p'))}"
            )
        if d.get("fisher_p") is not None:
            lines.append(f"Fisher's exact test: {_p_is(d['fisher_p'])}")
    notes = [str(n) for n in d.get("notes") or []]
    if d["kind"] == "regression":
        notes = mt.coding_notes(d)
    elif d["kind"] in mt.PAIRED_TITLES:
        notes = [mt.difference_note(test), *notes]
    if d.get("variant"):  # which t or F the APA line reports, and why (plan option variance)
        notes.insert(0, _reported(d, "Student's t" if d["kind"] == "t-test" else "the classic F"))
    posthoc = []
    if d["kind"] == "anova":
        for name, rows in (d.get("posthoc") or {}).items():
            if not rows:
                continue
            posthoc.append(
                Grid(
                    title={"tukey": "Tukey HSD", "games_howell": "Games–Howell"}.get(name, name),
                    columns=["Pair", "Difference", "SE", "p adj", "95% CI"],
                    rows=[_pair_row(r) for r in rows],
                    align=["l", "r", "r", "r", "r"],
                )
            )
    return TestDetail(
        title=title,
        groups=grid,
        lines=lines,
        notes=notes,
        posthoc=posthoc,
        apa=d["apa"],
    )


def _pair_row(r: dict[str, Any]) -> list[str]:
    lo, hi = r.get("ci95") or [None, None]
    return [
        f"{r['a']} − {r['b']}",
        fmt_num(r.get("diff"), 3),
        fmt_num(r.get("se"), 3),
        fmt_p(r.get("p_adj"), apa=False),
        f"[{fmt_num(lo, 3)}, {fmt_num(hi, 3)}]",
    ]


def data_issues_sentence(result: Result) -> str:
    """'3 values of Age outside 15–80 … were set to missing', from the Result's data issues."""
    labels: dict[str, str] = {}
    for t in result.tables:
        if len(t.items) == 1:
            labels.setdefault(t.items[0], t.title)
        elif t.kind == "block":  # one heading row per item, in order
            headings = [r[0] for r, k in zip(t.rows, t.row_kinds, strict=True) if k == ROW_HEADING]
            for item, heading in zip(t.items, headings, strict=False):
                labels.setdefault(item, str(heading))
    counts = Counter((d["item"], d["reason"]) for d in result.data_issues)
    parts = []
    for (item, reason), n in counts.items():
        name = labels.get(item, item)
        if reason == "not a number":
            parts.append(f"{n} non-numeric {_plural(n, 'value')} of {name}")
        elif reason == "not a choice":
            verb = "is" if n == 1 else "are"
            parts.append(f"{n} {_plural(n, 'answer')} to {name} that {verb} not among its choices")
        else:
            parts.append(f"{n} {_plural(n, 'value')} of {name} {reason}")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    total = len(result.data_issues)
    return (
        f"{listed[0].upper()}{listed[1:]} {'was' if total == 1 else 'were'} set to missing "
        "as invalid answers and left out of the analysis."
    )


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


_VARIANCE_RULES = {
    "auto": "Welch's t and Welch's F were reported where Levene's test (mean-centred) rejected "
    "equal variances at α = {alpha}, Student's t and the classic F otherwise",
    "student": "Student's t and the classic F were reported (equal variances assumed; "
    "plan option variance: student)",
    "welch": "Welch's t and Welch's F were reported (plan option variance: welch)",
}
_VARIANT_NAMES = {
    ("t-test", "student"): "Student's t",
    ("t-test", "welch"): "Welch's t",
    ("anova", "classic"): "the classic F",
    ("anova", "welch"): "Welch's F",
}


def _variance_paragraph(result: Result) -> str:
    """The variance rule and, per t-test and ANOVA, which variant was reported and why."""
    tests = [t for t in result.tests if t.stats.get("variant")]
    if not tests:
        return ""
    rule = result.options.get("variance", "auto")
    alpha = fmt_num(result.options.get("alpha", 0.05))
    text = "Variances: " + _VARIANCE_RULES.get(rule, rule).format(alpha=alpha) + "; both are in "
    text += "the test tables. "
    parts = []
    for t in tests:
        name = _VARIANT_NAMES.get((t.kind, t.stats["variant"]), t.stats["variant"])
        levene = t.stats.get("levene_p")
        why = f"Levene's p {'= ' if not fmt_p(levene).startswith('<') else ''}{fmt_p(levene)}"
        parts.append(
            f"{name} for {_title(t)} ({why if levene is not None else 'Levene undefined'})"
        )
    return text + "Reported: " + "; ".join(parts) + "."


_RANK_TESTS = ("mann-whitney", "kruskal", "wilcoxon")
_PLURALS = {
    "t-test": "independent-samples t-tests",
    "anova": "one-way ANOVAs",
    "chi-square": "chi-square tests of independence",
    "mann-whitney": "Mann–Whitney U tests",
    "kruskal": "Kruskal–Wallis tests",
    "paired-t": "paired-samples t-tests",
    "wilcoxon": "Wilcoxon signed-rank tests",
    "regression": "linear regressions",
}
# The effect sizes in the order the paragraph names them, as the APA lines print them.
_EFFECT_NAMES = {"d": "d", "dz": "d_z", "f": "f", "f2": "f²", "w": "w"}


def _precision_paragraph(result: Result) -> str:
    """What each shown test could detect at the analysed n (sensitivity, never observed power).

    A linear model's figure is the f² of its overall F test; logistic and ordinal models
    have none (G*Power simulates them), so the paragraph does not name them.

    Tests of one kind that share a figure are named together ("all 6 one-way ANOVAs"),
    so a plan of many tests keeps a readable paragraph.
    """
    shown = [(t, t.stats["sensitivity"]) for t in result.tests if t.stats.get("sensitivity")]
    if not shown:
        return ""
    by_kind: dict[str, list[tuple[TestReport, dict[str, Any]]]] = {}
    for t, s in shown:
        by_kind.setdefault(t.kind, []).append((t, s))
    parts = []
    for kind, tests in by_kind.items():
        figures = {fmt_num(s["effect"]) for _, s in tests}
        name = _EFFECT_NAMES[tests[0][1]["effect_name"]]
        counterpart = (
            " (rank test: its parametric counterpart's figure)" if kind in _RANK_TESTS else ""
        )
        if len(tests) > 1 and len(figures) == 1:
            many = "both" if len(tests) == 2 else f"all {len(tests)}"
            plural = _PLURALS.get(kind, kind)
            parts.append(f"{name} = {figures.pop()} for {many} {plural}{counterpart}")
        else:
            parts += [
                f"{name} = {fmt_num(s['effect'])} for {_title(t)}{counterpart}" for t, s in tests
            ]
    first = shown[0][1]
    order = list(_EFFECT_NAMES)
    letters = [
        _EFFECT_NAMES[e] for e in sorted({s["effect_name"] for _, s in shown}, key=order.index)
    ]
    names = "Cohen's " + (
        letters[0] if len(letters) == 1 else ", ".join(letters[:-1]) + " or " + letters[-1]
    )
    return (
        f"Precision: with the respondents analysed, these tests had {first['power']:.0%} power "
        f"at α = {fmt_num(first['alpha'])} (before any adjustment) to detect an effect "
        f"({names}) of at least {'; '.join(parts)}. Smaller true effects may have gone "
        "undetected; observed power is not reported, as it only restates the p value."
    )
