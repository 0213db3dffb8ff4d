"""``surveykit code export`` and ``code import``: a survey folder to and from REFI-QDA files.

Export writes the named ``.qdc`` (the codebook) and/or ``.qdpx`` (codebook,
respondents as cases, answers as sources, the codings that count); an existing
file is replaced only with ``--force``. Import writes the survey folder's
``codebook.yaml`` and, from a project, adds the codings to ``coding.csv`` as
``accepted`` rows: a codebook.yaml that differs from the imported one is
replaced only with ``--force``, and rows already in coding.csv are kept as they
are (as ``code suggest`` keeps them).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from surveykit.coding import CodingFiles
from surveykit.coding.codebook import Codebook, load_codebook
from surveykit.coding.refi import (
    ImportedCodebook,
    ProjectData,
    Variable,
    codebook_qdc,
    coded_items,
    project_qdpx,
    read_qdc,
    read_qdpx,
)
from surveykit.coding.sheet import CodingRow, read_coding, render_coding
from surveykit.errors import SurveyError
from surveykit.questionnaire import Questionnaire, load_questionnaire


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise SurveyError("exists already; pass --force to replace it", file=path)


def export_survey(folder: Path, qdc: Path | None, qdpx: Path | None, force: bool) -> list[Path]:
    """Write the survey's codebook as ``qdc`` and/or its coded answers as ``qdpx``."""
    from surveykit.coding.coded import Coding
    from surveykit.files import note_input, write_files
    from surveykit.ingest import read_responses

    if qdc is None and qdpx is None:
        raise SurveyError("name a file to write: --qdc FILE.qdc and/or --qdpx FILE.qdpx")
    for path, suffix in ((qdc, ".qdc"), (qdpx, ".qdpx")):
        if path is not None and path.suffix.lower() != suffix:
            raise SurveyError(f"must end in {suffix} (the REFI-QDA file type)", file=path)
        if path is not None:
            _refuse_existing(path, force)
    files = CodingFiles(folder)
    files.check()
    questionnaire = load_questionnaire(files.questionnaire)
    codebook = load_codebook(files.codebook, questionnaire)
    questions = {i.id: i.text for i in questionnaire.items}
    out: dict[Path, bytes] = {}
    if qdc is not None:
        out[qdc] = codebook_qdc(codebook, questionnaire.id, questions)
    if qdpx is not None:
        note_input(files.responses, "the responses CSV")
        note_input(files.sheet, "the coding sheet")
        rows = [r for r in read_coding(files.sheet, codebook) if r.counts]
        data = read_responses(files.responses, questionnaire)
        Coding(codebook, tuple(rows), files.sheet).check_answers(
            data.data, numbered=questionnaire.respondent_id is None
        )
        out[qdpx] = project_qdpx(codebook, rows, project_data(data, questionnaire, codebook))
    write_files(out)
    return list(out)


def _number(value: float) -> str:
    return np.format_float_positional(value, trim="-")


def project_data(data, questionnaire: Questionnaire, codebook: Codebook) -> ProjectData:
    """Respondents, their closed answers as variables and their coded answers, from ``data``."""
    from surveykit.coding.suggest import answers

    frame: pd.DataFrame = data.data
    respondents = tuple(str(r) for r in frame.index)
    variables: list[Variable] = []
    for item in questionnaire.items:
        if item.type == "text":
            continue
        values: dict[str, str] = {}
        kind = "Text"
        if item.type == "multi" and item.id in data.multi:
            chosen = data.multi[item.id]
            for respondent, row in chosen.iterrows():
                labels = [str(c) for c, on in row.items() if bool(on)]
                if labels:
                    values[str(respondent)] = "; ".join(labels)
        elif item.id in frame:
            column = frame[item.id].dropna()
            if item.type == "number":
                numbers = column.astype(float)
                whole = bool(np.all(np.mod(numbers, 1) == 0))
                kind = "Integer" if whole else "Float"
                values = {
                    str(r): str(int(v)) if whole else _number(float(v)) for r, v in numbers.items()
                }
            elif item.type == "datetime" and pd.api.types.is_datetime64_any_dtype(column):
                kind = "DateTime"
                values = {str(r): pd.Timestamp(v).isoformat() for r, v in column.items()}
            else:
                values = {str(r): str(v) for r, v in column.items()}
        else:
            continue
        variables.append(Variable(item.id, item.text, kind, values))
    texts = answers(frame, codebook)
    order = {r: n for n, r in enumerate(respondents)}
    items = coded_items(codebook)
    found = [
        (str(r), item, str(t)) for item in items if item in texts for r, t in texts[item].items()
    ]
    found.sort(key=lambda x: (order.get(x[0], len(order)), items.index(x[1])))
    return ProjectData(
        questionnaire.id,
        questionnaire.title,
        respondents,
        tuple(variables),
        {(r, i): t for r, i, t in found},
        {i.id: i.text for i in questionnaire.items if i.type == "text"},
    )


