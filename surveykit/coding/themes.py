"""Theme tables: codes counted over respondents, by a closed item, co-occurring, and quoted.

The inputs are the analysed responses, the codebook and the rows of
``coding.csv``. A code stands for an answer when a coder accepted it or added
it by hand (any coder: with two coders, either one's acceptance counts; their
agreement is ``surveykit code agreement``). Only respondents who were analysed
and gave a non-blank answer to the item count, so every percentage is of the
respondents who answered the item (``all``: any of the codebook's items).

Every function returns :class:`~surveykit.result.Table` objects with typed
columns and unrounded numbers; small-cell protection sees them like any table
(:func:`count_equations`, :func:`after_suppression`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveykit.coding.codebook import Code, Codebook
from surveykit.coding.coded import Coding, answered
from surveykit.errors import StatisticsError, SurveyError
from surveykit.questionnaire import OTHERS
from surveykit.result import (
    COUNT,
    INTEGER,
    LABEL,
    P_VALUE,
    PERCENT,
    ROW_DATA,
    ROW_HEADING,
    ROW_TOTAL,
    STATISTIC,
    TEXT,
    Column,
    Note,
    Table,
    literal,
)

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import TableSpec

ALL = "all"
THEMES = "themes"  # n and % per theme, subtheme and code
THEMES_BY = "themes_by"  # the same by the groups of a closed item, with a test per code
COOCCURRENCE = "cooccurrence"  # respondents with both codes
THEME_QUOTES = "theme_quotes"  # exemplar answers per theme
KINDS = (THEMES, THEMES_BY, COOCCURRENCE, THEME_QUOTES)
_ADJUST_NAMES = {
    "holm": "Holm's step-down method",
    "bonferroni": "the Bonferroni correction",
    "fdr_bh": "the Benjamini–Hochberg procedure",
}
COUNTED = "accepted or added by hand in coding.csv, by any coder"


def items_of(selection: str, codebook: Codebook) -> list[str]:
    """The text items a selection (``all`` or one item id) covers, in the codebook's order."""
    coded = list(dict.fromkeys(i for c in codebook.codes for i in c.items))
    if selection == ALL:
        return coded
    if selection not in coded:
        raise SurveyError(
            f"no code of the codebook applies to {selection!r}; coded items are " + ", ".join(coded)
        )
    return [selection]


@dataclass(frozen=True)
class _Counts:
    """Who answered the selected items and who has each code (respondent ids as text)."""

    items: list[str]
    base: list[str]  # in data order
    has: dict[str, set[str]]  # code id → respondents

    def code_set(self, codes: list[Code]) -> set[str]:
        out: set[str] = set()
        for code in codes:
            out |= self.has.get(code.id, set())
        return out


def _counts(data: pd.DataFrame, coding: Coding, selection: str) -> _Counts:
    items = [i for i in items_of(selection, coding.codebook) if i in data]
    standing = coding.standing()
    base: dict[str, None] = {}
    has: dict[str, set[str]] = {}
    for item in items:
        who = set(answered(data, item))
        base.update(dict.fromkeys(r for r in map(str, data.index) if r in who))
        for code in coding.codebook.codes_for(item):
            has.setdefault(code.id, set()).update(standing.get((item, code.id), set()) & who)
    order = {r: k for k, r in enumerate(map(str, data.index))}
    return _Counts(items, sorted(base, key=order.__getitem__), has)


@dataclass(frozen=True)
class _Node:
    """A theme, subtheme or code row: its label, id, depth and respondents."""

    label: str
    id: str
    level: str  # theme, subtheme, code
    who: frozenset[str]


