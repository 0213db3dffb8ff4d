"""Regression and paired-test layout for the document model: titles, cells, lines and notes.

Reads a test's JSON form (``render/json.py``) and formats it; ``render/document.py``
wraps the pieces into its tables and test blocks, so every renderer shows the same.
"""

from __future__ import annotations

from typing import Any

from surveykit.render.numbers import fmt_num, fmt_p, fmt_stat
from surveykit.result import INTERVAL, LABEL, P_VALUE, STATISTIC, Column, TestReport

MODEL_TITLES = {
    "linear": "Linear regression",
    "logistic": "Binary logistic regression",
    "ordinal": "Ordinal logistic regression",
}
NOT_ESTIMABLE = "—"  # a term without a finite estimate (separation); the note says why
PAIRED_TITLES = {"paired-t": "Paired-samples t-test", "wilcoxon": "Wilcoxon signed-rank test"}


def model_title(test: TestReport) -> str | None:
    """The name of a regression or paired test, or None for other tests."""
    if test.kind == "regression":
        return MODEL_TITLES.get(test.stats.get("model", ""), "Regression")
    return PAIRED_TITLES.get(test.kind)


def model_subject(test: TestReport) -> str | None:
    """``Engagement on Age, Department`` or ``Stress before and Stress after`` (None: other).

    A plan's ``where:`` ends it (``…, where role == "Nurse"``), as it ends other tests' titles.
    """
    dv, by = test.dv_label or test.dv, test.by_label or test.by
    where = f", where {test.where}" if test.where else ""
    if test.kind == "regression":
        return f"{dv} on {by}{where}"
    if test.kind in PAIRED_TITLES:
        return f"{dv} and {by}{where}"
    return None


def _p_is(p: Any) -> str:
    text = fmt_p(p, apa=False)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _interval(ci: Any, decimals: int) -> str:
    if not ci or ci[0] is None or ci[1] is None:
        return ""
    return f"[{fmt_num(ci[0], decimals)}, {fmt_num(ci[1], decimals)}]"


def _term_label(t: dict[str, Any]) -> str:
    if t["term"] == "(Intercept)":
        return "(Intercept)"
    label = t.get("label") or t["term"]
    return f"{label}: {t['level']}" if t.get("level") is not None else label


def _vif_of(d: dict[str, Any], t: dict[str, Any]) -> Any:
    key = t["term"] if t.get("level") is None else f"{t['term']}: {t['level']}"
    return (d.get("vif") or {}).get(key)


def coefficient_columns(d: dict[str, Any]) -> list[Column]:
    """The coefficient table's columns, typed by what they hold."""
    stat = "t" if d.get("model") == "linear" else "z"
    head = [Column("Term", LABEL), Column("B", STATISTIC), Column("SE", STATISTIC),
            Column(stat, STATISTIC), Column("p", P_VALUE)]  # fmt: skip
    if d.get("model") == "linear":
        tail = [Column("95% CI", INTERVAL), Column("β", STATISTIC)]
    else:
        tail = [Column("Odds ratio", STATISTIC), Column("95% CI (OR)", INTERVAL)]
    return [*head, *tail, Column("VIF", STATISTIC)]


def coefficient_rows(d: dict[str, Any]) -> list[list[str]]:
    """One row per term: B, SE, t or z, p, then 95% CI and β, or the odds ratio and its CI."""
    rows = []
    for t in d.get("terms") or []:
        row = [_term_label(t), fmt_num(t.get("estimate"), 3), fmt_num(t.get("se"), 3),
               fmt_num(t.get("stat"), 2), fmt_p(t.get("p"))]  # fmt: skip
        if d.get("model") == "linear":
            row += [_interval(t.get("ci95"), 3), fmt_num(t.get("beta"), 2)]
        else:
            row += [fmt_num(t.get("odds_ratio"), 2), _interval(t.get("odds_ratio_ci95"), 2)]
        if t.get("reason"):  # not estimable (separation): a dash, not a blank or a number
            row = [row[0], *([NOT_ESTIMABLE] * (len(row) - 1))]
        vif = _vif_of(d, t)
        rows.append([*row, fmt_num(vif, 2)])
    return rows


def fit_lines(d: dict[str, Any]) -> list[str]:
    """The model's n, fit and overall test, one statement a line."""
    fit = d.get("fit") or {}
    dropped = d.get("n_dropped") or 0
    lines = [f"n = {d['n']} (listwise; {dropped} respondent(s) with a missing value left out)."]
    if d.get("model") == "linear":
        lines.append(
            f"R² = {fmt_num(fit.get('r2'), 3)}, adjusted R² = {fmt_num(fit.get('adj_r2'), 3)}, "
            f"F({fmt_num(fit.get('df1'), 0)}, {fmt_num(fit.get('df2'), 0)}) = "
            f"{fmt_num(fit.get('F'), 2)}, {_p_is(fit.get('p'))}, AIC = {fmt_num(fit.get('aic'), 2)}."
        )
    else:
        if d.get("model") == "logistic":
            events = next((o["n"] for o in d.get("outcome") or []), None)
            lines.append(
                f"Event: {d.get('event')} ({events} of {d['n']}); odds ratios are of the event."
            )
        lines.append(
            f"McFadden R² = {fmt_num(fit.get('pseudo_r2'), 3)}, likelihood-ratio "
            f"χ²({fmt_num(fit.get('llr_df'), 0)}) = {fmt_num(fit.get('llr'), 2)}, "
            f"{_p_is(fit.get('llr_p'))}, AIC = {fmt_num(fit.get('aic'), 2)}."
        )
    return lines


