"""What the planned tests could detect: minimum detectable effects at an expected n.

``surveykit design plan`` reads the questionnaire and analysis plan and, for each
planned test, gives the smallest effect it detects with the wanted power at the
expected number of respondents and group shares, and its power for Cohen's
"medium" effect. Rank tests are planned as their parametric counterparts (the
usual approximation; their efficiency is about 95% of the t test's under
normality). Sensitivity, never "observed power": nothing here looks at data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from surveykit.design import power as pw
from surveykit.errors import SurveyError
from surveykit.plan import Plan, TestSpec
from surveykit.questionnaire import Questionnaire

MEDIUM = {"d": 0.5, "f": 0.25, "w": 0.3}


@dataclass(frozen=True)
class PlannedTest:
    """One planned test's expected groups, detectable effect and warnings."""

    kind: str
    dv: str
    by: str
    groups: tuple[tuple[str, int], ...]
    effect_name: str
    effect: float | None
    power_at_medium: float | None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain JSON form."""
        return {
            "kind": self.kind,
            "dv": self.dv,
            "by": self.by,
            "groups": [{"label": g, "n": n} for g, n in self.groups],
            "effect_name": self.effect_name,
            "effect": self.effect,
            "power_at_medium": self.power_at_medium,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class DesignPlan:
    """Every planned test's sensitivity at ``n`` respondents."""

    survey: str
    n: int
    alpha: float
    power: float
    tests: tuple[PlannedTest, ...]

    def to_dict(self) -> dict:
        """The public JSON document of ``design plan --format json``."""
        return {
            "kind": "design_plan",
            "survey": self.survey,
            "n": self.n,
            "alpha": self.alpha,
            "power": self.power,
            "medium": dict(MEDIUM),
            "tests": [t.to_dict() for t in self.tests],
        }


def parse_split(text: str, questionnaire: Questionnaire) -> tuple[str, list[float]]:
    """``item=0.45`` or ``item=0.2,0.3,0.5`` or ``item=Yes:0.45`` → (item, shares in choice order).

    Shares not given are spread evenly over the remaining choices.
    """
    item_id, sep, rest = text.partition("=")
    item_id = item_id.strip()
    if not sep or not rest.strip():
        raise SurveyError(f"--split takes ITEM=SHARES, e.g. pss_at_workplace=0.45; got {text!r}")
    known = {i.id: i for i in questionnaire.items}
    if item_id not in known or not known[item_id].choices:
        raise SurveyError(f"--split: {item_id!r} is not a single-choice item of the questionnaire")
    labels = known[item_id].labels
    given: dict[int, float] = {}
    for position, part in enumerate(rest.split(",")):
        label, colon, value = part.rpartition(":")
        index = position
        if colon:
            if label.strip() not in labels:
                raise SurveyError(
                    f"--split: {label.strip()!r} is not a choice of {item_id!r}; "
                    f"choices are {', '.join(map(repr, labels))}"
                )
            index = labels.index(label.strip())
        try:
            share = float(value)
        except ValueError:
            share = math.nan
        if not 0 <= share <= 1 or index >= len(labels):
            raise SurveyError(
                f"--split: {part.strip()!r} is not a share between 0 and 1 of a choice"
            )
        given[index] = share
    spent = sum(given.values())
    left = [i for i in range(len(labels)) if i not in given]
    if spent > 1 + 1e-9 or (not left and abs(spent - 1) > 1e-6):
        raise SurveyError(f"--split: the shares of {item_id!r} add up to {spent:g}, not 1")
    shares = [given.get(i, (1 - spent) / len(left) if left else 0.0) for i in range(len(labels))]
    return item_id, shares


def _sizes(n: int, shares: list[float]) -> list[int]:
    """Whole group sizes adding up to n, by largest remainder."""
    raw = [n * s for s in shares]
    sizes = [math.floor(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - sizes[i], reverse=True)
    for i in by_remainder[: n - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _groups(
    test: TestSpec, questionnaire: Questionnaire, n: int, splits: dict[str, list[float]]
) -> list[tuple[str, int]]:
    labels = questionnaire.item(test.by).labels
    shares = splits.get(test.by, [1 / len(labels)] * len(labels))
    sizes = dict(zip(labels, _sizes(n, shares), strict=True))
    chosen = list(test.groups) or labels
    if test.kind in ("ttest", "mannwhitney") and not test.groups:
        chosen = labels[:2]
    return [(g, sizes[g]) for g in chosen]


def plan_sensitivity(
    questionnaire: Questionnaire,
    plan: Plan,
    n: int,
    *,
    splits: dict[str, list[float]] | None = None,
    power: float = 0.8,
) -> DesignPlan:
    """The detectable effect of every planned test at ``n`` respondents."""
    if n < 4:
        raise SurveyError(f"--n must be at least 4, got {n}")
    splits = splits or {}
    out = []
    # A crosstab's `test: chisq` is planned too (a select-all item's: one 2 × k per option).
    crossed = [
        TestSpec(kind="chisq", dv=t.rows, by=t.columns, line=t.line)
        for t in plan.tables
        if t.test == "chisq" and t.rows and t.columns
    ]
    for test in [*plan.tests, *crossed]:
        if not isinstance(test, TestSpec):  # regressions and paired tests: not covered here
            continue
        groups = _groups(test, questionnaire, n, splits)
        warnings = [
            f"group {g!r} is expected to have {m} respondent(s)" for g, m in groups if m < 2
        ]
        effect = medium_power = None
        total = sum(m for _, m in groups)
        if test.kind in ("ttest", "mannwhitney"):
            name = "d"
            if not warnings:
                (_, n1), (_, n2) = groups
                effect = pw.ttest(n1=n1, n2=n2, power=power, alpha=plan.alpha).effect
                medium_power = pw.ttest(d=MEDIUM[name], n1=n1, n2=n2, alpha=plan.alpha).power
        elif test.kind in ("anova", "kruskal"):
            name = "f"
            k = len(groups)
            if not warnings and total > k:
                effect = pw.anova(k=k, n=total, power=power, alpha=plan.alpha).effect
                medium_power = pw.anova(f=MEDIUM[name], k=k, n=total, alpha=plan.alpha).power
        else:
            name = "w"
            item = questionnaire.item(test.dv)
            rows = 2 if item.type == "multi" else len(item.labels)  # chosen or not
            df = (rows - 1) * (len(groups) - 1)
            if not warnings:
                effect = pw.chisq(df=df, n=total, power=power, alpha=plan.alpha).effect
                medium_power = pw.chisq(w=MEDIUM[name], df=df, n=total, alpha=plan.alpha).power
        if medium_power is not None and medium_power < power:
            # Truncated, not rounded: 0.7998 must not read as "80%, below the 80% wanted".
            shown = math.floor(medium_power * 1000) / 10
            warnings.append(
                f"{shown:.1f}% power for a medium effect ({name} = {MEDIUM[name]}), "
                f"below the {power:.0%} wanted"
            )
        out.append(
            PlannedTest(
                test.kind, test.dv, test.by, tuple(groups), name, effect, medium_power,
                tuple(warnings),
            )
        )  # fmt: skip
    return DesignPlan(questionnaire.id, n, plan.alpha, power, tuple(out))