def _tree(codebook: Codebook, counts: _Counts) -> list[_Node]:
    """Theme, subtheme and code rows, most frequent first at every level (ties: codebook order);
    a theme's own codes come before its subthemes.

    Only codes that apply to a selected item are listed, and themes with such codes.
    """
    selected = set(counts.items)
    applies = [c for c in codebook.codes if selected & set(c.items)]
    out: list[_Node] = []

    def by_n(nodes: list[tuple[_Node, list[_Node]]]) -> list[tuple[_Node, list[_Node]]]:
        return sorted(nodes, key=lambda pair: -len(pair[0].who))  # stable: codebook order on ties

    def code_node(code: Code) -> tuple[_Node, list[_Node]]:
        return (_Node(code.label, code.id, "code", frozenset(counts.has.get(code.id, ()))), [])

    themes = []
    for theme in (t for t in codebook.themes if t.parent is None):
        codes = [c for c in applies if c.theme == theme.id]
        if not codes:
            continue
        children = [code_node(c) for c in codes if c.subtheme is None]
        for sub in (t for t in codebook.themes if t.parent == theme.id):
            sub_codes = [c for c in codes if c.subtheme == sub.id]
            if sub_codes:
                who = frozenset(counts.code_set(sub_codes))
                grand = [n for n, _ in by_n([code_node(c) for c in sub_codes])]
                children.append((_Node(sub.label, sub.id, "subtheme", who), grand))
        who = frozenset(counts.code_set(codes))
        # Codes straight under the theme first, then its subthemes, so that a code listed
        # after a subtheme's codes is never read as one of them.
        direct = by_n([c for c in children if c[0].level == "code"])
        subs = by_n([c for c in children if c[0].level == "subtheme"])
        themes.append((_Node(theme.label, theme.id, "theme", who), direct + subs))
    for theme, children in by_n(themes):
        out.append(theme)
        for child, grand in children:
            out.append(child)
            out.extend(grand)
    return out


def _items_text(items: list[str]) -> str:
    return ", ".join(items) if len(items) > 1 else items[0]


def _table_id(prefix: str, selection: str, by: str | None = None) -> str:
    return f"{prefix}_{selection}" + (f"_by_{by}" if by else "")


def theme_table(
    data: pd.DataFrame, coding: Coding, selection: str, table_id: str = "", title: str = ""
) -> Table:
    """n and % of the respondents who answered, per theme, subtheme and code."""
    counts = _counts(data, coding, selection)
    base = len(counts.base)
    rows: list[list[Any]] = []
    kinds: list[str] = []
    for node in _tree(coding.codebook, counts):
        n = len(node.who)
        rows.append([node.label, node.level, node.id, n, 100.0 * n / base if base else None])
        kinds.append(ROW_HEADING if node.level == "theme" else ROW_DATA)
    what = "any of " + _items_text(counts.items) if selection == ALL else counts.items[0]
    return Table(
        id=table_id or _table_id("themes", selection),
        title=title or f"Themes of the open-ended answers ({what})",
        columns=[
            Column("", LABEL),
            Column("Level", TEXT),
            Column("id", TEXT),
            Column("n", COUNT),
            Column("%", PERCENT, of="n", base="table"),
        ],
        rows=rows,
        kind=THEMES,
        row_kinds=kinds,
        items=list(counts.items),
        percent_base=base,
        notes=[
            Note(
                literal(f"Percent of the respondents who answered {what} (n = ")
                + "{base}); a respondent may have several codes, and a theme counts each "
                "respondent once. Codes counted: " + literal(COUNTED) + ".",
                {"base": base},
            )
        ],
    )


def _levels(data: pd.DataFrame, by: str, labels: list[str]) -> pd.Series:
    """The by-item's value of every respondent, indexed by respondent id as text."""
    values = data[by]
    return pd.Series(values.to_numpy(dtype=object), index=[str(r) for r in values.index])


