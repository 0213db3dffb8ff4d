"""Choice sets and grid questions: expanded to ordinary items, rows found in each export's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surveykit.cli import app
from surveykit.errors import SurveyError
from surveykit.questionnaire import load_questionnaire

GENRES = ["Classical", "Country", "Hip hop", "Jazz", "Pop", "Rock", "Metal", "Folk",
          "Blues", "Reggae", "Soul", "Punk", "Electronic", "Gospel", "Latin", "K-pop"]  # fmt: skip
FREQ = ["Never", "Rarely", "Sometimes", "Often", "Always"]

# 9 lines for a 16-row Google Forms frequency grid (the limit is 25).
GRID = """\
choice_sets:
  freq5: [Never, Rarely, Sometimes, Often, Always]
items:
  - id: freq
    type: grid
    text: How often do you listen to
    choices: freq5
    rows: [Classical, Country, Hip hop, Jazz, Pop, Rock, Metal, Folk, Blues, Reggae, Soul, Punk, Electronic, Gospel, Latin, K-pop]
"""


def _analyze(folder: Path, yaml: str, csv: str) -> dict:
    (folder / "questionnaire.yaml").write_text(yaml, encoding="utf-8")
    (folder / "responses.csv").write_text(csv, encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(folder / "responses.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _counts(doc: dict, item: str) -> dict[str, int]:
    table = next(t for t in doc["tables"] if t["items"] == [item])
    return {row[0]: row[1] for row in table["rows"] if row[0] in FREQ or row[0] in ("A", "B", "C")}


ANSWERS = [
    ["Never", "Rarely", "Often"] + ["Never"] * 13,
    ["Often", "Rarely", "Often"] + ["Always"] * 13,
    ["Often", "Sometimes", "Never"] + ["Never"] * 13,
]


def test_sixteen_row_google_grid_in_nine_lines(tmp_path):
    assert len(GRID.strip().splitlines()) <= 25
    headers = ",".join(f"How often do you listen to [{g}]" for g in GENRES)
    rows = "\n".join(",".join(a) for a in ANSWERS)
    doc = _analyze(
        tmp_path,
        GRID,
        f"Timestamp,{headers}\n" + "\n".join(f"t,{r}" for r in rows.split("\n")) + "\n",
    )
    # Hand counts: Classical Never 1, Often 2; Country Rarely 2, Sometimes 1; Hip hop Often 2, Never 1.
    assert _counts(doc, "freq_classical") == {
        "Never": 1,
        "Rarely": 0,
        "Sometimes": 0,
        "Often": 2,
        "Always": 0,
    }
    assert (
        _counts(doc, "freq_country")["Rarely"] == 2
        and _counts(doc, "freq_country")["Sometimes"] == 1
    )
    assert _counts(doc, "freq_hip_hop")["Often"] == 2
    # Jazz to K-pop: respondents 1 and 3 said Never, respondent 2 Always.
    for genre in ["jazz", "pop", "rock", "metal", "folk", "blues", "reggae", "soul", "punk",
                  "electronic", "gospel", "latin"]:  # fmt: skip
        assert _counts(doc, f"freq_{genre}") == {
            "Never": 2, "Rarely": 0, "Sometimes": 0, "Often": 0, "Always": 1,
        }, genre  # fmt: skip
    assert _counts(doc, "freq_k_pop") == {
        "Never": 2,
        "Rarely": 0,
        "Sometimes": 0,
        "Often": 0,
        "Always": 1,
    }
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.grids["freq"][:3] == ("freq_classical", "freq_country", "freq_hip_hop")
    assert q.item("freq_jazz").type == "ordinal" and q.item("freq_jazz").label == "Jazz"
    assert [c.code for c in q.item("freq_jazz").choices] == [1, 2, 3, 4, 5]


SMALL = """\
items:
  - id: q5
    type: grid
    text: Rate
    column: Q5
    choices: [A, B, C]
    rows: [{id: speed, label: Speed}, Price]