# --- import ------------------------------------------------------------------------


def render_codebook(imported: ImportedCodebook, questionnaire: Questionnaire, source: Path) -> str:
    """``codebook.yaml`` text for an imported codebook, checked against the questionnaire."""

    text_items = [i.id for i in questionnaire.items if i.type == "text"]
    default = tuple(sorted(text_items))
    items_of: dict[str, tuple[str, ...]] = {}
    for code in imported.codes:
        if code.items is not None:  # from a surveykit description: must be this survey's
            unknown = [i for i in code.items if i not in text_items]
            if unknown or not code.items:
                raise SurveyError(
                    f"code {code.label!r} applies to {', '.join(unknown) or 'no item'}, which "
                    f"{'is not a text item' if len(unknown) < 2 else 'are not text items'} of "
                    f"{questionnaire.path}; import into the survey it was exported from",
                    file=source,
                )
            items_of[code.id] = code.items
        else:  # from another program: the sets named after text items, else every text item
            items_of[code.id] = tuple(s for s in code.sets if s in text_items) or default
    top = Counter(items_of.values()).most_common(1)[0][0]

    def code_entry(code) -> dict:
        entry: dict = {"id": code.id, "label": code.label}
        if code.description:
            entry["description"] = code.description
        if code.patterns:
            entry["patterns"] = list(code.patterns)
        if items_of[code.id] != top:
            entry["items"] = list(items_of[code.id])
        return entry

    themes = []
    for theme in (t for t in imported.themes if t.parent is None):
        entry: dict = {"id": theme.id, "label": theme.label}
        if theme.description:
            entry["description"] = theme.description
        own = [code_entry(c) for c in imported.codes if c.theme == theme.id and c.subtheme is None]
        subs = []
        for sub in (t for t in imported.themes if t.parent == theme.id):
            sub_entry: dict = {"id": sub.id, "label": sub.label}
            if sub.description:
                sub_entry["description"] = sub.description
            sub_entry["codes"] = [code_entry(c) for c in imported.codes if c.subtheme == sub.id]
            subs.append(sub_entry)
        if subs:
            entry["subthemes"] = subs
        if own:
            entry["codes"] = own
        themes.append(entry)
    doc = {"items": list(top), "themes": themes}
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# Imported from {source.name} by surveykit code import.\n{body}"


class _Dumper(yaml.SafeDumper):
    """Lists of plain values in brackets (``patterns: [a, b]``), as codebook.yaml is written by hand."""


