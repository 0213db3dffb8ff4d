"""Run a plan over responses: derived scales, tables and tests → a :class:`Result`.

This is the one place that knows both the survey model and the statistics
functions; it picks the data for each planned analysis and records what could
not be computed as an error on that test rather than failing the whole run.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.errors import StatisticsError
from surveykit.expressions import Expression
from surveykit.ingest import Responses
from surveykit.plan import Plan, ScaleSpec, TableSpec, TestSpec
from surveykit.plan_models import PairedSpec, RegressionSpec
from surveykit.questionnaire import OTHERS, Item
from surveykit.result import (
    COEFFICIENT,
    COUNT,
    INTEGER,
    LABEL,
    ROW_DATA,
    STATISTIC,
    Column,
    Note,
    Result,
    Table,
    TestReport,
    literal,
)
from surveykit.settings import Settings, resolve
from surveykit.tables import block_table, crosstab_table, item_table, numeric_summary

if TYPE_CHECKING:
    from surveykit.coding.coded import Coding

TEST_NAMES = {
    "ttest": "t-test",
    "anova": "anova",
    "chisq": "chi-square",
    "mannwhitney": "mann-whitney",
    "kruskal": "kruskal",
}


def analyse(
    responses: Responses,
    plan: Plan | None = None,
    settings: Settings | None = None,
    coding: Coding | None = None,
) -> Result:
    """Tables and tests for ``responses``; without a plan, one table per reported item.

    ``settings`` are the run's resolved options (:func:`surveykit.settings.resolve`);
    by default the plan's. ``coding`` (codebook and coders' rows) is what the plan's
    ``themes:`` tables read; by default the codebook.yaml and coding.csv beside the
    questionnaire. Small-cell protection is not applied here.
    """
    from surveykit import progress

    settings = settings or resolve(plan)
    plan = plan or Plan()
    items = {item.id: item for item in responses.questionnaire.items}
    notes = list(responses.notes)
    tables: list[Table] = []
    reported = [item for item in responses.questionnaire.items if item.report]
    steps = len(plan.scales) + (len(plan.tables) or len(reported)) + len(plan.tests)
    big = responses.analysed >= 100_000
    from surveykit.coding.variables import names_in

    code_names = names_in([*plan.tables, *plan.tests])  # code:<id> used as 0/1 variables
    if coding is None and (code_names or any(t.themes is not None for t in plan.tables)):
        from surveykit.coding import load_coding

        where = responses.questionnaire.path  # the codebook sits beside the questionnaire
        coding = load_coding(where.parent, responses.questionnaire) if where else None
    if coding is not None:  # codes must still point at the answers they were given to
        numbered = responses.questionnaire.respondent_id is None
        coding.check_answers(responses.data, numbered=numbered)
    if code_names and coding is not None:
        from surveykit.coding.variables import add_code_variables

        responses = add_code_variables(responses, coding, code_names)
        items = {item.id: item for item in responses.questionnaire.items}
    with progress.task("Analysing", steps, big=big) as bar:
        if plan.scales:
            responses, scale_table = _add_scales(responses, plan.scales, items, plan)
            bar.advance(len(plan.scales))
        if plan.tables:
            for spec in plan.tables:
                if spec.themes is not None:  # codes of open-ended answers (coding/themes.py)
                    from surveykit.coding.themes import plan_tables

                    tables.extend(plan_tables(responses, spec, coding, settings.adjust, plan.path))
                elif spec.likert or spec.reliability or spec.correlate:
                    tables.extend(_item_tables(responses, spec, items, plan))
                else:
                    tables.append(_table(responses, spec, items, plan))
                bar.advance()
        else:
            for item in reported:
                tables.append(item_table(responses, item))
                bar.advance()
        if plan.scales:
            tables.append(scale_table)
        tests = []
        for spec in plan.tests:
            if isinstance(spec, TestSpec):
                tests.append(_run_test(responses, spec, items, plan, settings))
            else:  # regress, paired_ttest, wilcoxon
                tests.append(_run_model_test(responses, spec, items, plan))
            bar.advance()
        for spec in plan.tables:
            tested = (
                responses if spec.where is None else _subset(responses, spec.where, plan, spec.line)
            )
            tests.extend(_table_tests(tested, spec, items))
    tests = _adjust(tests, settings.adjust)
    options = replace(settings, min_cell=None).to_options()
    options.update(adjust_family(tests))
    return Result(
        survey=responses.questionnaire.id,
        title=responses.questionnaire.title,
        source=str(responses.source),
        received=responses.received,
        excluded=len(responses.exclusions),
        analysed=responses.analysed,
        exclusions=[
            {"row": e.row, "line": e.line, "rule": e.rule, "reason": e.reason}
            for e in responses.exclusions
        ],
        tables=tables,
        tests=tests,
        notes=notes,
        options=options,
        data_issues=[issue.to_dict() for issue in responses.data_issues],
    )


def _table(
    responses: Responses, spec: TableSpec, items: dict[str, Item], plan: Plan | None = None
) -> Table:
    if spec.where is not None:
        sub = _subset(responses, spec.where, plan, spec.line)
        table = _table(sub, replace(spec, where=None), items)
        source = spec.where.source
        return replace(
            table, title=f"{table.title}, where {source}", where=source, respondents=sub.analysed
        )
    if spec.describe:
        chosen = [items[i] for i in spec.describe]
        if len(chosen) == 1:
            return item_table(responses, chosen[0], spec.id, spec.title)
        return block_table(responses, chosen, spec.id, spec.title)
    assert spec.rows and spec.columns
    if spec.layout == "wide":
        return _wide_table(responses, spec, items)
    summarise: dict[str, list[Item]] | list[Item] = [items[i] for i in spec.summarise]
    if spec.summarise_by_column:
        summarise = {label: [items[i]] for label, i in spec.summarise_by_column.items()}
    return crosstab_table(
        responses, items[spec.rows], items[spec.columns], spec.id, spec.title, summarise
    )


def _item_tables(
    responses: Responses, spec: TableSpec, items: dict[str, Item], plan: Plan | None = None
) -> list[Table]:
    """A Likert matrix, the reliability tables of scales, or a correlation matrix."""
    if spec.where is not None:  # as _table: computed on the subset, which the title names
        sub = _subset(responses, spec.where, plan, spec.line)
        source = spec.where.source
        return [
            replace(t, title=f"{t.title}, where {source}", where=source, respondents=sub.analysed)
            for t in _item_tables(sub, replace(spec, where=None), items)
        ]
    if spec.likert:
        from surveykit.likert import likert_table

        chosen = [items[i] for i in spec.likert.items]
        return [
            likert_table(responses, chosen, spec.id, spec.title,
                         top_box=spec.likert.top_box, sort=spec.likert.sort)
        ]  # fmt: skip
    if spec.reliability:
        from surveykit.reliability_table import reliability_tables

        return reliability_tables(responses, spec.reliability, items, spec.id, spec.title)
    assert spec.correlate
    from surveykit.correlation_table import correlation_table

    chosen = [items[i] for i in spec.correlate.items]
    return [
        correlation_table(responses, chosen, spec.id, spec.title,
                          method=spec.correlate.method, missing=spec.correlate.missing)
    ]  # fmt: skip


# --- where: subsets ----------------------------------------------------------


def _subset_rows(
    responses: Responses, where: Expression, plan: Plan | None, line: int
) -> np.ndarray:
    """Which respondents meet a plan entry's ``where:``; an error names the plan's line."""
    from surveykit.errors import SurveyError
    from surveykit.subsets import matches

    try:
        return matches(responses, where)
    except SurveyError as exc:
        raise SurveyError(
            f"'where:' {exc.message}", file=plan.path if plan else None, line=line
        ) from exc


def _subset(responses: Responses, where: Expression, plan: Plan | None, line: int) -> Responses:
    from surveykit.subsets import restrict

    return restrict(responses, _subset_rows(responses, where, plan, line))


def _wide_table(responses: Responses, spec: TableSpec, items: dict[str, Item]) -> Table:
    from surveykit.crosstabs import multi_crosstab, wide_crosstab

    assert spec.rows and spec.columns
    rows, columns = items[spec.rows], items[spec.columns]
    if rows.type == "multi":
        return multi_crosstab(
            responses, rows, columns, spec.id, spec.title, totals=spec.totals,
            percent=spec.percent,
        )  # fmt: skip
    return wide_crosstab(
        responses, rows, columns, spec.id, spec.title,
        summarise=[items[i] for i in spec.summarise],
        by_column={label: items[i] for label, i in spec.summarise_by_column.items()},
        percent=spec.percent, totals=spec.totals, cells=spec.cells, row_order=spec.row_order,
    )  # fmt: skip


def _table_tests(responses: Responses, spec: TableSpec, items: dict[str, Item]) -> list[TestReport]:
    """The tests a crosstab's ``test:`` asks for, reported under that table."""
    if spec.test != "chisq" or not (spec.rows and spec.columns):
        return []
    from surveykit.crosstabs import chisq_report, multi_chisq_reports

    rows, columns = items[spec.rows], items[spec.columns]
    if rows.type == "multi":
        return multi_chisq_reports(responses, rows, columns, spec.id)
    return [chisq_report(responses, rows, columns, spec.id)]


