"""Small-cell suppression: nothing below N is shown, and nothing hidden can be worked out.

The proof is independent of surveykit.suppression's own model: for every table
this file writes down what a reader knows (the shown counts, the number
analysed, the Total row and column, the column totals implied by "% of
column", row totals published elsewhere), gives each hidden cell the range a
reader can infer from its marker ("< N": 0..N−1, "x": at least N), and asks an
exact integer solver (scipy's MILP) for the smallest and largest value each
hidden cell can take. If those differ, the table has at least two integer
solutions that disagree on that cell, so the cell cannot be recovered. Small
random tables are also checked by plain brute-force enumeration.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
import re
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from surveykit.errors import SurveyError
from surveykit.render.csv_out import neutralise
from surveykit.result import (
    COUNT,
    LABEL,
    PERCENT,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    ROW_TOTAL,
    STATISTIC,
    TEXT,
    Column,
    Result,
    Table,
)
from surveykit.suppression import SECONDARY, suppress
from surveykit.tables import PCT, STUB, N
from tests.report_support import SINGAPORE, STAFF, staff_result, survey_result

# --- an independent model of what a reader knows ------------------------------------

NOTE_ROW = "note"  # a count a note states, added to the table as a row of its own
_NOTE_COUNTS = [
    re.compile(r"^(?P<label>.*?):? ?Percent of respondents \(n(?: =)? (?P<v>[^)]+)\)"),
    re.compile(r"^(?P<label>)(?P<v>.+?) respondent\(s\) with a missing answer"),
]


def _note_counts(notes: list) -> list[tuple[str, str]]:
    """(label, shown value) of every count a reader finds in the notes' text."""
    out = []
    for note in notes:
        for pattern in _NOTE_COUNTS:
            m = pattern.match(str(note))
            if m:
                out.append((m["label"], m["v"]))
    return out


def with_note_rows(table: Table) -> Table:
    """``table`` with each count stated in its notes appended as a row (in its count column)."""
    found = _note_counts(table.notes)
    if not found:
        return table
    col = _cells(table)[0] if table.kind in CROSSED else table.columns.index("n")
    rows = [list(r) for r in table.rows]
    for label, value in found:
        row = [None] * len(table.columns)
        row[0] = label
        row[col] = int(value) if value.isdigit() else value
        rows.append(row)
    kinds = list(table.row_kinds or [ROW_DATA] * len(table.rows)) + [NOTE_ROW] * len(found)
    return replace(table, rows=rows, row_kinds=kinds)


CROSSED = ("contingency", "multi_crosstab")  # a count per row level × column level


def _cells(table: Table) -> list[int]:
    """A crossed table's count columns, by role: each level's n, then the Total's (if any)."""
    counts = [j for j, c in enumerate(table.columns) if c.role == "count" and c.of is None]
    return sorted(counts, key=lambda j: table.columns[j].total)


def shown_table(doc: dict) -> Table:
    """A table as the JSON document shows it (what a reader of any format sees)."""
    columns = [
        Column(name, r["role"], r.get("of"), r.get("base"), total=r.get("total", False))
        for name, r in zip(doc["columns"], doc["column_roles"], strict=True)
    ]
    return Table(
        id=doc["id"], title=doc["title"], columns=columns, rows=doc["rows"], kind=doc["kind"],
        row_kinds=doc["row_kinds"], items=doc["items"], notes=doc["notes"],
        percent_base=doc["percent_base"],
    )  # fmt: skip


