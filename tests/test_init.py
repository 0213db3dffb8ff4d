"""``surveykit init``: drafts that validate, and that count like the hand-written questionnaires."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from surveykit.ingest.columns import match_columns
from surveykit.ingest.readers import read_responses_table
from surveykit.init import _match_multi, _match_scale, draft_questionnaire, render
from surveykit.questionnaire import load_questionnaire

ROOT = Path(__file__).resolve().parent.parent


def analyze(cli, folder: Path) -> dict:
    run = cli("analyze", folder / "responses.csv", "--format", "json")
    assert run.code == 0, run.err
    return {t["id"]: t for t in json.loads(run.out)["tables"]}


def counts(table: dict) -> dict[str, object]:
    """Label → n of a frequency table; the statistics of a number table (its label aside)."""
    if table["columns"][1:3] == ["n", "%"]:
        return {str(r[0]).casefold(): r[1] for r in table["rows"]}
    return {str(i): r[1:] for i, r in enumerate(table["rows"])}


def same_counts(hand: dict, draft: dict) -> bool:
    """Every respondent in the same place: equal n per label, where the hand-written
    questionnaire's Others are the drafted choices it does not list (rare answers)."""
    h, d = counts(hand), counts(draft)
    if hand["columns"][1:3] != ["n", "%"]:
        return h == d
    extra = sum(n for label, n in d.items() if label not in h)
    for label, n in h.items():
        if label == "others":
            if n != d.get("others", 0) + extra:
                return False
        elif n != d.get(label, 0):
            return False
    return "others" in h or extra == 0