# --- scales ------------------------------------------------------------------


def with_scales(responses: Responses, plan: Plan) -> Responses:
    """``responses`` with the plan's scale scores as columns (as the analyses saw them)."""
    if not plan.scales:
        return responses
    items = {item.id: item for item in responses.questionnaire.items}
    return _add_scales(responses, plan.scales, items)[0]


def _add_scales(
    responses: Responses,
    scales: tuple[ScaleSpec, ...],
    items: dict[str, Item],
    plan: Plan | None = None,
) -> tuple[Responses, Table]:
    from surveykit.stats import cronbach_alpha

    data = responses.data.copy()
    rows = []
    notes = []
    for scale in scales:
        matrix = pd.DataFrame({i: responses.scores(i) for i in scale.items})
        if scale.where is not None:  # scored only for the respondents who meet it
            matrix = matrix[_subset_rows(responses, scale.where, plan, scale.line)]
        for r in scale.reverse:
            codes = [c.code for c in items[r].choices]
            matrix[r] = min(codes) + max(codes) - matrix[r]
        answered = matrix.notna().sum(axis=1)
        need = scale.min_items or len(scale.items)
        score = matrix.mean(axis=1) if scale.score == "mean" else matrix.sum(axis=1)
        if scale.score == "sum" and need < len(scale.items):
            # Prorate so that a skipped item does not lower a sum score.
            score = matrix.mean(axis=1) * len(scale.items)
        data[scale.id] = score.where(answered >= need).reindex(data.index)
        items[scale.id] = Item(id=scale.id, text=scale.label, type="number", label=scale.label)
        complete = matrix.dropna().to_numpy(dtype=float)
        alpha = None
        try:
            alpha = cronbach_alpha(complete).alpha
        except StatisticsError as exc:
            notes.append(f"{scale.label}: Cronbach's α not computed: {exc.message}")
        n, mean, sd, median, lo, hi = numeric_summary(data[scale.id])
        rows.append(
            [scale.label, len(scale.items), n, mean, sd, median, lo, hi, alpha, len(complete)]
        )
        rev = f", reversed: {', '.join(scale.reverse)}" if scale.reverse else ""
        only = f" Scored only where {scale.where.source}." if scale.where is not None else ""
        # The count of complete cases is a Note count, so small-cell protection sees it.
        notes.append(
            Note(
                literal(
                    f"{scale.label} = {scale.score} of {', '.join(scale.items)}{rev}; scored when "
                    f"at least {need} of {len(scale.items)} items are answered.{only} α from "
                )
                + "{complete} complete cases.",
                {"complete": len(complete)},
                item=scale.id,
            )
        )
    table = Table(
        id="scales",
        title="Scale scores and reliability",
        columns=[
            Column("", LABEL),
            Column("Items", INTEGER),
            Column("n", COUNT),
            *(Column(c, STATISTIC, of="n") for c in ("Mean", "SD", "Median", "Min", "Max")),
            # α is computed from the complete cases, counted in "α n".
            Column("Cronbach's α", COEFFICIENT, of="α n"),
            Column("α n", COUNT),
        ],
        rows=rows,
        kind="scales",
        row_kinds=[ROW_DATA] * len(rows),
        items=[s.id for s in scales],
        notes=notes,
    )
    return replace(responses, data=data), table


