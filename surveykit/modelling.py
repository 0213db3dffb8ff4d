"""Run the plan's regressions and paired tests over responses → :class:`TestReport`.

A regression's predictors are coded here as SPSS and R code them: a single or
ordinal item as one 0/1 column per level against its reference level (the
first choice with respondents, unless the plan names one), a select-all item
as one 0/1 column per option, numbers and scales as they are. Respondents
missing the outcome or any predictor are left out (listwise). The model itself
is fitted in :mod:`surveykit.stats.models` (statsmodels, imported only there).

Each report also records, under ``codings`` and ``outcome``, how many
respondents of the model hold each dummy level and outcome level (as SPSS's
"Categorical Variables Codings" table): small-cell protection withholds a model
when one of them, or its n, is below N.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import StatisticsError
from surveykit.ingest import Responses
from surveykit.plan_models import PairedSpec, RegressionSpec
from surveykit.questionnaire import OTHERS, Item
from surveykit.result import TestReport
from surveykit.tables import has_answer

PAIRED_NAMES = {"paired_ttest": "paired-t", "wilcoxon": "wilcoxon"}


def run_model_test(
    responses: Responses,
    spec: RegressionSpec | PairedSpec,
    items: dict[str, Item],
    keep: np.ndarray | None = None,
    alpha: float = 0.05,
) -> TestReport:
    """The report of one regression or paired test; what cannot be computed becomes its error.

    ``keep`` narrows the respondents (the plan's listwise deletion across tests); ``alpha``
    sets the paired t-test's confidence level (regression intervals are 95%, as the JSON
    key ``ci95`` says).
    """
    keep = np.ones(responses.analysed, dtype=bool) if keep is None else keep
    if isinstance(spec, RegressionSpec):
        report = TestReport(
            kind="regression", dv=spec.dv, by="", dv_label=items[spec.dv].label,
            by_label=", ".join(items[p].label for p in spec.on),
        )  # fmt: skip
        compute = _regression
    else:
        report = TestReport(
            kind=PAIRED_NAMES[spec.kind], dv=spec.first, by=spec.second,
            dv_label=items[spec.first].label, by_label=items[spec.second].label,
        )  # fmt: skip
        compute = _paired
    try:
        stats = compute(responses, spec, items, keep, alpha)
    except StatisticsError as exc:
        return TestReport(**{**asdict(report), "error": exc.message})
    return TestReport(**{**asdict(report), "stats": stats})


# --- values -------------------------------------------------------------------------------


def _numeric(responses: Responses, item: Item) -> np.ndarray:
    """A number item's or scale's values, or an ordinal/single item's codes (NaN missing)."""
    if item.type == "number":
        return responses.data[item.id].to_numpy(dtype=float, na_value=np.nan)
    return responses.scores(item.id).to_numpy(dtype=float, na_value=np.nan)


def _levels(item: Item) -> list[str]:
    return [*item.labels, *([OTHERS] if item.other else [])]


def _positions(values: pd.Series, levels: list[str]) -> np.ndarray:
    """Each answer's position in ``levels`` (−1 when missing)."""
    where = {label: i for i, label in enumerate(levels)}
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.array([where.get(c, -1) for c in values.cat.categories] + [-1])
        return lookup[values.cat.codes.to_numpy()]
    return np.array([where.get(v, -1) for v in values], dtype=np.int64)


# --- regression ---------------------------------------------------------------------------