"""


@pytest.mark.parametrize(
    ("shape", "csv"),
    [
        ("Microsoft/Google Forms", "Rate [Speed],Rate [Price]\nA,B\nC,B\n"),
        (
            "Qualtrics ids",
            'Q5_1,Q5_2\nRate - Speed,Rate - Price\n{"ImportId":"QID5_1"},{"ImportId":"QID5_2"}\nA,B\nC,B\n',
        ),
        ("LimeSurvey codes", "q5[SQ001],q5[SQ002]\nA,B\nC,B\n"),
        ("LimeSurvey row ids", "q5[speed],q5[price]\nA,B\nC,B\n"),
        ("Kobo", "q5/speed,q5/price\nA,B\nC,B\n"),
        # SurveyMonkey: the question over its first column, the row labels in row 2.
        ("SurveyMonkey", "Respondent ID,Rate,\n,Speed,Price\n1,A,B\n2,C,B\n"),
        (
            "SurveyMonkey with a one-column question",
            "Respondent ID,Rate,,Team\n,Speed,Price,Response\n1,A,B,Ward\n2,C,B,Ward\n",
        ),
    ],
)
def test_rows_found_in_each_export_shape(tmp_path, shape, csv):
    doc = _analyze(tmp_path, SMALL, csv)
    assert _counts(doc, "q5_speed") == {"A": 1, "B": 0, "C": 1}, shape
    assert _counts(doc, "q5_price") == {"A": 0, "B": 2, "C": 0}, shape


def test_checkbox_grid_and_inherited_show_if(tmp_path):
    yaml = """\
items:
  - {id: works, type: single, choices: ["Yes", "No"]}
  - id: days
    type: grid
    multi: true
    text: Which shifts on
    choices: [Early, Late, Night]
    rows: [Monday, Tuesday]
    show_if: works == "Yes"
"""
    csv = (
        "works,Which shifts on [Monday],Which shifts on [Tuesday]\n"
        "Yes,Early;Night,Late\nNo,,\nYes,Night,\n"
    )
    doc = _analyze(tmp_path, yaml, csv)
    table = next(t for t in doc["tables"] if t["items"] == ["days_monday"])
    counts = {row[0]: row[1] for row in table["rows"]}
    assert (counts["Early"], counts["Late"], counts["Night"]) == (1, 0, 2)
    assert counts["Not applicable"] == 1
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.item("days_tuesday").type == "multi" and q.item("days_tuesday").show_if is not None


def test_plan_describes_a_grid_by_its_id(tmp_path):
    (tmp_path / "analysis.yaml").write_text(
        "tables:\n  - {id: t, title: Rates, describe: [q5]}\n", encoding="utf-8"
    )
    doc = _analyze(tmp_path, SMALL, "Rate [Speed],Rate [Price]\nA,B\n")
    assert doc["tables"][0]["items"] == ["q5_speed", "q5_price"]


def test_a_scale_may_not_take_a_grid_id(tmp_path):
    # describe: [q5] would silently mean the grid's rows, not the scale.
    (tmp_path / "questionnaire.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "analysis.yaml").write_text(
        "scales:\n  - {id: q5, label: Rating, items: [q5_speed, q5_price]}\n", encoding="utf-8"
    )
    from surveykit.plan import load_plan

    with pytest.raises(SurveyError, match="scale id 'q5' is already a grid id") as info:
        load_plan(tmp_path / "analysis.yaml", load_questionnaire(tmp_path / "questionnaire.yaml"))
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("yaml", "message", "line"),
    [
        (
            "items:\n  - {id: a, type: single, choices: agree5}\n",
            "choices 'agree5' is not a choice set",
            2,
        ),
        (
            "choice_sets:\n  yn: [Yes, No]\nitems:\n  - {id: a, type: single, choices: yn}\n",
            "needs a label",
            2,
        ),
        (
            "choice_sets:\n  s: [A, A]\nitems:\n  - {id: a, type: single, choices: s}\n",
            "appears twice",
            2,
        ),
        (
            "items:\n  - {id: g, type: grid, text: T, choices: [A], rows: [Pay, pay]}\n",
            "rows 1 and 2 both have the id 'pay'",
            2,
        ),
        (
            "items:\n  - {id: g, type: grid, text: T, choices: [A]}\n",
            "'rows' must list the statements",
            2,
        ),
        (
            "items:\n  - {id: g, type: grid, text: T, choices: [A], rows: [X], colour: red}\n",
            "colour",
            2,
        ),
    ],
)
def test_errors_point_at_the_line(tmp_path, yaml, message, line):
    path = tmp_path / "q.yaml"
    path.write_text(yaml, encoding="utf-8")
    with pytest.raises(SurveyError, match=message) as info:
        load_questionnaire(path)
    assert info.value.line == line


def test_row_text_is_the_header_and_label_names_it_in_tables(tmp_path):
    yaml = """\
