"""``surveykit init`` drafts ``Question [Row]`` columns that share a response scale as one
grid; the draft, run through ``analyze`` unchanged, counts each row as counted by hand."""

from __future__ import annotations

import json
from pathlib import Path

from surveykit.questionnaire import load_questionnaire

GENRES = ["Classical", "Country", "Hip hop", "Jazz", "Pop", "Rock", "Metal", "Folk", "Blues",
          "Reggae", "Soul", "Punk", "Electronic", "Gospel", "Latin", "K-pop"]  # fmt: skip
# Three respondents; respondent 2 said Always to everything, 1 and 3 Never, except the
# first three genres.
ANSWERS = [
    ["Never", "Rarely", "Often"] + ["Never"] * 13,
    ["Often", "Rarely", "Often"] + ["Always"] * 13,
    ["Often", "Sometimes", "Never"] + ["Never"] * 13,
]


def _draft(cli, tmp_path: Path, csv: str) -> str:
    (tmp_path / "responses.csv").write_text(csv, encoding="utf-8")
    run = cli("init", tmp_path / "responses.csv", "-o", tmp_path / "questionnaire.yaml")
    assert run.code == 0, run.err
    return (tmp_path / "questionnaire.yaml").read_text(encoding="utf-8")


def _tables(cli, tmp_path: Path) -> dict:
    run = cli("analyze", tmp_path / "responses.csv", "--format", "json")
    assert run.code == 0, run.err
    return {t["id"]: {r[0]: r[1] for r in t["rows"]} for t in json.loads(run.out)["tables"]}


def test_sixteen_row_google_grid_is_one_grid_of_at_most_25_lines(tmp_path, cli) -> None:
    headers = ",".join(f"How often do you listen to [{g}]" for g in GENRES)
    rows = [f"3/{13 + i}/2024 10:45:04," + ",".join(a) for i, a in enumerate(ANSWERS)]
    text = _draft(cli, tmp_path, f"Timestamp,{headers}\n" + "\n".join(rows) + "\n")
    grid = text[text.index("  - id: often_listen") :]
    assert len(grid.strip().splitlines()) <= 25
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.grids["often_listen"][:3] == (
        "often_listen_classical",
        "often_listen_country",
        "often_listen_hip_hop",
    )
    # The frequency scale's five points, Rarely and Always though few chose them.
    assert q.item("often_listen_jazz").labels == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    tables = _tables(cli, tmp_path)
    # Hand counts from ANSWERS.
    assert tables["often_listen_classical"] == {
        "Never": 1, "Rarely": 0, "Sometimes": 0, "Often": 2, "Always": 0,
    }  # fmt: skip
    assert tables["often_listen_country"] == {
        "Never": 0, "Rarely": 2, "Sometimes": 1, "Often": 0, "Always": 0,
    }  # fmt: skip
    assert tables["often_listen_hip_hop"]["Often"] == 2
    for genre in ["jazz", "pop", "k_pop", "latin"]:
        assert tables[f"often_listen_{genre}"] == {
            "Never": 2, "Rarely": 0, "Sometimes": 0, "Often": 0, "Always": 1,
        }, genre  # fmt: skip


def test_statements_are_numbered_and_dont_know_is_missing(tmp_path, cli) -> None:
    csv = (
        "Thinking about your work [I look forward to coming to work.],"
        "Thinking about your work [I often think about leaving this job.]\n"
        "Agree,Disagree\nStrongly agree,Don't know\nAgree,Strongly disagree\n"
    )
    text = _draft(cli, tmp_path, csv)
    assert '      - {id: 1, text: "I look forward to coming to work."}' in text
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.grids["thinking_about_work"] == ("thinking_about_work_1", "thinking_about_work_2")
    assert [m.label for m in q.item("thinking_about_work_2").missing] == ["Don't know"]
    tables = _tables(cli, tmp_path)
    assert tables["thinking_about_work_1"]["Agree"] == 2
    assert tables["thinking_about_work_2"]["Strongly disagree"] == 1
    assert tables["thinking_about_work_2"]["Don't know"] == 1


