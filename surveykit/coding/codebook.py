"""The codebook (``codebook.yaml``): themes, optional subthemes and codes for open-ended answers.

Format (docs/coding.md)::

    items: [role_why, challenges_why]        # text items the codes apply to by default
    themes:
      - id: acceptance
        label: Acceptance of PSS
        subthemes:
          - id: role_clarity
            label: Role clarity
            codes:
              - id: lack_of_role_clarity
                label: Lack of role clarity
                description: The PSS role is not understood by colleagues or clients.
                patterns: ["role clarity", "unclear role", "/job ?scope/"]
                items: [challenges_why]
        codes: [...]                          # codes straight under a theme

A pattern is a keyword or phrase matched as whole words, ignoring case; one
written between slashes is a regular expression (also ignoring case). Every
entry is checked here, with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.errors import SurveyError
from surveykit.questionnaire import Questionnaire
from surveykit.yamlio import Mapping, load_yaml, reject_unknown_keys


@dataclass(frozen=True)
class Code:
    """One code: where it sits (theme, subtheme), what it means and how to suggest it."""

    id: str
    label: str
    theme: str
    subtheme: str | None
    description: str = ""
    patterns: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    matcher: Matcher | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Theme:
    """A theme (or subtheme): id, label and the codes under it."""

    id: str
    label: str
    description: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class Codebook:
    """All themes, subthemes and codes, in the file's order."""

    themes: tuple[Theme, ...]
    codes: tuple[Code, ...]
    path: Path | None = None

    def code(self, code_id: str) -> Code:
        """The code with this id (KeyError if none)."""
        return next(c for c in self.codes if c.id == code_id)

    def codes_for(self, item_id: str) -> list[Code]:
        """The codes that apply to answers of ``item_id``."""
        return [c for c in self.codes if item_id in c.items]


def load_codebook(path: str | Path, questionnaire: Questionnaire) -> Codebook:
    """Read and check ``codebook.yaml`` against the questionnaire's text items."""
    path = Path(path)
    doc = load_yaml(path)
    try:
        return _build(doc, questionnaire, path)
    except SurveyError as exc:
        exc.file = exc.file or str(path)
        raise