def _list(dumper, value: list):
    flow = all(not isinstance(v, dict | list) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(list, _list)


def _codebook_from_text(text: str, questionnaire: Questionnaire) -> Codebook:
    """Load codebook.yaml text (from a private temporary copy, so the real file stays writable)."""
    with tempfile.TemporaryDirectory(prefix="surveykit-codebook-") as tmp:
        path = Path(tmp) / "codebook.yaml"
        path.write_text(text, encoding="utf-8")
        book = load_codebook(path, questionnaire)
    return Codebook(book.themes, book.codes, None)


@dataclass(frozen=True)
class ImportResult:
    """What ``code import`` did, for its message."""

    codebook: str  # "written", "replaced" or "unchanged"
    codes: int
    added: int | None = None  # coding rows added (None: a .qdc has no codings)
    kept: int = 0  # imported codings already in coding.csv, left as they were


def import_survey(folder: Path, source: Path, coder: str, force: bool) -> ImportResult:
    """Write ``codebook.yaml`` (and add coding rows) in ``folder`` from a .qdc or .qdpx file."""
    from surveykit.files import note_input, write_files

    suffix = source.suffix.lower()
    if suffix not in (".qdc", ".qdpx"):
        raise SurveyError("must be a REFI-QDA .qdc (codebook) or .qdpx (project) file", file=source)
    files = CodingFiles(folder)
    if not files.folder.is_dir():
        raise SurveyError("is not a folder; give the survey folder", file=folder)
    if not files.questionnaire.is_file():
        raise SurveyError(
            "not found (the survey folder needs it for coding)", file=files.questionnaire
        )
    note_input(source, "the REFI-QDA file")
    try:
        raw = source.read_bytes()
    except FileNotFoundError as exc:
        raise SurveyError("file not found", file=source) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=source) from exc
    questionnaire = load_questionnaire(files.questionnaire)
    try:
        if suffix == ".qdc":
            imported, codings = read_qdc(raw), ()
        else:
            project = read_qdpx(raw, coder)
            imported, codings = project.codebook, project.codings
    except SurveyError as exc:
        exc.file = exc.file or str(source)
        raise
    text = render_codebook(imported, questionnaire, source)
    codebook = _codebook_from_text(text, questionnaire)

    status = "written"
    if files.codebook.exists():
        try:
            existing = _codebook_from_text(
                files.codebook.read_text(encoding="utf-8-sig"), questionnaire
            )
        except (SurveyError, OSError, UnicodeDecodeError):
            existing = None
        if existing == codebook:
            status = "unchanged"
        elif not force:
            raise SurveyError(
                f"differs from the codebook in {source.name}; pass --force to replace it "
                "(its comments and layout are not kept)",
                file=files.codebook,
            )
        else:
            status = "replaced"
    out: dict[Path, str] = {}
    if status != "unchanged":
        out[files.codebook] = text
    result = ImportResult(status, len(codebook.codes))
    try:  # the sheet's rows must fit the new codebook
        if suffix == ".qdc" and status == "replaced":
            read_coding(files.sheet, codebook)
        if suffix == ".qdpx":
            rows, added, kept = _merge_codings(files, codebook, codings, questionnaire, source)
    except SurveyError as exc:
        if exc.file == str(files.sheet) and status == "replaced":
            exc.message += (
                f" (the codebook of {source.name}, which would replace codebook.yaml; "
                "nothing was written)"
            )
        raise
    if suffix == ".qdpx":
        result = ImportResult(status, len(codebook.codes), added, kept)
        if added:
            out[files.sheet] = render_coding(rows)
    if out:
        write_files(out)
    return result


def _merge_codings(
    files: CodingFiles, codebook: Codebook, codings, questionnaire: Questionnaire, source: Path
) -> tuple[list[CodingRow], int, int]:
    from surveykit.coding.sheet import answer_start, check_answers
    from surveykit.coding.suggest import answers, keyed
    from surveykit.ingest import read_responses

    if not files.responses.is_file():
        raise SurveyError("not found (the survey folder needs it for coding)", file=files.responses)
    data = read_responses(files.responses, questionnaire)
    texts = answers(data.data, codebook)
    existing = read_coding(files.sheet, codebook)
    respondents = {str(r) for r in data.data.index}
    numbered = questionnaire.respondent_id is None
    check_answers(existing, keyed(texts), respondents, files.sheet, numbered=numbered)
    known = {r.key for r in existing}
    new: dict[tuple[str, str, str, str], CodingRow] = {}
    kept = 0
    for coding in codings:
        where = {"file": source}
        if coding.item not in texts or coding.respondent not in texts[coding.item].index:
            raise SurveyError(
                f"{coding.where} is not a non-blank answer in {files.responses} "
                f"(respondent {coding.respondent!r}, item {coding.item!r}); import into the "
                "survey it was exported from",
                **where,
            )
        if coding.item not in codebook.code(coding.code).items:
            raise SurveyError(
                f"{coding.where} is coded {coding.code!r}, which does not apply to item "
                f"{coding.item!r} (the code's items: {', '.join(codebook.code(coding.code).items)})",
                **where,
            )
        row = CodingRow(
            coding.respondent,
            coding.item,
            coding.code,
            coding.coder,
            "accepted",
            coding.note,
            answer_start(texts[coding.item][coding.respondent]),
        )
        if row.key in known:
            kept += 1
        elif row.key in new:  # several selections with one code in one answer: one row
            if row.note and not new[row.key].note:
                new[row.key] = row
        else:
            new[row.key] = row
    return [*existing, *new.values()], len(new), kept
