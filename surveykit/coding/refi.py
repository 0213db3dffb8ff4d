"""REFI-QDA exchange: a codebook as a ``.qdc`` file, a coded survey as a ``.qdpx`` project.

REFI-QDA (www.qdasoftware.org) is the exchange standard of NVivo, ATLAS.ti,
MAXQDA and QualCoder: a codebook (``urn:QDA-XML:codebook:1.0``) and a project
(``urn:QDA-XML:project:1.0``, zipped with its sources as ``.qdpx``). Here:

- themes and subthemes are codes that cannot be coded (``isCodable="false"``),
  codes sit under them; a code's ``name`` is its label. The last line of every
  description, ``surveykit: {"id": …, "patterns": […], "items": […]}``, keeps what
  the standard has no place for, so that an import restores the codebook exactly
  (other tools show it as part of the description and keep it when they export).
  Every coded text item is also a set of the codes that apply to it.
- in a project, every respondent is a case with their closed answers as
  variables, every non-blank answer to a coded item is a text source named
  ``RESPONDENT - ITEM``, and every coding that counts (accepted or added by hand)
  is a selection of the whole answer, made by its coder (a project user).

GUIDs are uuid5 of the survey's id and the element's own ids, so the same survey
exports byte for byte the same files. Only the standard library is used
(``xml.etree``, ``zipfile``); the tests validate the output against the
published schemas.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from surveykit.coding.codebook import Code, Codebook, Theme
from surveykit.errors import SurveyError

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "surveykit"
TRAILER = "surveykit: "
"""How the last line of a description that carries surveykit's ids starts."""
SOURCE_SEPARATOR = " - "
"""Between respondent and item in a text source's name (``R54 - challenges_why``)."""
_NAMESPACE = uuid.UUID("6f1c2a52-6c1e-4d0b-9a53-2f6d8a1c0e47")
"""surveykit's own uuid5 namespace for REFI-QDA GUIDs (a fixed random UUID)."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's date: the same survey zips the same bytes


def guid(survey: str, kind: str, *parts: str) -> str:
    """The GUID of one element: uuid5 of the survey id, the element's kind and its ids."""
    name = "\x1f".join((survey, kind, *parts))
    return str(uuid.uuid5(_NAMESPACE, name)).upper()


# --- writing -----------------------------------------------------------------------


def _description(parent: ET.Element, tag: str, text: str, extra: dict) -> None:
    trailer = TRAILER + json.dumps(extra, ensure_ascii=False)
    ET.SubElement(parent, tag).text = f"{text}\n\n{trailer}" if text else trailer


def _code_tree(codebook: Codebook, survey: str, parent: ET.Element, ns: str) -> None:
    """Themes → subthemes → codes as nested ``Code`` elements under ``parent`` (``Codes``)."""

    def add(into: ET.Element, element_id: str, label: str, codable: bool) -> ET.Element:
        return ET.SubElement(
            into,
            f"{{{ns}}}Code",
            {
                "guid": guid(survey, "code", element_id),
                "name": label,
                "isCodable": "true" if codable else "false",
            },
        )

    def add_code(into: ET.Element, code: Code) -> None:
        element = add(into, code.id, code.label, True)
        extra: dict = {"id": code.id}
        if code.patterns:
            extra["patterns"] = list(code.patterns)
        extra["items"] = list(code.items)
        _description(element, f"{{{ns}}}Description", code.description, extra)

    for theme in (t for t in codebook.themes if t.parent is None):
        element = add(parent, theme.id, theme.label, False)
        _description(element, f"{{{ns}}}Description", theme.description, {"id": theme.id})
        for code in codebook.codes:
            if code.theme == theme.id and code.subtheme is None:
                add_code(element, code)
        for sub in (t for t in codebook.themes if t.parent == theme.id):
            sub_element = add(element, sub.id, sub.label, False)
            _description(sub_element, f"{{{ns}}}Description", sub.description, {"id": sub.id})
            for code in codebook.codes:
                if code.subtheme == sub.id:
                    add_code(sub_element, code)


def coded_items(codebook: Codebook) -> list[str]:
    """The text items any code applies to, in the order the codes first name them."""
    return list(dict.fromkeys(i for c in codebook.codes for i in c.items))


