"""Subsets: a plan's ``where:`` on tables, scales and tests, and ``--where`` for a whole run.

Every expected count comes from another road through the data: a subset's
frequencies must equal the matching column of the full run's crosstab, a test
with ``where:`` must equal the same test run on a ``--where`` subset.
"""

from __future__ import annotations

import json
import shutil

from tests.conftest import ROOT

STAFF = ROOT / "surveys" / "staff_wellbeing"


def _copy(tmp_path, plan: str | None = None):
    for name in ("responses.csv", "questionnaire.yaml", "analysis.yaml"):
        shutil.copy(STAFF / name, tmp_path / name)
    if plan is not None:
        (tmp_path / "analysis.yaml").write_text(plan, encoding="utf-8")
    return tmp_path / "responses.csv"


def _json(cli, *args):
    run = cli("analyze", *args, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def _table(doc, table_id):
    return next(t for t in doc["tables"] if t["id"] == table_id)


def test_where_run_counts_match_the_full_runs_crosstab(cli) -> None:
    full = _json(cli, STAFF / "responses.csv")
    sub = _json(cli, STAFF / "responses.csv", "--where", 'dept == "Surgery"')
    # Role by department, full run (wide: a spanner per department): the Surgery
    # spanner's n, per role (the Total row left out).
    cross = _table(full, "table5")
    n = cross["columns"].index("Surgery: n")
    surgery = {
        r[0]: r[n] for r, kind in zip(cross["rows"], cross["row_kinds"], strict=True)
        if kind == "data"
    }  # fmt: skip
    block = _table(sub, "table1")
    rows = block["rows"]
    start = next(i for i, r in enumerate(rows) if r[0] == "Role")
    roles = {r[0]: r[1] for r in rows[start + 1 : start + 5]}
    assert roles == surgery
    dept_full = {r[0]: r[1] for r in _table(full, "table1")["rows"][1:6]}
    assert sub["respondents"] == {
        "received": 246,
        "excluded": 6,
        "analysed": 240,
        "subset": {"where": 'dept == "Surgery"', "n": dept_full["Surgery"], "of": 240},
    }
    r = sub["respondents"]
    assert r["received"] == r["excluded"] + r["analysed"]


def test_where_run_is_named_in_the_methods_and_the_respondents_line(cli) -> None:
    survey = ROOT / "surveys" / "singapore_pss" / "responses.csv"
    run = cli("report", survey, "--where", 'sex == "Female"')
    assert run.code == 0, run.err
    assert (
        'This report describes only the respondents where sex == "Female": 47 of the 59 '
        "analysed. The others were not excluded; they are outside this subset." in run.out
    )
    term = cli("analyze", survey, "--where", 'sex == "Female"')
    assert (
        'Responses received 62, excluded 3, analysed 59; subset where sex == "Female": 47 of 59'
        in term.out
    )


def test_plan_where_on_a_test_equals_the_test_on_a_where_run(cli, tmp_path) -> None:
    plain = "tests:\n  - {ttest: eng_1, by: supervises}\n"
    narrowed = "tests:\n  - {ttest: eng_1, by: supervises, where: 'role == \"Nurse\"'}\n"
    csv = _copy(tmp_path, plain)
    on_run = _json(cli, csv, "--where", 'role == "Nurse"')["tests"][0]
    (tmp_path / "analysis.yaml").write_text(narrowed, encoding="utf-8")
    on_test = _json(cli, csv)["tests"][0]
    assert on_test.pop("where") == 'role == "Nurse"'
    assert on_test == on_run
    text = cli("analyze", csv).out
    assert (
        'Independent-samples t-test: Look forward to work by Supervises staff, where role == "Nurse"'
        in text
    )


def test_plan_where_on_a_table_and_a_scale(cli, tmp_path) -> None:
    plan = """\
tables:
  - {id: t, title: Roles, describe: [role], where: 'dept in ["Surgery", "Medicine"]'}
scales:
  - {id: engage, label: Engagement, items: [eng_1, eng_2, eng_3], where: 'role != "Admin"'}
"""
    csv = _copy(tmp_path, plan)
    doc = _json(cli, csv)
    t = _table(doc, "t")
    assert t["title"] == 'Roles, where dept in ["Surgery", "Medicine"]'
    assert t["where"] == 'dept in ["Surgery", "Medicine"]'
    # Role by department, full run (wide): the Surgery and Medicine spanners' n, per role.
    full = _json(cli, STAFF / "responses.csv")
    cross = _table(full, "table5")
    spanners = [cross["columns"].index(f"{d}: n") for d in ("Surgery", "Medicine")]
    expected = {
        row[0]: sum(row[j] for j in spanners)
        for row, kind in zip(cross["rows"], cross["row_kinds"], strict=True)
        if kind == "data"
    }
    assert len(expected) == 4
    assert {r[0]: r[1] for r in t["rows"] if r[0] in expected} == expected
    # The scale scored only where role != "Admin" has the n of the same scale on that subset.
    (tmp_path / "analysis.yaml").write_text(
        plan.replace(", where: 'role != \"Admin\"'", ""), encoding="utf-8"
    )
    scale_n = _table(doc, "scales")["rows"][0][2]
    other = _json(cli, csv, "--where", 'role != "Admin"')
    assert scale_n == _table(other, "scales")["rows"][0][2]
    assert 'Scored only where role != "Admin".' in " ".join(_table(doc, "scales")["notes"])


ITEM_TABLES = """\
tables:
  - {id: agree, title: Agreement, likert: {items: [eng_1, eng_2], top_box: 2}}
  - {id: safety, title: Safety, describe: [safety]}
  - {id: alpha, title: Reliability, reliability: [engagement]}
  - {id: r, title: Correlations, correlate: {items: [engagement, years]}}
scales:
  - {id: engagement, label: Engagement, items: [eng_1, eng_2, eng_3, eng_4]}
"""


def test_plan_where_on_likert_reliability_and_correlate_equals_a_where_run(cli, tmp_path) -> None:
    where = 'role == "Nurse"'
    csv = _copy(tmp_path, ITEM_TABLES)
    on_run = _json(cli, csv, "--where", where)
    narrowed = ITEM_TABLES.replace(
        "}}\n  - {id: safety", f"}}, where: '{where}'}}\n  - {{id: safety"
    )
    narrowed = narrowed.replace("[safety]}", f"[safety], where: '{where}'}}")
    narrowed = narrowed.replace("[engagement]}", f"[engagement], where: '{where}'}}")
    narrowed = narrowed.replace("years]}}", f"years]}}, where: '{where}'}}")
    assert narrowed.count("where:") == 4
    (tmp_path / "analysis.yaml").write_text(narrowed, encoding="utf-8")
    on_tables = _json(cli, csv)
    ids = ["agree", "safety", "alpha", "alpha_items", "r"]
    assert [t["id"] for t in on_tables["tables"] if t["id"] != "scales"] == ids
    for table_id in ids:
        run_table, table = _table(on_run, table_id), _table(on_tables, table_id)
        assert table.pop("where") == where
        title = table.pop("title")
        assert title.endswith(f", where {where}") and title.startswith(run_table.pop("title"))
        run_table.pop("where", None)
        assert table == run_table, table_id
    # The subset is the nurses: fewer respondents than the whole survey's matrix.
    full = _table(_json(cli, _copy(tmp_path, ITEM_TABLES)), "agree")
    n = full["columns"].index("n")
    assert 0 < _table(on_tables, "agree")["rows"][0][n] < full["rows"][0][n]


def test_bad_where_in_the_plan_names_the_file_and_line(cli, tmp_path) -> None:
    csv = _copy(tmp_path, "tests:\n  - {ttest: eng_1, by: supervises, where: 'role =='}\n")
    run = cli("analyze", csv)
    assert run.code == 2
    assert run.err.startswith(f"error: {tmp_path / 'analysis.yaml'}:2: 'where:' cannot parse")
    assert len(run.err.strip().splitlines()) == 1
    (tmp_path / "analysis.yaml").write_text(
        "tables:\n  - {id: t, describe: [role], where: 'dept == \"Surgry\"'}\n", encoding="utf-8"
    )
    run = cli("analyze", csv)
    assert run.code == 2
    assert run.err == (
        f"error: {tmp_path / 'analysis.yaml'}:2: 'where:' 'Surgry' is not a choice of 'dept'; "
        "choices are 'Emergency', 'Surgery', 'Medicine', 'Mental Health', 'Outpatients'\n"
    )


def test_bad_where_option_names_the_option(cli) -> None:
    run = cli("analyze", STAFF / "responses.csv", "--where", "dpt == 'x'")
    assert run.code == 2
    assert run.err == (
        "error: --where: condition \"dpt == 'x'\" names 'dpt', which is not an item id "
        "(did you mean dept?)\n"
    )
    run = cli("report", STAFF / "responses.csv", "--where", "dept ==")
    assert (run.code, run.err) == (
        2,
        "error: --where: cannot parse condition 'dept ==': invalid syntax\n",
    )


def test_a_where_subset_below_min_cell_is_refused(cli) -> None:
    where = 'role == "Admin" and dept == "Surgery"'
    full = _json(cli, STAFF / "responses.csv", "--where", where)
    n = full["respondents"]["subset"]["n"]
    run = cli("analyze", STAFF / "responses.csv", "--where", where, "--min-cell", str(n + 1))
    assert run.code == 2
    assert f"fewer than {n + 1} respondents meet" in run.err
    # At exactly min_cell the subset is reported, its tables protected against the subset's total.
    ok = _json(cli, STAFF / "responses.csv", "--where", where, "--min-cell", str(n))
    assert ok["respondents"]["subset"]["n"] == n


def test_a_where_subset_of_a_weighted_survey_is_a_weighted_domain(cli) -> None:
    """Raked weights describe all staff: a subgroup keeps them (R: subset(design, …)).

    The numbers themselves are checked against R in tests/test_domains.py.
    """
    run = cli(
        "analyze", ROOT / "surveys/staff_wellbeing/responses.csv", "--format", "json",
        "--where", 'dept == "Surgery"',
    )  # fmt: skip
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert any("keep the weights calibrated on all 240 analysed" in n for n in doc["notes"])
    table1 = next(t for t in doc["tables"] if t["id"] == "table1")
    assert "Weighted %" in table1["columns"]
    assert doc["options"]["weights"]["domain"] == 'dept == "Surgery"'
    # The unit's own response rate: its respondents over its headcount (350 in population.yaml).
    rates = next(t for t in doc["tables"] if t["id"] == "response_rates")
    assert rates["rows"][0][:3] == ["Department: Surgery", 58, 350]
    weights = next(t for t in doc["tables"] if t["id"] == "weights")
    assert weights["rows"][0][1] == 58