# --- tests -------------------------------------------------------------------


def _run_test(
    responses: Responses, spec: TestSpec, items: dict[str, Item], plan: Plan, settings: Settings
) -> TestReport:
    if spec.where is not None:
        sub = _subset(responses, spec.where, plan, spec.line)
        out = _run_test(sub, replace(spec, where=None), items, plan, settings)
        source = spec.where.source
        return replace(out, where=source, by_label=f"{out.by_label}, where {source}")
    kind = TEST_NAMES[spec.kind]
    dv_item, by_item = items[spec.dv], items[spec.by]
    report = TestReport(
        kind=kind, dv=spec.dv, by=spec.by, dv_label=dv_item.label, by_label=by_item.label
    )
    try:
        stats = _compute(responses, spec, items, plan)
    except StatisticsError as exc:
        return replace(report, error=exc.message)
    if kind in ("t-test", "anova"):
        stats = _choose_variant(stats, kind, settings.variance, settings.alpha)
    sensitivity = _sensitivity(spec.kind, stats, settings.alpha)
    if sensitivity is not None:
        stats = {**stats, "sensitivity": sensitivity}
    return replace(report, stats=stats)


def _sensitivity(kind: str, stats: dict, alpha: float) -> dict | None:
    """The smallest effect this test detected with 80% power at its n (issue 14's Precision).

    Rank tests get their parametric counterpart's figure, as G*Power and ``design plan``
    give them. None when the sizes allow no figure (a group of one, df of zero).
    """
    from surveykit.stats import sensitivity as sens

    sizes = [int(g["n"]) for g in stats.get("groups") or [] if g.get("n")]
    try:
        if kind in ("ttest", "mannwhitney") and len(sizes) == 2:
            found = sens.ttest_d(*sizes, alpha=alpha)
        elif kind in ("anova", "kruskal") and len(sizes) >= 2:
            found = sens.anova_f(len(sizes), sum(sizes), alpha=alpha)
        elif kind == "chisq" and stats.get("df") and stats.get("n"):
            found = sens.chisq_w(int(stats["df"]), int(stats["n"]), alpha=alpha)
        else:
            return None
    except ValueError:
        return None
    return found.to_dict()


