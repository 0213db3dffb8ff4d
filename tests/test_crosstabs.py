"""Wide crosstabs (spanners, %, totals, summaries, χ², expected counts and residuals) and
select-all items by group.

χ², expected counts and adjusted standardised residuals are R's (chisq.test(...)$expected,
$stdres; fisher.test), from tests/fixtures/crosstab/reference.R, compared to 6
significant digits. Counts of the small ROWS6 survey are worked out by hand in comments.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from surveykit.stats import cell_statistics, chisq_independence
from tests.report_support import SINGAPORE
from tests.test_analyze import ROWS6, doc, table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crosstab"
R = json.loads((FIXTURES / "reference.json").read_text(encoding="utf-8"))
SIX = {"rel": 5e-7, "abs": 1e-12}  # 6 significant digits


def _matrix(entry: dict, key: str) -> np.ndarray:
    return np.array(entry[key], dtype=float).reshape(entry["rows"], -1)


@pytest.mark.parametrize("name", sorted(R))
def test_chisq_expected_and_residuals_match_r(name: str) -> None:
    ref = R[name]
    observed = _matrix(ref, "observed")
    rows, cols = observed.shape
    result = chisq_independence(
        observed, [f"r{i}" for i in range(rows)], [f"c{j}" for j in range(cols)]
    )
    assert result.chi2 == pytest.approx(ref["chi2"][0], **SIX)
    assert result.df == ref["df"]
    assert result.p == pytest.approx(ref["p"][0], **SIX)
    assert result.cramers_v == pytest.approx(ref["cramers_v"][0], **SIX)
    if ref["fisher_p"] is None:
        assert result.fisher_p is None
    else:
        assert result.fisher_p == pytest.approx(ref["fisher_p"][0], **SIX)
    assert np.array(result.expected).ravel() == pytest.approx(ref["expected"], **SIX)
    assert np.array(result.adjusted_residuals).ravel() == pytest.approx(ref["stdres"], **SIX)
    cells = cell_statistics(observed)
    assert cells.expected.ravel() == pytest.approx(ref["expected"], **SIX)
    assert cells.adjusted_residuals.ravel() == pytest.approx(ref["stdres"], **SIX)


def test_cell_statistics_of_an_empty_row_are_undefined_not_an_error() -> None:
    cells = cell_statistics([[3, 4], [0, 0], [5, 1]])
    assert cells.expected[1].tolist() == [0.0, 0.0]
    assert np.isnan(cells.adjusted_residuals[1]).all()
    assert np.isfinite(cells.adjusted_residuals[[0, 2]]).all()


@pytest.fixture
def singapore(tmp_path: Path):
    """The Singapore survey in a folder of its own, with a plan written by the test."""

    def make(plan: str) -> Path:
        for name in ("questionnaire.yaml", "responses.csv"):
            shutil.copy(SINGAPORE / name, tmp_path / name)
        (tmp_path / "analysis.yaml").write_text(plan, encoding="utf-8")
        return tmp_path / "responses.csv"

    return make


CHISQ_PLAN = """\
tables:
  - id: t
    title: Acceptance by PSS at work
    crosstab:
      rows: accept_pss
      columns: pss_at_workplace
      test: chisq
      cells: [expected, residuals]