def themes_by_table(
    data: pd.DataFrame,
    coding: Coding,
    selection: str,
    by: str,
    by_label: str,
    levels: list[str],
    *,
    adjust: str = "none",
    table_id: str = "",
    title: str = "",
) -> Table:
    """Codes by the groups of a closed item: n and % of each group, and a test per code.

    The test is Pearson's χ² on the 2 × k table (code present or absent × group),
    or Fisher's exact test when the table is 2 × 2 and an expected count is below
    5. p values of the codes are adjusted with the plan's method (``adjust``).
    Theme and subtheme rows are counted but not tested.
    """
    counts = _counts(data, coding, selection)
    group = _levels(data, by, levels)
    base = [r for r in counts.base if isinstance(group.get(r), str) and group[r] in levels]
    members = {lv: {r for r in base if group[r] == lv} for lv in levels}
    present = [lv for lv in levels if members[lv]]
    columns = [Column("", LABEL)]
    for lv in present:
        columns += [Column(lv, COUNT), Column(f"{lv} %", PERCENT, of=lv, base="column")]
    columns += [
        Column("Total", COUNT, total=True),
        Column("Total %", PERCENT, of="Total", base="column"),
        Column("Test", TEXT),
        Column("χ²", STATISTIC),
        Column("df", INTEGER),
        Column("p", P_VALUE),
    ]
    adjusted = adjust not in ("", "none")
    if adjusted:
        columns.append(Column("p adj.", P_VALUE))
    bases = [len(members[lv]) for lv in present]
    total_row: list[Any] = ["Answered"]
    for n in bases:
        total_row += [n, 100.0 if n else None]
    total_row += [len(base), 100.0 if base else None, "", None, None, None]
    rows: list[list[Any]] = [total_row + ([None] if adjusted else [])]
    kinds = [ROW_TOTAL]
    notes: list[str | Note] = []
    tested: list[int] = []
    for node in _tree(coding.codebook, counts):
        row: list[Any] = [node.label]
        ns = [len(node.who & members[lv]) for lv in present]
        for n, b in zip(ns, bases, strict=True):
            row += [n, 100.0 * n / b if b else None]
        total = sum(ns)
        row += [total, 100.0 * total / len(base) if base else None]
        test: list[Any] = ["", None, None, None]
        if node.level == "code":
            test, why = _test(ns, bases)
            if why:
                notes.append(f"{node.label}: not tested ({why}).")
            elif test[3] is not None:
                tested.append(len(rows))
        rows.append(row + test + ([None] if adjusted else []))
        kinds.append(ROW_HEADING if node.level == "theme" else ROW_DATA)
    if adjusted and tested:
        from surveykit.stats import adjust_pvalues

        p_col = len(columns) - 2
        for r, p in zip(tested, adjust_pvalues([rows[r][p_col] for r in tested], adjust), strict=True):  # fmt: skip
            rows[r][-1] = min(max(float(p), 0.0), 1.0)
    what = "any of " + _items_text(counts.items) if selection == ALL else counts.items[0]
    lead = (
        f"Percent of the respondents in each group who answered {what}; respondents with no "
        f"answer to {by_label} are left out. Test per code: Pearson's χ² on code present or "
        "absent by group, or Fisher's exact test (two-sided) for two groups when an expected "
        "count is below 5. Codes counted: " + COUNTED + "."
    )
    if adjusted:
        method = _ADJUST_NAMES.get(adjust, adjust)
        lead += f" p adj.: adjusted for the {len(tested)} tests of this table with {method}."
    return Table(
        id=table_id or _table_id("themes", selection, by),
        title=title or f"Themes of the open-ended answers ({what}) by {by_label}",
        columns=columns,
        rows=rows,
        kind=THEMES_BY,
        row_kinds=kinds,
        items=[*counts.items, by],
        notes=[lead, *notes],
    )


def _test(ns: list[int], bases: list[int]) -> tuple[list[Any], str]:
    """[test name, χ², df, p] for code present/absent × group, or why it is not tested."""
    from surveykit.stats import chisq_independence

    if len(bases) < 2:
        return ["", None, None, None], "fewer than two groups answered"
    observed = np.array([ns, [b - n for n, b in zip(ns, bases, strict=True)]], dtype=float)
    if observed[0].sum() == 0 or observed[1].sum() == 0:
        return ["", None, None, None], "every respondent has it" if observed[1].sum() == 0 else "no respondent has it"  # fmt: skip
    try:
        result = chisq_independence(
            observed, ["present", "absent"], [str(i) for i in range(len(ns))]
        )
    except StatisticsError as exc:
        return ["", None, None, None], exc.message
    small = any(v < 5 for row in result.expected for v in row)
    if result.fisher_p is not None and small:
        return ["Fisher", None, None, result.fisher_p], ""
    p = result.p if math.isfinite(result.p) else None
    return ["χ²", result.chi2, result.df, p], ""


