"""Authoring at survey scale: shared answer scales (``choice_sets``) and grid questions.

Both are written once and expanded before items are read, so everything after
the questionnaire (ingest, plans, expressions, scales) sees ordinary items:

* ``choice_sets: {agree5: [...]}`` at the top level; an item's ``choices: agree5``
  stands for that list (errors inside it point at the set's lines);
* ``type: grid`` with ``text``, ``choices`` and ``rows`` becomes one ordinal item
  per row (``multi: true``: one multi item per row), with id ``<grid>_<row>`` and
  the row label as its label. Row columns are found in the shapes form tools
  export without aliases: ``Question [Row]`` (Google and Microsoft Forms, and
  SurveyMonkey's two header rows as ingest reads them),
  ``Question - Row`` (Qualtrics' question-text row), ``grid[row]`` and
  ``grid[SQ001]`` (LimeSurvey), ``grid/row`` (Kobo/ODK), ``grid_1``
  (Qualtrics' ``QID_1`` style, with the grid's ``column:`` as the stem) and
  ``grid/grid_row`` (Kobo, from the XLSForm surveykit exports).
"""

from __future__ import annotations

import re
from typing import Any

from surveykit.errors import SurveyError
from surveykit.yamlio import Mapping, reject_unknown_keys

GRID_KEYS = {
    "id", "text", "label", "type", "choices", "rows", "multi", "show_if", "missing",
    "invalid", "required", "report", "column", "separator", "other",
}  # fmt: skip
_ROW_KEYS = {"id", "label", "text", "column"}
# Keys a grid hands down to each of its rows.
_INHERITED = ("show_if", "missing", "invalid", "required", "report", "separator", "other")


def _copy(raw: Mapping, **changes: Any) -> Mapping:
    """A copy of a YAML mapping that keeps its line numbers."""
    out = Mapping(raw)
    out.line = raw.line
    out._key_lines = dict(getattr(raw, "_key_lines", {}))
    for key, value in changes.items():
        out[key] = value
    return out


def choice_sets(doc: Mapping) -> dict[str, list]:
    """The top-level ``choice_sets`` (name → choices list), checked for shape."""
    raw = doc.get("choice_sets")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise SurveyError(
            "'choice_sets:' maps a name to a list of choices, e.g. agree5: [Disagree, Agree]",
            line=doc.line_of("choice_sets"),
        )
    sets = {}
    for name, choices in raw.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise SurveyError(
                f"choice set name {name!r} must be a plain name", line=raw.line_of(str(name))
            )
        if not isinstance(choices, list) or not choices:
            raise SurveyError(
                f"choice set {name!r} must be a non-empty list", line=raw.line_of(name)
            )
        sets[name] = choices
    return sets


def _resolve_choices(raw: Mapping, sets: dict[str, list], what: str) -> Mapping:
    value = raw.get("choices")
    if not isinstance(value, str):
        return raw
    if value not in sets:
        known = ", ".join(sets) or "none defined under choice_sets:"
        raise SurveyError(
            f"{what}: choices {value!r} is not a choice set (choice sets: {known})",
            line=raw.line_of("choices"),
        )
    return _copy(raw, choices=sets[value])


def row_slug(label: str) -> str:
    """The id a grid row gets from its label when it has no ``id:`` (``Hip hop`` → hip_hop)."""
    slug = re.sub(r"\W+", "_", label.casefold()).strip("_")
    return slug if slug and not slug[0].isdigit() else f"r{slug}"


def expand(raw_items: list, sets: dict[str, list]) -> tuple[list, dict[str, tuple[str, ...]]]:
    """Items with choice sets filled in and grids replaced by their rows; and each grid's row ids."""
    out: list = []
    grids: dict[str, tuple[str, ...]] = {}
    grid_lines: dict[str, int] = {}
    for raw in raw_items:
        if not isinstance(raw, Mapping):
            out.append(raw)
            continue
        what = f"item {raw.get('id', '?')!r}"
        raw = _resolve_choices(raw, sets, what)
        if raw.get("type") != "grid":
            out.append(raw)
            continue
        rows = _grid_rows(raw)
        if raw["id"] in grids:
            raise SurveyError(
                f"duplicate grid id {raw['id']!r} (first defined on line "
                f"{grid_lines[raw['id']]}); give one of the grids another id",
                line=raw.line_of("id"),
            )
        grids[raw["id"]] = tuple(r["id"] for r in rows)
        grid_lines[raw["id"]] = raw.line_of("id")
        out.extend(rows)
    _check_grid_ids(out, grid_lines)
    return out, grids


def _check_grid_ids(items: list, grid_lines: dict[str, int]) -> None:
    """A grid's id names its table in plans (``describe: [grid]``) as an item id names the
    item's: it may be neither an item's id nor a row's ``<grid>_<row>`` id."""
    for raw in items:
        item_id = raw.get("id") if isinstance(raw, Mapping) else None
        if isinstance(item_id, str) and item_id in grid_lines:
            lines = sorted((grid_lines[item_id], raw.line))
            whats = [
                f"grid {item_id!r} (line {grid_lines[item_id]})",
                f"{owner(raw)} (line {raw.line})",
            ]
            if lines[0] == raw.line:
                whats.reverse()
            raise SurveyError(
                f"{whats[0]} and {whats[1]} have the same id; give one of them another id "
                "(a grid's id names its table in plans, as an item's id does)",
                line=lines[1],
            )


