"""Small-cell protection: hide counts below N, and whatever would let a reader work them out.

:func:`suppress` returns a new :class:`~surveykit.result.Result` in which

* every count below N (zero included) is replaced by ``"< N"`` (primary
  suppression); its percentage and the statistics of a group smaller than N
  (numeric rows, crosstab cells) by the confidential mark (``[c]`` by default);
  a percentage or mean is never shown as ``< N``;
* a test is withheld whole when a group is smaller than N, or when a table of
  one of its variables has withheld cells (its group sizes, means and statistic
  would give them back): only its kind, dv and by are kept, with ``error``
  saying why;
* counts stated in notes (a select-all item's base, respondents with a missing
  answer) are cells too; quotes of an item answered by fewer than N respondents,
  or whose counts are withheld, are withheld;
* further cells are replaced by the mark (complementary suppression) so that no
  hidden count can be recovered from the counts still shown and the totals a
  reader knows: the respondents analysed (frequency, numeric and block tables),
  the Total row and column (contingency tables), column totals implied by the
  "% of column" figures and row totals published elsewhere (crosstabs), the
  item bases in notes.

Each table is modelled as linear equations over its counts. After the usual
rule (an equation with one hidden cell gets a second one, the next-smallest),
every hidden cell is checked by linear programming: with the reader's
knowledge (``< N`` cells lie in 0..N−1, ``x`` cells are ≥ N) its smallest and
largest feasible values must differ, otherwise the next-smallest shown cell
of one of its equations is hidden too. These equation systems (one sum per
item; row and column sums) are totally unimodular, so the LP bounds are
attained by integer tables and "bounds differ" means "at least two integer
solutions". See docs/reports.md for what is still not protected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from surveykit.coding.themes import KINDS as THEME_KINDS
from surveykit.coding.themes import after_suppression, count_equations
from surveykit.errors import SurveyError
from surveykit.quotes import QuoteBlock
from surveykit.response_rates import JOINT
from surveykit.result import (
    CORRELATION,
    COUNT,
    INTERVAL,
    PAIRED_KINDS,
    PERCENT,
    ROW_BASE,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    ROW_TOTAL,
    STATISTIC,
    Correlation,
    Note,
    Result,
    Table,
    TestReport,
    literal,
)

SECONDARY = "[c]"  # the default mark of every withheld cell that is not a small count

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
    public: set[Cell] = field(
        default_factory=set
    )  # derivable anyway: never hidden as complementary
    # Counts a reader never sees that equations run through (0 or more): the respondents
    # of a level in none of its joint cells, so that the cells add up to at most the level.
    latent: set[Cell] = field(default_factory=set)
    caps: dict[Cell, float] = field(default_factory=dict)  # public upper bounds (headcounts)

    @property
    def hidden(self) -> set[Cell]:
        return self.primary | self.secondary


def suppress(result: Result, min_cell: int, *, symbol: str = SECONDARY) -> Result:
    """A copy of ``result`` with small cells (below ``min_cell``) and what would reveal them hidden.

    ``symbol`` marks every withheld cell that is not a count below N.
    """
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 2:
        raise SurveyError(f"--min-cell must be a whole number of at least 2, not {min_cell!r}")
    if not symbol.strip() or symbol.lstrip().startswith("<") or _looks_numeric(symbol):
        raise SurveyError(
            f"the mark of withheld cells must be text that is not a number or '< N', got {symbol!r}"
        )
    marks = _Marks(min_cell, symbol)
    # Items whose counts have a withheld cell, and pairs (frozensets) whose crossing has.
    tables, hidden_items = [], set()
    for table in result.tables:
        # A table's counts add up to the respondents it describes: a where: subset's, a
        # --where run's, else everyone analysed.
        shown, items = _suppress_table(
            table, marks, result.base if table.respondents is None else table.respondents
        )
        tables.append(shown)
        hidden_items |= items
    tests = [_suppress_test(t, marks, hidden_items) for t in result.tests]
    tests = readjust_withheld(result.tests, tests, result.options.get("adjust", "none"))
    quotes = [_suppress_quotes(b, marks, hidden_items) for b in result.quotes]
    options = {**result.options, "min_cell": min_cell, "symbol": symbol}
    return replace(result, tables=tables, tests=tests, quotes=quotes, options=options)


@dataclass(frozen=True)
class _Marks:
    min_cell: int
    symbol: str

    @property
    def small(self) -> str:
        return marker(self.min_cell)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- protection ------------------------------------------------------------------------


def protect(problem: CountProblem, min_cell: int) -> CountProblem:
    """Mark primary cells (< ``min_cell``) and add complementary cells until none is recoverable."""
    # A unit with a headcount of 0 has no respondents to protect, and everyone knows it.
    problem.primary = {
        c
        for c, v in problem.values.items()
        if v < min_cell and c not in problem.latent and problem.caps.get(c) != 0
    }
    if not problem.primary:
        return problem
    # The classic rule first (cheap, and what a statistician would do by hand):
    # no equation may be left with exactly one hidden cell (an unseen count is hidden).
    changed = True
    while changed:
        changed = False
        for eq in problem.equations:
            cells = [c for _, c in eq.terms]
            hidden = [c for c in cells if c in problem.hidden or c in problem.latent]
            if len(hidden) == 1 and _add_smallest(problem, cells):
                changed = True
    # Then prove it, cell by cell; hide more where a value is still pinned down. Hiding
    # a cell only widens what the others can be (a known number becomes a range), so a
    # cell once free stays free: only the pinned and the newly hidden are checked again.
    unsettled = set(problem.hidden)
    while True:
        pinned = [c for c in sorted(unsettled) if _determined(problem, c, min_cell)]
        before = set(problem.hidden)
        if any(_hide_next_to(problem, cell) for cell in pinned):
            unsettled = set(pinned) | (problem.hidden - before)
        else:
            # Every cell of their equations is hidden already and the equations' totals
            # are public: nothing more can be done. Reported in the table note.
            problem.unprotected = set(pinned)
            return problem


def _hide_next_to(problem: CountProblem, cell: Cell) -> bool:
    """Hide one more cell of an equation of ``cell``; False when none is left to hide."""
    around = [
        [c for _, c in eq.terms] for eq in problem.equations if cell in {c for _, c in eq.terms}
    ]
    # Only a public total left: hide it after all, with the percentages that would give
    # it back (see ``_hide_percent_bases``).
    return any(_add_smallest(problem, cells) for cells in around) or any(
        _add_smallest(problem, cells, public=True) for cells in around
    )


def _add_smallest(problem: CountProblem, cells: list[Cell], *, public: bool = False) -> bool:
    shown = [
        c
        for c in cells
        if c not in problem.hidden
        and c not in problem.latent
        and (public or c not in problem.public)
    ]
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

    hidden = sorted(problem.hidden) + sorted(problem.latent)
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
        (0.0, upper)
        if c in problem.latent
        else (0.0, float(min_cell - 1))
        if c in problem.primary
        else (float(min_cell), upper)
        for c in hidden
    ]
    # What the reader knows from public numbers (a unit's headcount): never above it.
    var_bounds = [
        (lo, min(hi, problem.caps[c])) if c in problem.caps else (lo, hi)
        for c, (lo, hi) in zip(hidden, var_bounds, strict=True)
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


def note_cells(table: Table) -> dict[Cell, tuple[int, str]]:
    """The counts stated in the table's notes, as cells: (−1 − k, 0) → (note index, name)."""
    out: dict[Cell, tuple[int, str]] = {}
    for i, note in enumerate(table.notes):
        if isinstance(note, Note):
            for name, value in note.counts.items():
                if _is_num(value):
                    out[(-1 - len(out), 0)] = (i, name)
    return out


