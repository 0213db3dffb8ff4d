"""surveykit report: every format from the one Result, written atomically."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from surveykit.errors import SurveyError
from surveykit.quotes import collect_quotes
from surveykit.render.csv_out import neutralise, table_csv
from surveykit.render.document import ReportTable, build_report
from surveykit.report import write_report
from surveykit.suppression import suppress
from tests.report_support import STAFF, staff_responses, staff_result

DAY = date(2025, 3, 14)


def _quoted():
    return replace(staff_result(), quotes=collect_quotes(staff_responses()))


@pytest.fixture(scope="module")
def report():
    return build_report(_quoted(), generated=DAY)


def test_tables_numbered_in_plan_order_then_tests(report) -> None:
    result = staff_result()
    assert [t.id for t in report.tables] == [t.id for t in result.tables]
    numbers = [t.number for t in report.all_tables]
    assert numbers == list(range(1, len(numbers) + 1))
    assert report.tables[0].caption == "Table 1 Respondents"
    assert [t.id for t in report.test_tables][:2] == ["tests", "test_groups"]


def test_figures_multi_likert_and_anova(report) -> None:
    kinds = {t.id: len(t.figures) for t in report.tables}
    assert kinds["table4"] == 1  # select-all → bar chart
    # The Likert matrix of both batteries → diverging bars, drawn there and not again under
    # the batteries' blocks (table2, table3).
    assert kinds["likert"] == 1
    assert kinds["table2"] == 0 and kinds["table3"] == 0
    assert kinds["table1"] == 0 and kinds["table5"] == 0
    assert len(report.test_figures) == 1  # one ANOVA
    assert [f.number for f in report.figures] == list(range(1, 4))
    assert all(f.png.startswith(b"\x89PNG") for f in report.figures)


def test_methods_from_facts(report) -> None:
    text = " ".join(report.methods)
    assert (
        "Of 246 responses received, 6 were excluded (did not consent: 2; repeated submission: 2; "
        "answered in under a minute: 1; the same answer to every statement: 1), leaving 240" in text
    )
    assert "Holm" in text and "pairwise" in text and "One-way ANOVA" in text


def test_numbers_formatted_like_the_terminal(report) -> None:
    t2 = report.tables[1]
    assert t2.rows[1][:3] == ["Strongly disagree", "6", "2.5"]
    # The ANOVA of engagement by department sits under table5, the first table with both.
    table5 = next(t for t in report.tables if t.id == "table5")
    assert any("F(4, 231) = 7.30, p < .001" in s for s in table5.tests)


def test_each_test_reported_under_one_table(report) -> None:
    # The plan's tests as sentences under one table each: 4 group tests, 2 paired tests
    # and, the run being weighted, the Rao–Scott tests of table5 and table7. The χ² tests a
    # crosstab's `test: chisq` asks for are in its own notes (table6: one per option of 7;
    # table7: one).
    sentences = [s for t in report.tables for s in t.tests]
    assert len(sentences) == len(set(sentences)) == 8
    pearson = {t.id: sum("Pearson χ²" in n for n in t.notes) for t in report.tables}
    assert {k: v for k, v in pearson.items() if v} == {"table6": 7, "table7": 1}


def test_markdown_stdout_omits_figures() -> None:
    text = write_report(staff_result(), "md", None, generated=DAY)
    assert text is not None
    assert "<!-- figures omitted" in text and "![" not in text
    assert "**Table 1**" in text and "*Respondents*" in text
    assert "Percent of respondents (n = 240); respondents could choose more than one." in text


def test_markdown_file_writes_figures_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert write_report(_quoted(), "md", out, generated=DAY) is None
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == [f"report_figures/fig{i}.png" for i in range(1, 4)]
    assert all((tmp_path / link).read_bytes().startswith(b"\x89PNG") for link in links)
    assert "## Appendix: open-ended answers" in text and "\u2014R" in text
    assert not list(tmp_path.glob(".*tmp"))  # no temp files left behind


def test_html_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    write_report(_quoted(), "html", out, generated=DAY)
    text = out.read_text(encoding="utf-8")
    assert text.count("<table") == len(build_report(staff_result(), figures=False).all_tables)
    assert text.count('src="data:image/png;base64,') == 3
    assert not re.search(r"(src|href)=\"(https?:)?//", text)
    assert "<script" not in text
    assert "Generated 14 March 2025" in text


def test_html_escapes_labels() -> None:
    result = staff_result()
    table = replace(result.tables[3], title="<b>x</b> & y")
    text = write_report(replace(result, tables=[table], tests=[]), "html", None)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in text and "<b>x</b>" not in text


def test_report_json_is_the_analyze_document(cli, tmp_path: Path) -> None:
    # docs/reports.md promises `report --format json` is exactly `analyze --format json`.
    responses = STAFF / "responses.csv"
    analyzed = cli("analyze", responses, "--format", "json")
    printed = cli("report", responses, "--format", "json")
    written = cli("report", responses, "--format", "json", "--output", tmp_path / "r.json")
    assert analyzed.code == printed.code == written.code == 0, printed.err
    assert printed.out == analyzed.out
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == analyzed.out
    doc = json.loads(analyzed.out)
    assert doc["respondents"] == {"received": 246, "excluded": 6, "analysed": 240}
    assert [t["apa"] for t in doc["tests"] if t["kind"] == "t-test"] == [
        "t(234) = 2.53, p = .012, d = 0.33 (adjusted p = .024)"  # Holm over 7 tests
    ]


def test_json_with_min_cell_is_suppressed() -> None:
    text = write_report(suppress(staff_result(), 10), "json", None)
    doc = json.loads(text)
    assert doc["options"]["min_cell"] == 10
    assert "< 10" in text


def test_tests_with_a_small_group_are_not_shown_in_any_format(tmp_path: Path) -> None:
    # Department groups of 33 and 35: at --min-cell 40 the ANOVA and Kruskal–Wallis go.
    doc = json.loads(write_report(suppress(staff_result(), 40), "json", None))
    reason = "a group has fewer than 40 respondents (small-cell suppression)"
    withheld = [t for t in doc["tests"] if t.get("error") == reason]
    assert {t["kind"] for t in withheld} == {"anova", "kruskal"}
    assert all(t["apa"] == f"not shown: {reason}" for t in withheld)
    # The others: the χ² table has counts below 40, and the outcomes of the rest have
    # withheld cells (Missing rows) that their group sizes would give back.
    others = {t["kind"]: t["error"] for t in doc["tests"] if t not in withheld}
    assert others["chi-square"].startswith("its table has counts below 40")
    assert others["t-test"].startswith("cells of Work engagement are withheld in a table")
    assert others["mann-whitney"].startswith("cells of Raise problems with manager")
    report = build_report(suppress(staff_result(), 40), figures=False)
    tests = next(t for t in report.test_tables if t.id == "tests")
    for row in tests.rows:
        if row[0] in ("One-way ANOVA", "Kruskal–Wallis test"):
            assert row[3:] == ["not shown", f"not shown: {reason}"]
    # Every test is withheld: no group statistics at all.
    assert not any(t.id == "test_groups" for t in report.test_tables)
    assert not any(t.id.startswith("posthoc_") for t in report.test_tables)
    text = write_report(suppress(staff_result(), 40), "md", None)
    assert "F(4, 231)" not in text and "H(4)" not in text
    assert f"One-way ANOVA of Work engagement by Department: not shown: {reason}." in text
    assert (
        "Tests with a group of fewer than 40 respondents, or of variables with withheld cells, "
        "are not shown" in text
    )
    html = write_report(suppress(staff_result(), 40), "html", None)
    assert f"not shown: {reason}" in html and "F(4, 231)" not in html


def test_docx_has_a_word_table_per_table_and_the_figures(tmp_path: Path) -> None:
    import docx

    out = tmp_path / "r.docx"
    write_report(_quoted(), "docx", out, generated=DAY)
    doc = docx.Document(str(out))
    expected = build_report(staff_result(), figures=False)
    assert len(doc.tables) == len(expected.all_tables)
    assert len(doc.inline_shapes) == 3
    first = doc.tables[0]
    assert first.cell(0, 1).text == "n" and first.cell(2, 0).text == "Emergency"
    assert len(doc.tables[0].rows) == len(staff_result().tables[0].rows) + 1
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Table 1" in text and "Figure 3" in text and "Of 246 responses received" in text


def test_csv_folder_one_file_per_table(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    write_report(staff_result(), "csv", out)
    files = sorted(p for p in out.iterdir() if p.name != ".surveykit-manifest.json")
    assert len(files) == len(build_report(staff_result(), figures=False).all_tables)
    assert files[0].name == "table01_table1.csv"
    rows = list(csv.reader(io.StringIO(files[0].read_text(encoding="utf-8-sig"))))
    # The staff survey is weighted (population.yaml): raked to department and role.
    assert rows[0] == [
        "",
        "n",
        "Weighted %",
        "95% CI",
        "Weighted mean",
        "Mean 95% CI",
        "Min",
        "Max",
    ]
    assert ["Emergency", "61", "22.1", "[22.1, 22.1]", "", "", "", ""] in rows
    assert not list(tmp_path.glob(".*"))  # staging folder removed


def test_csv_rerun_removes_stale_table_files_only(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    write_report(staff_result(), "csv", out)
    longer = sorted(p.name for p in out.iterdir())
    (out / "notes.csv").write_text("mine")
    (out / "table01_keep.txt").write_text("mine")
    (out / "Table99_Mine.csv").write_text("mine")
    (out / "table07_x").mkdir()
    result = staff_result()
    shorter = replace(result, tables=result.tables[:2], tests=[])
    write_report(shorter, "csv", out)
    names = sorted(p.name for p in out.iterdir())
    written = ["table01_table1.csv", "table02_table2.csv"]
    mine = ["notes.csv", "table01_keep.txt", "Table99_Mine.csv", "table07_x"]
    assert names == sorted([*written, ".surveykit-manifest.json", *mine])
    assert len(longer) > len(written)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-0.53", "-0.53"),
        ("-12", "-12"),
        ("Emergency − Surgery", "Emergency − Surgery"),
        ("< 5", "< 5"),
    ],
)
def test_csv_neutralises_formulas_but_not_negative_numbers(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_csv_table_text() -> None:
    table = ReportTable(
        number=1, id="t", title="t", columns=["", "d"], rows=[["=evil()", "-0.25"]],
        row_kinds=["data"], align=["l", "r"], kind="x",
    )  # fmt: skip
    assert table_csv(table) == ",d\r\n'=evil(),-0.25\r\n"


@pytest.mark.parametrize(
    ("fmt", "message"),
    [("docx", "--output"), ("csv", "--output"), ("pdf", "unknown report format")],
)
def test_errors(fmt: str, message: str) -> None:
    with pytest.raises(SurveyError, match=message):
        write_report(staff_result(), fmt, None)


def test_atomic_write_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.html"
    out.write_text("old")

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("surveykit.files.os.replace", boom)
    with pytest.raises(SurveyError, match="cannot write: disk full"):
        write_report(staff_result(), "html", out)
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_min_cell_reaches_every_format(tmp_path: Path) -> None:
    text = write_report(suppress(staff_result(), 10), "md", None)
    assert "< 10" in text and "Small-cell suppression" in text
    assert "Small cells: counts below 10" in text
    write_report(suppress(staff_result(), 10), "docx", tmp_path / "r.docx")
    assert (tmp_path / "r.docx").stat().st_size > 10_000


def test_written_files_are_not_private(tmp_path: Path) -> None:
    import os
    import stat

    out = tmp_path / "r.html"
    write_report(staff_result(), "html", out)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("folder", ["singapore_pss", "staff_wellbeing"])
def test_every_sample_table_is_readable_at_80_columns(folder: str) -> None:
    # The issue: an 80-column terminal cut Table 3's labels to "Prese… / curre… / years…".
    from rich.console import Console

    from surveykit.render.terminal import render_terminal
    from tests.report_support import ROOT, survey_result

    result, _ = survey_result(ROOT / "surveys" / folder)
    console = Console(width=80, record=True, markup=False, highlight=False, color_system=None)
    render_terminal(result, console)
    text = console.export_text()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    # Labels wrap: every word of every label is there, if over several lines.
    words = set(text.split())
    for table in result.tables:
        for column in table.columns:
            if column.role in ("label", "text"):
                cells = [str(r[table.columns.index(column)]) for r in table.rows]
                for word in " ".join(cells).split():
                    if len(word) <= 10:  # longer words fold over lines
                        assert word in words, (table.id, word)


def test_tests_and_crosstabs_name_items_by_label() -> None:
    from surveykit.render.document import build_report
    from tests.report_support import SINGAPORE, survey_result

    result, _ = survey_result(SINGAPORE)
    report = build_report(result, figures=False)
    table3 = next(t for t in report.tables if t.id == "table3")
    assert table3.columns[0] == "Would you accept PSS as a mental healthcare profession?"
    assert "Columns: Presence of PSS at current workplace." in table3.notes
    assert (
        "M, SD (n − 1) and range (min–max) of (1) Duration of work experience with clients "
        "with mental health conditions, in years; (2) Duration of work experience with PSS, "
        "in years."
    ) in table3.notes
    assert not any("years_experience" in n for n in table3.notes)
    titles = [d.title for d in report.test_details]
    assert titles[0] == (
        "Independent-samples t-test: Would you accept PSS as a mental healthcare profession? "
        "by Presence of PSS at current workplace"
    )
    # JSON keeps the ids where they are keys.
    assert result.tests[0].to_dict()["dv"] == "accept_pss"


def test_adjust_none_says_nothing_of_adjustment() -> None:
    from surveykit.render.document import build_report
    from tests.report_support import SINGAPORE, survey_result

    result, _ = survey_result(SINGAPORE)  # its plan: adjust: none
    assert result.options["adjust"] == "none"
    report = build_report(result, figures=False)
    text = " ".join([*report.methods, *(n for t in report.all_tables for n in t.notes)])
    assert "adjusted p" not in text and "p values were adjusted" not in text
    assert next(t for t in report.test_tables if t.id == "tests").notes == [
        "p values in APA style."
    ]
    # With Holm (the staff survey), the note names the method and the number of tests:
    # the plan's six, table7's χ² and, the run being weighted, two Rao–Scott tests;
    # table6's seven per-option χ² are adjusted among themselves.
    staff = build_report(staff_result(), figures=False)
    note = next(t for t in staff.test_tables if t.id == "tests").notes[0]
    assert note == (
        "p values in APA style; p values adjusted for 9 tests with Holm's step-down method "
        "(a select-all crosstab's tests, one per option, among themselves) are shown in "
        "parentheses."
    )
