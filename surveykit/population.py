"""The staff population (``population.yaml`` or a CSV): headcounts by the levels of items.

Format (docs/population.md)::

    margins:                       # one-way headcounts, for response rates and raking
      dept: {Emergency: 120, Surgery: 210, Medicine: 260, Mental Health: 90, Outpatients: 80}
      role: {Nurse: 420, Doctor: 150, Allied health: 110, Admin: 80}
    cells:                         # optional joint headcounts, for post-stratification
      - {dept: Emergency, role: Nurse, n: 70}
      - …

or a CSV with one row per cell: a column per item and a ``count`` column.
Every item must be a single-choice (or ordinal) item of the questionnaire and
every level one of its choices; errors name the file and line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.errors import SurveyError
from surveykit.questionnaire import Questionnaire
from surveykit.yamlio import Mapping, load_yaml, reject_unknown_keys


@dataclass(frozen=True)
class Population:
    """Headcounts: one-way margins per item, and joint cells when given."""

    margins: dict[str, dict[str, float]]
    cells: tuple[tuple[dict[str, str], float], ...] = ()
    cell_items: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def total(self) -> float:
        """The population size (every margin adds up to it)."""
        first = next(iter(self.margins.values()))
        return math.fsum(first.values())


def _count(value: Any, where: str, line: int) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise SurveyError(
            f"{where}: a headcount must be a number of 0 or more, got {value!r}", line=line
        )
    return float(value)


def _level(questionnaire: Questionnaire, item_id: str, level: Any, line: int) -> str:
    if not questionnaire.has(item_id):
        raise SurveyError(f"{item_id!r} is not an item of the questionnaire", line=line)
    item = questionnaire.item(item_id)
    if item.type not in ("single", "ordinal"):
        raise SurveyError(
            f"{item_id!r} is a {item.type} item; headcounts need a single-choice item", line=line
        )
    text = str(level)
    if text not in item.labels:
        raise SurveyError(
            f"{text!r} is not a choice of {item_id!r}; choices are {', '.join(map(repr, item.labels))}",
            line=line,
        )
    return text


def load_population(path: str | Path, questionnaire: Questionnaire) -> Population:
    """Read ``population.yaml`` (or ``.csv``) and check it against the questionnaire."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            return _from_csv(path, questionnaire)
        return _from_yaml(load_yaml(path), questionnaire, path)
    except SurveyError as exc:
        exc.file = exc.file or str(path)
        raise


def _from_yaml(doc: Any, questionnaire: Questionnaire, path: Path) -> Population:
    if not isinstance(doc, Mapping):
        raise SurveyError("a population file is a mapping with 'margins:' and/or 'cells:'", line=1)
    reject_unknown_keys(doc, {"margins", "cells"}, "the population file")
    margins: dict[str, dict[str, float]] = {}
    raw_margins = doc.get("margins") or Mapping()
    if not isinstance(raw_margins, Mapping):
        raise SurveyError(
            "'margins:' maps items to {level: headcount}", line=doc.line_of("margins")
        )
    for item_id, levels in raw_margins.items():
        line = raw_margins.line_of(item_id)
        if not isinstance(levels, Mapping) or not levels:
            raise SurveyError(f"margin {item_id!r}: give {{level: headcount, …}}", line=line)
        margins[item_id] = {
            _level(questionnaire, item_id, level, levels.line_of(str(level))): _count(
                n, f"margin {item_id!r}", levels.line_of(str(level))
            )
            for level, n in levels.items()
        }
    cells: list[tuple[dict[str, str], float]] = []
    cell_items: tuple[str, ...] = ()
    raw_cells = doc.get("cells") or []
    if not isinstance(raw_cells, list):
        raise SurveyError(
            "'cells:' lists {item: level, …, n: headcount}", line=doc.line_of("cells")
        )
    for raw in raw_cells:
        if not isinstance(raw, Mapping) or "n" not in raw:
            raise SurveyError(
                "each cell is {item: level, …, n: headcount}", line=getattr(raw, "line", None)
            )
        levels = {k: _level(questionnaire, k, v, raw.line) for k, v in raw.items() if k != "n"}
        if not levels:
            raise SurveyError("a cell names at least one item's level", line=raw.line)
        if cell_items and tuple(levels) != cell_items:
            raise SurveyError(
                f"every cell names the same items ({', '.join(cell_items)})", line=raw.line
            )
        cell_items = tuple(levels)
        cells.append((levels, _count(raw["n"], "cell", raw.line)))
    return _finish(margins, cells, cell_items, path)