def table_problem(table: Table, analysed: int) -> CountProblem:
    """The counts of ``table`` (its notes' counts included) and the equations a reader can rely on."""
    problem = _cells_problem(table, analysed)
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    for cell, (i, name) in note_cells(table).items():
        note = table.notes[i]
        assert isinstance(note, Note)
        problem.values[cell] = int(note.counts[name])
        col = table.column(COUNT)
        if name == "base" and col is not None:
            # A select-all item's base: its status rows (missing, not asked) make up the rest.
            if table.kind == "multi":
                rows = range(len(table.rows))
            else:
                segments = dict(zip(table.items, _segments(table, kinds), strict=False))
                rows = segments.get(note.item, ("", []))[1]
            missing = [
                (1, (r, col))
                for r in rows
                if kinds[r] == ROW_MISSING and (r, col) in problem.values
            ]
            problem.equations.append(Equation([(1, cell), *missing], analysed))
        elif name == "dropped" and table.kind == "contingency":
            # Respondents not counted + the table's grand total = everyone analysed.
            total = [(r, j) for (r, j) in problem.values if r >= 0 and kinds[r] == ROW_TOTAL
                     and table.columns[j].total]  # fmt: skip
            if total:
                problem.equations.append(Equation([(1, cell), (1, total[0])], analysed))
        # Any other note count (a crosstab's missing answers, whose column totals the
        # "% of column" figures give away; α's complete cases) stands alone.
    _within_equations(problem, table)
    return problem


def _within_equations(problem: CountProblem, table: Table) -> None:
    """What a reader knows beyond the table's sums: parts of a row's count, and caps.

    A joint cell's respondents are among each of its levels' (:attr:`Table.within`):
    the level's count = its cells + those of the level in none of them, an unseen
    count of 0 or more (a latent cell). A headcount caps a unit's count.
    """
    col = table.column(COUNT)
    if col is None:
        return
    for k, (row, parts) in enumerate(table.within):
        cells = [(r, col) for r in parts if (r, col) in problem.values]
        if (row, col) not in problem.values or not cells:
            continue
        rest = problem.values[(row, col)] - sum(problem.values[c] for c in cells)
        if rest < 0:  # not parts after all: claim nothing
            continue
        latent = (-1_000_000 - k, col)
        problem.values[latent] = rest
        problem.latent.add(latent)
        terms = [(1, c) for c in cells] + [(1, latent), (-1, (row, col))]
        problem.equations.append(Equation(terms))
    for row, most in table.caps:
        cell = (row, col)
        if cell in problem.values and problem.values[cell] <= most:
            problem.caps[cell] = most


