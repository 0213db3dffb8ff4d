"""A weighted survey folder for tests that compare with R survey: the data and
headcounts of tests/fixtures/weights, raked on three items or post-stratified on
the team × profession cells of its population.csv."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from surveykit.pipeline import run_survey

WEIGHTS = Path(__file__).parent / "fixtures" / "weights"
RAKING = "{method: rake, on: [team, profession, grade]}"
POSTSTRATIFYING = "{method: poststratify, on: [team, profession]}"


def population_with_cells() -> str:
    """population.yaml with the joint team × profession headcounts of population.csv."""
    with open(WEIGHTS / "population.csv", encoding="utf-8") as f:
        cells = [
            f"  - {{team: {r['team']}, profession: {r['profession']}, n: {r['count']}}}"
            for r in csv.DictReader(f)
        ]
    return "cells:\n" + "\n".join(cells) + "\n"


def weighted_survey(
    folder: Path, kind: str, *, data: Path, questionnaire: str, plan: str, raked: str
) -> Path:
    """Write a survey folder: ``kind`` "raked" uses ``raked`` headcounts and the plan as
    given (it rakes with RAKING); "post" post-stratifies to the cells instead."""
    shutil.copy(data, folder / "responses.csv")
    (folder / "questionnaire.yaml").write_text(questionnaire, encoding="utf-8")
    if kind == "raked":
        population = raked
    else:
        population = population_with_cells()
        plan = plan.replace(RAKING, POSTSTRATIFYING)
    (folder / "population.yaml").write_text(population, encoding="utf-8")
    (folder / "analysis.yaml").write_text(plan, encoding="utf-8")
    return folder


def run(folder: Path, **kw):
    """The survey folder's Result, weighted by its population.yaml."""
    return run_survey(
        folder / "responses.csv",
        folder / "questionnaire.yaml",
        folder / "analysis.yaml",
        population=folder / "population.yaml",
        **kw,
    )


def table(result, table_id: str):
    """The result's table ``table_id``."""
    return next(t for t in result.tables if t.id == table_id)
