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

import itertools
import random
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from surveykit.errors import SurveyError
from surveykit.result import ROW_DATA, ROW_HEADING, ROW_MISSING, ROW_TOTAL, Result, Table
from surveykit.suppression import SECONDARY, suppress
from tests.report_support import staff_result

# --- an independent model of what a reader knows ------------------------------------


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

    if original.kind == "contingency":
        ncol = len(original.columns)
        for i in range(len(rows)):
            terms = [(1, (i, j)) for j in range(1, ncol - 1)] + [(-1, (i, ncol - 1))]
            eqs.append((terms, 0))
        t = kinds.index(ROW_TOTAL)
        for j in range(1, ncol):
            terms = [(1, (i, j)) for i in range(len(rows)) if i != t] + [(-1, (t, j))]
            eqs.append((terms, 0))
    elif original.kind == "crosstab":
        n = original.columns.index("n")
        for key in (0, 1):
            for value in {r[key] for r in rows}:
                terms = [(1, (i, n)) for i, r in enumerate(rows) if r[key] == value]
                eqs.append((terms, total(terms)))
    elif original.kind in ("frequency", "numeric"):
        n = original.columns.index("n")
        eqs.append(([(1, (i, n)) for i in range(len(rows))], analysed))
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
                if missing:
                    eqs.append((missing, total(missing)))
            else:
                eqs.append(([(1, (i, n)) for i in segment], analysed))

        for i, kind in enumerate(kinds):
            if kind == ROW_HEADING:
                close()
                label, segment = rows[i][0], []
            else:
                segment.append(i)
        close()
    elif original.kind == "multi":
        n = original.columns.index("n")
        missing = [(1, (i, n)) for i, k in enumerate(kinds) if k == ROW_MISSING]
        if missing:
            eqs.append((missing, total(missing)))
    return eqs


def _hidden(shown: Table) -> dict[tuple[int, int], str]:
    count_cols = [
        j
        for j, c in enumerate(shown.columns)
        if c in ("n", "Total") or (shown.kind == "contingency" and j > 0)
    ]
    return {
        (i, j): row[j]
        for i, row in enumerate(shown.rows)
        for j in count_cols
        if isinstance(row[j], str) and row[j] and (row[j] == SECONDARY or row[j].startswith("<"))
    }


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


def _assert_protected(original: Result, shown: Result, min_cell: int) -> int:
    hidden_total = 0
    for before, after in zip(original.tables, shown.tables, strict=True):
        ranges = _ranges(before, after, original.analysed, min_cell)
        for cell, (lo, hi) in ranges.items():
            true = before.rows[cell[0]][cell[1]]
            assert lo <= true <= hi
            assert hi > lo, f"{before.id} cell {cell} = {true} can be recovered"
        hidden_total += len(ranges)
        _assert_no_small_value_shown(before, after, min_cell)
    return hidden_total


def _assert_no_small_value_shown(before: Table, after: Table, min_cell: int) -> None:
    counts = [
        j
        for j, c in enumerate(before.columns)
        if c in ("n", "Total", "Summary n", "α n") or (before.kind == "contingency" and j > 0)
    ]
    pcts = [j for j, c in enumerate(before.columns) if c.startswith("%")]
    for i, (b, a) in enumerate(zip(before.rows, after.rows, strict=True)):
        for j in counts:
            if isinstance(b[j], int | float) and b[j] < min_cell:
                assert a[j] == f"< {min_cell}", (before.id, i, j, a[j])
        for j in pcts:
            if (
                any(isinstance(a[k], str) and a[k] for k in counts if k < len(a))
                and b[j] is not None
            ):
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
        noted = any(n.startswith("Small-cell suppression") for n in b.notes)
        assert changed == noted, a.id


def test_small_groups_in_tests_are_withheld() -> None:
    shown = suppress(staff_result(), 40)
    anova = next(t for t in shown.tests if t.kind == "anova")
    small = [g for g in anova.stats["groups"] if g["n"] == "< 40"]
    assert {g["label"] for g in small} == {"Mental Health", "Outpatients"}
    assert all(v == "< 40" for g in small for k, v in g.items() if k != "label")
    for row in anova.stats["posthoc"]["tukey"]:
        if {row["a"], row["b"]} & {"Mental Health", "Outpatients"}:
            assert row["diff"] == "< 40"
    chisq = next(t for t in shown.tests if t.kind == "chi-square")
    assert any(v == "< 40" for row in chisq.stats["observed"] for v in row)
    assert chisq.stats["n"] == 240


def test_min_cell_must_be_at_least_two() -> None:
    with pytest.raises(SurveyError, match="at least 2"):
        suppress(staff_result(), 1)


# --- synthetic tables, checked by brute force ---------------------------------------------


def _contingency(counts: list[list[int]]) -> Table:
    rows = [[f"r{i}", *row, sum(row)] for i, row in enumerate(counts)]
    totals = [sum(col) for col in zip(*counts, strict=True)]
    rows.append(["Total", *totals, sum(totals)])
    return Table(
        id="ct", title="ct", columns=["", *[f"c{j}" for j in range(len(counts[0]))], "Total"],
        rows=rows, kind="contingency", row_kinds=[ROW_DATA] * len(counts) + [ROW_TOTAL],
        items=["a", "b"], percent_base=sum(totals),
    )  # fmt: skip


def _frequency(counts: list[int]) -> Table:
    base = sum(counts)
    rows = [[f"v{i}", n, 100 * n / base] for i, n in enumerate(counts)]
    return Table(
        id="f", title="f", columns=["", "n", "%"], rows=rows, kind="frequency",
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
    assert multi_bars(replace(multi, rows=[[r[0], "< 10", "< 10"] for r in multi.rows])) is not None
