"""What the staff population adds to a Result: response rates, weights, weighted estimates.

:func:`apply_population` runs after the plan's analyses and before small-cell
protection. With a population it adds a response-rate table (after the plan's
tables, so that tests stay under the tables they were planned with); with the
plan's ``weights:`` it calibrates (:func:`surveykit.population.calibrate`),
adds a table summarising the weights, adds weighted percentages and means with
95 % intervals to the tables (beside the unweighted n) and a design-based
Rao–Scott test beside each chi-square. The planned tests stay unweighted (they
assume simple random samples) and a note says so. Numbers stay unrounded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.errors import StatisticsError, SurveyError
from surveykit.result import (
    COUNT,
    INTERVAL,
    LABEL,
    PERCENT,
    ROW_DATA,
    ROW_HEADING,
    STATISTIC,
    Column,
    Result,
    Table,
    TestReport,
)

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan, TableSpec, WeightsSpec
    from surveykit.population import Population
    from surveykit.stats.weights import Calibration

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval
UNWEIGHTED_TESTS = (
    "The planned tests (t-test, ANOVA, chi-square, Mann–Whitney, Kruskal–Wallis) assume "
    "simple random samples and are computed unweighted; the Rao–Scott tests are weighted."
)
WEIGHTED_PCT = Column("Weighted %", PERCENT, of="n")
PCT_CI = Column("95% CI", INTERVAL, of="n")
WEIGHTED_MEAN = Column("Weighted mean", STATISTIC, of="n")
MEAN_CI = Column("Mean 95% CI", INTERVAL, of="n")


def apply_population(
    result: Result,
    responses: Responses,
    plan: Plan | None,
    population: Population | None,
    *,
    where: str | None = None,
) -> Result:
    """``result`` with response rates (given ``population``) and the plan's weights applied.

    ``responses`` are all analysed respondents; ``where`` (a run's ``--where``, a
    ``--split`` unit) makes ``result`` describe a domain of them. The weights are
    calibrated on everyone and the domain's estimates use them, with standard errors
    that count the respondents outside the domain as zeros, as R survey's
    ``svymean(…, subset(design, …))`` and ``svyby`` do (see :mod:`surveykit.domains`).
    """
    from surveykit.domains import domain_mask
    from surveykit.response_rates import survey_rate_table, unit_rate_table

    domain = domain_mask(responses, where) if where is not None else None
    front: list[Table] = []
    notes = list(result.notes)
    if population is not None:
        if where is None:
            front.append(survey_rate_table(responses, population))
        else:
            table, note = unit_rate_table(responses, population, where, domain)
            front += [table] if table is not None else []
            notes += [note] if note else []
    spec = plan.weights if plan is not None else None
    if spec is None:
        return replace(result, tables=[*result.tables, *front], notes=notes)
    assert plan is not None
    calibration, how = _calibration(responses, spec, population, plan)
    front.append(weights_table(calibration, how, domain))
    from surveykit.analyses import adjust_family, adjust_tests, with_scales

    labels = {i.id: i.label for i in responses.questionnaire.items}
    scored = with_scales(responses, plan)
    data = scored.data

    def keep(entry_where: str | None) -> np.ndarray | None:
        """The run's domain narrowed by a plan entry's own where: (a domain too)."""
        if entry_where is None:
            return domain
        rows = domain_mask(scored, entry_where, plan)
        return rows if domain is None else rows & domain

    specs = {t.id: t for t in plan.tables}
    labels.update({s.id: s.label for s in plan.scales})
    tables = [
        _weigh(t, data, responses, calibration, keep(t.where), spec=specs.get(t.id), labels=labels)
        for t in result.tables
    ]
    tables = [_calibrated_note(t, spec, labels, keep(t.where)) for t in tables]
    tests = list(result.tests)
    pairs = [(t.dv, t.by, t.where) for t in result.tests if t.kind == "chi-square"]
    pairs += [
        (t.items[0], t.items[1], t.where)
        for t in result.tables
        if t.kind in ("contingency", "crosstab")
    ]
    kinds = {i.id: i.type for i in responses.questionnaire.items}
    # A select-all item's crosstab has one test per option (chosen or not), not one table:
    # the design-based χ² of issue 15 covers single and ordinal pairs only so far.
    single = ("single", "ordinal")
    pairs = [p for p in pairs if kinds.get(p[0]) in single and kinds.get(p[1]) in single]
    for dv, by, entry_where in dict.fromkeys(pairs):
        test = rao_scott_test(data, dv, by, calibration, labels, keep(entry_where))
        tests.append(replace(test, where=entry_where))
    # The Rao–Scott tests are tests too: p values are adjusted over all of them.
    tests = adjust_tests(tests, str(result.options.get("adjust", "none")))
    if result.tests:
        notes.append(UNWEIGHTED_TESTS)
    if domain is not None:
        notes.append(DOMAIN_NOTE.format(n=len(domain)))
    if not calibration.converged:
        notes.append(f"The weights did not converge: {how}.")
    options = {**result.options, **adjust_family(tests), "weights": _options(spec, calibration)}
    if where is not None:
        options["weights"]["domain"] = where
    return replace(result, tables=[*tables, *front], tests=tests, notes=notes, options=options)


def _calibrated_note(
    table: Table, spec: WeightsSpec, labels: dict[str, str], keep: np.ndarray | None
) -> Table:
    """Say why a calibration item's intervals have no width (its shares are the headcounts')."""
    fixed = [i for i in table.items if i in spec.on] if keep is None and not spec.column else []
    if not fixed or WEIGHTED_PCT not in table.columns:
        return table
    names = ", ".join(labels.get(i, i) for i in fixed)
    note = (
        f"{names}: the weights are calibrated to the headcounts, so the weighted % are "
        "the headcounts' shares, known without sampling error (standard error 0 and an "
        "interval of no width, as in R survey)."
    )
    return replace(table, notes=[*table.notes, note])


DOMAIN_NOTE = (
    "Weighted estimates of a subset: its respondents keep the weights calibrated on all "
    "{n} analysed respondents, and standard errors count the others as outside the domain "
    "(as R survey's svymean on a subset() of the design, and svyby)."
)


def _options(spec: WeightsSpec, calibration: Calibration) -> dict:
    if spec.column:
        return {"column": spec.column}
    out: dict = {"method": spec.method, "on": list(spec.on)}
    if spec.trim:
        out["trim"] = list(spec.trim)
    out["iterations"] = calibration.iterations
    out["converged"] = calibration.converged
    return out


# --- weights -----------------------------------------------------------------------------


def _calibration(
    responses: Responses, spec: WeightsSpec, population: Population | None, plan: Plan
) -> tuple[Calibration, str]:
    """The weights and a sentence saying how they were made; errors name the plan's line."""
    from surveykit.stats import weights as W

    where = {"file": str(plan.path) if plan.path else None, "line": spec.line}
    try:
        if spec.column:
            values = pd.to_numeric(responses.data[spec.column], errors="coerce").to_numpy(float)
            missing = int(np.isnan(values).sum())
            if missing:
                raise SurveyError(
                    f"weights: {missing} respondent(s) have no weight in {spec.column!r}; "
                    "every analysed respondent needs one"
                )
            return W.given(values), f"weights read from {spec.column!r}"
        if population is None:
            raise SurveyError(
                f"weights: method {spec.method} needs headcounts: put population.yaml beside "
                "the responses or pass --population FILE"
            )
        from surveykit.population import calibrate

        calibration = calibrate(responses.data, population, spec.method, list(spec.on), spec.trim)
    except StatisticsError as exc:
        raise SurveyError(f"weights: {exc.message}", **where) from exc
    except SurveyError as exc:
        if exc.file is None:
            exc.file, exc.line = where["file"], exc.line or spec.line
        raise
    on = ", ".join(spec.on)
    if spec.method == "rake":
        how = f"raked to the headcounts of {on} by iterative proportional fitting, " + (
            f"converged in {calibration.iterations} iteration(s) to 1e-10"
            if calibration.converged
            else f"not converged to 1e-10 after {calibration.iterations} iterations"
        )
    else:
        how = f"post-stratified to the joint headcounts of {on}"
    if spec.trim:
        lo, hi = spec.trim
        how += f"; trimmed to {lo:g}–{hi:g} × the mean weight and re-calibrated"
        if not calibration.converged:
            how += " (the bounds and the headcounts cannot both hold)"
    return calibration, how


