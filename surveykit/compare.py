"""``surveykit compare OLD NEW``: what changed between two waves of one questionnaire.

Each wave is read as ``analyze`` reads a file (the questionnaire's exclusion
rules, show_if, missing values). Then, per reported item and per scale of the
plan: single and ordinal items compare their distributions (χ² test of the
wave × answer table, R's ``chisq.test(correct = FALSE)``), each choice of a
select-all item its proportion (two-proportion z test, ``prop.test(correct =
FALSE)``), numbers and scales their means (Welch's t, R's ``t.test``). All p
values are adjusted together (the plan's ``adjust``, Holm's method by default)
and a change is flagged significant when its adjusted p is below alpha.

An item whose column only one file has is listed, not an error: a question added
or dropped between waves is normal.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from surveykit.errors import MissingColumn, StatisticsError, SurveyError
from surveykit.questionnaire import OTHERS, Questionnaire
from surveykit.waves import WaveComparison

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan


def compare_files(
    old: Path,
    new: Path,
    questionnaire: Path | None = None,
    plan: Path | None = None,
    *,
    min_cell: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> WaveComparison:
    """Read both waves (the questionnaire and plan beside NEW by default) and compare them."""
    from surveykit.pipeline import find_inputs, note_inputs
    from surveykit.plan import load_plan
    from surveykit.questionnaire import load_questionnaire
    from surveykit.settings import resolve

    for path in (old, new):
        if str(path) == "-":
            raise SurveyError("compare reads two files; standard input ('-') is not one of them")
    find_inputs(old, questionnaire or _beside(old, new, "questionnaire.yaml"), plan)
    q_path, p_path = find_inputs(
        new, questionnaire or _beside(old, new, "questionnaire.yaml"), plan
    )
    note_inputs(old, q_path, p_path)
    q = load_questionnaire(q_path)
    the_plan = load_plan(p_path, q) if p_path is not None else None
    settings = resolve(the_plan, min_cell=min_cell)
    waves = [_read_wave(path, q, encoding, delimiter, sheet) for path in (old, new)]
    result = compare_waves(waves[0], waves[1], the_plan, alpha=settings.alpha,
                           adjust=settings.adjust)  # fmt: skip
    if settings.min_cell is not None:
        result = protect_waves(result, settings.min_cell, symbol=settings.symbol)
    return result


def _beside(old: Path, new: Path, name: str) -> Path | None:
    """``name`` beside NEW, else beside OLD, else None (find_inputs then says what is missing)."""
    for folder in (new.parent, old.parent):
        if (folder / name).exists():
            return folder / name
    return None


def _without(q: Questionnaire, dropped: set[str]) -> Questionnaire:
    """The questionnaire without ``dropped`` items, items shown only after them, and rules on them."""
    gone = set(dropped)
    changed = True
    while changed:
        changed = False
        for item in q.items:
            if item.id not in gone and item.show_if is not None and item.show_if.names & gone:
                gone.add(item.id)
                changed = True
    items = tuple(i for i in q.items if i.id not in gone)

    def uses(rule) -> bool:
        names = set(rule.columns) | set(rule.items) | {rule.duration}
        if rule.expr is not None:
            names |= set(rule.expr.names)
        return bool(names & gone)

    return replace(q, items=items, exclude=tuple(r for r in q.exclude if not uses(r)), _by_id={})


def _read_wave(path: Path, q: Questionnaire, encoding, delimiter, sheet) -> Responses:
    """One wave's responses; items without a column in this file are left out (and recorded)."""
    from surveykit.files import seekable_input, stream_name
    from surveykit.ingest import read_responses
    from surveykit.ingest.readers import parse_delimiter

    dropped: set[str] = set()
    questionnaire = q
    for _ in range(len(q.items) + 1):
        try:
            with seekable_input(path) as readable:
                data = read_responses(
                    readable, questionnaire, encoding=encoding,
                    delimiter=parse_delimiter(delimiter), sheet=sheet,
                )  # fmt: skip
        except MissingColumn as exc:
            if exc.item_id in dropped:
                raise
            dropped.add(exc.item_id)
            questionnaire = _without(q, dropped)
            continue
        data.source = Path(stream_name(path))
        return data
    raise SurveyError("no item of the questionnaire has a column", file=path)  # pragma: no cover