def _text(raw: Mapping, key: str, what: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if (required and not value) or not isinstance(value, str):
        raise SurveyError(f"{what}: '{key}' must be text", line=raw.line_of(key))
    return " ".join(value.split())


def _id(raw: Any, what: str, seen: dict[str, int]) -> str:
    if not isinstance(raw, Mapping):
        raise SurveyError(
            f"each {what} is a mapping with 'id' and 'label'", line=getattr(raw, "line", None)
        )
    value = raw.get("id")
    if not isinstance(value, str) or not value.isidentifier():
        raise SurveyError(
            f"{what} id {value!r} must be a name of letters, digits and underscores",
            line=raw.line_of("id"),
        )
    if value in seen:
        raise SurveyError(
            f"id {value!r} is used twice (first on line {seen[value]})", line=raw.line_of("id")
        )
    seen[value] = raw.line_of("id")
    return value


def _items(
    raw: Mapping, key: str, text_items: set[str], default: tuple[str, ...]
) -> tuple[str, ...]:
    if key not in raw:
        return default
    value = raw[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SurveyError(f"'{key}' lists text item ids", line=raw.line_of(key))
    for item in value:
        if item not in text_items:
            raise SurveyError(
                f"{item!r} is not a text item of the questionnaire; text items are "
                + ", ".join(sorted(text_items)),
                line=raw.line_of(key),
            )
    return tuple(value)


@dataclass(frozen=True)
class Matcher:
    """Whether an answer matches any of a code's patterns, fast enough for 10,000 × 50.

    Python's ``re`` scans slowly with IGNORECASE, so keywords are first looked up
    as plain substrings of the lower-cased answer (and only then checked for
    whole words), and regular expressions without capital letters run on the
    lower-cased answer without the flag — the same matches, several times faster.
    """

    keywords: tuple[tuple[str, re.Pattern[str]], ...] = ()
    lowered: tuple[re.Pattern[str], ...] = ()
    cased: tuple[re.Pattern[str], ...] = ()

    def search(self, text: str, lower: str | None = None) -> bool:
        """True when ``text`` (``lower`` is ``text.lower()``, if already made) matches."""
        return bool(self.hits([text], [text.lower() if lower is None else lower]))

    def hits(self, texts: list[str], lowers: list[str]) -> set[int]:
        """The positions of the answers in ``texts`` that match (``lowers``: the same, lower-cased)."""
        found: set[int] = set()
        for first, rx in self.keywords:
            found.update(i for i, low in enumerate(lowers) if first in low and rx.search(texts[i]))
        for rx in self.lowered:
            found.update(i for i, low in enumerate(lowers) if rx.search(low))
        for rx in self.cased:
            found.update(i for i, text in enumerate(texts) if rx.search(text))
        return found


_UPPER = re.compile(r"(?<!\\)[A-Z]")


def compile_patterns(patterns: list[str], line: int) -> Matcher | None:
    """A :class:`Matcher` for ``patterns``: keywords as whole words, /regexes/, ignoring case."""
    keywords, lowered, cased = [], [], []
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            raise SurveyError("patterns are non-empty texts", line=line)
        if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
            body = pattern[1:-1]
            try:
                if _UPPER.search(body):
                    cased.append(re.compile(body, re.IGNORECASE))
                else:
                    lowered.append(re.compile(body))
            except re.error as exc:
                raise SurveyError(
                    f"pattern {pattern!r} is not a regular expression: {exc}", line=line
                ) from exc
        else:
            words = pattern.split()
            body = r"\s+".join(re.escape(w) for w in words)
            keywords.append((words[0].lower(), re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
    if not (keywords or lowered or cased):
        return None
    return Matcher(tuple(keywords), tuple(lowered), tuple(cased))


def _build(doc: Any, questionnaire: Questionnaire, path: Path) -> Codebook:
    if not isinstance(doc, Mapping):
        raise SurveyError("a codebook is a mapping with 'themes:'", line=1)
    reject_unknown_keys(doc, {"items", "themes"}, "the codebook")
    text_items = {i.id for i in questionnaire.items if i.type == "text"}
    default = _items(doc, "items", text_items, tuple(sorted(text_items)))
    raw_themes = doc.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise SurveyError("'themes:' must be a non-empty list", line=doc.line_of("themes"))
    seen: dict[str, int] = {}
    themes: list[Theme] = []
    codes: list[Code] = []

    def add_codes(raw: Mapping, theme: str, subtheme: str | None, items: tuple[str, ...]) -> None:
        entries = raw.get("codes") or []
        if not isinstance(entries, list):
            raise SurveyError("'codes:' must be a list", line=raw.line_of("codes"))
        for entry in entries:
            code_id = _id(entry, "code", seen)
            reject_unknown_keys(
                entry, {"id", "label", "description", "patterns", "items"}, f"code {code_id!r}"
            )
            patterns = entry.get("patterns") or []
            if isinstance(patterns, str):
                patterns = [patterns]
            if not isinstance(patterns, list):
                raise SurveyError(
                    "'patterns' lists keywords or /regular expressions/",
                    line=entry.line_of("patterns"),
                )
            codes.append(
                Code(
                    code_id,
                    _text(entry, "label", f"code {code_id!r}"),
                    theme,
                    subtheme,
                    _text(entry, "description", f"code {code_id!r}", required=False),
                    tuple(patterns),
                    _items(entry, "items", text_items, items),
                    compile_patterns(patterns, entry.line_of("patterns")),
                )
            )

    for raw in raw_themes:
        theme_id = _id(raw, "theme", seen)
        reject_unknown_keys(
            raw,
            {"id", "label", "description", "subthemes", "codes", "items"},
            f"theme {theme_id!r}",
        )
        items = _items(raw, "items", text_items, default)
        themes.append(
            Theme(
                theme_id,
                _text(raw, "label", f"theme {theme_id!r}"),
                _text(raw, "description", f"theme {theme_id!r}", required=False),
            )
        )
        add_codes(raw, theme_id, None, items)
        for sub in raw.get("subthemes") or []:
            sub_id = _id(sub, "subtheme", seen)
            reject_unknown_keys(
                sub, {"id", "label", "description", "codes", "items"}, f"subtheme {sub_id!r}"
            )
            themes.append(
                Theme(
                    sub_id,
                    _text(sub, "label", f"subtheme {sub_id!r}"),
                    _text(sub, "description", f"subtheme {sub_id!r}", required=False),
                    theme_id,
                )
            )
            add_codes(sub, theme_id, sub_id, _items(sub, "items", text_items, items))
    if not codes:
        raise SurveyError("the codebook has no codes", line=doc.line_of("themes"))
    return Codebook(tuple(themes), tuple(codes), path)
