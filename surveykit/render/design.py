"""Text and JSON for ``surveykit design``: power and precision results, laid out as G*Power does."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.design.power import PowerResult
    from surveykit.design.precision import PrecisionResult
    from surveykit.design.sensitivity import DesignPlan

POWER_TITLES = {
    "ttest": "t test: difference between two independent means",
    "paired": "t test: difference between two dependent means (matched pairs)",
    "anova": "F test: one-way ANOVA, fixed effects, omnibus",
    "chisq": "χ² test: contingency table or goodness of fit",
    "proportions": "z test: two independent proportions (Cohen's h)",
    "correlation": "Correlation: ρ = 0 (Fisher's z)",
}
_ANALYSIS = {
    "a priori": "a priori: the sample size needed",
    "post hoc": "post hoc: the power of this sample",
    "sensitivity": "sensitivity: the smallest detectable effect",
}
_CRITICAL = {"chi2": "χ²"}
_NONCENTRALITY = {"t": "δ", "F": "λ", "chi2": "λ", "z": "shift", "r": "z shift"}


def _lines(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows) + "\n"


def power_text(result: PowerResult) -> str:
    """The readable block ``design power`` prints."""
    tails = "" if result.test in ("anova", "chisq") else f", {result.tails}-tailed"
    head = f"{POWER_TITLES[result.test]}{tails}\n{_ANALYSIS[result.analysis]}\n\n"
    rows: list[tuple[str, str]] = []
    extra = dict(result.extra)
    if "p1" in extra:
        rows.append(("Proportion p1", f"{extra['p1']:.4f}"))
    if "p2" in extra:
        rows.append(("Proportion p2", f"{extra['p2']:.4f}"))
    rows.append((f"Effect size {result.effect_name}", f"{result.effect:.4f}"))
    rows.append(("α", f"{result.alpha:g}"))
    if result.target_power is not None:
        rows.append(("Power wanted", f"{result.target_power:g}"))
    if len(result.n_per_group) > 1:
        sizes = result.n_per_group
        shown = (
            f"{sizes[0]} in each of {len(sizes)}"
            if len(set(sizes)) == 1 and len(sizes) > 2
            else " + ".join(str(n) for n in sizes)
        )
        rows.append(("Group sizes", shown))
    rows.append(("Pairs" if result.test == "paired" else "Total sample size", str(result.n_total)))
    rows.append(
        ("Actual power" if result.analysis != "post hoc" else "Power", f"{result.power:.4f}")
    )
    name = _CRITICAL.get(result.critical_name, result.critical_name)
    df = ", ".join(f"{d:g}" for d in result.df)
    rows.append((f"Critical {name}({df})" if df else f"Critical {name}", f"{result.critical:.4f}"))
    rows.append(
        (f"Noncentrality {_NONCENTRALITY[result.critical_name]}", f"{result.noncentrality:.4f}")
    )
    return head + _lines(rows)


def precision_text(result: PrecisionResult) -> str:
    """The readable block ``design precision`` prints."""
    population = (
        f"{result.population:,}" if result.population is not None else "not given (infinite)"
    )
    rows = [
        ("Population", population),
        (
            "Confidence",
            f"{result.confidence:.0%}"
            if result.confidence * 100 % 1 == 0
            else f"{result.confidence:.1%}",
        ),
        ("Proportion p", f"{result.p:g}"),
    ]
    if result.solved_for == "margin":
        head = "Margin of error of a proportion\n\n"
        rows += [
            ("Respondents n", f"{result.n:,}"),
            ("Margin of error", f"±{result.margin * 100:.1f} points"),
        ]
    else:
        head = "Respondents needed for a margin of error\n\n"
        rows.append(("Margin of error", f"±{result.margin * 100:g} points"))
        for group in result.groups:
            pop = f" of {group.population:,}" if group.population is not None else ""
            rows.append((f"  {group.name} ({group.share:g}{pop})", f"{group.n:,}"))
        rows.append(("Respondents needed", f"{result.n:,}"))
    return head + _lines(rows)


_KIND = {
    "ttest": "t-test",
    "mannwhitney": "Mann–Whitney (as t-test)",
    "anova": "ANOVA",
    "kruskal": "Kruskal–Wallis (as ANOVA)",
    "chisq": "χ²",
}


def plan_text(result: DesignPlan) -> str:
    """The table ``design plan`` prints: one row per planned test."""
    head = (
        f"Detectable effects of the planned tests of {result.survey}: n = {result.n}, "
        f"α = {result.alpha:g}, power {result.power:.0%}\n\n"
    )
    header = ("Test", "Groups (expected n)", "Detectable", "Power at medium")
    rows = []
    notes = []
    for i, t in enumerate(result.tests, start=1):
        sizes = {n for _, n in t.groups}
        groups = (
            f"{len(t.groups)} groups of {sizes.pop()}"
            if len(t.groups) > 2 and len(sizes) == 1
            else ", ".join(f"{g} {n}" for g, n in t.groups)
        )
        effect = f"{t.effect_name} = {t.effect:.2f}" if t.effect is not None else "—"
        medium = f"{t.power_at_medium:.3f}" if t.power_at_medium is not None else "—"
        rows.append((f"{i}. {_KIND[t.kind]}: {t.dv} by {t.by}", groups, effect, medium))
        notes += [f"  {i}. {w}" for w in t.warnings]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]  # fmt: skip
    lines.insert(1, "  ".join("─" * w for w in widths))
    text = head + "\n".join(lines) + "\n"
    text += "\nMedium effects (Cohen): d = 0.5, f = 0.25, w = 0.3.\n"
    if notes:
        text += "Warnings:\n" + "\n".join(notes) + "\n"
    return text


def design_json(result: PowerResult | PrecisionResult | DesignPlan) -> str:
    """The ``--format json`` document (numbers unrounded)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