def owner(raw: Mapping) -> str:
    """What an expanded item was written as: ``item 'x'`` or ``row 'Pay' of grid 'work'``."""
    row = getattr(raw, "grid_row", None)
    return f"row {row[1]!r} of grid {row[0]!r}" if row else f"item {raw.get('id')!r}"


def duplicate_id(raw: Mapping, first: Mapping) -> str:
    """The message for an item id defined twice, saying which grid row made either."""
    item_id = raw.get("id")
    if getattr(raw, "grid_row", None) is None and getattr(first, "grid_row", None) is None:
        return f"duplicate item id {item_id!r} (first defined on line {first.line})"
    return (
        f"duplicate item id {item_id!r}: {owner(first)} (line {first.line}) and {owner(raw)} "
        f"(line {raw.line}); a grid row's id is <grid>_<row>: give one of them another id "
        "(a row takes an id: key)"
    )


def _grid_rows(raw: Mapping) -> list[Mapping]:
    grid_id = raw.get("id")
    what = f"grid {grid_id!r}"
    if not isinstance(grid_id, str) or not grid_id.isidentifier():
        raise SurveyError(
            f"grid id {grid_id!r} must be a name of letters, digits and underscores",
            line=raw.line_of("id"),
        )
    reject_unknown_keys(raw, GRID_KEYS, what)
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise SurveyError(f"{what}: 'text' must be the question text", line=raw.line_of("text"))
    text = " ".join(text.split())
    multi = raw.get("multi", False)
    if not isinstance(multi, bool):
        raise SurveyError(f"{what}: 'multi' must be true or false", line=raw.line_of("multi"))
    rows = raw.get("rows")
    if not isinstance(rows, list) or not rows:
        raise SurveyError(f"{what}: 'rows' must list the statements", line=raw.line_of("rows"))
    stem = raw.get("column")
    if stem is not None and not isinstance(stem, str):
        raise SurveyError(
            f"{what}: 'column' of a grid is the stem of its rows' columns (e.g. Q5 for Q5_1, Q5_2)",
            line=raw.line_of("column"),
        )
    out: list[Mapping] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        line = getattr(row, "line", 0) or raw.line_of("rows")
        if isinstance(row, str):
            row_id, label, row_text, column = row_slug(row), row, row, None
        elif isinstance(row, Mapping):
            reject_unknown_keys(row, _ROW_KEYS, f"a row of {what}")
            # text: the statement as the form showed it (its header); label: for tables.
            row_text = row.get("text", row.get("label"))
            label = row.get("label", row_text)
            for key, value in (("label", label), ("text", row_text)):
                if not isinstance(value, str) or not value.strip():
                    raise SurveyError(f"{what}: row {n} needs a {key}", line=line)
            row_id = row.get("id", row_slug(label))
            if isinstance(row_id, int) and not isinstance(row_id, bool) and row_id >= 0:
                row_id = str(row_id)  # id: 1 gives <grid>_1
            column = row.get("column")
        else:
            raise SurveyError(f"{what}: a row is a label or {{id, label, text, column}}", line=line)
        if not isinstance(row_id, str) or not re.fullmatch(r"\w+", row_id):
            raise SurveyError(
                f"{what}: row id {row_id!r} must be a plain name or number", line=line
            )
        if row_id in seen:
            raise SurveyError(
                f"{what}: rows {seen[row_id]} and {n} both have the id {row_id!r}; give one an 'id:'",
                line=line,
            )
        seen[row_id] = n
        label = " ".join(label.split())
        row_text = " ".join(row_text.split())
        columns = [column] if isinstance(column, str) else list(column or [])
        columns += [
            f"{text} - {row_text}",
            f"{grid_id}[{row_id}]",
            f"{grid_id}[SQ{n:03d}]",
            f"{grid_id}/{row_id}",
            f"{stem or grid_id}_{n}",
            # The row under its group in a Kobo export of the form surveykit's XLSForm
            # export wrote (rows named by their item ids there).
            f"{grid_id}/{grid_id}_{row_id}",
        ]
        item = Mapping(
            {
                "id": f"{grid_id}_{row_id}",
                "text": f"{text} [{row_text}]",
                "label": label,
                "type": "multi" if multi else "ordinal",
                "choices": raw.get("choices"),
                "column": columns,
                **{k: raw[k] for k in _INHERITED if k in raw},
            }
        )
        item.line = line
        item._key_lines = {k: raw.line_of(k) for k in raw} | {"id": line, "column": line}
        item.grid_row = (grid_id, label)  # type: ignore[attr-defined]  # for clash messages
        out.append(item)
    return out
