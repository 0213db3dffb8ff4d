"""XLSForm export and import: round trips, pyxform conversion, Kobo-shaped forms."""

from __future__ import annotations

import ast
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert
from typer.testing import CliRunner

from surveykit.cli import app
from surveykit.design.xlsform import export_xlsform, import_xlsform
from surveykit.errors import SurveyError
from surveykit.questionnaire import Questionnaire, load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "surveys/singapore_pss", ROOT / "surveys/staff_wellbeing"]

RICH = """\
survey:
  id: rich
  title: Ward survey — 2024
  respondent_id: ResponseId
  intro: Taking part is voluntary.
items:
  - {id: consent, text: "Do you consent?", type: single, choices: ["Yes", "No"], required: true}
  - {id: age, text: "How old are you?", label: Age, type: number, min: 18, max: 70}
  - {id: score, text: Score, type: number, min: 0.5}
  - id: agree
    text: I feel valued.
    type: ordinal
    choices:
      - {code: 1, label: Disagree, aliases: [disagree a bit]}
      - {code: 2, label: Neutral}
      - {code: 3, label: Agree}
      - {code: 9, label: "I don't know", aliases: [dk]}
    missing: ["I don't know", -8, Refused]
    invalid: missing
  - {id: team, text: Team, type: single, choices: [Ward A, Ward B, Ward C], other: true, column: [Q7, "Team name"]}
  - {id: problems, text: Problems, type: multi, choices: [Staffing, Pay, "Café food"], other: true, separator: " | "}
  - {id: grade, text: Grade, type: single, choices: [Band 5, Band 6], column: {header: Grade, occurrence: 2}}
  - {id: note, text: "Anything else?", type: text, report: false}
  - {id: a, text: A, type: text, show_if: 'team in ["Ward A", "Ward B"] and age >= 40'}
  - {id: b, text: B, type: text, show_if: '"Pay" in problems or missing(team)'}
  - {id: c, text: C, type: text, show_if: 'not consent == "No" and 30 > age'}
  - {id: d, text: D, type: text, show_if: '"Café food" not in problems and agree != "Neutral"'}
exclude:
  - {rule: duplicate, columns: [ResponseId], keep: last, reason: resubmitted}
  - {rule: where, expr: consent == "No", reason: no consent}
"""


def _shape(q: Questionnaire) -> dict:
    """Everything a questionnaire means, without file lines; conditions as ASTs."""

    def cond(expr):
        return None if expr is None else ast.dump(expr.tree)

    return {
        "survey": (q.id, q.title, q.respondent_id, q.intro),
        "items": [
            (
                i.id,
                i.text,
                i.type,
                i.label,
                i.choices,
                i.other,
                i.columns,
                i.min,
                i.max,
                i.required,
                i.report,
                cond(i.show_if),
            )
            for i in q.items
        ],
        "exclude": [(r.rule, r.reason, r.columns, r.keep, cond(r.expr)) for r in q.exclude],
        "grids": q.grids,
    }


def _round_trip(q_path: Path, tmp_path: Path) -> Questionnaire:
    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(load_questionnaire(q_path)))
    out = tmp_path / "questionnaire.yaml"
    out.write_text(import_xlsform(form), encoding="utf-8")
    return load_questionnaire(out)


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_sample_questionnaires_round_trip(folder, tmp_path):
    original = load_questionnaire(folder / "questionnaire.yaml")
    assert _shape(_round_trip(folder / "questionnaire.yaml", tmp_path)) == _shape(original)


def test_rich_questionnaire_round_trips_with_the_same_meaning(tmp_path):
    path = tmp_path / "rich.yaml"
    path.write_text(RICH, encoding="utf-8")
    again = _round_trip(path, tmp_path)
    before, after = _shape(load_questionnaire(path)), _shape(again)
    assert after["survey"] == before["survey"] and after["exclude"] == before["exclude"]
    for old, new in zip(before["items"], after["items"], strict=True):
        assert old[:-1] == new[:-1]
    # `x in [..]` comes back as `x == .. or x == ..`: the same condition, spelled out.
    conditions = {i.id: i.show_if.source for i in again.items if i.show_if is not None}
    assert conditions == {
        "a": '((team == "Ward A" or team == "Ward B") and age >= 40)',
        "b": '("Pay" in problems or missing(team))',
        "c": '(not consent == "No" and age < 30)',
        "d": '(not "Café food" in problems and agree != "Neutral")',
    }