def weights_table(calibration: Calibration, how: str, domain: np.ndarray | None = None) -> Table:
    """Min, max, mean, CV, Kish's design effect 1 + CV² and the effective n of the weights.

    In a domain, of its respondents' weights (what its estimates' precision depends on).
    """
    from surveykit.stats.weights import weight_summary

    weights = calibration.weights if domain is None else calibration.weights[domain]
    s = weight_summary(weights)
    smallest = _smallest_class(calibration)
    columns = [
        Column("", LABEL),
        Column("n", COUNT),
        # The weight of a small class is its headcount over its respondents: min and
        # max are statistics of the smallest weighting class, withheld with its count.
        Column("Fewest per class", COUNT),
        Column("Min", STATISTIC, of="Fewest per class"),
        Column("Max", STATISTIC, of="Fewest per class"),
        Column("Mean", STATISTIC, of="n"),
        Column("CV", STATISTIC, of="n"),
        Column("Design effect", STATISTIC, of="n"),
        Column("Effective n", STATISTIC, of="n"),
    ]
    row = ["Weights", s.n, smallest, s.min, s.max, s.mean, s.cv, s.deff, s.n_effective]
    return Table(
        id="weights",
        title="Weights",
        columns=columns,
        rows=[row],
        kind="weights",
        row_kinds=[ROW_DATA],
        notes=[
            f"Weights {how}."
            + (
                ""
                if domain is None
                else f" The row describes the weights of the {s.n} respondents of this subset."
            ),
            "CV = SD / mean of the weights; design effect of weighting (Kish) = 1 + CV²; "
            "effective n = n / design effect.",
        ],
    )


