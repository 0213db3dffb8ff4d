"""Theme tables from coded open-ended answers: counts, by group with tests, co-occurrence, quotes.

Expected values are counted by hand from the small survey below; the χ² is
n(ad − bc)² / (r1 r2 c1 c2) worked out in a comment and Fisher's p is summed
from hypergeometric probabilities with math.comb, independently of the code.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from surveykit.errors import SurveyError
from surveykit.pipeline import run_survey

QUESTIONNAIRE = """\
survey: {id: demo, title: Demo}
items:
  - {id: team, text: Team, type: single, choices: [A, B]}
  - {id: why, text: "Why?", type: text}
  - {id: other, text: Anything else, type: text}
"""
CODEBOOK = """\
themes:
  - id: staffing
    label: Staffing
    codes:
      - {id: short_staffed, label: Short-staffed, items: [why]}
      - {id: nights, label: Night shifts, items: [why, other]}
  - id: pay
    label: Pay
    subthemes:
      - id: pay_level
        label: Level of pay
        codes:
          - {id: low_pay, label: Low pay, items: [why]}
"""
# 12 respondents: 6 in A, 6 in B; R11 did not answer "why", R12 answered only "other".
ROWS = [
    ("A", "short staffed", ""),
    ("A", "short staffed, nights", ""),
    ("A", "short staffed", ""),
    ("A", "short staffed and low pay", ""),
    ("A", "pay is low; mail me at jo@example.com", ""),
    ("A", "nothing", ""),
    ("B", "low pay", ""),
    ("B", "low pay", ""),
    ("B", "nights", ""),
    ("B", "fine", ""),
    ("B", "", ""),
    ("B", "", "night shifts are hard"),
]
CODING = """\
respondent,item,code,coder,status,note
R1,why,short_staffed,ann,accepted,
R2,why,short_staffed,ann,accepted,
R2,why,nights,ann,,
R3,why,short_staffed,ann,accepted,
R4,why,short_staffed,ann,accepted,
R4,why,low_pay,ann,accepted,
R5,why,low_pay,ann,accepted,
R6,why,low_pay,ann,rejected,
R7,why,low_pay,ann,accepted,
R8,why,low_pay,bob,accepted,
R9,why,nights,ann,suggested,
R9,why,nights,bob,accepted,
R10,why,short_staffed,ann,suggested,
R11,why,low_pay,ann,accepted,
R12,other,nights,ann,accepted,
"""


def _write(folder: Path, plan: str, coding: str = CODING, rows=ROWS) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "questionnaire.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "coding.csv").write_text(coding, encoding="utf-8")
    (folder / "analysis.yaml").write_text(plan, encoding="utf-8")
    lines = ["team,why,other"] + [f'{team},"{why}","{other}"' for team, why, other in rows]
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


PLAN = """\
tables:
  - {id: themes, themes: why, quotes: 1}
  - {id: by_team, themes: why, by: team}
  - {id: all, themes: all, quotes: 0}