def protect_table(table: Table, analysed: int, min_cell: int) -> CountProblem:
    """The table's counts protected: :func:`protect` on :func:`table_problem`.

    With joint cells (:attr:`Table.within`), the levels' counts are protected first
    on their own, as the items' frequency tables protect the same counts (so the two
    withhold the same ones); the joint cells then keep the levels' shown counts
    (public: printed there too) and hide more cells of their own instead.
    """
    problem = table_problem(table, analysed)
    if table.within:
        part_rows = {r for _row, parts in table.within for r in parts}
        joint = {c for c in problem.values if c in problem.latent or c[0] in part_rows}
        alone = [eq for eq in problem.equations if not {c for _, c in eq.terms} & joint]
        cells = {c for eq in alone for _, c in eq.terms}
        outer = protect(
            CountProblem({c: problem.values[c] for c in cells}, alone, caps=problem.caps),
            min_cell,
        )
        problem.secondary |= outer.secondary
        problem.public |= cells - outer.hidden
    return protect(problem, min_cell)


def _cells_problem(table: Table, analysed: int) -> CountProblem:
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    if table.kind in ("contingency", "multi_crosstab"):
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
    if table.kind in THEME_KINDS:
        problem.equations += [Equation([(1, c) for c in cells], total)
                              for cells, total in count_equations(table, values)]  # fmt: skip
        return problem
    if table.kind == "datetime":
        _datetime_equations(problem, table, kinds, analysed)
        return problem
    if table.kind not in ("frequency", "numeric", "multi", "block"):
        return problem  # counts of separate groups (scales): nothing adds them up
    col = table.column(COUNT)
    assert col is not None
    if table.kind in ("frequency", "numeric"):
        total = table.percent_base if table.kind == "frequency" and table.percent_base else analysed
        problem.equations.append(Equation([(1, c) for c in values], total))
    elif table.kind == "block":
        # Each item's rows add up to everyone analysed, except a select-all item's, whose
        # options overlap: its status rows and its base (a note count) do (table_problem).
        based = {n.item for n in table.notes if isinstance(n, Note) and "base" in n.counts}
        for item, (_label, rows) in zip(table.items, _segments(table, kinds), strict=True):
            cells = [(i, col) for i in rows if (i, col) in values]
            if cells and item not in based:
                problem.equations.append(Equation([(1, c) for c in cells], analysed))
    return problem


def _datetime_equations(
    problem: CountProblem, table: Table, kinds: list[str], analysed: int
) -> None:
    """A date-time table: the days add up to the total row; days and status rows to everyone."""
    col = table.column(COUNT)
    days = [(i, col) for i, k in enumerate(kinds) if k == ROW_DATA and (i, col) in problem.values]
    total = [(i, col) for i, k in enumerate(kinds) if k == ROW_TOTAL and (i, col) in problem.values]
    status = [
        (i, col) for i, k in enumerate(kinds) if k == ROW_MISSING and (i, col) in problem.values
    ]
    if total:
        problem.equations.append(Equation([(1, c) for c in days] + [(-1, total[0])]))
        problem.equations.append(Equation([(1, c) for c in [total[0], *status]], analysed))


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
    if table.kind == "multi_crosstab":
        # A select-all item's options overlap: only each row's groups add up (to its
        # Total), the groups' respondents (the base row) included.
        if total_col is None:
            _known_sums(problem, data_rows, inner_cols, by_row=True, by_column=False)
        # Each group's respondents (the base row) follow from a shown n with its %.
        bases = {i for i, k in enumerate(kinds) if k == ROW_BASE}
        problem.public |= {c for c in problem.values if c[0] in bases}
        return problem
    for j in [*inner_cols, *([total_col] if total_col is not None else [])]:
        for t in total_rows:
            terms = [(1, (i, j)) for i in data_rows] + [(-1, (t, j))]
            problem.equations.append(Equation(terms))
    # A shown n with its "% of column" (or row) gives the column's (row's) total: hiding
    # that total as a complementary cell would protect nothing. (A total below N has
    # every cell of its column below N, so no % of it is shown.)
    bases = {c.base for c in table.columns if c.role == "percent"}
    if "column" in bases:
        problem.public |= {c for c in problem.values if c[0] in total_rows}
    if "row" in bases and total_col is not None:
        problem.public |= {c for c in problem.values if c[1] == total_col}
    if not total_rows or total_col is None:
        # No printed totals (totals: false): the "% of column" or "% of row" figures
        # and the items' own tables give them away, so treat the sums as known.
        _known_sums(problem, data_rows, inner_cols, by_row=total_col is None,
                    by_column=not total_rows)  # fmt: skip
    return problem


