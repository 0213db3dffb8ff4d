"""Safe YAML loading that remembers the line each mapping starts on.

Questionnaires and plans are public formats written by hand, so every error
about them should point at a line. Only the safe loader is used: tags such as
``!!python/object`` are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from surveykit.errors import SurveyError


class Mapping(dict):
    """A YAML mapping that knows the 1-based line it starts on (0 if unknown)."""

    line: int = 0

    def line_of(self, key: str) -> int:
        """The line of ``key``'s entry, falling back to the mapping's own line."""
        return self._key_lines.get(key, self.line) if hasattr(self, "_key_lines") else self.line


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise SurveyError(
                "a mapping key must be a plain value", line=key_node.start_mark.line + 1
            ) from exc
        if key in mapping:
            raise SurveyError(f"key {key!r} appears twice", line=key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
        key_lines[str(key)] = key_node.start_mark.line + 1
    mapping._key_lines = key_lines
    return mapping


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        # YAML writers (PyYAML among them) escape astral characters as UTF-16 surrogate
        # pairs ("\ud83d\ude00"); join them so labels compare equal to the CSV's text.
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def load_yaml(path: Path) -> Any:
    """Read ``path`` with the safe loader; errors carry the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise SurveyError("file not found", file=path) from exc
    except UnicodeDecodeError as exc:
        raise SurveyError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=path) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader subclasses SafeLoader
    except SurveyError as exc:
        exc.file = str(path)
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if "could not determine a constructor" in str(exc):
            tag = problem.split("tag", 1)[-1].strip() if "tag" in problem else ""
            problem = f"tag {tag} is not allowed (only plain YAML data is read)"
        raise SurveyError(problem, file=path, line=mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise SurveyError(f"invalid YAML: {exc}", file=path) from exc


def reject_unknown_keys(mapping: Mapping, allowed: set[str], where: str) -> None:
    """Raise for the first key of ``mapping`` not in ``allowed``, suggesting the nearest."""
    import difflib

    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SurveyError(
                f"unknown key {key!r} in {where}{hint}; allowed: {', '.join(sorted(allowed))}",
                line=mapping.line_of(str(key)),
            )