def _choose_variant(stats: dict, kind: str, rule: str, alpha: float) -> dict:
    """Record which t or F the test reports (``variant``) and Levene's p that decided it.

    ``rule`` is the plan's ``variance``: ``student`` (Student's t, the classic F),
    ``welch`` (Welch's t and F) or ``auto`` (Welch's when Levene's test, mean-centred as
    in SPSS, gives p < alpha). t-tests: "student" or "welch"; ANOVA: "classic" or
    "welch". When Welch's F cannot be computed (a group with n < 2 or no spread) or
    Levene's test is undefined, the equal-variance test is reported and
    ``variant_note`` says why. Every statistic stays in the result either way.
    """
    equal = "student" if kind == "t-test" else "classic"
    levene_p = (stats.get("levene") or {}).get("p")
    welch_possible = bool(stats.get("welch"))
    note = None
    if rule == "student":
        variant = equal
    elif rule == "welch" or (levene_p is not None and levene_p < alpha):
        variant = "welch" if welch_possible else equal
        if not welch_possible:
            note = "Welch's F could not be computed (a group has n < 2 or no spread)"
    else:
        variant = equal
        if levene_p is None:
            note = "Levene's test is undefined (no group has any spread)"
    out = {**stats, "variant": variant, "levene_p": levene_p}
    if note:
        out["variant_note"] = note
    return out


