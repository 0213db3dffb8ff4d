"""Cell parsing per distinct value: numbers, choices, select-all cells, free text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.ingest.columns import UNTICKED, Split, code_text, near
from surveykit.ingest.csvfile import Column, Locator, Table, norm, objects
from surveykit.questionnaire import OTHERS, Item
from surveykit.stats.precision import exact_centre, needs_centring

_SEPARATORS = (";", ",")
MAX_MAGNITUDE = 1e150
"""Largest |number| read: its square times any n stays below float64's 1.8e308."""


@dataclass(frozen=True)
class Bad:
    """Why a distinct cell text is no valid answer: a short ``reason`` for lists
    ("outside 15–80") and the whole sentence for an error ``message``."""

    reason: str
    message: str


def _missing_keys(item: Item) -> tuple[dict[str, int], dict[float, int]]:
    """An item's missing values by normalised text and by code (position in item.missing)."""
    by_text: dict[str, int] = {}
    by_code: dict[float, int] = {}
    for i, m in enumerate(item.missing):
        by_text.setdefault(norm(m.label), i)
        if m.code is not None:
            by_code.setdefault(float(m.code), i)
            by_text.setdefault(norm(code_text(m.code)), i)
    return by_text, by_code


class NumberCells(NamedTuple):
    """A number item's column, read."""

    values: pd.Series
    centred: tuple[pd.Series, float] | None  # (deviations, shift) when centred exactly
    user_missing: np.ndarray | None  # per distinct text: position in item.missing, or -1
    bad: dict[int, Bad]  # distinct texts that are no valid answer (their cells are missing)
    per_unique: np.ndarray  # the value of each distinct text (NaN: none)


def parse_number(raw: Column, item: Item) -> NumberCells:
    """Values of a number item; missing values and bad cells become NaN."""
    stripped = raw.stripped()
    readable = (
        [_point_decimal(u) for u in stripped]
        if item.decimal == ","
        else [_ungrouped(u) for u in stripped]
        if item.thousands
        else stripped
    )
    texts = objects([u if u != "" else None for u in readable])
    numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    unique_values = numbers.to_numpy(dtype=float, na_value=np.nan, copy=True)
    user_missing = None
    if item.missing:
        by_text, by_code = _missing_keys(item)
        user_missing = np.array(
            [by_text.get(norm(u), by_code.get(v, -1)) for u, v in zip(stripped, unique_values, strict=True)],
            dtype=np.int64,
        )  # fmt: skip
        unique_values[user_missing >= 0] = np.nan
    bad: dict[int, Bad] = {}
    # "inf", "-Infinity" and 1e400 parse as floats but are not answers anyone gave.
    for i, u in enumerate(stripped):
        if (
            u != ""
            and not np.isfinite(unique_values[i])
            and (user_missing is None or user_missing[i] < 0)
        ):
            bad[i] = Bad(
                "not a number", f"{u!r} is not a number (item {item.id!r})" + _mark_hint(u, item)
            )
    with np.errstate(invalid="ignore"):
        huge = np.isfinite(unique_values) & (np.abs(unique_values) > MAX_MAGNITUDE)
    for i in np.flatnonzero(huge):
        bad[int(i)] = Bad(
            "too large to analyse",
            f"{stripped[i]!r} is too large to analyse: beyond ±1e150 sums of squares "
            "overflow; rescale the item (e.g. record thousands or millions)",
        )
    with np.errstate(invalid="ignore"):
        outside = np.zeros(len(unique_values), dtype=bool)
        finite = np.isfinite(unique_values)
        if item.min is not None:
            outside |= finite & (unique_values < item.min)
        if item.max is not None:
            outside |= finite & (unique_values > item.max)
    for i in np.flatnonzero(outside):
        bad[int(i)] = Bad(
            f"outside {_range(item)}",
            f"{stripped[i]!r} is outside the allowed range {_fmt(item.min)}–{_fmt(item.max)} "
            f"of item {item.id!r}",
        )
    if bad:
        unique_values[list(bad)] = np.nan
    index = pd.RangeIndex(len(raw))
    values = pd.Series(raw.take(unique_values), index=index, dtype=float)
    present = ~np.isnan(unique_values)
    if not needs_centring(unique_values[present]):
        return NumberCells(values, None, user_missing, bad, unique_values)
    # float64 has dropped the digits that differ between these values: re-read the
    # distinct texts as exact decimals and subtract one of them before converting.
    deviations, shift = exact_centre([u for u, ok in zip(readable, present, strict=True) if ok])
    per_unique = np.full(len(unique_values), np.nan)
    per_unique[present] = deviations
    centred = (pd.Series(raw.take(per_unique), index=index, dtype=float), float(shift))
    return NumberCells(values, centred, user_missing, bad, unique_values)


