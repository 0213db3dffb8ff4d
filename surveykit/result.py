"""The result model: plain data that every renderer reads and none computes.

Numbers are kept unrounded; rounding belongs to renderers. ``Result.to_dict``
is the public JSON contract of ``surveykit analyze --format json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveykit.quotes import QuoteBlock

ROW_DATA = "data"
ROW_HEADING = "heading"  # an item's name in a stacked (Table-1 style) block
ROW_MISSING = "missing"  # missing / not applicable rows
ROW_TOTAL = "total"
ROW_BASE = "base"  # the respondents each column's % is of (a select-all crosstab's group sizes)

# What a column holds. Formatting and small-cell protection key on these, never on header text.
LABEL = "label"  # the row's label (category, item, group)
TEXT = "text"  # other text: a crosstab's row level, the summarised item
COUNT = "count"  # a count of respondents
INTEGER = "integer"  # a whole number that is not a count of respondents (items in a scale)
PERCENT = "percent"  # a percentage of the count column named by ``of``
STATISTIC = "statistic"  # mean, SD, median, min, max of the group counted in ``of``
COEFFICIENT = "coefficient"  # a statistic bounded by 1 (Cronbach's α), of the group in ``of``
P_VALUE = "p"
INTERVAL = "interval"  # [low, high] around the estimate in the column before it
CORRELATION = "correlation"  # a Correlation cell: r, printed with its significance stars
RANGE = "range"  # [min, max] of a group: printed min–max (APA), never in CI brackets
ROLES = (
    LABEL, TEXT, COUNT, INTEGER, PERCENT, STATISTIC, COEFFICIENT, P_VALUE, INTERVAL, CORRELATION,
    RANGE,
)  # fmt: skip
PAIRED_KINDS = ("paired-t", "wilcoxon")  # tests of two measurements: dv first, by second


class Column(str):
    """A column header that knows what its cells hold.

    It is the header text (a ``str``, so JSON and comparisons see the name) with
    a ``role`` (one of :data:`ROLES`); ``of`` names the count column a percent
    is a share of, or whose group a statistic describes (a count may be ``of`` a
    larger count it cannot exceed); ``base`` says what a percent's denominator
    is ("table": the table's ``percent_base``, status rows of all analysed;
    "column": the column's total; "row": the row's total); ``total`` marks a
    count that sums its row. A statistic with ``base="margins"`` (a crosstab's
    expected counts and residuals) is computed from the whole table's counts.

    ``spanner`` groups columns under a common heading (a wide crosstab's column
    levels: n and % under "Yes", n and % under "No"); ``label`` is the text shown
    under the spanner ("n"), while the name stays unique in the table ("Yes: n")
    so that ``of`` can name it. Renderers that cannot span show the name.
    """

    role: str
    of: str | None
    base: str | None
    total: bool
    spanner: str | None
    label: str

    def __new__(
        cls,
        name: str,
        role: str,
        of: str | None = None,
        base: str | None = None,
        *,
        total: bool = False,
        spanner: str | None = None,
        label: str | None = None,
    ) -> Column:
        if role not in ROLES:
            raise ValueError(f"unknown column role {role!r}")
        self = super().__new__(cls, name)
        self.role, self.of, self.base, self.total = role, of, base, total
        self.spanner, self.label = spanner, name if label is None else label
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _column,
            (str(self), self.role, self.of, self.base, self.total, self.spanner, self.label),
        )

    def to_dict(self) -> dict[str, Any]:
        """The column's role in the JSON document."""
        out: dict[str, Any] = {"role": self.role}
        if self.of is not None:
            out["of"] = self.of
        if self.base is not None:
            out["base"] = self.base
        if self.total:
            out["total"] = True
        if self.spanner is not None:
            out["spanner"] = self.spanner
            out["label"] = self.label
        return out