def _reader_equations(
    original: Table, analysed: int
) -> list[tuple[list[tuple[int, tuple[int, int]]], int]]:
    """(terms, total) pairs a reader can rely on, over (row, column) count cells.

    Totals come from the original table: they are what the reader knows, either
    from the table itself (totals, percentages) or from the methods section.
    """
    rows, kinds = original.rows, original.row_kinds or [ROW_DATA] * len(original.rows)
    eqs: list[tuple[list[tuple[int, tuple[int, int]]], int]] = []

    def total(terms):
        return sum(c * rows[i][j] for c, (i, j) in terms)

    if original.kind in CROSSED:
        cells = _cells(original)
        has_total = original.columns[cells[-1]].total
        inner = cells[:-1] if has_total else cells
        data = [i for i in range(len(rows)) if kinds[i] not in (NOTE_ROW, ROW_TOTAL)]
        for i in range(len(rows)):
            if kinds[i] == NOTE_ROW:
                continue
            terms = [(1, (i, j)) for j in inner]
            if has_total:  # a row's levels add up to its Total
                eqs.append(([*terms, (-1, (i, cells[-1]))], 0))
            if not has_total:  # known from the row item's own table
                eqs.append((terms, total(terms)))
        if original.kind == "contingency":  # a column's rows add up to its Total
            t = kinds.index(ROW_TOTAL) if ROW_TOTAL in kinds else None
            for j in cells:
                terms = [(1, (i, j)) for i in data]
                if t is not None:
                    eqs.append(([*terms, (-1, (t, j))], 0))
                if t is None:  # known from the column item's own table (or the %)
                    eqs.append((terms, total(terms)))
    elif original.kind == "crosstab":
        # A crosstab summarising several items repeats each cell's n on one row per
        # item: the cell is counted once, and every copy equals it.
        n = original.columns.index("n")
        first: dict[tuple, int] = {}
        for i, r in enumerate(rows):
            if kinds[i] != NOTE_ROW:
                first.setdefault((r[0], r[1]), i)
        for i, k in enumerate(kinds):
            if k == NOTE_ROW:  # missing answers + every cell = everyone analysed
                eqs.append(([(1, (i, n)), *[(1, (c, n)) for c in first.values()]], analysed))
        for key in (0, 1):
            for value in {r[key] for i, r in enumerate(rows) if kinds[i] != NOTE_ROW}:
                terms = [(1, (i, n)) for cell, i in first.items() if cell[key] == value]
                eqs.append((terms, total(terms)))
        for i, r in enumerate(rows):
            if kinds[i] != NOTE_ROW and first[(r[0], r[1])] != i:
                eqs.append(([(1, (i, n)), (-1, (first[(r[0], r[1])], n))], 0))
    elif original.kind in ("frequency", "numeric"):
        n = original.columns.index("n")
        eqs.append(([(1, (i, n)) for i in range(len(rows)) if kinds[i] != NOTE_ROW], analysed))
    elif original.kind == "block":
        n = original.columns.index("n")
        multi = {note.split(":")[0] for note in original.notes if "Percent of respondents" in note}
        segment: list[int] = []
        label = None

        def close():
            if label is None or not segment:
                return
            if label in multi:
                missing = [(1, (i, n)) for i in segment if kinds[i] == ROW_MISSING]
                base = [
                    (1, (i, n))
                    for i, k in enumerate(kinds)
                    if k == NOTE_ROW and rows[i][0] == label
                ]
                if base:
                    eqs.append((base + missing, analysed))
                elif missing:
                    eqs.append((missing, total(missing)))
            else:
                eqs.append(([(1, (i, n)) for i in segment], analysed))

        for i, kind in enumerate(kinds):
            if kind == ROW_HEADING:
                close()
                label, segment = rows[i][0], []
            elif kind != NOTE_ROW:
                segment.append(i)
        close()
    elif original.kind == "multi":
        n = original.columns.index("n")
        missing = [(1, (i, n)) for i, k in enumerate(kinds) if k == ROW_MISSING]
        base = [(1, (i, n)) for i, k in enumerate(kinds) if k == NOTE_ROW]
        if base:  # the note's base + the status rows = everyone analysed
            eqs.append((base + missing, analysed))
        elif missing:
            eqs.append((missing, total(missing)))
    if original.kind == "contingency" and ROW_TOTAL in kinds:
        # The note's respondents with a missing answer + the grand total = everyone analysed.
        t, cells = kinds.index(ROW_TOTAL), _cells(original)
        for i, k in enumerate(kinds):
            if k == NOTE_ROW:
                eqs.append(([(1, (i, cells[0])), (1, (t, cells[-1]))], analysed))
    return eqs


def _hidden(shown: Table) -> dict[tuple[int, int], str]:
    count_cols = (
        _cells(shown)
        if shown.kind in CROSSED
        else [j for j, c in enumerate(shown.columns) if c in ("n", "Total")]
    )
    return {
        (i, j): row[j]
        for i, row in enumerate(shown.rows)
        for j in count_cols
        if isinstance(row[j], str) and row[j] and (row[j] == SECONDARY or row[j].startswith("<"))
    }


def _json_tables(shown: Result) -> list[Table]:
    from surveykit.render.json import render_json

    return [shown_table(t) for t in json.loads(render_json(shown))["tables"]]