_COMMA_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_POINT_LOOKS_COMMA = re.compile(r"[+-]?\d+,\d+")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _ungrouped(text: str) -> str:
    """ "1,234.5" → "1234.5" under ``thousands: ","``; a comma elsewhere stays (and fails)."""
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text


def _point_decimal(text: str) -> str:
    """A decimal-comma number ("3,5", "1.234,5") in the point form that pandas reads.

    A point is then only a thousands separator between groups of three digits, so
    "3.5" is no number here (it is one under ``decimal: "."``): an unclear cell is
    reported, never read in whichever way happens to parse.
    """
    if not _COMMA_NUMBER.fullmatch(text):
        return text if "." not in text else "not a number"
    return text.replace(".", "").replace(",", ".")


def _mark_hint(text: str, item: Item) -> str:
    """The fix for "3,5" when the file uses decimal commas and the questionnaire does not say so."""
    if item.decimal == "." and not item.thousands and _GROUPED.fullmatch(text):
        if "." in text:  # 1,234.5: the comma can only group thousands
            return '; if "," groups thousands in this file, add thousands: "," under survey:'
        # "1,234" is a thousand in one country and a decimal in another: name both fixes.
        return (
            '; if "," groups thousands in this file, add thousands: "," under survey:, '
            'if it is the decimal mark, add decimal: ","'
        )
    if item.decimal == "." and _POINT_LOOKS_COMMA.fullmatch(text):
        return '; if the file uses decimal commas, add decimal: "," under survey:'
    if item.decimal == "," and "." in text:
        return ' (decimal: "," is set, so a point may only group thousands: 1.234,5)'
    return ""


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _range(item: Item) -> str:
    """The allowed range as a person writes it: "15–80", "at least 0", "at most 120"."""
    if item.min is not None and item.max is not None:
        return f"{_fmt(item.min)}–{_fmt(item.max)}"
    return f"at least {_fmt(item.min)}" if item.min is not None else f"at most {_fmt(item.max)}"


_CHOICE_HINT = (
    "; if it means one of them add it to that choice's aliases, list it under the "
    "item's missing:, or set invalid: missing"
)


def parse_choice(
    raw: Column, item: Item
) -> tuple[pd.Series, pd.Series | None, np.ndarray | None, dict[int, Bad]]:
    """Labels (categorical), typed "other" texts, each distinct text's missing value
    (-1: none) and the distinct texts that are no choice (their cells are missing)."""
    categories = item.labels + ([OTHERS] if item.other else [])
    position = {label: i for i, label in enumerate(categories)}
    lookup: dict[str, int] = {}
    for c in item.choices:
        lookup[norm(c.label)] = position[c.label]
    for c in item.choices:
        for alias in c.aliases:
            lookup.setdefault(norm(alias), position[c.label])
    by_text, _ = _missing_keys(item)
    missing_of = {k: i for k, i in by_text.items() if k not in lookup}
    for c in item.choices:
        lookup.setdefault(norm(code_text(c.code)), position[c.label])
    codes = np.empty(len(raw.uniques), dtype=np.int16 if len(categories) < 32000 else np.int32)
    user_missing = np.full(len(raw.uniques), -1, dtype=np.int64) if item.missing else None
    bad: dict[int, Bad] = {}
    for i, value in enumerate(raw.uniques):
        key = norm(value)
        codes[i] = -1
        if key == "":
            pass
        elif key in lookup:
            codes[i] = lookup[key]
        elif key in missing_of and user_missing is not None:
            user_missing[i] = missing_of[key]
        elif item.other:
            codes[i] = position[OTHERS]
        else:
            bad[i] = Bad(
                "not a choice",
                f"{value.strip()!r} is not a choice of item {item.id!r}; choices are "
                + ", ".join(repr(x) for x in item.labels)
                + near(value, item.labels)
                + _CHOICE_HINT,
            )
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
    return labels, other, user_missing, bad