def _column(
    name: str,
    role: str,
    of: str | None,
    base: str | None,
    total: bool,
    spanner: str | None = None,
    label: str | None = None,
) -> Column:
    return Column(name, role, of, base, total=total, spanner=spanner, label=label)


@dataclass(frozen=True)
class Note:
    """A table note that states respondent counts: ``text`` with ``{name}`` for each count.

    Keeping the counts apart from the prose lets small-cell protection treat
    them like cells (hide one below N) without reading the sentence. ``item``
    is the item the note is about, when it is about one.
    """

    text: str
    counts: dict[str, Any] = field(default_factory=dict)
    item: str | None = None

    def __str__(self) -> str:
        return self.text.format_map(self.counts)


@dataclass(frozen=True)
class Correlation:
    """One cell of a correlation matrix: r with its pair's n, p and 95% CI (None if undefined).

    In JSON the cell is ``{"r", "n", "p", "ci95"}``; renderers print r with stars.
    """

    r: float | None
    n: int
    p: float | None
    ci95: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        """The cell in the JSON document."""
        ci = list(self.ci95) if self.ci95 is not None else None
        return {"r": self.r, "n": self.n, "p": self.p, "ci95": ci}


def literal(text: str) -> str:
    """``text`` (a label) made safe inside a :class:`Note` template."""
    return text.replace("{", "{{").replace("}", "}}")


@dataclass(frozen=True)
class Table:
    """One output table.

    ``columns`` are :class:`Column` headers carrying each column's role;
    ``rows`` are lists whose first cell is the row label; other cells are numbers
    or None (nothing to show). ``row_kinds`` says how each row is meant (data,
    heading, missing, total); ``kind`` names the table's shape (frequency,
    multi, numeric, text, block, crosstab, contingency, scales); ``items`` lists
    the item ids it describes (a block's in the order of its headings);
    ``percent_base`` is the denominator of % columns; ``notes`` are text or
    :class:`Note` objects.
    """

    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    kind: str
    row_kinds: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    notes: list[str | Note] = field(default_factory=list)
    percent_base: int | None = None
    where: str | None = None
    """The plan's ``where:`` condition when the table describes only the respondents meeting it."""
    respondents: int | None = None
    """How many respondents a ``where:`` table describes (for small-cell protection, not shown)."""
    within: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """For small-cell protection, not shown: ``(row, rows)`` pairs saying the respondents
    counted on ``rows`` are among those counted on ``row`` (a joint cell's among each of
    its levels'), so that their counts add up to at most its count."""
    caps: tuple[tuple[int, float], ...] = ()
    """For small-cell protection, not shown: ``(row, most)`` pairs, a public number the
    row's count cannot exceed (a unit's headcount)."""
    counts: list[list[int | None]] | None = None
    """The unweighted counts behind a weighted table's shares, cell by cell as ``rows``
    (None where a cell is no share): small-cell protection works on them; not shown."""
    ci95: list[list[Any]] | None = None
    """95% intervals of cells that have no interval column beside them, cell by cell as
    ``rows`` ([low, high] or None): in JSON only (a weighted Likert matrix's shares)."""

    def __post_init__(self) -> None:
        untyped = [c for c in self.columns if not isinstance(c, Column)]
        if untyped:
            raise TypeError(f"table {self.id!r}: columns {untyped!r} have no role")

    def column(self, role: str, of: str | None = None) -> int | None:
        """Index of the first column with ``role`` (and ``of``), or None."""
        for j, c in enumerate(self.columns):
            if c.role == role and (of is None or c.of == of):
                return j
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "items": list(self.items),
            "columns": [str(c) for c in self.columns],
            "column_roles": [c.to_dict() for c in self.columns],
            "rows": [[_plain(v) for v in row] for row in self.rows],
            "row_kinds": list(self.row_kinds),
            "percent_base": self.percent_base,
            "notes": [str(n) for n in self.notes],
            **({"where": self.where} if self.where else {}),
            **({"ci95": _plain(self.ci95)} if self.ci95 is not None else {}),
        }


