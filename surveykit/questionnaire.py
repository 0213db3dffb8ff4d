"""The questionnaire model: items, choices, display conditions and exclusion rules.

Read from the public YAML format documented in ``docs/questionnaire.md``.
Everything is validated here, with the file and line of the offending entry,
so later stages can trust the model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.errors import SurveyError
from surveykit.expressions import Expression, parse_expression
from surveykit.grids import choice_sets, duplicate_id, expand
from surveykit.yamlio import Mapping, load_yaml, reject_unknown_keys

ITEM_TYPES = ("number", "single", "ordinal", "multi", "text", "datetime")
CHOICE_TYPES = ("single", "ordinal", "multi")
OTHERS = "Others"
"""The label under which free-text "other" answers are counted."""

_ITEM_KEYS = {
    "id", "text", "label", "type", "choices", "other", "show_if", "column",
    "min", "max", "required", "report", "separator", "missing", "invalid", "redact",
    "format", "dayfirst",
    "decimal", "thousands",
}  # fmt: skip
DECIMALS = (".", ",")
"""The decimal mark of number cells: a point (3.5) or, in many European exports, a comma (3,5)."""
INVALID = ("error", "missing")
"""What an out-of-range, non-numeric or unknown-choice cell does: stop the run, or become missing."""
_RULES = ("duplicate", "where", "speeder", "straightline")


@dataclass(frozen=True)
class Choice:
    """One answer option: its numeric code (the score used by tests) and its label."""

    code: float
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissingValue:
    """An answer that is recorded but is no value (SPSS's user-missing): "I don't know", -9.

    ``code`` is the number that also stands for it in the data, when there is one.
    """

    label: str
    code: float | None = None


@dataclass(frozen=True)
class ColumnPick:
    """One column among headers that are equal: the ``occurrence``-th (1-based) with
    ``header``, or the column at 1-based position ``index``."""

    header: str | None = None
    occurrence: int = 1
    index: int | None = None


@dataclass(frozen=True)
class Item:
    """One question."""

    id: str
    text: str
    type: str
    label: str
    choices: tuple[Choice, ...] = ()
    other: bool = False
    show_if: Expression | None = None
    columns: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    required: bool = False
    report: bool = True
    redact: tuple[str, ...] = ()
    line: int = 0
    separator: str | None = None
    pick: ColumnPick | None = None
    missing: tuple[MissingValue, ...] = ()
    invalid: str = "error"
    format: str | None = None
    """datetime: the one strftime format of its cells (none: the common exports' formats)."""
    dayfirst: bool | None = None
    """datetime: 3/4/2024 is 3 April (True) or March 4 (False); None: decided by the data."""
    decimal: str = "."
    thousands: bool = False  # "," groups thousands in number cells (1,234.5); only with decimal "."

    @property
    def labels(self) -> list[str]:
        """Choice labels in questionnaire order."""
        return [c.label for c in self.choices]

    @property
    def is_choice(self) -> bool:
        """True for single, ordinal and multi items."""
        return self.type in CHOICE_TYPES


@dataclass(frozen=True)
class ExcludeRule:
    """A rule that drops rows before analysis."""

    rule: str
    reason: str
    columns: tuple[str, ...] = ()
    expr: Expression | None = None
    keep: str = "first"
    line: int = 0
    items: tuple[str, ...] = ()
    """straightline: the statements compared."""
    min_items: int | None = None
    """straightline: how many of them must be answered (all of them when None)."""
    duration: str | None = None
    """speeder: the number item holding the time taken, in seconds."""
    min_seconds: float | None = None
    start: str | None = None
    """speeder: the datetime item of the start (with ``end``, instead of ``duration``)."""
    end: str | None = None


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire."""

    id: str
    title: str
    items: tuple[Item, ...]
    respondent_id: str | None = None
    exclude: tuple[ExcludeRule, ...] = ()
    path: Path | None = None
    intro: str = ""
    grids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each grid question's id and the ids of its rows (``<grid>_<row>``)."""
    _by_id: dict[str, Item] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({item.id: item for item in self.items})

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if none)."""
        return self._by_id[item_id]

    def has(self, item_id: str) -> bool:
        """Whether an item with this id exists."""
        return item_id in self._by_id


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire YAML file."""
    path = Path(path)
    doc = load_yaml(path)
    try:
        return _build(doc, path)
    except SurveyError as exc:
        exc.file = exc.file or str(path)
        raise


def _build(doc: Any, path: Path) -> Questionnaire:
    if not isinstance(doc, Mapping):
        raise SurveyError("a questionnaire is a mapping with 'survey:' and 'items:'", line=1)
    reject_unknown_keys(doc, {"survey", "items", "exclude", "choice_sets"}, "top level")
    survey = doc.get("survey") or Mapping()
    if not isinstance(survey, Mapping):
        raise SurveyError("'survey:' must be a mapping", line=doc.line_of("survey"))
    reject_unknown_keys(
        survey,
        {"id", "title", "respondent_id", "description", "invalid", "intro", "decimal", "thousands"},
        "survey",
    )
    survey_decimal = _decimal(survey, "survey", ".")
    survey_thousands = _thousands(survey, "survey", survey_decimal, False)
    survey_invalid = survey.get("invalid", "error")
    if survey_invalid not in INVALID:
        raise SurveyError(
            f"survey: 'invalid' must be error or missing, got {survey_invalid!r}",
            line=survey.line_of("invalid"),
        )
    intro = survey.get("intro", "")
    if not isinstance(intro, str):
        raise SurveyError(
            "'intro' must be text (the introduction and consent shown before the questions)",
            line=survey.line_of("intro"),
        )
    raw_items = doc.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise SurveyError("'items:' must be a non-empty list of items", line=doc.line_of("items"))
    sets = choice_sets(doc)
    for name, entries in sets.items():  # check each set once, pointing at its own lines
        _choices(f"choice set {name}", entries, doc["choice_sets"].line_of(name))
    raw_items, grids = expand(raw_items, sets)

    items: list[Item] = []
    seen: dict[str, Mapping] = {}
    for raw in raw_items:
        item = _item(raw, survey_invalid, survey_decimal, survey_thousands)
        if item.id in seen:
            raise SurveyError(duplicate_id(raw, seen[item.id]), line=item.line)
        seen[item.id] = raw
        items.append(item)

    types = {item.id: item.type for item in items}
    resolved: list[Item] = []
    for raw, item in zip(raw_items, items, strict=True):
        if "show_if" in raw:
            expr = _expression(raw["show_if"], types, raw.line_of("show_if"))
            if item.id in expr.names:
                raise SurveyError(
                    f"item {item.id!r}: show_if refers to the item itself",
                    line=raw.line_of("show_if"),
                )
            item = _replace(item, show_if=expr)
        resolved.append(item)
    _check_show_if_cycles(resolved)

    raw_rules = doc.get("exclude") or []
    if not isinstance(raw_rules, list):
        raise SurveyError(
            "'exclude:' must be a list of rules, e.g. - {rule: where, expr: 'age < 18'}",
            line=doc.line_of("exclude"),
        )
    rules = [_rule(raw, types, grids) for raw in raw_rules]
    for key in ("id", "title"):
        value = survey.get(key)
        if value is not None and not isinstance(value, str | int | float):
            raise SurveyError(f"survey {key!r} must be text", line=survey.line_of(key))
    respondent_id = survey.get("respondent_id")
    if respondent_id is not None and not isinstance(respondent_id, str):
        raise SurveyError(
            "'respondent_id' must be a column name or null", line=survey.line_of("respondent_id")
        )
    return Questionnaire(
        id=str(survey.get("id") or path.parent.name or "survey"),
        title=str(survey.get("title") or survey.get("id") or "Survey"),
        items=tuple(resolved),
        respondent_id=respondent_id,
        exclude=tuple(rules),
        path=path,
        intro=intro.strip(),
        grids=grids,
    )


def _replace(item: Item, **changes: Any) -> Item:
    from dataclasses import replace

    return replace(item, **changes)


def _decimal(raw: Mapping, where: str, default: str) -> str:
    mark = raw.get("decimal", default)
    if mark not in DECIMALS:
        raise SurveyError(
            f'{where}: \'decimal\' must be "." or "," (the decimal mark of number cells), '
            f"got {mark!r}",
            line=raw.line_of("decimal"),
        )
    return mark


def _thousands(raw: Mapping, where: str, decimal: str, default: bool) -> bool:
    """``thousands: ","`` lets 1,234 read as one thousand two hundred and thirty-four.

    It is never assumed: "1,234" is a decimal comma in much of Europe. With
    ``decimal: ","`` a point may group thousands (1.234,5) without saying so.
    """
    if "thousands" not in raw:
        return default and decimal == "."
    if raw["thousands"] != "," or decimal != ".":
        raise SurveyError(
            f"{where}: 'thousands' can only be \",\" (with the decimal point; with "
            f'decimal: "," a point groups thousands anyway), got {raw["thousands"]!r}',
            line=raw.line_of("thousands"),
        )
    return True


def _item(raw: Any, invalid: str = "error", decimal: str = ".", thousands: bool = False) -> Item:
    if not isinstance(raw, Mapping):
        raise SurveyError(
            "each item must be a mapping with at least 'id' and 'type'",
            line=getattr(raw, "line", None),
        )
    line = raw.line
    reject_unknown_keys(raw, _ITEM_KEYS, f"item {raw.get('id', '?')!r}")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id.isidentifier():
        raise SurveyError(
            f"item id {item_id!r} must be a name of letters, digits and underscores "
            "(not starting with a digit), e.g. accept_pss",
            line=raw.line_of("id"),
        )
    kind = raw.get("type")
    if kind not in ITEM_TYPES:
        raise SurveyError(
            f"item {item_id!r}: type must be one of {', '.join(ITEM_TYPES)}, got {kind!r}",
            line=raw.line_of("type"),
        )
    text = raw.get("text", item_id)
    if not isinstance(text, str) or not text.strip():
        raise SurveyError(
            f"item {item_id!r}: 'text' must be the question text", line=raw.line_of("text")
        )
    label = raw.get("label", text)
    if (
        not isinstance(label, str | int | float)
        or isinstance(label, bool)
        or not str(label).strip()
    ):
        raise SurveyError(
            f"item {item_id!r}: 'label' must be a short text (or leave it out to use the question)",
            line=raw.line_of("label"),
        )
    columns = raw.get("column", [])
    pick = None
    if isinstance(columns, Mapping):
        pick = _column_pick(item_id, columns)
        columns = [pick.header] if pick.header is not None else []
    if isinstance(columns, str):
        columns = [columns]
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise SurveyError(
            f"item {item_id!r}: 'column' must be a header, a list of headers, "
            '{header: "…", occurrence: 2} or {index: 40}',
            line=raw.line_of("column"),
        )

    choices: tuple[Choice, ...] = ()
    if kind in CHOICE_TYPES:
        choices = _choices(item_id, raw.get("choices"), raw.line_of("choices"))
    elif "choices" in raw:
        raise SurveyError(
            f"item {item_id!r}: a {kind} item has no choices", line=raw.line_of("choices")
        )
    other = raw.get("other", False)
    if not isinstance(other, bool):
        raise SurveyError(
            f"item {item_id!r}: 'other' must be true or false", line=raw.line_of("other")
        )
    if other and kind not in ("single", "multi"):
        raise SurveyError(
            f"item {item_id!r}: 'other' applies to single and multi items only",
            line=raw.line_of("other"),
        )
    if other and OTHERS in [c.label for c in choices]:
        raise SurveyError(
            f"item {item_id!r}: with 'other: true', {OTHERS!r} is added for you; "
            "remove it from choices",
            line=raw.line_of("choices"),
        )

    bounds = {}
    for key in ("min", "max"):
        if key in raw:
            value = raw[key]
            if kind != "number":
                raise SurveyError(
                    f"item {item_id!r}: '{key}' applies to number items only", line=raw.line_of(key)
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SurveyError(
                    f"item {item_id!r}: '{key}' must be a number", line=raw.line_of(key)
                )
            if not math.isfinite(value):
                raise SurveyError(
                    f"item {item_id!r}: '{key}' must be a finite number, got {value!r}; "
                    "leave it out for no bound",
                    line=raw.line_of(key),
                )
            bounds[key] = float(value)
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        raise SurveyError(f"item {item_id!r}: min is greater than max", line=raw.line_of("min"))
    for key in ("required", "report"):
        if key in raw and not isinstance(raw[key], bool):
            raise SurveyError(
                f"item {item_id!r}: '{key}' must be true or false", line=raw.line_of(key)
            )
    separator = raw.get("separator")
    if "separator" in raw:
        if kind != "multi":
            raise SurveyError(
                f"item {item_id!r}: 'separator' applies to multi items only",
                line=raw.line_of("separator"),
            )
        if not isinstance(separator, str) or not separator:
            raise SurveyError(
                f"item {item_id!r}: 'separator' must be the text that joins the chosen "
                'answers in a cell, e.g. separator: "|"',
                line=raw.line_of("separator"),
            )
    for key in ("decimal", "thousands"):
        if key in raw and kind != "number":
            raise SurveyError(
                f"item {item_id!r}: {key!r} applies to number items only", line=raw.line_of(key)
            )
    if "invalid" in raw and kind == "text":
        raise SurveyError(
            f"item {item_id!r}: 'invalid' applies to answers that can be invalid, not text",
            line=raw.line_of("invalid"),
        )
    invalid = raw.get("invalid", invalid)
    if invalid not in INVALID:
        raise SurveyError(
            f"item {item_id!r}: 'invalid' must be error or missing, got {invalid!r}",
            line=raw.line_of("invalid"),
        )
    missing: tuple[MissingValue, ...] = ()
    if "missing" in raw:
        choices, missing = _missing(
            item_id, kind, raw.get("missing"), choices, raw.line_of("missing")
        )
    fmt, dayfirst = _datetime_keys(raw, item_id, kind)
    redact = raw.get("redact", [])
    if isinstance(redact, str):
        redact = [redact]
    if kind != "text" and "redact" in raw:
        raise SurveyError(
            f"item {item_id!r}: 'redact' applies to text items only", line=raw.line_of("redact")
        )
    if not isinstance(redact, list) or not all(isinstance(r, str) and r for r in redact):
        raise SurveyError(
            f"item {item_id!r}: 'redact' is a list of regular expressions",
            line=raw.line_of("redact"),
        )
    for pattern in redact:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SurveyError(
                f"item {item_id!r}: redact pattern {pattern!r} is not a valid regular "
                f"expression ({exc.msg})",
                line=raw.line_of("redact"),
            ) from exc
    return Item(
        id=item_id,
        text=" ".join(text.split()),
        type=kind,
        label=str(label),
        choices=choices,
        other=other,
        columns=tuple(columns),
        min=bounds.get("min"),
        max=bounds.get("max"),
        required=bool(raw.get("required", False)),
        report=bool(raw.get("report", True)),
        redact=tuple(redact),
        line=line,
        separator=separator,
        pick=pick,
        missing=missing,
        invalid=invalid,
        format=fmt,
        dayfirst=dayfirst,
        decimal=(mark := _decimal(raw, f"item {item_id!r}", decimal)),
        thousands=_thousands(raw, f"item {item_id!r}", mark, thousands),
    )


def _datetime_keys(raw: Mapping, item_id: str, kind: str) -> tuple[str | None, bool | None]:
    """A datetime item's ``format:`` (strftime) or ``dayfirst:`` (true/false)."""
    for key in ("format", "dayfirst"):
        if key in raw and kind != "datetime":
            raise SurveyError(
                f"item {item_id!r}: '{key}' applies to datetime items only", line=raw.line_of(key)
            )
    if kind != "datetime":
        return None, None
    if "missing" in raw:
        raise SurveyError(
            f"item {item_id!r}: 'missing' applies to number and choice items, not datetime",
            line=raw.line_of("missing"),
        )
    fmt, dayfirst = raw.get("format"), raw.get("dayfirst")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        raise SurveyError(
            f"item {item_id!r}: 'format' is a strftime format such as \"%d/%m/%Y %H:%M\", "
            f"got {fmt!r}",
            line=raw.line_of("format"),
        )
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise SurveyError(
            f"item {item_id!r}: 'dayfirst' must be true (3/4/2024 is 3 April) or false "
            f"(March 4), got {dayfirst!r}",
            line=raw.line_of("dayfirst"),
        )
    if fmt is not None and dayfirst is not None:
        raise SurveyError(
            f"item {item_id!r}: give 'format' or 'dayfirst', not both (a format states the order)",
            line=raw.line_of("dayfirst"),
        )
    return fmt, dayfirst


def _key(text: str) -> str:
    """Text as cells are matched: case and runs of white space ignored."""
    return " ".join(text.split()).casefold()


def _column_pick(item_id: str, raw: Mapping) -> ColumnPick:
    reject_unknown_keys(raw, {"header", "occurrence", "index"}, f"the column of {item_id!r}")
    header, occurrence, index = raw.get("header"), raw.get("occurrence", 1), raw.get("index")
    usage = '; write {header: "…", occurrence: 2} or {index: 40} (1-based)'
    if (header is None) == (index is None):
        raise SurveyError(
            f"item {item_id!r}: 'column' needs either 'header' or 'index'" + usage, line=raw.line
        )
    for key, value in (("occurrence", occurrence), ("index", index)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise SurveyError(
                f"item {item_id!r}: column '{key}' must be a whole number from 1, got {value!r}",
                line=raw.line_of(key),
            )
    if header is not None and not isinstance(header, str):
        raise SurveyError(
            f"item {item_id!r}: column 'header' must be the header text", line=raw.line_of("header")
        )
    if index is not None and "occurrence" in raw:
        raise SurveyError(
            f"item {item_id!r}: 'occurrence' goes with 'header', not 'index'",
            line=raw.line_of("occurrence"),
        )
    return ColumnPick(header=header, occurrence=occurrence, index=index)


def _missing(
    item_id: str, kind: str, raw: Any, choices: tuple[Choice, ...], line: int
) -> tuple[tuple[Choice, ...], tuple[MissingValue, ...]]:
    """The item's valid choices and its missing values.

    An entry naming a choice (by label or code) takes that choice out of the valid ones,
    so it never enters a score, a test or a reversal; any other entry is an answer
    text or number the data may hold.
    """
    if kind == "text":
        raise SurveyError(f"item {item_id!r}: 'missing' applies to answers, not text", line=line)
    if not isinstance(raw, list) or not raw:
        raise SurveyError(
            f"item {item_id!r}: 'missing' must be a list of answers or codes, "
            """e.g. missing: ["I don't know", 99]""",
            line=line,
        )
    valid = list(choices)
    out: list[MissingValue] = []
    for entry in raw:
        if isinstance(entry, bool) or not isinstance(entry, str | int | float):
            raise SurveyError(
                f"item {item_id!r}: a 'missing' entry must be an answer or a code, got {entry!r}",
                line=line,
            )
        hit = next(
            (
                c
                for c in valid
                if (
                    isinstance(entry, str) and _key(entry) in {_key(c.label), *map(_key, c.aliases)}
                )
                or (not isinstance(entry, str) and c.code == entry)
            ),
            None,
        )
        if hit is not None:
            valid.remove(hit)
            out.append(MissingValue(label=hit.label, code=hit.code))
            out.extend(MissingValue(label=a) for a in hit.aliases)
        elif isinstance(entry, str):
            out.append(MissingValue(label=entry.strip()))
        else:
            out.append(MissingValue(label=f"{entry:g}", code=float(entry)))
    keys = [_key(m.label) for m in out]
    if len(set(keys)) != len(keys):
        raise SurveyError(f"item {item_id!r}: a 'missing' entry is listed twice", line=line)
    if choices and not valid:
        raise SurveyError(
            f"item {item_id!r}: every choice is listed under 'missing'; keep at least one answer",
            line=line,
        )
    return tuple(valid), tuple(out)


def _choices(item_id: str, raw: Any, line: int) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        raise SurveyError(f"item {item_id!r}: 'choices' must be a non-empty list", line=line)
    out: list[Choice] = []
    for i, entry in enumerate(raw, start=1):
        if isinstance(entry, Mapping):
            reject_unknown_keys(entry, {"code", "label", "aliases"}, f"a choice of {item_id!r}")
            code, label = entry.get("code", i), entry.get("label")
            line = entry.line
            aliases = entry.get("aliases", [])
            if isinstance(aliases, str | int | float) and not isinstance(aliases, bool):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(
                isinstance(a, str | int | float) and not isinstance(a, bool) for a in aliases
            ):
                raise SurveyError(
                    f"item {item_id!r}: 'aliases' of choice {label!r} must be a list of texts, "
                    'e.g. aliases: ["M", "man"]',
                    line=entry.line_of("aliases"),
                )
        else:
            code, label, aliases = i, entry, []
        if isinstance(label, bool) or not isinstance(label, str | int | float):
            raise SurveyError(
                f"item {item_id!r}: choice {i} needs a label "
                '(quote "Yes"/"No": bare yes/no are booleans in YAML)',
                line=line,
            )
        if isinstance(code, bool) or not isinstance(code, int | float):
            raise SurveyError(
                f"item {item_id!r}: choice {label!r} has a non-numeric code {code!r}", line=line
            )
        if not math.isfinite(code):
            raise SurveyError(
                f"item {item_id!r}: choice {label!r} has code {code!r}; codes are finite numbers",
                line=line,
            )
        out.append(Choice(code=code, label=str(label), aliases=tuple(str(a) for a in aliases)))
    labels = [c.label for c in out]
    dupes = {x for x in labels if labels.count(x) > 1}
    if dupes:
        raise SurveyError(
            f"item {item_id!r}: choice label {sorted(dupes)[0]!r} appears twice", line=line
        )
    codes = [c.code for c in out]
    if len(set(codes)) != len(codes):
        raise SurveyError(f"item {item_id!r}: two choices share a code", line=line)
    owner: dict[str, str] = {_key(c.label): c.label for c in out}
    for c in out:
        for alias in c.aliases:
            other = owner.setdefault(_key(alias), c.label)
            if other != c.label:
                raise SurveyError(
                    f"item {item_id!r}: alias {alias!r} of {c.label!r} already stands for "
                    f"{other!r}",
                    line=line,
                )
    return tuple(out)


def _expression(source: Any, types: dict[str, str], line: int) -> Expression:
    try:
        return parse_expression(source, types)
    except SurveyError as exc:
        exc.line = line
        raise


def _rule(raw: Any, types: dict[str, str], grids: dict[str, tuple[str, ...]]) -> ExcludeRule:
    if not isinstance(raw, Mapping) or raw.get("rule") not in _RULES:
        raise SurveyError(
            f"each exclude entry needs 'rule:' one of {', '.join(_RULES)}",
            line=getattr(raw, "line", None),
        )
    kind = raw["rule"]
    if kind in ("speeder", "straightline"):
        return _screening_rule(raw, kind, types, grids)
    reject_unknown_keys(raw, {"rule", "columns", "expr", "keep", "reason"}, "exclude rule")
    if kind == "duplicate":
        columns = raw.get("columns")
        if isinstance(columns, str):
            columns = [columns]
        if (
            not isinstance(columns, list)
            or not columns
            or not all(isinstance(c, str) for c in columns)
        ):
            raise SurveyError(
                "a duplicate rule needs 'columns:', a list of item ids or headers", line=raw.line
            )
        keep = raw.get("keep", "first")
        if keep not in ("first", "last"):
            raise SurveyError(
                f"'keep' must be first or last, got {keep!r}", line=raw.line_of("keep")
            )
        return ExcludeRule(
            rule=kind,
            reason=_reason(raw) or f"repeated submission (same {', '.join(columns)})",
            columns=tuple(columns),
            keep=keep,
            line=raw.line,
        )
    expr = _expression(raw.get("expr"), types, raw.line_of("expr"))
    return ExcludeRule(rule=kind, reason=_reason(raw) or expr.source, expr=expr, line=raw.line)


def _screening_rule(
    raw: Mapping, kind: str, types: dict[str, str], grids: dict[str, tuple[str, ...]]
) -> ExcludeRule:
    """Data-quality screening: answers too fast to have been read, or the same answer throughout."""
    if kind == "speeder":
        reject_unknown_keys(
            raw, {"rule", "duration", "min_seconds", "start", "end", "reason"}, "a speeder rule"
        )
        start, end, duration = raw.get("start"), raw.get("end"), raw.get("duration")
        timed = "start" in raw or "end" in raw
        if timed and "duration" in raw:
            raise SurveyError(
                "a speeder rule takes either start: and end: (datetime items) or duration: "
                "(a number item of seconds), not both",
                line=raw.line_of("duration"),
            )
        if timed:
            for key, value in (("start", start), ("end", end)):
                if types.get(value) != "datetime":
                    what = f"a {types[value]} item" if value in types else "not an item id"
                    raise SurveyError(
                        f"a speeder rule's {key!r} must be a datetime item (type: datetime), "
                        f"got {value!r} ({what})",
                        line=raw.line_of(key) if key in raw else raw.line,
                    )
        elif types.get(duration) != "number":
            raise SurveyError(
                f"a speeder rule's 'duration' must be a number item holding seconds (or give "
                f"'start' and 'end', datetime items), got {duration!r}",
                line=raw.line_of("duration") if "duration" in raw else raw.line,
            )
        limit = raw.get("min_seconds")
        if isinstance(limit, bool) or not isinstance(limit, int | float) or not limit > 0:
            raise SurveyError(
                f"'min_seconds' must be a positive number of seconds, got {limit!r}",
                line=raw.line_of("min_seconds"),
            )
        return ExcludeRule(
            rule=kind,
            reason=str(raw.get("reason") or f"answered in under {limit:g} seconds"),
            duration=None if timed else duration,
            start=start if timed else None,
            end=end if timed else None,
            min_seconds=float(limit),
            line=raw.line,
        )
    reject_unknown_keys(raw, {"rule", "items", "min_items", "reason"}, "a straightline rule")
    items = raw.get("items")
    if isinstance(items, list):  # a grid's id stands for its rows
        items = [row for i in items for row in (grids.get(i, (i,)) if isinstance(i, str) else (i,))]
    if not isinstance(items, list) or len(items) < 2:
        raise SurveyError(
            "a straightline rule lists two or more statements in 'items:'",
            line=raw.line_of("items"),
        )
    for item in items:
        if types.get(item) not in ("single", "ordinal"):
            raise SurveyError(
                f"straightline: {item!r} is not a single or ordinal item", line=raw.line_of("items")
            )
    least = raw.get("min_items", len(items))
    if isinstance(least, bool) or not isinstance(least, int) or not 2 <= least <= len(items):
        raise SurveyError(
            f"'min_items' must be a whole number from 2 to {len(items)}, got {least!r}",
            line=raw.line_of("min_items"),
        )
    return ExcludeRule(
        rule=kind,
        reason=str(
            raw.get("reason")
            or f"the same answer to every statement ({least} or more of {len(items)} answered)"
        ),
        items=tuple(items),
        min_items=least,
        line=raw.line,
    )


def _reason(raw: Mapping) -> str | None:
    reason = raw.get("reason")
    if reason is not None and (
        isinstance(reason, bool) or not isinstance(reason, str | int | float)
    ):
        raise SurveyError("'reason' must be a short text", line=raw.line_of("reason"))
    return str(reason) if reason not in (None, "") else None


def _check_show_if_cycles(items: list[Item]) -> None:
    deps = {item.id: set(item.show_if.names) if item.show_if else set() for item in items}
    lines = {item.id: item.line for item in items}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = [*trail[trail.index(node) :], node]
            raise SurveyError(
                f"show_if conditions form a cycle: {' → '.join(cycle)}", line=lines[node]
            )
        state[node] = 1
        for dep in deps[node]:
            visit(dep, [*trail, node])
        state[node] = 2

    for item in items:
        visit(item.id, [])
