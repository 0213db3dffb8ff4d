"""``surveykit check``: compare a survey's analysis with its stored expected output.

Differences are reported the way a person reads a table (which table, which
row and column, old → new), numbers compared within a relative tolerance so
that the last bits of floating point never fail a build.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from surveykit.errors import SurveyError
from surveykit.files import cannot_write, write_files

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan
    from surveykit.population import Population

RTOL = 1e-9
ATOL = 1e-12
EXPECTED_JSON = "result.json"
EXPECTED_WAVES = "compare.json"
WAVE2 = "wave2.csv"
"""A survey folder's second wave: ``check`` compares ``compare responses.csv wave2.csv``."""


@dataclass(frozen=True)
class Difference:
    """One changed value: where it is, what it was, what it is now."""

    where: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.where}: {_show(self.old)} → {_show(self.new)}"


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


_MISSING = object()


def compare_documents(expected: dict, actual: dict, *, rtol: float = RTOL) -> list[Difference]:
    """All differences between two result documents (``analyze --format json``)."""
    diffs: list[Difference] = []
    for key in sorted(set(expected) | set(actual), key=_key_order):
        if key == "source":
            continue  # where the CSV was read from is not a result
        old, new = expected.get(key, _MISSING), actual.get(key, _MISSING)
        if key == "tables" and _table_list(old) and _table_list(new):
            _tables(old, new, diffs, rtol)
        elif key == "tests" and _dict_list(old) and _dict_list(new):
            _tests(old, new, diffs, rtol)
        else:
            _walk(old, new, key, diffs, rtol)
    return diffs


def _dict_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _table_list(value: Any) -> bool:
    # A hand-edited expected file may hold anything; only well-formed tables are compared
    # cell by cell, anything else value by value.
    return _dict_list(value) and all(
        isinstance(t.get("columns"), list)
        and isinstance(t.get("rows", []), list)
        and all(isinstance(r, list) for r in t.get("rows", []))
        for t in value
    )


def _key_order(key: str) -> tuple[int, str]:
    order = ["survey", "respondents", "exclusions", "tables", "tests"]
    return (order.index(key) if key in order else len(order), key)


def _tables(old: list, new: list, diffs: list[Difference], rtol: float) -> None:
    old_by = {t.get("id"): t for t in old}
    new_by = {t.get("id"): t for t in new}
    for table_id in [*old_by, *(k for k in new_by if k not in old_by)]:
        a, b = old_by.get(table_id), new_by.get(table_id)
        where = f"table {table_id!r}"
        if a is None or b is None:
            diffs.append(
                Difference(
                    where,
                    _MISSING if a is None else "present",
                    _MISSING if b is None else "present",
                )
            )
            continue
        if a.get("columns") != b.get("columns"):
            diffs.append(Difference(f"{where} columns", a.get("columns"), b.get("columns")))
            continue
        columns = a["columns"]
        a_rows, b_rows = a.get("rows", []), b.get("rows", [])
        for i in range(max(len(a_rows), len(b_rows))):
            ra = a_rows[i] if i < len(a_rows) else None
            rb = b_rows[i] if i < len(b_rows) else None
            label = _row_label(ra if ra is not None else rb, i)
            if ra is None or rb is None:
                diffs.append(
                    Difference(
                        f"{where} row {label}",
                        ra if ra is not None else _MISSING,
                        rb if rb is not None else _MISSING,
                    )
                )
                continue
            for j, column in enumerate(columns):
                va = ra[j] if j < len(ra) else _MISSING
                vb = rb[j] if j < len(rb) else _MISSING
                name = column or "label"
                if isinstance(va, dict) and isinstance(vb, dict):  # a correlation's r, n, p, CI
                    _walk(va, vb, f"{where} row {label} column {name!r}", diffs, rtol)
                elif not _equal(va, vb, rtol):
                    diffs.append(Difference(f"{where} row {label} column {name!r}", va, vb))
        for key in sorted((set(a) | set(b)) - {"id", "columns", "rows"}):
            _walk(a.get(key, _MISSING), b.get(key, _MISSING), f"{where} {key}", diffs, rtol)


def _row_label(row: list | None, index: int) -> str:
    if not row:
        return f"#{index + 1}"
    labels = [str(c) for c in row[:2] if isinstance(c, str) and c]
    return f"#{index + 1} ({' / '.join(labels)})" if labels else f"#{index + 1}"


def _tests(old: list, new: list, diffs: list[Difference], rtol: float) -> None:
    for i in range(max(len(old), len(new))):
        a = old[i] if i < len(old) else _MISSING
        b = new[i] if i < len(new) else _MISSING
        ref = a if a is not _MISSING else b
        if "pair" in ref:
            where = f"test {i + 1} ({ref.get('kind')} of {' and '.join(map(str, ref['pair']))})"
        elif "by" in ref:
            where = f"test {i + 1} ({ref.get('kind')} of {ref.get('dv')} by {ref.get('by')})"
        else:
            where = f"test {i + 1} ({ref.get('kind')} of {ref.get('dv')})"
        _walk(a, b, where, diffs, rtol)


