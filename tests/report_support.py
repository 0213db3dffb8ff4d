"""Shared fixtures for the report tests: the staff_wellbeing Result and its quotes.

(Not named test_*.py, so pytest does not collect it; it defines no tests.)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from surveykit.analyses import analyse
from surveykit.ingest import Responses, read_responses
from surveykit.plan import load_plan
from surveykit.questionnaire import load_questionnaire
from surveykit.result import Result

ROOT = Path(__file__).resolve().parent.parent

STAFF = ROOT / "surveys" / "staff_wellbeing"
SINGAPORE = ROOT / "surveys" / "singapore_pss"


@cache
def staff_responses() -> Responses:
    """The staff_wellbeing responses as read by the CLI."""
    q = load_questionnaire(STAFF / "questionnaire.yaml")
    return read_responses(STAFF / "responses.csv", q)


@cache
def staff_result() -> Result:
    """The staff_wellbeing Result with its full plan (tables, scales, five tests)."""
    responses = staff_responses()
    plan = load_plan(STAFF / "analysis.yaml", responses.questionnaire)
    return _with_population(analyse(responses, plan), responses, plan, STAFF)


def survey_result(folder: Path) -> tuple[Result, Responses]:
    """Result and responses of any survey folder (plan used when present)."""
    q = load_questionnaire(folder / "questionnaire.yaml")
    responses = read_responses(folder / "responses.csv", q)
    plan_path = folder / "analysis.yaml"
    plan = load_plan(plan_path, q) if plan_path.exists() else None
    return _with_population(analyse(responses, plan), responses, plan, folder), responses


def _with_population(result: Result, responses: Responses, plan, folder: Path) -> Result:
    """What run_survey adds before protection: response rates and weights (population.yaml)."""
    from surveykit.population import load_population
    from surveykit.weighting import apply_population

    path = folder / "population.yaml"
    population = load_population(path, responses.questionnaire) if path.exists() else None
    if population is None and (plan is None or plan.weights is None):
        return result
    return apply_population(result, responses, plan, population)
