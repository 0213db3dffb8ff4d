"""Issue 12's item tables: Valid/Cumulative %, Likert matrices, reliability and correlation
matrices — numbers against hand counts and R, plan errors, protection and rendering."""

from __future__ import annotations

import json
import shutil
from itertools import product
from pathlib import Path

import pytest

from surveykit.suppression import suppress

FIXTURES = Path(__file__).parent / "fixtures"
STAFF = Path(__file__).parent.parent / "surveys" / "staff_wellbeing"

AGREE = "[Strongly disagree, Disagree, Neither, Agree, Strongly agree]"
LIKERT_Q = f"""\
survey: {{id: t, title: T}}
items:
  - {{id: a, text: A, label: Statement A, type: ordinal, choices: {AGREE}, missing: [Unsure]}}
  - {{id: b, text: B, label: Statement B, type: ordinal, choices: {AGREE}}}
  - {{id: c, text: C, label: Statement C, type: ordinal, choices: {AGREE}}}
  - {{id: yn, text: YN, type: single, choices: ["Yes", "No"]}}
  - {{id: other, text: O, type: ordinal, choices: [Low, Mid, High]}}
  - {{id: age, text: Age, type: number}}
"""
# a: 1 SD, 1 D, 2 N, 3 A, 1 SA, 1 Unsure, 1 blank → valid 8
# b: 0 SD, 0 D, 1 N, 4 A, 5 SA → valid 10
# c: 2 SD, 2 D, 2 N, 2 A, 2 SA → valid 10
LIKERT_ROWS = [
    "Strongly disagree,Agree,Strongly disagree,Yes,Low,30",
    "Disagree,Agree,Strongly disagree,Yes,Mid,31",
    "Neither,Agree,Disagree,No,High,40",
    "Neither,Agree,Disagree,No,Low,45",
    "Agree,Neither,Neither,Yes,Mid,50",
    "Agree,Strongly agree,Neither,No,High,52",
    "Agree,Strongly agree,Agree,Yes,Low,38",
    "Strongly agree,Strongly agree,Agree,No,Mid,29",
    "Unsure,Strongly agree,Strongly agree,Yes,High,33",
    ",Strongly agree,Strongly agree,No,Low,41",
]
HEADER = "A,B,C,YN,O,Age"


def _doc(cli, survey) -> dict:
    run = cli("analyze", survey.csv, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def _table(doc: dict, table_id: str) -> dict:
    return next(t for t in doc["tables"] if t["id"] == table_id)


# --- frequency tables: Valid % and Cumulative % -----------------------------------------


def test_valid_and_cumulative_percent_follow_spss(cli) -> None:
    # 30 respondents: 2/3/5/9/6 valid answers, 2 "I don't know", 1 "Prefer not to say", 2 blank.
    run = cli("analyze", FIXTURES / "tables" / "responses.csv", "--format", "json")
    t = _table(json.loads(run.out), "useful")
    assert t["columns"] == ["", "n", "%", "Valid %", "Cumulative %"]
    assert [r["base"] for r in t["column_roles"][2:]] == ["table", "valid", "cumulative"]
    valid = {r[0]: r[3:] for r in t["rows"]}
    # SPSS: Valid Percent of the 25 valid answers, user-missing left out of the base.
    assert valid["Strongly disagree"] == [pytest.approx(8.0), pytest.approx(8.0)]
    assert valid["Disagree"] == [pytest.approx(12.0), pytest.approx(20.0)]
    assert valid["Strongly agree"] == [pytest.approx(24.0), pytest.approx(100.0)]
    assert valid["I don't know"] == [None, None] and valid["Missing"] == [None, None]
    assert t["rows"][0][2] == pytest.approx(100 * 2 / 30)
    attended = _table(json.loads(run.out), "attended")  # single: Valid %, nothing cumulative
    assert attended["columns"] == ["", "n", "%", "Valid %"]
    assert attended["rows"][0][3] == pytest.approx(100 * 14 / 27)  # 14 of 27: 3 left it blank


def test_no_valid_percent_when_nothing_is_missing_and_no_empty_numeric_columns(
    cli, make_survey
) -> None:
    plan = "tables:\n  - {id: t, describe: [yn, other]}\n  - {id: u, describe: [yn]}\n"
    doc = _doc(cli, make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan))
    # No number item in the block: no Mean/SD columns; "other" is ordinal: Cumulative %.
    assert _table(doc, "t")["columns"] == ["", "n", "%", "Cumulative %"]
    assert _table(doc, "u")["columns"] == ["", "n", "%"]


