"""Files in, Result out: the one sequence every command runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from surveykit.errors import SurveyError
from surveykit.result import Result

if TYPE_CHECKING:
    from surveykit.plan import Plan


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


def note_inputs(responses: Path, questionnaire: Path, plan: Path | None) -> None:
    """Tell the writers these are the run's inputs, so no output of the run replaces them."""
    from surveykit.files import note_input

    note_input(responses, "the responses file")
    note_input(questionnaire, "the questionnaire")
    note_input(plan, "the analysis plan")


@dataclass(frozen=True)
class SurveyRun:
    """What one run produced: the result, open-ended quotes (if asked for) and the plan."""

    result: Result
    quotes: Any = None
    plan: Plan | None = None


def run_survey(
    responses: Path,
    questionnaire: Path,
    plan: Path | None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    with_quotes: bool = False,
) -> SurveyRun:
    """Load, ingest and analyse; with ``with_quotes``, also collect open-ended answers."""
    from surveykit.analyses import analyse
    from surveykit.files import seekable_input, stream_name
    from surveykit.ingest import read_responses
    from surveykit.plan import load_plan
    from surveykit.questionnaire import load_questionnaire

    note_inputs(responses, questionnaire, plan)  # before anything is read or written
    q = load_questionnaire(questionnaire)
    the_plan = load_plan(plan, q) if plan is not None else None
    with seekable_input(responses) as readable:
        data = read_responses(readable, q, encoding=encoding, delimiter=delimiter, sheet=sheet)
    data.source = Path(stream_name(responses))
    result = analyse(data, the_plan)
    quotes = None
    if with_quotes:
        from surveykit.quotes import appendix_quotes

        quotes = appendix_quotes(data)
    return SurveyRun(result=result, quotes=quotes, plan=the_plan)