items:
  - id: eng
    type: grid
    text: How much do you agree?
    choices: [Disagree, Agree]
    rows:
      - {id: 1, text: "I look forward to coming to work.", label: Look forward to work}
      - {id: 2, text: "I feel energised by my work."}
"""
    csv = (
        "How much do you agree? [I look forward to coming to work.],"
        "How much do you agree? [I feel energised by my work.]\n"
        "Agree,Disagree\nAgree,Agree\n"
    )
    doc = _analyze(tmp_path, yaml, csv)
    one = next(t for t in doc["tables"] if t["items"] == ["eng_1"])
    assert one["title"] == "Look forward to work"
    assert {r[0]: r[1] for r in one["rows"]} == {"Disagree": 0, "Agree": 2}
    two = next(t for t in doc["tables"] if t["items"] == ["eng_2"])
    assert two["title"] == "I feel energised by my work."
    assert {r[0]: r[1] for r in two["rows"]} == {"Disagree": 1, "Agree": 1}


CLASH_GRID = "  - {{id: {id}, type: grid, text: T, choices: [A, B], rows: [{rows}]}}\n"
CLASH_ITEM = "  - {{id: {id}, text: T, type: single, choices: [A, B]}}\n"


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (  # a grid id that is an item's id
            CLASH_ITEM.format(id="work") + CLASH_GRID.format(id="work", rows="Pay"),
            "item 'work' (line 2) and grid 'work' (line 3) have the same id",
        ),
        (  # a row's <grid>_<row> id that is an item's id
            CLASH_ITEM.format(id="work_pay") + CLASH_GRID.format(id="work", rows="Pay"),
            "duplicate item id 'work_pay': item 'work_pay' (line 2) and row 'Pay' of grid "
            "'work' (line 3)",
        ),
        (  # two grids with one id
            CLASH_GRID.format(id="work", rows="Pay") + CLASH_GRID.format(id="work", rows="Rest"),
            "duplicate grid id 'work' (first defined on line 2)",
        ),
        (  # rows of two grids with one generated id: a + b_c and a_b + c
            CLASH_GRID.format(id="a", rows="{id: b_c, label: X}")
            + CLASH_GRID.format(id="a_b", rows="{id: c, label: Y}"),
            "duplicate item id 'a_b_c': row 'X' of grid 'a' (line 2) and row 'Y' of grid "
            "'a_b' (line 3)",
        ),
        (  # a grid id that is another grid's row id
            CLASH_GRID.format(id="a", rows="{id: b, label: X}")
            + CLASH_GRID.format(id="a_b", rows="Y"),
            "row 'X' of grid 'a' (line 2) and grid 'a_b' (line 3) have the same id",
        ),
    ],
)
def test_id_clashes_name_both_lines(tmp_path, items, message):
    path = tmp_path / "q.yaml"
    path.write_text("items:\n" + items, encoding="utf-8")
    with pytest.raises(SurveyError) as info:
        load_questionnaire(path)
    assert message in info.value.message
    assert info.value.line == 3  # the second of the two
    assert info.value.file == str(path)


def test_a_straightline_rule_takes_a_grid_id_for_its_rows(tmp_path):
    (tmp_path / "q.yaml").write_text(
        "items:\n"
        "  - {id: g, type: grid, text: T, choices: [A, B], rows: [X, Y]}\n"
        "  - {id: h, type: grid, text: U, choices: [A, B], rows: [Z]}\n"
        "exclude:\n"
        "  - {rule: straightline, items: [g, h], min_items: 2}\n",
        encoding="utf-8",
    )
    rule = load_questionnaire(tmp_path / "q.yaml").exclude[0]
    assert rule.items == ("g_x", "g_y", "h_z") and rule.min_items == 2


def test_a_scale_takes_a_grid_id_for_its_rows(tmp_path):
    from surveykit.plan import load_plan

    (tmp_path / "questionnaire.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "analysis.yaml").write_text(
        "scales:\n  - {id: rating, items: [q5], reverse: [q5_price]}\n", encoding="utf-8"
    )
    plan = load_plan(
        tmp_path / "analysis.yaml", load_questionnaire(tmp_path / "questionnaire.yaml")
    )
    scale = next(s for s in plan.scales if s.id == "rating")
    assert tuple(scale.items) == ("q5_speed", "q5_price")
    assert tuple(scale.reverse) == ("q5_price",)