def _known_sums(
    problem: CountProblem, rows: list[int], cols: list[int], *, by_row: bool, by_column: bool
) -> None:
    """Equations saying each row's (``by_row``) and each column's counts have a known sum."""
    groups = []
    if by_row:
        groups += [[(i, j) for j in cols] for i in rows]
    if by_column:
        groups += [[(i, j) for i in rows] for j in cols]
    for cells in groups:
        cells = [c for c in cells if c in problem.values]
        if cells:
            problem.equations.append(
                Equation([(1, c) for c in cells], sum(problem.values[c] for c in cells))
            )


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


def _suppress_table(table: Table, marks: _Marks, analysed: int) -> tuple[Table, set[Any]]:
    """The table with its withheld cells marked, and the items whose counts were withheld."""
    if table.kind == "likert":
        return _suppress_likert(table, marks)
    if table.kind == "correlation":
        return _suppress_correlations(table, marks)
    min_cell, small = marks.min_cell, marks.small
    problem = protect_table(table, analysed, min_cell)
    rows = [list(r) for r in table.rows]
    notes = list(table.notes)
    extra: dict[str, int] = {}
    copies = _crosstab_cells(table) if table.kind == "crosstab" else {}
    in_notes = note_cells(table)
    for cell in sorted(problem.hidden):
        primary = cell in problem.primary
        if cell in in_notes:
            i, name = in_notes[cell]
            notes[i] = _mark_note(notes[i], name, small if primary else marks.symbol)
            continue
        j = cell[1]
        # Every row repeating a crosstab cell is hidden with it, or the copy gives it away.
        for i in copies.get(cell, [cell[0]]):
            rows[i][j] = small if primary else marks.symbol
            _hide_dependants(table, rows[i], j, primary, marks, extra)
    if table.kind in THEME_KINDS and problem.unprotected:
        _withhold_pinned_rows(table, rows, problem, marks, extra)
    if _hide_valid_shares(table, rows, problem.hidden, marks.symbol):
        extra["shares"] = 1
    _hide_percent_bases(table, problem, rows, marks, extra)
    # Groups smaller than N counted in a part-count (a crosstab cell's "Summary n"):
    # the count and the group's statistics are withheld.
    for k, column in enumerate(table.columns):
        if column.role != COUNT or column.of is None:
            continue
        for row in rows:
            if _is_num(row[k]) and row[k] < min_cell:
                row[k] = small
                _hide_dependants(table, row, k, True, marks, extra)
                extra["group"] = extra.get("group", 0) + 1
    if problem.hidden or extra:
        # Expected counts and residuals come from the whole table's counts and margins:
        # with any count withheld they would help to work it out, so they go too.
        for k, column in enumerate(table.columns):
            if column.base == "margins":
                for row in rows:
                    if row[k] is not None:
                        row[k] = marks.symbol
                        extra["margins"] = 1
    if not problem.hidden and not extra:
        return table, set()
    notes.append(_note(problem, marks, extra))
    if table.kind in THEME_KINDS:
        # Counts of codes, not of the items' answers: the items' own tables stand.
        return after_suppression(replace(table, rows=rows, notes=notes), marks.symbol), set()
    items = _items_of(table, problem, in_notes)
    if table.kind == "contingency":
        items |= _withheld_margins(table, rows, marks)
    return replace(table, rows=rows, notes=notes), items


def _withheld_margins(table: Table, rows: list[list[Any]], marks: _Marks) -> set[Any]:
    """The items of a wide crosstab whose own counts have a withheld number in its margins.

    Under the Total spanner a row's n, the n of those who answered a summarised
    item and their statistics are the row item's; the Total row is the column
    item's. A test by either item repeats such counts (its group sizes), so a
    withheld one there withholds the item, not only the crossing.
    """
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    total = next((c.spanner for c in table.columns if c.role == COUNT and c.total), None)
    # Without a Total column the last spanner's numbers sit where a reader looks for it.
    last = total if total is not None else table.columns[-1].spanner
    out: set[Any] = set()
    for row, kind in zip(rows, kinds, strict=True):
        marked = [k for k, v in enumerate(row) if v in (marks.small, marks.symbol)]
        if kind == ROW_TOTAL and marked:
            out.add(table.items[1])
        in_last = last is not None and any(table.columns[k].spanner == last for k in marked)
        if in_last or (marked and marked[-1] == len(row) - 1):
            out.add(table.items[0])
    return out


def _hide_percent_bases(
    table: Table,
    problem: CountProblem,
    rows: list[list[Any]],
    marks: _Marks,
    extra: dict[str, int],
) -> None:
    """Hide the percentages that give a withheld public total back.

    A column's total (Total row, a group's respondents) follows from any n of the
    column shown with its "% of column", a row's Total from any n with its "% of
    row": when protection had to withhold such a total, those percentages go too.
    """
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    for r, j in sorted(problem.hidden & problem.public):
        if r < 0:
            continue
        name = str(table.columns[j])
        for k, column in enumerate(table.columns):
            if column.role != "percent":
                continue
            of_column = kinds[r] in (ROW_TOTAL, ROW_BASE) and column.of == name
            if of_column and column.base == "column":
                hide = range(len(rows))
            elif table.columns[j].total and column.base == "row":
                hide = [r]
            else:
                continue
            for i in hide:
                if rows[i][k] is not None and rows[i][k] != marks.symbol:
                    rows[i][k] = marks.symbol
                    extra["base_pct"] = 1


