"""The analysis plan (``analysis.yaml``): which tables, derived scales and tests to run.

The format is public and documented in ``docs/analysis.md``. Every reference
to an item is checked against the questionnaire here, with the plan's line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.errors import SurveyError
from surveykit.questionnaire import OTHERS, Questionnaire
from surveykit.yamlio import Mapping, load_yaml, reject_unknown_keys

TEST_KINDS = ("ttest", "anova", "chisq", "mannwhitney", "kruskal")
ADJUST = ("none", "holm", "bonferroni", "fdr_bh")
SCORES = ("mean", "sum")
VARIANCE = ("auto", "student", "welch")
MIN_ALPHA = 1e-6
"""Smallest alpha: below it a confidence level rounds to 1 in floating point."""


@dataclass(frozen=True)
class TableSpec:
    """A planned table: ``describe`` items, or a ``crosstab``."""

    id: str
    title: str
    describe: tuple[str, ...] = ()
    rows: str | None = None
    columns: str | None = None
    summarise: tuple[str, ...] = ()
    summarise_by_column: dict[str, str] = field(default_factory=dict)
    line: int = 0
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


@dataclass(frozen=True)
class TestSpec:
    """A planned test of ``dv`` across the groups of ``by``."""

    kind: str
    dv: str
    by: str
    groups: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Plan:
    """A validated analysis plan."""

    tables: tuple[TableSpec, ...] = ()
    scales: tuple[ScaleSpec, ...] = ()
    tests: tuple[TestSpec, ...] = ()
    alpha: float = 0.05
    missing: str = "pairwise"
    adjust: str = "none"
    variance: str = "auto"
    min_cell: int | None = None
    symbol: str = "[c]"  # marks withheld cells that are not counts below min_cell
    path: Path | None = None


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
    reject_unknown_keys(doc, {"tables", "scales", "tests", "options", "report"}, "the plan")
    scales = tuple(_scale(raw, questionnaire) for raw in _list(doc, "scales"))
    known = {item.id: item.type for item in questionnaire.items}
    for scale in scales:
        if scale.id in known:
            raise SurveyError(f"scale id {scale.id!r} is already an item id", line=scale.line)
        known[scale.id] = "number"
    labels = {
        item.id: [*item.labels, *([OTHERS] if item.other else [])]
        for item in questionnaire.items
        if item.is_choice
    }
    tables = [
        _table(raw, known, i, labels, questionnaire.grids)
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
    )  # fmt: skip


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
    reject_unknown_keys(raw, {"id", "title", "describe", "crosstab"}, "a table")
    table_id = _text(raw, "id") or f"table{index}"
    title = _text(raw, "title") or table_id
    if ("describe" in raw) == ("crosstab" in raw):
        raise SurveyError(
            f"table {table_id!r} needs exactly one of 'describe:' or 'crosstab:'", line=raw.line
        )
    if "describe" in raw:
        items = raw["describe"]
        items = [items] if isinstance(items, str) else items
        if not isinstance(items, list) or not items:
            raise SurveyError(
                f"table {table_id!r}: 'describe:' lists item ids", line=raw.line_of("describe")
            )
        # A grid's id stands for its rows.
        items = [row for i in items for row in (grids or {}).get(i, (i,))]
        return TableSpec(
            id=table_id, title=title, line=raw.line,
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
        **options,
    )


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
    reject_unknown_keys(raw, {"id", "label", "items", "reverse", "score", "min_items"}, "a scale")
    scale_id = raw.get("id")
    if not isinstance(scale_id, str) or not scale_id.isidentifier():
        raise SurveyError(f"scale id {scale_id!r} must be a name like engagement", line=raw.line)
    known = {item.id: item.type for item in questionnaire.items}
    items = raw.get("items")
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
    )  # fmt: skip


def _test(raw: Mapping, known: dict[str, str], questionnaire: Questionnaire) -> TestSpec:
    kinds = [k for k in TEST_KINDS if k in raw]
    if len(kinds) != 1:
        raise SurveyError(
            f"a test names exactly one of {', '.join(TEST_KINDS)} (e.g. {{ttest: age, by: sex}})",
            line=raw.line,
        )
    kind = kinds[0]
    reject_unknown_keys(raw, {kind, "by", "groups"}, f"a {kind} test")
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
        labels = questionnaire.item(by).labels
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
    return TestSpec(kind=kind, dv=dv, by=by, groups=tuple(groups), line=line)