def _compute(responses: Responses, spec: TestSpec, items: dict[str, Item], plan: Plan) -> dict:
    from surveykit import stats

    by_item = items[spec.by]
    groups_v = responses.data[spec.by]
    levels = list(spec.groups) or [*by_item.labels, *([OTHERS] if by_item.other else [])]
    # Work on numpy arrays: category codes of the groups, float scores of the DV.
    frame_ok = _notna(groups_v)
    if plan.missing == "listwise":
        frame_ok &= _listwise(responses, plan)
    if spec.kind == "chisq":
        dv_item = items[spec.dv]
        dv_v = responses.data[spec.dv]
        row_levels = [*dv_item.labels, *([OTHERS] if dv_item.other else [])]
        row_of = _positions(dv_v, row_levels)
        group_of = _positions(groups_v, levels)
        ok = frame_ok & (row_of >= 0) & (group_of >= 0)
        cells = row_of[ok].astype(np.int64) * len(levels) + group_of[ok]
        counts = np.bincount(cells, minlength=len(row_levels) * len(levels))
        table = counts.reshape(len(row_levels), len(levels))
        # Empty rows/columns carry no information and would make expected counts 0.
        rows_kept = table.sum(axis=1) > 0
        cols_kept = table.sum(axis=0) > 0
        table = table[rows_kept][:, cols_kept]
        result = stats.chisq_independence(
            table,
            [str(x) for x, k in zip(row_levels, rows_kept, strict=True) if k],
            [str(x) for x, k in zip(levels, cols_kept, strict=True) if k],
        )
        return result.to_dict()
    shift = 0.0
    if items[spec.dv].type == "number":
        values, shift = responses.numbers(spec.dv)
    else:
        values = responses.scores(spec.dv)
    x = values.to_numpy(dtype=float, na_value=np.nan)
    ok = frame_ok & ~np.isnan(x)
    samples = [x[ok & _is_level(groups_v, level)] for level in levels]
    present = [(lv, s) for lv, s in zip(levels, samples, strict=True) if len(s) > 0]
    if len(present) < 2:
        only = f" ({present[0][0]!r})" if present else ""
        raise StatisticsError(
            f"{spec.by!r} has {len(present)} group(s) with data{only}; the test needs at least 2"
        )
    if spec.kind in ("ttest", "mannwhitney"):
        if len(present) != 2:
            raise StatisticsError(
                f"{spec.by!r} has {len(present)} groups with data "
                f"({', '.join(repr(lv) for lv, _ in present)}); name two with 'groups:'"
            )
        (la, a), (lb, b) = present
        if spec.kind == "ttest":
            return _unshift(
                stats.ttest_ind(a, b, labels=(la, lb), alpha=plan.alpha).to_dict(), shift
            )
        return _unshift(stats.mann_whitney(a, b, labels=(la, lb)).to_dict(), shift)
    labels = [lv for lv, _ in present]
    arrays = [s for _, s in present]
    if spec.kind == "anova":
        return _unshift(stats.oneway_anova(arrays, labels, alpha=plan.alpha).to_dict(), shift)
    return _unshift(stats.kruskal_wallis(arrays, labels).to_dict(), shift)


def _listwise(responses: Responses, plan: Plan) -> np.ndarray:
    """Respondents with every variable of every planned test (select-all items: answered)."""
    ok = np.ones(responses.analysed, dtype=bool)
    for test in plan.tests:
        for name in test.variables:
            if name in responses.multi:
                ok &= responses.answered[name].to_numpy(dtype=bool)
            else:
                ok &= _notna(responses.data[name])
    return ok


def _run_model_test(
    responses: Responses, spec: RegressionSpec | PairedSpec, items: dict[str, Item], plan: Plan
) -> TestReport:
    from surveykit.modelling import run_model_test

    if spec.where is not None:  # as _run_test: the same model on the subset, which says so
        sub = _subset(responses, spec.where, plan, spec.line)
        out = _run_model_test(sub, replace(spec, where=None), items, plan)
        return replace(out, where=spec.where.source)
    keep = _listwise(responses, plan) if plan.missing == "listwise" else None
    report = run_model_test(responses, spec, items, keep, alpha=plan.alpha)
    sensitivity = _model_sensitivity(report, plan.alpha)
    if sensitivity is None:
        return report
    return replace(report, stats={**report.stats, "sensitivity": sensitivity})


