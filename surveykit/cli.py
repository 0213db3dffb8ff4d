"""The ``surveykit`` command: thin commands that wire files to the library.

Heavy modules (pandas, scipy, statsmodels) are imported inside commands so
``surveykit --help`` starts fast. User errors become one line on stderr and
exit code 2, here and nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from surveykit.errors import SurveyError

app = typer.Typer(
    help="Survey questionnaires in YAML, exported responses in, SPSS-quality tables and tests out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

QuestionnaireOpt = Annotated[
    Path | None,
    typer.Option(
        "--questionnaire",
        "-q",
        help="Questionnaire YAML [default: questionnaire.yaml beside the CSV].",
    ),
]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan", "-p", help="Analysis plan YAML [default: analysis.yaml beside the CSV, if any]."
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="Text encoding of the CSV [default: UTF-8, or UTF-16 by BOM]."),
]


def _load(responses: Path, questionnaire: Path | None, plan: Path | None, encoding: str | None):
    from surveykit.analyses import analyse
    from surveykit.ingest import read_responses
    from surveykit.plan import load_plan
    from surveykit.questionnaire import load_questionnaire

    folder = responses.parent
    q_path = questionnaire or folder / "questionnaire.yaml"
    if questionnaire is None and not q_path.exists():
        raise SurveyError(
            f"no questionnaire.yaml beside {responses}; pass one with -q/--questionnaire",
            file=responses,
        )
    q = load_questionnaire(q_path)
    p_path = plan or (folder / "analysis.yaml")
    the_plan = load_plan(p_path, q) if plan is not None or p_path.exists() else None
    data = read_responses(responses, q, encoding=encoding)
    return analyse(data, the_plan)


@app.command()
def analyze(
    responses: Annotated[Path, typer.Argument(help="CSV export of the responses.")],
    questionnaire: QuestionnaireOpt = None,
    plan: PlanOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="terminal or json.")] = "terminal",
    encoding: EncodingOpt = None,
) -> None:
    """Read RESPONSES, apply the questionnaire's rules and print tables and tests."""
    if format not in ("terminal", "json"):
        raise typer.BadParameter(f"must be terminal or json, got {format!r}", param_hint="--format")
    result = _load(responses, questionnaire, plan, encoding)
    if format == "json":
        from surveykit.render.json import render_json

        sys.stdout.write(render_json(result))
        return
    from rich.console import Console

    from surveykit.render.terminal import render_terminal

    render_terminal(result, Console(markup=False, highlight=False))


@app.command()
def validate(
    questionnaire: Annotated[Path, typer.Argument(help="Questionnaire YAML to check.")],
    plan: PlanOpt = None,
) -> None:
    """Check a questionnaire (and optionally a plan) without any responses."""
    from surveykit.plan import load_plan
    from surveykit.questionnaire import load_questionnaire

    q = load_questionnaire(questionnaire)
    message = f"{questionnaire}: ok, {len(q.items)} items, {len(q.exclude)} exclusion rule(s)"
    if plan is not None:
        p = load_plan(plan, q)
        message += f"; {plan}: ok, {len(p.tables)} tables, {len(p.tests)} tests"
    typer.echo(message)


def main() -> None:
    """Console-script entry point: run the app, turning user errors into messages."""
    try:
        app()
    except SurveyError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