def _wave_info(data: Responses) -> dict[str, Any]:
    return {
        "source": str(data.source),
        "received": data.received,
        "excluded": len(data.exclusions),
        "analysed": data.analysed,
    }


def compare_waves(
    old: Responses,
    new: Responses,
    plan: Plan | None = None,
    *,
    alpha: float = 0.05,
    adjust: str = "none",
) -> WaveComparison:
    """Every reported item (and the plan's scales) of both waves, compared."""
    method = adjust if adjust != "none" else "holm"
    notes: list[str] = []
    scales = plan.scales if plan is not None else ()
    if scales:
        old, new, notes = _with_scales(old, new, scales)
    q = new.questionnaire
    in_old = {i.id for i in old.questionnaire.items}
    in_new = {i.id for i in new.questionnaire.items}
    full = [i for i in _reported(q, old.questionnaire)]
    only_old = [{"item": i.id, "label": i.label} for i in old.questionnaire.items
                if i.report and i.id not in in_new]  # fmt: skip
    only_new = [{"item": i.id, "label": i.label} for i in q.items
                if i.report and i.id not in in_old]  # fmt: skip
    entries: list[dict[str, Any]] = []
    for item in full:
        if item.type in ("single", "ordinal"):
            entries.append(_distribution(old, new, item))
        elif item.type == "multi":
            entries.append(_choices(old, new, item))
        elif item.type == "number":
            entries.append(_means(old, new, item.id, item.label, "number"))
    for scale in scales:
        if scale.id in old.data and scale.id in new.data:
            entries.append(_means(old, new, scale.id, scale.label, "scale"))
    result = WaveComparison(
        survey=q.id,
        title=q.title,
        waves={"old": _wave_info(old), "new": _wave_info(new)},
        items=entries,
        only_in_old=only_old,
        only_in_new=only_new,
        options={"alpha": alpha, "adjust": method},
        notes=notes,
    )
    _adjust(result, method, alpha)
    return result


def _reported(q: Questionnaire, old: Questionnaire):
    """Items both waves hold that a report would show (text answers are not compared)."""
    for item in q.items:
        if item.report and old.has(item.id) and item.type != "text":
            yield item


def _with_scales(old: Responses, new: Responses, scales) -> tuple[Responses, Responses, list[str]]:
    """Both waves with the plan's scale scores added (a scale needs all its items in both)."""
    from surveykit.analyses import add_scales

    notes = []
    usable = []
    for scale in scales:
        lacking = [i for i in scale.items
                   if not (old.questionnaire.has(i) and new.questionnaire.has(i))]  # fmt: skip
        if lacking:
            notes.append(f"{scale.label} not compared: {', '.join(lacking)} not in both waves")
        else:
            usable.append(scale)
    if not usable:
        return old, new, notes
    return add_scales(old, tuple(usable)), add_scales(new, tuple(usable)), notes


def _labels(item) -> list[str]:
    return [*item.labels, *([OTHERS] if item.other else [])]


def _counts(data: Responses, item) -> list[int]:
    column = data.data[item.id]
    counts = column.value_counts()
    return [int(counts.get(label, 0)) for label in _labels(item)]


def _pct(n: int, base: int) -> float | None:
    return 100.0 * n / base if base else None


