"""XLSForm both ways: a questionnaire to the spreadsheet ODK, KoboToolbox and SurveyCTO field,
and such a spreadsheet back to a questionnaire.

XLSForm (xlsform.org) has a ``survey`` sheet (type, name, label, required,
relevant, constraint …), a ``choices`` sheet (list_name, name, label) and a
``settings`` sheet (form_title, form_id). Mapping:

* single and ordinal items ↔ ``select_one LIST``, multi ↔ ``select_multiple LIST``,
  ``other: true`` ↔ ``or_other``; choice names are the choice codes (1, 2, 3 …),
  the names ODK stores in the data;
* number ↔ ``decimal`` (``integer`` and ``range`` read as number), text ↔ ``text``;
* ``show_if`` ↔ ``relevant`` in XLSForm's syntax (``${q} = '1'``,
  ``selected(${q}, '2')``, ``not(…)``, ``${q} = ''`` for missing);
* ``min``/``max`` ↔ ``constraint`` (``. >= 18 and . <= 99``);
* a grid (``type: grid``) ↔ a ``begin_group`` with ``appearance: table-list`` (ODK's
  grid layout: one shared choice list, one row per statement) marked
  ``surveykit_type: grid``; its rows are named by their item ids (``eng_1``);
* what XLSForm has no column for (an item's short label, ordinal, report: false,
  column aliases, a date-time's format and dayfirst) travels in ``surveykit_*`` columns, which ODK tools ignore, so
  that export → import gives the same questionnaire.
"""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveykit.errors import SurveyError
from surveykit.questionnaire import ExcludeRule, Item, MissingValue, Questionnaire