def _walk(old: Any, new: Any, where: str, diffs: list[Difference], rtol: float) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _walk(old.get(key, _MISSING), new.get(key, _MISSING), f"{where}.{key}", diffs, rtol)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _walk(a, b, f"{where}[{i}]", diffs, rtol)
    elif not _equal(old, new, rtol):
        diffs.append(Difference(where, old, new))


def _equal(a: Any, b: Any, rtol: float) -> bool:
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(a, b, rel_tol=rtol, abs_tol=ATOL)
    return a == b


MAX_EXPECTED_BYTES = 256 * 1024**2
"""Largest expected/ file read (256 MiB)."""
MAX_EXPECTED_DEPTH = 64
"""Deepest nesting of lists and objects in an expected result."""

_FIX = "fix or delete it and run 'surveykit check --update'"


def _read_expected_text(path: Path) -> str:
    try:
        if path.exists() and not path.is_file():
            raise SurveyError(f"is not a file; {_FIX}", file=path)
        with path.open("rb") as handle:
            raw = handle.read(MAX_EXPECTED_BYTES + 1)
    except FileNotFoundError as exc:
        raise SurveyError(
            "no expected result yet; run 'surveykit check --update' to create it", file=path
        ) from exc
    except NotADirectoryError as exc:
        raise SurveyError(f"{path.parent.name} is a file, not a folder; {_FIX}", file=path) from exc
    except OSError as exc:
        raise SurveyError(f"cannot read: {exc.strerror}", file=path) from exc
    if len(raw) > MAX_EXPECTED_BYTES:
        raise SurveyError(
            f"is larger than the {MAX_EXPECTED_BYTES // 1024**2} MiB limit", file=path
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SurveyError(f"is not UTF-8 text; {_FIX}", file=path, line=line) from exc


def _json_depth(text: str) -> int:
    """Nesting depth of JSON text, counted on brackets outside strings (without parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def load_expected(path: Path) -> dict:
    """Read a stored expected result, with a clear message when it is absent or broken."""
    text = _read_expected_text(path)
    if _json_depth(text) > MAX_EXPECTED_DEPTH:
        raise SurveyError(
            f"is nested more than {MAX_EXPECTED_DEPTH} levels deep (the nesting limit); {_FIX}",
            file=path,
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SurveyError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno) from exc
    except (ValueError, RecursionError) as exc:
        # int() refuses numbers of more than 4,300 digits.
        raise SurveyError(f"holds a number too long to read; {_FIX}", file=path) from exc
    if not isinstance(doc, dict):
        kind = {list: "a list", str: "a string", type(None): "null"}.get(type(doc), "a number")
        raise SurveyError(f"holds {kind}, not a result object; {_FIX}", file=path)
    return doc


def _inside(folder: Path, path: Path) -> Path:
    """``path`` resolved (symlinks followed); an error unless it lies inside ``folder``."""
    real_folder = Path(os.path.realpath(folder))
    real = Path(os.path.realpath(path))
    if real != real_folder and real_folder not in real.parents:
        raise SurveyError(
            f"resolves to {real}, outside the survey folder {real_folder}; check --update "
            "writes only inside the survey folder (replace the link with a folder)",
            file=path,
        )
    return real


def compare_text(expected: str, actual: str, name: str, *, context: int = 1) -> list[Difference]:
    """Line differences of two text reports (at most 20)."""
    import difflib

    out: list[Difference] = []
    a, b = expected.splitlines(), actual.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.append(
            Difference(
                f"{name} line {i1 + 1}",
                "\n".join(a[i1:i2]) or _MISSING,
                "\n".join(b[j1:j2]) or _MISSING,
            )
        )
        if len(out) >= 20:
            break
    return out


@dataclass(frozen=True)
class CheckOutcome:
    """What ``check`` found for one survey folder."""

    folder: Path
    differences: list[Difference]
    updated: list[Path]
    tables: int
    tests: int
    splits: tuple[str, ...] = ()  # "split-dept: 4 reports and the index", one per check: split

    def summary(self) -> str:
        """``15 tables, 16 tests, split-dept: 4 reports and the index``."""
        return ", ".join([f"{self.tables} tables", f"{self.tests} tests", *self.splits])


def survey_files(folder: Path) -> tuple[Path, Path, Path | None]:
    """responses.csv, questionnaire.yaml and (if present) analysis.yaml of a survey folder."""
    if not folder.is_dir():
        raise SurveyError(
            "is not a survey folder (expected a folder with responses.csv)", file=folder
        )
    responses = folder / "responses.csv"
    questionnaire = folder / "questionnaire.yaml"
    for path in (responses, questionnaire):
        if not path.exists():
            raise SurveyError(f"survey folder has no {path.name}", file=folder)
    plan = folder / "analysis.yaml"
    return responses, questionnaire, plan if plan.exists() else None


def check_survey(
    folder: Path,
    *,
    update: bool = False,
    rtol: float = RTOL,
    delimiter: str | None = None,
    population: Path | None = None,
) -> CheckOutcome:
    """Analyse ``folder`` and compare with (or, with ``update``, rewrite) ``folder/expected``.

    ``delimiter`` forces the CSV delimiter of responses.csv (sniffed by default);
    ``population`` replaces the folder's population.yaml."""
    from surveykit.pipeline import find_population, finish, read_survey
    from surveykit.render.json import render_json, to_document

    if not (isinstance(rtol, int | float) and math.isfinite(rtol) and rtol >= 0):
        raise SurveyError(f"--rtol must be a number of 0 or more, got {rtol}")
    responses, questionnaire, plan = survey_files(folder)
    # The Result the report would show: protected when the plan sets report.min_cell. Read
    # once: the plan's check: splits report from the same responses.
    data, the_plan, settings, headcounts = read_survey(
        responses, questionnaire, plan, delimiter=delimiter,
        population=find_population(responses, population),
    )  # fmt: skip
    result = finish(data, the_plan, settings, with_quotes=True, population=headcounts)
    expected_dir = folder / "expected"
    outputs: dict[str, str] = {EXPECTED_JSON: render_json(result)}
    report_md = _markdown_report(result)
    if report_md is not None:
        outputs["report.md"] = report_md
    waves = _wave_document(folder, responses, questionnaire, plan, delimiter)
    if waves is not None:
        outputs[EXPECTED_WAVES] = json.dumps(waves, indent=2, ensure_ascii=False) + "\n"
    splits = _split_outputs(data, the_plan, headcounts)
    summaries = tuple(
        f"{folder}: {_reports(files)} and the index" for folder, (files, _) in splits.items()
    )
    if update:
        real_dir = _inside(folder, expected_dir)
        try:
            if real_dir.exists() and not real_dir.is_dir():
                raise SurveyError(f"is not a folder; {_FIX}", file=expected_dir)
            real_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise cannot_write(exc, expected_dir) from exc
        files: dict[Path, bytes | str] = {}
        for name, text in outputs.items():
            files[_inside(folder, expected_dir / name)] = text
        write_files(files)
        written = [expected_dir / name for name in outputs]
        written += _update_splits(folder, expected_dir, splits)
        return CheckOutcome(folder, [], written, len(result.tables), len(result.tests), summaries)
    diffs = compare_documents(
        load_expected(expected_dir / EXPECTED_JSON), to_document(result), rtol=rtol
    )
    if report_md is not None:
        stored = expected_dir / "report.md"
        if stored.exists():
            diffs += compare_text(_read_expected_text(stored), report_md, "report.md")
        else:
            diffs.append(Difference("report.md", _MISSING, "present (run check --update)"))
    if waves is not None:
        stored = expected_dir / EXPECTED_WAVES
        if stored.exists():
            diffs += compare_wave_documents(load_expected(stored), waves, rtol=rtol)
        else:
            diffs.append(Difference(EXPECTED_WAVES, _MISSING, "present (run check --update)"))
    diffs += _compare_splits(expected_dir, splits, rtol)
    return CheckOutcome(folder, diffs, [], len(result.tables), len(result.tests), summaries)


# --- check: {split: ITEM}: report --split compared with expected/split-ITEM/ ---------------

_SPLIT_SUFFIXES = (".json", ".md")  # what check writes in a split folder (and may remove)


def _split_outputs(
    data: Responses, plan: Plan | None, headcounts: Population | None
) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Per ``check: split`` of the plan, its folder's files (``report --split ITEM --format
    json``: one result document per unit and index.md) and each unit file's unit label."""
    if plan is None or not plan.checks:
        return {}
    from surveykit.settings import resolve
    from surveykit.split import build_split, safe_name

    out: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for spec in plan.checks:
        settings = resolve(plan, min_cell=spec.min_cell)
        built = build_split(data, plan, settings, spec.item, "json", population=headcounts)
        files = {name: str(content) for name, content in built.files.items()}
        # Every level's report name, written or not, so a unit that lost its report is named.
        units = {f"{safe_name(i, u.label)}.json": u.label for i, u in enumerate(built.units, 1)}
        out[spec.folder] = (files, units)
    return out