def test_cumulative_shares_hidden_between_withheld_answers(cli, make_survey) -> None:
    from surveykit.pipeline import run_survey

    plan = "tables:\n  - {id: c, describe: [c]}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    shown = run_survey(survey.csv, survey.questionnaire, survey.folder / "analysis.yaml",
                       min_cell=3)  # fmt: skip
    t = shown.tables[0]
    # Every answer of c is 2 (< 3): all hidden, so every share is.
    assert all(row[1] == "< 3" for row in t.rows)
    assert all(v == "[c]" for row in t.rows for v in row[2:])


def test_missing_row_withheld_hides_every_valid_share(cli, make_survey) -> None:
    from surveykit.pipeline import run_survey

    plan = "tables:\n  - {id: a, describe: [a]}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    shown = run_survey(survey.csv, survey.questionnaire, survey.folder / "analysis.yaml",
                       min_cell=2)  # fmt: skip
    t = shown.tables[0]
    rows = {r[0]: r for r in t.rows}
    assert rows["Unsure"][1] == "< 2"  # one "Unsure": a user-missing row below N
    valid = t.columns.index("Valid %")
    # Shown Valid % would give the valid base, 8, and so the hidden missing rows back.
    assert all(r[valid] in ("[c]", None) for r in t.rows)


# --- Likert matrix ----------------------------------------------------------------------


def test_likert_matrix_against_hand_counts(cli, make_survey) -> None:
    plan = "tables:\n  - {id: m, title: M, likert: {items: [a, b, c], top_box: 2}}\n"
    doc = _doc(cli, make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan))
    t = _table(doc, "m")
    assert t["kind"] == "likert"
    assert t["columns"] == [
        "", "Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree", "n", "Mean",
        "SD", "Top-2 %",
    ]  # fmt: skip
    a, b, c = t["rows"]
    # a: 1, 1, 2, 3, 1 of 8 valid (Unsure and blank left out); mean (1+2+6+12+5)/8 = 3.25
    assert a[1:7] == [12.5, 12.5, 25.0, 37.5, 12.5, 8]
    assert a[7] == pytest.approx(3.25)
    # SD: squared deviations from 3.25 of 1, 2, 3, 3, 4, 4, 4, 5 add up to 11.5 → √(11.5 / 7)
    assert a[8] == pytest.approx((11.5 / 7) ** 0.5)
    assert a[9] == pytest.approx(50.0)
    assert b[1:7] == [0.0, 0.0, 10.0, 40.0, 50.0, 10] and b[9] == pytest.approx(90.0)
    assert c[1:7] == [20.0] * 5 + [10] and c[7] == pytest.approx(3.0)


def test_likert_sort_agree_orders_by_top_box(cli, make_survey) -> None:
    plan = "tables:\n  - {id: m, likert: {items: [c, a, b], top_box: 1, sort: agree}}\n"
    doc = _doc(cli, make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan))
    t = _table(doc, "m")
    # Top-1 %: b 50, c 20, a 12.5
    assert [r[0] for r in t["rows"]] == ["Statement B", "Statement C", "Statement A"]
    assert t["items"] == ["b", "c", "a"]
    assert t["columns"][-1] == "Top-1 %"


@pytest.mark.parametrize(
    ("likert", "message"),
    [
        ("{items: [a, other]}", "likert items share one answer scale, but 'a' has"),
        ("{items: [a, yn]}", "'yn' is a single item; expected ordinal"),
        ("{items: [a, b], top_box: 5}", "a whole number from 1 to 4, got 5"),
        ("{items: [a, b], sort: up}", "likert sort must be none or agree, got 'up'"),
        ("{items: [a, bb]}", "'bb' is not an item or scale id (did you mean b"),
    ],
)
def test_likert_plan_errors_name_file_and_line(cli, make_survey, likert, message) -> None:
    plan = f"tables:\n  - id: m\n    likert: {likert}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    run = cli("analyze", survey.csv)
    assert run.code == 2
    assert run.err.count("\n") == 1 and run.err.startswith("error: ")
    assert "analysis.yaml:3:" in run.err, run.err
    assert message in run.err