def _distribution(old: Responses, new: Responses, item) -> dict[str, Any]:
    """Single/ordinal: % per answer in each wave, the change in points, χ² of wave × answer."""
    from surveykit.stats import chisq_independence

    a, b = _counts(old, item), _counts(new, item)
    n_old, n_new = sum(a), sum(b)
    levels = []
    for label, x, y in zip(_labels(item), a, b, strict=True):
        p_old, p_new = _pct(x, n_old), _pct(y, n_new)
        change = p_new - p_old if p_old is not None and p_new is not None else None
        levels.append({"label": label, "old": {"n": x, "percent": p_old},
                       "new": {"n": y, "percent": p_new}, "change_pp": change})  # fmt: skip
    entry: dict[str, Any] = {
        "item": item.id, "label": item.label, "type": item.type, "test": "chi-square",
        "old": {"n": n_old}, "new": {"n": n_new}, "levels": levels,
    }  # fmt: skip
    kept = [i for i in range(len(a)) if a[i] + b[i] > 0]
    try:
        if n_old == 0 or n_new == 0:
            raise StatisticsError("a wave has no answers to this item")
        if len(kept) < 2:
            raise StatisticsError("only one answer was given in both waves")
        table = np.array([[a[i] for i in kept], [b[i] for i in kept]], dtype=float)
        test = chisq_independence(table, ["old", "new"], [_labels(item)[i] for i in kept])
    except StatisticsError as exc:
        entry["error"] = exc.message
        return entry
    changes = [lv["change_pp"] for lv in levels if lv["change_pp"] is not None]
    entry.update(
        chi2=test.chi2, df=test.df, p=test.p, cramers_v=test.cramers_v,
        change=max(changes, key=abs) if changes else None,
        min_expected=float(np.min(test.expected)),
    )  # fmt: skip
    return entry


def _choices(old: Responses, new: Responses, item) -> dict[str, Any]:
    """Select-all: each choice's % of the respondents who answered, and a z test per choice."""
    from surveykit.stats.proportions import two_proportions
    from surveykit.tables import has_answer

    base_old = int(has_answer(old, item).sum())
    base_new = int(has_answer(new, item).sum())
    choices = []
    frame_old, frame_new = old.multi[item.id], new.multi[item.id]
    for label in [c for c in frame_new.columns if c in frame_old.columns]:
        x = int((frame_old[label] & has_answer(old, item)).sum())
        y = int((frame_new[label] & has_answer(new, item)).sum())
        p_old, p_new = _pct(x, base_old), _pct(y, base_new)
        choice: dict[str, Any] = {
            "label": str(label), "old": {"n": x, "percent": p_old},
            "new": {"n": y, "percent": p_new},
            "change_pp": p_new - p_old if p_old is not None and p_new is not None else None,
        }  # fmt: skip
        try:
            test = two_proportions(y, base_new, x, base_old)  # new − old, as the change
        except StatisticsError as exc:
            choice["error"] = exc.message
        else:
            choice.update(z=test.z, p=test.p, ci95_pp=[100 * v for v in test.ci95])
        choices.append(choice)
    return {
        "item": item.id, "label": item.label, "type": "multi", "test": "two-proportions",
        "old": {"n": base_old}, "new": {"n": base_new}, "choices": choices,
    }  # fmt: skip


def _means(old: Responses, new: Responses, item_id: str, label: str, kind: str) -> dict[str, Any]:
    """Numbers and scales: the mean in each wave, the difference (new − old), Welch's t."""
    from surveykit.stats import ttest_ind

    a = old.data[item_id].to_numpy(dtype=float, na_value=np.nan)
    b = new.data[item_id].to_numpy(dtype=float, na_value=np.nan)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]

    def wave(x: np.ndarray) -> dict[str, Any]:
        return {
            "n": int(x.size),
            "mean": float(x.mean()) if x.size else None,
            "sd": float(x.std(ddof=1)) if x.size > 1 else None,
        }

    entry: dict[str, Any] = {
        "item": item_id, "label": label, "type": kind, "test": "welch-t",
        "old": wave(a), "new": wave(b),
        "change": float(b.mean() - a.mean()) if a.size and b.size else None,
    }  # fmt: skip
    try:
        test = ttest_ind(b, a, labels=("new", "old"))
    except StatisticsError as exc:
        entry["error"] = exc.message
        return entry
    entry.update(t=test.welch.t, df=test.welch.df, p=test.welch.p, ci95=list(test.welch.ci95))
    return entry


def _adjust(result: WaveComparison, method: str, alpha: float) -> None:
    """Adjust every test's p together and flag those below alpha (in place, before freezing)."""
    from surveykit.stats import adjust_pvalues

    tests = [t for t in result.tests() if isinstance(t.get("p"), float) and math.isfinite(t["p"])]
    if not tests:
        return
    adjusted = adjust_pvalues([t["p"] for t in tests], method)
    for t, p in zip(tests, adjusted, strict=True):
        t["p_adjusted"] = float(min(max(p, 0.0), 1.0))
        t["significant"] = t["p_adjusted"] < alpha
    result.options["comparisons"] = len(tests)