def likert_problem(table: Table) -> CountProblem:
    """The answer counts behind a Likert matrix's percentages, and what a reader knows.

    A share of a shown n gives its count back (count = % × n / 100), so each category
    share is a count cell, and each statement's counts add up to its n. A statement
    whose n is below N is withheld whole (see :func:`_suppress_likert`); its top-box
    share, mean and SD go with any withheld share (they are more equations over its
    counts).

    A weighted matrix's shares give no count back exactly, but close to it (n and the
    weights of a few classes are known): its cells are the unweighted counts it keeps
    (``table.counts``), under the same equations, so that what a share of few answers
    would reveal is withheld as in the unweighted matrix.
    """
    n_col = table.column(COUNT)
    assert n_col is not None
    shares = [j for j, c in enumerate(table.columns) if c.role == PERCENT and c.base == "row"]
    problem = CountProblem({})
    for i, row in enumerate(table.rows):
        n = row[n_col]
        if not _is_num(n) or n == 0:
            continue
        cells = []
        for j in shares:
            if _is_num(row[j]):
                weighted = table.counts is not None and table.counts[i][j] is not None
                count = table.counts[i][j] if weighted else round(row[j] * n / 100)
                problem.values[(i, j)] = int(count)
                cells.append((i, j))
        problem.equations.append(Equation([(1, c) for c in cells], int(n)))
    return problem


def _suppress_likert(table: Table, marks: _Marks) -> tuple[Table, set[Any]]:
    """A Likert matrix with the shares of fewer than N answers withheld, and what gives them back.

    Percentages are never shown as ``< N``: a withheld share gets the mark. A statement
    answered by fewer than N respondents shows ``< N`` for its n and the mark elsewhere.
    The mean and SD of a statement with a withheld share are withheld too (with n they
    are two more equations over its counts).
    """
    min_cell = marks.min_cell
    n_col = table.column(COUNT)
    assert n_col is not None
    rows = [list(r) for r in table.rows]
    small_rows = [i for i, r in enumerate(rows) if _is_num(r[n_col]) and r[n_col] < min_cell]
    for i in small_rows:
        rows[i] = [
            rows[i][0],
            *(marks.small if j == n_col else (marks.symbol if rows[i][j] is not None else None)
              for j in range(1, len(rows[i]))),
        ]  # fmt: skip
    problem = protect(likert_problem(replace(table, rows=rows)), min_cell)
    touched = set(small_rows)
    for i, j in problem.hidden:
        rows[i][j] = marks.symbol
        touched.add(i)
    for i in touched:
        for j, column in enumerate(table.columns):
            derived = column.role in (STATISTIC, INTERVAL) or column.base == "top_box"
            if derived and rows[i][j] is not None and rows[i][j] != marks.small:
                rows[i][j] = marks.symbol
    if not touched:
        return table, set()
    # A weighted matrix's intervals (JSON only) go with their shares: a withheld share's
    # interval would bracket it, and a withheld statement's would describe it.
    ci95 = None
    if table.ci95 is not None:
        ci95 = [
            [None if i in small_rows or (i, j) in problem.hidden else ci for j, ci in enumerate(r)]
            for i, r in enumerate(table.ci95)
        ]
    parts = []
    if small_rows:
        parts.append(
            f"statements answered by fewer than {min_cell} show n as \u201c< {min_cell}\u201d"
        )
    parts.append(
        f"\u201c{marks.symbol}\u201d marks withheld numbers: percentages of fewer than "
        f"{min_cell} answers"
        + (f", {len(problem.secondary)} further percentage(s) so that those cannot be worked "
           "out from n and the other shares" if problem.secondary else "")
        + (", and the top-box share, mean and SD of those statements" if table.counts is None
           else ", and the top-box share and weighted mean (with its interval) of those "
           "statements")
    )  # fmt: skip
    text = "Small-cell suppression: " + "; ".join(parts) + "."
    if problem.unprotected:
        text += f" {len(problem.unprotected)} hidden share(s) could still be derived from n."
    notes = [*table.notes, Note(literal(text))]
    hidden_items = {table.items[i] for i in touched}
    return replace(table, rows=rows, notes=notes, ci95=ci95), hidden_items