def _xml_bytes(root: ET.Element, ns: str) -> bytes:
    # The namespace is the default one (no prefix), as in the standard's examples; the
    # registration is global, and each writer registers its own before writing.
    ET.register_namespace("", ns)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def codebook_qdc(codebook: Codebook, survey: str, questions: dict[str, str]) -> bytes:
    """The ``.qdc`` file (REFI-QDA Codebook Exchange 1.0) of ``codebook``.

    ``questions`` gives each text item's question, the description of its set.
    """
    ns = CODEBOOK_NS
    root = ET.Element(f"{{{ns}}}CodeBook", {"origin": ORIGIN})
    _code_tree(codebook, survey, ET.SubElement(root, f"{{{ns}}}Codes"), ns)
    sets = ET.SubElement(root, f"{{{ns}}}Sets")
    for item in coded_items(codebook):
        element = ET.SubElement(
            sets, f"{{{ns}}}Set", {"guid": guid(survey, "item", item), "name": item}
        )
        ET.SubElement(element, f"{{{ns}}}Description").text = questions.get(item, item)
        for code in codebook.codes_for(item):
            ET.SubElement(element, f"{{{ns}}}MemberCode", {"guid": guid(survey, "code", code.id)})
    return _xml_bytes(root, ns)


@dataclass(frozen=True)
class Variable:
    """A closed item as a project variable: its REFI-QDA type and each respondent's value."""

    id: str
    question: str
    type: str  # Text, Integer, Float, Boolean, Date or DateTime
    values: dict[str, str]  # respondent -> value as the XML writes it (missing: absent)


@dataclass(frozen=True)
class ProjectData:
    """What a ``.qdpx`` project holds besides the codebook."""

    survey: str
    title: str
    respondents: tuple[str, ...]
    variables: tuple[Variable, ...]
    answers: dict[tuple[str, str], str]  # (respondent, item) -> non-blank answer
    questions: dict[str, str] = field(default_factory=dict)  # text item -> question


_VALUE_TAG = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}


