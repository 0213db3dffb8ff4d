"""APA-style sentences for test results, e.g. ``t(57) = 2.07, p = .043, d = 0.56``."""

from __future__ import annotations

from typing import Any

from surveykit.render.numbers import fmt_num, fmt_p, fmt_stat


def _p(p: Any) -> str:
    text = fmt_p(p)
    return f"p {text}" if text.startswith(("<", ">")) else f"p = {text}"


def _df(value: Any) -> str:
    value = float(value)
    return f"{int(value)}" if value.is_integer() else f"{value:.2f}"


def apa(test: dict[str, Any]) -> str:
    """One line of APA-formatted statistics for a test in its JSON form."""
    if test.get("suppressed"):  # withheld by small-cell protection (suppression.py)
        return f"not shown: {test.get('error') or 'small-cell suppression'}"
    if test.get("error"):
        return f"not computed: {test['error']}"
    kind = test["kind"]
    welch = test.get("welch") if test.get("variant") == "welch" else None
    if kind == "t-test" and welch:
        text = f"Welch's t({_df(welch['df'])}) = {fmt_stat(welch['t'])}, {_p(welch['p'])}"
        if test.get("cohens_d") is not None:
            text += f", d = {fmt_num(test['cohens_d'])}"
    elif kind == "t-test":
        text = f"t({_df(test['df'])}) = {fmt_stat(test['t'])}, {_p(test['p'])}"
        if test.get("cohens_d") is not None:
            text += f", d = {fmt_num(test['cohens_d'])}"
    elif kind == "anova" and welch:
        text = (
            f"Welch's F({_df(welch['df1'])}, {_df(welch['df2'])}) = {fmt_stat(welch['F'])}, "
            f"{_p(welch['p'])}"
        )
        if test.get("eta_sq") is not None:
            text += f", η² = {fmt_stat(test['eta_sq'], leading_zero=False)}"
    elif kind == "anova":
        text = f"F({_df(test['df1'])}, {_df(test['df2'])}) = {fmt_stat(test['F'])}, {_p(test['p'])}"
        if test.get("eta_sq") is not None:
            text += f", η² = {fmt_stat(test['eta_sq'], leading_zero=False)}"
    elif kind == "chi-square":
        # Suppressed tables carry "< N" strings in observed; n is stored separately.
        n = int(test["n"]) if test.get("n") is not None else int(sum(map(sum, test["observed"])))
        text = f"χ²({_df(test['df'])}, N = {n}) = {fmt_stat(test['chi2'])}, {_p(test['p'])}"
        if test.get("cramers_v") is not None:
            text += f", V = {fmt_stat(test['cramers_v'], leading_zero=False)}"
    elif kind == "mann-whitney":
        text = f"U = {fmt_num(test['U'], 1)}, z = {fmt_stat(test.get('z'))}, {_p(test['p'])}"
        if test.get("rank_biserial") is not None:
            text += f", r = {fmt_stat(test['rank_biserial'], leading_zero=False)}"
    elif kind == "kruskal":
        text = f"H({_df(test['df'])}) = {fmt_stat(test['H'])}, {_p(test['p'])}"
        if test.get("epsilon_sq") is not None:
            text += f", ε² = {fmt_stat(test['epsilon_sq'], leading_zero=False)}"
    elif kind == "rao-scott":
        # svychisq's second-order F; the design effect shows what the weighting cost.
        text = (
            f"Rao–Scott F({fmt_num(test['df1'])}, {fmt_num(test['df2'], 1)}) = "
            f"{fmt_stat(test['F'])}, {_p(test['p'])}, design effect = {fmt_num(test['design_effect'])}"
        )
    elif kind == "regression":
        text = _regression(test)
    elif kind == "paired-t":
        text = f"t({_df(test['df'])}) = {fmt_stat(test['t'])}, {_p(test['p'])}"
        if test.get("d_z") is not None:
            text += f", d_z = {fmt_num(test['d_z'])}"
    elif kind == "wilcoxon":
        text = f"W = {fmt_num(test['W'], 1)}, z = {fmt_stat(test.get('z'))}, {_p(test['p'])}"
        if test.get("rank_biserial") is not None:
            text += f", r = {fmt_stat(test['rank_biserial'], leading_zero=False)}"
    else:
        text = _p(test.get("p"))
    if test.get("p_adjusted") is not None:
        text += f" (adjusted {_p(test['p_adjusted'])})"
    return text


def _regression(test: dict[str, Any]) -> str:
    """The model's overall test: ``F(4, 54) = 3.12, p = .022, R² = .19`` (linear), or the
    likelihood-ratio ``χ²(3, N = 59) = 8.41, p = .038, McFadden R² = .11``."""
    fit = test["fit"]
    if test.get("model") == "linear":
        return (
            f"F({_df(fit['df1'])}, {_df(fit['df2'])}) = {fmt_stat(fit['F'])}, {_p(fit['p'])}, "
            f"R² = {fmt_stat(fit['r2'], leading_zero=False)}"
        )
    return (
        f"χ²({_df(fit['llr_df'])}, N = {int(test['n'])}) = {fmt_stat(fit['llr'])}, "
        f"{_p(fit['llr_p'])}, McFadden R² = {fmt_stat(fit['pseudo_r2'], leading_zero=False)}"
    )