@dataclass(frozen=True)
class TestReport:
    """One inferential test as planned (dv, by) with its statistics, or why it failed."""

    kind: str
    dv: str
    by: str
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    p_adjusted: float | None = None
    dv_label: str = ""
    by_label: str = ""
    where: str | None = None  # the plan's where: condition, when the test has one
    table: str | None = None
    """The table whose ``test:`` asked for it; the test is printed under that table."""
    family: str | None = None
    """When set, p is adjusted among the tests of this family only (a select-all
    crosstab's one test per option), not among all the plan's tests."""

    @property
    def p(self) -> float | None:
        """The test's headline p value (None when it could not be computed).

        Welch's p when the test reports Welch's t or F (``variant``), so that p-value
        adjustment and summaries use the test that the report states.
        """
        value = self.stats.get("p")
        if self.kind == "regression":  # the model's overall test: F, or the likelihood ratio
            fit = self.stats.get("fit") or {}
            value = fit.get("p", fit.get("llr_p"))
        if self.stats.get("variant") == "welch":
            value = (self.stats.get("welch") or {}).get("p", value)
        return None if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form: the statistics' keys at top level beside dv and by.

        A regression has no ``by`` (its predictors are ``on``); a paired test names its
        two measurements in ``pair`` instead of dv and by.
        """
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind in PAIRED_KINDS:
            out["pair"] = [self.dv, self.by]
        else:
            out["dv"] = self.dv
            if self.by:
                out["by"] = self.by
        out.update({k: _plain(v) for k, v in self.stats.items() if k != "kind"})
        if self.p_adjusted is not None:
            out["p_adjusted"] = self.p_adjusted
        if self.where:
            out["where"] = self.where
        if self.table is not None and not self.stats.get("suppressed"):
            # A withheld test keeps only what was planned (kind, dv, by) and why.
            out["table"] = self.table
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class Result:
    """Everything every output shows: tables, tests, notes, quotes and the settings used.

    ``options`` holds the resolved settings (alpha, missing, adjust and, when
    small-cell protection was applied, min_cell); ``quotes`` the redacted
    open-ended answers for the report appendix (empty unless collected).
    """

    survey: str
    title: str
    received: int
    excluded: int
    analysed: int
    exclusions: list[dict[str, Any]]
    tables: list[Table]
    tests: list[TestReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    data_issues: list[dict[str, Any]] = field(default_factory=list)
    """Cells set to missing by ``invalid: missing``: {row, line, column, item, value, reason}."""
    quotes: list[QuoteBlock] = field(default_factory=list)
    subset: dict[str, Any] | None = None
    """A run's ``--where``: {where, n, of}: n of the ``analysed`` respondents meet it and are
    the ones every table and test describes. Not an exclusion: received = excluded + analysed."""

    @property
    def base(self) -> int:
        """The respondents the tables describe: the ``--where`` subset's, else all analysed."""
        return int(self.subset["n"]) if self.subset else self.analysed

    def to_dict(self) -> dict[str, Any]:
        """The public JSON document."""
        respondents: dict[str, Any] = {
            "received": self.received,
            "excluded": self.excluded,
            "analysed": self.analysed,
        }
        if self.subset:
            respondents["subset"] = dict(self.subset)
        return {
            "survey": self.survey,
            "title": self.title,
            "source": self.source,
            "respondents": respondents,
            "exclusions": list(self.exclusions),
            "data_issues": list(self.data_issues),
            "tables": [t.to_dict() for t in self.tables],
            "tests": [t.to_dict() for t in self.tests],
            "options": dict(self.options),
            "notes": list(self.notes),
        }


def _plain(value: Any) -> Any:
    """numpy scalars → Python; NaN/inf → None; containers recursively."""
    if isinstance(value, Correlation):
        value = value.to_dict()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
