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


MAX_BYTES = 10 * 1024 * 1024
"""Largest questionnaire or plan file read (10 MiB; a large real one is well under 1 MiB)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings, counted after aliases are followed."""
MAX_NODES = 1_000_000
"""Most values a file may hold once every alias (``*name``) is expanded in place."""


class _Loader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        # The composer recurses once per level; stop long before Python's recursion limit.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise SurveyError(
                    f"nested more than {MAX_DEPTH} levels deep (the nesting limit); "
                    "a questionnaire or plan never needs that many",
                    line=mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self):  # type: ignore[no-untyped-def]
        node = self.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return self.construct_document(node)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node) -> None:
    """Refuse alias bombs, alias cycles and alias chains deeper than the limits, before
    anything is built: an alias is shared when loaded, but ``str()`` of a label or a
    walk over the document would expand it (a 1 KB file can expand to 10⁹ values)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            line = node.start_mark.line + 1
            if size[key] > MAX_NODES:
                raise SurveyError(
                    f"aliases expand to more than {MAX_NODES:,} values (the alias expansion "
                    "limit); write the entries out or use fewer nested aliases",
                    line=line,
                )
            if depth[key] > MAX_DEPTH:
                raise SurveyError(
                    f"aliases nest more than {MAX_DEPTH} levels deep (the nesting limit)",
                    line=line,
                )
            continue
        if key in size:
            continue
        if key in depth:  # entered but not finished: the node contains itself
            raise SurveyError(
                "an alias refers to a list or mapping that contains it",
                line=node.start_mark.line + 1,
            )
        depth[key] = 0
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if (
            isinstance(key, bool)
            and isinstance(key_node, yaml.ScalarNode)
            and key_node.style is None
            and key_node.value.lower() not in ("true", "false")
        ):
            # YAML 1.1 reads a bare on/off/yes/no as a boolean; as a key it is a name
            # (a regression's ``on:``, a column labelled Yes), as YAML 1.2 reads it.
            key = key_node.value
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
    """Read ``path`` with the safe loader; errors carry the file and line.

    At most :data:`MAX_BYTES` are read, so ``/dev/zero`` or a FIFO that never
    ends is an error rather than a hang.
    """
    from surveykit.files import note_input

    note_input(path, "an input YAML file")
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise SurveyError("file not found", file=path) from exc
    except IsADirectoryError as exc:
        raise SurveyError("is a folder, not a YAML file", file=path) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=path) from exc
    if len(raw) > MAX_BYTES:
        raise SurveyError(
            f"is larger than {MAX_BYTES // 2**20} MiB, the size limit for a YAML file", file=path
        )
    if b"\x00" in raw:
        raise SurveyError("contains NUL bytes; a questionnaire or plan is plain text", file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SurveyError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader subclasses SafeLoader
    except SurveyError as exc:
        exc.file = str(path)
        raise
    except (RecursionError, MemoryError) as exc:
        raise SurveyError("is nested too deeply to read (the nesting limit)", file=path) from exc
    except ValueError as exc:
        # int() refuses numbers of more than 4,300 digits.
        raise SurveyError(f"holds a value that cannot be read: {exc}", file=path) from exc
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