def split_multi(
    cell: str, labels: list[str], aliases: dict[str, str] | None = None
) -> tuple[list[str], str]:
    """Split a select-all cell into known labels and leftover free text.

    Known labels (and ``aliases``, alias → label) are matched longest first at each
    position, so labels that contain the separator ("Reach out to clients, especially
    ...") stay whole; text between matches is the respondent's "other" answer.
    """
    chosen, pieces = _split_builtin(cell, labels, aliases or {})
    return chosen, _join(pieces)


def _join(pieces: list[str]) -> str:
    return "; ".join(s.strip(" ,;") for s in pieces if s.strip(" ,;"))


def _split_builtin(
    cell: str, labels: list[str], aliases: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Chosen labels and the pieces of text between them (``, `` / ``;`` / ``,`` rules)."""
    keys = [(norm(x), x) for x in labels] + [(norm(a), x) for a, x in aliases.items()]
    ordered = sorted(keys, key=lambda p: -len(p[0]))
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
    return chosen, other


def _sep_follows(text: str, end: int) -> bool:
    rest = text[end:].lstrip(" ")
    return rest == "" or rest[0] in _SEPARATORS


def _split_on(cell: str, separator: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """Chosen labels and unknown parts of a cell joined by the item's own ``separator``."""
    chosen: list[str] = []
    other: list[str] = []
    for part in cell.split(separator):
        label = lookup.get(norm(part))
        if label is not None:
            if label not in chosen:
                chosen.append(label)
        elif part.strip():
            other.append(part.strip())
    return chosen, other


# Characters that surround free text rather than join answers: "Other (Python)".
_NOT_JOINERS = set("()[]{}<>\"'`“”‘’«»")


def embedded_label(piece: str, keys: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(label, joining text) when ``piece`` holds a known label as a whole answer.

    ``keys`` are (normalised label, label) pairs. A label counts when it stands between
    the piece's ends or punctuation such as ``|`` or `` / `` (its joiner), never inside
    a sentence: "Python|Java" holds "Python", "I mostly use Python" does not. Labels
    joined by spaces alone ("Dog Cat") count too, with " " as the joiner.
    """
    pattern, label_of = _finder(tuple(keys))
    if pattern is None:
        return None
    low = piece.casefold()
    for match in pattern.finditer(low):  # leftmost first: the first label in the cell
        before = piece[: match.start()].rstrip()
        after = piece[match.end() :].lstrip()
        if (before and before[-1].isalnum()) or (after and after[0].isalnum()):
            continue
        joiner = _joiner(after, leading=True) or _joiner(before, leading=False)
        if joiner:
            return label_of[match.group()], joiner
    return _labels_and_spaces(low, pattern, label_of)


@functools.lru_cache(maxsize=64)
def _finder(keys: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One regular expression for all of an item's labels (longest first), compiled once."""
    if not keys:
        return None, {}
    ordered = sorted(keys, key=lambda p: -len(p[0]))
    alternatives = "|".join(re.escape(key) for key, _ in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), dict(ordered)


def _labels_and_spaces(
    low: str, pattern: re.Pattern[str], label_of: dict[str, str]
) -> tuple[str, str] | None:
    """(first label, " ") when ``low`` is nothing but two or more labels and spaces."""
    found: list[str] = []
    i = len(low) - len(low.lstrip())
    while i < len(low):
        match = pattern.match(low, i)
        if match is None:
            return None
        found.append(label_of[match.group()])
        i = match.end()
        while i < len(low) and low[i].isspace():
            i += 1
        if found and i < len(low) and i == match.end():
            return None  # a label followed by something other than a space
    return (found[0], " ") if len(found) > 1 else None


def _joiner(text: str, *, leading: bool) -> str:
    run = ""
    for ch in text if leading else reversed(text):
        if ch.isalnum() or ch.isspace() or ch in _NOT_JOINERS:
            break
        run = run + ch if leading else ch + run
    return run


class MultiCells(NamedTuple):
    """A select-all item's single column, read."""

    chosen: pd.DataFrame  # a flag per label (and Others)
    other: pd.Series  # typed "other" texts
    bad: dict[int, Bad]  # distinct texts that are no valid answer
    user_missing: np.ndarray | None  # per distinct text: position in item.missing, or -1


def parse_multi(
    raw: Column, item: Item, header: str, locate: Locator, notes: list[str]
) -> MultiCells:
    """Chosen flags per label, typed "other" texts, missing values and the cells that are
    no valid answer.

    A cell whose leftover text still holds a known label was split at the wrong
    character: that is an error naming the character to set as ``separator:``,
    never an "other" answer (it would silently lower the label's count). A cell of
    missing values only ("Prefer not to say") is that missing value; beside answers,
    a missing value is ignored and the answers count (with a note).
    """
    labels = item.labels
    columns = labels + ([OTHERS] if item.other else [])
    flags_of: list[list[bool]] = []
    leftovers: list[str | None] = []
    bad: dict[int, Bad] = {}
    by_code = {code_text(c.code): c.label for c in item.choices}
    missing_labels = [m.label for m in item.missing]
    user_missing = np.full(len(raw.uniques), -1, dtype=np.int64) if item.missing else None
    mixed: list[int] = []
    aliases = {a: c.label for c in item.choices for a in c.aliases}
    aliases.update({code_text(m.code): m.label for m in item.missing if m.code is not None})
    lookup = (
        {norm(a): x for a, x in aliases.items()}
        | {norm(x): x for x in missing_labels}
        | {norm(x): x for x in labels}
    )
    keys = sorted(lookup.items(), key=lambda p: -len(p[0]))
    for i, value in enumerate(raw.uniques):
        if item.separator is not None:
            tokens = [t.strip() for t in value.split(item.separator) if t.strip()]
        else:
            tokens = [t.strip() for t in re.split(r"[,;\s]", value) if t.strip()]
        if (
            tokens
            and all(t in by_code for t in tokens)
            and not any(norm(t) in lookup for t in tokens)
        ):
            # Choice codes: Qualtrics' numeric export joins them with commas ("5,7"),
            # ODK/Kobo's select_multiple with spaces ("1 3"). Only when no part is a label.
            chosen, pieces = [by_code[t] for t in tokens], []
        elif item.separator is not None:
            chosen, pieces = _split_on(value, item.separator, lookup)
        else:
            chosen, pieces = _split_builtin(value, labels + missing_labels, aliases)
        if user_missing is not None:
            given = [x for x in chosen if x in missing_labels]
            chosen = [x for x in chosen if x not in missing_labels]
            if given and not chosen and not pieces:
                user_missing[i] = missing_labels.index(given[0])
            elif given:
                mixed.append(i)
        for piece in pieces:
            found = embedded_label(piece, keys)
            if found is not None:
                row = raw.first_row([i])
                label, joiner = found
                fix = f"set separator: {_yaml_str(joiner)} on the item"
                if joiner.isspace() and any(joiner in x for x in labels):
                    # A space cannot split labels that hold spaces: no key reads this cell.
                    fix = (
                        "the labels themselves hold spaces, so no separator can split it; "
                        "export the answers joined by another character (e.g. ;) and set "
                        "that as separator:"
                    )
                raise SurveyError(
                    f"{value.strip()!r} holds the choice {label!r} joined to the rest by "
                    f"{joiner!r}, which item {item.id!r} does not split at; {fix}",
                    row=row, line=locate(row), column=header, file=locate.path,
                )  # fmt: skip
        leftover = _join(pieces)
        flags = [label in chosen for label in labels]
        if item.other:
            flags.append(bool(leftover))
        elif leftover:
            # Without other: true an unknown answer cannot be counted anywhere.
            bad[i] = Bad(
                "not a choice",
                f"{leftover!r} is not a choice of item {item.id!r} (set 'other: true' to keep "
                "free-text answers); choices are " + ", ".join(repr(x) for x in labels),
            )
            flags = [False] * len(labels)
        flags_of.append(flags)
        leftovers.append(leftover or None)
    index = pd.RangeIndex(len(raw))
    matrix = np.array(flags_of, dtype=bool).reshape(len(raw.uniques), len(columns))
    chosen_frame = pd.DataFrame(matrix[raw.codes], index=index, columns=columns)
    other = pd.Series(raw.take(objects(leftovers)), index=index, dtype=object)
    if mixed:
        n = int(np.isin(raw.codes, mixed).sum())
        notes.append(
            f"{n} answer(s) to {item.id!r} hold one of its missing values beside other "
            "answers; the other answers are counted and the missing value is ignored"
        )
    return MultiCells(chosen_frame, other, bad, user_missing)


def _yaml_str(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