def test_rows_of_no_shared_scale_are_items_of_their_own(tmp_path, cli) -> None:
    csv = (
        "Which shifts on [Monday],Which shifts on [Tuesday]\n"
        "Early;Night,Late\nNight,Early;Late\nEarly,Night\nLate;Night,Early\n"
    )
    _draft(cli, tmp_path, csv)
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert not q.grids
    assert [i.text for i in q.items] == ["Which shifts on [Monday]", "Which shifts on [Tuesday]"]


def test_a_scale_several_items_share_is_a_choice_set(tmp_path, cli) -> None:
    csv = (
        "Work [Pay],Work [Hours],Would you recommend us?,How often do you work late?\n"
        "Agree,Disagree,Agree,Never\nStrongly agree,Agree,Disagree,Often\n"
        "Disagree,Neither agree nor disagree,Neither agree nor disagree,Sometimes\n"
    )
    text = _draft(cli, tmp_path, csv)
    assert (
        'choice_sets:  # answer scales that several items share\n  agreement5: ["Strongly '
        'disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]\n'
    ) in text
    assert text.count("choices: agreement5") == 2  # the grid and the single question
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.item("work_pay").labels == q.item("would_recommend_us").labels
    tables = _tables(cli, tmp_path)
    assert tables["work_pay"]["Agree"] == 1 and tables["work_hours"]["Agree"] == 1
    assert tables["work_hours"]["Neither agree nor disagree"] == 1
    assert tables["would_recommend_us"]["Neither agree nor disagree"] == 1


def test_qualtrics_matrix_with_a_deleted_statement_is_a_grid_found_by_its_texts(
    tmp_path, cli
) -> None:
    # Q7_2 was deleted in Qualtrics: Q7_1, Q7_3 are not 1, 2, so no column: Q7 (whose
    # Q7_2 would be the second row); the rows find their columns by "Question - Row".
    csv = (
        "ResponseId,Q7_1,Q7_3\n"
        "Response ID,My team - Supports me,My team - Listens\n"
        "\"{'ImportId': '_recordId'}\",\"{'ImportId': 'QID7_1'}\",\"{'ImportId': 'QID7_3'}\"\n"
        "R_1,Agree,Disagree\nR_2,Strongly agree,Agree\nR_3,Agree,Neither agree nor disagree\n"
        "R_4,Disagree,Strongly disagree\n"
    )
    text = _draft(cli, tmp_path, csv)
    assert "type: grid" in text and "column:" not in text.split("type: grid")[1].split("rows:")[0]
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.grids == {"my_team": ("my_team_supports_me", "my_team_listens")}
    tables = _tables(cli, tmp_path)
    listens = tables["my_team_listens"]
    assert (listens["Strongly disagree"], listens["Disagree"], listens["Agree"]) == (1, 1, 1)
    assert listens["Strongly agree"] == 0


def test_init_counts_items_as_validate_does(tmp_path, cli) -> None:
    import re

    staff = Path(__file__).resolve().parents[1] / "surveys" / "staff_wellbeing" / "responses.csv"
    out = tmp_path / "q.yaml"
    run = cli("init", staff, "-o", out)
    assert run.code == 0, run.err
    drafted = re.search(r": (\d+) items \((\d+) of them rows of (\d+) grids\) drafted", run.err)
    assert drafted is not None, run.err
    checked = cli("validate", out)
    assert checked.code == 0
    validated = re.search(r"ok, (\d+) items", checked.out + checked.err)
    assert validated is not None
    q = load_questionnaire(out)
    rows = sum(len(r) for r in q.grids.values())
    assert drafted.groups() == (validated.group(1), str(rows), str(len(q.grids)))
    assert int(validated.group(1)) == len(q.items)