def _from_csv(path: Path, questionnaire: Questionnaire) -> Population:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SurveyError(f"cannot read as UTF-8 text: {exc}", file=path) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if "count" not in header or len(header) < 2:
        raise SurveyError(
            "a population CSV has a column per item and a 'count' column", file=path, line=1
        )
    items = tuple(h for h in header if h != "count")
    cells = []
    for raw in reader:
        line = reader.line_num
        levels = {k: _level(questionnaire, k, (raw.get(k) or "").strip(), line) for k in items}
        try:
            n = float(raw.get("count") or "")
        except ValueError:
            n = math.nan
        cells.append((levels, _count(n if math.isfinite(n) else raw.get("count"), "count", line)))
    return _finish({}, cells, items, path)


def _finish(
    margins: dict[str, dict[str, float]],
    cells: list[tuple[dict[str, str], float]],
    cell_items: tuple[str, ...],
    path: Path,
) -> Population:
    for item in cell_items:  # the cells' margins, where not given
        summed: dict[str, float] = {}
        for levels, n in cells:
            summed[levels[item]] = summed.get(levels[item], 0.0) + n
        if item in margins and any(
            abs(margins[item].get(k, 0.0) - v) > 1e-9 for k, v in summed.items()
        ):
            raise SurveyError(f"the cells of {item!r} do not add up to its margin")
        margins.setdefault(item, summed)
    if not margins:
        raise SurveyError("the population file gives no headcounts", line=1)
    totals = {item: math.fsum(m.values()) for item, m in margins.items()}
    if max(totals.values()) - min(totals.values()) > 1e-9 * max(totals.values()):
        listed = ", ".join(f"{k} {v:g}" for k, v in totals.items())
        raise SurveyError(
            f"the margins add up to different totals ({listed}); they must describe one population"
        )
    return Population(margins, tuple(cells), cell_items, path)


@dataclass(frozen=True)
class ResponseRate:
    """Respondents and headcount of one level (``level`` None: everyone)."""

    item: str | None
    level: str | None
    respondents: int
    headcount: float

    @property
    def rate(self) -> float | None:
        """Completed questionnaires over eligible staff (None for a headcount of 0)."""
        return self.respondents / self.headcount if self.headcount > 0 else None


def response_rates(data: Any, population: Population) -> list[ResponseRate]:
    """Overall, then per level of each population item, in choice order.

    ``data`` is the analysed respondents' frame (choice items as categoricals); a
    respondent who did not answer an item counts overall but in none of its levels.
    """
    rows = [ResponseRate(None, None, len(data), population.total)]
    for item, levels in population.margins.items():
        counts = data[item].value_counts()
        for level, headcount in levels.items():
            rows.append(ResponseRate(item, level, int(counts.get(level, 0)), headcount))
    return rows


def calibrate(
    data: Any,
    population: Population,
    method: str,
    on: list[str],
    trim: tuple[float, float] | None = None,
):
    """Weights for the analysed respondents: raking to the margins of ``on``, or
    post-stratification to the joint cells (``method`` rake | poststratify)."""
    import numpy as np

    from surveykit.stats import weights as W

    if method == "poststratify":
        if not population.cells or tuple(on) != population.cell_items:
            raise SurveyError(
                "poststratify needs joint cells of exactly those items in the population file "
                f"(cells: {', '.join(population.cell_items) or 'none'}); use method: rake for margins"
            )
        keys = [tuple(levels[i] for i in on) for levels, _ in population.cells]
        index = {k: n for n, k in enumerate(keys)}
        rows = list(zip(*(data[i].astype(object) for i in on), strict=True))
        missing = [r for r in rows if r not in index]
        if missing:
            raise SurveyError(
                f"respondents in a cell with no headcount or no answer: {' / '.join(map(str, missing[0]))}"
            )
        codes = np.array([index[r] for r in rows])
        targets = np.array([n for _, n in population.cells])
        present = np.bincount(codes, minlength=len(targets))
        empty = [keys[k] for k in np.flatnonzero((present == 0) & (targets > 0))]
        if empty:
            raise SurveyError(
                f"cell {' / '.join(empty[0])} has a headcount but no respondents; merge it or rake instead"
            )

        def fit(base=None):
            return W.poststratify(codes, targets, base)
    elif method == "rake":
        margins, targets = [], []
        for item in on:
            if item not in population.margins:
                raise SurveyError(f"the population file has no headcounts for {item!r}")
            levels = list(population.margins[item])
            column = data[item].astype(object)
            unknown = column[~column.isin(levels)]
            if len(unknown):
                raise SurveyError(
                    f"{len(unknown)} respondent(s) have no level of {item!r} with a headcount "
                    f"(e.g. {unknown.iloc[0]!r}); raking needs every respondent's answer"
                )
            margins.append(
                column.map({lv: k for k, lv in enumerate(levels)}).to_numpy(dtype=np.int64)
            )
            targets.append(np.array([population.margins[item][lv] for lv in levels]))

        def fit(base=None):
            return W.rake(margins, targets, base, names=on)
    else:
        raise SurveyError(f"weights method must be rake or poststratify, got {method!r}")
    result = fit()
    if trim is not None:
        result = W.trim(result, trim[0], trim[1], fit)
    return result