def test_describe_a_grid_gives_its_likert_matrix(cli, make_survey) -> None:
    questionnaire = f"""\
        choice_sets:
          agree: {AGREE}
        items:
          - {{id: g, type: grid, text: How much do you agree, choices: agree, rows: [Pay, Hours]}}
        """
    rows = ["Agree,Disagree", "Strongly agree,Agree", "Agree,"]
    header = "How much do you agree [Pay],How much do you agree [Hours]"
    plan = "tables:\n  - {id: grid, describe: [g]}\n"
    doc = _doc(cli, make_survey(rows, questionnaire=questionnaire, header=header, plan=plan))
    t = _table(doc, "grid")
    assert t["kind"] == "likert" and t["items"] == ["g_pay", "g_hours"]
    pay, hours = t["rows"]
    assert pay[0] == "Pay" and pay[4:7] == [pytest.approx(200 / 3), pytest.approx(100 / 3), 3]
    assert hours[2] == 50.0 and hours[6] == 2


@pytest.mark.parametrize("weighted", [False, True])
def test_likert_protection_leaves_no_share_recoverable(weighted: bool, tmp_path) -> None:
    """Each statement: a withheld share is never alone (its counts add up to the shown n),
    and its mean, SD (or interval) and top-box share go with it; checked by enumeration.
    Weighted, the counts are those behind the weighted % (a reader can come close to
    them from the weights), which protection works on."""
    from surveykit.pipeline import run_survey

    plan = STAFF / "analysis.yaml"
    if not weighted:
        text = plan.read_text(encoding="utf-8")
        plan = tmp_path / "analysis.yaml"
        plan.write_text(text[: text.index("weights:")], encoding="utf-8")
    for min_cell in (3, 5, 10):
        shown = run_survey(STAFF / "responses.csv", STAFF / "questionnaire.yaml",
                           plan, min_cell=min_cell)  # fmt: skip
        t = next(t for t in shown.tables if t.kind == "likert")
        assert (t.counts is not None) == weighted
        shares = [j for j, c in enumerate(t.columns) if c.base == "row"]
        n_col = t.columns.index("n")
        for i, row in enumerate(t.rows):
            hidden = [j for j in shares if not isinstance(row[j], float)]
            if not hidden:
                assert all(isinstance(v, float | list) for v in row[n_col + 1 :])
                continue
            assert all(v == "[c]" for v in row[n_col + 1 :])
            n = row[n_col]
            counts = t.counts[i] if weighted else [
                None if j not in shares else round(row[j] * n / 100) if j not in hidden else 0
                for j in range(len(row))
            ]  # fmt: skip
            shown_sum = sum(counts[j] for j in shares if j not in hidden)
            rest = n - shown_sum
            # The hidden counts add up to `rest`; a hidden count is < N or ≥ N (a reader does
            # not know which). Enumerate the solutions: every hidden cell takes ≥ 2 values.
            assert len(hidden) >= 2
            solutions = [
                combo for combo in product(range(rest + 1), repeat=len(hidden))
                if sum(combo) == rest
            ]  # fmt: skip
            for k in range(len(hidden)):
                assert len({s[k] for s in solutions}) >= 2


def test_likert_diverging_figure_drawn_from_the_matrix() -> None:
    from surveykit.pipeline import run_survey
    from surveykit.render import figures

    result = run_survey(STAFF / "responses.csv", STAFF / "questionnaire.yaml",
                        STAFF / "analysis.yaml")  # fmt: skip
    t = next(t for t in result.tables if t.kind == "likert")
    segments = figures.likert_segments(t)
    assert [s[0] for s in segments] == [r[0] for r in t.rows]
    assert segments[0][1][0] == "Strongly disagree"
    assert sum(segments[0][2]) == pytest.approx(100.0)
    assert figures.likert_diverging(t).startswith(b"\x89PNG")


# --- reliability ------------------------------------------------------------------------


def _reliability_survey(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "reliability" / "items.csv", tmp_path / "responses.csv")
    codes = "[{code: 1, label: '1'}, {code: 2, label: '2'}, {code: 3, label: '3'}, " \
            "{code: 4, label: '4'}, {code: 5, label: '5'}]"  # fmt: skip
    items = "\n".join(
        f"  - {{id: q{i}, text: q{i}, type: ordinal, choices: {codes}}}" for i in range(1, 6)
    )
    (tmp_path / "questionnaire.yaml").write_text(f"items:\n{items}\n", encoding="utf-8")
    (tmp_path / "analysis.yaml").write_text(
        "scales:\n  - {id: s, label: Scale, items: [q1, q2, q3, q4, q5]}\n"
        "tables:\n  - {id: rel, title: Reliability, reliability: s}\n",
        encoding="utf-8",
    )
    return tmp_path / "responses.csv"


