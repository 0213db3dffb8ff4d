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
PopulationOpt = Annotated[
    Path | None,
    typer.Option(
        "--population",
        help="Headcounts by unit (population.yaml or .csv) for response rates and weights.",
        show_default="population.yaml beside the CSV, if any",
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


MinCellOpt = Annotated[
    int | None,
    typer.Option(
        "--min-cell",
        min=1,
        help="Show counts below N as '< N' and withhold what would give them away.",
        show_default="the plan's report.min_cell, else no suppression",
    ),
]
WhereOpt = Annotated[
    str | None,
    typer.Option(
        "--where",
        help="Describe only the respondents meeting a condition, e.g. 'dept == \"Surgery\"'.",
        show_default="every analysed respondent",
    ),
]


def _load(
    responses: Path,
    questionnaire: Path | None,
    plan: Path | None,
    encoding: str | None,
    delimiter: str | None = None,
    sheet: str | None = None,
    *,
    min_cell: int | None = None,
    with_quotes: bool = False,
    output: tuple[Path, str] | None = None,
    where: str | None = None,
    population: Path | None = None,
):
    from surveykit.ingest.readers import parse_delimiter
    from surveykit.pipeline import find_inputs, find_population, run_survey

    q_path, p_path = find_inputs(responses, questionnaire, plan)
    population = find_population(responses, population)
    if output is not None:
        from surveykit.files import check_output

        check_output(*output)  # before any work: find_inputs noted the inputs
    return run_survey(
        responses,
        q_path,
        p_path,
        encoding=encoding,
        delimiter=parse_delimiter(delimiter),
        sheet=sheet,
        min_cell=min_cell,
        with_quotes=with_quotes,
        where=where,
        population=population,
    )


@app.command()
def analyze(
    responses: Annotated[
        Path, typer.Argument(help="CSV export of the responses ('-' reads standard input).")
    ],
    questionnaire: QuestionnaireOpt = None,
    plan: PlanOpt = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="Output format: terminal or json.")
    ] = "terminal",
    min_cell: MinCellOpt = None,
    where: WhereOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    population: PopulationOpt = None,
) -> None:
    """Read RESPONSES, apply the questionnaire's rules and print tables and tests."""
    if format not in ("terminal", "json"):
        raise typer.BadParameter(f"must be terminal or json, got {format!r}", param_hint="--format")
    result = _load(
        responses, questionnaire, plan, encoding, delimiter, sheet,
        min_cell=min_cell, where=where, population=population,
    )  # fmt: skip
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
    min_cell: MinCellOpt = None,
    where: WhereOpt = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Write one report per level of this item (e.g. dept) into the --output "
            "folder, with an index; units below min_cell get none.",
            show_default="one report",
        ),
    ] = None,
    paper: Annotated[
        str, typer.Option("--paper", help="Page size of the Word report: a4 or letter.")
    ] = "a4",
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    population: PopulationOpt = None,
) -> None:
    """Write a publication-ready report: numbered tables, APA results, figures, quotes."""
    from surveykit.report import write_report

    if split is not None:
        from surveykit.split import report_split

        outcome = report_split(
            responses, questionnaire, plan, split, format, output, paper=paper,
            min_cell=min_cell, where=where, encoding=encoding, delimiter=delimiter, sheet=sheet,
            population=population,
        )  # fmt: skip
        typer.echo(f"wrote {outcome.index} and {outcome.summary()}", err=True)
        return

    result = _load(
        responses, questionnaire, plan, encoding, delimiter, sheet,
        min_cell=min_cell, with_quotes=True, output=(output, format) if output else None,
        where=where,
        population=population,
    )  # fmt: skip
    text = write_report(result, format, output, paper=paper)
    if text is not None:
        sys.stdout.write(text)
    else:
        typer.echo(f"wrote {output}", err=True)