_ODK_VALIDATE = pytest.param(
    True,
    id="odk-validate",
    marks=[
        pytest.mark.odk_validate,
        pytest.mark.skipif(
            shutil.which("java") is None, reason="ODK Validate needs Java (not installed)"
        ),
    ],
)


@pytest.mark.parametrize("validate", [pytest.param(False, id="pyxform"), _ODK_VALIDATE])
@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_exported_form_converts_with_pyxform(folder, validate, tmp_path):
    """pyxform converts it; with Java, its bundled ODK Validate (the check ODK Central and
    KoboToolbox run on upload) accepts it too."""
    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(load_questionnaire(folder / "questionnaire.yaml")))
    result = convert(xlsform=str(form), validate=validate)
    assert "<h:html" in result.xform
    assert result.warnings == []


def test_exported_sheets(tmp_path):
    path = tmp_path / "rich.yaml"
    path.write_text(RICH, encoding="utf-8")
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(load_questionnaire(path))))
    survey = {row[1]: row for row in book["survey"].iter_rows(min_row=2, values_only=True)}
    assert survey["team"][0] == "select_one team or_other"
    assert survey["problems"][0] == "select_multiple problems or_other"
    assert survey["age"][:7] == (
        "decimal", "age", "How old are you?", None, None, ". >= 18 and . <= 70",
        "Enter a number from 18 to 70",
    )  # fmt: skip
    assert survey["consent"][3] == "yes"
    assert survey["a"][4] == "((${team} = '1' or ${team} = '2') and ${age} >= 40)"
    assert survey["b"][4] == "(selected(${problems}, '2') or ${team} = '')"
    assert survey["d"][4] == "(not(selected(${problems}, '3')) and ${agree} != '2')"
    assert survey["agree"][13:15] == ('["I don\'t know", "dk", -8, "Refused"]', "missing")
    assert survey["problems"][12] == '" | "'
    choices = list(book["choices"].iter_rows(min_row=2, values_only=True))
    assert ("agree", "1", "Disagree", '["disagree a bit"]') in choices
    assert ("agree", "9", "I don't know", None) in choices  # an answer on the form
    assert ("problems", "3", "Café food", None) in choices


def _kobo_form(path: Path, *, relevant: str = "${consent} = '1'", repeat: bool = False) -> None:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "required", "relevant", "constraint"])
    survey.append(["start", "start", None, None, None, None])
    survey.append(["begin_group", "grp", "About you", None, None, None])
    survey.append(["select_one yn", "consent", "Do you consent?", "yes", None, None])
    survey.append(["integer", "age", "Age in years", None, relevant, ". >= 18 and . <= 99"])
    survey.append(["end_group", None, None, None, None, None])
    if repeat:
        survey.append(["begin repeat", "kids", "Children", None, None, None])
    survey.append(
        ["select_multiple roles", "role-now", "Roles?", None, None, "count-selected(.) < 3"]
    )
    survey.append(["note", "thanks", "Thank you", None, None, None])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)"])
    for row in [
        ["yn", "1", "Yes"],
        ["yn", "2", "No"],
        ["roles", "nurse", "Nurse"],
        ["roles", "doc", "Doctor"],
    ]:
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Kobo demo", "kobo_demo"])
    book.save(path)


