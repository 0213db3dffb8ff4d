"""Plan keys for models and repeated measures: ``regress:``, ``paired_ttest:`` and ``wilcoxon:``.

They sit in the plan's ``tests:`` list beside the group tests (``plan.py``
dispatches here) and are checked against the questionnaire with the plan's
line, like every other key. ``ref`` is the plan's item-reference check (passed
in, so this module does not import the plan); ``where:`` is accepted here and
parsed by the plan, as on every other test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from surveykit.errors import SurveyError
from surveykit.expressions import Expression
from surveykit.questionnaire import OTHERS, Questionnaire
from surveykit.yamlio import Mapping, reject_unknown_keys

MODELS = ("linear", "logistic", "ordinal")
PAIRED_KINDS = ("paired_ttest", "wilcoxon")
KINDS = ("regress", *PAIRED_KINDS)
PREDICTOR_TYPES = ("single", "ordinal", "multi", "number")
# What each model's outcome may be: a number or scale (linear; an ordinal item's codes as
# the other tests use them), a choice item (logistic: one level against the rest), an
# ordinal item (proportional odds).
DV_TYPES = {
    "linear": ("number", "ordinal"),
    "logistic": ("single", "ordinal"),
    "ordinal": ("ordinal",),
}
_DEFAULT_MODEL = {"number": "linear", "ordinal": "ordinal", "single": "logistic"}

Ref = Callable[..., str]


@dataclass(frozen=True)
class RegressionSpec:
    """``{regress: dv, on: [...], model: ..., reference: {item: level}, event: level}``."""

    dv: str
    on: tuple[str, ...]
    model: str
    reference: dict[str, str] = field(default_factory=dict)
    event: str | None = None
    line: int = 0
    kind: str = "regress"
    where: Expression | None = None  # only the respondents who meet it (set by plan.py)

    @property
    def variables(self) -> tuple[str, ...]:
        """Every item the model uses (for listwise deletion across tests)."""
        return (self.dv, *self.on)


@dataclass(frozen=True)
class PairedSpec:
    """``{paired_ttest: [before, after]}`` or ``{wilcoxon: [before, after]}``."""

    kind: str
    first: str
    second: str
    line: int = 0
    where: Expression | None = None  # only the respondents who meet it (set by plan.py)

    @property
    def variables(self) -> tuple[str, ...]:
        """Both measurements."""
        return (self.first, self.second)


def is_model_test(raw: Mapping) -> bool:
    """Whether a ``tests:`` entry is one of this module's keys."""
    return any(k in raw for k in KINDS)


def model_test(
    raw: Mapping, known: dict[str, str], questionnaire: Questionnaire, ref: Ref
) -> RegressionSpec | PairedSpec:
    """The spec of one ``tests:`` entry holding ``regress``, ``paired_ttest`` or ``wilcoxon``."""
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) != 1:
        raise SurveyError(
            f"a test names one of {', '.join(KINDS)}, got {', '.join(kinds)}; write each as "
            "its own entry",
            line=raw.line,
        )
    if kinds[0] == "regress":
        return _regression(raw, known, questionnaire, ref)
    return _paired(raw, kinds[0], known, ref)


def _choices(questionnaire: Questionnaire, item_id: str) -> list[str]:
    item = questionnaire.item(item_id)
    return [*item.labels, *([OTHERS] if item.other else [])]