def coding_notes(d: dict[str, Any]) -> list[str]:
    """How predictors were coded (reference levels), ordinal thresholds, and the model's notes."""
    notes = []
    reference = d.get("reference") or {}
    labels = {t["term"]: t.get("label") or t["term"] for t in d.get("terms") or []}
    if reference:
        notes.append(
            "Reference levels: "
            + "; ".join(f"{labels.get(item, item)} = {level}" for item, level in reference.items())
            + " (each other level is a 0/1 term against its reference)."
        )
    if any("reference" not in c for c in d.get("codings") or []):
        notes.append("A select-all option is a 0/1 term: 1 when chosen.")
    if d.get("model") == "ordinal" and d.get("thresholds"):
        notes.append(
            "Proportional odds (as R's MASS::polr): an odds ratio above 1 means higher answers "
            "are more likely. Thresholds (logit): "
            + "; ".join(f"{t['between']} {fmt_num(t['estimate'], 3)}" for t in d["thresholds"])
            + "."
        )
    if d.get("model") == "linear":
        notes.append("β: standardised coefficient; 95% CI of B.")
    else:
        notes.append("95% Wald CI of the odds ratio.")
    notes.append("VIF: variance inflation factor of each term (collinearity among predictors).")
    gvif = d.get("gvif") or {}
    if gvif:
        notes.append(
            "Generalised VIF of each predictor of several terms (Fox & Monette, as R's "
            "car::vif; it does not depend on the reference level): "
            + "; ".join(
                f"{labels.get(term, term)} {fmt_num(g['gvif'], 2)} ({g['df']} terms; "
                f"GVIF^(1/(2·df)) = {fmt_num(g['gvif_adj'], 2)})"
                for term, g in gvif.items()
            )
            + "."
        )
    return [*notes, *(str(n) for n in d.get("notes") or [])]


def pairs_n(d: dict[str, Any]) -> Any:
    """Complete pairs: the signed-rank test's n counts only the non-zero differences.

    With the zero differences withheld (``< N``), the non-zero pairs, labelled as such:
    adding a withheld count back would show it.
    """
    if d.get("kind") == "wilcoxon" and isinstance(d.get("n"), int):
        zero = d.get("n_zero") or 0
        if not isinstance(zero, int):
            return f"{d['n']} non-zero, {zero} zero differences"
        return d["n"] + zero
    return d.get("n")


def paired_columns() -> list[Column]:
    """The paired t-test table's columns (SPSS's Paired Samples Test)."""
    return [Column("Pair", LABEL), Column("n", STATISTIC), Column("Mean difference", STATISTIC),
            Column("SD", STATISTIC), Column("95% CI", INTERVAL), Column("t", STATISTIC),
            Column("df", STATISTIC), Column("p", P_VALUE), Column("d_z", STATISTIC)]  # fmt: skip


def paired_row(test: TestReport, d: dict[str, Any]) -> list[str]:
    """One row: the pair, n, mean difference with SD and CI, t, df, p, d_z."""
    return [
        f"{test.dv_label or test.dv} − {test.by_label or test.by}", str(d.get("n", "")),
        fmt_num(d.get("mean_difference"), 2), fmt_num(d.get("sd_difference"), 2),
        _interval(d.get("ci95"), 2), fmt_num(d.get("t"), 2), fmt_num(d.get("df"), 0),
        fmt_p(d.get("p")), fmt_num(d.get("d_z"), 2),
    ]  # fmt: skip


def paired_lines(test: TestReport, d: dict[str, Any]) -> list[str]:
    """The terminal's lines for a paired t-test or Wilcoxon signed-rank test."""
    first, second = test.dv_label or test.dv, test.by_label or test.by
    dropped = d.get("n_dropped") or 0
    pairs = pairs_n(d)
    pairs = (
        f"{pairs} pairs" if isinstance(pairs, int) else f"{d['n']} pairs with a non-zero difference"
    )
    lines = [f"n = {pairs} ({dropped} with a missing value left out)"]
    if test.kind == "paired-t":
        ci = d.get("ci95") or [None, None]
        lines += [
            f"Mean {first} = {fmt_num(d.get('mean_first'), 3)}, "
            f"mean {second} = {fmt_num(d.get('mean_second'), 3)}",
            f"Mean difference = {fmt_num(d.get('mean_difference'), 3)} (SD "
            f"{fmt_num(d.get('sd_difference'), 3)}), 95% CI [{fmt_num(ci[0], 3)}, "
            f"{fmt_num(ci[1], 3)}]",
            f"t = {fmt_num(d.get('t'), 3)}, df = {fmt_num(d.get('df'), 0)}, {_p_is(d.get('p'))}, "
            f"d_z = {fmt_num(d.get('d_z'), 3)}",
        ]
    else:
        lines += [
            f"{d.get('n_zero', 0)} zero difference(s) left out of the ranks (as R does)",
            f"W = {fmt_num(d.get('W'), 1)}, z = {fmt_num(d.get('z'), 3)}, {_p_is(d.get('p'))}, "
            f"matched rank-biserial r = {fmt_stat(d.get('rank_biserial'), 3)}",
        ]
    return lines


def difference_note(test: TestReport) -> str:
    """Which way the differences run."""
    return (
        f"Differences are {test.dv_label or test.dv} − {test.by_label or test.by} "
        "(the first measurement minus the second); respondents missing either are left out."
    )