def test_import_kobo_shaped_form(tmp_path):
    form = tmp_path / "form.xlsx"
    _kobo_form(form)
    text = import_xlsform(form)
    out = tmp_path / "questionnaire.yaml"
    out.write_text(text, encoding="utf-8")
    q = load_questionnaire(out)
    assert (q.id, q.title) == ("kobo_demo", "Kobo demo")
    assert [i.id for i in q.items] == ["consent", "age", "role_now"]
    consent, age, role = q.items
    assert (
        consent.labels == ["Yes", "No"] and consent.required and consent.columns == ("grp/consent",)
    )
    assert (age.min, age.max, age.show_if.source) == (18, 99, 'consent == "Yes"')
    assert (
        role.type == "multi"
        and role.labels == ["Nurse", "Doctor"]
        and role.columns == ("role-now",)
    )
    # What was left out is said at the top, with the sheet row.
    assert "#   row 2 'start' (start): not a question surveykit analyses" in text
    assert "#   row 8 'thanks' (note): not a question surveykit analyses" in text
    assert "#   row 7 'role-now': constraint 'count-selected(.) < 3' not carried over" in text


def test_kobo_data_reads_with_the_imported_questionnaire(tmp_path):
    """A Kobo CSV export (group/name headers, choice names, space-joined multi answers)."""
    form = tmp_path / "form.xlsx"
    _kobo_form(form)
    (tmp_path / "questionnaire.yaml").write_text(import_xlsform(form), encoding="utf-8")
    (tmp_path / "responses.csv").write_text(
        "start,end,grp/consent,grp/age,role-now,_uuid\n"
        "2024-01-01,2024-01-01,1,34,nurse doc,a1\n"
        "2024-01-01,2024-01-01,2,,,a2\n"
        "2024-01-01,2024-01-01,1,51,doc,a3\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    tables = {t["items"][0]: t for t in doc["tables"]}
    counts = {row[0]: row[1] for row in tables["role_now"]["rows"]}
    # nurse: R1; doc (Doctor): R1, R3; consent: 1 = Yes (R1, R3), 2 = No (R2)
    assert counts["Nurse"] == 1 and counts["Doctor"] == 2
    assert {row[0]: row[1] for row in tables["consent"]["rows"]}["Yes"] == 2


def test_data_of_an_exported_form_reads_back(tmp_path):
    """ODK stores choice names, which are surveykit's codes: '1 3' in a select_multiple."""
    q = tmp_path / "q.yaml"
    q.write_text(
        "items:\n"
        "  - {id: team, type: single, choices: [A, B]}\n"
        "  - {id: problems, type: multi, choices: [Staffing, Pay, Food]}\n",
        encoding="utf-8",
    )
    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(load_questionnaire(q)))
    (tmp_path / "questionnaire.yaml").write_text(import_xlsform(form), encoding="utf-8")
    (tmp_path / "responses.csv").write_text("team,problems\n1,1 3\n2,3\n1,\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    tables = {t["items"][0]: t for t in json.loads(result.stdout)["tables"]}
    counts = {row[0]: row[1] for row in tables["problems"]["rows"]}
    assert (counts["Staffing"], counts["Pay"], counts["Food"]) == (1, 0, 2)


def test_import_notes_a_relevant_it_cannot_read(tmp_path):
    form = tmp_path / "form.xlsx"
    _kobo_form(form, relevant="string-length(${consent}) > 0")
    text = import_xlsform(form)
    assert "relevant 'string-length(${consent}) > 0' not carried over" in text
    assert "show_if" not in text


def test_import_refuses_repeats_with_the_row(tmp_path):
    form = tmp_path / "form.xlsx"
    _kobo_form(form, repeat=True)
    with pytest.raises(SurveyError, match="repeat groups") as info:
        import_xlsform(form)
    assert info.value.line == 7


def test_import_of_a_non_xlsx_is_one_error(tmp_path):
    bad = tmp_path / "form.xlsx"
    bad.write_text("type,name\n", encoding="utf-8")
    with pytest.raises(SurveyError, match=r"cannot read as an \.xlsx XLSForm"):
        import_xlsform(bad)


runner = CliRunner()


def test_cli_export_import(tmp_path):
    form = tmp_path / "form.xlsx"
    q_path = SAMPLES[0] / "questionnaire.yaml"
    result = runner.invoke(app, ["export", "xlsform", str(q_path), "-o", str(form)])
    assert result.exit_code == 0 and form.exists()
    out = tmp_path / "q.yaml"
    assert runner.invoke(app, ["import", "xlsform", str(form), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    again = runner.invoke(app, ["import", "xlsform", str(form), "-o", str(out)])
    assert again.exit_code != 0 and "exists already; pass --force" in str(again.exception)
    assert out.read_bytes() == before
    assert (
        runner.invoke(app, ["import", "xlsform", str(form), "-o", str(out), "--force"]).exit_code
        == 0
    )
    printed = runner.invoke(app, ["import", "xlsform", str(form)])
    assert printed.stdout == out.read_text(encoding="utf-8")
    assert json.loads(json.dumps(printed.stdout))  # text, not bytes


def test_a_grid_is_written_as_an_odk_table_list_group_and_read_back_as_a_grid(tmp_path):
    staff = ROOT / "surveys" / "staff_wellbeing" / "questionnaire.yaml"
    q = load_questionnaire(staff)
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(q)))
    rows = list(book["survey"].iter_rows(min_row=2, values_only=True))
    header = next(book["survey"].iter_rows(max_row=1, values_only=True))
    col = {name: i for i, name in enumerate(header)}
    start = next(i for i, r in enumerate(rows) if r[1] == "eng")
    group = rows[start]
    assert (group[0], group[col["label"]], group[col["appearance"]]) == (
        "begin_group",
        "Thinking about your work, how much do you agree with each statement?",
        "table-list",
    )
    assert group[col["surveykit_type"]] == "grid"
    statements = rows[start + 1 : start + 7]
    assert [r[0] for r in statements] == ["select_one eng"] * 6  # one shared list
    assert [r[1] for r in statements] == [f"eng_{n}" for n in range(1, 7)]
    assert statements[0][col["label"]] == "I look forward to coming to work."
    assert statements[0][col["surveykit_label"]] == "Look forward to work"
    assert rows[start + 7][:2] == ("end_group", "eng")
    choices = [r for r in book["choices"].iter_rows(min_row=2, values_only=True) if r[0] == "eng"]
    assert len(choices) == 5  # the five agreement levels, once
    # Imported again: the same grids, so a plan naming a grid (describe: [eng]) still works.
    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(q))
    text = import_xlsform(form)
    assert "    type: grid\n" in text
    out = tmp_path / "questionnaire.yaml"
    out.write_text(text, encoding="utf-8")
    again = load_questionnaire(out)
    assert (
        again.grids
        == q.grids
        == {
            "eng": tuple(f"eng_{n}" for n in range(1, 7)),
            "safety": tuple(f"safety_{n}" for n in range(1, 6)),
        }
    )
    assert [i.text for i in again.items] == [i.text for i in q.items]
    assert [i.columns for i in again.items] == [i.columns for i in q.items]


def test_kobo_data_of_an_exported_grid_read_with_group_names_in_headers(tmp_path):
    q = tmp_path / "q.yaml"
    q.write_text(
        "items:\n"
        "  - id: g\n    type: grid\n    text: How much do you agree?\n"
        "    choices: [Disagree, Neutral, Agree]\n    rows: [Pay, Hours]\n",
        encoding="utf-8",
    )
    form = tmp_path / "form.xlsx"
    form.write_bytes(export_xlsform(load_questionnaire(q)))
    (tmp_path / "questionnaire.yaml").write_text(import_xlsform(form), encoding="utf-8")
    # KoboToolbox with "include groups in headers": group/name; ODK stores choice names.
    (tmp_path / "responses.csv").write_text("g/g_pay,g/g_hours\n3,1\n3,2\n1,\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "responses.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    tables = {t["items"][0]: t for t in json.loads(result.stdout)["tables"]}
    pay = {row[0]: row[1] for row in tables["g_pay"]["rows"]}
    assert (pay["Disagree"], pay["Neutral"], pay["Agree"]) == (1, 0, 2)