options: {adjust: holm}
"""


def _run(folder: Path, min_cell: int | None = None, quotes: bool = False):
    return run_survey(
        folder / "responses.csv",
        folder / "questionnaire.yaml",
        folder / "analysis.yaml",
        min_cell=min_cell,
        with_quotes=quotes,
    )


def _table(result, table_id):
    return next(t for t in result.tables if t.id == table_id)


def _rows(table):
    return {r[2] if table.kind == "themes" else r[0]: r for r in table.rows}


@pytest.fixture
def folder(tmp_path):
    return _write(tmp_path / "demo", PLAN)


def test_theme_table_counts_accepted_and_hand_added_codes_of_those_who_answered(folder):
    table = _table(_run(folder), "themes")
    assert table.kind == "themes"
    # 10 respondents answered "why" (R11 and R12 did not).
    assert table.percent_base == 10
    rows = _rows(table)
    # short_staffed: R1-R4 accepted (R10 only suggested) = 4.
    assert rows["short_staffed"][3:] == [4, 40.0]
    # low_pay: R4, R5, R7, R8 (R6 rejected; R11 did not answer "why") = 4.
    assert rows["low_pay"][3:] == [4, 40.0]
    # nights on "why": R2 (added by hand), R9 (bob accepted; ann's suggestion does not matter).
    assert rows["nights"][3:] == [2, 20.0]
    # Staffing: R1, R2, R3, R4, R9 = 5; Pay (and its subtheme): 4.
    assert rows["staffing"][3:] == [5, 50.0]
    assert rows["pay"][3:] == [4, 40.0] and rows["pay_level"][3:] == [4, 40.0]
    # Most frequent first: Staffing before Pay, and inside Staffing 4 before 2.
    assert [r[2] for r in table.rows] == [
        "staffing", "short_staffed", "nights", "pay", "pay_level", "low_pay",
    ]  # fmt: skip
    assert table.row_kinds[0] == "heading" and table.row_kinds[1] == "data"
    assert "(n = 10)" in str(table.notes[0])


def test_all_items_counts_a_respondent_once_over_items(folder):
    table = _table(_run(folder), "all")
    # 11 answered "why" or "other" (R12 only "other"); nights: R2, R9, R12.
    assert table.percent_base == 11
    assert _rows(table)["nights"][3] == 3
    assert not any(t.id == "all_quotes" for t in _run(folder).tables)  # quotes: 0


def test_by_group_counts_tests_and_holm_adjustment(folder):
    table = _table(_run(folder), "by_team")
    assert table.kind == "themes_by"
    cols = [str(c) for c in table.columns]
    assert cols == [
        "",
        "A",
        "A %",
        "B",
        "B %",
        "Total",
        "Total %",
        "Test",
        "χ²",
        "df",
        "p",
        "p adj.",
    ]
    rows = _rows(table)
    # Bases: A 6 answered "why", B 4 (R11 and R12 did not answer it).
    assert rows["Answered"][1:6] == [6, 100.0, 4, 100.0, 10]
    short = rows["Short-staffed"]
    assert short[1:7] == [4, pytest.approx(400 / 6), 0, 0.0, 4, 40.0]
    # 2 x 2 [[4, 0], [2, 4]]: expected 2.4 < 5, so Fisher's exact test. With 6 in A, 4 in B
    # and 4 coded, P(X = k in A) = C(6,k) C(4,4-k) / C(10,4); two-sided: tables no more likely.
    probs = [math.comb(6, k) * math.comb(4, 4 - k) / math.comb(10, 4) for k in range(5)]
    fisher = sum(p for p in probs if p <= probs[4] * (1 + 1e-7))
    assert short[7] == "Fisher" and short[8] is None
    assert short[10] == pytest.approx(fisher, rel=1e-9)  # = 0.0714…
    low = rows["Low pay"]
    assert low[1:6] == [2, pytest.approx(100 / 3), 2, 50.0, 4]
    p_low = sum(p for p in probs if p <= probs[2] * (1 + 1e-7))  # same margins, X = 2
    assert low[10] == pytest.approx(p_low)
    # Holm over the three codes' p values (short_staffed, nights, low_pay), by hand.
    nights = rows["Night shifts"]
    ps = {"s": short[10], "n": nights[10], "l": low[10]}
    order = sorted(ps, key=ps.get)
    holm, running = {}, 0.0
    for rank, key in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * ps[key]))
        holm[key] = running
    assert short[11] == pytest.approx(holm["s"]) and low[11] == pytest.approx(holm["l"])
    # Theme rows are counted, not tested.
    assert rows["Staffing"][7:] == ["", None, None, None, None]
    assert "Holm" in table.notes[0]


def test_chi_square_when_expected_counts_allow(tmp_path):
    # 20 respondents per team; code in 12 of A and 4 of B: [[12, 4], [8, 16]], all expected ≥ 5.
    # χ² = n (ad − bc)² / (r1 r2 c1 c2) = 40 (12·16 − 4·8)² / (16 · 24 · 20 · 20) = 6.6667.
    rows = [("A", "x", "")] * 20 + [("B", "x", "")] * 20
    coding = "respondent,item,code,coder,status,note\n" + "".join(
        f"R{i},why,short_staffed,ann,accepted,\n" for i in [*range(1, 13), *range(21, 25)]
    )
    folder = _write(tmp_path / "big", "tables:\n  - {themes: why, by: team}\n", coding, rows)
    row = _rows(_table(_run(folder), "table1"))["Short-staffed"]
    assert row[7] == "χ²" and row[9] == 1
    assert row[8] == pytest.approx(40 * (12 * 16 - 4 * 8) ** 2 / (16 * 24 * 20 * 20))
    assert row[10] == pytest.approx(math.erfc(math.sqrt(row[8] / 2)))  # χ²(1) tail


def test_cooccurrence_matrix(folder):
    table = _table(_run(folder), "themes_cooccurrence")
    labels = [r[0] for r in table.rows]
    assert labels == ["1 Short-staffed", "2 Night shifts", "3 Low pay"]  # the theme table's order
    # Short-staffed & nights: R2; short-staffed & low pay: R4; nights & low pay: none.
    assert table.rows[0][1:] == [4, None, None]
    assert table.rows[1][1:] == [1, 2, None]
    assert table.rows[2][1:] == [1, 0, 4]


def test_exemplar_quotes_are_redacted_and_tagged(folder):
    table = _table(_run(folder), "themes_quotes")
    rows = {r[0]: r for r in table.rows}
    # Pay: candidates R4, R5, R7, R8; one code each; the shortest answer first: "low pay"
    # (R7 and R8 gave it, listed once with both ids).
    assert rows["Pay"][1:] == [4, "low pay", "R7, R8", "why"]
    # R2's "short staffed, nights" carries both Staffing codes, so it leads.
    assert rows["Staffing"][2:4] == ["short staffed, nights", "R2"]
    table2 = _table(_run(_write(folder, PLAN.replace("quotes: 1", "quotes: 3"))), "themes_quotes")
    staffing = [r[2:4] for r in table2.rows if r[0] == "Staffing"]
    # Then the shortest first: "nights" (R9), then "short staffed" (R1 and R3, listed once).
    assert staffing == [
        ["short staffed, nights", "R2"],
        ["nights", "R9"],
        ["short staffed", "R1, R3"],
    ]
    pay = [r[2] for r in table2.rows if r[0] == "Pay"]
    assert "pay is low; mail me at [e-mail removed]" in pay


def test_small_cells_are_withheld_with_their_tests_and_quotes(folder):
    result = _run(folder, min_cell=3)
    by = _rows(_table(result, "by_team"))
    # Short-staffed: B has 0 (< 3), so A's 4 is withheld too (row total 4 is public).
    assert by["Short-staffed"][1] == "[c]" and by["Short-staffed"][3] == "< 3"
    assert by["Short-staffed"][7:] == ["[c]"] * 5  # the test would give the counts back
    themes = _rows(_table(result, "themes"))
    assert themes["nights"][3:] == ["< 3", "[c]"]
    quotes = _table(result, "themes_quotes")
    assert all(r[2] != "[c]" for r in quotes.rows)  # both themes have n ≥ 3
    hidden = _table(_run(folder, min_cell=5), "themes_quotes")
    assert hidden.rows == [
        ["Staffing", 5, *hidden.rows[0][2:]],
        ["Pay", "< 5", "[c]", "[c]", "[c]"],
    ]
    # The answers' own appendix is not withheld because a code's count is.
    appendix = _run(folder, min_cell=3, quotes=True).quotes
    assert [b.item for b in appendix if not b.withheld] == ["why"]


def test_every_format_shows_the_theme_tables(folder, tmp_path):
    from surveykit.report import write_report

    result = _run(folder, quotes=True)
    md = write_report(result, "md", None)
    assert "Themes of the open-ended answers (why)" in md and "| Short-staffed |" not in md
    assert "\u2003Short-staffed" in md  # codes indented under their theme
    html = write_report(result, "html", None)
    assert 'class="l indent">Short-staffed' in html
    doc = json.loads(write_report(result, "json", None))
    kinds = [t["kind"] for t in doc["tables"]]
    assert kinds == [
        "themes",
        "cooccurrence",
        "theme_quotes",
        "themes_by",
        "themes",
        "cooccurrence",
    ]
    by = next(t for t in doc["tables"] if t["kind"] == "themes_by")
    assert by["column_roles"][1] == {"role": "count"}
    assert by["column_roles"][2] == {"role": "percent", "of": "A", "base": "column"}
    assert by["column_roles"][10] == {"role": "p"}
    write_report(result, "csv", tmp_path / "csv")
    assert any("Short-staffed" in p.read_text() for p in (tmp_path / "csv").glob("*.csv"))
    write_report(result, "docx", tmp_path / "r.docx")
    assert (tmp_path / "r.docx").stat().st_size > 0


def test_plan_errors_name_the_line(tmp_path):
    folder = _write(tmp_path / "a", "tables:\n  - {themes: team}\n")
    with pytest.raises(SurveyError, match="'team' is a single item; expected text") as e:
        _run(folder)
    assert e.value.line == 2
    folder = _write(tmp_path / "b", "tables:\n  - {themes: why, by: other}\n")
    with pytest.raises(SurveyError, match="expected single or ordinal"):
        _run(folder)
    folder = _write(tmp_path / "c", "tables:\n  - {themes: why, quotes: -1}\n")
    with pytest.raises(SurveyError, match="'quotes' is how many answers"):
        _run(folder)
    folder = _write(tmp_path / "d", "tables:\n  - {themes: why, colour: red}\n")
    with pytest.raises(SurveyError, match="colour"):
        _run(folder)


def test_a_themes_table_without_a_codebook_is_one_error(tmp_path, cli):
    folder = _write(tmp_path / "e", "# plan\ntables:\n  - {themes: why}\n")
    (folder / "codebook.yaml").unlink()
    result = cli("analyze", folder / "responses.csv")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"error: {folder / 'analysis.yaml'}:3: a 'themes:' table needs codebook.yaml "
        "beside the questionnaire"
    ]


def test_report_has_a_themes_section_with_a_theme_map(folder, tmp_path):
    from surveykit.render.document import build_report
    from surveykit.report import write_report

    result = _run(folder, quotes=True)
    report = build_report(result)
    assert [t.kind for t in report.theme_tables] == [
        "themes", "cooccurrence", "theme_quotes", "themes_by", "themes", "cooccurrence",
    ]  # fmt: skip
    assert report.tables == []  # the plan has only theme tables
    figure = report.theme_tables[0].figures[0]
    assert figure.caption == "Theme map: Themes of the open-ended answers (why)"
    assert figure.png.startswith(b"\x89PNG")
    md = write_report(result, "md", None)
    assert md.index("## Themes") < md.index("Themes of the open-ended answers (why)")
    assert "<h2>Themes</h2>" in write_report(result, "html", None)
    write_report(result, "md", tmp_path / "r.md")
    assert (tmp_path / "r_figures" / "fig1.png").read_bytes() == figure.png


def test_theme_map_draws_every_level_with_its_count(folder):
    from surveykit.render.figures import theme_map_figure

    table = _table(_run(folder, min_cell=3), "themes")
    fig = theme_map_figure(table)
    texts = [t.get_text() for t in fig.axes[0].texts]
    # Themes, the subtheme and codes, each with its n; a withheld count as it is shown.
    assert texts == [
        "Staffing (n = 5)", "Short-staffed (n = 4)", "Night shifts (n < 3)",
        "Pay (n = 4)", "Level of pay (n = 4)", "Low pay (n = 4)",
    ]  # fmt: skip
    # Codes in the third column when there are subthemes; the subtheme in the second.
    xs = {t.get_text(): t.get_position()[0] for t in fig.axes[0].texts}
    assert xs["Staffing (n = 5)"] < xs["Level of pay (n = 4)"] < xs["Low pay (n = 4)"]
    assert xs["Short-staffed (n = 4)"] == xs["Low pay (n = 4)"]


CODE_PLAN = """\
tables:
  - {id: low, describe: [code:low_pay]}
  - {id: cross, crosstab: {rows: code:low_pay, columns: team}}
