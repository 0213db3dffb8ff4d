"""The ``surveykit`` command: thin commands that wire files to the library.

Heavy modules (pandas, pyarrow, scipy, matplotlib, python-docx) are imported
inside commands so ``surveykit --help`` starts fast. User errors and usage errors
become one line on stderr and exit code 2, here and nowhere else.
"""

from __future__ import annotations

import os
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
        help="Questionnaire YAML.",
        show_default="questionnaire.yaml beside the CSV",
    ),
]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        "-p",
        help="Analysis plan YAML.",
        show_default="analysis.yaml beside the CSV, if any",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of the CSV, e.g. cp1252 for files saved by old Excel.",
        show_default="UTF-8, or UTF-16 by its BOM",
    ),
]

DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        help="CSV delimiter: ',' ';' or tab (also: comma, semicolon).",
        show_default="sniffed from the first rows; tab for .tsv",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet", help="Sheet of an .xlsx workbook to read.", show_default="the first sheet"
    ),
]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"surveykit {version('surveykit')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Survey questionnaires in YAML, exported responses in, SPSS-quality tables and tests out."""


def _load(
    responses: Path,
    questionnaire: Path | None,
    plan: Path | None,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
):
    from surveykit.ingest.readers import parse_delimiter
    from surveykit.pipeline import find_inputs, run_survey

    q_path, p_path = find_inputs(responses, questionnaire, plan)
    return run_survey(
        responses,
        q_path,
        p_path,
        encoding=encoding,
        delimiter=parse_delimiter(delimiter),
        sheet=sheet,
    ).result


@app.command()
def analyze(
    responses: Annotated[Path, typer.Argument(help="CSV export of the responses.")],
    questionnaire: QuestionnaireOpt = None,
    plan: PlanOpt = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="Output format: terminal or json.")
    ] = "terminal",
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Read RESPONSES, apply the questionnaire's rules and print tables and tests."""
    if format not in ("terminal", "json"):
        raise typer.BadParameter(f"must be terminal or json, got {format!r}", param_hint="--format")
    result = _load(responses, questionnaire, plan, encoding, delimiter, sheet)
    if format == "json":
        from surveykit.render.json import render_json

        sys.stdout.write(render_json(result))
        return
    from rich.console import Console

    from surveykit.render.terminal import render_terminal

    console = Console(markup=False, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped output (files, CI logs) gets room for the tables instead of 80 columns;
        # COLUMNS still sets the width, as it does on a terminal.
        console = Console(markup=False, highlight=False, width=120)
    render_terminal(result, console)


@app.command()
def report(
    responses: Annotated[
        Path,
        typer.Argument(
            help="CSV export of the responses.", show_default="responses.csv in this folder"
        ),
    ] = Path("responses.csv"),
    questionnaire: QuestionnaireOpt = None,
    plan: PlanOpt = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="Report format: md, html, docx, json or csv.")
    ] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (a folder for csv).",
            show_default="print md, html and json; docx and csv need it",
        ),
    ] = None,
    min_cell: Annotated[
        int | None,
        typer.Option(
            "--min-cell",
            min=1,
            help="Show counts below N as '< N' and hide what would give them away.",
            show_default="the plan's report.min_cell, else no suppression",
        ),
    ] = None,
    paper: Annotated[
        str, typer.Option("--paper", help="Page size of the Word report: a4 or letter.")
    ] = "a4",
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Write a publication-ready report: numbered tables, APA results, figures, quotes."""
    from surveykit.ingest.readers import parse_delimiter
    from surveykit.pipeline import find_inputs, run_survey
    from surveykit.report import write_report

    q_path, p_path = find_inputs(responses, questionnaire, plan)
    run = run_survey(
        responses,
        q_path,
        p_path,
        encoding=encoding,
        delimiter=parse_delimiter(delimiter),
        sheet=sheet,
        with_quotes=True,
    )
    if min_cell is None and run.plan is not None:
        min_cell = run.plan.min_cell
    text = write_report(
        run.result, format, output, min_cell=min_cell, quotes=run.quotes, paper=paper
    )
    if text is not None:
        sys.stdout.write(text)
    else:
        typer.echo(f"wrote {output}", err=True)


@app.command()
def validate(
    questionnaire: Annotated[Path, typer.Argument(help="Questionnaire YAML to check.")],
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            "-p",
            help="Analysis plan YAML to check against the questionnaire.",
            show_default="none: only the questionnaire is checked",
        ),
    ] = None,
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


@app.command()
def init(
    responses: Annotated[
        Path, typer.Argument(help="Export to draft from: CSV/TSV, .xlsx or SPSS .sav.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Questionnaire file to write.")
    ] = Path("questionnaire.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")] = False,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Draft a questionnaire from an export: item types, choices and scales guessed, to check."""
    from surveykit.ingest.readers import parse_delimiter
    from surveykit.init import write_draft

    draft = write_draft(
        responses,
        output,
        force=force,
        encoding=encoding,
        delimiter=parse_delimiter(delimiter),
        sheet=sheet,
    )
    typer.echo(
        f"wrote {output}: {len(draft.items)} items drafted from {responses}; "
        "check the commented guesses, then run: surveykit validate " + str(output),
        err=True,
    )


@app.command()
def check(
    surveys: Annotated[
        list[Path],
        typer.Argument(
            help="Survey folders (responses.csv, questionnaire.yaml, analysis.yaml, expected/)."
        ),
    ],
    update: Annotated[
        bool, typer.Option("--update", help="Rewrite expected/ from the current results.")
    ] = False,
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance for numbers.")] = 1e-9,
    delimiter: DelimiterOpt = None,
) -> None:
    """Re-run each survey's analysis and compare it with its expected/ files (exit 1 on change)."""
    from surveykit.check import check_survey
    from surveykit.ingest.readers import parse_delimiter

    failed = False
    for folder in surveys:
        outcome = check_survey(
            folder, update=update, rtol=rtol, delimiter=parse_delimiter(delimiter)
        )
        if outcome.updated:
            typer.echo(f"{folder}: updated {', '.join(p.name for p in outcome.updated)}")
        elif outcome.differences:
            failed = True
            typer.echo(f"{folder}: {len(outcome.differences)} difference(s) from expected/")
            for diff in outcome.differences[:50]:
                typer.echo(f"  {diff}")
            if len(outcome.differences) > 50:
                typer.echo(f"  … and {len(outcome.differences) - 50} more")
        else:
            typer.echo(
                f"{folder}: ok ({outcome.tables} tables, {outcome.tests} tests match expected/)"
            )
    if failed:
        raise typer.Exit(1)


# typer bundles its own click in recent versions and uses the click package in older
# ones; ClickException is whichever base class its BadParameter has.
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def main() -> None:
    """Console-script entry point: run the app, turning every user error into one line.

    Errors from the library (SurveyError) and usage errors from click (an unknown
    option, a missing argument, a bad value) both print ``error: …`` on stderr and
    exit 2, instead of click's multi-line box.
    """
    try:
        code = app(prog_name="surveykit", standalone_mode=False)
    except SurveyError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except _ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `surveykit`: the help is the message
            typer.echo(exc.format_message())
            sys.exit(0)
        message = " ".join(exc.format_message().split()).rstrip(".")
        command = getattr(getattr(exc, "ctx", None), "command_path", "surveykit")
        typer.echo(f"error: {message[:1].lower()}{message[1:]}; see '{command} --help'", err=True)
        sys.exit(2)
    except typer.Abort:  # end of input at a prompt
        typer.echo("error: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