@app.command()
def compare(
    old: Annotated[Path, typer.Argument(help="Responses of the earlier wave (or first site).")],
    new: Annotated[Path, typer.Argument(help="Responses of the later wave (or second site).")],
    questionnaire: Annotated[
        Path | None,
        typer.Option(
            "--questionnaire",
            "-q",
            help="Questionnaire YAML of both waves.",
            show_default="questionnaire.yaml beside NEW, else beside OLD",
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            "-p",
            help="Analysis plan whose scales, alpha and adjust are used.",
            show_default="analysis.yaml beside NEW, if any",
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="Output: terminal, json, md, html, docx or csv."),
    ] = "terminal",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (a folder for csv).",
            show_default="print terminal, json, md and html; docx and csv need it",
        ),
    ] = None,
    min_cell: MinCellOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Compare two waves of one questionnaire: changes per item and scale, tested and adjusted."""
    from surveykit.compare import compare_files
    from surveykit.report import WAVE_FORMATS, write_wave_report

    if format not in WAVE_FORMATS:
        raise typer.BadParameter(
            f"must be one of {', '.join(WAVE_FORMATS)}, got {format!r}", param_hint="--format"
        )
    if output is not None:
        from surveykit.files import check_output

        check_output(output, format)
    result = compare_files(
        old, new, questionnaire, plan, min_cell=min_cell, encoding=encoding,
        delimiter=delimiter, sheet=sheet,
    )  # fmt: skip
    if format == "terminal":
        from surveykit.render.terminal import print_report
        from surveykit.render.waves import build_wave_report

        print_report(build_wave_report(result, figures=False), _console())
        return
    text = write_wave_report(result, format, output)
    if text is not None:
        sys.stdout.write(text)
    else:
        typer.echo(f"wrote {output}", err=True)


def _console():
    from rich.console import Console

    console = Console(markup=False, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped output (files, CI logs) gets room for the tables instead of 80 columns.
        console = Console(markup=False, highlight=False, width=120)
    return console


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
        f"wrote {output}: {draft.counted} drafted from {responses}; "
        "check the commented guesses, then run: surveykit validate " + str(output),
        err=True,
    )


@app.command()
def check(
    surveys: Annotated[
        list[Path],
        typer.Argument(
            help="Survey folders (responses.csv, questionnaire.yaml, analysis.yaml, "
            "population.yaml, expected/)."
        ),
    ],
    update: Annotated[
        bool, typer.Option("--update", help="Rewrite expected/ from the current results.")
    ] = False,
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance for numbers.")] = 1e-9,
    delimiter: DelimiterOpt = None,
    population: Annotated[
        Path | None,
        typer.Option(
            "--population",
            help="Headcounts (population.yaml or .csv) to use for every folder given.",
            show_default="population.yaml in each folder, if any",
        ),
    ] = None,
) -> None:
    """Re-run each survey's analysis and compare it with its expected/ files (exit 1 on change)."""
    from surveykit.check import check_survey
    from surveykit.ingest.readers import parse_delimiter

    failed = False
    for folder in surveys:
        outcome = check_survey(
            folder,
            update=update,
            rtol=rtol,
            delimiter=parse_delimiter(delimiter),
            population=population,
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
            typer.echo(f"{folder}: ok ({outcome.summary()} match expected/)")
    if failed:
        raise typer.Exit(1)


design_app = typer.Typer(
    help="Plan a survey before fielding: sample size, power and precision.",
    no_args_is_help=True,
)
power_app = typer.Typer(
    help="Sample size (a priori), power (post hoc) or detectable effect (sensitivity), "
    "as G*Power computes them: give two of effect, n and --power.",
    no_args_is_help=True,
)
app.add_typer(design_app, name="design")
design_app.add_typer(power_app, name="power")

AlphaOpt = Annotated[float, typer.Option("--alpha", help="Significance level.")]
PowerOpt = Annotated[
    float | None,
    typer.Option(
        "--power",
        help="Power wanted (leave out to compute it).",
        show_default="computed when left out",
    ),
]
TailsOpt = Annotated[int, typer.Option("--tails", help="Tails: 1 (one-sided) or 2 (two-sided).")]
DesignFormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Output format: terminal or json.")
]
N1Opt = Annotated[
    int | None, typer.Option("--n1", help="Size of group 1.", show_default="computed when left out")
]
N2Opt = Annotated[
    int | None, typer.Option("--n2", help="Size of group 2.", show_default="computed when left out")
]
RatioOpt = Annotated[
    float, typer.Option("--ratio", help="Allocation n2/n1 when computing the sample size.")
]
NOpt = Annotated[
    int | None,
    typer.Option(
        "--n", help="Sample size (leave out to compute it).", show_default="computed when left out"
    ),
]


