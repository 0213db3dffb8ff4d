"""Small-cell protection: hide counts below N, and whatever would let a reader work them out.

:func:`suppress` returns a new :class:`~surveykit.result.Result` in which

* every count below N (zero included) and its percentage is replaced by ``"< N"``
  (primary suppression), as are the statistics of groups smaller than N
  (numeric rows, crosstab cells);
* a test with a group smaller than N is withheld whole: only its kind, dv and by
  are kept, with ``error`` saying why (its statistics would give the group's size
  and mean back);
* further cells are replaced by ``"x"`` (complementary suppression) so that no
  hidden count can be recovered from the counts still shown and the totals a
  reader knows: the respondents analysed (frequency, numeric and block tables),
  the Total row and column (contingency tables), column totals implied by the
  "% of column" figures and row totals published elsewhere (crosstabs), the
  table total of a chi-square (its expected counts give the margins away).

Each table is modelled as linear equations over its counts. After the usual
rule (an equation with one hidden cell gets a second one, the next-smallest),
every hidden cell is checked by linear programming: with the reader's
knowledge (``< N`` cells lie in 0..N−1, ``x`` cells are ≥ N) its smallest and
largest feasible values must differ, otherwise the next-smallest shown cell
of one of its equations is hidden too. These equation systems (one sum per
item; row and column sums) are totally unimodular, so the LP bounds are
attained by integer tables and "bounds differ" means "at least two integer
solutions". A chi-square's statistic (χ², V, Fisher's p) is kept beside its
suppressed observed counts; see docs/reports.md for what that can still reveal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from surveykit.errors import SurveyError
from surveykit.result import (
    COUNT,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    ROW_TOTAL,
    Note,
    Result,
    Table,
    TestReport,
)

SECONDARY = "x"

Cell = tuple[int, int]


def marker(min_cell: int) -> str:
    """The text shown in place of a small count: ``< 5``."""
    return f"< {min_cell}"


@dataclass
class Equation:
    """``sum(coef * cell) == const`` — something a reader of the table knows to hold."""

    terms: list[tuple[int, Cell]]
    const: int = 0


@dataclass
class CountProblem:
    """The counts of one table (or matrix), the equations between them and what is hidden."""

    values: dict[Cell, int]
    equations: list[Equation] = field(default_factory=list)
    primary: set[Cell] = field(default_factory=set)
    secondary: set[Cell] = field(default_factory=set)
    unprotected: set[Cell] = field(default_factory=set)

    @property
    def hidden(self) -> set[Cell]:
        return self.primary | self.secondary


def suppress(result: Result, min_cell: int) -> Result:
    """A copy of ``result`` with small cells (below ``min_cell``) and their complements hidden."""
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 2:
        raise SurveyError(f"--min-cell must be a whole number of at least 2, not {min_cell!r}")
    tables = [_suppress_table(t, min_cell, result.analysed) for t in result.tables]
    tests = [_suppress_test(t, min_cell) for t in result.tests]
    return replace(
        result, tables=tables, tests=tests, options={**result.options, "min_cell": min_cell}
    )


# --- protection ------------------------------------------------------------------------


def protect(problem: CountProblem, min_cell: int) -> CountProblem:
    """Mark primary cells (< ``min_cell``) and add complementary cells until none is recoverable."""
    problem.primary = {c for c, v in problem.values.items() if v < min_cell}
    if not problem.primary:
        return problem
    # The classic rule first (cheap, and what a statistician would do by hand):
    # no equation may be left with exactly one hidden cell.
    changed = True
    while changed:
        changed = False
        for eq in problem.equations:
            cells = [c for _, c in eq.terms]
            hidden = [c for c in cells if c in problem.hidden]
            if len(hidden) == 1 and _add_smallest(problem, cells):
                changed = True
    # Then prove it, cell by cell; hide more where a value is still pinned down.
    while True:
        pinned = [c for c in sorted(problem.hidden) if _determined(problem, c, min_cell)]
        pinned = [c for c in pinned if c not in problem.unprotected]
        if not pinned:
            return problem
        cell = pinned[0]
        if not any(
            _add_smallest(problem, [c for _, c in eq.terms])
            for eq in problem.equations
            if cell in {c for _, c in eq.terms}
        ):
            # Every cell of its equations is hidden already; the equations' totals are
            # public, so nothing more can be done here. Reported in the table note.
            problem.unprotected.add(cell)


def _add_smallest(problem: CountProblem, cells: list[Cell]) -> bool:
    shown = [c for c in cells if c not in problem.hidden]
    if not shown:
        return False
    problem.secondary.add(min(shown, key=lambda c: (problem.values[c], c)))
    return True


def bounds(problem: CountProblem, min_cell: int) -> dict[Cell, tuple[float, float]]:
    """The smallest and largest value each hidden cell can take given what is shown."""
    return {c: _range(problem, c, min_cell) for c in sorted(problem.hidden)}


def _determined(problem: CountProblem, cell: Cell, min_cell: int) -> bool:
    lo, hi = _range(problem, cell, min_cell)
    return hi - lo < 0.5


def _range(problem: CountProblem, cell: Cell, min_cell: int) -> tuple[float, float]:
    import numpy as np
    from scipy.optimize import linprog

    hidden = sorted(problem.hidden)
    index = {c: i for i, c in enumerate(hidden)}
    rows, rhs = [], []
    for eq in problem.equations:
        coefs = np.zeros(len(hidden))
        const = float(eq.const)
        for coef, c in eq.terms:
            if c in index:
                coefs[index[c]] += coef
            else:
                const -= coef * problem.values[c]
        if coefs.any():
            rows.append(coefs)
            rhs.append(const)
    upper = float(sum(problem.values.values()))
    var_bounds = [
        (0.0, float(min_cell - 1)) if c in problem.primary else (float(min_cell), upper)
        for c in hidden
    ]
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1.0
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
        if not res.success:  # cannot happen for a true table; be conservative
            return (float(problem.values[cell]), float(problem.values[cell]))
        out.append(sign * res.fun)
    return (out[0], out[1])


# --- tables --------------------------------------------------------------------------------


def _count_columns(table: Table) -> list[int]:
    """The count columns modelled as cells: every count that is not part of another count."""
    return [j for j, c in enumerate(table.columns) if c.role == COUNT and c.of is None]


def table_problem(table: Table, analysed: int) -> CountProblem:
    """The counts of ``table`` and the equations a reader can rely on."""
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    if table.kind == "contingency":
        return _contingency_problem(table, kinds)
    if table.kind == "crosstab":
        return _crosstab_problem(table)
    values = {
        (i, j): int(r[j])
        for j in _count_columns(table)
        for i, r in enumerate(table.rows)
        if _is_num(r[j])
    }
    problem = CountProblem(values)
    if table.kind not in ("frequency", "numeric", "multi", "block"):
        return problem  # counts of separate groups (scales): nothing adds them up
    col = table.column(COUNT)
    assert col is not None
    if table.kind in ("frequency", "numeric"):
        total = table.percent_base if table.kind == "frequency" and table.percent_base else analysed
        problem.equations.append(Equation([(1, c) for c in values], total))
    elif table.kind == "multi":
        # Options overlap (several may be chosen), so only the status rows add up:
        # missing + not applicable = analysed − the percent base given in the note.
        missing = [
            (1, (i, col)) for i, k in enumerate(kinds) if k == ROW_MISSING and (i, col) in values
        ]
        if missing and table.percent_base is not None:
            problem.equations.append(Equation(missing, analysed - table.percent_base))
    elif table.kind == "block":
        # A select-all item's note states its base; its status rows add up to analysed − base.
        bases = {
            n.item: n.counts["base"]
            for n in table.notes
            if isinstance(n, Note) and n.item is not None and _is_num(n.counts.get("base"))
        }
        for item, (_label, rows) in zip(table.items, _segments(table, kinds), strict=True):
            cells = [(i, col) for i in rows if (i, col) in values]
            if item in bases:
                missing = [(1, c) for c in cells if kinds[c[0]] == ROW_MISSING]
                if missing:
                    problem.equations.append(Equation(missing, analysed - bases[item]))
            elif cells:
                problem.equations.append(Equation([(1, c) for c in cells], analysed))
    return problem


def _segments(table: Table, kinds: list[str]) -> list[tuple[str, list[int]]]:
    out: list[tuple[str, list[int]]] = []
    for i, (row, kind) in enumerate(zip(table.rows, kinds, strict=True)):
        if kind == ROW_HEADING:
            out.append((str(row[0]), []))
        elif out:
            out[-1][1].append(i)
    return out


def _contingency_problem(table: Table, kinds: list[str]) -> CountProblem:
    values = {
        (i, j): int(row[j])
        for i, row in enumerate(table.rows)
        for j in _count_columns(table)
        if _is_num(row[j])
    }
    problem = CountProblem(values)
    data_rows = [i for i, k in enumerate(kinds) if k != ROW_TOTAL]
    total_rows = [i for i, k in enumerate(kinds) if k == ROW_TOTAL]
    total_col = next((j for j, c in enumerate(table.columns) if c.role == COUNT and c.total), None)
    inner_cols = [j for j in _count_columns(table) if j != total_col]
    for i in [*data_rows, *total_rows]:
        if total_col is not None:
            terms = [(1, (i, j)) for j in inner_cols] + [(-1, (i, total_col))]
            problem.equations.append(Equation(terms))
    for j in [*inner_cols, *([total_col] if total_col is not None else [])]:
        for t in total_rows:
            terms = [(1, (i, j)) for i in data_rows] + [(-1, (t, j))]
            problem.equations.append(Equation(terms))
    return problem


def _crosstab_cells(table: Table) -> dict[Cell, list[int]]:
    """Each crosstab cell (its first row's n) and the rows that repeat it.

    A crosstab that summarises several items has one row per (column level, row
    level, item); the cell's n and "% of column" repeat on each of them, so the
    copies are one count: counted once in the equations, hidden or shown together.
    """
    n_col = _count_columns(table)[0]
    first: dict[tuple[Any, Any], int] = {}
    copies: dict[Cell, list[int]] = {}
    for i, row in enumerate(table.rows):
        if not _is_num(row[n_col]):
            continue
        key = (row[0], row[1])
        first.setdefault(key, i)
        copies.setdefault((first[key], n_col), []).append(i)
    return copies


def _crosstab_problem(table: Table) -> CountProblem:
    col_label, row_label, n_col = 0, 1, _count_columns(table)[0]
    cells = list(_crosstab_cells(table))
    values = {c: int(table.rows[c[0]][n_col]) for c in cells}
    problem = CountProblem(values)
    # Column totals follow from any shown n with its "% of column"; row totals are the
    # row item's frequencies, usually published in another table: treat both as known.
    for key in (col_label, row_label):
        groups: dict[Any, list[Cell]] = {}
        for c in cells:
            groups.setdefault(table.rows[c[0]][key], []).append(c)
        for members in groups.values():
            problem.equations.append(
                Equation([(1, c) for c in members], sum(values[c] for c in members))
            )
    return problem


def _suppress_table(table: Table, min_cell: int, analysed: int) -> Table:
    problem = protect(table_problem(table, analysed), min_cell)
    small = marker(min_cell)
    rows = [list(r) for r in table.rows]
    extra: dict[str, int] = {}
    copies = _crosstab_cells(table) if table.kind == "crosstab" else {}
    for cell in sorted(problem.hidden):
        j = cell[1]
        primary = cell in problem.primary
        # Every row repeating a crosstab cell is hidden with it, or the copy gives it away.
        for i in copies.get(cell, [cell[0]]):
            rows[i][j] = small if primary else SECONDARY
            _hide_dependants(table, rows[i], j, primary, min_cell)
    # Groups smaller than N counted in a part-count (a crosstab cell's "Summary n"):
    # the count and the group's statistics are withheld.
    for k, column in enumerate(table.columns):
        if column.role != COUNT or column.of is None:
            continue
        for row in rows:
            if _is_num(row[k]) and row[k] < min_cell:
                row[k] = small
                _hide_dependants(table, row, k, True, min_cell)
                extra["group"] = extra.get("group", 0) + 1
    if not problem.hidden and not extra:
        return table
    note = _note(problem, min_cell, extra)
    return replace(table, rows=rows, notes=[*table.notes, note])


def _hide_dependants(table: Table, row: list[Any], j: int, primary: bool, min_cell: int) -> None:
    """Hide what would give the hidden count in column ``j`` back, by the columns' roles.

    Its percentages always (a share of a known base gives the count); for a count
    below N, the statistics of its group too and any part-count; for a further
    (complementary) count, a part-count that cannot exceed it, unless that part is
    itself below N (then the caller hides it and its statistics as a small group).
    """
    name = table.columns[j]
    small = marker(min_cell)
    for k, column in enumerate(table.columns):
        if column.of != name or row[k] is None or k == j:
            continue
        if column.role == "percent":
            if table.kind != "contingency":
                row[k] = small if primary else SECONDARY
        elif column.role == COUNT:
            if primary:
                row[k] = small
                _hide_dependants(table, row, k, True, min_cell)
            elif not (_is_num(row[k]) and row[k] < min_cell):
                row[k] = SECONDARY
        elif primary and column.role in ("statistic", "coefficient"):
            row[k] = small


def _note(problem: CountProblem, min_cell: int, extra: dict[str, int]) -> str:
    parts = []
    if problem.primary:
        parts.append(
            f"{len(problem.primary)} count(s) below {min_cell} shown as \u201c< {min_cell}\u201d"
        )
    if extra.get("group"):
        parts.append(f"statistics of {extra['group']} group(s) smaller than {min_cell} withheld")
    if problem.secondary:
        parts.append(
            f"{len(problem.secondary)} further count(s) shown as \u201cx\u201d so that the small "
            "counts cannot be worked out from totals"
        )
    text = "Small-cell suppression: " + "; ".join(parts) + "."
    if problem.unprotected:
        text += f" {len(problem.unprotected)} hidden count(s) could still be derived from public totals."
    return text


# --- tests ------------------------------------------------------------------------------


def withheld_reason(min_cell: int) -> str:
    """Why a test with a small group is not shown (its ``error``; APA: "not computed: …")."""
    return f"a group has fewer than {min_cell} respondents (small-cell suppression)"


def _suppress_test(test: TestReport, min_cell: int) -> TestReport:
    if test.error or not test.stats:
        return test
    stats = dict(test.stats)
    small = marker(min_cell)
    notes = []
    groups = stats.get("groups") or []
    empty = any("has no non-missing values" in str(n) for n in stats.get("notes") or [])
    if empty or any(_is_num(g.get("n")) and g["n"] < min_cell for g in groups):
        # Withhold the whole test. Hiding the small group's row is not enough: t with
        # Cohen's d gives n1·n2/(n1 + n2) and df gives n1 + n2, U with the rank-biserial
        # r gives n1·n2, F's df give N, and the mean differences and CIs give the small
        # group's mean back. An empty group (left out, with a note) is a count of 0.
        # Only what was planned (kind, dv, by) is kept.
        return replace(
            test,
            stats={"suppressed": True},
            error=withheld_reason(min_cell),
            p_adjusted=None,
        )
    observed = stats.get("observed")
    if observed:
        matrix = [[int(v) for v in row] for row in observed]
        problem = CountProblem(
            {(i, j): v for i, row in enumerate(matrix) for j, v in enumerate(row)}
        )
        # The expected counts give the row and column totals away.
        for i, row in enumerate(matrix):
            problem.equations.append(Equation([(1, (i, j)) for j in range(len(row))], sum(row)))
        for j in range(len(matrix[0]) if matrix else 0):
            problem.equations.append(
                Equation([(1, (i, j)) for i in range(len(matrix))], sum(r[j] for r in matrix))
            )
        protect(problem, min_cell)
        if problem.hidden:
            shown: list[list[Any]] = [list(row) for row in observed]
            for i, j in problem.primary:
                shown[i][j] = small
            for i, j in problem.secondary:
                shown[i][j] = SECONDARY
            stats["observed"] = shown
            stats.setdefault("n", sum(map(sum, matrix)))
            notes.append(
                f"Small-cell suppression: {len(problem.primary)} observed count(s) below {min_cell} "
                f"withheld, and {len(problem.secondary)} more so they cannot be worked out."
            )
    if not notes:
        return test
    stats["notes"] = [*(stats.get("notes") or []), *notes]
    return replace(test, stats=stats)


def _is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