def cooccurrence_table(
    data: pd.DataFrame, coding: Coding, selection: str, table_id: str = "", title: str = ""
) -> Table:
    """Respondents with both codes, for every pair of codes given to at least one respondent.

    The lower triangle and the diagonal (each code's own n) are shown; codes are
    numbered in the order of the theme table so that the columns stay narrow.
    """
    counts = _counts(data, coding, selection)
    codes = [n for n in _tree(coding.codebook, counts) if n.level == "code" and n.who]
    columns = [Column("", LABEL), *(Column(str(k), COUNT) for k in range(1, len(codes) + 1))]
    rows = []
    for i, a in enumerate(codes):
        rows.append(
            [f"{i + 1} {a.label}"]
            + [len(a.who & b.who) if j <= i else None for j, b in enumerate(codes)]
        )
    what = "any of " + _items_text(counts.items) if selection == ALL else counts.items[0]
    return Table(
        id=table_id or _table_id("cooccurrence", selection),
        title=title or f"Codes given together ({what})",
        columns=columns,
        rows=rows,
        kind=COOCCURRENCE,
        row_kinds=[ROW_DATA] * len(rows),
        items=list(counts.items),
        notes=[
            "Respondents with both codes (the diagonal: with the code); columns are numbered "
            "as the rows. Codes given to no respondent are left out. Codes counted: "
            + COUNTED
            + "."
        ],
    )


def theme_quotes_table(
    data: pd.DataFrame,
    coding: Coding,
    selection: str,
    per_theme: int,
    redact_patterns: dict[str, tuple[str, ...]],
    *,
    by_position: bool = False,
    table_id: str = "",
    title: str = "",
) -> Table:
    """Up to ``per_theme`` answers per theme, redacted and tagged with the respondent id.

    Exemplars are the answers with the most of the theme's codes, then the shortest
    (the tersest answer that says it all), then in respondent order. ``by_position``
    tags respondents R1..Rn by row when their ids would reveal who they are.
    """
    from surveykit.quotes import redact, respondent_tag

    counts = _counts(data, coding, selection)
    standing = coding.standing()
    position = {str(r): k for k, r in enumerate(data.index)}
    rows: list[list[Any]] = []
    kinds: list[str] = []
    for node in _tree(coding.codebook, counts):
        if node.level != "theme":
            continue
        codes = [c for c in coding.codebook.codes if c.theme == node.id]
        # Identical answers (after redaction) are one quote with all their respondents.
        found: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
        for item in counts.items:
            column = data[item]
            for code_count, respondent in _ranked(item, codes, standing, node.who):
                pos = position[respondent]
                text = " ".join(str(column.iloc[pos]).split())
                text = redact(text, redact_patterns.get(item, ()))
                found.setdefault((item, text), []).append((-code_count, pos, respondent))
        ranked = sorted(
            (min(who)[0], len(text), min(who)[1], item, text, sorted(who, key=lambda w: w[1]))
            for (item, text), who in found.items()
        )
        for *_, item, text, who in ranked[:per_theme]:
            tags = [f"R{pos + 1}" if by_position else respondent_tag(r) for _, pos, r in who]
            rows.append([node.label, len(node.who), text, ", ".join(tags), item])
            kinds.append(ROW_DATA)
    what = "any of " + _items_text(counts.items) if selection == ALL else counts.items[0]
    return Table(
        id=table_id or _table_id("theme_quotes", selection),
        title=title or f"Exemplar answers per theme ({what})",
        columns=[
            Column("Theme", LABEL),
            Column("n", COUNT),
            Column("Answer", TEXT),
            Column("Respondent", TEXT),
            Column("Item", TEXT),
        ],
        rows=rows,
        kind=THEME_QUOTES,
        row_kinds=kinds,
        items=list(counts.items),
        notes=[
            f"Up to {per_theme} answers per theme: those with the most of the theme's codes, "
            "the shortest first; n: respondents with the theme. E-mail addresses, phone "
            "numbers and national ID numbers have been removed."
        ],
    )


def _ranked(
    item: str, codes: list[Code], standing: dict[tuple[str, str], set[str]], who: frozenset[str]
) -> list[tuple[int, str]]:
    found: dict[str, int] = {}
    for code in codes:
        for respondent in standing.get((item, code.id), ()):
            if respondent in who:
                found[respondent] = found.get(respondent, 0) + 1
    return [(n, r) for r, n in found.items()]