def _print_design(result, format: str) -> None:
    from surveykit.render.design import design_json, power_text, precision_text

    if format not in ("terminal", "json"):
        raise typer.BadParameter(f"must be terminal or json, got {format!r}", param_hint="--format")
    if format == "json":
        sys.stdout.write(design_json(result))
    elif hasattr(result, "effect"):
        sys.stdout.write(power_text(result))
    else:
        sys.stdout.write(precision_text(result))


@power_app.command("ttest")
def power_ttest(
    d: Annotated[
        float | None, typer.Option("--d", help="Cohen's d.", show_default="computed when left out")
    ] = None,
    n1: N1Opt = None,
    n2: N2Opt = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    ratio: RatioOpt = 1.0,
    tails: TailsOpt = 2,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Independent-samples t-test (effect: Cohen's d)."""
    from surveykit.design import power as pw

    _print_design(pw.ttest(d, n1, n2, power, alpha=alpha, ratio=ratio, tails=tails), format)


@power_app.command("paired")
def power_paired(
    dz: Annotated[
        float | None,
        typer.Option(
            "--dz", help="Cohen's dz of the differences.", show_default="computed when left out"
        ),
    ] = None,
    n: Annotated[
        int | None,
        typer.Option(
            "--n", help="Pairs (leave out to compute it).", show_default="computed when left out"
        ),
    ] = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    tails: TailsOpt = 2,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Paired t-test, the same people measured twice (effect: dz)."""
    from surveykit.design import power as pw

    _print_design(pw.paired(dz, n, power, alpha=alpha, tails=tails), format)


@power_app.command("anova")
def power_anova(
    f: Annotated[
        float | None, typer.Option("--f", help="Cohen's f.", show_default="computed when left out")
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Number of groups.")] = 2,
    n: NOpt = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    format: DesignFormatOpt = "terminal",
) -> None:
    """One-way ANOVA across k groups (effect: Cohen's f; n is the total)."""
    from surveykit.design import power as pw

    _print_design(pw.anova(f, k, n, power, alpha=alpha), format)


@power_app.command("chisq")
def power_chisq(
    w: Annotated[
        float | None, typer.Option("--w", help="Cohen's w.", show_default="computed when left out")
    ] = None,
    df: Annotated[
        int, typer.Option("--df", help="Degrees of freedom, (rows − 1)(columns − 1).")
    ] = 1,
    n: NOpt = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Chi-square test of a crosstab or goodness of fit (effect: Cohen's w)."""
    from surveykit.design import power as pw

    _print_design(pw.chisq(w, df, n, power, alpha=alpha), format)


@power_app.command("proportions")
def power_proportions(
    p1: Annotated[float, typer.Option("--p1", help="Proportion in group 1.")],
    p2: Annotated[
        float | None,
        typer.Option(
            "--p2",
            help="Proportion in group 2 (leave out to compute it).",
            show_default="computed when left out",
        ),
    ] = None,
    n1: N1Opt = None,
    n2: N2Opt = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    ratio: RatioOpt = 1.0,
    tails: TailsOpt = 2,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Two independent proportions (effect: Cohen's h from p1 and p2)."""
    from surveykit.design import power as pw

    result = pw.proportions(p1, p2, n1, n2, power, alpha=alpha, ratio=ratio, tails=tails)
    _print_design(result, format)


@power_app.command("correlation")
def power_correlation(
    r: Annotated[
        float | None,
        typer.Option("--r", help="Correlation ρ under H1.", show_default="computed when left out"),
    ] = None,
    n: NOpt = None,
    power: PowerOpt = None,
    alpha: AlphaOpt = 0.05,
    tails: TailsOpt = 2,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Pearson correlation against ρ = 0 (effect: r)."""
    from surveykit.design import power as pw

    _print_design(pw.correlation(r, n, power, alpha=alpha, tails=tails), format)


@design_app.command("precision")
def design_precision(
    n: Annotated[
        int | None,
        typer.Option(
            "--n",
            help="Respondents: gives the margin of error.",
            show_default="give --n or --margin",
        ),
    ] = None,
    margin: Annotated[
        float | None,
        typer.Option(
            "--margin",
            help="Margin wanted, e.g. 0.05 for ±5 points: gives the n.",
            show_default="give --n or --margin",
        ),
    ] = None,
    population_size: Annotated[
        int | None,
        typer.Option(
            "--population-size",
            help="Population size N, for the finite population correction.",
            show_default="none (infinite)",
        ),
    ] = None,
    population: Annotated[
        str | None,
        typer.Option(
            "--population",
            help="Population file (population.yaml or .csv): N is its total headcount (a "
            "number here is deprecated: use --population-size).",
            show_default="none",
        ),
    ] = None,
    questionnaire: Annotated[
        Path | None,
        typer.Option(
            "--questionnaire",
            "-q",
            help="Questionnaire the population file's levels are checked against.",
            show_default="questionnaire.yaml beside the population file",
        ),
    ] = None,
    p: Annotated[float, typer.Option("--p", help="Expected proportion (0.5 is the widest).")] = 0.5,
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level.")] = 0.95,
    groups: Annotated[
        str | None,
        typer.Option(
            "--groups",
            help="With --margin: shares of the population, e.g. nurse=0.4,doctor=0.25; each "
            "group gets the margin on its own.",
            show_default="no groups",
        ),
    ] = None,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Margin of error of a proportion at n, or the n needed for a margin."""
    from surveykit.design import precision as pr

    if (n is None) == (margin is None):
        raise SurveyError("give either --n (to get the margin) or --margin (to get the n)")
    population_n, warnings = pr.population_size(population, population_size, questionnaire)
    for line in warnings:
        typer.echo(line, err=True)
    if n is not None:
        if groups is not None:
            raise SurveyError("--groups goes with --margin")
        result = pr.margin_of_error(n, population=population_n, p=p, confidence=confidence)
    else:
        assert margin is not None
        parsed = pr.parse_groups(groups) if groups is not None else None
        result = pr.sample_size(
            margin, population=population_n, p=p, confidence=confidence, groups=parsed
        )
    _print_design(result, format)


@design_app.command("plan")
def design_plan(
    survey: Annotated[
        Path, typer.Argument(help="Survey folder with questionnaire.yaml and analysis.yaml.")
    ],
    n: Annotated[int, typer.Option("--n", help="Respondents expected.")],
    split: Annotated[
        list[str] | None,
        typer.Option(
            "--split",
            help="Expected shares of a grouping item's choices, in choice order or as "
            "label:share, e.g. pss_at_workplace=0.45 (repeatable).",
            show_default="equal shares",
        ),
    ] = None,
    power: Annotated[float, typer.Option("--power", help="Power wanted.")] = 0.8,
    questionnaire: QuestionnaireOpt = None,
    plan: PlanOpt = None,
    format: DesignFormatOpt = "terminal",
) -> None:
    """The smallest effect each planned test can detect at the expected n."""
    from surveykit.design.sensitivity import parse_split, plan_sensitivity
    from surveykit.plan import load_plan
    from surveykit.questionnaire import load_questionnaire
    from surveykit.render.design import design_json, plan_text

    q_path = questionnaire or survey / "questionnaire.yaml"
    p_path = plan or survey / "analysis.yaml"
    for path in (q_path, p_path):
        if not path.is_file():
            raise SurveyError(f"{path} not found; name it with -q/-p or give the survey folder")
    q = load_questionnaire(q_path)
    the_plan = load_plan(p_path, q)
    splits = dict(parse_split(text, q) for text in split or [])
    result = plan_sensitivity(q, the_plan, n, splits=splits, power=power)
    if format not in ("terminal", "json"):
        raise typer.BadParameter(f"must be terminal or json, got {format!r}", param_hint="--format")
    sys.stdout.write(design_json(result) if format == "json" else plan_text(result))


@app.command()
def render(
    questionnaire: Annotated[Path, typer.Argument(help="Questionnaire YAML to lay out.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="Output format: md, html or docx.")
    ] = "html",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write; md and html print without it.",
            show_default="standard output",
        ),
    ] = None,
) -> None:
    """Print the questionnaire as respondents see it: numbered questions, boxes, skip logic."""
    from surveykit.files import write_atomic
    from surveykit.questionnaire import load_questionnaire
    from surveykit.render import form

    renderers = {
        "md": form.render_form_markdown,
        "html": form.render_form_html,
        "docx": form.render_form_docx,
    }
    if format not in renderers:
        raise typer.BadParameter(f"must be md, html or docx, got {format!r}", param_hint="--format")
    if format == "docx" and output is None:
        raise SurveyError("--format docx needs --output FILE.docx")
    if output is not None and output.resolve() == questionnaire.resolve():
        raise SurveyError("is the questionnaire itself; name another file", file=output)
    document = renderers[format](form.build_form(load_questionnaire(questionnaire)))
    if output is None:
        sys.stdout.write(document)
    else:
        write_atomic(output, document)
        typer.echo(f"wrote {output}", err=True)


export_app = typer.Typer(
    help="Write a questionnaire in another tool's format.", no_args_is_help=True
)
import_app = typer.Typer(
    help="Read a questionnaire from another tool's format.", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


@export_app.command("xlsform")
def export_xlsform(
    questionnaire: Annotated[Path, typer.Argument(help="Questionnaire YAML to export.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx XLSForm to write.")],
) -> None:
    """Write the questionnaire as an XLSForm for ODK, KoboToolbox or SurveyCTO."""
    from surveykit.design.xlsform import export_xlsform as export
    from surveykit.files import write_atomic
    from surveykit.questionnaire import load_questionnaire

    if output.resolve() == questionnaire.resolve():
        raise SurveyError("is the questionnaire itself; name another file", file=output)
    write_atomic(output, export(load_questionnaire(questionnaire)))
    typer.echo(f"wrote {output}", err=True)


@import_app.command("xlsform")
def import_xlsform(
    form: Annotated[Path, typer.Argument(help="XLSForm (.xlsx) to read.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Questionnaire YAML to write; prints without it.",
            show_default="standard output",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
) -> None:
    """Turn an XLSForm into a questionnaire (choices, skip logic, ranges)."""
    from surveykit.design.xlsform import import_xlsform as read_form
    from surveykit.files import write_atomic

    if output is not None and output.exists() and not force:
        raise SurveyError("exists already; pass --force to replace it", file=output)
    if output is not None and output.resolve() == form.resolve():
        raise SurveyError("is the XLSForm itself; name another file", file=output)
    text = read_form(form)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        typer.echo(f"wrote {output}", err=True)


code_app = typer.Typer(
    help="Open-ended answers as data: a codebook, suggested and reviewed codes, agreement.",
    no_args_is_help=True,
)
app.add_typer(code_app, name="code")
SurveyDirArg = Annotated[
    Path,
    typer.Argument(help="Survey folder: responses.csv, questionnaire.yaml, codebook.yaml."),
]


@code_app.command("suggest")
def code_suggest(
    survey: SurveyDirArg,
    coder: Annotated[
        str, typer.Option("--coder", help="Whose suggestions these are (the coding.csv coder).")
    ] = "suggest",
) -> None:
    """Add 'suggested' rows to coding.csv wherever a code's patterns match an answer."""
    from surveykit.coding import suggest_survey

    added, total = suggest_survey(survey, coder)
    typer.echo(
        f"{survey / 'coding.csv'}: {added} suggestion(s) added, {total} row(s) in all", err=True
    )


@code_app.command("agreement")
def code_agreement(
    survey: SurveyDirArg,
    coders: Annotated[
        str | None,
        typer.Option(
            "--coders", help="Two coders, e.g. anna,ben.", show_default="the sheet's two coders"
        ),
    ] = None,
    format: DesignFormatOpt = "terminal",
) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha of two coders, per code and pooled."""
    from surveykit.coding import agreement_survey
    from surveykit.render.coding import agreement_json, agreement_text

    if format not in ("terminal", "json"):
        raise typer.BadParameter(f"must be terminal or json, got {format!r}", param_hint="--format")
    names = [c.strip() for c in coders.split(",")] if coders else None
    pair, results = agreement_survey(survey, names)
    sys.stdout.write(
        agreement_json(pair, results) if format == "json" else agreement_text(pair, results)
    )


@code_app.command("review")
def code_review(
    survey: SurveyDirArg,
    coder: Annotated[
        str | None,
        typer.Option(
            "--coder",
            help="Whose suggestions to review (the coding.csv coder).",
            show_default="the one coder with suggestions",
        ),
    ] = None,
    item: Annotated[
        str | None,
        typer.Option("--item", help="Review the answers to this item only.", show_default="all"),
    ] = None,
    accept_all: Annotated[
        list[str] | None,
        typer.Option(
            "--accept-all",
            metavar="CODE",
            help="Accept every suggestion of this code without asking (repeatable).",
            show_default="none",
        ),
    ] = None,
    reject_all: Annotated[
        list[str] | None,
        typer.Option(
            "--reject-all",
            metavar="CODE",
            help="Reject every suggestion of this code without asking (repeatable).",
            show_default="none",
        ),
    ] = None,
) -> None:
    """Accept or reject suggested codes answer by answer; coding.csv is saved after each answer.

    On a terminal each key acts when pressed; from a pipe or file, keys are read line by line.
    """
    from surveykit.coding.review_session import decide_survey, run

    sheet = survey / "coding.csv"
    if accept_all or reject_all:
        name, changed, left = decide_survey(survey, coder, item, accept_all or [], reject_all or [])
        done = ", ".join(f"{n} {code} {status}" for code, status, n in changed)
        typer.echo(
            f"{sheet}: {name}'s suggestions: {done}; {left} answer(s) left to review", err=True
        )
        return
    summary = run(survey, coder, item, write=lambda text: typer.echo(text, nl=False))
    typer.echo(summary.line(sheet), err=True)
    if summary.ended == "interrupted":
        raise typer.Exit(130)


@code_app.command("export")
def code_export(
    survey: SurveyDirArg,
    qdc: Annotated[
        Path | None,
        typer.Option("--qdc", help="REFI-QDA codebook to write (.qdc).", show_default="none"),
    ] = None,
    qdpx: Annotated[
        Path | None,
        typer.Option(
            "--qdpx",
            help="REFI-QDA project to write (.qdpx): codebook, respondents, answers, codings.",
            show_default="none",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing output files.")] = False,
) -> None:
    """Write the codebook (.qdc) or the coded answers (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from surveykit.coding.exchange import export_survey

    for path in export_survey(survey, qdc, qdpx, force):
        typer.echo(f"wrote {path}", err=True)


@code_app.command("import")
def code_import(
    survey: SurveyDirArg,
    file: Annotated[
        Path, typer.Argument(help="REFI-QDA codebook (.qdc) or project (.qdpx) to read.")
    ],
    coder: Annotated[
        str,
        typer.Option("--coder", help="Coder of codings whose file names no user."),
    ] = "imported",
    force: Annotated[
        bool, typer.Option("--force", help="Replace a codebook.yaml that differs.")
    ] = False,
) -> None:
    """Read a .qdc or .qdpx into codebook.yaml, and a project's codings into coding.csv."""
    from surveykit.coding.exchange import import_survey

    result = import_survey(survey, file, coder, force)
    typer.echo(f"{survey / 'codebook.yaml'}: {result.codebook} ({result.codes} codes)", err=True)
    if result.added is not None:
        typer.echo(
            f"{survey / 'coding.csv'}: {result.added} accepted row(s) added, "
            f"{result.kept} already there (kept as they were)",
            err=True,
        )


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
