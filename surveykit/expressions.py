"""The small expression language of ``show_if`` and exclusion rules.

Expressions are parsed with :mod:`ast` and only a whitelisted subset is
accepted, so a questionnaire can never run code. They are evaluated column-wise
on a frame, so a million rows cost one vectorised pass.

Grammar: item ids, string and number literals, lists of literals,
``== != < <= > >=``, ``x in [..]``, ``"Label" in multi_item``, ``and``, ``or``,
``not``, parentheses, ``missing(item)`` and ``seconds(a, b)`` (the seconds from
date-time ``a`` to ``b``, compared with a number). A date-time item compares with an
ISO date literal (``start >= "2024-03-04"``, midnight of that day). A comparison
with a missing value is false (as in SPSS, a missing value never satisfies a
condition).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError

Lookup = Callable[[str], pd.Series]
"""Returns an item's values (labels for choice items, floats for numbers)."""
MultiLookup = Callable[[str, str], pd.Series]
"""Returns whether each respondent chose ``label`` in multi item ``item``."""

_OPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
    ast.Compare, ast.Constant, ast.List, ast.Tuple, ast.Load, *_OPS,
)  # fmt: skip


@dataclass(frozen=True)
class Expression:
    """A parsed, validated condition."""

    source: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(
        self, values: Lookup, chosen: MultiLookup, multi_items: Mapping[str, object]
    ) -> pd.Series:
        """Evaluate to a boolean Series (missing → False)."""
        result = _Evaluator(values, chosen, multi_items).visit(self.tree.body)
        if not isinstance(result, pd.Series):
            raise SurveyError(f"condition {self.source!r} does not depend on any item")
        return _as_bool(result, self.source)


FUNCTIONS = ("missing", "seconds")
"""The functions a condition may call: missing(item) and seconds(start, end)."""

MAX_LENGTH = 10_000
"""Longest condition accepted, in characters."""
MAX_DEPTH = 50
"""Deepest nesting of a condition (operators within operators)."""


def _show(source: str) -> str:
    return repr(source if len(source) <= 60 else source[:57] + "...")


def _depth(tree: ast.AST) -> int:
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def parse_expression(source: str, known: Mapping[str, str]) -> Expression:
    """Parse ``source``; ``known`` maps item ids to their types for checking names."""
    if not isinstance(source, str) or not source.strip():
        raise SurveyError("a condition must be a non-empty string such as 'sex == \"Female\"'")
    if len(source) > MAX_LENGTH:
        raise SurveyError(
            f"condition {_show(source)} is longer than {MAX_LENGTH:,} characters (the length limit)"
        )
    if "\x00" in source:
        raise SurveyError(f"condition {_show(source)} contains a NUL character")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise SurveyError(f"cannot parse condition {_show(source)}: {exc.msg}") from exc
    except (RecursionError, MemoryError, ValueError) as exc:
        raise SurveyError(
            f"condition {_show(source)} is nested too deeply (the limit is {MAX_DEPTH} levels)"
        ) from exc
    if _depth(tree) > MAX_DEPTH:
        raise SurveyError(
            f"condition {_show(source)} is nested more than {MAX_DEPTH} levels deep "
            "(the nesting limit); simplify it"
        )
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand = node.operand
            if not (
                isinstance(operand, ast.Constant)
                and isinstance(operand.value, int | float)
                and not isinstance(operand.value, bool)
            ):
                raise SurveyError(
                    f"condition {_show(source)}: a minus sign goes only before a number, "
                    "as in age > -5"
                )
        elif isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(right, ast.List | ast.Tuple) and not isinstance(
                    op, ast.In | ast.NotIn
                ):
                    raise SurveyError(
                        f"condition {_show(source)}: compare with a list using 'in', "
                        'as in team in ["A", "B"]'
                    )
            if any(_is_call(n, "missing") for n in (node.left, *node.comparators)):
                raise SurveyError(
                    f"condition {_show(source)}: missing(item) is a condition by itself; "
                    "use it without comparing, e.g. not missing(age)"
                )
            _check_datetime_compare(node, known, source)
            if isinstance(node.left, ast.List | ast.Tuple):
                raise SurveyError(
                    f'condition {_show(source)}: a list goes on the right, as in team in ["A", "B"]'
                )
        elif isinstance(node, ast.Constant) and not isinstance(node.value, str | int | float):
            raise SurveyError(
                f"condition {_show(source)}: {node.value!r} is not a text or number literal"
            )
    functions = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if id(node) in functions:
                continue
            if node.id not in known:
                raise SurveyError(
                    f"condition {source!r} names {node.id!r}, which is not an item id"
                    + _suggest(node.id, known)
                )
            names.add(node.id)
        elif isinstance(node, ast.Call):
            _check_call(node, known, source)
        elif not isinstance(node, _ALLOWED):
            raise SurveyError(
                f"condition {source!r} uses {type(node).__name__}, which is not allowed; use "
                "item ids, literals, == != < <= > >= in, and/or/not, missing(item)"
            )
    return Expression(source.strip(), tree, frozenset(names))