tests:
  - {chisq: code:low_pay, by: team}
  - {ttest: code:short_staffed, by: team}
"""


def test_codes_are_0_1_variables_in_tables_and_tests(tmp_path):
    folder = _write(tmp_path / "codes", CODE_PLAN)
    result = _run(folder)
    low = _table(result, "low")
    # low_pay on "why": Yes R4, R5, R7, R8; No: the 6 others who answered "why";
    # missing: R11 (blank "why" — its accepted row does not count) and R12.
    assert [r[:2] for r in low.rows] == [["No", 6], ["Yes", 4], ["Missing", 2]]
    cross = _table(result, "cross")  # wide: a spanner per team, and a Total
    counts = [cross.columns.index(f"{s}: n") for s in ("A", "B", "Total")]
    assert [[r[0], *(r[j] for j in counts)] for r in cross.rows] == [
        ["No", 4, 2, 6], ["Yes", 2, 2, 4], ["Total", 6, 4, 10]
    ]  # fmt: skip
    chisq, ttest = result.tests
    assert chisq.stats["observed"] == [[4.0, 2.0], [2.0, 2.0]]
    # short_staffed: A has it 4 of 6 (mean 2/3), B 0 of 4: a t-test on 0/1 compares proportions.
    groups = {g["label"]: g for g in ttest.stats["groups"]}
    assert groups["A"]["n"] == 6 and groups["A"]["mean"] == pytest.approx(4 / 6)
    assert groups["B"]["n"] == 4 and groups["B"]["mean"] == 0.0


def test_a_code_name_not_in_the_codebook_is_a_plan_error(tmp_path):
    folder = _write(tmp_path / "bad", "tables:\n  - {describe: [code:low_pey]}\n")
    with pytest.raises(SurveyError, match="did you mean code:low_pay") as e:
        _run(folder)
    assert e.value.line == 2
    folder = _write(tmp_path / "none", "tables:\n  - {describe: [code:low_pay]}\n")
    (folder / "codebook.yaml").unlink()
    with pytest.raises(SurveyError, match=r"no codebook\.yaml beside the questionnaire") as e:
        _run(folder)
    assert e.value.line == 2
