"""The analysis plan (``analysis.yaml``): which tables, derived scales and tests to run.

The format is public and documented in ``docs/analysis.md``. Every reference
to an item is checked against the questionnaire here, with the plan's line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from surveykit.errors import SurveyError
from surveykit.expressions import Expression
from surveykit.plan_check import SplitCheck, parse_check
from surveykit.plan_models import KINDS as MODEL_KINDS
from surveykit.plan_models import PairedSpec, RegressionSpec, is_model_test, model_test
from surveykit.questionnaire import OTHERS, Questionnaire
from surveykit.yamlio import Mapping, load_yaml, reject_unknown_keys

ITEM_TABLE_KEYS = ("likert", "reliability", "correlate")
LIKERT_SORT = ("none", "agree")
CORRELATION_METHODS = ("pearson", "spearman")
TEST_KINDS = ("ttest", "anova", "chisq", "mannwhitney", "kruskal")
ADJUST = ("none", "holm", "bonferroni", "fdr_bh")
SCORES = ("mean", "sum")
VARIANCE = ("auto", "student", "welch")
MIN_ALPHA = 1e-6
"""Smallest alpha: below it a confidence level rounds to 1 in floating point."""


@dataclass(frozen=True)
class LikertSpec:
    """A Likert matrix: ordinal statements sharing one answer scale (docs/analysis.md)."""

    items: tuple[str, ...]
    top_box: int = 2
    sort: str = "none"


@dataclass(frozen=True)
class CorrelateSpec:
    """A correlation matrix of number, ordinal or scale scores."""

    items: tuple[str, ...]
    method: str = "pearson"
    missing: str = "pairwise"


@dataclass(frozen=True)
class TableSpec:
    """A planned table: ``describe`` items, a ``crosstab``, a ``likert`` matrix, the
    ``reliability`` of scales or a ``correlate`` matrix."""

    id: str
    title: str
    describe: tuple[str, ...] = ()
    rows: str | None = None
    columns: str | None = None
    summarise: tuple[str, ...] = ()
    summarise_by_column: dict[str, str] = field(default_factory=dict)
    line: int = 0
    themes: str | None = None  # "all" or a text item: codes of the codebook (docs/coding.md)
    by: str | None = None  # themes by the groups of this closed item
    quotes: int = 2  # exemplar answers per theme
    where: Expression | None = None  # only the respondents who meet it
    likert: LikertSpec | None = None
    reliability: tuple[ScaleSpec, ...] = ()
    correlate: CorrelateSpec | None = None
    layout: str = "wide"  # crosstab: column levels as spanners (wide) or one row per cell (long)
    percent: str = "column"  # crosstab: column | row | total | none
    totals: bool = True  # crosstab: a Total column and row
    test: str | None = None  # crosstab: "chisq", printed under the table
    cells: tuple[str, ...] = ()  # crosstab: "expected", "residuals"
    row_order: tuple[str, ...] = ()  # crosstab: the rows' levels in the order printed


@dataclass(frozen=True)
class ScaleSpec:
    """A derived score from several ordinal/number items."""

    id: str
    label: str
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    score: str = "mean"
    min_items: int | None = None
    line: int = 0
    where: Expression | None = None  # scored only for the respondents who meet it


@dataclass(frozen=True)
class TestSpec:
    """A planned test of ``dv`` across the groups of ``by``."""

    kind: str
    dv: str
    by: str
    groups: tuple[str, ...] = ()
    line: int = 0
    where: Expression | None = None  # only the respondents who meet it

    @property
    def variables(self) -> tuple[str, ...]:
        """Both items of the test (for listwise deletion across tests)."""
        return (self.dv, self.by)


@dataclass(frozen=True)
class WeightsSpec:
    """``weights:``: calibrate to population.yaml (``method`` rake | poststratify on
    ``on``, optionally trimmed to ``trim`` × the mean weight), or read ``column``."""

    method: str | None = None
    on: tuple[str, ...] = ()
    trim: tuple[float, float] | None = None
    column: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Plan:
    """A validated analysis plan."""

    tables: tuple[TableSpec, ...] = ()
    scales: tuple[ScaleSpec, ...] = ()
    tests: tuple[TestSpec | RegressionSpec | PairedSpec, ...] = ()
    alpha: float = 0.05
    missing: str = "pairwise"
    adjust: str = "none"
    variance: str = "auto"
    min_cell: int | None = None
    symbol: str = "[c]"  # marks withheld cells that are not counts below min_cell
    path: Path | None = None
    weights: WeightsSpec | None = None
    checks: tuple[SplitCheck, ...] = ()  # check: what `surveykit check` compares besides the run


def load_plan(path: str | Path, questionnaire: Questionnaire) -> Plan:
    """Read and validate ``analysis.yaml`` against the questionnaire."""
    path = Path(path)
    doc = load_yaml(path)
    try:
        return _build(doc, questionnaire, path)
    except SurveyError as exc:
        exc.file = exc.file or str(path)
        raise


def _build(doc: Any, questionnaire: Questionnaire, path: Path) -> Plan:
    if doc is None:
        doc = Mapping()
    if not isinstance(doc, Mapping):
        raise SurveyError("an analysis plan is a mapping with 'tables:' and/or 'tests:'", line=1)
    reject_unknown_keys(
        doc, {"tables", "scales", "tests", "options", "report", "weights", "check"}, "the plan"
    )
    scales = tuple(_scale(raw, questionnaire) for raw in _list(doc, "scales"))
    known = {item.id: item.type for item in questionnaire.items}
    known.update(_code_names(doc, questionnaire))
    for scale in scales:
        if scale.id in known:
            raise SurveyError(f"scale id {scale.id!r} is already an item id", line=scale.line)
        if scale.id in questionnaire.grids:  # describe: [id] would mean the grid's rows
            raise SurveyError(f"scale id {scale.id!r} is already a grid id", line=scale.line)
        known[scale.id] = "number"
    labels = {
        item.id: [*item.labels, *([OTHERS] if item.other else [])]
        for item in questionnaire.items
        if item.is_choice
    }
    tables = [
        _item_table(raw, known, i, questionnaire, scales)
        or _table(raw, known, i, labels, questionnaire.grids)
        for i, raw in enumerate(_list(doc, "tables"), start=1)
    ]
    ids = [t.id for t in tables]
    for t in tables:
        if ids.count(t.id) > 1:
            raise SurveyError(f"table id {t.id!r} is used twice", line=t.line)
    tests = tuple(_test(raw, known, questionnaire) for raw in _list(doc, "tests"))
    options = doc.get("options") or Mapping()
    if not isinstance(options, Mapping):
        raise SurveyError("'options:' must be a mapping", line=doc.line_of("options"))
    reject_unknown_keys(options, {"alpha", "missing", "adjust", "variance"}, "options")
    alpha = options.get("alpha", 0.05)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not MIN_ALPHA <= alpha < 1:
        raise SurveyError(
            f"alpha must be at least {MIN_ALPHA} and below 1, got {alpha!r}",
            line=options.line_of("alpha"),
        )
    missing = options.get("missing", "pairwise")
    if missing not in ("pairwise", "listwise"):
        raise SurveyError(
            f"missing must be pairwise or listwise, got {missing!r}",
            line=options.line_of("missing"),
        )
    adjust = options.get("adjust", "none") or "none"
    if adjust not in ADJUST:
        raise SurveyError(
            f"adjust must be one of {', '.join(ADJUST)}, got {adjust!r}",
            line=options.line_of("adjust"),
        )
    variance = options.get("variance", "auto")
    if variance not in VARIANCE:
        raise SurveyError(
            f"variance must be one of {', '.join(VARIANCE)}, got {variance!r} (auto: Welch's "
            "t and F when Levene's test rejects equal variances at alpha)",
            line=options.line_of("variance"),
        )
    report = doc.get("report") or Mapping()
    if not isinstance(report, Mapping):
        raise SurveyError(
            "'report:' must be a mapping such as {min_cell: 5}", line=doc.line_of("report")
        )
    reject_unknown_keys(report, {"min_cell", "symbol"}, "report")
    min_cell = report.get("min_cell")
    if min_cell is not None and (
        isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 2
    ):
        raise SurveyError(
            f"report.min_cell must be a whole number of at least 2, got {min_cell!r}",
            line=report.line_of("min_cell"),
        )
    symbol = report.get("symbol", "[c]")
    if not isinstance(symbol, str) or not symbol.strip() or symbol.lstrip().startswith("<"):
        raise SurveyError(
            f"report.symbol must be a short text such as \"[c]\" (not '< N'), got {symbol!r}",
            line=report.line_of("symbol"),
        )
    return Plan(
        tables=tuple(tables), scales=scales, tests=tests, alpha=float(alpha), missing=missing,
        adjust=adjust, variance=variance, min_cell=min_cell, symbol=symbol, path=path,
        weights=_weights(doc, questionnaire), checks=parse_check(doc, questionnaire),
    )  # fmt: skip


def _weights(doc: Mapping, questionnaire: Questionnaire) -> WeightsSpec | None:
    """``weights: {method: rake|poststratify, on: [items], trim: [lo, hi]}`` or ``{column: ITEM}``."""
    if doc.get("weights") is None:
        return None
    raw = doc["weights"]
    line = doc.line_of("weights")
    if not isinstance(raw, Mapping):
        raise SurveyError("'weights:' is {method: rake, on: [items]} or {column: ITEM}", line=line)
    line = raw.line or line
    if True in raw and "on" not in raw:  # YAML 1.1 reads a bare ``on`` key as true
        raw["on"] = raw.pop(True)
        lines = getattr(raw, "_key_lines", None)
        if lines is not None:
            lines["on"] = lines.get(True, raw.line)
    reject_unknown_keys(raw, {"method", "on", "trim", "column"}, "weights")
    if "column" in raw:
        if set(raw) != {"column"}:
            raise SurveyError(
                "weights: give either 'column:' (weights delivered with the data) or "
                "'method:' and 'on:', not both",
                line=line,
            )
        column = raw["column"]
        if not isinstance(column, str) or not questionnaire.has(column):
            raise SurveyError(f"weights: column {column!r} is not an item id", line=line)
        if questionnaire.item(column).type != "number":
            raise SurveyError(
                f"weights: column {column!r} is a {questionnaire.item(column).type} item; "
                "declare it as a number item",
                line=line,
            )
        return WeightsSpec(column=column, line=line)
    method = raw.get("method")
    if method not in ("rake", "poststratify"):
        raise SurveyError(
            f"weights: method must be rake or poststratify, got {method!r}",
            line=raw.line_of("method"),
        )
    on = raw.get("on")
    on = [on] if isinstance(on, str) else on
    if not isinstance(on, list) or not on or not all(isinstance(i, str) for i in on):
        raise SurveyError(
            "weights: 'on:' lists the items whose headcounts the weights match, e.g. [dept, role]",
            line=raw.line_of("on") if "on" in raw else line,
        )
    for item_id in on:
        if not questionnaire.has(item_id):
            raise SurveyError(f"weights: {item_id!r} is not an item id", line=raw.line_of("on"))
        if questionnaire.item(item_id).type not in ("single", "ordinal"):
            raise SurveyError(
                f"weights: {item_id!r} is a {questionnaire.item(item_id).type} item; "
                "weights need single-choice items",
                line=raw.line_of("on"),
            )
    if len(set(on)) != len(on):
        raise SurveyError("weights: 'on:' names an item twice", line=raw.line_of("on"))
    trim = raw.get("trim")
    if trim is not None:
        ok = (
            isinstance(trim, list)
            and len(trim) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in trim)
            and 0 < trim[0] < 1 < trim[1]
        )
        if not ok:
            raise SurveyError(
                f"weights: trim is [lower, upper] times the mean weight with lower < 1 < upper, "
                f"e.g. [0.3, 3.0]; got {trim!r}",
                line=raw.line_of("trim"),
            )
        trim = (float(trim[0]), float(trim[1]))
    return WeightsSpec(method=method, on=tuple(on), trim=trim, line=line)


def _code_names(doc: Mapping, questionnaire: Questionnaire) -> dict[str, str]:
    """``code:<id>`` names (0/1 variables of coded open-ended answers) when the plan uses them."""
    from surveykit.coding.variables import plan_names

    return plan_names(doc, questionnaire)


def _text(raw: Mapping, key: str) -> str | None:
    """A short text field (id, title, label): text or a number, never a list or mapping."""
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SurveyError(f"'{key}' must be a short text, got {value!r}", line=raw.line_of(key))
    return str(value)


def _list(doc: Mapping, key: str) -> list:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise SurveyError(f"'{key}:' must be a list", line=doc.line_of(key))
    for entry in value:
        if not isinstance(entry, Mapping):
            raise SurveyError(f"each entry of '{key}:' must be a mapping", line=doc.line_of(key))
    return value


def _ref(
    name: Any, known: dict[str, str], line: int, *, types: tuple[str, ...] | None = None
) -> str:
    if not isinstance(name, str) or name not in known:
        import difflib

        close = difflib.get_close_matches(str(name), list(known), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise SurveyError(f"{name!r} is not an item or scale id{hint}", line=line)
    if types and known[name] not in types:
        raise SurveyError(
            f"{name!r} is a {known[name]} item; expected {' or '.join(types)}", line=line
        )
    return name


def _table(
    raw: Mapping,
    known: dict[str, str],
    index: int,
    questionnaire_labels: dict[str, list[str]],
    grids: dict[str, tuple[str, ...]] | None = None,
) -> TableSpec:
    if "themes" in raw:
        return _themes_table(raw, known, index)
    reject_unknown_keys(
        raw, {"id", "title", "describe", "crosstab", "where", *ITEM_TABLE_KEYS}, "a table"
    )
    table_id = _text(raw, "id") or f"table{index}"
    title = _text(raw, "title") or table_id
    if ("describe" in raw) == ("crosstab" in raw):
        raise SurveyError(
            f"table {table_id!r} needs exactly one of 'describe:', 'crosstab:', "
            f"{', '.join(f'{k!r}:' for k in ITEM_TABLE_KEYS)}",
            line=raw.line,
        )
    if "describe" in raw:
        items = raw["describe"]
        items = [items] if isinstance(items, str) else items
        if not isinstance(items, list) or not items:
            raise SurveyError(
                f"table {table_id!r}: 'describe:' lists item ids", line=raw.line_of("describe")
            )
        # A grid's id stands for its rows (alone, for the Likert matrix: _item_table).
        items = [row for i in items for row in (grids or {}).get(i, (i,))]
        return TableSpec(
            id=table_id, title=title, line=raw.line, where=_where(raw, known),
            describe=tuple(_ref(i, known, raw.line_of("describe")) for i in items),
        )  # fmt: skip
    spec = raw["crosstab"]
    if not isinstance(spec, Mapping):
        raise SurveyError(
            f"table {table_id!r}: 'crosstab:' needs rows and columns", line=raw.line_of("crosstab")
        )
    reject_unknown_keys(
        spec,
        {"rows", "columns", "summarise", "summarise_by_column", *CROSSTAB_OPTIONS},
        "crosstab",
    )
    line = spec.line
    choice = ("single", "ordinal")
    options = _crosstab_options(spec, table_id, known)
    by_column = spec.get("summarise_by_column") or {}
    if not isinstance(by_column, dict):
        raise SurveyError("'summarise_by_column' maps column labels to item ids", line=line)
    summarise = spec.get("summarise") or []
    summarise = [summarise] if isinstance(summarise, str) else summarise
    if not isinstance(summarise, list):
        raise SurveyError("'summarise' names a number item or a list of them", line=line)
    columns = _ref(spec.get("columns"), known, line, types=choice)
    if columns in questionnaire_labels:
        allowed = questionnaire_labels[columns]
        for label in by_column:
            if str(label) not in allowed:
                raise SurveyError(
                    f"table {table_id!r}: summarise_by_column names {label!r}, not a choice of "
                    f"{columns!r} ({', '.join(map(repr, allowed))})",
                    line=line,
                )
    rows = _ref(spec.get("rows"), known, line, types=(*choice, "multi"))
    if known[rows] == "multi" and (
        summarise or by_column or options["cells"] or options["layout"] == "long"
        or options["percent"] not in ("column", "none")
    ):  # fmt: skip
        raise SurveyError(
            f"table {table_id!r}: a select-all item as rows gives n and % of each group's "
            "respondents per option; 'summarise', 'cells', 'layout: long' and 'percent: "
            "row/total' need a single or ordinal item as rows",
            line=line,
        )
    order = spec.get("row_order") or []
    if order:
        levels = questionnaire_labels.get(rows, [])
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(levels):
            raise SurveyError(
                f"table {table_id!r}: row_order lists every choice of {rows!r} once, in the "
                f"order to print them: {', '.join(map(repr, levels))}; got {order!r}"
                + (
                    ' (YAML reads unquoted Yes/No as true/false: quote them, "Yes")'
                    if isinstance(order, list) and any(isinstance(x, bool) for x in order)
                    else ""
                ),
                line=spec.line_of("row_order"),
            )
        if known[rows] == "multi" or options["layout"] == "long":
            raise SurveyError(
                f"table {table_id!r}: row_order applies to a wide crosstab of a single or "
                "ordinal item (a select-all item's options are sorted by frequency)",
                line=spec.line_of("row_order"),
            )
    options["row_order"] = tuple(map(str, order))
    return TableSpec(
        id=table_id,
        title=title,
        rows=rows,
        columns=columns,
        summarise=tuple(_ref(s, known, line, types=("number",)) for s in summarise),
        summarise_by_column={
            str(k): _ref(v, known, line, types=("number",)) for k, v in by_column.items()
        },
        line=raw.line,
        where=_where(raw, known),
        **options,
    )


# --- likert, reliability and correlate tables (issue 12) ----------------------------------


def _item_table(
    raw: Mapping,
    known: dict[str, str],
    index: int,
    questionnaire: Questionnaire,
    scales: tuple[ScaleSpec, ...],
) -> TableSpec | None:
    """A ``likert``, ``reliability`` or ``correlate`` table, or ``describe: [grid]`` (a
    Likert matrix of the grid's rows); None for the other tables (see :func:`_table`)."""
    keys = [k for k in ITEM_TABLE_KEYS if k in raw]
    grid = _described_grid(raw, questionnaire)
    if not keys and grid is None:
        return None
    reject_unknown_keys(
        raw, {"id", "title", "describe", "crosstab", "where", *ITEM_TABLE_KEYS}, "a table"
    )
    table_id = _text(raw, "id") or f"table{index}"
    title = _text(raw, "title") or table_id
    if len(keys) + ("describe" in raw) + ("crosstab" in raw) != 1:
        raise SurveyError(
            f"table {table_id!r} needs exactly one of 'describe:', 'crosstab:', "
            f"{', '.join(f'{k!r}:' for k in ITEM_TABLE_KEYS)}",
            line=raw.line,
        )
    spec = TableSpec(id=table_id, title=title, line=raw.line, where=_where(raw, known))
    if grid is not None:
        return replace(spec, likert=LikertSpec(grid, top_box=_top_box(None, grid, questionnaire)))
    key = keys[0]
    if key == "likert":
        return replace(spec, likert=_likert(raw, table_id, questionnaire))
    if key == "reliability":
        return replace(spec, reliability=_reliability(raw, table_id, scales))
    return replace(spec, correlate=_correlate(raw, table_id, known, questionnaire))


def _described_grid(raw: Mapping, questionnaire: Questionnaire) -> tuple[str, ...] | None:
    """The rows of the one ordinal grid that ``describe:`` names alone, else None."""
    described = raw.get("describe")
    if isinstance(described, list) and len(described) == 1:
        described = described[0]
    rows = questionnaire.grids.get(described) if isinstance(described, str) else None
    if not rows or any(questionnaire.item(r).type != "ordinal" for r in rows):
        return None
    return rows


def _item_list(
    value: Any, table_id: str, key: str, line: int, questionnaire: Questionnaire
) -> list:
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not value:
        raise SurveyError(f"table {table_id!r}: '{key}' lists item ids", line=line)
    # A grid's id stands for its rows.
    return [row for i in value for row in questionnaire.grids.get(i, (i,))]


def _likert(raw: Mapping, table_id: str, questionnaire: Questionnaire) -> LikertSpec:
    spec = raw["likert"]
    line = raw.line_of("likert")
    if isinstance(spec, list | str):
        spec = Mapping({"items": spec})
        spec.line = line
    if not isinstance(spec, Mapping):
        raise SurveyError(
            f"table {table_id!r}: 'likert:' needs items, e.g. {{items: [q1, q2], top_box: 2}}",
            line=line,
        )
    reject_unknown_keys(spec, {"items", "top_box", "sort"}, "likert")
    line = spec.line_of("items") if "items" in spec else spec.line or line
    known = {item.id: item.type for item in questionnaire.items}
    items = _item_list(spec.get("items"), table_id, "items", line, questionnaire)
    items = [_ref(i, known, line, types=("ordinal",)) for i in items]
    first = questionnaire.item(items[0])
    scale = [(c.code, c.label) for c in first.choices]
    for other in items[1:]:
        choices = [(c.code, c.label) for c in questionnaire.item(other).choices]
        if choices != scale:
            raise SurveyError(
                f"table {table_id!r}: likert items share one answer scale, but {items[0]!r} "
                f"has {', '.join(repr(label) for _, label in scale)} and {other!r} has "
                f"{', '.join(repr(label) for _, label in choices)} (codes and labels must be "
                "equal; use a choice set)",
                line=line,
            )
    sort = spec.get("sort", "none")
    if sort not in LIKERT_SORT:
        raise SurveyError(
            f"table {table_id!r}: likert sort must be none or agree, got {sort!r}",
            line=spec.line_of("sort"),
        )
    top_box = _top_box(spec, tuple(items), questionnaire)
    return LikertSpec(items=tuple(items), top_box=top_box, sort=sort)


def _top_box(spec: Mapping | None, items: tuple[str, ...], questionnaire: Questionnaire) -> int:
    """The number of highest answer categories counted in the top box (default 2)."""
    k = len(questionnaire.item(items[0]).choices)
    if spec is None or "top_box" not in spec:
        return max(1, min(2, k - 1))
    top_box = spec["top_box"]
    if isinstance(top_box, bool) or not isinstance(top_box, int) or not 1 <= top_box < k:
        raise SurveyError(
            f"likert top_box is how many of the {k} answer categories, from the top, count as "
            f"agreeing: a whole number from 1 to {k - 1}, got {top_box!r}",
            line=spec.line_of("top_box"),
        )
    return top_box


def _reliability(
    raw: Mapping, table_id: str, scales: tuple[ScaleSpec, ...]
) -> tuple[ScaleSpec, ...]:
    value = raw["reliability"]
    line = raw.line_of("reliability")
    value = [value] if isinstance(value, str) else value
    by_id = {s.id: s for s in scales}
    if not isinstance(value, list) or not value:
        raise SurveyError(
            f"table {table_id!r}: 'reliability:' lists scale ids of the plan's 'scales:'",
            line=line,
        )
    out = []
    for name in value:
        if name not in by_id:
            import difflib

            close = difflib.get_close_matches(str(name), list(by_id), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            listed = ", ".join(by_id) or "none defined"
            raise SurveyError(
                f"table {table_id!r}: reliability names {name!r}, not a scale of the plan"
                f"{hint}; scales: {listed}",
                line=line,
            )
        out.append(by_id[name])
    return tuple(out)


def _correlate(
    raw: Mapping, table_id: str, known: dict[str, str], questionnaire: Questionnaire
) -> CorrelateSpec:
    spec = raw["correlate"]
    line = raw.line_of("correlate")
    if isinstance(spec, list):
        spec = Mapping({"items": spec})
        spec.line = line
    if not isinstance(spec, Mapping):
        raise SurveyError(
            f"table {table_id!r}: 'correlate:' needs items, e.g. {{items: [a, b, c], "
            "method: pearson}",
            line=line,
        )
    reject_unknown_keys(spec, {"items", "method", "missing"}, "correlate")
    line = spec.line_of("items") if "items" in spec else spec.line or line
    items = _item_list(spec.get("items"), table_id, "items", line, questionnaire)
    items = [_ref(i, known, line, types=("number", "ordinal")) for i in items]
    if len(items) < 2:
        raise SurveyError(f"table {table_id!r}: correlate needs at least two items", line=line)
    repeated = sorted({i for i in items if items.count(i) > 1})
    if repeated:
        raise SurveyError(f"table {table_id!r}: correlate names {repeated[0]!r} twice", line=line)
    method = spec.get("method", "pearson")
    if method not in CORRELATION_METHODS:
        raise SurveyError(
            f"table {table_id!r}: correlate method must be pearson or spearman, got {method!r}",
            line=spec.line_of("method"),
        )
    missing = spec.get("missing", "pairwise")
    if missing not in ("pairwise", "listwise"):
        raise SurveyError(
            f"table {table_id!r}: correlate missing must be pairwise or listwise, got {missing!r}",
            line=spec.line_of("missing"),
        )
    return CorrelateSpec(items=tuple(items), method=method, missing=missing)


CROSSTAB_OPTIONS = ("layout", "percent", "totals", "test", "cells", "row_order")
LAYOUTS = ("wide", "long")
PERCENTS = ("column", "row", "total", "none")
CELLS = ("expected", "residuals")


def _crosstab_options(spec: Mapping, table_id: str, known: dict[str, str]) -> dict[str, Any]:
    """The crosstab's layout, percent, totals, test and cells keys, checked (see docs/analysis.md)."""
    out: dict[str, Any] = {}

    def where(key: str) -> int:
        return spec.line_of(key)

    layout = spec.get("layout", "wide")
    if layout not in LAYOUTS:
        raise SurveyError(
            f"table {table_id!r}: layout must be wide or long, got {layout!r} (wide: the "
            "column levels side by side with totals; long: one row per cell)",
            line=where("layout"),
        )
    out["layout"] = layout
    percent = spec.get("percent", "column")
    if percent is False:
        percent = "none"
    if percent not in PERCENTS:
        raise SurveyError(
            f"table {table_id!r}: percent must be one of {', '.join(PERCENTS)}, got {percent!r}",
            line=where("percent"),
        )
    out["percent"] = percent
    totals = spec.get("totals", True)
    if not isinstance(totals, bool):
        raise SurveyError(
            f"table {table_id!r}: totals must be true or false, got {totals!r}",
            line=where("totals"),
        )
    out["totals"] = totals
    test = spec.get("test")
    if test is not None and test != "chisq":
        raise SurveyError(
            f"table {table_id!r}: test must be chisq, got {test!r}", line=where("test")
        )
    out["test"] = test
    cells = spec.get("cells") or []
    cells = [cells] if isinstance(cells, str) else cells
    if not isinstance(cells, list) or any(c not in CELLS for c in cells):
        raise SurveyError(
            f"table {table_id!r}: cells lists any of {', '.join(CELLS)}, got {cells!r}",
            line=where("cells"),
        )
    out["cells"] = tuple(c for c in CELLS if c in cells)
    if layout == "long" and (percent != "column" or not totals or cells):
        raise SurveyError(
            f"table {table_id!r}: percent, totals and cells apply to layout: wide; "
            "remove them or the layout: long",
            line=spec.line,
        )
    return out


def _scale(raw: Mapping, questionnaire: Questionnaire) -> ScaleSpec:
    reject_unknown_keys(
        raw, {"id", "label", "items", "reverse", "score", "min_items", "where"}, "a scale"
    )
    scale_id = raw.get("id")
    if not isinstance(scale_id, str) or not scale_id.isidentifier():
        raise SurveyError(f"scale id {scale_id!r} must be a name like engagement", line=raw.line)
    known = {item.id: item.type for item in questionnaire.items}
    items = raw.get("items")
    if isinstance(items, list):  # a grid's id stands for its rows
        grids = questionnaire.grids
        items = [r for i in items for r in (grids.get(i, (i,)) if isinstance(i, str) else (i,))]
    if not isinstance(items, list) or len(items) < 2:
        raise SurveyError(
            f"scale {scale_id!r} needs 'items:', at least two item ids", line=raw.line
        )
    items = [_ref(i, known, raw.line_of("items"), types=("ordinal", "number")) for i in items]
    reverse = raw.get("reverse") or []
    if isinstance(reverse, str):
        reverse = [reverse]
    if not isinstance(reverse, list):
        raise SurveyError(
            f"scale {scale_id!r}: 'reverse:' lists item ids, e.g. [eng6]",
            line=raw.line_of("reverse"),
        )
    for r in reverse:
        if r not in items:
            raise SurveyError(
                f"scale {scale_id!r}: reverse item {r!r} is not among its items",
                line=raw.line_of("reverse"),
            )
        if known[r] != "ordinal":
            raise SurveyError(
                f"scale {scale_id!r}: only ordinal items can be reversed; {r!r} is a number",
                line=raw.line_of("reverse"),
            )
    score = raw.get("score", "mean")
    if score not in SCORES:
        raise SurveyError(
            f"scale {scale_id!r}: score must be mean or sum, got {score!r}",
            line=raw.line_of("score"),
        )
    min_items = raw.get("min_items")
    if min_items is not None and (
        isinstance(min_items, bool)
        or not isinstance(min_items, int)
        or not 1 <= min_items <= len(items)
    ):
        raise SurveyError(
            f"scale {scale_id!r}: min_items must be 1..{len(items)}", line=raw.line_of("min_items")
        )
    return ScaleSpec(
        id=scale_id, label=_text(raw, "label") or scale_id, items=tuple(items),
        reverse=tuple(reverse), score=score, min_items=min_items, line=raw.line,
        where=_where(raw, known),
    )  # fmt: skip


def _test(
    raw: Mapping, known: dict[str, str], questionnaire: Questionnaire
) -> TestSpec | RegressionSpec | PairedSpec:
    if is_model_test(raw):  # regress, paired_ttest, wilcoxon (plan_models.py)
        return replace(model_test(raw, known, questionnaire, _ref), where=_where(raw, known))
    kinds = [k for k in TEST_KINDS if k in raw]
    if len(kinds) != 1:
        raise SurveyError(
            f"a test names exactly one of {', '.join((*TEST_KINDS, *MODEL_KINDS))} "
            "(e.g. {ttest: age, by: sex})",
            line=raw.line,
        )
    kind = kinds[0]
    reject_unknown_keys(raw, {kind, "by", "groups", "where"}, f"a {kind} test")
    line = raw.line
    choice = ("single", "ordinal")
    if kind == "chisq":
        dv = _ref(raw[kind], known, line, types=choice)
    else:
        dv = _ref(raw[kind], known, line, types=("number", "ordinal", "single"))
    by = _ref(raw.get("by"), known, line, types=choice)
    if dv == by:
        raise SurveyError(f"{kind}: the item and 'by' are the same ({dv!r})", line=line)
    groups = raw.get("groups") or []
    if groups:
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise SurveyError("'groups:' lists choice labels of the 'by' item", line=line)
        labels = questionnaire.item(by).labels if questionnaire.has(by) else ["No", "Yes"]
        repeated = sorted({g for g in groups if groups.count(g) > 1})
        if repeated:
            raise SurveyError(
                f"'groups:' names {repeated[0]!r} twice; a test compares different groups",
                line=line,
            )
        for g in groups:
            if g not in labels:
                raise SurveyError(
                    f"{g!r} is not a choice of {by!r}; choices are {', '.join(map(repr, labels))}",
                    line=line,
                )
    if kind in ("ttest", "mannwhitney") and groups and len(groups) != 2:
        raise SurveyError(f"{kind} compares two groups; 'groups:' lists {len(groups)}", line=line)
    return TestSpec(
        kind=kind, dv=dv, by=by, groups=tuple(groups), line=line, where=_where(raw, known)
    )


def _where(raw: Mapping, known: dict[str, str]) -> Expression | None:
    """The entry's ``where:`` condition (the exclusion rules' language), or None."""
    if "where" not in raw:
        return None
    from surveykit.subsets import parse_where

    line = raw.line_of("where")
    try:
        return parse_where(raw["where"], known)
    except SurveyError as exc:
        exc.message = f"'where:' {exc.message}"
        exc.args = (exc.message,)
        exc.line = line
        raise


def _themes_table(raw: Mapping, known: dict[str, str], index: int) -> TableSpec:
    """``{themes: ITEM_OR_ALL, by: ITEM, quotes: 2}``: the codebook's themes (docs/coding.md)."""
    reject_unknown_keys(raw, {"id", "title", "themes", "by", "quotes"}, "a themes table")
    line = raw.line_of("themes")
    selection = raw.get("themes")
    if selection != "all":
        _ref(selection, known, line, types=("text",))
    by = raw.get("by")
    if by is not None:
        by = _ref(by, known, raw.line_of("by"), types=("single", "ordinal"))
    quotes = raw.get("quotes", 2)
    if isinstance(quotes, bool) or not isinstance(quotes, int) or quotes < 0:
        raise SurveyError(
            f"'quotes' is how many answers to quote per theme (0 for none), got {quotes!r}",
            line=raw.line_of("quotes"),
        )
    table_id = _text(raw, "id") or f"table{index}"
    return TableSpec(
        id=table_id, title=_text(raw, "title") or "", themes=str(selection), by=by,
        quotes=quotes, line=raw.line,
    )  # fmt: skip