# --- small-cell protection ------------------------------------------------------------


def count_equations(table: Table, values: dict[tuple[int, int], int]) -> list[tuple[list, int]]:
    """What a reader of a by-group table knows: each row's group counts add up to its Total.

    Returned as (cells, total) pairs; codes overlap, so nothing adds up down a column.
    """
    if table.kind != THEMES_BY:
        return []
    total = next(j for j, c in enumerate(table.columns) if c.total)
    groups = [j for j, c in enumerate(table.columns) if c.role == COUNT and not c.total]
    out = []
    for i, row in enumerate(table.rows):
        cells = [(i, j) for j in groups if (i, j) in values]
        if cells and isinstance(row[total], int):
            out.append((cells, int(row[total])))
    return out


def after_suppression(table: Table, symbol: str) -> Table:
    """Withhold what would give a hidden count back once its cells are marked.

    A by-group row's test (its statistic and p recompute the hidden counts) and a
    theme's exemplar answers when the number of respondents with the theme is
    withheld (each answer is one of them).
    """
    if table.kind == THEMES_BY:
        first_test = next(j for j, c in enumerate(table.columns) if str(c) == "Test")
        counts = [j for j, c in enumerate(table.columns) if c.role == COUNT]
        rows = []
        for row in table.rows:
            row = list(row)
            if any(isinstance(row[j], str) for j in counts) and row[first_test]:
                row[first_test:] = [symbol] * (len(row) - first_test)
            rows.append(row)
        return replace(table, rows=rows)
    if table.kind == THEME_QUOTES:
        # A withheld theme keeps one row, so the number of its answers does not show either.
        rows, kinds, seen = [], [], set()
        for row, kind in zip(table.rows, table.row_kinds, strict=True):
            if isinstance(row[1], str):
                if row[0] in seen:
                    continue
                seen.add(row[0])
                row = [row[0], row[1], symbol, symbol, symbol]
            rows.append(list(row))
            kinds.append(kind)
        return replace(table, rows=rows, row_kinds=kinds)
    return table


# --- the plan's ``themes:`` tables ----------------------------------------------------


def plan_tables(
    responses: Responses,
    spec: TableSpec,
    coding: Coding | None,
    adjust: str,
    plan_file: Path | None = None,
) -> list[Table]:
    """The tables of one ``{themes: ITEM_OR_ALL, by: ITEM, quotes: N}`` entry of the plan.

    Without ``by``: the theme table, the co-occurrence matrix and (``quotes`` > 0)
    exemplar answers per theme; with ``by``: the by-group table with its tests.
    """
    from surveykit.quotes import ids_reveal_identity

    if coding is None:
        raise SurveyError(
            "a 'themes:' table needs codebook.yaml beside the questionnaire",
            file=plan_file,
            line=spec.line,
        )
    assert spec.themes is not None
    data = responses.data
    q = responses.questionnaire
    try:
        items_of(spec.themes, coding.codebook)
    except SurveyError as exc:
        raise SurveyError(exc.message, file=plan_file, line=spec.line) from exc
    title = spec.title
    if spec.by is not None:
        item = q.item(spec.by)
        levels = [*item.labels, *([OTHERS] if item.other else [])]
        return [
            themes_by_table(data, coding, spec.themes, spec.by, item.label, levels,
                            adjust=adjust, table_id=spec.id, title=title)
        ]  # fmt: skip
    out = [
        theme_table(data, coding, spec.themes, spec.id, title),
        cooccurrence_table(data, coding, spec.themes, f"{spec.id}_cooccurrence"),
    ]
    if spec.quotes:
        by_position = q.respondent_id is not None and ids_reveal_identity(data.index)
        patterns = {i.id: tuple(i.redact) for i in q.items if i.type == "text"}
        out.append(
            theme_quotes_table(data, coding, spec.themes, spec.quotes, patterns,
                               by_position=by_position, table_id=f"{spec.id}_quotes")
        )  # fmt: skip
    return out