def project_qdpx(codebook: Codebook, rows: Iterable, data: ProjectData) -> bytes:
    """The ``.qdpx`` file (a zip of ``project.qde`` and ``Sources/``) of a coded survey.

    ``rows`` are the coding rows that count (accepted or added by hand); each
    becomes a selection of the whole answer with one coding, by its coder.
    """
    ns = PROJECT_NS
    survey = data.survey

    def q(tag: str) -> str:
        return f"{{{ns}}}{tag}"

    rows = list(rows)
    coders = list(dict.fromkeys(r.coder for r in rows))
    root = ET.Element(q("Project"), {"name": data.title, "origin": ORIGIN})
    if coders:
        users = ET.SubElement(root, q("Users"))
        for coder in coders:
            ET.SubElement(users, q("User"), {"guid": guid(survey, "user", coder), "name": coder})
    codebook_element = ET.SubElement(root, q("CodeBook"))
    _code_tree(codebook, survey, ET.SubElement(codebook_element, q("Codes")), ns)

    if data.variables:
        variables = ET.SubElement(root, q("Variables"))
        for var in data.variables:
            element = ET.SubElement(
                variables,
                q("Variable"),
                {
                    "guid": guid(survey, "variable", var.id),
                    "name": var.id,
                    "typeOfVariable": var.type,
                },
            )
            ET.SubElement(element, q("Description")).text = var.question

    items = coded_items(codebook)
    sources_of: dict[str, list[tuple[str, str]]] = {}
    for respondent, item in data.answers:
        sources_of.setdefault(respondent, []).append((respondent, item))
    if data.respondents:
        cases = ET.SubElement(root, q("Cases"))
        for respondent in data.respondents:
            case = ET.SubElement(
                cases, q("Case"), {"guid": guid(survey, "case", respondent), "name": respondent}
            )
            for var in data.variables:
                if respondent in var.values:
                    value = ET.SubElement(case, q("VariableValue"))
                    ET.SubElement(
                        value, q("VariableRef"), {"targetGUID": guid(survey, "variable", var.id)}
                    )
                    ET.SubElement(value, q(_VALUE_TAG[var.type])).text = var.values[respondent]
            for key in sources_of.get(respondent, []):
                ET.SubElement(case, q("SourceRef"), {"targetGUID": guid(survey, "source", *key)})

    by_answer: dict[tuple[str, str], list] = {}
    for row in rows:
        by_answer.setdefault((row.respondent, row.item), []).append(row)
    files: dict[str, bytes] = {}
    if data.answers:
        sources = ET.SubElement(root, q("Sources"))
        for (respondent, item), text in data.answers.items():
            source_guid = guid(survey, "source", respondent, item)
            source = ET.SubElement(
                sources,
                q("TextSource"),
                {
                    "guid": source_guid,
                    "name": f"{respondent}{SOURCE_SEPARATOR}{item}",
                    "plainTextPath": f"internal://{source_guid}.txt",
                },
            )
            ET.SubElement(source, q("Description")).text = data.questions.get(item, item)
            files[f"Sources/{source_guid}.txt"] = text.encode("utf-8")
            for row in by_answer.get((respondent, item), []):
                ids = (respondent, item, row.code, row.coder)
                user = guid(survey, "user", row.coder)
                selection = ET.SubElement(
                    source,
                    q("PlainTextSelection"),
                    {
                        "guid": guid(survey, "selection", *ids),
                        "name": codebook.code(row.code).label,
                        # positions count Unicode characters; the selection is the whole answer
                        "startPosition": "0",
                        "endPosition": str(len(text)),
                        "creatingUser": user,
                    },
                )
                if row.note:
                    ET.SubElement(selection, q("Description")).text = row.note
                coding = ET.SubElement(
                    selection,
                    q("Coding"),
                    {"guid": guid(survey, "coding", *ids), "creatingUser": user},
                )
                ET.SubElement(coding, q("CodeRef"), {"targetGUID": guid(survey, "code", row.code)})

    sets = ET.SubElement(root, q("Sets"))
    for item in items:
        element = ET.SubElement(sets, q("Set"), {"guid": guid(survey, "item", item), "name": item})
        ET.SubElement(element, q("Description")).text = data.questions.get(item, item)
        for code in codebook.codes_for(item):
            ET.SubElement(element, q("MemberCode"), {"targetGUID": guid(survey, "code", code.id)})
        for respondent, answered_item in data.answers:
            if answered_item == item:
                ET.SubElement(
                    element,
                    q("MemberSource"),
                    {"targetGUID": guid(survey, "source", respondent, item)},
                )
    if not len(sets):
        root.remove(sets)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        members = {"project.qde": _xml_bytes(root, ns), **dict(sorted(files.items()))}
        for name in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedCode:
    """A code read from a REFI-QDA file, placed in surveykit's themes → subthemes → codes."""

    id: str
    label: str
    theme: str
    subtheme: str | None
    description: str
    patterns: tuple[str, ...]
    items: tuple[str, ...] | None  # from a surveykit description; None: not given
    sets: tuple[str, ...] = ()  # the names of the sets the code is in


@dataclass(frozen=True)
class ImportedCodebook:
    """Themes (and subthemes, with ``parent``) and codes read from a REFI-QDA file."""

    themes: tuple[Theme, ...]
    codes: tuple[ImportedCode, ...]
    by_guid: dict[str, str]  # a codable code's GUID -> the code id it became


@dataclass(frozen=True)
class ImportedCoding:
    """One coding of a project: a code for a whole answer, by a coder."""

    respondent: str
    item: str
    code: str
    coder: str
    note: str
    where: str  # the selection or source, for messages


def _split_description(text: str | None) -> tuple[str, dict]:
    """A description's own text and the surveykit ids of its last line (if any)."""
    text = (text or "").strip()
    head, _, last = text.rpartition("\n")
    if not head and not text.startswith(TRAILER):
        return " ".join(text.split()), {}
    candidate = last if head else text
    if candidate.startswith(TRAILER):
        try:
            extra = json.loads(candidate[len(TRAILER) :])
        except ValueError:
            extra = None
        if isinstance(extra, dict):
            return " ".join(head.split()), extra
    return " ".join(text.split()), {}


_NOT_NAME = re.compile(r"\W+")


def _slug(label: str) -> str:
    slug = _NOT_NAME.sub("_", label.lower()).strip("_") or "code"
    return f"c_{slug}" if slug[0].isdigit() else slug


