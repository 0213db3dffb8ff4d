"""``surveykit report --split ITEM``: one report per level of an item, and an index.

Staff surveys publish exactly this: one report per ward or team, none below a
minimum size. Each unit is the run's ``--where ITEM == level`` subset, so it goes
through the same analyses, quotes and small-cell protection as any report, and
its methods paragraph says how many of the analysed respondents it describes. A
unit with fewer respondents than ``min_cell`` gets no report, only a line in the
index.

Everything is written inside the output folder, as one set (see
:func:`surveykit.files.write_files`): the folder must be new, empty, or one
surveykit wrote before (its manifest lists the names it may replace).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import SurveyError
from surveykit.files import (
    MANIFEST,
    check_output_folder,
    guard_target,
    make_folder,
    write_files,
)
from surveykit.questionnaire import OTHERS

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan
    from surveykit.population import Population
    from surveykit.result import Result
    from surveykit.settings import Settings

NOT_REPORTED = "fewer than {n} responses: not reported"
RATE_SENTENCE = (
    "Rate % = respondents analysed / headcount (population file); a unit's rate is "
    "withheld with its count."
)
EXTENSIONS = {"md": ".md", "html": ".html", "docx": ".docx", "json": ".json", "csv": ""}
_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com\d|lpt\d)$")


@dataclass(frozen=True)
class Unit:
    """One level of the split item: its respondents and its report's file (None: not written)."""

    label: str
    n: int
    file: str | None
    headcount: float | None = None  # the unit's headcount, when the split item has them


@dataclass(frozen=True)
class SplitOutcome:
    """What ``report --split`` wrote: the index and one entry per unit."""

    index: Path
    units: list[Unit]
    min_cell: int | None
    unanswered: int

    def summary(self) -> str:
        """``5 reports (1 unit not reported)``."""
        written = sum(u.file is not None for u in self.units)
        left = len(self.units) - written
        text = f"{written} report{'s' if written != 1 else ''}"
        return text + (f" ({left} unit{'s' if left != 1 else ''} not reported)" if left else "")


def safe_name(number: int, label: str) -> str:
    """A file name for any level label: ``03-mental-health`` (numbered, so never empty or twice).

    Only ASCII letters, digits and hyphens survive; the number keeps two units
    whose labels differ only in punctuation or script apart.
    """
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    if _WINDOWS_RESERVED.match(slug):
        slug += "-unit"
    return f"{number:02d}-{slug}" if slug else f"{number:02d}"


def report_split(
    responses: Path,
    questionnaire: Path | None,
    plan: Path | None,
    item_id: str,
    fmt: str,
    output: Path | None,
    *,
    paper: str = "a4",
    min_cell: int | None = None,
    where: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    population: Path | None = None,
) -> SplitOutcome:
    """``surveykit report --split``: read the survey once, then :func:`write_split`."""
    from surveykit.files import check_output_folder
    from surveykit.ingest.readers import parse_delimiter
    from surveykit.pipeline import find_inputs, read_survey

    if output is None:
        raise SurveyError("--split writes a folder of reports; give --output DIR")
    q_path, p_path = find_inputs(responses, questionnaire, plan)
    check_output_folder(output)  # before any work: find_inputs noted the inputs
    # Each unit is a domain of the weighted survey, with its own response rate
    # when the split item has headcounts (see surveykit.domains).
    data, the_plan, settings, headcounts = read_survey(
        responses, q_path, p_path, encoding=encoding, delimiter=parse_delimiter(delimiter),
        sheet=sheet, min_cell=min_cell, population=population,
    )  # fmt: skip
    return write_split(
        data, the_plan, settings, item_id, fmt, output, paper=paper, where=where,
        population=headcounts,
    )  # fmt: skip