def _suppress_correlations(table: Table, marks: _Marks) -> tuple[Table, set[Any]]:
    """A correlation matrix with r withheld for pairs of fewer than N respondents.

    The pairwise n range in the note is a count like any other (below N: ``< N``).
    """
    rows = [list(r) for r in table.rows]
    withheld = 0
    for row in rows:
        for j, column in enumerate(table.columns):
            cell = row[j]
            small = isinstance(cell, Correlation) and cell.n < marks.min_cell
            if column.role == CORRELATION and small:
                row[j] = marks.symbol
                withheld += 1
    notes = list(table.notes)
    for i, note in enumerate(notes):
        if isinstance(note, Note):
            for name, value in note.counts.items():
                if _is_num(value) and value < marks.min_cell:
                    notes[i] = _mark_note(notes[i], name, marks.small)
    if not withheld and notes == list(table.notes):
        return table, set()
    notes.append(
        Note(
            literal(
                f"Small-cell suppression: \u201c{marks.symbol}\u201d marks r of pairs answered "
                f"by fewer than {marks.min_cell} respondents; counts below {marks.min_cell} are "
                f"shown as \u201c< {marks.min_cell}\u201d."
            )
        )
    )
    return replace(table, rows=rows, notes=notes), set()


def _hide_valid_shares(table: Table, rows: list[list[Any]], hidden: set[Cell], mark: str) -> bool:
    """Withhold the Valid % and Cumulative % that would give hidden counts back.

    Per item: when a missing row's count is hidden, every Valid % and Cumulative % of
    the item (their base, the valid answers, is analysed minus the missing rows); and
    the running Cumulative % from the first to the last hidden answer (two of them
    differ by the answers between). A hidden row's own shares go with its count.
    """
    shares = [j for j, c in enumerate(table.columns) if c.base in ("valid", "cumulative")]
    if not shares:
        return False
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    if table.kind == "block":
        segments = [r for _label, r in _segments(table, kinds)]
    else:
        segments = [list(range(len(rows)))]
    hidden_rows = {r for r, _ in hidden if r >= 0}
    changed = False
    for segment in segments:
        lost = [r for r in segment if r in hidden_rows]
        if not lost:
            continue
        if any(kinds[r] == ROW_MISSING for r in lost):
            span, columns = segment, shares
        else:
            span = [r for r in segment if lost[0] <= r <= lost[-1]]
            columns = [j for j in shares if table.columns[j].base == "cumulative"]
        for r in span:
            for j in columns:
                if _is_num(rows[r][j]):
                    rows[r][j] = mark
                    changed = True
    return changed


def _mark_note(note: str | Note, name: str, mark: str) -> Note:
    assert isinstance(note, Note)
    text = note.text
    if mark.startswith("<"):
        text = text.replace(f"= {{{name}}}", f"{{{name}}}")  # "(n < 5)", not "(n = < 5)"
    return replace(note, text=text, counts={**note.counts, name: mark})


def _items_of(
    table: Table, problem: CountProblem, in_notes: dict[Cell, tuple[int, str]]
) -> set[Any]:
    """The items whose counts have a withheld cell in ``table`` (pairs: their crossing)."""
    if table.kind in ("contingency", "crosstab", "multi_crosstab"):
        # A crossed table's margins are public (its Total row and column, or "% of column"
        # and the row item's own table), so what is withheld is the crossing of the two
        # items; an item's own counts only when a contingency total is withheld too.
        out: set[Any] = {frozenset(table.items[:2])}
        if table.kind == "multi_crosstab":
            # The options' counts per group have no margins printed elsewhere (the group
            # sizes are of those who answered the select-all item): both items' counts.
            return out | set(table.items[:2])
        kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
        for r, j in problem.hidden:
            if r >= 0 and table.columns[j].total:
                out.add(table.items[0])  # the row item's count
            if r >= 0 and kinds[r] == ROW_TOTAL:
                out.add(table.items[1])  # the column item's count
        return out
    if table.kind != "block":
        return set(table.items)
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    segment_of = {
        r: item
        for item, (_label, rows) in zip(table.items, _segments(table, kinds), strict=True)
        for r in rows
    }
    out = {segment_of[r] for r, _ in problem.hidden if r >= 0 and r in segment_of}
    for item in [i for i in out if JOINT in i]:
        # A joint block's cells (response rates per cell) are the crossings of its items.
        out |= {frozenset(pair) for pair in combinations(item.split(JOINT), 2)}
    for cell in problem.hidden & set(in_notes):
        note = table.notes[in_notes[cell][0]]
        if isinstance(note, Note) and note.item:
            out.add(note.item)
    return out


def _hide_dependants(
    table: Table, row: list[Any], j: int, primary: bool, marks: _Marks, extra: dict[str, int]
) -> None:
    """Hide what would give the hidden count in column ``j`` back, by the columns' roles.

    Its percentages always (a share of a known base gives the count); for a count
    below N, the statistics of its group too and any part-count; for a further
    (complementary) count, a part-count that cannot exceed it, unless that part is
    itself below N (then the caller hides it and its statistics as a small group).
    A percentage or statistic is never shown as ``< N``: it gets the mark.
    """
    name = table.columns[j]
    for k, column in enumerate(table.columns):
        if column.of != name or row[k] is None or k == j:
            continue
        if column.role in ("percent", "interval"):
            # A share, or an interval (its width gives the group size back), of a
            # withheld count is withheld with it.
            row[k] = marks.symbol
            extra["pct" if column.role == "percent" else "ci"] = 1
        elif column.role == COUNT:
            if primary:
                row[k] = marks.small
                _hide_dependants(table, row, k, True, marks, extra)
            elif not (_is_num(row[k]) and row[k] < marks.min_cell):
                row[k] = marks.symbol
        elif primary and column.role in ("statistic", "coefficient", "interval", "range"):
            row[k] = marks.symbol
            extra["stats"] = 1


