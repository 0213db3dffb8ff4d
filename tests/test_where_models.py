"""``where:`` on regressions and paired tests: the same model or test on the subset only.

Two roads to every expected value: the same plan run on a file filtered by hand
(rows of the subset, read with the csv module), and statsmodels / scipy called
directly on the values read from that file (the package's own code is not used
for them).
"""

from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest

from tests.conftest import ROOT

STAFF = ROOT / "surveys" / "staff_wellbeing"
LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
DEPT, ROLE, YEARS, SUPERVISES, ENG_1 = 6, 7, 8, 9, 11  # columns of responses.csv
BEFORE, AFTER = 24, 25

PLAN = """\
tests:
  - {regress: eng_1, on: [role, years, supervises], model: linear, where: 'dept == "Surgery"'}
  - {paired_ttest: [stress_before, stress_after], where: 'role == "Nurse"'}
  - {wilcoxon: [stress_before, stress_after], where: 'role == "Nurse"'}
"""


def _folder(tmp_path, plan: str):
    for name in ("responses.csv", "questionnaire.yaml"):
        shutil.copy(STAFF / name, tmp_path / name)
    (tmp_path / "analysis.yaml").write_text(plan, encoding="utf-8")
    return tmp_path / "responses.csv"


def _json(cli, *args):
    run = cli("analyze", *args, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def _rows(column: int, value: str, excluded: set[int]) -> tuple[list[str], list[list[str]]]:
    """The header and the analysed data rows whose ``column`` is ``value``, by hand."""
    with open(STAFF / "responses.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for i, r in enumerate(reader, 1) if i not in excluded and r[column] == value]
    return header, rows


def _excluded(cli, csv_path) -> set[int]:
    return {e["row"] for e in _json(cli, csv_path)["exclusions"]}


def test_where_on_models_equals_the_models_on_a_file_filtered_by_hand(cli, tmp_path) -> None:
    (tmp_path / "full").mkdir()
    full = _folder(tmp_path / "full", PLAN)
    excluded = _excluded(cli, full)
    on_full = _json(cli, full)["tests"]
    assert [t["where"] for t in on_full] == ['dept == "Surgery"', *['role == "Nurse"'] * 2]
    for column, value, tests in ((DEPT, "Surgery", [0]), (ROLE, "Nurse", [1, 2])):
        folder = tmp_path / value
        folder.mkdir()
        plain = PLAN.replace(f", where: 'dept == \"{value}\"'", "").replace(
            f", where: 'role == \"{value}\"'", ""
        )
        path = _folder(folder, plain)
        header, rows = _rows(column, value, excluded)
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
        on_file = _json(cli, path)["tests"]
        for i in tests:
            narrowed = dict(on_full[i])
            narrowed.pop("where")
            assert narrowed == on_file[i]


def test_where_on_a_linear_model_agrees_with_statsmodels_on_the_subset(cli, tmp_path) -> None:
    import statsmodels.api as sm

    path = _folder(tmp_path, PLAN)
    model = _json(cli, path)["tests"][0]
    _, rows = _rows(DEPT, "Surgery", _excluded(cli, path))
    complete = [r for r in rows if r[ENG_1] and r[YEARS] and r[ROLE] and r[SUPERVISES]]
    y = np.array([LIKERT.index(r[ENG_1]) + 1 for r in complete], dtype=float)
    x = np.column_stack(
        [
            [float(r[ROLE] == level) for r in complete]
            for level in ("Doctor", "Allied health", "Admin")
        ]
        + [[float(r[YEARS]) for r in complete], [float(r[SUPERVISES] == "No") for r in complete]]
    )
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    assert model["n"] == len(complete) == 54
    assert model["n_dropped"] == len(rows) - len(complete)
    assert [t["estimate"] for t in model["terms"]] == pytest.approx(list(fit.params), rel=1e-9)
    assert [t["se"] for t in model["terms"]] == pytest.approx(list(fit.bse), rel=1e-9)
    assert model["fit"]["r2"] == pytest.approx(fit.rsquared, rel=1e-9)
    assert model["fit"]["F"] == pytest.approx(fit.fvalue, rel=1e-9)


def test_where_on_paired_tests_agrees_with_scipy_on_the_subset(cli, tmp_path) -> None:
    from scipy import stats

    path = _folder(tmp_path, PLAN)
    _, paired, signed = _json(cli, path)["tests"]
    _, rows = _rows(ROLE, "Nurse", _excluded(cli, path))
    pairs = np.array([(float(r[BEFORE]), float(r[AFTER])) for r in rows if r[BEFORE] and r[AFTER]])
    t = stats.ttest_rel(pairs[:, 0], pairs[:, 1])
    assert (paired["n"], paired["n_dropped"]) == (len(pairs), len(rows) - len(pairs))
    assert paired["t"] == pytest.approx(t.statistic, rel=1e-9)
    assert paired["p"] == pytest.approx(t.pvalue, rel=1e-9)
    assert paired["mean_difference"] == pytest.approx(np.mean(pairs[:, 0] - pairs[:, 1]))
    w = stats.wilcoxon(pairs[:, 0], pairs[:, 1], zero_method="wilcox", correction=False,
                       method="approx")  # fmt: skip
    diff = pairs[:, 0] - pairs[:, 1]
    assert signed["n"] == int((diff != 0).sum())
    assert signed["p"] == pytest.approx(w.pvalue, rel=1e-9)


def test_where_on_models_is_in_the_title(cli, tmp_path) -> None:
    run = cli("analyze", _folder(tmp_path, PLAN))
    assert run.code == 0, run.err
    assert (
        "Linear regression: Look forward to work on Role, Years in post, Supervises staff, "
        'where dept == "Surgery"' in run.out
    )
    assert (
        "Paired-samples t-test: Stress before the programme and Stress after the programme, "
        'where role == "Nurse"' in run.out
    )


def test_a_model_on_a_subset_below_min_cell_is_withheld(cli, tmp_path) -> None:
    plan = (
        "tables:\n  - {id: t, describe: [role]}\n"  # no table of the pair's items to withhold
        "tests:\n  - {paired_ttest: [stress_before, stress_after], where: 'dept == \"Outpatients\"'}\n"
    )
    path = _folder(tmp_path, plan)
    n = _json(cli, path)["tests"][0]["n"]
    shown = _json(cli, path, "--min-cell", str(n))["tests"][0]
    assert shown["n"] == n and "error" not in shown, shown
    withheld = _json(cli, path, "--min-cell", str(n + 1))["tests"][0]
    assert withheld["suppressed"] is True and withheld["where"] == 'dept == "Outpatients"'
    assert "t" not in withheld


def test_a_bad_where_on_a_model_names_the_plan_line(cli, tmp_path) -> None:
    plan = "tests:\n  - {wilcoxon: [stress_before, stress_after]}\n  - {regress: eng_1, on: [years], where: 'dept == \"Surgry\"'}\n"
    run = cli("analyze", _folder(tmp_path, plan))
    assert run.code == 2
    assert run.err.startswith(
        f"error: {tmp_path / 'analysis.yaml'}:3: 'where:' 'Surgry' is not a choice"
    )