def split_levels(data: Responses, item_id: str) -> tuple[list[tuple[str, int]], int]:
    """Each level of ``item_id`` with its number of respondents, and how many gave none."""
    questionnaire = data.questionnaire
    if not questionnaire.has(item_id):
        import difflib

        ids = [i.id for i in questionnaire.items]
        close = difflib.get_close_matches(item_id, ids, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise SurveyError(f"--split: {item_id!r} is not an item id{hint}")
    item = questionnaire.item(item_id)
    if item.type not in ("single", "ordinal"):
        raise SurveyError(
            f"--split: {item_id!r} is a {item.type} item; split by a single or ordinal item "
            "(e.g. a department or ward)"
        )
    column = data.data[item_id]
    counts = column.value_counts()
    levels = [*item.labels, *([OTHERS] if item.other else [])]
    out = [(label, int(counts.get(label, 0))) for label in levels]
    return out, int(column.isna().sum())


@dataclass(frozen=True)
class SplitFiles:
    """The files of ``report --split`` before they are written: names relative to the folder."""

    files: dict[str, bytes | str]  # the index and every unit's report (no manifest)
    folders: list[str]  # sub-folders to make (figures, a unit's CSV tables)
    units: list[Unit]
    index: str  # the index file's name
    unanswered: int


def build_split(
    data: Responses,
    plan: Plan | None,
    settings: Settings,
    item_id: str,
    fmt: str,
    *,
    paper: str = "a4",
    generated: date | None = None,
    where: str | None = None,
    population: Population | None = None,
) -> SplitFiles:
    """One ``fmt`` report per level of ``item_id`` and an index, as files in memory.

    ``where`` (``--where``) narrows every unit further. With ``population``, each
    unit's report is weighted as a domain of the whole survey and shows the unit's
    response rate; so does the index, when ``item_id`` has headcounts. ``surveykit
    check`` compares these files with a survey's ``expected/split-ITEM/``.
    """
    from surveykit.pipeline import finish
    from surveykit.report import FORMATS, PAPERS
    from surveykit.subsets import subset_run

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise SurveyError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if paper not in PAPERS:
        raise SurveyError(f"unknown paper size {paper!r}; choose one of {', '.join(PAPERS)}")
    levels, unanswered = split_levels(data, item_id)
    item = data.questionnaire.item(item_id)
    min_cell = settings.min_cell
    units: list[Unit] = []
    files: dict[str, bytes | str] = {}  # name relative to output → content
    folders: list[str] = []
    if where:
        subset_run(data, where)  # a bad --where is reported as such, before any unit
    for number, (label, n) in enumerate(levels, start=1):
        condition = f"{item_id} == {label!r}"
        if where:
            condition = f"({where}) and {condition}"
            n = subset_run(data, condition)[1].n
        headcount = _headcount(population, item_id, label, where)
        if n == 0 or (min_cell is not None and n < min_cell):
            units.append(Unit(label, n, None, headcount))
            continue
        result = finish(
            data, plan, settings, with_quotes=True, where=condition, population=population
        )
        result = replace(result, title=f"{result.title}: {item.label} {label}")
        stem = safe_name(number, label)
        name, unit_files, unit_folders = _render(result, fmt, stem, paper, generated)
        files.update(unit_files)
        folders.extend(unit_folders)
        units.append(Unit(label, n, name, headcount))
    index_name = "index.html" if fmt == "html" else "index.md"
    title = data.questionnaire.title or data.questionnaire.id
    files[index_name] = (_index_html if fmt == "html" else _index_md)(
        title, item.label, units, min_cell, unanswered, data, where
    )
    return SplitFiles(files, folders, units, index_name, unanswered)


def write_split(
    data: Responses,
    plan: Plan | None,
    settings: Settings,
    item_id: str,
    fmt: str,
    output: Path,
    *,
    paper: str = "a4",
    generated: date | None = None,
    where: str | None = None,
    population: Population | None = None,
) -> SplitOutcome:
    """Write :func:`build_split`'s reports and index into the folder ``output``."""
    output = Path(output)
    listed = check_output_folder(output)
    built = build_split(
        data, plan, settings, item_id, fmt, paper=paper, generated=generated, where=where,
        population=population,
    )  # fmt: skip
    files = dict(built.files)
    names = sorted({n.split("/")[0] for n in files})
    for name in names:
        target = output / name
        if name not in listed and target.exists():
            raise SurveyError(
                f"the folder already holds {name}, which surveykit did not write; "
                "give a new or empty folder",
                file=output,
            )
    files[MANIFEST] = (
        json.dumps({"written_by": "surveykit report --split", "files": names}, indent=1) + "\n"
    )
    stale = [output / n for n in sorted(listed - set(names)) if (output / n).is_file()]
    for path in stale:
        guard_target(path)
    make_folder(output)
    for folder in built.folders:
        make_folder(output / folder)
    write_files({output / name: content for name, content in files.items()}, remove=stale)
    return SplitOutcome(output / built.index, built.units, settings.min_cell, built.unanswered)


def _render(
    result: Result, fmt: str, stem: str, paper: str, generated: date | None
) -> tuple[str, dict[str, bytes | str], list[str]]:
    """The unit's report as files (names relative to the output folder), and folders to make."""
    from surveykit.render.document import build_report

    if fmt == "json":
        from surveykit.render.json import render_json

        return f"{stem}.json", {f"{stem}.json": render_json(result)}, []
    if fmt == "csv":
        from surveykit.render.csv_out import table_csv, table_filename

        report = build_report(result, generated=generated, figures=False)
        tables = {
            f"{stem}/{table_filename(t)}": ("\ufeff" + table_csv(t)).encode("utf-8")
            for t in report.all_tables
        }
        return stem, tables, [stem]
    report = build_report(result, generated=generated)
    if fmt == "html":
        from surveykit.render.html import render_html

        return f"{stem}.html", {f"{stem}.html": render_html(report)}, []
    if fmt == "docx":
        from surveykit.render.docx import render_docx

        return f"{stem}.docx", {f"{stem}.docx": render_docx(report, paper=paper)}, []
    from surveykit.render.markdown import render_markdown

    folder = f"{stem}_figures"
    figures = report.figures
    out: dict[str, bytes | str] = {f"{folder}/{f.filename}": f.png for f in figures}
    out[f"{stem}.md"] = render_markdown(report, folder)
    return f"{stem}.md", out, [folder] if figures else []


def _intro(
    item_label: str,
    units: list[Unit],
    min_cell: int | None,
    unanswered: int,
    data: Responses,
    where: str | None,
) -> list[str]:
    lines = [
        f"Responses received {data.received}, excluded {len(data.exclusions)}, analysed "
        f"{data.analysed}. One report per {item_label}"
        + (f", each only of the respondents where {where}" if where else "")
        + "."
    ]
    if min_cell is not None:
        lines.append(
            f"Small-cell protection: counts below {min_cell} are withheld in every report, "
            f"and a unit with fewer than {min_cell} responses gets no report."
        )
        lines += _derivable(units, min_cell, unanswered, data.analysed if not where else None)
    if unanswered:
        shown = (
            f"fewer than {min_cell}"
            if min_cell is not None and unanswered < min_cell
            else str(unanswered)
        )
        lines.append(f"No answer to {item_label} (in no unit's report): {shown}.")
    return lines


def _derivable(
    units: list[Unit], min_cell: int, unanswered: int, analysed: int | None
) -> list[str]:
    """What the index cannot hide: a small unit's number of responses, by subtraction.

    Every reported unit's count is printed (here and in its report, "58 of the 240
    analysed"), and with the respondents who gave no answer they add up to everyone
    analysed: a reader solves for the units shown as "< N" as small-cell protection
    would (:func:`surveykit.suppression.bounds`). Staff surveys publish response
    counts and withhold the answers of small units; the index says which it is.
    Under ``--where`` the units' total is not printed, so nothing is claimed.
    """
    from surveykit.suppression import CountProblem, Equation, bounds

    small = [k for k, u in enumerate(units) if u.file is None and u.n < min_cell]
    if not small or analysed is None:
        return []
    values = {(k, 0): u.n for k, u in enumerate(units)}
    values[(len(units), 0)] = unanswered
    problem = CountProblem(values, [Equation([(1, c) for c in values], analysed)])
    problem.primary = {(k, 0) for k in small}
    if 0 < unanswered < min_cell:  # "No answer …: fewer than N" (no line: none)
        problem.primary.add((len(units), 0))
    ranges = bounds(problem, min_cell)
    pinned = [units[k].label for k in small if ranges[(k, 0)][1] - ranges[(k, 0)][0] < 0.5]
    source = (
        f"the {analysed} analysed minus the other units' counts (printed here and in their "
        "reports)" + (" and those with no answer" if unanswered else "")
    )
    if pinned:
        return [
            f"Not protected: the number of responses of {', '.join(pinned)} can be worked "
            f"out from {source}; only the answers of a unit with fewer than {min_cell} "
            "responses are withheld (no report)."
        ]
    return [
        f"Not protected: the total number of responses of the units shown as "
        f"\u201c< {min_cell}\u201d can be worked out from {source}, though not each one's; "
        "only their answers are withheld (no report)."
    ]


def _headcount(
    population: Population | None, item_id: str, label: str, where: str | None
) -> float | None:
    """The unit's headcount; None without one, or under a --where (a part of the unit)."""
    if population is None or where or item_id not in population.margins:
        return None
    return population.margins[item_id].get(label)


def _rate_columns(units: list[Unit]) -> bool:
    return any(u.headcount is not None for u in units)


def _headcount_text(unit: Unit) -> str:
    if unit.headcount is None:
        return ""
    h = unit.headcount
    return str(int(h)) if float(h).is_integer() else f"{h:g}"


def _rate_text(unit: Unit, min_cell: int | None) -> str:
    """The unit's response rate %; withheld with its count (the headcount would give it back)."""
    if unit.headcount is None or unit.headcount <= 0:
        return ""
    if min_cell is not None and unit.n < min_cell:
        return "withheld"
    return f"{100 * unit.n / unit.headcount:.1f}"


def _respondents(unit: Unit, min_cell: int | None) -> str:
    if unit.file is None and min_cell is not None and unit.n < min_cell:
        return f"< {min_cell}"
    return str(unit.n)


def _why(unit: Unit, min_cell: int | None) -> str:
    if min_cell is not None and unit.n < min_cell:
        return NOT_REPORTED.format(n=min_cell)
    return "no responses: not reported"


def _index_md(
    title: str,
    item_label: str,
    units: list[Unit],
    min_cell: int | None,
    unanswered: int,
    data: Responses,
    where: str | None,
) -> str:
    from surveykit.render.md_escape import md_cell, md_link_target, md_link_text, md_text

    lines = [f"# {md_text(title)}: reports by {md_text(item_label)}", ""]
    for line in _intro(item_label, units, min_cell, unanswered, data, where):
        lines += [md_text(line), ""]
    rates = _rate_columns(units)
    if rates:
        lines += [
            f"| {md_cell(item_label)} | Respondents | Headcount | Rate % | Report |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
    else:
        lines += [f"| {md_cell(item_label)} | Respondents | Report |", "| --- | ---: | --- |"]
    for unit in units:
        report = (
            f"[{md_link_text(unit.file)}]({md_link_target(unit.file)})"
            if unit.file
            else _why(unit, min_cell)
        )
        rate = f" {_headcount_text(unit)} | {_rate_text(unit, min_cell)} |" if rates else ""
        lines.append(f"| {md_cell(unit.label)} | {_respondents(unit, min_cell)} |{rate} {report} |")
    if rates:
        lines += ["", md_text(RATE_SENTENCE)]
    return "\n".join(lines) + "\n"


def _index_html(
    title: str,
    item_label: str,
    units: list[Unit],
    min_cell: int | None,
    unanswered: int,
    data: Responses,
    where: str | None,
) -> str:
    e = html.escape
    rates = _rate_columns(units)
    rows = []
    for unit in units:
        report = (
            f'<a href="{e(unit.file)}">{e(unit.file)}</a>' if unit.file else e(_why(unit, min_cell))
        )
        rate = (
            f'<td class="n">{e(_headcount_text(unit))}</td>'
            f'<td class="n">{e(_rate_text(unit, min_cell))}</td>'
            if rates
            else ""
        )
        rows.append(
            f'<tr><td>{e(unit.label)}</td><td class="n">{e(_respondents(unit, min_cell))}</td>'
            f"{rate}<td>{report}</td></tr>"
        )
    intro = "".join(
        f"<p>{e(line)}</p>" for line in _intro(item_label, units, min_cell, unanswered, data, where)
    )
    heading = f"{e(title)}: reports by {e(item_label)}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>body{{font-family:sans-serif;max-width:50em;"
        "margin:2em auto}table{border-collapse:collapse}td,th{padding:.2em .8em;"
        "border-bottom:1px solid #ccc;text-align:left}.n{text-align:right}</style></head>"
        f"<body><h1>{heading}</h1>{intro}<table><thead><tr><th>{e(item_label)}</th>"
        '<th class="n">Respondents</th>'
        + ('<th class="n">Headcount</th><th class="n">Rate %</th>' if rates else "")
        + "<th>Report</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + (f"<p>{e(RATE_SENTENCE)}</p>" if rates else "")
        + "</body></html>\n"
    )