def _ranges(
    original: Table, shown: Table, analysed: int, min_cell: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """Exact integer min and max of every hidden cell given what the reader sees."""
    hidden = sorted(_hidden(shown))
    if not hidden:
        return {}
    index = {c: k for k, c in enumerate(hidden)}
    a, b = [], []
    for terms, const in _reader_equations(original, analysed):
        row = np.zeros(len(hidden))
        rhs = float(const)
        for coef, cell in terms:
            if cell in index:
                row[index[cell]] += coef
            else:
                value = shown.rows[cell[0]][cell[1]]
                assert not isinstance(value, str), f"{cell} hidden but not in the count columns"
                rhs -= coef * value
        if row.any():
            a.append(row)
            b.append(rhs)
    big = float(analysed * 10)
    marks = _hidden(shown)
    lo = [0.0 if marks[c].startswith("<") else float(min_cell) for c in hidden]
    hi = [float(min_cell - 1) if marks[c].startswith("<") else big for c in hidden]
    constraints = [LinearConstraint(np.array(a), b, b)] if a else []
    out = {}
    for c in hidden:
        obj = np.zeros(len(hidden))
        obj[index[c]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = milp(
                sign * obj,
                constraints=constraints,
                integrality=np.ones(len(hidden)),
                bounds=Bounds(lo, hi),
            )
            assert res.success, f"the true table must be feasible ({res.message})"
            ends.append(round(sign * res.fun))
        out[c] = (ends[0], ends[1])
    return out


def _assert_protected(
    original: Result, shown: Result, min_cell: int, *, skip_flagged: bool = False
) -> int:
    hidden_total = 0
    # What a reader sees is the JSON document (every other format shows the same cells),
    # with the counts its notes state added as cells of their own.
    for before, after in zip(original.tables, _json_tables(shown), strict=True):
        _assert_no_small_value_shown(before, after, min_cell)
        before, after = with_note_rows(before), with_note_rows(after)
        for value in (r[1 if after.kind == "contingency" else after.columns.index("n")]
                      for r, k in zip(after.rows, after.row_kinds, strict=True) if k == NOTE_ROW):  # fmt: skip
            assert not (isinstance(value, int) and value < min_cell), (after.id, value)
        if skip_flagged and any("could still be derived" in str(note) for note in after.notes):
            continue  # the note admits it: every cell of a row and column is hidden
        ranges = _ranges(before, after, original.analysed, min_cell)
        for cell, (lo, hi) in ranges.items():
            true = before.rows[cell[0]][cell[1]]
            assert lo <= true <= hi
            assert hi > lo, f"{before.id} cell {cell} = {true} can be recovered"
        hidden_total += len(ranges)
    return hidden_total


def _assert_no_small_value_shown(before: Table, after: Table, min_cell: int) -> None:
    counts = [j for j, c in enumerate(before.columns) if c.role == "count"]
    pcts = [j for j, c in enumerate(before.columns) if c.role == "percent"]
    # A percentage, mean, SD, min, max or α is never shown as "< N" (a reader would take
    # "< 5" in a % column as "under 5 %"): withheld, it carries the confidential mark.
    for j, c in enumerate(after.columns):
        if c.role in ("percent", "statistic", "coefficient", "interval"):
            for row in after.rows:
                assert not (isinstance(row[j], str) and row[j].startswith("<")), (after.id, c, row)
    # A crosstab's "% of column" is of its n; a small "Summary n" beside a shown n is fine.
    bases = [before.columns.index("n")] if before.kind == "crosstab" else _cells(before)
    for i, (b, a) in enumerate(zip(before.rows, after.rows, strict=True)):
        # A by-group theme row withheld whole (its split would follow from the code's total
        # in the theme table) marks every count "[c]", its small ones too: "< N" there
        # would bound the others again.
        whole = before.kind == "themes_by" and all(a[j] == "[c]" for j in counts)
        for j in counts:
            if isinstance(b[j], int | float) and b[j] < min_cell:
                assert a[j] == ("[c]" if whole else f"< {min_cell}"), (before.id, i, j, a[j])
        for j in pcts:
            # The count the % is a share of (a crossed or themes-by-group table's "Yes %" is
            # of "Yes"; a Total % beside a shown Total gives nothing away), else the row's n.
            of = before.columns[j].of
            own = [before.columns.index(of)] if of else bases
            if any(isinstance(a[k], str) and a[k] for k in own if k < len(a)) and b[j] is not None:
                assert isinstance(a[j], str), f"{before.id} row {i}: % shown beside a hidden count"


# --- the real survey --------------------------------------------------------------------


@pytest.mark.parametrize("min_cell", [3, 5, 10, 20, 40])
def test_staff_wellbeing_nothing_recoverable(min_cell: int) -> None:
    original = staff_result()
    shown = suppress(original, min_cell)
    hidden = _assert_protected(original, shown, min_cell)
    if min_cell >= 5:
        assert hidden > 0


def test_suppress_returns_a_new_result_and_notes_each_affected_table() -> None:
    original = staff_result()
    before = original.to_dict()
    shown = suppress(original, 10)
    assert original.to_dict() == before  # the input is not modified
    assert shown.options["min_cell"] == 10
    for a, b in zip(original.tables, shown.tables, strict=True):
        changed = a.rows != b.rows
        noted = any(str(n).startswith("Small-cell suppression") for n in b.notes)
        assert changed == noted, a.id


def test_tests_with_a_small_group_are_withheld_whole() -> None:
    shown = suppress(staff_result(), 40)
    by_kind = {t.kind: t for t in shown.tests}
    # ANOVA and Kruskal–Wallis by department: Mental Health (35) and Outpatients (33) < 40.
    for kind in ("anova", "kruskal"):
        test = by_kind[kind]
        assert test.to_dict() == {
            "kind": kind, "dv": test.dv, "by": test.by, "suppressed": True,
            "error": "a group has fewer than 40 respondents (small-cell suppression)",
        }  # fmt: skip
        assert test.p is None and test.p_adjusted is None
    # The outcomes of the t-test and Mann–Whitney test have withheld cells at N = 40 (their
    # Missing rows): the group sizes would give them back. The χ² table has small cells.
    for kind in ("t-test", "mann-whitney", "chi-square"):
        assert by_kind[kind].stats == {"suppressed": True} and by_kind[kind].p_adjusted is None
    assert by_kind["t-test"].error.startswith("cells of Work engagement are withheld in a table")
    assert by_kind["chi-square"].error.startswith("its table has counts below 40")
    # At N = 3 no table of the t-test's and Mann–Whitney test's variables withholds a
    # cell: shown as they were, but for the adjusted p, in which a withheld test counts as
    # p = 1 (never lower). Improvements by department withholds Others × Surgery (2), and a
    # select-all item by group withholds both items: the tests by department go.
    shown3 = {t.kind: t for t in suppress(staff_result(), 3).tests}
    original = {t.kind: t for t in staff_result().tests}
    for kind in ("t-test", "mann-whitney"):
        assert replace(shown3[kind], p_adjusted=None) == replace(original[kind], p_adjusted=None)
        assert shown3[kind].p_adjusted >= original[kind].p_adjusted
    for kind in ("anova", "kruskal"):
        assert shown3[kind].stats == {"suppressed": True}
        assert shown3[kind].error.startswith("cells of Department are withheld in a table")


def _numbers(value) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in _numbers(v)]
    return []


@pytest.mark.parametrize("kind", ["t-test", "mann-whitney", "anova", "kruskal"])
def test_a_withheld_test_reveals_no_group_size(kind: str) -> None:
    # The review: with the small group's row hidden, t and d gave n1·n2/(n1 + n2), df gave
    # n1 + n2, Welch's CI gave the mean difference, U and r gave n1·n2. Now nothing is left.
    from surveykit.render.json import to_document

    original = staff_result()
    before = next(t for t in original.tests if t.kind == kind)
    small = min(g["n"] for g in before.stats["groups"])
    shown = suppress(original, small + 1)
    after = next(t for t in shown.tests if t.kind == kind)
    doc = next(d for d in to_document(shown)["tests"] if d["kind"] == kind)
    assert set(doc) == {"kind", "dv", "by", "suppressed", "error", "apa"}
    assert _numbers(after.stats) == [] and _numbers(doc) == []
    assert after.p_adjusted is None
    for key in ("df", "t", "cohens_d", "U", "rank_biserial", "ci95", "welch", "groups", "F"):
        assert key not in doc
    assert doc["apa"] == f"not shown: a group has fewer than {small + 1} respondents (small-cell suppression)"  # fmt: skip
    assert str(small) not in doc["error"]


def test_min_cell_must_be_at_least_two() -> None:
    with pytest.raises(SurveyError, match="at least 2"):
        suppress(staff_result(), 1)


# --- synthetic tables, checked by brute force ---------------------------------------------


def _contingency(counts: list[list[int]]) -> Table:
    rows = [[f"r{i}", *row, sum(row)] for i, row in enumerate(counts)]
    totals = [sum(col) for col in zip(*counts, strict=True)]
    rows.append(["Total", *totals, sum(totals)])
    return Table(
        id="ct", title="ct",
        columns=[STUB, *[Column(f"c{j}", COUNT) for j in range(len(counts[0]))],
                 Column("Total", COUNT, total=True)],
        rows=rows, kind="contingency", row_kinds=[ROW_DATA] * len(counts) + [ROW_TOTAL],
        items=["a", "b"], percent_base=sum(totals),
    )  # fmt: skip


def _frequency(counts: list[int]) -> Table:
    base = sum(counts)
    rows = [[f"v{i}", n, 100 * n / base] for i, n in enumerate(counts)]
    return Table(
        id="f", title="f", columns=[STUB, N, PCT], rows=rows, kind="frequency",
        row_kinds=[ROW_DATA] * len(rows), items=["a"], percent_base=base,
    )  # fmt: skip


def _result(table: Table, analysed: int) -> Result:
    return Result(survey="s", title="t", received=analysed, excluded=0, analysed=analysed,
                  exclusions=[], tables=[table])  # fmt: skip


def _brute_force_solutions(
    original: Table, shown: Table, analysed: int, min_cell: int
) -> list[dict]:
    """Every integer table consistent with what is shown (small tables only)."""
    marks = _hidden(shown)
    cells = sorted(marks)
    # No count exceeds the largest total a reader can see.
    cap = max([analysed, *[abs(v) for row in shown.rows for v in row[1:] if isinstance(v, int)]])
    domains = [
        range(min_cell) if marks[c].startswith("<") else range(min_cell, cap + 1) for c in cells
    ]
    eqs = _reader_equations(original, analysed)
    solutions = []
    for values in itertools.product(*domains):
        guess = dict(zip(cells, values, strict=True))
        ok = all(
            sum(coef * guess.get(cell, shown.rows[cell[0]][cell[1]]) for coef, cell in terms)
            == const
            for terms, const in eqs
        )
        if ok:
            solutions.append(guess)
    return solutions


@pytest.mark.parametrize("seed", range(25))
def test_random_contingency_tables_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    min_cell = 3
    shape = (rng.randint(2, 3), rng.randint(2, 3))
    counts = [[rng.choice([0, 1, 2, 3, 4, 6, 9]) for _ in range(shape[1])] for _ in range(shape[0])]
    table = _contingency(counts)
    analysed = table.percent_base or 0
    shown = suppress(_result(table, analysed), min_cell).tables[0]
    marks = _hidden(shown)
    if not marks:
        assert all(v >= min_cell for row in counts for v in row)
        return
    secondary = sum(1 for m in marks.values() if m == SECONDARY)
    if len(marks) > 6 or secondary > 2:  # keep brute force small; the exact solver covers the rest
        ranges = _ranges(table, shown, analysed, min_cell)
        assert all(hi > lo for lo, hi in ranges.values())
        return
    solutions = _brute_force_solutions(table, shown, analysed, min_cell)
    truth = {c: table.rows[c[0]][c[1]] for c in marks}
    assert truth in solutions
    for cell in marks:
        assert len({s[cell] for s in solutions}) >= 2, f"cell {cell} recoverable in {counts}"


@pytest.mark.parametrize(
    "counts", [[1, 40, 50], [4, 4, 30], [0, 2, 3, 60], [2, 7, 7, 7], [5, 5, 5]]
)
def test_frequency_tables_brute_force(counts: list[int]) -> None:
    min_cell = 5
    table = _frequency(counts)
    shown = suppress(_result(table, sum(counts)), min_cell).tables[0]
    marks = _hidden(shown)
    assert len(marks) != 1  # a single hidden cell is the total minus the rest
    solutions = _brute_force_solutions(table, shown, sum(counts), min_cell)
    for cell in marks:
        assert len({s[cell] for s in solutions}) >= 2
        assert isinstance(shown.rows[cell[0]][2], str)  # its percentage is hidden too


def test_pair_summing_to_a_boundary_gets_a_third_cell() -> None:
    # Two cells below 5 that sum to 8 could only be 4 + 4; the LP check must add a third.
    table = _frequency([4, 4, 30, 31])
    shown = suppress(_result(table, 69), 5).tables[0]
    assert len(_hidden(shown)) >= 3


def test_figures_skip_suppressed_values() -> None:
    from surveykit.render.figures import likert_diverging, multi_bars

    shown = suppress(staff_result(), 10)
    block = next(t for t in shown.tables if t.id == "table2")
    assert likert_diverging(block) is not None  # items without hidden cells are still drawn
    multi = next(t for t in shown.tables if t.kind == "multi")
    withheld = [[r[0], *["< 10"] * (len(r) - 1)] for r in multi.rows]
    assert multi_bars(replace(multi, rows=withheld)) is not None


# --- crosstabs that summarise several items -------------------------------------------------


def _crosstab(counts: dict[tuple[str, str], int], items: list[str]) -> Table:
    """Rows per (column level, row level, item), the cell's n repeated on each."""
    columns = [
        Column("C", LABEL), Column("R", TEXT), N, Column("% of column", PERCENT, of="n", base="column"),
        Column("Summary item", TEXT), Column("Summary n", COUNT, of="n"),
        *(Column(name, STATISTIC, of="Summary n") for name in ("Mean", "SD", "Min", "Max")),
    ]  # fmt: skip
    col_totals: dict[str, int] = {}
    for (col, _), n in counts.items():
        col_totals[col] = col_totals.get(col, 0) + n
    stats = [5.0, 1.0, 1.0, 9.0]  # Mean, SD, Min, Max: not part of the count model
    rows = []
    for (col, row), n in counts.items():
        pct = 100 * n / col_totals[col] if col_totals[col] else None
        rows += [[col, row, n, pct, item, n, *stats] for item in items]
    return Table(
        id="xt", title="xt", columns=columns, rows=rows, kind="crosstab",
        row_kinds=[ROW_DATA] * len(rows), items=["r", "c", *items],
        percent_base=sum(counts.values()),
    )  # fmt: skip


REVIEW_CROSSTAB = {("Y", "A"): 2, ("Y", "B"): 12, ("Y", "C"): 15,
                   ("N", "A"): 20, ("N", "B"): 9, ("N", "C"): 11}  # fmt: skip


@pytest.mark.parametrize("items", [["u"], ["u", "v"], ["u", "v", "w"]])
def test_crosstab_copies_of_a_cell_count_once_and_hide_together(items: list[str]) -> None:
    # The review's case: Y/A = 2 is hidden; with one row per summarised item the
    # copies used to look like separate cells, so no complement was ever hidden and
    # 2 = 29 (from "% of column") − 12 − 15 could be read off.
    table = _crosstab(REVIEW_CROSSTAB, items)
    original = _result(table, sum(REVIEW_CROSSTAB.values()))
    shown = suppress(original, 5)
    assert _assert_protected(original, shown, 5) >= 4 * len(items)
    after = shown.tables[0]
    for cell in REVIEW_CROSSTAB:
        copies = [r for r in after.rows if (r[0], r[1]) == cell]
        assert len({tuple(r[2:4]) for r in copies}) == 1, cell  # n and % hidden or shown together
        if copies[0][2] == SECONDARY:
            assert all(r[5] == SECONDARY for r in copies)  # Summary n would bound n
    small = [r for r in after.rows if (r[0], r[1]) == ("Y", "A")]
    # The counts (n, Summary n) show "< 5"; its % and statistics carry the mark, never "< 5".
    assert all(r[2] == r[5] == "< 5" for r in small)
    assert all(v == SECONDARY for r in small for v in (r[3], *r[6:]))
    note = str(after.notes[-1])
    assert note.startswith("Small-cell suppression: counts below 5 are shown as \u201c< 5\u201d"), (
        note
    )
    assert "statistics of groups smaller than 5" in note


@pytest.mark.parametrize("seed", range(20))
def test_random_multi_item_crosstabs_exact(seed: int) -> None:
    rng = random.Random(seed)
    min_cell = 3
    counts = {
        (c, r): rng.choice([0, 1, 2, 4, 6, 9, 12])
        for c in ("c0", "c1", "c2")[: rng.randint(2, 3)]
        for r in ("r0", "r1", "r2")
    }
    table = _crosstab(counts, ["u", "v"])
    original = _result(table, sum(counts.values()))
    shown = suppress(original, min_cell)
    after = shown.tables[0]
    for cell in counts:
        assert len({tuple(r[2:4]) for r in after.rows if (r[0], r[1]) == cell}) == 1
    _assert_protected(original, shown, min_cell, skip_flagged=True)


@pytest.mark.parametrize("min_cell", [5, 10])
def test_singapore_crosstabs_nothing_recoverable(min_cell: int) -> None:
    original, _ = survey_result(SINGAPORE)
    # Tables 3, 4 and 7: wide, the summarised items' n, M, SD and range under each spanner.
    assert sum(t.kind == "contingency" for t in original.tables) == 3
    shown = suppress(original, min_cell)
    assert _assert_protected(original, shown, min_cell, skip_flagged=True) > 0


# --- every output of both sample surveys -------------------------------------------------


def _protected_run(folder, min_cell: int) -> Result:
    from surveykit.pipeline import run_survey

    plan = folder / "analysis.yaml"
    return run_survey(
        folder / "responses.csv", folder / "questionnaire.yaml", plan if plan.exists() else None,
        min_cell=min_cell, with_quotes=True,
    )  # fmt: skip


@pytest.mark.parametrize("min_cell", [3, 5, 10])
@pytest.mark.parametrize("folder", [SINGAPORE, STAFF])
def test_no_percentage_or_statistic_is_shown_as_a_small_count(folder, min_cell, tmp_path) -> None:
    from surveykit.render.document import build_report
    from surveykit.report import write_report

    shown = _protected_run(folder, min_cell)
    small = f"< {min_cell}"
    report = build_report(shown, figures=False)
    roles = {t.id: t.columns for t in shown.tables}
    for table in report.all_tables:
        for j, column in enumerate(table.columns):
            role = roles[table.id][j].role if table.id in roles else None
            is_count = role == "count" or (role is None and column in ("n", "Groups (n)"))
            if is_count:
                continue
            for row in table.rows:
                assert not row[j].startswith(small), (table.id, column, row)
    # The CSV files hold exactly the document's cells.
    write_report(shown, "csv", tmp_path / "csv")
    # (the manifest lists what surveykit wrote there; it is not a table)
    files = sorted(f for f in (tmp_path / "csv").iterdir() if f.suffix == ".csv")
    assert len(files) == len(report.all_tables)
    for path, table in zip(files, report.all_tables, strict=True):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        # Text a spreadsheet would run as a formula gets a leading "'" (render/csv_out.py).
        assert [[neutralise(c) for c in r] for r in table.rows] == rows[1:], path.name


@pytest.mark.parametrize("min_cell", [3, 5, 10])
@pytest.mark.parametrize("folder", [SINGAPORE, STAFF])
def test_sample_surveys_nothing_recoverable_from_json_notes_tests_or_appendix(
    folder, min_cell
) -> None:
    original, _ = survey_result(folder)
    shown = _protected_run(folder, min_cell)
    _assert_protected(original, shown, min_cell, skip_flagged=True)
    _assert_tests_and_quotes_disclose_nothing(shown, min_cell)


def _assert_tests_and_quotes_disclose_nothing(shown: Result, min_cell: int) -> None:
    """Shown tests and quote counts never touch a withheld count (read from the JSON)."""
    from surveykit.render.json import render_json

    doc = json.loads(render_json(shown))
    marks = (f"< {min_cell}", shown.options["symbol"])
    withheld_items: set = set()
    for t in doc["tables"]:
        hidden_rows = [i for i, row in enumerate(t["rows"]) if any(v in marks for v in row)]
        noted = [n for n in t["notes"] if re.search(r"\(n (< \d+|= \S+\])\)| respondent\(s\)", n)]
        noted = [n for n in noted if any(m in n for m in marks)]
        if t["kind"] == "block":
            # A block stacks items: a withheld cell is its segment's item's.
            segment, of_row = -1, {}
            for i, kind in enumerate(t["row_kinds"]):
                segment += kind == ROW_HEADING
                of_row[i] = t["items"][segment]
            withheld_items |= {of_row[i] for i in hidden_rows}
            withheld_items |= {i for n in noted for i, lab in zip(t["items"], [
                r[0] for r, k in zip(t["rows"], t["row_kinds"], strict=True) if k == ROW_HEADING
            ], strict=True) if n.startswith(f"{lab}:")}  # fmt: skip
        elif t["kind"] == "likert":
            # One statement per row: a withheld share is that statement's.
            withheld_items |= {t["items"][i] for i in hidden_rows}
        elif t["kind"] == "correlation":
            # r of a small pair is withheld with its n; no count of either item is.
            assert all(isinstance(v, dict) or v in (None, "—", *marks) for r in t["rows"]
                       for v in r[1:])  # fmt: skip
        elif t["kind"] in ("crosstab", "contingency") and (hidden_rows or noted):
            # Margins of a crossed table are public: its crossing is withheld, and an item's
            # own counts only when a Total cell is.
            withheld_items.add(frozenset(t["items"][:2]))
            for i in hidden_rows:
                row = t["rows"][i]
                if t["row_kinds"][i] == ROW_TOTAL:
                    withheld_items.add(t["items"][1])
                if t["kind"] == "contingency" and row[-1] in marks:
                    withheld_items.add(t["items"][0])
        elif t["kind"] in ("themes", "themes_by", "cooccurrence", "theme_quotes"):
            # Counts of codes (and codes × groups): no item's own counts, no test's cells.
            continue
        elif hidden_rows or noted:
            withheld_items |= set(t["items"])
    for test in doc["tests"]:
        # Group tests name dv and by; paired tests their pair; models dv and on.
        if "pair" in test:
            named, variables = {"pair"}, list(test["pair"])
        elif test["kind"] == "regression":
            named, variables = {"dv", "model", "on"}, [test["dv"], *test["on"]]
        else:
            named, variables = {"dv", "by"}, [test["dv"], test["by"]]
        if test.get("suppressed"):
            assert set(test) == {"kind", "suppressed", "error", "apa", *named}
            continue
        # A shown test: every group and cell at least N, and no variable with withheld cells
        # (its group sizes, means and statistic would give them back).
        for group in [*(test.get("groups") or []), *(test.get("codings") or []),
                      *(test.get("outcome") or [])]:  # fmt: skip
            assert group["n"] >= min_cell
        if "pair" in test or test["kind"] == "regression":
            assert test["n"] >= min_cell
        for row in test.get("observed") or []:
            assert all(isinstance(v, int) and v >= min_cell for v in row)
        assert not (set(variables) & withheld_items), test
        for i, a in enumerate(variables):
            for b in variables[i + 1 :]:
                assert frozenset({a, b}) not in withheld_items, test
    for block in shown.quotes:
        if block.withheld is None:
            assert block.answered >= min_cell and block.item not in withheld_items
        else:
            assert block.quotes == []


# --- the fixture of the hardening issue: every other number that gave a hidden count away ---

LEAK_QUESTIONNAIRE = """\
survey:
  id: leak
  title: Disclosure fixture
items:
  - {id: grp, text: Group, type: single, choices: [A, B]}
  - {id: score, text: Score, type: number}
  - {id: x, text: Smoker, type: single, choices: ["Yes", "No"]}
  - {id: q, text: Exercise, type: single, choices: ["Yes", "No"]}
  - {id: helps, text: Help wanted, type: multi, choices: [Money, Time, Advice], show_if: 'x == "Yes"'}
  - {id: why, text: "Why?", type: text, show_if: 'grp == "B"'}
"""
LEAK_PLAN = """\
tables:
  - {id: t1, title: Groups, describe: [grp, score]}
  - {id: t2, title: Smoker by exercise, crosstab: {rows: x, columns: q}}
  - {id: t3, title: Help wanted, describe: [helps]}
tests:
  - {ttest: score, by: grp}
  - {chisq: x, by: q}
"""


def _leak_survey(folder, rng: random.Random | None = None):
    """60 respondents: group B has 3; 3 left Smoker blank; Smoker No × Exercise Yes = 2;
    39 were asked Help wanted (the Smokers); 3 answered Why? (group B)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "questionnaire.yaml").write_text(LEAK_QUESTIONNAIRE)
    (folder / "analysis.yaml").write_text(LEAK_PLAN)
    lines = ["Group,Score,Smoker,Exercise,Help wanted,Why?"]
    for i in range(60):
        grp = "B" if i < 3 else "A"
        x = "" if i >= 57 else ("Yes" if i < 39 else "No")
        q = "Yes" if i < 20 or i in (50, 51) else "No"
        helps = ["Money;Time", "Advice", "Money", ""][i % 4] if x == "Yes" else ""
        if rng is not None:
            helps = (
                rng.choice(["Money;Time", "Advice", "Money", "Time;Advice", ""])
                if x == "Yes"
                else ""
            )
        why = f"Reason {i}" if grp == "B" else ""
        lines.append(f"{grp},{i % 10 + 1},{x},{q},{helps},{why}")
    (folder / "responses.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_the_hardening_fixture_leaks_nothing(tmp_path) -> None:
    from surveykit.report import write_report

    folder = _leak_survey(tmp_path / "leak")
    shown = _protected_run(folder, 5)
    by_kind = {t.kind: t for t in shown.tests}
    # A t-test's group sizes: group B has 3.
    assert (
        by_kind["t-test"].error == "a group has fewer than 5 respondents (small-cell suppression)"
    )
    # χ² beside the table's margins pins the hidden 2 × 2 cell: the test goes.
    assert by_kind["chi-square"].stats == {"suppressed": True}
    assert "its table has counts below 5" in by_kind["chi-square"].error
    md = write_report(shown, "md", None)
    # The crosstab's note of respondents with a missing answer (3).
    assert "3 respondent(s) with a missing answer" not in md
    assert "< 5 respondent(s) with a missing answer" in md
    # The appendix's "(3 answers)" under an item shown only to group B.
    assert "(3 answers)" not in md and "Reason 1" not in md
    assert "answers not shown: fewer than 5 respondents answered" in md
    original, _ = survey_result(folder)
    _assert_protected(original, shown, 5)
    _assert_tests_and_quotes_disclose_nothing(shown, 5)
    # The select-all note "(n = 39)" at N = 40.
    shown40 = _protected_run(folder, 40)
    text = write_report(shown40, "md", None)
    assert "(n = 39)" not in text and "Percent of respondents (n < 40)" in text
    _assert_protected(original, shown40, 40, skip_flagged=True)


@pytest.mark.parametrize("seed", range(6))
def test_random_fixtures_leak_nothing(tmp_path, seed: int) -> None:
    rng = random.Random(seed)
    folder = _leak_survey(tmp_path / "leak", rng)
    original, _ = survey_result(folder)
    for min_cell in (3, 5, 10):
        shown = _protected_run(folder, min_cell)
        _assert_protected(original, shown, min_cell, skip_flagged=True)
        _assert_tests_and_quotes_disclose_nothing(shown, min_cell)


def test_a_withheld_test_has_no_test_tables_and_no_variance_numbers() -> None:
    # The SPSS-style tables (t-test rows with Levene, ANOVA table, robust tests, post-hoc,
    # χ² with Yates/Fisher) carry every number of a test: a withheld test shows none.
    from surveykit.render.document import build_report

    detail = ("ttest_", "anova_", "posthoc_", "chisq_")
    shown = build_report(suppress(staff_result(), 40), figures=False)
    assert not [t.id for t in shown.test_tables if t.id.startswith(detail)]
    assert not any(p.startswith("Variances:") for p in shown.methods)
    assert all(not f.caption.startswith("Mean ") for f in shown.test_figures)
    # Not withheld (N = 2; at N = 3 improvements by department withholds a cell, and with
    # it the tests by department): the t-test, ANOVA and χ² tables are there, with Levene's p.
    kept = build_report(suppress(staff_result(), 2), figures=False)
    ids = [t.id for t in kept.test_tables]
    assert any(i.startswith("ttest_") for i in ids) and any(i.startswith("anova_") for i in ids)
    assert any(p.startswith("Variances:") and "Levene's p" in p for p in kept.methods)


def test_other_answers_of_a_withheld_others_count_are_not_listed() -> None:
    # Singapore: 3 respondents typed a profession under "Other" (Art therapist, Music
    # therapist, Mental health coach); the Others count 3 < 5 is withheld in the table.
    from surveykit.quotes import appendix_quotes
    from surveykit.render.document import build_report
    from surveykit.render.markdown import render_markdown

    result, responses = survey_result(SINGAPORE)
    result = replace(result, quotes=appendix_quotes(responses))
    open_report = render_markdown(build_report(result, figures=False), figure_dir=None)
    assert "Art therapist —R4" in open_report and "(3 answers)" in open_report
    shown = suppress(result, 5)
    block = next(b for b in shown.quotes if b.label == "Profession: other answers")
    assert block.quotes == [] and block.withheld
    text = render_markdown(build_report(shown, figures=False), figure_dir=None)
    section = text.split("### Profession: other answers", 1)[1].split("###", 1)[0]
    assert "Art therapist" not in text and "Music therapist" not in text
    assert "answers)" not in section and "3" not in section


def test_a_theme_row_pinned_by_its_public_total_is_withheld_whole() -> None:
    # At N = 5, "Integration in the team" is 5 respondents in the theme table; by PSS at
    # work it is 5 and 0. Shown as "[c]" and "< 5", the two would follow from the total
    # (the withheld one must be at least 5), so every count of the row is withheld.
    original, _ = survey_result(SINGAPORE)
    (before,) = [t for t in original.tables if t.id == "themes_by_pss"]
    label = next(r[0] for r in before.rows if "Integration in the team" in str(r[0]))
    counts = [j for j, c in enumerate(before.columns) if c.role == "count"]
    row = next(r for r in before.rows if r[0] == label)
    assert sorted(row[j] for j in counts) == [0, 5, 5]  # the hand count: Yes, No, Total
    shown = suppress(original, 5)
    (after,) = [t for t in shown.tables if t.id == "themes_by_pss"]
    row = next(r for r in after.rows if r[0] == label)
    assert all(row[j] == SECONDARY for j in counts)
    notes = " ".join(str(n) for n in after.notes)
    assert "every count of 1 row(s)" in notes and "could still be derived" not in notes