def _reports(files: dict[str, str]) -> str:
    n = sum(name.endswith(".json") for name in files)
    return f"{n} report{'s' if n != 1 else ''}"


def _stored_split(folder: Path) -> dict[str, Path]:
    """The files check wrote in an expected split folder (JSON reports and the index)."""
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.suffix in _SPLIT_SUFFIXES}


def _compare_splits(
    expected_dir: Path, splits: dict[str, tuple[dict[str, str], dict[str, str]]], rtol: float
) -> list[Difference]:
    """Each split folder's index line by line and each unit's report, one line per unit.

    A unit's report differs in as many values as its tables hold; one line names the unit,
    its file and the first difference, so a change in one answer does not bury the rest.
    """
    diffs: list[Difference] = []
    for name, (files, units) in splits.items():
        folder = expected_dir / name
        if not folder.is_dir():
            diffs.append(Difference(f"{name}/", _MISSING, "present (run check --update)"))
            continue
        stored = _stored_split(folder)
        for file in [*files, *(f for f in stored if f not in files)]:
            unit = f" (unit {units[file]!r})" if file in units else ""
            where = f"{name}/{file}{unit}"
            if file not in stored:
                diffs.append(Difference(where, _MISSING, "present (run check --update)"))
            elif file not in files:
                diffs.append(Difference(where, "present", _MISSING))
            elif file.endswith(".md"):
                diffs += compare_text(
                    _read_expected_text(stored[file]), files[file], f"{name}/{file}"
                )
            else:
                found = compare_documents(
                    load_expected(stored[file]), json.loads(files[file]), rtol=rtol
                )
                if found:
                    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                    first = found[0]
                    diffs.append(Difference(f"{where} {first.where}{more}", first.old, first.new))
    stray = sorted(
        p.name for p in expected_dir.glob("split-*") if p.is_dir() and p.name not in splits
    )
    for name in stray:
        diffs.append(Difference(f"{name}/ (not in the plan's check: split)", "present", _MISSING))
    return diffs