# --- small-cell protection ---------------------------------------------------------------


def protect_waves(result: WaveComparison, min_cell: int, *, symbol: str = "[c]") -> WaveComparison:
    """Withhold counts below ``min_cell``, what would give them back, and tests that use them.

    A wave's answers to a single/ordinal item add up to its n, so they are protected
    as one equation per wave (the same solver as the report's tables); a percentage
    or change of a withheld count is withheld too. A test of an item with any
    withheld cell, or of a number with a wave below ``min_cell``, is withheld whole.
    """
    from surveykit.suppression import CountProblem, Equation, marker, protect

    small = marker(min_cell)
    items = []
    for entry in result.items:
        entry = _deep_copy(entry)
        hidden_any = False
        for wave in ("old", "new"):
            if entry[wave]["n"] < min_cell:
                entry[wave] = {k: (small if k == "n" else symbol) for k in entry[wave]}
                hidden_any = True
        if entry["type"] in ("single", "ordinal"):
            levels = entry["levels"]
            values = {}
            for r, level in enumerate(levels):
                for c, wave in enumerate(("old", "new")):
                    values[(r, c)] = level[wave]["n"]
            problem = CountProblem(values)
            for c in range(2):
                total = sum(values[(r, c)] for r in range(len(levels)))
                problem.equations.append(Equation([(1, (r, c)) for r in range(len(levels))], total))
            problem = protect(problem, min_cell)
            for r, c in problem.hidden:
                wave = ("old", "new")[c]
                levels[r][wave] = {"n": small if (r, c) in problem.primary else symbol,
                                   "percent": symbol}  # fmt: skip
                levels[r]["change_pp"] = symbol
                hidden_any = True
            if hidden_any:
                entry["change"] = symbol
        elif entry["type"] == "multi":
            for choice in entry["choices"]:
                for wave in ("old", "new"):
                    if isinstance(choice[wave]["n"], int) and choice[wave]["n"] < min_cell:
                        choice[wave] = {"n": small, "percent": symbol}
                        choice["change_pp"] = symbol
                        _withhold(choice, min_cell, symbol)
                if hidden_any:
                    choice["change_pp"] = symbol
                    _withhold(choice, min_cell, symbol)
        if hidden_any and entry["type"] != "multi":
            entry["change"] = symbol
            _withhold(entry, min_cell, symbol)
        items.append(entry)
    options = {**result.options, "min_cell": min_cell, "symbol": symbol}
    protected = replace(result, items=items, options=options)
    _readjust(result, protected)
    return protected


def _readjust(planned: WaveComparison, shown: WaveComparison) -> None:
    """Re-adjust the shown tests with each withheld one counted as p = 1 (in place).

    As for a report's tests (``suppression.readjust_withheld``): the family keeps its
    size, and the adjusted p and flags shown do not depend on a withheld p's rank.
    """
    from surveykit.stats import adjust_pvalues

    pairs = [
        (a, b) for a, b in zip(planned.tests(), shown.tests(), strict=True) if "p_adjusted" in a
    ]
    if not any("p_adjusted" not in b for _, b in pairs):
        return
    method, alpha = planned.options["adjust"], planned.options["alpha"]
    adjusted = adjust_pvalues([a["p"] if "p_adjusted" in b else 1.0 for a, b in pairs], method)
    for (_, b), p in zip(pairs, adjusted, strict=True):
        if "p_adjusted" in b:
            b["p_adjusted"] = float(min(max(p, 0.0), 1.0))
            b["significant"] = b["p_adjusted"] < alpha


_TEST_KEYS = ("chi2", "df", "p", "p_adjusted", "significant", "cramers_v", "min_expected", "z",
              "t", "ci95", "ci95_pp")  # fmt: skip


def _withhold(test: dict[str, Any], min_cell: int, symbol: str) -> None:
    for key in _TEST_KEYS:
        test.pop(key, None)
    if "old" in test and isinstance(test["old"], dict):
        for wave in ("old", "new"):
            for key in ("mean", "sd"):
                if key in test[wave]:
                    test[wave][key] = symbol
    test["error"] = f"not shown: a cell has fewer than {min_cell} respondents"


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