def _model_sensitivity(report: TestReport, alpha: float) -> dict | None:
    """The Precision figure of a paired test (d_z) or a linear model's overall F (f²).

    The Wilcoxon test gets the paired t-test's figure, as the other rank tests get their
    parametric counterpart's. Logistic and ordinal models have no such closed figure
    (G*Power simulates them), so they get none and the paragraph does not name them.
    """
    from surveykit.stats import sensitivity as sens

    stats = report.stats
    if report.error or not stats:
        return None
    try:
        if report.kind in ("paired-t", "wilcoxon") and stats.get("n"):
            # Wilcoxon's n counts the non-zero differences; its t counterpart uses every pair.
            pairs = int(stats["n"]) + int(stats.get("n_zero") or 0)
            return sens.paired_dz(pairs, alpha=alpha).to_dict()
        if report.kind == "regression" and stats.get("model") == "linear":
            df1 = (stats.get("fit") or {}).get("df1")
            if df1 and stats.get("n"):
                return sens.regression_f2(int(df1), int(stats["n"]), alpha=alpha).to_dict()
    except ValueError:
        return None
    return None


def _unshift(result: dict, shift: float) -> dict:
    """Add an exact-centring shift back to the groups' location statistics.

    Tests ran on deviations from ``shift`` (see ``Responses.numbers``); differences,
    spreads and test statistics are unchanged by a shift, group means are not.
    """
    if not shift:
        return result
    for group in result.get("groups", []):
        for key in ("mean", "median", "min", "max"):
            if group.get(key) is not None:
                group[key] += shift
        if group.get("ci95"):
            group["ci95"] = [v + shift if v is not None else None for v in group["ci95"]]
    return result


def _notna(values: pd.Series) -> np.ndarray:
    """Boolean array: the value is present."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy() >= 0
    return values.notna().to_numpy(dtype=bool)


def _is_level(values: pd.Series, level: str) -> np.ndarray:
    """Boolean array: the value equals ``level`` (compared by category code when possible)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if level not in categories:
            return np.zeros(len(values), dtype=bool)
        return values.cat.codes.to_numpy() == categories.get_loc(level)
    return (values == level).to_numpy(dtype=bool)


def _positions(values: pd.Series, levels: list[str]) -> np.ndarray:
    """Each value's position in ``levels`` (-1 when missing or not one of them)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        where = {label: i for i, label in enumerate(levels)}
        table = np.array([where.get(c, -1) for c in values.cat.categories] + [-1], dtype=np.int64)
        return table[values.cat.codes.to_numpy()]
    out = np.full(len(values), -1, dtype=np.int64)
    for i, level in enumerate(levels):
        out[(values == level).to_numpy(dtype=bool) & (out < 0)] = i
    return out


def adjust_tests(tests: list[TestReport], method: str) -> list[TestReport]:
    """The tests with p adjusted for their number (``method`` none, holm, bonferroni, fdr_bh)."""
    return _adjust([replace(t, p_adjusted=None) for t in tests], method)


def adjust_family(tests: list[TestReport]) -> dict[str, int]:
    """``{"adjust_family": m}``: how many of the plan's tests were adjusted together (none: {}).

    Tests with their own ``family`` (a select-all crosstab's) are adjusted among themselves.
    """
    m = sum(t.p_adjusted is not None and t.family is None for t in tests)
    return {"adjust_family": m} if m else {}


def _adjust(tests: list[TestReport], method: str) -> list[TestReport]:
    """Adjust p among the plan's tests, and separately within each ``family`` (a table's)."""
    if method == "none":
        return tests
    from surveykit.stats import adjust_pvalues

    out = list(tests)
    for family in dict.fromkeys(t.family for t in tests):
        idx = [
            i
            for i, t in enumerate(tests)
            if t.family == family and t.p is not None and math.isfinite(t.p)
        ]
        if not idx:
            continue
        adjusted = adjust_pvalues([tests[i].p for i in idx], method)
        for i, p in zip(idx, adjusted, strict=True):
            out[i] = replace(out[i], p_adjusted=float(np.clip(p, 0.0, 1.0)))
    return out


def add_scales(responses: Responses, scales: tuple[ScaleSpec, ...]) -> Responses:
    """``responses`` with each scale's score as a column (as the plan computes it)."""
    items = {item.id: item for item in responses.questionnaire.items}
    return _add_scales(responses, scales, items)[0]