def _update_splits(
    folder: Path, expected_dir: Path, splits: dict[str, tuple[dict[str, str], dict[str, str]]]
) -> list[Path]:
    """Rewrite each split folder; remove reports of units no longer reported, and the
    folders of splits no longer in the plan."""
    written: list[Path] = []
    for name, (files, _) in splits.items():
        split_dir = _inside(folder, expected_dir / name)
        try:
            if split_dir.exists() and not split_dir.is_dir():
                raise SurveyError(f"is not a folder; {_FIX}", file=expected_dir / name)
            split_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise cannot_write(exc, expected_dir / name) from exc
        stale = [p for f, p in _stored_split(split_dir).items() if f not in files]
        write_files(
            {_inside(folder, split_dir / f): text for f, text in files.items()}, remove=stale
        )
        written.append(expected_dir / name)
    for stray in sorted(expected_dir.glob("split-*")):
        if stray.is_dir() and stray.name not in splits:
            real = _inside(folder, stray)
            write_files({}, remove=list(_stored_split(real).values()))
            try:
                real.rmdir()
            except OSError as exc:
                raise SurveyError(
                    f"is no longer checked (not in the plan's check: split) but holds other "
                    f"files; delete it ({exc.strerror})",
                    file=stray,
                ) from exc
    return written


def _wave_document(
    folder: Path, responses: Path, questionnaire: Path, plan: Path | None, delimiter: str | None
) -> dict | None:
    """``surveykit compare responses.csv wave2.csv`` as JSON, when the folder has a wave2.csv."""
    wave2 = folder / WAVE2
    if not wave2.exists():
        return None
    from surveykit.compare import compare_files

    doc = compare_files(responses, wave2, questionnaire, plan, delimiter=delimiter).to_dict()
    # Where the files were read from is not a result: keep the names, stable from any folder.
    for wave, path in (("old", responses), ("new", wave2)):
        doc["waves"][wave]["source"] = path.name
    return doc


def compare_wave_documents(expected: dict, actual: dict, *, rtol: float = RTOL) -> list[Difference]:
    """All differences between two ``compare --format json`` documents, item by item."""
    diffs: list[Difference] = []
    for key in [*expected, *(k for k in actual if k not in expected)]:
        old, new = expected.get(key, _MISSING), actual.get(key, _MISSING)
        if key == "items" and _dict_list(old) and _dict_list(new):
            old_by = {e.get("item"): e for e in old}
            new_by = {e.get("item"): e for e in new}
            for item in [*old_by, *(k for k in new_by if k not in old_by)]:
                where = f"{EXPECTED_WAVES} item {item!r}"
                _walk(old_by.get(item, _MISSING), new_by.get(item, _MISSING), where, diffs, rtol)
        else:
            _walk(old, new, f"{EXPECTED_WAVES} {key}", diffs, rtol)
    return diffs


def _markdown_report(result: Any) -> str | None:
    from datetime import date

    from surveykit.report import write_report

    # A fixed date keeps the stored report byte-stable from day to day.
    return write_report(result, "md", None, generated=date(2000, 1, 1))