def test_reliability_tables_match_psych_alpha(cli, tmp_path) -> None:
    # R: psych::alpha(complete) on tests/fixtures/reliability/items.csv (reference.R)
    ref = json.loads((FIXTURES / "reliability" / "reference.json").read_text())
    doc = json.loads(cli("analyze", _reliability_survey(tmp_path), "--format", "json").out)
    stats = _table(doc, "rel")
    assert stats["columns"] == [
        "", "n", "Items", "Cronbach's α", "95% CI", "Std. α", "Mean inter-item r",
    ]  # fmt: skip
    _label, n, k, alpha, ci, std_alpha, mean_r = stats["rows"][0]
    close = {"rel": 1e-6}
    assert (n, k) == (ref["n"][0], 5)
    assert alpha == pytest.approx(ref["raw_alpha"][0], **close)
    assert ci == pytest.approx(ref["feldt"], **close)
    assert std_alpha == pytest.approx(ref["std_alpha"][0], **close)
    assert mean_r == pytest.approx(ref["average_r"][0], **close)
    items = _table(doc, "rel_items")
    assert items["row_kinds"] == ["heading"] + ["data"] * 5
    rows = items["rows"][1:]
    assert [r[1] for r in rows] == [87] * 5
    assert [r[2] for r in rows] == pytest.approx(ref["item_mean"], **close)
    assert [r[3] for r in rows] == pytest.approx(ref["item_sd"], **close)
    assert [r[4] for r in rows] == pytest.approx(ref["r_drop"], **close)
    assert [r[5] for r in rows] == pytest.approx(ref["alpha_drop"], **close)


def test_reliability_needs_a_scale_of_the_plan(cli, make_survey) -> None:
    plan = "scales:\n  - {id: agree, items: [a, b]}\ntables:\n  - {id: r, reliability: [agre]}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    run = cli("analyze", survey.csv)
    assert run.code == 2 and "analysis.yaml:4:" in run.err
    assert "reliability names 'agre', not a scale of the plan (did you mean agree?)" in run.err


def test_reliability_statistics_withheld_below_min_cell(make_survey) -> None:
    from surveykit.pipeline import run_survey

    plan = "scales:\n  - {id: ab, items: [a, b]}\ntables:\n  - {id: r, reliability: ab}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    shown = run_survey(survey.csv, survey.questionnaire, survey.folder / "analysis.yaml",
                       min_cell=10)  # fmt: skip
    stats, items = shown.tables[:2]
    assert stats.rows[0][1] == "< 10" and all(v == "[c]" for v in stats.rows[0][3:])
    assert all(v in ("< 10", "[c]") for row in items.rows[1:] for v in row[1:] if v is not None)


# --- correlation matrix -----------------------------------------------------------------


def _correlation_survey(tmp_path: Path, method: str) -> Path:
    shutil.copy(FIXTURES / "correlation" / "data.csv", tmp_path / "responses.csv")
    items = "\n".join(f"  - {{id: {c}, text: {c}, type: number}}" for c in "abc")
    (tmp_path / "questionnaire.yaml").write_text(f"items:\n{items}\n", encoding="utf-8")
    (tmp_path / "analysis.yaml").write_text(
        f"tables:\n  - {{id: r, correlate: {{items: [a, b, c], method: {method}}}}}\n",
        encoding="utf-8",
    )
    return tmp_path / "responses.csv"


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_correlation_matrix_matches_cor_test(cli, tmp_path, method) -> None:
    # R: cor.test(x, y, method = ...) on tests/fixtures/correlation/data.csv (reference.R)
    ref = json.loads((FIXTURES / "correlation" / "reference.json").read_text())
    doc = json.loads(cli("analyze", _correlation_survey(tmp_path, method), "--format", "json").out)
    t = _table(doc, "r")
    assert t["columns"] == ["", "1", "2", "3"]
    assert [r["role"] for r in t["column_roles"][1:]] == ["correlation"] * 3
    rows = t["rows"]
    assert rows[0] == ["1. a", "—", None, None]
    cells = {"ab": rows[1][1], "ac": rows[2][1], "bc": rows[2][2]}
    for pair, cell in cells.items():
        n, r, p, *ci = ref[f"{pair}_{method}"]
        assert cell["n"] == n
        assert cell["r"] == pytest.approx(r, rel=1e-6)
        assert cell["p"] == pytest.approx(p, rel=1e-6)
        if method == "pearson":
            assert cell["ci95"] == pytest.approx(ci, rel=1e-6)
    assert "n = 46 to 47 per pair" in " ".join(t["notes"])