def _regression(
    raw: Mapping, known: dict[str, str], questionnaire: Questionnaire, ref: Ref
) -> RegressionSpec:
    reject_unknown_keys(
        raw, {"regress", "on", "model", "reference", "event", "where"}, "a regression"
    )
    line = raw.line
    dv = ref(raw["regress"], known, line, types=("number", "ordinal", "single"))
    model = raw.get("model") or _DEFAULT_MODEL[known[dv]]
    if model not in MODELS:
        raise SurveyError(
            f"model must be one of {', '.join(MODELS)}, got {model!r}", line=raw.line_of("model")
        )
    if known[dv] not in DV_TYPES[model]:
        raise SurveyError(
            f"a {model} model needs a {' or '.join(DV_TYPES[model])} outcome; {dv!r} is a "
            f"{known[dv]} item"
            + (" (use model: logistic with event: LEVEL)" if known[dv] == "single" else ""),
            line=line,
        )
    on = raw.get("on")
    on = [on] if isinstance(on, str) else on
    if not isinstance(on, list) or not on:
        raise SurveyError(
            f"regress {dv!r}: 'on:' lists the predictor item ids, e.g. on: [age, sex]", line=line
        )
    predictors = [ref(p, known, raw.line_of("on"), types=PREDICTOR_TYPES) for p in on]
    repeated = sorted({p for p in predictors if predictors.count(p) > 1})
    if repeated:
        raise SurveyError(f"regress {dv!r}: 'on:' names {repeated[0]!r} twice", line=line)
    if dv in predictors:
        raise SurveyError(f"regress {dv!r}: the outcome is also a predictor", line=line)
    reference = _reference(raw, predictors, known, questionnaire)
    event = _event(raw, dv, model, questionnaire)
    return RegressionSpec(dv, tuple(predictors), model, reference, event, line)


def _reference(
    raw: Mapping, predictors: list[str], known: dict[str, str], questionnaire: Questionnaire
) -> dict[str, str]:
    given = raw.get("reference") or {}
    line = raw.line_of("reference") if "reference" in raw else raw.line
    if not isinstance(given, dict):
        raise SurveyError(
            "'reference:' maps a predictor to its reference level, e.g. {sex: Female}", line=line
        )
    out: dict[str, str] = {}
    for item_id, level in given.items():
        if item_id not in predictors:
            raise SurveyError(
                f"reference: {item_id!r} is not among the predictors ({', '.join(predictors)})",
                line=line,
            )
        if known[item_id] not in ("single", "ordinal"):
            raise SurveyError(
                f"reference: {item_id!r} is a {known[item_id]} item; only single and ordinal "
                "predictors are dummy-coded against a reference level",
                line=line,
            )
        labels = _choices(questionnaire, item_id)
        if str(level) not in labels:
            raise SurveyError(
                f"reference: {level!r} is not a choice of {item_id!r}; choices are "
                f"{', '.join(map(repr, labels))}",
                line=line,
            )
        out[item_id] = str(level)
    return out


def _event(raw: Mapping, dv: str, model: str, questionnaire: Questionnaire) -> str | None:
    event = raw.get("event")
    line = raw.line_of("event") if "event" in raw else raw.line
    if model != "logistic":
        if event is not None:
            raise SurveyError(f"'event:' belongs to a logistic model, not {model}", line=line)
        return None
    labels = _choices(questionnaire, dv)
    if event is None:
        if len(labels) != 2:
            raise SurveyError(
                f"regress {dv!r}: {len(labels)} answer levels; name the level to model with "
                f"event: (one of {', '.join(map(repr, labels))}), the others are its contrast",
                line=line,
            )
        return labels[1]  # as R's glm: the second level is the event
    if str(event) not in labels:
        raise SurveyError(
            f"event: {event!r} is not a choice of {dv!r}; choices are "
            f"{', '.join(map(repr, labels))}",
            line=line,
        )
    return str(event)


def _paired(raw: Mapping, kind: str, known: dict[str, str], ref: Ref) -> PairedSpec:
    reject_unknown_keys(raw, {kind, "where"}, f"a {kind} test")
    pair: Any = raw[kind]
    if not isinstance(pair, list) or len(pair) != 2:
        raise SurveyError(
            f"{kind}: names two items measured on the same respondents, e.g. "
            f"{{{kind}: [stress_before, stress_after]}}",
            line=raw.line,
        )
    first, second = (ref(i, known, raw.line, types=("number", "ordinal")) for i in pair)
    if first == second:
        raise SurveyError(f"{kind}: the two items are the same ({first!r})", line=raw.line)
    return PairedSpec(kind, first, second, raw.line)