def _smallest_class(calibration: Calibration) -> int | None:
    if not calibration.strata:
        return None
    counts = [np.bincount(codes) for codes, _old, _new in calibration.strata]
    return int(min(c[c > 0].min() for c in counts))


# --- weighted estimates ------------------------------------------------------------------


def _weigh(
    table: Table,
    data: pd.DataFrame,
    responses: Responses,
    cal: Calibration,
    keep: np.ndarray | None = None,
    *,
    spec: TableSpec | None = None,
    labels: dict[str, str] | None = None,
) -> Table:
    """The table with weighted % and means (and their CIs) in place of the unweighted ones.

    ``keep`` (the respondents of a subset) makes every estimate a domain estimate:
    the others stay in the design with no answer, as in R's ``subset(design, …)``.
    ``spec`` is the table's plan entry (a Likert matrix's sort, a crosstab's summarised
    items); ``labels`` maps item and scale ids to their labels.
    """
    if table.kind in ("frequency", "block", "multi"):
        pct, mean = _row_estimates(table, data, responses, cal, keep)
    elif table.kind == "numeric":
        pct, mean = {}, {0: _mean(data[table.items[0]], cal, keep)}
    elif table.kind == "scales":
        pct, mean = {}, {i: _mean(data[s], cal, keep) for i, s in enumerate(table.items)}
    elif table.kind == "likert":
        from surveykit.weighted_likert import weigh_likert

        items = {i.id: i for i in responses.questionnaire.items}
        # A Likert matrix sorted by agreement is sorted again by its weighted top-box share.
        sort = spec.likert.sort if spec is not None and spec.likert else "none"
        return weigh_likert(table, data, items, cal, keep, sort=sort)
    elif table.kind in ("crosstab", "contingency"):
        from surveykit.weighted_crosstab import UNWEIGHTED_NOTE, weigh_crosstab

        kinds = {i.id: i.type for i in responses.questionnaire.items}
        if all(kinds.get(i) in ("single", "ordinal") for i in table.items[:2]):
            return weigh_crosstab(table, data, cal, keep, spec, labels)
        # A select-all item by group: its shares are of the chosen, not of levels.
        return replace(table, notes=[*table.notes, UNWEIGHTED_NOTE])
    else:
        return table
    if not pct and not mean:
        return table
    return _rebuild(table, pct, mean)


def _segments(table: Table) -> list[tuple[str, list[int]]]:
    """Each item of the table with its rows (a block's rows under each heading)."""
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    if table.kind != "block":
        return [(table.items[0], list(range(len(table.rows))))]
    out: list[tuple[str, list[int]]] = []
    names = iter(table.items)
    for i, kind in enumerate(kinds):
        if kind == ROW_HEADING:
            out.append((next(names), []))
        elif out:
            out[-1][1].append(i)
    return out


def _row_estimates(
    table: Table,
    data: pd.DataFrame,
    responses: Responses,
    cal: Calibration,
    keep: np.ndarray | None = None,
) -> tuple[dict[int, list], dict[int, list]]:
    """Weighted % (of those who answered) of each answer row; weighted means of numbers."""
    from surveykit.stats.weights import weighted_proportions

    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    items = {i.id: i for i in responses.questionnaire.items}
    pct: dict[int, list] = {}
    mean: dict[int, list] = {}
    for item_id, rows in _segments(table):
        item = items.get(item_id)
        answers = [r for r in rows if kinds[r] == ROW_DATA]
        if not answers:
            continue
        if item is None:  # a scale score
            if item_id in data.columns:
                mean[answers[0]] = _mean(data[item_id], cal, keep)
        elif item.type in ("single", "ordinal"):
            levels = [str(table.rows[r][0]) for r in answers]
            codes = pd.Categorical(data[item_id].astype(object), categories=levels).codes
            codes = np.where(keep, codes, -1) if keep is not None else codes
            if (codes >= 0).any():
                est = weighted_proportions(np.asarray(codes, dtype=np.int64), len(levels), cal)
                for k, r in enumerate(answers):
                    pct[r] = _interval(100 * est.estimate[k], 100 * est.se[k], 0.0, 100.0)
        elif item.type == "multi":
            from surveykit.tables import chosen_among_answered

            for r in answers:
                chosen = chosen_among_answered(responses, item, str(table.rows[r][0]))
                if chosen is not None:
                    pct[r] = _share(chosen if keep is None else np.where(keep, chosen, np.nan), cal)
        elif item.type == "number":
            mean[answers[0]] = _mean(data[item_id], cal, keep)
    return pct, mean