def test_correlation_printed_with_apa_stars(cli, tmp_path) -> None:
    run = cli("analyze", _correlation_survey(tmp_path, "pearson"))
    # r(a, b) = .614, p = 5.7e-06 → ***; r(a, c) = .104, p = .48 → no star
    assert " .61***" in run.out and " .10 " in run.out and " .18 " in run.out
    assert "* p < .05. ** p < .01. *** p < .001" in run.out


@pytest.mark.parametrize(
    ("correlate", "message"),
    [
        ("{items: [a]}", "correlate needs at least two items"),
        ("{items: [a, yn]}", "'yn' is a single item; expected number or ordinal"),
        ("{items: [a, b], method: kendall}", "method must be pearson or spearman"),
        ("{items: [a, a]}", "correlate names 'a' twice"),
    ],
)
def test_correlate_plan_errors(cli, make_survey, correlate, message) -> None:
    plan = f"tables:\n  - id: m\n    correlate: {correlate}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    run = cli("analyze", survey.csv)
    assert run.code == 2 and "analysis.yaml:3:" in run.err and message in run.err, run.err


def test_correlation_withheld_for_small_pairs(make_survey) -> None:
    from surveykit.pipeline import run_survey

    plan = "tables:\n  - {id: r, correlate: [a, age]}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    original = run_survey(survey.csv, survey.questionnaire, survey.folder / "analysis.yaml")
    assert original.tables[0].rows[1][1].n == 8
    shown = suppress(original, 10)
    assert shown.tables[0].rows[1][1] == "[c]"
    assert "n = < 10" not in " ".join(map(str, shown.tables[0].notes))
    assert "n < 10 per pair" in str(shown.tables[0].notes[0])


def test_exactly_one_table_key(cli, make_survey) -> None:
    plan = "tables:\n  - {id: m, describe: [a], likert: {items: [a, b]}}\n"
    survey = make_survey(LIKERT_ROWS, questionnaire=LIKERT_Q, header=HEADER, plan=plan)
    run = cli("analyze", survey.csv)
    assert run.code == 2 and "needs exactly one of 'describe:', 'crosstab:'" in run.err


def test_check_compares_correlation_cells_within_tolerance() -> None:
    from surveykit.check import compare_documents

    def doc(r: float) -> dict:
        cell = {"r": r, "n": 46, "p": 0.01, "ci95": [0.1, 0.2]}
        return {"tables": [{"id": "m", "columns": ["", "1"], "rows": [["2. b", cell]]}]}

    assert compare_documents(doc(0.6140950071087), doc(0.6140950071087 * (1 + 1e-12))) == []
    (diff,) = compare_documents(doc(0.61), doc(0.62))
    assert str(diff).startswith("table 'm' row #1 (2. b) column '1'.r: 0.61 → 0.62")


def test_likert_scale_hint_followed_gives_the_matrix(cli, make_survey) -> None:
    # The error says codes and labels must be equal and to use a choice set: doing so for
    # an item written with other codes makes the matrix (and its codes are the set's).
    items = """\
        survey: {id: t, title: T}
        items:
          - {id: a, text: A, type: ordinal, choices: ["No", Maybe, "Yes"]}
          - id: b
            text: B
            type: ordinal
            choices: [{code: 0, label: "No"}, {code: 1, label: Maybe}, {code: 2, label: "Yes"}]
        """
    plan = "tables:\n  - {id: m, likert: {items: [a, b], top_box: 1}}\n"
    rows = ["No,Yes", "Yes,Yes", "Maybe,No"]
    run = cli("analyze", make_survey(rows, questionnaire=items, header="A,B", plan=plan).csv)
    assert run.code == 2 and "use a choice set" in run.err
    fixed = """\
        survey: {id: t, title: T}
        choice_sets:
          three: ["No", Maybe, "Yes"]
        items:
          - {id: a, text: A, type: ordinal, choices: three}
          - {id: b, text: B, type: ordinal, choices: three}
        """
    doc = _doc(cli, make_survey(rows, questionnaire=fixed, header="A,B", plan=plan))
    a, b = _table(doc, "m")["rows"]
    assert a[1:5] == [pytest.approx(100 / 3)] * 3 + [3]  # No, Maybe, Yes once each of 3
    assert b[1:5] == [pytest.approx(100 / 3), 0.0, pytest.approx(200 / 3), 3]
    assert b[5] == pytest.approx((1 + 3 + 3) / 3)  # codes 1, 2, 3 of the set