def _withhold_pinned_rows(
    table: Table, rows: list[list[Any]], problem: CountProblem, marks: _Marks, extra: dict
) -> None:
    """Withhold whole the rows of a by-group theme table whose hidden counts stay pinned.

    A code's total is public in its theme table, so hiding more of the row cannot help:
    with two groups, one shown as "< N" and the other withheld (so at least N), a total
    of N gives both back (N and 0). Its group counts, percentages and total are withheld
    together, and the note says so, so a withheld cell of such a row claims no bound.
    """
    whole = sorted({i for i, _ in problem.unprotected})
    for i in whole:
        for k, column in enumerate(table.columns):
            if column.role in (COUNT, PERCENT) and rows[i][k] is not None:
                rows[i][k] = marks.symbol
    problem.unprotected = set()
    extra["whole_rows"] = len(whole)


def _note(problem: CountProblem, marks: _Marks, extra: dict[str, int]) -> Note:
    n, c = marks.min_cell, marks.symbol
    parts = []
    if problem.primary or extra.get("group"):
        parts.append(f"counts below {n} are shown as \u201c< {n}\u201d")
    hidden = []
    if extra.get("pct"):
        hidden.append("percentages of withheld counts")
    if extra.get("ci"):
        hidden.append("confidence intervals of withheld counts")
    if extra.get("shares"):
        hidden.append("Valid % and Cumulative % that would give withheld counts back")
    if extra.get("base_pct"):
        hidden.append("percentages that would give a withheld total back")
    if extra.get("stats"):
        hidden.append(f"statistics of groups smaller than {n}")
    if extra.get("margins"):
        hidden.append("expected counts and residuals")
    if extra.get("whole_rows"):
        hidden.append(
            f"every count of {extra['whole_rows']} row(s), whose split would otherwise follow "
            "from their total in the theme table"
        )
    if problem.secondary:
        hidden.append(
            f"{len(problem.secondary)} further count(s), so that the small counts cannot be "
            "worked out from totals"
        )
    if hidden:
        parts.append(f"\u201c{c}\u201d marks other withheld numbers: " + "; ".join(hidden))
    text = "Small-cell suppression: " + "; ".join(parts) + "."
    if problem.unprotected:
        text += f" {len(problem.unprotected)} hidden count(s) could still be derived from public totals."
    return Note(literal(text))


# --- tests ------------------------------------------------------------------------------


def withheld_reason(min_cell: int) -> str:
    """Why a test with a small group is not shown (its ``error``; APA: "not shown: …")."""
    return f"a group has fewer than {min_cell} respondents (small-cell suppression)"


def disclosing_reason(test: TestReport, hidden_items: set[Any]) -> str:
    """Why a test of a variable with withheld cells is not shown."""
    named = [(test.dv, test.dv_label), (test.by, test.by_label)]
    crossed = frozenset({test.dv, test.by}) in hidden_items
    names = " and ".join(
        dict.fromkeys(label or i for i, label in named if crossed or i in hidden_items)
    )
    return (
        f"cells of {names} are withheld in a table, and this test's statistics would "
        "give them back (small-cell suppression)"
    )


def _withhold(test: TestReport, reason: str) -> TestReport:
    # Only what was planned (kind, dv, by) is kept.
    return replace(test, stats={"suppressed": True}, error=reason, p_adjusted=None)


def _suppress_test(test: TestReport, marks: _Marks, hidden_items: set[Any]) -> TestReport:
    if test.error or not test.stats:
        return test
    if test.kind == "regression" or test.kind in PAIRED_KINDS:
        return _suppress_model(test, marks, hidden_items)
    stats = test.stats
    groups = stats.get("groups") or []
    empty = any("has no non-missing values" in str(n) for n in stats.get("notes") or [])
    if empty or any(_is_num(g.get("n")) and g["n"] < marks.min_cell for g in groups):
        # Withhold the whole test. Hiding the small group's row is not enough: t with
        # Cohen's d gives n1·n2/(n1 + n2) and df gives n1 + n2, U with the rank-biserial
        # r gives n1·n2, F's df give N, and the mean differences and CIs give the small
        # group's mean back. An empty group (left out, with a note) is a count of 0.
        return _withhold(test, withheld_reason(marks.min_cell))
    observed = stats.get("observed")
    if observed:
        matrix = [[int(v) for v in row] for row in observed]
        if any(v < marks.min_cell for row in matrix for v in row):
            # χ² with the margins (from the expected counts) pins a hidden cell of a 2 × 2
            # table, and narrows it down in larger ones: the test goes with the counts.
            return _withhold(
                test,
                f"its table has counts below {marks.min_cell}, which its statistics would "
                "give back (small-cell suppression)",
            )
    if {test.dv, test.by} & hidden_items or frozenset({test.dv, test.by}) in hidden_items:
        # Group sizes, means and SDs of a scored item per group give the crosstab of the
        # two variables back (three answer levels: n, mean and SD are three equations).
        return _withhold(test, disclosing_reason(test, hidden_items))
    return test


