"""Cell parsing per distinct value: numbers, choices, select-all cells, free text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.ingest.columns import UNTICKED, Split, code_text, near
from surveykit.ingest.csvfile import Column, Locator, Table, norm, objects
from surveykit.questionnaire import OTHERS, Item
from surveykit.stats.precision import exact_centre, needs_centring

_SEPARATORS = (";", ",")


def parse_number(
    raw: Column, item: Item, header: str, locate: Locator
) -> tuple[pd.Series, tuple[pd.Series, float] | None]:
    """The item's values, and (deviations, shift) when they had to be centred exactly."""
    stripped = raw.stripped()
    texts = objects([u if u != "" else None for u in stripped])
    numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    unique_values = numbers.to_numpy(dtype=float, na_value=np.nan)
    # "inf", "-Infinity" and 1e400 parse as floats but are not answers anyone gave.
    bad = [i for i, u in enumerate(stripped) if u != "" and not np.isfinite(unique_values[i])]
    if bad:
        row = raw.first_row(bad)
        raise SurveyError(
            f"{raw.uniques[raw.codes[row - 1]].strip()!r} is not a number (item {item.id!r})",
            row=row, line=locate(row), column=header, file=locate.path,
        )  # fmt: skip
    with np.errstate(invalid="ignore"):
        for bound, outside in (
            (item.min, unique_values < (item.min or 0)),
            (item.max, unique_values > (item.max or 0)),
        ):
            if bound is None or not outside.any():
                continue
            row = raw.first_row(np.flatnonzero(outside))
            raise SurveyError(
                f"{stripped[raw.codes[row - 1]]!r} is outside the allowed range "
                f"{_fmt(item.min)}–{_fmt(item.max)} of item {item.id!r}",
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
    index = pd.RangeIndex(len(raw))
    values = pd.Series(raw.take(unique_values), index=index, dtype=float)
    present = ~np.isnan(unique_values)
    if not needs_centring(unique_values[present]):
        return values, None
    # float64 has dropped the digits that differ between these values: re-read the
    # distinct texts as exact decimals and subtract one of them before converting.
    deviations, shift = exact_centre([u for u, ok in zip(stripped, present, strict=True) if ok])
    per_unique = np.full(len(unique_values), np.nan)
    per_unique[present] = deviations
    return values, (pd.Series(raw.take(per_unique), index=index, dtype=float), float(shift))


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def parse_choice(
    raw: Column, item: Item, header: str, locate: Locator
) -> tuple[pd.Series, pd.Series | None]:
    categories = item.labels + ([OTHERS] if item.other else [])
    position = {label: i for i, label in enumerate(categories)}
    lookup: dict[str, int] = {}
    for c in item.choices:
        lookup[norm(c.label)] = position[c.label]
    for c in item.choices:
        lookup.setdefault(norm(code_text(c.code)), position[c.label])
    codes = np.empty(len(raw.uniques), dtype=np.int16 if len(categories) < 32000 else np.int32)
    for i, value in enumerate(raw.uniques):
        key = norm(value)
        if key == "":
            codes[i] = -1
        elif key in lookup:
            codes[i] = lookup[key]
        elif item.other:
            codes[i] = position[OTHERS]
        else:
            row = raw.first_row([i])
            raise SurveyError(
                f"{value!r} is not a choice of item {item.id!r}; choices are "
                + ", ".join(repr(x) for x in item.labels)
                + near(value, item.labels),
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
    index = pd.RangeIndex(len(raw))
    labels = pd.Categorical.from_codes(
        raw.take(codes), categories=categories, ordered=item.type == "ordinal"
    )
    labels = pd.Series(labels, index=index)
    other = None
    if item.other:
        others = codes == position[OTHERS]
        texts = objects([u if o else None for u, o in zip(raw.stripped(), others, strict=True)])
        other = pd.Series(raw.take(texts), index=index, dtype=object)
    return labels, other


def split_multi(cell: str, labels: list[str]) -> tuple[list[str], str]:
    """Split a select-all cell into known labels and leftover free text.

    Known labels are matched longest first at each position, so labels that
    contain the separator ("Reach out to clients, especially ...") stay whole;
    text between matches is the respondent's "other" answer.
    """
    ordered = sorted(((norm(x), x) for x in labels), key=lambda p: -len(p[0]))
    text = cell.strip()
    low = text.casefold()
    chosen: list[str] = []
    other: list[str] = []
    pending_start: int | None = None
    i = 0
    at_boundary = True
    while i < len(text):
        if text[i] in _SEPARATORS:
            i += 1
            at_boundary = True
            continue
        if text[i].isspace():
            # A label starts only at the cell's start or after a separator: "Transport
            # cost" is free text, not the choice "Cost" after a space.
            i += 1
            continue
        hit = None
        if at_boundary:
            for key, label in ordered:
                end = i + len(key)
                if low.startswith(key, i) and (end == len(text) or _sep_follows(text, end)):
                    hit = (label, end)
                    break
        if hit:
            if pending_start is not None:
                other.append(text[pending_start:i])
                pending_start = None
            if hit[0] not in chosen:
                chosen.append(hit[0])
            i = hit[1]
        else:
            if pending_start is None:
                pending_start = i
            i += 1
            at_boundary = False
    if pending_start is not None:
        other.append(text[pending_start:])
    leftover = "; ".join(s.strip(" ,;") for s in other if s.strip(" ,;"))
    return chosen, leftover


def _sep_follows(text: str, end: int) -> bool:
    rest = text[end:].lstrip(" ")
    return rest == "" or rest[0] in _SEPARATORS


def parse_multi(
    raw: Column, item: Item, header: str, locate: Locator
) -> tuple[pd.DataFrame, pd.Series]:
    labels = item.labels
    columns = labels + ([OTHERS] if item.other else [])
    flags_of: list[list[bool]] = []
    leftovers: list[str | None] = []
    by_code = {code_text(c.code): c.label for c in item.choices}
    label_keys = {norm(x) for x in labels}
    for i, value in enumerate(raw.uniques):
        tokens = [t.strip() for t in re.split(r"[,;]", value) if t.strip()]
        if (
            tokens
            and all(t in by_code for t in tokens)
            and not any(norm(t) in label_keys for t in tokens)
        ):
            # Qualtrics' numeric export: the chosen codes joined with commas ("5,7").
            chosen, leftover = [by_code[t] for t in tokens], ""
        else:
            chosen, leftover = split_multi(value, labels)
        flags = [label in chosen for label in labels]
        if item.other:
            flags.append(bool(leftover))
        elif leftover:
            # Without other: true an unknown answer cannot be counted anywhere.
            row = raw.first_row([i])
            raise SurveyError(
                f"{leftover!r} is not a choice of item {item.id!r} (set 'other: true' to keep "
                "free-text answers); choices are " + ", ".join(repr(x) for x in labels),
                row=row, line=locate(row), column=header, file=locate.path,
            )  # fmt: skip
        flags_of.append(flags)
        leftovers.append(leftover or None)
    index = pd.RangeIndex(len(raw))
    matrix = np.array(flags_of, dtype=bool).reshape(len(raw.uniques), len(columns))
    chosen = pd.DataFrame(matrix[raw.codes], index=index, columns=columns)
    other = pd.Series(raw.take(objects(leftovers)), index=index, dtype=object)
    return chosen, other


def parse_split_multi(
    table: Table, split: Split, item: Item, notes: list[str]
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Ticks from one column per option (any value but blank/0/N/No/FALSE counts)."""
    index = pd.RangeIndex(table.rows)
    answered = np.zeros(table.rows, dtype=bool)
    flags: dict[str, np.ndarray] = {}
    missing_options: list[str] = []
    for label in item.labels:
        if label not in split.options:
            flags[label] = np.zeros(table.rows, dtype=bool)  # an option nobody could tick
            missing_options.append(label)
            continue
        raw = table.column(split.options[label])
        stripped = raw.stripped()
        flags[label] = raw.take(np.array([norm(u) not in UNTICKED for u in stripped], dtype=bool))
        answered |= raw.take(np.array([u != "" for u in stripped], dtype=bool))
    other = pd.Series(None, index=index, dtype=object)
    if item.other:
        if split.other is not None:
            raw = table.column(split.other)
            texts = [u if u != "" else None for u in raw.stripped()]
            other = pd.Series(raw.take(objects(texts)), index=index, dtype=object)
            answered |= other.notna().to_numpy()
        flags[OTHERS] = other.notna().to_numpy()
    if missing_options:
        notes.append(
            f"select-all item {item.id!r} has no column for "
            + ", ".join(repr(x) for x in missing_options)
            + "; counted as chosen by nobody"
        )
    return pd.DataFrame(flags, index=index), other, pd.Series(answered, index=index)