def _share(chosen: np.ndarray, cal: Calibration) -> list:
    """Weighted % choosing an option (a mean of 0/1 over those in the item's base)."""
    from surveykit.stats.weights import weighted_mean

    if not np.isfinite(chosen).any():
        return [None, None]
    est = weighted_mean(chosen, cal)
    return _interval(100 * float(est.estimate[0]), 100 * float(est.se[0]), 0.0, 100.0)


_LEFT_OUT = ("SD", "Median")  # unweighted, they would describe the sample, not the staff


def _rebuild(table: Table, pct: dict[int, list], mean: dict[int, list]) -> Table:
    """Replace the % of n by weighted % and CI, the mean by weighted mean and CI.

    SD, median and the unweighted Valid % and Cumulative % are dropped.
    """
    columns: list[Column] = []
    take: list[int | tuple[dict[int, list], int]] = []
    for j, c in enumerate(table.columns):
        if c.role == PERCENT and c.of == "n" and c.base == "table":
            columns += [WEIGHTED_PCT, PCT_CI]
            take += [(pct, 0), (pct, 1)]
        elif c.role == STATISTIC and str(c) == "Mean":
            columns += [WEIGHTED_MEAN, MEAN_CI]
            take += [(mean, 0), (mean, 1)]
        elif c.role == STATISTIC and str(c) in _LEFT_OUT:
            continue
        elif c.role == PERCENT and c.base in ("valid", "cumulative"):
            # The weighted % is already of those who answered; an unweighted Valid % or
            # Cumulative % beside it would state a second, different share of the same answer.
            continue
        else:
            columns.append(c)
            take.append(j)
    rows = [
        [row[t] if isinstance(t, int) else t[0].get(i, [None, None])[t[1]] for t in take]
        for i, row in enumerate(table.rows)
    ]
    return replace(table, columns=columns, rows=rows, notes=[*table.notes, _WEIGHTED_NOTE])


_WEIGHTED_NOTE = (
    "Weighted: % of those who answered and means, with 95% confidence intervals (estimate "
    "± 1.96 linearised SE, as R survey's svymean, cut at the possible range); n, min and "
    "max are of the respondents, unweighted."
)


def _mean(values: pd.Series, cal: Calibration, keep: np.ndarray | None = None) -> list:
    from surveykit.stats.weights import weighted_mean

    y = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if keep is not None:
        y = np.where(keep, y, np.nan)
    if not np.isfinite(y).any():
        return [None, None]
    try:
        est = weighted_mean(y, cal)
    except StatisticsError:
        return [None, None]
    return _interval(float(est.estimate[0]), float(est.se[0]))


def _interval(estimate: float, se: float, lo: float = -np.inf, hi: float = np.inf) -> list:
    return [
        estimate,
        [float(max(lo, estimate - Z95 * se)), float(min(hi, estimate + Z95 * se))],
    ]


def rao_scott_test(
    data: pd.DataFrame,
    dv: str,
    by: str,
    cal: Calibration,
    labels: dict[str, str],
    keep: np.ndarray | None = None,
) -> TestReport:
    """The design-based test of independence of two items (survey::svychisq's F).

    ``keep``: only in that domain (R: ``svychisq(~dv + by, subset(design, …))``).
    """
    from surveykit.stats.weights import rao_scott

    report = TestReport(
        kind="rao-scott", dv=dv, by=by, dv_label=labels.get(dv, dv), by_label=labels.get(by, by)
    )
    rows = _codes(data[dv])
    cols = _codes(data[by])
    if keep is not None:
        rows, cols = np.where(keep, rows, -1), np.where(keep, cols, -1)
    try:
        rs = rao_scott(rows, cols, cal)
    except StatisticsError as exc:
        return replace(report, error=exc.message)
    stats = {
        "F": rs.statistic,
        "df1": rs.df1,
        "df2": rs.df2,
        "p": rs.p,
        "pearson": rs.pearson,
        "design_effect": rs.design_effect,
        "n": int(((rows >= 0) & (cols >= 0)).sum()),
    }
    return replace(report, stats=stats)


def _codes(values: pd.Series) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64)
    return pd.Categorical(values).codes.astype(np.int64)
