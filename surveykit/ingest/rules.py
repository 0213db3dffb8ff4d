"""show_if conditions and exclusion rules, evaluated column-wise on parsed values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.ingest.columns import find_header, near
from surveykit.ingest.csvfile import Locator, Table, objects
from surveykit.questionnaire import OTHERS, ExcludeRule, Item, Questionnaire


@dataclass(frozen=True)
class Exclusion:
    """One dropped row: its response number (1 = first data record), rule and reason."""

    row: int
    rule: str
    reason: str
    line: int | None = None


def _lookups(
    parsed: pd.DataFrame, multi: dict[str, pd.DataFrame], other_text: dict[str, pd.Series]
):
    def values(item_id: str) -> pd.Series:
        series = parsed[item_id]
        if item_id in other_text:
            # Lets `profession == "Retired nurse"` match a typed "other" answer.
            series = series.copy()
            series.attrs["other_text"] = other_text[item_id]
        return series

    def chosen(item_id: str, label: str) -> pd.Series:
        frame = multi[item_id]
        if label not in frame.columns:
            raise SurveyError(
                f"{label!r} is not a choice of {item_id!r}; choices are "
                + ", ".join(repr(c) for c in frame.columns)
            )
        return frame[label]

    return values, chosen


def apply_show_if(
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    multi: dict[str, pd.DataFrame],
    other_text: dict[str, pd.Series],
    answered: dict[str, pd.Series],
    notes: list[str],
) -> dict[str, pd.Series]:
    values, chosen = _lookups(parsed, multi, other_text)
    applicable: dict[str, pd.Series] = {}
    for item in _in_dependency_order(questionnaire):
        if item.show_if is None:
            continue
        try:
            shown = item.show_if.evaluate(values, chosen, multi)
        except SurveyError as exc:
            exc.file, exc.line = exc.file or questionnaire.path, exc.line or item.line
            raise
        # A question hidden because its gate was not applicable is hidden too.
        for dep in item.show_if.names:
            if dep in applicable:
                shown &= applicable[dep]
        applicable[item.id] = shown
        stray = answered[item.id] & ~shown
        if stray.any():
            notes.append(
                f"{int(stray.sum())} answer(s) to {item.id!r} were given where its show_if "
                f"({item.show_if.source}) is false; treated as not applicable"
            )
        if item.type == "multi":
            multi[item.id] = multi[item.id].where(shown, False)
        else:
            parsed[item.id] = parsed[item.id].where(shown)
    return applicable


def _in_dependency_order(questionnaire: Questionnaire) -> list[Item]:
    done: set[str] = set()
    order: list[Item] = []

    def visit(item: Item) -> None:
        if item.id in done:
            return
        done.add(item.id)
        for dep in sorted(item.show_if.names) if item.show_if else []:
            visit(questionnaire.item(dep))
        order.append(item)

    for item in questionnaire.items:
        visit(item)
    return order


def apply_exclusions(
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    multi: dict[str, pd.DataFrame],
    other_text: dict[str, pd.Series],
    table: Table,
    headers: list[str],
    item_columns: dict[str, int],
    locate: Locator,
    rows: np.ndarray | None = None,
) -> tuple[pd.Series, list[Exclusion]]:
    """Which rows to keep, and why each other row was dropped.

    ``rows`` marks the rows that are responses at all (blank rows are not); rules see
    only those, and only those are kept.
    """
    keep = pd.Series(True if rows is None else rows, index=parsed.index)
    dropped: dict[int, Exclusion] = {}
    values, chosen = _lookups(parsed, multi, other_text)
    for rule in questionnaire.exclude:
        try:
            hit = _rule_mask(
                rule,
                questionnaire,
                parsed,
                values,
                chosen,
                multi,
                table,
                headers,
                item_columns,
                keep,
            )
        except SurveyError as exc:
            exc.file, exc.line = exc.file or questionnaire.path, exc.line or rule.line
            raise
        hit &= keep
        for idx in np.flatnonzero(hit.to_numpy()):
            dropped[int(idx)] = Exclusion(row=int(idx) + 1, rule=rule.rule, reason=rule.reason)
        keep &= ~hit
    exclusions = [dropped[k] for k in sorted(dropped)]
    if len(exclusions) <= 1000:
        lines = locate.many([e.row for e in exclusions])
        exclusions = [
            Exclusion(row=e.row, rule=e.rule, reason=e.reason, line=lines[e.row])
            for e in exclusions
        ]
    return keep, exclusions


def _straightlined(parsed: pd.DataFrame, rule: ExcludeRule) -> pd.Series:
    """Rows that gave one and the same answer to every statement they answered (at least min_items)."""
    labels: dict[str, int] = {}
    matrix = []
    for item in rule.items:
        column = parsed[item]
        cats = list(column.cat.categories)
        ids = np.array([labels.setdefault(str(c), len(labels)) for c in cats] + [-1])
        codes = column.cat.codes.to_numpy()
        matrix.append(ids[np.where(codes < 0, len(cats), codes)])
    m = np.column_stack(matrix)
    answered = (m >= 0).sum(axis=1)
    top = m.max(axis=1)
    same = ((m == top[:, None]) | (m < 0)).all(axis=1)
    return pd.Series(same & (answered >= (rule.min_items or len(rule.items))), index=parsed.index)


def _key_codes(texts: list[str], codes: np.ndarray) -> np.ndarray:
    """Per-row integer key of the normalised (stripped, casefolded) texts; -1 for blank."""
    keys = [t.strip().casefold() for t in texts]
    key_codes, distinct = pd.factorize(pd.Index(objects(keys), dtype=object))
    blank = np.flatnonzero(np.asarray(distinct == "", dtype=bool))
    key_codes = key_codes.astype(np.int64)
    if len(blank):
        key_codes[key_codes == blank[0]] = -1
    return key_codes[codes]


def _rule_mask(
    rule: ExcludeRule,
    questionnaire: Questionnaire,
    parsed: pd.DataFrame,
    values,
    chosen,
    multi: dict[str, pd.DataFrame],
    table: Table,
    headers: list[str],
    item_columns: dict[str, int],
    keep: pd.Series,
) -> pd.Series:
    if rule.rule == "where":
        assert rule.expr is not None
        return rule.expr.evaluate(values, chosen, multi)
    if rule.rule == "speeder" and rule.start is not None:
        taken = (parsed[rule.end] - parsed[rule.start]).dt.total_seconds()
        with np.errstate(invalid="ignore"):  # missing: kept; end before start: under any limit
            return pd.Series(taken.to_numpy(dtype=float) < rule.min_seconds, index=parsed.index)
    if rule.rule == "speeder":
        seconds = parsed[rule.duration].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            return pd.Series(seconds < rule.min_seconds, index=parsed.index)  # missing: kept
    if rule.rule == "straightline":
        return _straightlined(parsed, rule)
    keys = []
    for name in rule.columns:
        if questionnaire.has(name) and name in parsed.columns:
            # Normalise each distinct value once, then compare integer keys.
            column = parsed[name].astype(object)
            typed = values(name).attrs.get("other_text")
            if typed is not None:
                # Two different typed "other" answers are different answers, not "Others".
                column = column.where(column != OTHERS, "\x00" + typed.astype(object).fillna(""))
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            texts = ["" if v is None or v != v else str(v) for v in uniques]
            per_row = _key_codes([*texts, ""], np.where(codes < 0, len(texts), codes))
            keys.append(per_row)
            continue
        # Select-all and other items without a parsed column compare their raw cells.
        if questionnaire.has(name) and name not in item_columns:
            raise SurveyError(
                f"duplicate rule names {name!r}, a select-all item exported as one column per "
                "option; name an item with a single column"
            )
        idx = item_columns[name] if questionnaire.has(name) else find_header(name, headers)
        if idx is None:
            raise SurveyError(
                f"duplicate rule (line {rule.line}) names {name!r}, which is neither an item id "
                "nor a column" + near(name, headers),
                file=questionnaire.path,
                line=rule.line,
            )
        column = table.column(idx)
        keys.append(_key_codes(column.uniques, column.codes))
    key_frame = pd.DataFrame(np.column_stack(keys), index=parsed.index)
    blank = (key_frame == -1).all(axis=1)
    candidates = keep & ~blank
    dup = pd.Series(False, index=parsed.index)
    dup[candidates] = key_frame[candidates].duplicated(keep=rule.keep)
    return dup
