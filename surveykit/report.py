"""``surveykit report``: one table of renderers, one writer.

The document model is :mod:`surveykit.render.document`; each format's renderer
lays it out, and every file goes through :func:`surveykit.files.write_atomic`
(CSV through its folder writer). JSON is the ``analyze --format json`` document
of the same Result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from surveykit.errors import SurveyError
from surveykit.files import write_atomic
from surveykit.result import Result
from surveykit.waves import WaveComparison


def _json(result: Result, output: Path | None, generated: date | None, paper: str) -> str | bytes:
    from surveykit.render.json import render_json

    return render_json(result)


def _markdown(
    result: Result, output: Path | None, generated: date | None, paper: str
) -> str | bytes:
    from surveykit.render.document import build_report
    from surveykit.render.markdown import render_markdown, write_markdown

    # Figures are drawn only where they can be shown: not when Markdown goes to stdout.
    report = build_report(result, generated=generated, figures=output is not None)
    if output is None:
        return render_markdown(report, figure_dir=None)
    write_markdown(report, output)
    return b""


def _html(result: Result, output: Path | None, generated: date | None, paper: str) -> str | bytes:
    from surveykit.render.document import build_report
    from surveykit.render.html import render_html

    return render_html(build_report(result, generated=generated))


def _docx(result: Result, output: Path | None, generated: date | None, paper: str) -> str | bytes:
    from surveykit.render.document import build_report
    from surveykit.render.docx import render_docx

    return render_docx(build_report(result, generated=generated), paper=paper)


def _csv(result: Result, output: Path | None, generated: date | None, paper: str) -> str | bytes:
    from surveykit.render.csv_out import write_csv_folder
    from surveykit.render.document import build_report

    assert output is not None
    write_csv_folder(build_report(result, generated=generated, figures=False), output)
    return b""


# format → (renderer, what it writes when it needs --output, or None for text formats).
# A renderer returns text or bytes for write_atomic; b"" means it wrote its own files
# (Markdown's figures folder, the CSV folder) through the same atomic writer.
RENDERERS: dict[
    str, tuple[Callable[[Result, Path | None, date | None, str], str | bytes], str | None]
] = {
    "md": (_markdown, None),
    "html": (_html, None),
    "docx": (_docx, "a Word document"),
    "json": (_json, None),
    "csv": (_csv, "a folder of CSV files"),
}
FORMATS = tuple(RENDERERS)
PAPERS = ("a4", "letter")  # the Word report's page sizes


def write_report(
    result: Result,
    fmt: str,
    output: Path | None,
    *,
    generated: date | None = None,
    paper: str = "a4",
) -> str | None:
    """Render ``result`` as ``fmt`` (md, html, docx, json, csv).

    With ``output`` the report is written there (csv: a folder of CSV files)
    atomically and None is returned; without it, text formats are returned as
    a string; ``paper`` (a4 or letter) is the Word report's page size. The Result is rendered as it is: small-cell protection and quotes
    were applied by the pipeline (:func:`surveykit.pipeline.run_survey`).
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in RENDERERS:
        raise SurveyError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if paper not in PAPERS:
        raise SurveyError(f"unknown paper size {paper!r}; choose one of {', '.join(PAPERS)}")
    render, needs_output = RENDERERS[fmt]
    if output is None and needs_output:
        raise SurveyError(f"--format {fmt} writes {needs_output}; give --output PATH")
    data = render(result, output, generated, paper)
    if output is None:
        assert isinstance(data, str)
        return data
    if data != b"":
        write_atomic(output, data)
    return None


WAVE_FORMATS = ("terminal", "json", "md", "html", "docx", "csv")


def write_wave_report(
    comparison: WaveComparison,
    fmt: str,
    output: Path | None,
    *,
    generated: date | None = None,
    paper: str = "a4",
) -> str | None:
    """Render a wave comparison (``surveykit compare``) as ``fmt``, like :func:`write_report`.

    ``terminal`` is returned as text for the console; JSON is ``WaveComparison.to_dict``.
    """
    import json

    from surveykit.render.waves import build_wave_report

    fmt = fmt.lower().lstrip(".")
    if fmt not in WAVE_FORMATS:
        raise SurveyError(f"unknown format {fmt!r}; choose one of {', '.join(WAVE_FORMATS)}")
    if paper not in PAPERS:
        raise SurveyError(f"unknown paper size {paper!r}; choose one of {', '.join(PAPERS)}")
    needs = {"docx": "a Word document", "csv": "a folder of CSV files"}.get(fmt)
    if output is None and needs:
        raise SurveyError(f"--format {fmt} writes {needs}; give --output PATH")
    if fmt == "terminal" and output is not None:
        raise SurveyError("--format terminal prints; choose md, html, docx, json or csv for a file")
    data: str | bytes
    if fmt == "json":
        data = json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        from surveykit.render.csv_out import write_csv_folder

        assert output is not None
        write_csv_folder(build_wave_report(comparison, generated=generated, figures=False), output)
        return None
    elif fmt == "md":
        from surveykit.render.markdown import render_markdown, write_markdown

        report = build_wave_report(comparison, generated=generated, figures=output is not None)
        if output is None:
            return render_markdown(report, figure_dir=None)
        write_markdown(report, output)
        return None
    elif fmt == "html":
        from surveykit.render.html import render_html

        data = render_html(build_wave_report(comparison, generated=generated))
    elif fmt == "docx":
        from surveykit.render.docx import render_docx

        data = render_docx(build_wave_report(comparison, generated=generated), paper=paper)
    else:
        return None  # terminal: the CLI prints the document with rich
    if output is None:
        assert isinstance(data, str)
        return data
    write_atomic(output, data)
    return None