@pytest.mark.parametrize("survey", ["singapore_pss", "staff_wellbeing"])
def test_draft_counts_like_the_hand_written_questionnaire(tmp_path, cli, survey) -> None:
    source = ROOT / "surveys" / survey
    hand, draft = tmp_path / "hand", tmp_path / "draft"
    for folder in (hand, draft):
        folder.mkdir()
        shutil.copy(source / "responses.csv", folder / "responses.csv")
    # The hand-written questionnaire without its exclusion rules and show_if conditions,
    # which a draft cannot know: both then count every row the same way.
    doc = yaml.safe_load((source / "questionnaire.yaml").read_text(encoding="utf-8"))
    doc.pop("exclude", None)
    for item in doc["items"]:
        item.pop("show_if", None)
    (hand / "questionnaire.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    run = cli("init", draft / "responses.csv", "-o", draft / "questionnaire.yaml")
    assert run.code == 0, run.err
    assert cli("validate", draft / "questionnaire.yaml").code == 0

    tables = {"hand": analyze(cli, hand), "draft": analyze(cli, draft)}
    table = read_responses_table(source / "responses.csv")
    qs = {
        k: load_questionnaire(f / "questionnaire.yaml")
        for k, f in (("hand", hand), ("draft", draft))
    }
    columns = {k: match_columns(q, table.headers, source)[0] for k, q in qs.items()}
    drafted_by_column = {c: item_id for item_id, c in columns["draft"].items()}
    compared = 0
    for item_id, column in columns["hand"].items():
        drafted = qs["draft"].item(drafted_by_column[column])
        if drafted.type != qs["hand"].item(item_id).type:
            continue
        if item_id not in tables["hand"] or drafted.id not in tables["draft"]:
            continue  # report: false on one side
        assert same_counts(tables["hand"][item_id], tables["draft"][drafted.id]), item_id
        compared += 1
    # By hand from the two questionnaires: the items whose type the draft gets right.
    assert compared == {"singapore_pss": 23, "staff_wellbeing": 20}[survey]


QUALTRICS = """\
StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,Q1,Q2,Q3_1,Q3_2,Q4,Q5,Q5_4_TEXT
Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,Response ID,How old are you?,How satisfied are you with the service?,Rate each - Speed,Rate each - Price,Which channels did you use? - Selected Choice,What is your role? - Selected Choice,What is your role? - Other - Text
"{'ImportId': 'startDate', 'timeZone': 'UTC'}","{'ImportId': 'endDate'}","{'ImportId': 'status'}","{'ImportId': 'ipAddress'}","{'ImportId': 'progress'}","{'ImportId': 'duration'}","{'ImportId': 'finished'}","{'ImportId': 'recordedDate'}","{'ImportId': '_recordId'}","{'ImportId': 'QID1'}","{'ImportId': 'QID2'}","{'ImportId': 'QID3_1'}","{'ImportId': 'QID3_2'}","{'ImportId': 'QID4'}","{'ImportId': 'QID5'}","{'ImportId': 'QID5_4_TEXT'}"
2024-01-05 10:00:00,2024-01-05 10:05:00,0,10.0.0.1,100,300,True,2024-01-05 10:05:01,R_1a,34,Extremely satisfied,Good,Poor,"Email,Phone",Nurse,
2024-01-05 11:00:00,2024-01-05 11:04:00,0,10.0.0.2,100,240,True,2024-01-05 11:04:01,R_2b,51,Somewhat satisfied,Excellent,Fair,Phone,Doctor,
2024-01-05 12:00:00,2024-01-05 12:09:00,0,10.0.0.3,100,540,True,2024-01-05 12:09:01,R_3c,28,Somewhat dissatisfied,Fair,Fair,"Email,Web chat",Other,Porter
2024-01-05 13:00:00,2024-01-05 13:02:00,0,10.0.0.4,100,120,True,2024-01-05 13:02:01,R_4d,45,Extremely satisfied,Good,Good,"Email,Phone,Web chat",Nurse,
2024-01-05 14:00:00,2024-01-05 14:03:00,0,10.0.0.5,100,180,True,2024-01-05 14:03:01,R_5e,39,Neither satisfied nor dissatisfied,Poor,Good,Email,Nurse,
"""


def test_qualtrics_export_drafts_a_valid_questionnaire(tmp_path, cli) -> None:
    (tmp_path / "responses.csv").write_text(QUALTRICS, encoding="utf-8")
    run = cli("init", tmp_path / "responses.csv", "-o", tmp_path / "questionnaire.yaml")
    assert run.code == 0, run.err
    assert cli("validate", tmp_path / "questionnaire.yaml").code == 0
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.respondent_id == "ResponseId"
    # Qualtrics ids are the column aliases (where they differ from the text).
    items = {i.columns[0] if i.columns else i.text: i for i in q.items}
    assert items["Q1"].type == "number" and items["Q1"].text == "How old are you?"
    assert items["Q2"].type == "ordinal"
    assert items["Q2"].labels == [
        "Extremely dissatisfied",
        "Somewhat dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Somewhat satisfied",
        "Extremely satisfied",
    ]  # fmt: skip  (Qualtrics' 5 points; nobody chose the first)
    # Q3_1, Q3_2 ("Rate each - Speed", "Rate each - Price") are one grid, column: Q3;
    # its scale is decided from both rows (nobody chose Excellent for Price).
    assert q.grids == {"rate_each": ("rate_each_speed", "rate_each_price")}
    rows = {i.id: i for i in q.items if i.id.startswith("rate_each_")}
    assert rows["rate_each_speed"].text == "Rate each [Speed]"
    assert rows["rate_each_speed"].type == rows["rate_each_price"].type == "ordinal"
    assert rows["rate_each_speed"].labels == ["Poor", "Fair", "Good", "Excellent"]
    assert rows["rate_each_price"].labels == ["Poor", "Fair", "Good", "Excellent"]
    assert "Q3_1" in rows["rate_each_speed"].columns
    assert items["Q4"].type == "multi" and set(items["Q4"].labels) == {"Email", "Phone", "Web chat"}
    assert items["Q4"].text == "Which channels did you use?"  # without "- Selected Choice"
    assert items["Q5"].type == "single" and items["Q5_4_TEXT"].type == "text"
    assert not items["StartDate"].report and not items["IPAddress"].report
    # And it reads: counted by hand from the five rows.
    tables = analyze(cli, tmp_path)
    q4 = tables[items["Q4"].id]
    assert {r[0]: r[1] for r in q4["rows"]} == {"Email": 4, "Phone": 3, "Web chat": 2}
    q2 = tables[items["Q2"].id]
    assert {r[0]: r[1] for r in q2["rows"]}["Extremely satisfied"] == 2
    price = {r[0]: r[1] for r in tables["rate_each_price"]["rows"]}
    assert (price["Poor"], price["Fair"], price["Good"], price["Excellent"]) == (1, 2, 2, 0)


def test_microsoft_forms_xlsx_drafts_a_valid_questionnaire(tmp_path, cli) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Form1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "How many years in post?",
                  "I feel valued at work.", "How often do you work late?", "Which would help?"])  # fmt: skip
    start = dt.datetime(2024, 3, 4, 10, 45, 4)
    likert = ["Agree", "Strongly agree", "Disagree", "Agree", "Neither agree nor disagree", "Agree"]
    often = ["Sometimes", "Often", "Never", "Always", "Rarely", "Sometimes"]
    helps = ["Pay;Staff;", "Staff;", "Pay;", "Pay;Staff;Parking;", "Staff;Parking;", None]
    for i in range(6):
        end = start + dt.timedelta(minutes=5 + i)
        sheet.append([i + 1, start, end, f"p{i}@x.org", f"P {i}", [2, 6, 0, 11, 3, 4][i],
                      likert[i], often[i], helps[i]])  # fmt: skip
    book.save(tmp_path / "responses.xlsx")
    run = cli("init", tmp_path / "responses.xlsx", "-o", tmp_path / "questionnaire.yaml")
    assert run.code == 0, run.err
    assert cli("validate", tmp_path / "questionnaire.yaml").code == 0
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.respondent_id == "ID"
    by_text = {i.text: i for i in q.items}
    assert [i.text for i in q.items if not i.report] == [
        "Start time",
        "Completion time",
        "Email",
        "Name",
    ]
    assert by_text["How many years in post?"].type == "number"
    assert by_text["I feel valued at work."].labels == [
        "Strongly disagree",  # nobody chose it: the 5-point scale's first point
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    assert by_text["How often do you work late?"].labels == [
        "Never",
        "Rarely",
        "Sometimes",
        "Often",
        "Always",
    ]
    assert by_text["Which would help?"].type == "multi"
    assert by_text["Which would help?"].labels == ["Staff", "Pay", "Parking"]  # most chosen first
    run = cli("analyze", tmp_path / "responses.xlsx", "--format", "json")
    assert run.code == 0, run.err
    tables = {t["id"]: t for t in json.loads(run.out)["tables"]}
    helps_table = tables[by_text["Which would help?"].id]
    assert {r[0]: r[1] for r in helps_table["rows"]} == {"Pay": 3, "Staff": 4, "Parking": 2}


def test_sav_labels_become_text_and_choices(tmp_path) -> None:
    import pandas as pd
    import pyreadstat

    path = tmp_path / "r.sav"
    pyreadstat.write_sav(
        pd.DataFrame({"sex": [1, 2, 2, 9], "sat": [1, 3, 2, 3]}),
        str(path),
        column_labels={"sex": "What is your sex?", "sat": "How satisfied are you?"},
        variable_value_labels={
            "sex": {1: "Female", 2: "Male", 9: "Refused"},
            "sat": {1: "Dissatisfied", 2: "Neutral", 3: "Satisfied"},
        },
        missing_ranges={"sex": [9]},
        variable_measure={"sex": "nominal", "sat": "ordinal"},
    )
    text = render(draft_questionnaire(path))
    assert 'text: "What is your sex?"' in text and 'column: "sex"' in text
    assert '- {code: 1, label: "Female"}' in text and '- {code: 2, label: "Male"}' in text
    assert 'missing: ["Refused"]' in text
    assert "type: ordinal" in text and '- {code: 3, label: "Satisfied"}' in text


def test_sav_number_with_a_labelled_missing_code(tmp_path) -> None:
    import pandas as pd
    import pyreadstat

    path = tmp_path / "r.sav"
    pyreadstat.write_sav(
        pd.DataFrame({"age": [34.0, 999.0, 51.0]}),
        str(path),
        variable_value_labels={"age": {999: "No answer"}},
        missing_ranges={"age": [999]},
        variable_measure={"age": "scale"},
    )
    (item,) = draft_questionnaire(path).items
    assert (item.type, item.missing, item.choices) == ("number", ["No answer"], [])
    assert item.comment.startswith("observed 34 to 51 in 2 answers")


def test_sav_draft_validates_and_shows_user_missing_as_spss_does(tmp_path, cli) -> None:
    test_sav_labels_become_text_and_choices(tmp_path)
    shutil.copy(tmp_path / "r.sav", tmp_path / "responses.sav")
    run = cli("init", tmp_path / "responses.sav", "-o", tmp_path / "questionnaire.yaml")
    assert run.code == 0 and cli("validate", tmp_path / "questionnaire.yaml").code == 0
    run = cli("analyze", tmp_path / "responses.sav", "--format", "json")
    assert run.code == 0, run.err
    sex = next(t for t in json.loads(run.out)["tables"] if t["id"] == "sex")
    # By hand: codes 1, 2, 2, 9 → Female 1, Male 2, and Refused (user-missing) in its own row.
    assert [r[:2] for r in sex["rows"]] == [["Female", 1], ["Male", 2], ["Refused", 1]]
    assert sex["row_kinds"] == ["data", "data", "missing"]


def test_never_overwrites_without_force(tmp_path, cli) -> None:
    (tmp_path / "responses.csv").write_text("Age\n30\n41\n", encoding="utf-8")
    target = tmp_path / "questionnaire.yaml"
    target.write_text("mine\n", encoding="utf-8")
    run = cli("init", tmp_path / "responses.csv", "-o", target)
    assert run.code == 2 and run.err.count("\n") == 1
    assert "already exists; pass --force to overwrite it" in run.err
    assert target.read_text(encoding="utf-8") == "mine\n"
    run = cli("init", tmp_path / "responses.csv", "-o", target, "--force")
    assert run.code == 0 and "type: number" in target.read_text(encoding="utf-8")


def test_default_output_is_questionnaire_yaml_here(tmp_path, cli, monkeypatch) -> None:
    (tmp_path / "responses.csv").write_text("Age\n30\n41\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("init", "responses.csv").code == 0
    assert (tmp_path / "questionnaire.yaml").exists()


def test_pipe_joined_answers_draft_a_separator(tmp_path) -> None:
    path = tmp_path / "r.csv"
    rows = ["Back-end Developer|Front-end Developer", "Back-end Developer", "Designer|Back-end Developer",
            "Front-end Developer", "Designer"]  # fmt: skip
    path.write_text("Role\n" + "\n".join(rows) + "\n", encoding="utf-8")
    text = render(draft_questionnaire(path))
    assert "type: multi" in text and 'separator: "|"' in text


def test_pipe_joined_draft_counts_every_label(tmp_path, cli) -> None:
    test_pipe_joined_answers_draft_a_separator(tmp_path)
    (tmp_path / "responses.csv").write_text(
        (tmp_path / "r.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert cli("init", tmp_path / "responses.csv", "-o", tmp_path / "questionnaire.yaml").code == 0
    tables = analyze(cli, tmp_path)
    (table,) = tables.values()
    assert {r[0]: r[1] for r in table["rows"]} == {
        "Back-end Developer": 3, "Front-end Developer": 2, "Designer": 2,
    }  # fmt: skip


def test_duplicate_headers_draft_occurrences(tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Do you like it?,Why or why not?,Would you return?,Why or why not?\n"
        "Yes,Good food,No,Too far\nNo,Cold,Yes,Near home\nYes,Nice,Yes,Friendly\n",
        encoding="utf-8",
    )
    text = render(draft_questionnaire(path))
    assert 'column: {header: "Why or why not?", occurrence: 1}' in text
    assert 'column: {header: "Why or why not?", occurrence: 2}' in text


def test_duplicate_headers_draft_validates_and_reads(tmp_path, cli) -> None:
    test_duplicate_headers_draft_occurrences(tmp_path)
    shutil.copy(tmp_path / "r.csv", tmp_path / "responses.csv")
    assert cli("init", tmp_path / "responses.csv", "-o", tmp_path / "questionnaire.yaml").code == 0
    assert analyze(cli, tmp_path)


@pytest.mark.parametrize(
    ("answers", "name", "order"),
    [
        (["Agree", "Strongly disagree", "Neutral", "Disagree", "Strongly agree"], "agreement",
         ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]),
        (["Somewhat agree", "Agree", "Strongly agree", "Disagree"], "agreement",
         ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree",
          "Somewhat agree", "Agree", "Strongly agree"]),  # the 7-point scale, unseen points added
        (["Agree", "Strongly agree", "Disagree"], "agreement",
         ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]),
        (["Somewhat satisfied", "Extremely satisfied", "Somewhat dissatisfied"], "satisfaction",
         ["Extremely dissatisfied", "Somewhat dissatisfied", "Neither satisfied nor dissatisfied",
          "Somewhat satisfied", "Extremely satisfied"]),  # Qualtrics' 5 points
        (["Often", "Never", "Always", "Rarely", "Sometimes"], "frequency",
         ["Never", "Rarely", "Sometimes", "Often", "Always"]),
        (["Very likely", "Unlikely", "Likely", "Very unlikely"], "likelihood",
         ["Very unlikely", "Unlikely", "Likely", "Very likely"]),
        (["Important", "Very important", "Not at all important", "Slightly important"],
         "importance",
         ["Not at all important", "Slightly important", "Important", "Very important"]),
        (["Good", "Excellent", "Poor", "Fair", "Very poor"], "quality",
         ["Very poor", "Poor", "Fair", "Good", "Excellent"]),
        (["Yes", "No", "Maybe"], "yes_maybe_no", ["No", "Maybe", "Yes"]),
        (["Very confident", "Not so confident", "Extremely confident"], "degree",
         ["Not at all confident", "Not so confident", "Somewhat confident", "Very confident",
          "Extremely confident"]),  # SurveyMonkey's wording, for any word
        (["Slightly familiar", "Not at all familiar", "Very familiar", "Moderately familiar"],
         "degree",
         ["Not at all familiar", "Slightly familiar", "Moderately familiar", "Very familiar",
          "Extremely familiar"]),  # Qualtrics' wording
        (["1 - Strongly disagree", "5 - Strongly agree", "3 - Neutral", "4 - Agree"], "agreement",
         ["1 - Strongly disagree", "2 - Disagree", "3 - Neutral", "4 - Agree", "5 - Strongly agree"]),
    ],
)  # fmt: skip
def test_response_scales_in_order(answers, name, order) -> None:
    assert _match_scale(dict.fromkeys(answers, 1)) == (name, order, [])


def test_scale_with_dont_know_lists_it_as_missing() -> None:
    answers = dict.fromkeys(["Agree", "Disagree", "Strongly agree", "I don't know"], 3)
    assert _match_scale(answers) == (
        "agreement", ["Strongly disagree", "Disagree", "Agree", "Strongly agree"], ["I don't know"]
    )  # fmt: skip


@pytest.mark.parametrize(
    "answers",
    [
        ["Yes", "No"],
        ["Agree", "Disagree"],  # two points: a yes/no question as far as anyone can tell
        ["Female", "Male", "Other"],
        ["Agree", "Sometimes", "Never", "Always"],  # two scales mixed
        ["Agree", "agree", "Disagree", "Strongly agree"],  # cells differ only in case
    ],
)
def test_not_a_scale(answers) -> None:
    assert _match_scale(dict.fromkeys(answers, 2)) is None


def test_labels_holding_the_separator_stay_whole() -> None:
    label = "Reach out to clients, especially those with limited social support"
    cells = {
        f"Provide hope, {label}": 3,
        label: 2,
        "Provide hope": 4,
        "Empower clients, Provide hope": 2,
    }
    separator, labels, others = _match_multi(cells)
    assert separator == ", " and others == 0
    assert set(labels) == {"Provide hope", label, "Empower clients"}


def test_surveymonkey_export_drafts_a_valid_questionnaire(tmp_path, cli) -> None:
    from tests.test_readers import SURVEYMONKEY

    (tmp_path / "responses.csv").write_text(SURVEYMONKEY, encoding="utf-8")
    run = cli("init", tmp_path / "responses.csv", "-o", tmp_path / "questionnaire.yaml")
    assert run.code == 0, run.err
    assert cli("validate", tmp_path / "questionnaire.yaml").code == 0
    q = load_questionnaire(tmp_path / "questionnaire.yaml")
    assert q.respondent_id == "Respondent ID"
    fruit = next(i for i in q.items if i.text == "Which fruits do you like?")
    assert (fruit.type, fruit.labels, fruit.other) == ("multi", ["Apple", "Banana", "Cherry"], True)
    tables = analyze(cli, tmp_path)
    # By hand from the three rows: Apple 2, Banana 2, Cherry 1, one typed other (Kiwi).
    assert {r[0]: r[1] for r in tables[fruit.id]["rows"]} == {
        "Apple": 2, "Banana": 2, "Cherry": 1, "Others": 1,
    }  # fmt: skip


def test_google_forms_grid_is_drafted_as_a_grid(tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Timestamp,Rate us [Food],Rate us [Service]\n"
        "2024/03/10 1:19:08 PM GMT+9,Good,Poor\n2024/03/10 1:20:08 PM GMT+9,Excellent,Fair\n"
        "2024/03/10 1:21:08 PM GMT+9,Fair,Good\n",
        encoding="utf-8",
    )
    draft = draft_questionnaire(path)
    assert [(i.text, i.type) for i in draft.items] == [
        ("Timestamp", "datetime"),
        ("Rate us", "grid"),
    ]
    assert draft.items[1].rows == ["Food", "Service"]
    assert draft.items[1].choices == ["Poor", "Fair", "Good", "Excellent"]


@pytest.mark.parametrize(
    ("ids", "unique"),
    [(["R_1", "R_2", "R_3"], True), (["R_1", "R_2", "R_1"], False), (["R_1", "", "R_3"], False),
     (["1", " 1", "2"], False)],  # " 1" is the id 1 again once spaces are ignored
)  # fmt: skip
def test_respondent_id_only_when_unique(tmp_path, ids, unique) -> None:
    path = tmp_path / "r.csv"
    path.write_text("ResponseId,Age\n" + "".join(f'"{i}",{30 + k}\n' for k, i in enumerate(ids)))
    draft = draft_questionnaire(path)
    assert (draft.respondent_id == "ResponseId") is unique
    assert [i.text for i in draft.items] == (["Age"] if unique else ["ResponseId", "Age"])


def test_export_without_headers_is_a_one_line_error(tmp_path, cli) -> None:
    (tmp_path / "r.csv").write_text(",,\n1,2,3\n", encoding="utf-8")
    run = cli("init", tmp_path / "r.csv", "-o", tmp_path / "q.yaml")
    assert run.code == 2 and run.err.count("\n") == 1
    assert "r.csv: has no named columns" in run.err and not (tmp_path / "q.yaml").exists()


@pytest.mark.parametrize(
    ("header", "rows", "counts"),
    [
        # Kobo: q/option with 1/0; REDCap: field___code with Checked/Unchecked; LimeSurvey Y.
        ("help/time,help/money,help/other", ["1,0,", "1,1,", "0,0,a nap"],
         {"time": 2, "money": 1, "Others": 1}),
        ("help___1,help___2", ["Checked,Unchecked", "Checked,Checked", "Unchecked,Unchecked"],
         {"1": 2, "2": 1}),
        ("help[SQ001],help[SQ002]", ["Y,", "Y,Y", ","], {"SQ001": 2, "SQ002": 1}),
    ],
)  # fmt: skip
def test_one_column_per_option_drafts_one_multi_item(tmp_path, cli, header, rows, counts) -> None:
    (tmp_path / "responses.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert cli("init", tmp_path / "responses.csv", "-o", tmp_path / "questionnaire.yaml").code == 0
    (item,) = load_questionnaire(tmp_path / "questionnaire.yaml").items
    assert (item.id, item.type) == ("help", "multi")
    (table,) = analyze(cli, tmp_path).values()
    assert {r[0]: r[1] for r in table["rows"]} == counts