"""


def test_wide_crosstab_with_test_and_cells_matches_r(cli, singapore) -> None:
    run = cli("analyze", singapore(CHISQ_PLAN), "--format", "json")
    assert run.code == 0, run.err
    d = json.loads(run.out)
    t = table(d, "t")
    ref = R["singapore3"]  # rows No, Maybe, Yes; columns Yes, No
    observed, expected, stdres = (_matrix(ref, k) for k in ("observed", "expected", "stdres"))
    assert [r[0] for r in t["rows"]] == ["No", "Maybe", "Yes", "Total"]
    for i in range(3):
        for j, level in enumerate(("Yes", "No")):
            row = t["rows"][i]
            assert row[t["columns"].index(f"{level}: n")] == observed[i, j]
            assert row[t["columns"].index(f"{level}: Expected")] == pytest.approx(
                expected[i, j], **SIX
            )
            assert row[t["columns"].index(f"{level}: Adj. residual")] == pytest.approx(
                stdres[i, j], **SIX
            )
    roles = {c: r for c, r in zip(t["columns"], t["column_roles"], strict=True)}
    assert roles["Yes: Expected"] == {
        "role": "statistic", "of": "Yes: n", "base": "margins", "spanner": "Yes",
        "label": "Expected",
    }  # fmt: skip
    [test] = d["tests"]
    assert test["table"] == "t" and test["kind"] == "chi-square"
    assert test["chi2"] == pytest.approx(ref["chi2"][0], **SIX)
    assert test["p"] == pytest.approx(ref["p"][0], **SIX)
    assert test["adjusted_residuals"][2] == pytest.approx(stdres[2].tolist(), **SIX)
    # Printed under the table in every format: χ², then SPSS's expected-count warning.
    run = cli("analyze", singapore(CHISQ_PLAN))
    assert "Pearson χ²(2, N = 59) = 6.03, p = .049, V = .32." in run.out
    assert "2 cells (33.3%) have expected count less than 5. The minimum expected count" in run.out


def test_fisher_exact_for_two_by_two(cli, singapore) -> None:
    plan = CHISQ_PLAN.replace("accept_pss", "sex").replace(
        "cells: [expected, residuals]", "percent: row"
    )
    run = cli("analyze", singapore(plan))
    assert run.code == 0, run.err
    assert "Fisher's exact test p" in run.out


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        # accept_pss × pss_at_workplace over the five analysed ROWS6 respondents:
        # No: Yes 1, No 0; Maybe: Yes 0, No 2; Yes: Yes 2, No 0; totals Yes 3, No 2.
        ("column", {"No": [100 / 3, 0.0, 20.0], "Total": [100.0, 100.0, 100.0]}),
        ("row", {"No": [100.0, 0.0, 100.0], "Total": [60.0, 40.0, 100.0]}),
        ("total", {"No": [20.0, 0.0, 20.0], "Total": [60.0, 40.0, 100.0]}),
    ],
)
def test_percent_of_column_row_or_total(cli, make_survey, percent, expected) -> None:
    plan = f"""\
    tables:
      - id: t
        crosstab: {{rows: accept_pss, columns: pss_at_workplace, percent: {percent}}}
    """
    t = table(doc(cli, make_survey(ROWS6, plan=plan)), "t")
    rows = {r[0]: r for r in t["rows"]}
    for label, pcts in expected.items():
        shown = [rows[label][t["columns"].index(f"{c}: %")] for c in ("Yes", "No", "Total")]
        assert shown == pytest.approx(pcts)
    assert [rows["Total"][t["columns"].index(f"{c}: n")] for c in ("Yes", "No", "Total")] == [
        3,
        2,
        5,
    ]


def test_percent_none_and_no_totals(cli, make_survey) -> None:
    plan = """\
    tables:
      - id: t
        crosstab: {rows: accept_pss, columns: pss_at_workplace, percent: none, totals: false}
    """
    t = table(doc(cli, make_survey(ROWS6, plan=plan)), "t")
    assert t["columns"][1:] == ["Yes: n", "No: n"]
    assert t["rows"] == [["No", 1, 0], ["Maybe", 0, 2], ["Yes", 2, 0]]
    assert t["row_kinds"] == ["data"] * 3


def test_summaries_per_spanner_and_the_valid_n_when_some_did_not_answer(cli, make_survey) -> None:
    plan = """\
    tables:
      - id: t
        crosstab: {rows: accept_pss, columns: pss_at_workplace, summarise: age, row_order: ["Yes", "Maybe", "No"]}
    """
    t = table(doc(cli, make_survey(ROWS6, plan=plan)), "t")
    # Yes/Yes: a (34) and f (29); No/Maybe: b (45) and d (no age); Yes/No: e (50).
    assert [r[0] for r in t["rows"]] == ["Yes", "Maybe", "No", "Total"]
    rows = {r[0]: r for r in t["rows"]}
    col = t["columns"].index
    assert rows["Yes"][col("Yes: M")] == 31.5
    assert rows["Yes"][col("Yes: Range")] == [29.0, 34.0]
    # d gave no age: under "No" the valid n (1) differs from the cell's n (2).
    assert rows["Maybe"][col("No: n")] == 2 and rows["Maybe"][col("No: Valid n")] == 1
    assert rows["Maybe"][col("No: M")] == 45.0
    assert "Yes: Valid n" not in t["columns"]  # everyone under "Yes" gave an age
    assert rows["Total"][col("Total: M")] == pytest.approx((34 + 45 + 50 + 29) / 4)


def test_select_all_item_by_group(cli, make_survey) -> None:
    plan = """\
    tables:
      - id: t
        crosstab: {rows: benefits, columns: pss_at_workplace, test: chisq}
    options: {adjust: holm}
    """
    d = doc(cli, make_survey(ROWS6, plan=plan))
    t = table(d, "t")
    assert t["kind"] == "multi_crosstab"
    # Group Yes: a (hope, reach out), e (empower), f (none); group No: b (empower, other),
    # d (hope). Most chosen first (ties in questionnaire order), Others last.
    assert t["rows"] == [
        ["Respondents", 3, None, 2, None, 5, None],
        ["Provide clients with hope", 1, 100 / 3, 1, 50.0, 2, 40.0],
        ["Empower clients", 1, 100 / 3, 1, 50.0, 2, 40.0],
        ["Reach out to clients, especially those with limited social support",
         1, 100 / 3, 0, 0.0, 1, 20.0],
        ["Others", 0, 0.0, 1, 50.0, 1, 20.0],
    ]  # fmt: skip
    assert t["row_kinds"][0] == "base"
    # One 2 × k χ² per option, in the table's order, Holm-adjusted among themselves.
    tests = d["tests"]
    assert [x["option"] for x in tests] == [r[0] for r in t["rows"][1:]]
    p = sorted((x["p"], k) for k, x in enumerate(tests))
    running = 0.0
    for rank, (value, k) in enumerate(p):
        running = max(running, min(1.0, (len(p) - rank) * value))
        assert tests[k]["p_adjusted"] == pytest.approx(running)


def test_group_sizes_are_printed_in_the_spanners(cli, make_survey, tmp_path) -> None:
    plan = """\
    tables:
      - id: t
        crosstab: {rows: benefits, columns: pss_at_workplace}
    """
    survey = make_survey(ROWS6, plan=plan)
    run = cli("analyze", survey.csv)
    assert "Yes (n = 3)" in run.out and "No (n = 2)" in run.out
    # Small-cell protection hides the base of a small group like any count.
    run = cli("analyze", survey.csv, "--min-cell", "3")
    # (and the other group's, or the total would give it back)
    assert "No (n < 3)" in run.out and "Yes (n = [c])" in run.out
    out = tmp_path / "r.md"
    assert cli("report", survey.csv, "-o", out).code == 0
    assert "| Yes (n = 3): n | Yes (n = 3): % |" in out.read_text(encoding="utf-8")


def test_terminal_cuts_a_wide_table_into_panels_that_fit_80_columns() -> None:
    from rich.console import Console

    from surveykit.render.terminal import render_terminal
    from tests.report_support import survey_result

    result, _ = survey_result(SINGAPORE)
    console = Console(width=80, record=True, color_system=None)
    render_terminal(result, console)
    text = console.export_text()
    lines = text.splitlines()
    assert max(map(len, lines)) <= 80
    start = next(i for i, line in enumerate(lines) if line.startswith("Table 7 "))
    block = lines[start : start + 40]
    # One panel per column level, each under its spanner and repeating the row labels.
    spanners = [line.strip().strip("─ ") for line in block if "───" in line and "─ " in line]
    assert spanners[:3] == ["Yes", "No", "Total"]
    totals = [line.split() for line in block if line.strip().startswith(("Yes ", "Maybe ", "No "))]
    # The Total panel: Table 7's totals as the paper quotes them (Yes 38, 64.4 %; ...).
    assert [row[:3] for row in totals[-3:]] == [
        ["Yes", "38", "64.4"], ["Maybe", "18", "30.5"], ["No", "3", "5.1"],
    ]  # fmt: skip


def test_html_and_docx_span_the_column_levels(cli, singapore, tmp_path) -> None:
    import docx

    responses = singapore(CHISQ_PLAN)
    html = tmp_path / "r.html"
    assert cli("report", responses, "--format", "html", "-o", html).code == 0
    text = html.read_text(encoding="utf-8")
    assert '<th colspan="4" class="spanner">Yes</th>' in text
    assert '<th colspan="2" class="spanner">Total</th>' in text
    out = tmp_path / "r.docx"
    assert cli("report", responses, "--format", "docx", "-o", out).code == 0
    grid = docx.Document(str(out)).tables[0]
    top = [c.text for c in grid.rows[0].cells]
    assert top[1:5] == ["Yes"] * 4  # one merged cell over the level's four columns
    assert [c.text for c in grid.rows[1].cells][1:5] == ["n", "%", "Expected", "Adj. residual"]


@pytest.mark.parametrize(
    ("crosstab", "message"),
    [
        ("{rows: accept_pss, columns: pss_at_workplace, layout: sideways}",
         "layout must be wide or long, got 'sideways'"),
        ("{rows: accept_pss, columns: pss_at_workplace, percent: cells}",
         "percent must be one of column, row, total, none, got 'cells'"),
        ("{rows: accept_pss, columns: pss_at_workplace, test: fisher}",
         "test must be chisq, got 'fisher'"),
        ("{rows: accept_pss, columns: pss_at_workplace, cells: [observed]}",
         "cells lists any of expected, residuals, got ['observed']"),
        ("{rows: accept_pss, columns: pss_at_workplace, totals: yes please}",
         "totals must be true or false, got 'yes please'"),
        ('{rows: accept_pss, columns: pss_at_workplace, row_order: ["Yes", "No"]}',
         "row_order lists every choice of 'accept_pss' once"),
        # The hint, followed (quoted labels), works: see the test of summaries above.
        ("{rows: accept_pss, columns: pss_at_workplace, row_order: [Yes, Maybe, No]}",
         'YAML reads unquoted Yes/No as true/false: quote them, "Yes"'),
        ("{rows: accept_pss, columns: pss_at_workplace, layout: long, percent: row}",
         "percent, totals and cells apply to layout: wide"),
        ("{rows: benefits, columns: pss_at_workplace, summarise: age}",
         "a select-all item as rows gives n and % of each group's respondents"),
    ],
)  # fmt: skip
def test_plan_errors_name_the_line(cli, make_survey, crosstab, message) -> None:
    plan = f"tables:\n  - id: t\n    crosstab: {crosstab}\n"
    run = cli("analyze", make_survey(ROWS6, plan=plan).csv)
    assert run.code == 2
    assert run.err.startswith("error: ") and "analysis.yaml:3: table 't': " in run.err
    assert message in run.err
    assert "Traceback" not in run.err
