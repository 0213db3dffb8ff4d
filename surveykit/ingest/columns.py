"""Which CSV column belongs to which item: by id, question text, alias, or one column per option."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from surveykit.errors import MissingColumn, SurveyError
from surveykit.ingest.csvfile import display, norm
from surveykit.questionnaire import Item, Questionnaire


def find_header(name: str, headers: list[str], path: Path | None = None) -> int | None:
    """The column whose header is ``name``; None when none is, an error when several are.

    With ``path`` the name comes from the data's side (``respondent_id``) and the error
    points at the file's header; without it, at the rule that names the header.
    """
    key = norm(name)
    hits = [i for i, h in enumerate(headers) if key in (norm(p) for p in h.split("\x1f"))]
    if len(hits) > 1:
        fix = (
            "rename one of them in a copy of the file"
            if path is not None
            else "name an item instead, whose column: {header, occurrence} picks one"
        )
        raise SurveyError(
            f"{name!r} is the header of columns {_numbers(hits)}; {fix}",
            file=path,
            line=1 if path is not None else None,
        )
    return hits[0] if hits else None


def _numbers(columns: list[int]) -> str:
    """1-based column numbers: "38 and 40", "3, 5 and 9"."""
    numbers = [str(i + 1) for i in columns]
    return ", ".join(numbers[:-1]) + " and " + numbers[-1] if len(numbers) > 1 else numbers[0]


@dataclass(frozen=True)
class Split:
    """A select-all item exported as one column per option (LimeSurvey, Kobo, REDCap)."""

    options: dict[str, int]  # choice label → column
    other: int | None = None  # column holding the typed "other" text


# "Base [key]" (LimeSurvey, Google grids), "base/key" (Kobo), "base___key" (REDCap).
_OPTION_HEADER = re.compile(r"^(?P<base>.+?)\s*(?:\[(?P<a>[^\]]*)\]|/(?P<b>[^/]+)|___(?P<c>.+))$")
_OTHER_KEYS = {"other", "other text", "other_text", "others", "other (please specify)"}
# Cell values that mean "not ticked" in one-column-per-option exports.
UNTICKED = {"", "0", "n", "no", "false", "not selected", "unchecked"}


def match_columns(
    questionnaire: Questionnaire, headers: list[str], path: Path
) -> tuple[dict[str, int], dict[str, Split]]:
    """Each item's column; select-all items may instead own one column per option."""
    by_key: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        for part in h.split("\x1f"):
            if i not in by_key.setdefault(norm(part), []):
                by_key[norm(part)].append(i)
    out: dict[str, int] = {}
    split: dict[str, Split] = {}
    owner: dict[int, str] = {}
    for item in questionnaire.items:
        found = _picked(item, headers, by_key, path) if item.pick is not None else None
        for candidate in () if item.pick is not None else (*item.columns, item.id, item.text):
            hits = by_key.get(norm(candidate), [])
            if len(hits) > 1:
                # Equal headers (a staff survey's two "Why or why not?"), or Qualtrics
                # repeating a question's text under different ids.
                names = " and ".join(repr(display(headers[i])) for i in hits[:3])
                shown = next(
                    p for p in headers[hits[0]].split("\x1f") if norm(p) == norm(candidate)
                )
                raise SurveyError(
                    f"item {item.id!r} matches columns {_numbers(hits)} ({names}) by "
                    f"{candidate!r}; pick one with column: {{header: {shown!r}, "
                    f"occurrence: 2}} (the 2nd of them) or column: {{index: {hits[1] + 1}}}",
                    file=path,
                    line=1,
                )
            if hits:
                found = hits[0]
                break
        if found is None and item.type == "multi":
            options = _option_columns(item, headers, path)
            if options is not None:
                for idx in [*options.options.values(), options.other]:
                    if idx is not None and idx in owner:
                        raise SurveyError(
                            f"items {owner[idx]!r} and {item.id!r} both match column "
                            f"{display(headers[idx])!r}; give one a 'column:' alias",
                            file=path, line=1,
                        )  # fmt: skip
                    if idx is not None:
                        owner[idx] = item.id
                split[item.id] = options
                continue
        if found is None:
            raise MissingColumn(
                f"no column for item {item.id!r} (looked for its id, its text {item.text!r}"
                + (f" and aliases {list(item.columns)}" if item.columns else "")
                + ")"
                + near(item.text, headers, item.id),
                item_id=item.id,
                file=path,
                line=1,
            )
        if found in owner:
            raise SurveyError(
                f"items {owner[found]!r} and {item.id!r} both match column "
                f"{display(headers[found])!r}; give one a 'column:' alias",
                file=path,
                line=1,
            )
        owner[found] = item.id
        out[item.id] = found
    return out, split


