"""Files in, Result out: the one sequence every command runs.

questionnaire → ingest → analyses → quotes → small-cell protection → one frozen
Result. Every output (terminal, JSON, every report format, ``check``) renders
that Result and nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import SurveyError
from surveykit.result import Result

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.plan import Plan
    from surveykit.population import Population
    from surveykit.settings import Settings


def find_inputs(
    responses: Path, questionnaire: Path | None, plan: Path | None
) -> tuple[Path, Path | None]:
    """The questionnaire and plan to use for ``responses`` (defaults: beside the CSV)."""
    try:
        found = str(responses) == "-" or responses.exists()  # "-" is standard input
    except OSError as exc:  # a folder on the way that the user may not enter
        raise SurveyError(f"cannot read: {exc.strerror}", file=responses) from exc
    if not found:
        raise SurveyError(
            "file not found; give the path of the responses CSV your form tool exported",
            file=responses,
        )
    if str(responses) != "-" and responses.is_dir():
        raise SurveyError(_folder_hint(responses), file=responses)
    folder = responses.parent
    q_path = questionnaire or folder / "questionnaire.yaml"
    if questionnaire is None and not q_path.exists():
        raise SurveyError(
            f"no questionnaire.yaml beside {responses}; pass one with -q/--questionnaire",
            file=responses,
        )
    p_path = plan if plan is not None else folder / "analysis.yaml"
    p_path = p_path if (plan is not None or p_path.exists()) else None
    note_inputs(responses, q_path, p_path)
    return q_path, p_path


_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".zsav")
_NOT_RESPONSES = ("coding.csv", "population.csv")  # the survey folder's other tables


def _folder_hint(folder: Path) -> str:
    """What to give instead of a survey folder: the responses file(s) inside it."""
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in _DATA_SUFFIXES and p.name not in _NOT_RESPONSES and p.is_file()
    )
    if not files:
        return "is a folder; give the responses file your form tool exported"
    if len(files) == 1:
        return f"is a folder; give the responses file inside it: {files[0]}"
    shown = ", ".join(str(p) for p in files[:4]) + (", …" if len(files) > 4 else "")
    return f"is a folder; give one of the responses files inside it: {shown}"


def find_population(responses: Path, population: Path | None) -> Path | None:
    """The population file: ``--population``, else population.yaml beside the responses."""
    from surveykit.files import note_input

    if population is not None:
        if not population.exists():
            raise SurveyError(
                "file not found; give the population.yaml (or .csv) of headcounts",
                file=population,
            )
        found: Path | None = population
    else:
        beside = responses.parent / "population.yaml"
        found = beside if str(responses) != "-" and beside.exists() else None
    note_input(found, "the population file")
    return found


def note_inputs(responses: Path, questionnaire: Path, plan: Path | None) -> None:
    """Tell the writers these are the run's inputs, so no output of the run replaces them."""
    from surveykit.files import note_input

    note_input(responses, "the responses file")
    note_input(questionnaire, "the questionnaire")
    note_input(plan, "the analysis plan")


def run_survey(
    responses: Path,
    questionnaire: Path,
    plan: Path | None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    min_cell: int | None = None,
    with_quotes: bool = False,
    where: str | None = None,
    population: Path | None = None,
) -> Result:
    """Load, ingest, analyse, collect quotes (``with_quotes``) and protect small cells.

    ``min_cell`` (the command-line flag) wins over the plan's ``report.min_cell``;
    the settings used are recorded in ``Result.options``. ``where`` (``--where``)
    narrows the whole run to the respondents who meet it (``Result.subset``).
    ``population`` (headcounts; default: population.yaml beside the responses, if
    any) adds response rates and lets the plan's ``weights:`` calibrate.
    """
    data, the_plan, settings, headcounts = read_survey(
        responses, questionnaire, plan, encoding=encoding, delimiter=delimiter, sheet=sheet,
        min_cell=min_cell, population=population,
    )  # fmt: skip
    return finish(
        data, the_plan, settings, with_quotes=with_quotes, where=where, population=headcounts
    )


def read_survey(
    responses: Path,
    questionnaire: Path,
    plan: Path | None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    min_cell: int | None = None,
    population: Path | None = None,
) -> tuple[Responses, Plan | None, Settings, Population | None]:
    """The ingested responses, the plan, the run's settings (flag over plan) and headcounts."""
    from surveykit.files import seekable_input, stream_name
    from surveykit.ingest import read_responses
    from surveykit.plan import load_plan
    from surveykit.questionnaire import load_questionnaire
    from surveykit.settings import resolve

    note_inputs(responses, questionnaire, plan)  # before anything is read or written
    q = load_questionnaire(questionnaire)
    the_plan = load_plan(plan, q) if plan is not None else None
    settings = resolve(the_plan, min_cell=min_cell)
    headcounts = None
    population = find_population(responses, population)  # population.yaml beside, if any
    if population is not None:
        from surveykit.population import load_population

        headcounts = load_population(population, q)
    with seekable_input(responses) as readable:
        data = read_responses(readable, q, encoding=encoding, delimiter=delimiter, sheet=sheet)
    data.source = Path(stream_name(responses))
    return data, the_plan, settings, headcounts


def finish(
    data: Responses,
    the_plan: Plan | None,
    settings: Settings,
    *,
    with_quotes: bool = False,
    where: str | None = None,
    population: Population | None = None,
) -> Result:
    """Ingested responses → the frozen Result: subset, analyses, population, quotes, protection.

    Headcounts and calibration weights describe the whole population, so a subset
    (``--where``, a ``--split`` unit) is a domain: the weights are calibrated on all
    analysed respondents and its estimates use them (:mod:`surveykit.domains`).
    """
    from surveykit.analyses import analyse

    everyone = data
    subset = None
    if where is not None:
        from surveykit.subsets import check_subset_size, subset_run

        data, subset = subset_run(data, where)
        check_subset_size(subset, settings.min_cell)
    result = analyse(data, the_plan, settings)
    if subset is not None:
        # Not an exclusion: every analysed respondent is counted, the subset is stated.
        result = replace(result, analysed=subset.of, subset=subset.to_dict())
    weighted = the_plan is not None and the_plan.weights is not None
    if population is not None or weighted:
        from surveykit.weighting import apply_population

        result = apply_population(result, everyone, the_plan, population, where=where)
    if with_quotes:
        from surveykit.quotes import appendix_quotes

        result = replace(result, quotes=appendix_quotes(data))
    if settings.min_cell is not None:
        from surveykit.suppression import suppress

        result = suppress(result, settings.min_cell, symbol=settings.symbol)
    return result
