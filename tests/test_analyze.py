"""`surveykit analyze`: descriptive tables, the JSON contract and error exits."""

from __future__ import annotations

import json

import pytest

from tests.test_ingest import ROWS

ROWS6 = [
    *ROWS,
    "2023/08/07,e@x.com,50,Yes,No,Empower clients,Unsure of exact number,",
    "2023/08/08,f@x.com,29,Yes,Yes,,4–6 PSS,",
]


def doc(cli, survey, *extra):
    run = cli("analyze", survey.csv, "--format", "json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out)


def table(document, table_id):
    return next(t for t in document["tables"] if t["id"] == table_id)


def test_json_contract(cli, make_survey) -> None:
    d = doc(cli, make_survey(ROWS6))
    assert d["survey"] == "demo"
    assert d["respondents"] == {"received": 7, "excluded": 2, "analysed": 5}
    assert d["exclusions"] == [
        {"row": 3, "line": 5, "rule": "duplicate", "reason": "repeated submission"},
        {"row": 4, "line": 6, "rule": "where", "reason": "implausible age"},
    ]
    assert [t["id"] for t in d["tables"]] == [
        "age",
        "pss_at_workplace",
        "accept_pss",
        "benefits",
        "number_of_pss",
        "benefits_why",
    ]  # fmt: skip  -- email has report: false
    for t in d["tables"]:
        assert {"id", "title", "columns", "rows", "notes"} <= set(t)
    assert d["tests"] == []


def test_single_item_percent_of_analysed(cli, make_survey) -> None:
    t = table(doc(cli, make_survey(ROWS6)), "pss_at_workplace")
    assert t["columns"] == ["", "n", "%"]
    assert t["rows"] == [["Yes", 3, 60.0], ["No", 2, 40.0]]


def test_show_if_gives_not_applicable_row(cli, make_survey) -> None:
    t = table(doc(cli, make_survey(ROWS6)), "number_of_pss")
    # Not asked of 2 of 5: Valid % is of the 3 who were asked and answered (SPSS's Valid
    # Percent), blank on the missing row.
    assert t["columns"] == ["", "n", "%", "Valid %"]
    assert t["rows"][-1] == ["Not applicable", 2, 40.0, None]
    assert t["row_kinds"][-1] == "missing"
    assert [r[:2] for r in t["rows"][:3]] == [
        ["1–3 PSS", 1],
        ["4–6 PSS", 1],
        ["Unsure of exact number", 1],
    ]
    assert t["rows"][0][2:] == [20.0, pytest.approx(100 / 3)]


def test_multi_counts_cases_sorted_others_last(cli, make_survey) -> None:
    t = table(doc(cli, make_survey(ROWS6)), "benefits")
    labels = [r[0] for r in t["rows"]]
    assert labels[-1] == "Others"
    assert t["rows"][0] == ["Provide clients with hope", 2, 40.0]
    assert ["Empower clients", 2, 40.0] in t["rows"]
    # percent of respondents (cases), not of responses: columns sum past 100 when people chose several
    assert t["percent_base"] == 5
    assert "respondents could choose more than one" in t["notes"][0]


def test_number_summary(cli, make_survey) -> None:
    t = table(doc(cli, make_survey(ROWS6)), "age")
    assert t["columns"] == ["", "n", "Mean", "SD", "Median", "Min", "Max"]
    _label, n, mean, sd, median, lo, hi = t["rows"][0]
    # ages 34, 45, 50, 29 (one blank). R 4.x: sd(c(34,45,50,29)) → 9.67815409397
    assert (n, mean, median, lo, hi) == (4, 39.5, 39.5, 29.0, 50.0)
    assert abs(sd - 9.67815409397) < 1e-9
    assert t["rows"][1] == ["Missing", 1, None, None, None, None, None]


def test_plan_block_and_crosstab(cli, make_survey) -> None:
    plan = """\
    tables:
      - id: table1
        title: Demographics of study sample
        describe: [age, pss_at_workplace]
      - id: t3
        title: Acceptance by PSS at work
        crosstab: {rows: accept_pss, columns: pss_at_workplace, summarise: age, layout: long}
      - id: t4
        title: Plain crosstab
        crosstab: {rows: accept_pss, columns: pss_at_workplace}
    """
    d = doc(cli, make_survey(ROWS6, plan=plan))
    t1 = table(d, "table1")
    assert t1["kind"] == "block" and t1["title"] == "Demographics of study sample"
    assert t1["row_kinds"][:3] == ["heading", "data", "missing"]
    assert t1["rows"][3] == [
        "Are there peer support specialists (PSS) at your workplace?",
        *[None] * 7,
    ]
    t3 = table(d, "t3")
    yes_yes = next(r for r in t3["rows"] if r[0] == "Yes" and r[1] == "Yes")
    assert yes_yes[:4] == ["Yes", "Yes", 2, 200 / 3]  # R1 (34) and R7 (29)
    assert yes_yes[5:7] == [2, 31.5]
    t4 = table(d, "t4")  # wide (the default): n and % of the column under each level
    assert t4["columns"] == [
        "Would you accept PSS as a mental healthcare profession?",
        "Yes: n", "Yes: %", "No: n", "No: %", "Total: n", "Total: %",
    ]  # fmt: skip
    assert t4["rows"][-1] == ["Total", 3, 100.0, 2, 100.0, 5, 100.0]
    assert t4["row_kinds"][-1] == "total"


def test_terminal_output(cli, make_survey) -> None:
    run = cli("analyze", make_survey(ROWS6).csv)
    assert run.code == 0
    assert "Responses received 7, excluded 2, analysed 5" in run.out
    assert "excluded row 3 (line 5): repeated submission  [duplicate]" in run.out
    assert "Reach out to clients, especially those with limited social support" in run.out


def test_errors_exit_2_without_traceback(cli, make_survey) -> None:
    survey = make_survey([*ROWS6[:1], "2023/08/07,e@x.com,40,Yes,Perhaps,,,"])
    run = cli("analyze", survey.csv)
    assert run.code == 2
    assert run.err.startswith(f"error: {survey.csv}, row 2 (line 4), column 'Would you accept")
    assert "Traceback" not in run.err
    run = cli("analyze", survey.folder / "missing.csv")
    assert run.code == 2 and "missing.csv: file not found" in run.err


def test_unknown_plan_item(cli, make_survey) -> None:
    survey = make_survey(ROWS6, plan="tables:\n  - {id: t, describe: [agee]}\n")
    run = cli("analyze", survey.csv)
    assert run.code == 2
    assert "analysis.yaml:2: 'agee' is not an item or scale id (did you mean age?)" in run.err


def test_crosstab_summarises_several_items(cli, make_survey) -> None:
    plan = """\
    tables:
      - id: t
        title: Two summaries per cell
        crosstab: {rows: accept_pss, columns: pss_at_workplace, summarise: [age, age], layout: long}
    """
    t = table(doc(cli, make_survey(ROWS6, plan=plan)), "t")
    yes_yes = [r for r in t["rows"] if r[:2] == ["Yes", "Yes"]]
    assert len(yes_yes) == 2 and all(r[4] == "What is your age?" and r[6] == 31.5 for r in yes_yes)


def test_summarise_by_column_label_checked(cli, make_survey) -> None:
    plan = """\
    tables:
      - id: t
        crosstab: {rows: accept_pss, columns: pss_at_workplace, summarise_by_column: {"Ja": age}}
    """
    run = cli("analyze", make_survey(ROWS6, plan=plan).csv)
    assert run.code == 2
    assert (
        "summarise_by_column names 'Ja', not a choice of 'pss_at_workplace' ('Yes', 'No')"
        in run.err
    )


def test_min_cell_checked_when_the_plan_is_read(cli, make_survey) -> None:
    run = cli("analyze", make_survey(ROWS6, plan='report: {min_cell: "5"}\n').csv)
    assert run.code == 2
    assert (
        "analysis.yaml:1: report.min_cell must be a whole number of at least 2, got '5'" in run.err
    )