def _picked(item: Item, headers: list[str], by_key: dict[str, list[int]], path: Path) -> int:
    """The column an item's ``column: {header, occurrence} | {index}`` names."""
    pick = item.pick
    assert pick is not None
    if pick.index is not None:
        if pick.index > len(headers):
            raise SurveyError(
                f"item {item.id!r}: column index {pick.index} is past the last column "
                f"({len(headers)})",
                file=path,
                line=1,
            )
        return pick.index - 1
    assert pick.header is not None
    hits = by_key.get(norm(pick.header), [])
    if not hits:
        raise MissingColumn(
            f"no column for item {item.id!r}: no header is {pick.header!r}"
            + near(pick.header, headers),
            item_id=item.id,
            file=path,
            line=1,
        )
    if pick.occurrence > len(hits):
        raise SurveyError(
            f"item {item.id!r} asks for occurrence {pick.occurrence} of {pick.header!r}, "
            f"which heads {len(hits)} column(s) ({_numbers(hits)})",
            file=path,
            line=1,
        )
    return hits[pick.occurrence - 1]


def _option_columns(item: Item, headers: list[str], path: Path) -> Split | None:
    """The per-option columns of select-all ``item``, if the export has them."""
    bases = {norm(b) for b in (*item.columns, item.id, item.text)}
    keys: dict[str, str] = {}
    for position, choice in enumerate(item.choices, start=1):
        code = code_text(choice.code)
        for key in (
            choice.label,
            code,
            f"sq{int(choice.code):03d}" if float(choice.code).is_integer() else code,
            f"sq{position:03d}",
        ):
            keys.setdefault(norm(key), choice.label)
    options: dict[str, int] = {}
    other: int | None = None
    for i, header in enumerate(headers):
        for part in header.split("\x1f"):
            match = _OPTION_HEADER.match(part.strip())
            if not match or norm(match["base"]) not in bases:
                continue
            key = norm(match["a"] or match["b"] or match["c"] or "")
            if key in keys:
                options.setdefault(keys[key], i)
            elif key in _OTHER_KEYS and item.other:
                other = i
            else:
                raise SurveyError(
                    f"column {part!r} looks like an option of select-all item {item.id!r}, but "
                    f"{key!r} is none of its choices: " + ", ".join(repr(x) for x in item.labels),
                    file=path,
                    line=1,
                )
            break
    return Split(options, other) if options or other is not None else None


def near(text: str, headers: list[str], *more: str) -> str:
    """'; near matches: ...' naming the headers most like ``text`` (or containing ``more``)."""
    flat = [p for h in headers for p in h.split("\x1f") if p]
    scored = []
    for header in flat:
        h = norm(header)
        score = difflib.SequenceMatcher(None, norm(text), h).ratio()
        if any(re.search(rf"\b{re.escape(norm(m))}\b", h) for m in more if m):
            score += 0.5
        if score >= 0.45:
            scored.append((-score, header))
    close = [h for _, h in sorted(scored)[:3]]
    return f"; near matches: {', '.join(repr(c) for c in close)}" if close else ""


def code_text(code: float) -> str:
    return str(int(code)) if float(code).is_integer() else str(code)