class _Ids:
    """Unique ids: the file's own (from a surveykit description) or made from the label."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def make(self, extra: dict, label: str, suffix: str = "") -> str:
        wanted = extra.get("id") if not suffix else None
        if isinstance(wanted, str) and wanted.isidentifier() and wanted not in self.taken:
            self.taken.add(wanted)
            return wanted
        base = _slug(label) + suffix
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}_{n}", n + 1
        self.taken.add(candidate)
        return candidate


def _parse(data: bytes, what: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise SurveyError(
            f"is not well-formed XML at line {line}, column {column + 1} ({what}); "
            "export it again from the QDA program"
        ) from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


UNGROUPED = ("ungrouped", "Codes without a theme")
"""The theme that holds top-level codes without child codes (a flat code list)."""


def read_codebook_element(codes: ET.Element, sets: ET.Element | None) -> ImportedCodebook:
    """Themes, subthemes and codes from a ``Codes`` element (and item sets from ``Sets``).

    A code tree of another program is fitted to themes → subthemes → codes: a
    top-level code with children is a theme, a child with children a subtheme,
    and every code below a subtheme is a code of it. A top-level code without
    children goes to the theme "Codes without a theme"; a theme or subtheme that
    can itself be coded gets a code of its own with the same label.
    """
    ids = _Ids()
    themes: list[Theme] = []
    found: list[ImportedCode] = []
    by_guid: dict[str, str] = {}
    ungrouped: list[ET.Element] = []

    def describe(element: ET.Element) -> tuple[str, dict]:
        return _split_description(
            (_child(element, "Description").text or "")
            if _child(element, "Description") is not None
            else ""
        )

    def codable(element: ET.Element) -> bool:
        return element.get("isCodable", "true").strip().lower() in ("true", "1")

    def add_code(element: ET.Element, theme: str, subtheme: str | None, *, own: bool) -> None:
        label = " ".join((element.get("name") or "").split()) or "Code"
        text, extra = describe(element)
        code_id = ids.make(extra, label) if not own else ids.make({}, label, "_code")
        patterns = extra.get("patterns") if not own else None
        items = extra.get("items") if not own else None
        found.append(
            ImportedCode(
                code_id,
                label,
                theme,
                subtheme,
                text,
                tuple(p for p in patterns if isinstance(p, str))
                if isinstance(patterns, list)
                else (),
                tuple(i for i in items if isinstance(i, str)) if isinstance(items, list) else None,
            )
        )
        by_guid[(element.get("guid") or "").strip("{}").upper()] = code_id

    def descendants(element: ET.Element) -> list[ET.Element]:
        out = []
        for child in _children(element, "Code"):
            out.append(child)
            out.extend(descendants(child))
        return out

    for top in _children(codes, "Code"):
        children = _children(top, "Code")
        if not children:
            if codable(top):
                ungrouped.append(top)
            else:
                text, extra = describe(top)
                label = " ".join((top.get("name") or "").split()) or "Theme"
                themes.append(Theme(ids.make(extra, label), label, text))
            continue
        text, extra = describe(top)
        label = " ".join((top.get("name") or "").split()) or "Theme"
        theme_id = ids.make(extra, label)
        themes.append(Theme(theme_id, label, text))
        if codable(top):
            add_code(top, theme_id, None, own=True)
        for child in children:
            grandchildren = _children(child, "Code")
            if not grandchildren:
                add_code(child, theme_id, None, own=False)
                continue
            sub_text, sub_extra = describe(child)
            sub_label = " ".join((child.get("name") or "").split()) or "Subtheme"
            sub_id = ids.make(sub_extra, sub_label)
            themes.append(Theme(sub_id, sub_label, sub_text, theme_id))
            if codable(child):
                add_code(child, theme_id, sub_id, own=True)
            for below in descendants(child):
                add_code(below, theme_id, sub_id, own=False)
    if ungrouped:
        theme_id = ids.make({}, UNGROUPED[0])
        themes.append(Theme(theme_id, UNGROUPED[1]))
        for element in ungrouped:
            add_code(element, theme_id, None, own=False)
    if not found:
        raise SurveyError("has no codes that can be coded; a codebook needs at least one")

    # Sets: one named after a text item lists the codes that apply to it (used for codes
    # whose description does not give their items).
    if sets is not None:
        members: dict[str, list[str]] = {}
        for set_element in _children(sets, "Set"):
            name = (set_element.get("name") or "").strip()
            for member in _children(set_element, "MemberCode"):
                target = (member.get("guid") or member.get("targetGUID") or "").strip("{}").upper()
                if target in by_guid:
                    members.setdefault(by_guid[target], []).append(name)
        found = [replace(c, sets=tuple(members.get(c.id, ()))) for c in found]
    return ImportedCodebook(tuple(themes), tuple(found), by_guid)


def read_qdc(data: bytes) -> ImportedCodebook:
    """The codebook of a ``.qdc`` file."""
    root = _parse(data, "a REFI-QDA codebook")
    if _local(root.tag) != "CodeBook":
        raise SurveyError(
            f"is not a REFI-QDA codebook: its root element is <{_local(root.tag)}>, not <CodeBook>"
        )
    codes = _child(root, "Codes")
    if codes is None:
        raise SurveyError("is a REFI-QDA codebook without <Codes>")
    return read_codebook_element(codes, _child(root, "Sets"))


@dataclass(frozen=True)
class ImportedProject:
    codebook: ImportedCodebook
    codings: tuple[ImportedCoding, ...]


def read_qdpx(data: bytes, default_coder: str) -> ImportedProject:
    """The codebook and codings of a ``.qdpx`` project exported from surveykit (and coded on).

    Text sources named ``RESPONDENT - ITEM`` are answers; a coding of any part of
    one is a code for the answer, by the coding's user (else the selection's,
    the source's or the project's; else ``default_coder``).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if "/" not in n and n.lower().endswith(".qde")]
            if not names:
                raise SurveyError("is a zip without a project.qde; is it a REFI-QDA .qdpx file?")
            xml = archive.read(names[0])
    except zipfile.BadZipFile as exc:
        raise SurveyError("is not a zip file; a .qdpx project is a zip with project.qde") from exc
    root = _parse(xml, "project.qde")
    if _local(root.tag) != "Project":
        raise SurveyError(
            f"is not a REFI-QDA project: project.qde's root element is <{_local(root.tag)}>"
        )
    book = _child(root, "CodeBook")
    codes = _child(book, "Codes") if book is not None else None
    if codes is None:
        raise SurveyError("is a REFI-QDA project without a codebook (<CodeBook><Codes>)")
    codebook = read_codebook_element(codes, _child(root, "Sets"))
    users_element = _child(root, "Users")
    users = {
        (u.get("guid") or "").strip("{}").upper(): (u.get("name") or u.get("id") or "").strip()
        for u in (_children(users_element, "User") if users_element is not None else [])
    }

    def user(*elements: ET.Element | None, attribute: str = "creatingUser") -> str:
        for element in elements:
            if element is None:
                continue
            name = users.get((element.get(attribute) or "").strip("{}").upper())
            if name:
                return name
        fallback = users.get((root.get("creatingUserGUID") or "").strip("{}").upper())
        return fallback or default_coder

    codings: list[ImportedCoding] = []
    sources_element = _child(root, "Sources")
    sources = _children(sources_element, "TextSource") if sources_element is not None else []
    for source in sources:
        name = source.get("name") or ""
        respondent, separator, item = name.rpartition(SOURCE_SEPARATOR)
        marks = [(None, c) for c in _children(source, "Coding")] + [
            (s, c) for s in _children(source, "PlainTextSelection") for c in _children(s, "Coding")
        ]
        if not marks:
            continue
        if not separator or not respondent.strip() or not item.strip().isidentifier():
            raise SurveyError(
                f"text source {name!r} is coded but is not an answer exported by surveykit "
                f"(its name must be RESPONDENT{SOURCE_SEPARATOR}ITEM)"
            )
        for selection, coding in marks:
            ref = _child(coding, "CodeRef")
            target = (ref.get("targetGUID") if ref is not None else "") or ""
            code = codebook.by_guid.get(target.strip("{}").upper())
            where = f"text source {name!r}"
            if code is None:
                raise SurveyError(
                    f"a coding of {where} refers to code {target!r}, which is not a codable "
                    "code of the project's codebook"
                )
            note_element = _child(selection, "Description") if selection is not None else None
            note = " ".join((note_element.text or "").split()) if note_element is not None else ""
            codings.append(
                ImportedCoding(
                    respondent.strip(),
                    item.strip(),
                    code,
                    user(coding, selection, source),
                    note,
                    where,
                )
            )
    return ImportedProject(codebook, tuple(codings))