SURVEY_COLUMNS = (
    "type", "name", "label", "required", "relevant", "constraint", "constraint_message", "appearance",
    "surveykit_label", "surveykit_type", "surveykit_report", "surveykit_column",
    "surveykit_separator", "surveykit_missing", "surveykit_invalid", "surveykit_format",
    "surveykit_dayfirst",
)  # fmt: skip
_XLS_OPS = {ast.Eq: "=", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _code(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- export ----------------------------------------------------------------------------------


def export_xlsform(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm workbook (.xlsx bytes)."""
    from openpyxl import Workbook

    items = {item.id: item for item in questionnaire.items}
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(list(SURVEY_COLUMNS))
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label", "surveykit_aliases"])
    grids = _grids(questionnaire)
    for item in questionnaire.items:
        grid = grids.get(item.id)
        if grid is not None and grid.rows[0] == item.id:
            survey.append(_group_row(grid))
        row = _survey_row(item, items)
        if grid is not None:  # the statement, in the grid's one list; the question is the group's
            row[0] = row[0].replace(f" {item.id}", f" {grid.id}", 1)
            row[2] = grid.row_texts[item.id]
            row[SURVEY_COLUMNS.index("surveykit_label")] = (
                item.label if item.label != grid.row_texts[item.id] else None
            )
            row[SURVEY_COLUMNS.index("surveykit_column")] = (
                json.dumps(grid.columns[item.id], ensure_ascii=False)
                if grid.columns[item.id]
                else None
            )
        survey.append(row)
        if grid is not None and grid.rows[-1] == item.id:
            survey.append(["end_group", grid.id])
        if grid is not None and grid.rows[0] != item.id:
            continue  # the grid's choices are written once, under its id
        list_name = item.id if grid is None else grid.id
        for choice in item.choices:
            aliases = (
                json.dumps(list(choice.aliases), ensure_ascii=False) if choice.aliases else None
            )
            choices.append([list_name, _code(choice.code), choice.label, aliases])
        # Missing values that are answers ("I don't know") are choices on the form too.
        for missing in _missing_choices(item):
            choices.append([list_name, _code(missing.code), missing.label, None])
    settings = book.create_sheet("settings")
    settings.append(
        ["form_title", "form_id", "surveykit_respondent_id", "surveykit_intro", "surveykit_exclude"]
    )
    rules = [_rule(rule) for rule in questionnaire.exclude]
    settings.append(
        [
            questionnaire.title,
            questionnaire.id,
            questionnaire.respondent_id,
            questionnaire.intro or None,
            json.dumps(rules, ensure_ascii=False) if rules else None,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class _Grid:
    """A grid of the questionnaire as XLSForm writes it, from its expanded rows."""

    id: str
    text: str
    stem: str | None
    rows: tuple[str, ...]
    row_texts: dict[str, str]
    columns: dict[str, list[str]]  # the row's own column aliases (not the generated ones)


def _grids(questionnaire: Questionnaire) -> dict[str, _Grid]:
    """Row item id → its grid, for the grids whose rows still read as the grid made them."""
    items = {item.id: item for item in questionnaire.items}
    out: dict[str, _Grid] = {}
    for grid_id, row_ids in questionnaire.grids.items():
        parts = [_grid_row(items[r], grid_id, n) for n, r in enumerate(row_ids, start=1)]
        texts = {p[0] for p in parts if p is not None}
        stems = {p[2] for p in parts if p is not None}
        if None in parts or len(texts) != 1 or len(stems) != 1:
            continue  # not as expanded (cannot happen for a loaded questionnaire): plain items
        grid = _Grid(
            grid_id,
            texts.pop(),
            stems.pop(),
            tuple(row_ids),
            {r: p[1] for r, p in zip(row_ids, parts, strict=True) if p is not None},
            {r: p[3] for r, p in zip(row_ids, parts, strict=True) if p is not None},
        )
        out.update(dict.fromkeys(row_ids, grid))
    return out


def _grid_row(item: Item, grid_id: str, n: int) -> tuple[str, str, str | None, list[str]] | None:
    """(question text, row text, stem, own columns) of a grid row: the grid made its text
    ``"<text> [<row text>]"`` and its last six columns ``"<text> - <row text>"``,
    ``grid[row]``, ``grid[SQ00n]``, ``grid/row``, ``<stem>_n`` and ``grid/grid_row``
    (grids.py)."""
    row_id = item.id[len(grid_id) + 1 :]
    made = item.columns[-6:]
    if (
        len(made) < 6
        or made[1:4] != (f"{grid_id}[{row_id}]", f"{grid_id}[SQ{n:03d}]", f"{grid_id}/{row_id}")
        or made[5] != f"{grid_id}/{item.id}"
        or not made[4].endswith(f"_{n}")
        or not item.text.endswith("]")
    ):
        return None
    full, dash = item.text, made[0]
    for k in range(len(full)):
        if (
            full[k : k + 2] == " ["
            and dash[k : k + 3] == " - "
            and full[:k] == dash[:k]
            and full[k + 2 : -1] == dash[k + 3 :]
        ):
            stem = made[4][: -len(f"_{n}")]
            return (
                full[:k],
                full[k + 2 : -1],
                None if stem == grid_id else stem,
                list(item.columns[:-6]),
            )
    return None


def _group_row(grid: _Grid) -> list[Any]:
    row: list[Any] = [None] * len(SURVEY_COLUMNS)
    row[0], row[1], row[2] = "begin_group", grid.id, grid.text
    row[SURVEY_COLUMNS.index("appearance")] = "table-list"
    row[SURVEY_COLUMNS.index("surveykit_type")] = "grid"
    if grid.stem is not None:
        row[SURVEY_COLUMNS.index("surveykit_column")] = json.dumps(grid.stem, ensure_ascii=False)
    return row


def _rule(rule: ExcludeRule) -> dict[str, Any]:
    """An exclusion rule as the YAML mapping it was written as."""
    if rule.rule == "duplicate":
        return {
            "rule": rule.rule,
            "columns": list(rule.columns),
            "keep": rule.keep,
            "reason": rule.reason,
        }
    if rule.rule == "speeder" and rule.start is not None:
        return {
            "rule": rule.rule,
            "start": rule.start,
            "end": rule.end,
            "min_seconds": rule.min_seconds,
            "reason": rule.reason,
        }
    if rule.rule == "speeder":
        return {
            "rule": rule.rule,
            "duration": rule.duration,
            "min_seconds": rule.min_seconds,
            "reason": rule.reason,
        }
    if rule.rule == "straightline":
        return {
            "rule": rule.rule,
            "items": list(rule.items),
            "min_items": rule.min_items,
            "reason": rule.reason,
        }
    assert rule.expr is not None
    return {"rule": rule.rule, "expr": rule.expr.source, "reason": rule.reason}


def _survey_row(item: Item, items: dict[str, Item]) -> list[Any]:
    if item.type in ("single", "ordinal"):
        kind = f"select_one {item.id}"
    elif item.type == "multi":
        kind = f"select_multiple {item.id}"
    else:
        kind = {"number": "decimal", "text": "text", "datetime": "dateTime"}[item.type]
    if item.other:
        kind += " or_other"
    constraint = message = None
    bounds = [f". >= {item.min:g}"] if item.min is not None else []
    bounds += [f". <= {item.max:g}"] if item.max is not None else []
    if bounds:
        constraint = " and ".join(bounds)
        if item.min is not None and item.max is not None:
            message = f"Enter a number from {item.min:g} to {item.max:g}"
        elif item.min is not None:
            message = f"Enter a number of at least {item.min:g}"
        else:
            message = f"Enter a number of at most {item.max:g}"
    return [
        kind,
        item.id,
        item.text,
        "yes" if item.required else None,
        _relevant(item.show_if.tree.body, items) if item.show_if is not None else None,
        constraint,
        message,
        None,  # appearance (a grid's group has table-list)
        item.label if item.label != item.text else None,
        "ordinal" if item.type == "ordinal" else None,
        "no" if not item.report else None,
        _columns_json(item),
        # JSON, so that a separator of spaces survives the spreadsheet; "null" for the built-in rules
        json.dumps(item.separator) if item.type == "multi" else None,
        json.dumps(_missing_entries(item), ensure_ascii=False) if item.missing else None,
        item.invalid if item.invalid != "error" else None,
        # JSON, so that a format's leading or trailing spaces survive the spreadsheet
        json.dumps(item.format, ensure_ascii=False) if item.format is not None else None,
        None if item.dayfirst is None else "yes" if item.dayfirst else "no",
    ]


def _missing_choices(item: Item) -> list[MissingValue]:
    """The missing values that were choices of the item (a label and a code)."""
    return [m for m in item.missing if m.code is not None and m.label != f"{m.code:g}"]


def _missing_entries(item: Item) -> list[str | float]:
    """``missing:`` as written: labels, or codes for bare numbers (-9, 99)."""
    return [
        m.label
        if m.code is None or m.label != f"{m.code:g}"
        else (int(m.code) if m.code.is_integer() else m.code)
        for m in item.missing
    ]


def _columns_json(item: Item) -> str | None:
    if item.pick is not None:
        pick = item.pick
        value = (
            {"index": pick.index}
            if pick.index is not None
            else {"header": pick.header, "occurrence": pick.occurrence}
        )
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(list(item.columns), ensure_ascii=False) if item.columns else None


def _choice_name(item: Item, label: object) -> str:
    for choice in item.choices:
        if choice.label == label:
            return _code(choice.code)
    # A typed "other" answer has no choice name; ODK stores the text itself.
    return str(label)


def _quote(text: str) -> str:
    if "'" in text:
        raise SurveyError(f"cannot write {text!r} in an XLSForm condition (it holds a quote)")
    return f"'{text}'"


def _relevant(node: ast.expr, items: dict[str, Item]) -> str:
    """A show_if condition in XLSForm's expression syntax."""
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return "(" + joiner.join(_relevant(v, items) for v in node.values) + ")"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"not({_relevant(node.operand, items)})"
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "missing":
        return f"${{{node.args[0].id}}} = ''"  # type: ignore[attr-defined]
    if isinstance(node, ast.Compare):
        parts, left = [], node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(_comparison(left, op, right, items))
            left = right
        return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"
    raise SurveyError(f"cannot write {ast.unparse(node)!r} as an XLSForm condition")


def _comparison(left: ast.expr, op: ast.cmpop, right: ast.expr, items: dict[str, Item]) -> str:
    if isinstance(right, ast.Name) and isinstance(op, ast.In | ast.NotIn):
        item = items[right.id]
        test = f"selected(${{{right.id}}}, {_quote(_choice_name(item, ast.literal_eval(left)))})"
        return test if isinstance(op, ast.In) else f"not({test})"
    if isinstance(right, ast.Name):  # literal on the left
        flipped = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
        op = flipped.get(type(op), type(op))()
        left, right = right, left
    if not isinstance(left, ast.Name):
        raise SurveyError("cannot write a comparison without an item as an XLSForm condition")
    item = items[left.id]
    value = ast.literal_eval(right)
    if isinstance(op, ast.In | ast.NotIn):
        names = [_choice_name(item, v) for v in value]
        test = "(" + " or ".join(f"${{{item.id}}} = {_quote(n)}" for n in names) + ")"
        return test if isinstance(op, ast.In) else f"not({test})"
    if item.choices:
        literal = _quote(_choice_name(item, value))
    elif isinstance(value, str):
        literal = _quote(value)
    else:
        literal = f"{value:g}"
    return f"${{{item.id}}} {_XLS_OPS[type(op)]} {literal}"


# --- import ----------------------------------------------------------------------------------

_SKIPPED_TYPES = {
    "note", "calculate", "start", "end", "today", "deviceid", "username", "phonenumber",
    "subscriberid", "simserial", "audit", "hidden", "acknowledge", "geopoint", "geotrace",
    "geoshape", "time", "image", "audio", "video", "file", "barcode",
    "rank", "background-audio", "start-geopoint", "email", "xml-external", "csv-external",
}  # fmt: skip
_NUMBER_TYPES = {"integer", "decimal", "range"}


@dataclass
class _Row:
    line: int
    cells: dict[str, Any]

    def get(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


def _sheet(book: Any, name: str, path: Path, required: bool = True) -> list[_Row]:
    sheet = next((s for s in book.worksheets if s.title.strip().lower() == name), None)
    if sheet is None:
        if required:
            raise SurveyError(
                f"no '{name}' sheet (an XLSForm has survey and choices sheets)", file=path
            )
        return []
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    out = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        if cells:
            out.append(_Row(number, cells))
    return out


def _label(row: _Row) -> str:
    if row.get("label"):
        return row.get("label")
    for key in sorted(row.cells):
        if key.startswith("label::"):
            return row.get(key)
    return ""


def import_xlsform(path: str | Path) -> str:
    """An XLSForm as questionnaire YAML, with a comment on whatever was not carried over."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise SurveyError(f"cannot read as an .xlsx XLSForm: {exc}", file=path) from exc
    lists: dict[str, list[tuple[str, str, list[str]]]] = {}
    for row in _sheet(book, "choices", path):
        list_name = row.get("list_name") or row.get("list name")
        aliases = json.loads(row.get("surveykit_aliases")) if row.get("surveykit_aliases") else []
        lists.setdefault(list_name, []).append(
            (row.get("name"), _label(row) or row.get("name"), aliases)
        )
    settings = _sheet(book, "settings", path, required=False)
    setting = settings[0] if settings else _Row(2, {})
    survey = {
        "id": re.sub(r"\W", "_", setting.get("form_id") or path.stem) or "survey",
        "title": setting.get("form_title"),
        "respondent_id": setting.get("surveykit_respondent_id"),
        "intro": setting.get("surveykit_intro"),
    }
    rules = json.loads(setting.get("surveykit_exclude")) if setting.get("surveykit_exclude") else []
    notes: list[str] = []
    items: list[dict[str, Any]] = []
    raw_relevant: dict[str, tuple[str, int]] = {}
    groups: list[str] = []
    grid: dict[str, Any] | None = None  # the surveykit grid being read (rows go into it)
    rows_of: dict[str, dict[str, Any]] = {}  # every question by id, grid rows too
    for row in _sheet(book, "survey", path):
        kind = " ".join(row.get("type").split())
        base = kind.split(" ")[0].lower() if kind else ""
        name = row.get("name")
        if base in ("begin", "begin_group", "begin_repeat") or kind.lower().startswith("begin "):
            if "repeat" in kind.lower():
                raise SurveyError(
                    "repeat groups hold several answers per respondent, which a survey "
                    "questionnaire cannot; fold the repeat into separate questions",
                    file=path,
                    line=row.line,
                )
            if grid is None and row.get("surveykit_type") == "grid":
                stem = row.get("surveykit_column")
                grid = {"id": _identifier(name, path, row.line), "text": _label(row) or name}
                grid |= {"stem": json.loads(stem)} if stem else {}
                grid["rows"] = []
                grid["depth"] = len(groups)
            groups.append(name)
            continue
        if base in ("end", "end_group") or kind.lower().startswith("end "):
            if groups:
                groups.pop()
            if grid is not None and len(groups) == grid["depth"]:
                items.append(_grid_item(grid, path, row.line))
                grid = None
            continue
        if not base:
            continue
        if base in _SKIPPED_TYPES or base.endswith("_from_file"):
            notes.append(f"row {row.line} {name!r} ({kind}): not a question surveykit analyses")
            continue
        item: dict[str, Any] = {
            "id": _identifier(name, path, row.line),
            "text": _label(row) or name,
        }
        if base in ("select_one", "select_multiple"):
            parts = kind.split(" ")
            if len(parts) < 2 or parts[1] not in lists:
                raise SurveyError(
                    f"{kind!r}: no choice list {parts[1] if len(parts) > 1 else ''!r} on the "
                    "choices sheet",
                    file=path,
                    line=row.line,
                )
            item["type"] = "multi" if base == "select_multiple" else "single"
            if row.get("surveykit_type") == "ordinal":
                item["type"] = "ordinal"
            item["choices"] = _choices(lists[parts[1]])
            if base == "select_multiple":
                # ODK and Kobo join the names of the chosen answers with spaces; a form
                # surveykit wrote says which separator its item had (null: the built-in rules).
                written = row.get("surveykit_separator")
                separator = json.loads(written) if written else " "
                if separator is not None:
                    item["separator"] = separator
            if "or_other" in parts[2:]:
                item["other"] = True
        elif base in _NUMBER_TYPES:
            item["type"] = "number"
            item.update(_bounds(row.get("constraint"), notes, row.line, name))
        elif base == "text":
            item["type"] = "text"
        elif base in ("datetime", "date"):
            item["type"] = "datetime"
            item.update(_datetime_keys(row))
        else:
            notes.append(f"row {row.line} {name!r}: type {kind!r} is not known; not imported")
            continue
        if base not in _NUMBER_TYPES and row.get("constraint"):
            notes.append(
                f"row {row.line} {name!r}: constraint {row.get('constraint')!r} not carried over"
            )
        if row.get("surveykit_label"):
            item["label"] = row.get("surveykit_label")
        columns = json.loads(row.get("surveykit_column")) if row.get("surveykit_column") else []
        if row.get("surveykit_missing"):
            item["missing"] = json.loads(row.get("surveykit_missing"))
        if row.get("surveykit_invalid"):
            item["invalid"] = row.get("surveykit_invalid")
        if isinstance(columns, dict):  # a column pick: {header, occurrence} or {index}
            item["column"] = columns
            columns = []
        if groups and not columns and "column" not in item:
            columns = ["/".join([*groups, name])]
        if name != item["id"] and name not in columns and "column" not in item:
            columns.append(name)
        if columns:
            item["column"] = columns
        if row.get("required").lower() in ("yes", "true", "true()", "1"):
            item["required"] = True
        if row.get("surveykit_report").lower() == "no":
            item["report"] = False
        if grid is not None:  # a grid row: its id, text and own columns; the rest is the grid's
            columns = json.loads(row.get("surveykit_column")) if row.get("surveykit_column") else []
            item.pop("column", None)
            item |= {"column": columns} if columns else {}
            grid["rows"].append(item)
            if row.get("relevant") and len(grid["rows"]) == 1:
                raw_relevant[grid["id"]] = (row.get("relevant"), row.line)
            rows_of[item["id"]] = item
            continue
        if row.get("relevant"):
            raw_relevant[item["id"]] = (row.get("relevant"), row.line)
        items.append(item)
        rows_of[item["id"]] = item
    if grid is not None:
        raise SurveyError(f"grid {grid['id']!r} has no end_group row", file=path)
    if not items:
        raise SurveyError("the survey sheet has no questions surveykit can analyse", file=path)
    by_id = {item["id"]: item for item in items}
    for item_id, (text, line) in raw_relevant.items():
        try:
            by_id[item_id]["show_if"] = _show_if(text, rows_of)
        except (SyntaxError, SurveyError, KeyError, ValueError) as exc:
            reason = (
                exc.message if isinstance(exc, SurveyError) else "not in the subset surveykit reads"
            )
            notes.append(f"row {line} {item_id!r}: relevant {text!r} not carried over ({reason})")
    return _yaml(survey, items, rules, notes, path)


def _grid_item(grid: dict[str, Any], path: Path, line: int) -> dict[str, Any]:
    """A ``type: grid`` item from the rows of a group surveykit wrote as a grid."""
    rows = grid["rows"]
    if not rows or any(r.get("type") not in ("ordinal", "multi") for r in rows):
        raise SurveyError(
            f"grid {grid['id']!r} must hold select_one or select_multiple rows",
            file=path,
            line=line,
        )
    first = rows[0]
    out: dict[str, Any] = {"id": grid["id"], "text": grid["text"], "type": "grid"}
    out |= {"multi": True} if first["type"] == "multi" else {}
    out["choices"] = first["choices"]
    for key in ("other", "separator", "missing", "invalid", "required", "report"):
        if key in first:
            out[key] = first[key]
    if "stem" in grid:
        out["column"] = grid["stem"]
    prefix = f"{grid['id']}_"
    out["rows"] = [
        {
            "id": r["id"][len(prefix) :] if r["id"].startswith(prefix) else r["id"],
            "text": r["text"],
        }
        | ({"label": r["label"]} if "label" in r else {})
        | ({"column": r["column"]} if "column" in r else {})
        for r in rows
    ]
    return out


def _datetime_keys(row: _Row) -> dict[str, Any]:
    """``format:`` and ``dayfirst:`` of a date-time item, from a form surveykit wrote."""
    out: dict[str, Any] = {}
    if row.get("surveykit_format"):
        out["format"] = json.loads(row.get("surveykit_format"))
    if row.get("surveykit_dayfirst").lower() in ("yes", "no"):
        out["dayfirst"] = row.get("surveykit_dayfirst").lower() == "yes"
    return out


def _identifier(name: str, path: Path, line: int) -> str:
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit():
        ident = f"q_{ident}"
    if not ident.isidentifier():
        raise SurveyError(f"name {name!r} cannot be an item id", file=path, line=line)
    return ident


def _choices(entries: list[tuple[str, str, list[str]]]) -> list[Any]:
    """Choices from (name, label, aliases): numeric names become codes, other names aliases.

    ODK stores a choice's name in the data, so a name that is not the label (``nurse``
    for "Nurse staff") is kept as an alias, matched like the label when data are read.
    """
    codes = []
    for name, _, _ in entries:
        try:
            codes.append(float(name))
        except ValueError:
            break
    numeric = len(codes) == len(entries) and len(set(codes)) == len(codes)
    out: list[Any] = []
    for i, (name, label, aliases) in enumerate(entries):
        names = list(aliases)
        if not numeric and name.casefold() != label.casefold() and name not in names:
            names.append(name)
        code = codes[i] if numeric else i + 1
        out.append(
            {"code": int(code) if float(code).is_integer() else code, "label": label}
            | ({"aliases": names} if names else {})
        )
    if not numeric and all("aliases" not in c for c in out):
        return [c["label"] for c in out]
    return out


_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$")


def _bounds(constraint: str, notes: list[str], line: int, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    if not constraint:
        return out
    for part in re.split(r"\s+and\s+", constraint.strip()):
        match = _BOUND.match(part.strip())
        if not match or match.group(1) in (">", "<"):
            notes.append(f"row {line} {name!r}: constraint {constraint!r} not carried over")
            return {}
        value = float(match.group(2))
        out["min" if match.group(1) == ">=" else "max"] = (
            int(value) if value.is_integer() else value
        )
    return out


def _show_if(text: str, items: dict[str, dict[str, Any]]) -> str:
    """An XLSForm ``relevant`` expression as a surveykit condition (labels, not names)."""
    source = re.sub(r"selected\(\s*\$\{(\w+)\}\s*,\s*'([^']*)'\s*\)", r"__selected(\1, '\2')", text)
    source = re.sub(r"\$\{(\w+)\}", r"\1", source)
    source = re.sub(r"(?<![!<>=])=(?!=)", "==", source)
    tree = ast.parse(source.strip(), mode="eval")
    return _to_condition(tree.body, items)


def _label_of(item: dict[str, Any], name: str) -> str:
    for choice in item.get("choices", []):
        if not isinstance(choice, dict):
            if choice == name:
                return choice
            continue
        names = [_code(choice["code"]), *choice.get("aliases", [])]
        if name in names or name.casefold() == choice["label"].casefold():
            return choice["label"]
    raise SurveyError(f"{name!r} is not a choice name of {item['id']!r}")


def _to_condition(node: ast.expr, items: dict[str, dict[str, Any]]) -> str:
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        inner = [_to_condition(v, items) for v in node.values]
        return "(" + joiner.join(inner) + ")" if len(inner) > 1 else inner[0]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"not {_to_condition(node.operand, items)}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "not" and len(node.args) == 1:
            return f"not ({_to_condition(node.args[0], items)})"
        if node.func.id == "__selected":
            item = items[node.args[0].id]  # type: ignore[attr-defined]
            label = _label_of(item, ast.literal_eval(node.args[1]))
            return f"{json.dumps(label, ensure_ascii=False)} in {item['id']}"
        raise SurveyError(f"function {node.func.id}() is not in the subset surveykit reads")
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right, op = node.left, node.comparators[0], node.ops[0]
        if not isinstance(left, ast.Name):
            raise SurveyError("a comparison must start with ${item}")
        item = items[left.id]
        value = ast.literal_eval(right)
        if value == "" and isinstance(op, ast.Eq | ast.NotEq):
            test = f"missing({item['id']})"
            return test if isinstance(op, ast.Eq) else f"not {test}"
        symbol = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]  # fmt: skip
        if item.get("choices"):
            value = _label_of(item, str(value) if not isinstance(value, str) else value)
        elif item["type"] == "number":
            value = float(value)
            value = int(value) if value.is_integer() else value
        shown = json.dumps(value, ensure_ascii=False)
        return f"{item['id']} {symbol} {shown}"
    raise SurveyError(f"{ast.unparse(node)!r} is not in the subset surveykit reads")


def _yaml(
    survey: dict[str, str],
    items: list[dict[str, Any]],
    rules: list[Any],
    notes: list[str],
    path: Path,
) -> str:
    import yaml

    def dump(value: Any) -> str:
        # A plain scalar comes back with YAML's "..." end-of-document marker.
        text = yaml.safe_dump(
            value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False
        )
        return text.removesuffix("...\n").strip()

    lines = [f"# Imported from the XLSForm {path.name} by `surveykit import xlsform`."]
    if notes:
        lines.append("# Not carried over (check these):")
        lines += [f"#   {note}" for note in notes]
    lines.append("survey:")
    lines += [f"  {key}: {dump(value)}" for key, value in survey.items() if value]
    lines += ["", "items:"]
    order = ("id", "text", "label", "type", "multi", "choices", "other", "separator", "missing", "invalid", "format", "dayfirst", "column", "min", "max", "required", "report", "show_if", "rows")  # fmt: skip
    for item in items:
        first = True
        for key in order:
            if key not in item:
                continue
            prefix = "  - " if first else "    "
            first = False
            if key in ("choices", "rows"):
                lines.append(f"{prefix}{key}:")
                lines += [f"      - {dump(c)}" for c in item[key]]
            else:
                lines.append(f"{prefix}{key}: {dump(item[key])}")
    if rules:
        lines += ["", "exclude:"]
        lines += [f"  - {dump(rule)}" for rule in rules]
    return "\n".join(lines) + "\n"