def _regression(
    responses: Responses,
    spec: RegressionSpec,
    items: dict[str, Item],
    keep: np.ndarray,
    alpha: float,
) -> dict[str, Any]:
    from surveykit.stats import models

    dv = items[spec.dv]
    ok = keep.copy()
    # The outcome.
    if spec.model == "linear":
        y = _numeric(responses, dv)
        ok &= ~np.isnan(y)
    else:
        dv_levels = [lv for lv in _levels(dv) if spec.model == "logistic" or lv != OTHERS]
        y_pos = _positions(responses.data[dv.id], dv_levels)
        ok &= y_pos >= 0
    # The predictors' values (read once) and missing masks.
    values: dict[str, np.ndarray] = {}
    for name in spec.on:
        item = items[name]
        if item.type == "multi":
            ok &= has_answer(responses, item).to_numpy(dtype=bool)
        elif item.type == "number":
            values[name] = _numeric(responses, item)
            ok &= ~np.isnan(values[name])
        else:
            values[name] = _positions(responses.data[name], _levels(item))
            ok &= values[name] >= 0
    n = int(ok.sum())
    # Each design column as it comes (0/1 columns as booleans, an eighth of the memory),
    # copied once into the float matrix below.
    columns: list[np.ndarray] = []
    names: list[tuple[str, str | None]] = []
    codings: list[dict[str, Any]] = []
    notes: list[str] = []
    reference: dict[str, str] = {}
    for name in spec.on:
        item = items[name]
        if item.type == "number":
            columns.append(values[name][ok])
            names.append((name, None))
        elif item.type == "multi":
            chosen = responses.multi[name].to_numpy(dtype=bool)[ok]
            for j, option in enumerate(responses.multi[name].columns):
                count = int(chosen[:, j].sum())
                codings.append({"item": name, "level": str(option), "n": count})
                if count in (0, n):
                    notes.append(
                        f"{item.label}: {option!r} was chosen by {'no' if count == 0 else 'every'} "
                        "respondent of the model and is left out"
                    )
                    continue
                columns.append(chosen[:, j])
                names.append((name, str(option)))
        else:
            levels = _levels(item)
            pos = values[name][ok]
            counts = np.bincount(pos, minlength=len(levels)) if n else np.zeros(len(levels), int)
            used = [lv for lv, c in zip(levels, counts, strict=True) if c > 0]
            ref = spec.reference.get(name)
            if ref is not None and ref not in used:
                raise StatisticsError(
                    f"the reference level {ref!r} of {name!r} has no respondents in the model; "
                    "name another with 'reference:'"
                )
            ref = ref or (used[0] if used else levels[0])
            reference[name] = ref
            for i, (level, count) in enumerate(zip(levels, counts, strict=True)):
                if count == 0:
                    continue
                codings.append(
                    {"item": name, "level": level, "n": int(count), "reference": level == ref}
                )
                if level != ref:
                    columns.append(pos == i)
                    names.append((name, level))
            empty = [lv for lv, c in zip(levels, counts, strict=True) if c == 0]
            if empty:
                notes.append(
                    f"{item.label}: no respondent of the model answered "
                    f"{', '.join(map(repr, empty))}; no term for {'it' if len(empty) == 1 else 'them'}"
                )
    # Column-major: the model reads the design column by column (means, distinct values).
    x = np.empty((n, len(columns)), order="F")
    for j, column in enumerate(columns):
        x[:, j] = column
    if not names:
        raise StatisticsError("no predictor column is left to fit (see the notes)")
    outcome: list[dict[str, Any]] = []
    if spec.model == "linear":
        fitted = models.linear(y[ok], x, names, spec.dv)
    elif spec.model == "logistic":
        event = dv_levels.index(spec.event)
        y_event = (y_pos[ok] == event).astype(float)
        outcome = [
            {"level": spec.event, "n": int(y_event.sum())},
            {"level": f"not {spec.event}", "n": int(n - y_event.sum())},
        ]
        fitted = models.logistic(y_event, x, names, spec.dv)
    else:
        counts = np.bincount(y_pos[ok], minlength=len(dv_levels))
        outcome = [{"level": lv, "n": int(c)} for lv, c in zip(dv_levels, counts, strict=True)]
        fitted = models.ordinal(y_pos[ok], len(dv_levels), x, names, spec.dv)
    labels = {name: items[name].label for name in spec.on}
    terms = []
    for t in fitted.terms:
        term = {
            "term": t.term, "label": labels.get(t.term, t.term), "level": t.level,
            "estimate": t.estimate, "se": t.se, "stat": t.stat, "p": t.p, "ci95": list(t.ci95),
        }  # fmt: skip
        if spec.model == "linear":
            term["beta"] = t.beta
        else:
            term["odds_ratio"] = t.odds_ratio
            term["odds_ratio_ci95"] = list(t.odds_ratio_ci95) if t.odds_ratio_ci95 else None
        terms.append(term)
    separation_notes = None
    if spec.model != "linear":  # a separated term's figures are not estimates: not shown
        from surveykit.model_separation import mark_separated

        y_model = y_event if spec.model == "logistic" else y_pos[ok]

        def refit(rows: np.ndarray, columns: list[int]) -> models.Regression:
            kept = [names[j] for j in columns]
            if spec.model == "logistic":
                return models.logistic(y_model[rows], x[rows][:, columns], kept, spec.dv)
            return models.ordinal(y_model[rows], len(dv_levels), x[rows][:, columns], kept, spec.dv)

        terms, separation_notes = mark_separated(spec.model, y_model, x, terms, refit)
    out: dict[str, Any] = {
        "model": spec.model,
        "n": fitted.n,
        "n_dropped": int(keep.sum()) - n,
        "on": list(spec.on),
        "reference": reference,
    }
    if spec.model == "logistic":
        out["event"] = spec.event
    out.update({"terms": terms, "fit": dict(fitted.fit), "vif": dict(fitted.vif)})
    if fitted.gvif:  # predictors of several columns: one figure each, as R's car::vif
        out["gvif"] = {
            term: {"gvif": g, "df": df, "gvif_adj": g ** (1 / (2 * df))}
            for term, (g, df) in fitted.gvif.items()
        }
    if spec.model == "ordinal":
        used_levels = [o["level"] for o in outcome if o["n"] > 0]
        out["thresholds"] = [
            {"between": f"{a} | {b}", "estimate": v}
            for a, b, v in zip(used_levels, used_levels[1:], fitted.thresholds, strict=False)
        ]
    out["codings"] = codings
    if outcome:
        out["outcome"] = outcome
    out["notes"] = [*notes, *fitted.notes]
    if separation_notes is not None:
        from surveykit.model_separation import without_convergence_notes

        out["notes"] = [*notes, *without_convergence_notes(list(fitted.notes)), *separation_notes]
    return out


# --- paired tests -------------------------------------------------------------------------


def _paired(
    responses: Responses, spec: PairedSpec, items: dict[str, Item], keep: np.ndarray, alpha: float
) -> dict[str, Any]:
    from surveykit.stats.paired import paired_ttest, wilcoxon_signed_rank

    first = _numeric(responses, items[spec.first])
    second = _numeric(responses, items[spec.second])
    first = np.where(keep, first, np.nan)
    if spec.kind == "paired_ttest":
        out = paired_ttest(first, second, alpha=alpha).to_dict()
    else:
        out = wilcoxon_signed_rank(first, second).to_dict()
    out.pop("kind", None)
    return out