def readjust_withheld(
    planned: list[TestReport], shown: list[TestReport], method: str
) -> list[TestReport]:
    """``shown`` with adjusted p over the whole family, each withheld test counted as p = 1.

    The family is every test that was adjusted (``planned``: the tests that were run and
    gave a p value); withholding a test does not make it unrun, so the family size stays.
    Its p is not shown, and must not show through the others: Holm's and Benjamini–
    Hochberg's adjusted p depend on where a p value ranks. Counting it as 1 (last)
    makes the shown values independent of it and never smaller than the full family's
    (conservative); Bonferroni's are unchanged.
    """
    from surveykit.stats import adjust_pvalues

    out = list(shown)
    if method == "none":
        return out
    for name in dict.fromkeys(t.family for t in planned):  # the plan's, then each table's
        family = [i for i, t in enumerate(planned) if t.p_adjusted is not None and t.family == name]
        withheld = [i for i in family if shown[i].p_adjusted is None]
        if not withheld:
            continue
        adjusted = adjust_pvalues([1.0 if i in withheld else planned[i].p for i in family], method)
        for i, p in zip(family, adjusted, strict=True):
            if i not in withheld:
                out[i] = replace(out[i], p_adjusted=float(min(max(p, 0.0), 1.0)))
    return out


def _suppress_model(test: TestReport, marks: _Marks, hidden_items: set[Any]) -> TestReport:
    """A regression or paired test is withheld whole when any group it rests on is below N.

    A model's groups are its n, each level of a dummy-coded predictor (the reference
    included), the respondents choosing and not choosing each select-all option, and each
    outcome level (logistic, ordinal): a dummy's β or VIF with n gives its count back, as
    the intercept gives the reference group's mean. A paired test's group is its pairs.
    Like every test, it is withheld too when a table of its variables has withheld cells.
    """
    stats = test.stats
    n = stats.get("n")
    counts = [n]
    if test.kind == "wilcoxon":
        counts = [n + (stats.get("n_zero") or 0)]
    for coding in stats.get("codings") or []:
        counts.append(coding["n"])
        if "reference" not in coding:  # a select-all option: chosen and not chosen
            counts.append(n - coding["n"])
    counts += [o["n"] for o in stats.get("outcome") or []]
    kept = {"model": stats["model"], "on": stats.get("on")} if "model" in stats else {}
    if any(_is_num(c) and c < marks.min_cell for c in counts):
        reason = withheld_reason(marks.min_cell)
        if test.kind == "regression":
            reason = (
                f"n, a predictor's level or an outcome level has fewer than {marks.min_cell} "
                "respondents in the model (small-cell suppression)"
            )
        return replace(_withhold(test, reason), stats={"suppressed": True, **kept})
    variables = [test.dv, *(stats.get("on") or [test.by])]
    disclosed = [v for v in variables if v in hidden_items]
    # A crossing of two of its variables withheld in a crosstab: the model's dummies,
    # n and fit pin down that crossing's cells too.
    disclosed += [
        f"{a} × {b}"
        for i, a in enumerate(variables)
        for b in variables[i + 1 :]
        if frozenset({a, b}) in hidden_items
    ]
    if disclosed:
        reason = (
            f"cells of {', '.join(disclosed)} are withheld in a table, and this test's "
            "statistics would give them back (small-cell suppression)"
        )
        return replace(_withhold(test, reason), stats={"suppressed": True, **kept})
    dropped = stats.get("n_dropped")
    shown = dict(stats)
    if _is_num(dropped) and dropped < marks.min_cell:
        # Respondents left out for a missing value are a count like any other (zero included).
        shown["n_dropped"] = marks.small
    zero = stats.get("n_zero") if test.kind == "wilcoxon" else None
    if _is_num(zero) and zero < marks.min_cell:
        # Pairs with no change are respondents too (zero included), so the renderers show
        # the non-zero pairs (n) without adding n_zero back.
        shown["n_zero"] = marks.small
    return test if shown == stats else replace(test, stats=shown)


# --- quotes -------------------------------------------------------------------------------


def _suppress_quotes(block: QuoteBlock, marks: _Marks, hidden_items: set[Any]) -> QuoteBlock:
    """A block answered by fewer than N respondents, or whose counts are withheld, is withheld.

    Each quote is tagged with its respondents, so the answers themselves count them.
    """
    if block.answered >= marks.min_cell and block.item not in hidden_items:
        return block
    if block.answered < marks.min_cell:
        why = f"fewer than {marks.min_cell} respondents answered; small-cell suppression"
    else:
        why = "the number who answered is withheld in a table; small-cell suppression"
    return replace(block, quotes=[], withheld=why)


def _is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