def _is_call(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _check_call(node: ast.Call, known: Mapping[str, str], source: str) -> None:
    """missing(item), or seconds(a, b) of two date-time items."""
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        raise SurveyError(
            f"condition {source!r}: the functions are missing(item) and seconds(start, end)"
        )
    args_ok = all(isinstance(a, ast.Name) for a in node.args) and not node.keywords
    if name == "missing" and (len(node.args) != 1 or not args_ok):
        raise SurveyError(f"condition {source!r}: missing() takes one item id")
    if name == "seconds":
        if len(node.args) != 2 or not args_ok:
            raise SurveyError(
                f"condition {source!r}: seconds() takes two datetime item ids, "
                "e.g. seconds(start, end) < 120"
            )
        for arg in node.args:
            kind = known.get(arg.id)  # type: ignore[attr-defined]
            if kind is not None and kind != "datetime":
                raise SurveyError(
                    f"condition {source!r}: seconds() takes datetime items; "
                    f"{arg.id!r} is a {kind} item"  # type: ignore[attr-defined]
                )


def _check_datetime_compare(node: ast.Compare, known: Mapping[str, str], source: str) -> None:
    """A date-time item compares with an ISO date in quotes; seconds() with a number."""
    sides = [node.left, *node.comparators]
    for i, op in enumerate(node.ops):
        for this, other in ((sides[i], sides[i + 1]), (sides[i + 1], sides[i])):
            if (
                _is_call(this, "seconds")
                and isinstance(other, ast.Constant)
                and isinstance(other.value, str)
            ):
                raise SurveyError(
                    f"condition {_show(source)}: seconds() is a number of seconds; "
                    "compare it with a number, e.g. seconds(start, end) < 120"
                )
            if not (isinstance(this, ast.Name) and known.get(this.id) == "datetime"):
                continue
            if isinstance(op, ast.In | ast.NotIn):
                raise SurveyError(
                    f"condition {_show(source)}: {this.id!r} is a date-time; compare it with "
                    f'a date, e.g. {this.id} >= "2024-03-04"'
                )
            if isinstance(other, ast.Constant | ast.UnaryOp):
                value = other.value if isinstance(other, ast.Constant) else None
                if not isinstance(value, str) or iso_literal(value) is None:
                    raise SurveyError(
                        f"condition {_show(source)}: compare date-time item {this.id!r} with "
                        f'an ISO date in quotes, e.g. {this.id} >= "2024-03-04" or '
                        f'{this.id} < "2024-03-04 12:00", got {value!r}'
                    )


def iso_literal(text: str) -> pd.Timestamp | None:
    """An ISO date or date-time literal ("2024-03-04", "2024-03-04 10:45:04") without a
    zone, as a Timestamp; None when it is not one."""
    from datetime import datetime

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return None if value.tzinfo is not None else pd.Timestamp(value)


def _suggest(name: str, known: Mapping[str, str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


class _Evaluator(ast.NodeVisitor):
    def __init__(self, values: Lookup, chosen: MultiLookup, multi_items: Mapping[str, object]):
        self.values = values
        self.chosen = chosen
        self.multi = multi_items

    def visit_Constant(self, node: ast.Constant) -> object:
        return node.value

    def visit_List(self, node: ast.List | ast.Tuple) -> list:
        out = [self.visit(e) for e in node.elts]
        if any(isinstance(v, pd.Series) for v in out):
            raise SurveyError("lists in conditions hold literals only")
        return out

    visit_Tuple = visit_List

    def visit_Name(self, node: ast.Name) -> pd.Series:
        if node.id in self.multi:
            raise SurveyError(
                f"{node.id!r} is a select-all item: test a choice with '\"Label\" in {node.id}'"
            )
        return self.values(node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> object:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ~_as_bool(value)
        return -value

    def visit_BoolOp(self, node: ast.BoolOp) -> pd.Series:
        parts = [_as_bool(self.visit(v)) for v in node.values]
        out = parts[0]
        for part in parts[1:]:
            out = (out & part) if isinstance(node.op, ast.And) else (out | part)
        return out

    def visit_Call(self, node: ast.Call) -> pd.Series:
        if _is_call(node, "seconds"):
            start, end = (self.values(a.id) for a in node.args)  # type: ignore[attr-defined]
            return (end - start).dt.total_seconds()
        item = node.args[0].id  # type: ignore[attr-defined]
        if item in self.multi:
            raise SurveyError(f"missing() of select-all item {item!r} is not supported")
        return self.values(item).isna()

    def visit_Compare(self, node: ast.Compare) -> pd.Series:
        left_node = node.left
        out: pd.Series | None = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            part = self._compare(left_node, _OPS[type(op)], right_node)
            out = part if out is None else out & part
            left_node = right_node
        assert out is not None
        return out

    def _compare(self, left_node: ast.expr, op: str, right_node: ast.expr) -> pd.Series:
        if (
            op in ("in", "not in")
            and isinstance(right_node, ast.Name)
            and right_node.id in self.multi
        ):
            label = self.visit(left_node)
            if not isinstance(label, str):
                raise SurveyError(f"'... in {right_node.id}' needs a choice label in quotes")
            hit = self.chosen(right_node.id, label)
            return hit if op == "in" else ~hit
        left, right = self.visit(left_node), self.visit(right_node)
        if op in ("in", "not in"):
            if not isinstance(right, list) or not isinstance(left, pd.Series):
                raise SurveyError('use \'item in ["A", "B"]\' (a list of literals on the right)')
            if pd.api.types.is_numeric_dtype(left) and any(isinstance(v, str) for v in right):
                raise SurveyError("compares a number item with text in a list; use numbers")
            if isinstance(left.dtype, pd.CategoricalDtype):
                unknown = [v for v in right if v not in list(left.cat.categories)]
                if unknown:
                    raise SurveyError(f"{unknown[0]!r} is not a choice of this item")
            hit = left.isin(right)
            return (hit if op == "in" else ~hit) & left.notna()
        series = left if isinstance(left, pd.Series) else right
        other = right if series is left else left
        if not isinstance(series, pd.Series) or isinstance(other, pd.Series):
            raise SurveyError('compare an item with a literal, e.g. age >= 18 or sex == "Female"')
        series_node = left_node if series is left else right_node
        if _is_call(series_node, "seconds"):
            if isinstance(other, str):
                raise SurveyError("seconds() is a number of seconds; compare it with a number")
            series_node = ast.Name(id="seconds(…)")
        if not isinstance(series_node, ast.Name):
            # "(sex == 'F') == 'F'" or "-age > 3": only a bare item compares with a literal.
            raise SurveyError('compare an item with a literal, e.g. age >= 18 or sex == "Female"')
        name = series_node.id
        if pd.api.types.is_datetime64_any_dtype(series):
            when = iso_literal(other) if isinstance(other, str) else None
            if when is None:
                raise SurveyError(
                    f'compare date-time item {name!r} with an ISO date in quotes, e.g. {name} >= "2024-03-04"'
                )
            other = when
        if isinstance(series.dtype, pd.CategoricalDtype):
            labels = list(series.cat.categories)
            typed = series.attrs.get("other_text")
            if other not in labels and typed is not None and op in ("==", "!="):
                # A typed "other" answer: compare the text, ignoring case and spacing.
                key = " ".join(str(other).split()).casefold()
                hit = typed.map(
                    lambda t: t is not None and " ".join(str(t).split()).casefold() == key
                )
                hit = hit.fillna(False).astype(bool)
                return hit if op == "==" else ~hit & series.notna()
            if other not in labels:
                raise SurveyError(
                    f"{other!r} is not a choice of {name!r}; choices are "
                    + ", ".join(repr(x) for x in labels)
                )
            if op not in ("==", "!=") and not series.cat.ordered:
                raise SurveyError(f"{name!r} is not ordinal, so only == and != apply to it")
        if isinstance(other, str) and pd.api.types.is_numeric_dtype(series):
            raise SurveyError(f"compares a number item with the text {other!r}")
        if isinstance(other, int | float) and not pd.api.types.is_numeric_dtype(series):
            other = str(other) if not isinstance(other, bool) else other
        if series is right:  # literal on the left: flip the operator
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        valid = series.notna()
        with np.errstate(invalid="ignore"):
            result = {
                "==": lambda s: s == other,
                "!=": lambda s: s != other,
                "<": lambda s: s < other,
                "<=": lambda s: s <= other,
                ">": lambda s: s > other,
                ">=": lambda s: s >= other,
            }[op](series)
        return result.fillna(False).astype(bool) & valid


def _as_bool(value: object, source: str | None = None) -> pd.Series:
    if not isinstance(value, pd.Series):
        raise SurveyError("and/or/not need conditions on both sides")
    if not pd.api.types.is_bool_dtype(value):
        # An item on its own is not a condition: "age" would silently mean "age is not 0".
        what = f"condition {_show(source)}" if source else "and/or/not"
        raise SurveyError(
            f"{what}: an item alone is not a condition; compare it, e.g. age > 0 or missing(age)"
        )
    return value.fillna(False).astype(bool)
