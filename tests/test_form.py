"""`surveykit render`: the printable questionnaire, its skip logic in words, and its escaping."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from surveykit.cli import app
from surveykit.questionnaire import load_questionnaire
from surveykit.render.form import (
    build_form,
    render_form_docx,
    render_form_html,
    render_form_markdown,
)

ROOT = Path(__file__).resolve().parents[1]

QUESTIONNAIRE = """\
survey:
  id: demo
  title: Ward survey
  intro: |
    Taking part is voluntary.

    Your answers are anonymous.
items:
  - {id: consent, text: "Do you agree to take part?", type: single, choices: ["Yes", "No"]}
  - {id: age, text: "How old are you?", type: number, min: 18, max: 70}
  - {id: team, text: "Which team?", type: single, choices: [A, B, C], other: true}
  - id: problems
    text: Which problems have you met?
    type: multi
    choices: ["Staffing", "<script>alert(1)</script>", "[link](http://x.test)"]
    other: true
  - {id: why, text: "Why?", type: text, show_if: '"Staffing" in problems'}
  - {id: senior, text: "Are you senior?", type: single, choices: ["Yes", "No"], show_if: age >= 40}
  - {id: young, text: For the young, type: text, show_if: '30 > age and team in ["A", "B"]'}
  - {id: none, text: Nothing chosen, type: text, show_if: 'missing(team) or not consent == "No"'}
  - {id: other, text: Not staffing, type: text, show_if: '"Staffing" not in problems and consent != "No"'}
"""


@pytest.fixture
def questionnaire(tmp_path):
    path = tmp_path / "questionnaire.yaml"
    path.write_text(QUESTIONNAIRE, encoding="utf-8")
    return path


def test_conditions_in_words(questionnaire):
    form = build_form(load_questionnaire(questionnaire))
    by_id = {q.id: q for q in form.questions}
    assert [q.number for q in form.questions] == list(range(1, 10))
    assert by_id["why"].condition == 'Answer only if you chose "Staffing" in question 4.'
    assert by_id["senior"].condition == "Answer only if your answer to question 2 is at least 40."
    assert by_id["young"].condition == (
        "Answer only if your answer to question 2 is less than 30 "
        'and you answered "A" or "B" to question 3.'
    )
    assert by_id["none"].condition == (
        "Answer only if you did not answer question 3 "
        'or it is not so that you answered "No" to question 1.'
    )
    assert by_id["other"].condition == (
        'Answer only if you did not choose "Staffing" in question 4 '
        'and you did not answer "No" to question 1.'
    )
    assert by_id["consent"].condition == ""
    assert by_id["age"].range == "from 18 to 70"


def test_markdown_layout_and_escaping(questionnaire):
    md = render_form_markdown(build_form(load_questionnaire(questionnaire)))
    assert md.startswith("# Ward survey\n\nTaking part is voluntary.\n")
    assert "**3. Which team?**\n\nChoose one.\n\n- ○ A\n- ○ B\n- ○ C\n- ○ Other:" in md
    assert "Select all that apply." in md and "- ☐ Staffing" in md
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[link\\]\\(http://x.test\\)" in md
    assert "Write a number. (from 18 to 70)" in md


def test_html_escapes_and_boxes(questionnaire):
    html = render_form_html(build_form(load_questionnaire(questionnaire)))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<span class="box"></span>') == 4  # three options + Other of the multi item
    # consent (2), team with Other (4), senior (2)
    assert html.count('<span class="box circle"></span>') == 2 + 4 + 2
    assert "<p>Your answers are anonymous.</p>" in html


def test_docx_has_every_question(questionnaire):
    data = render_form_docx(build_form(load_questionnaire(questionnaire)))
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert texts[0] == "Ward survey"
    assert "4. Which problems have you met?" in texts
    assert "☐  <script>alert(1)</script>" in texts
    assert 'Answer only if you chose "Staffing" in question 4.' in texts
    section = Document(io.BytesIO(data)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_singapore_skip_logic_names_the_pss_question():
    form = build_form(load_questionnaire(ROOT / "surveys/singapore_pss/questionnaire.yaml"))
    pss = next(q for q in form.questions if q.id == "pss_at_workplace")
    shown = [q for q in form.questions if q.condition]
    assert [q.id for q in shown] == ["number_of_pss", "years_with_pss", "existing_strategies"]
    assert {q.condition for q in shown} == {
        f'Answer only if you answered "Yes" to question {pss.number}.'
    }


runner = CliRunner()


def test_cli_writes_and_prints(questionnaire, tmp_path):
    result = runner.invoke(app, ["render", str(questionnaire), "--format", "md"])
    assert result.exit_code == 0 and result.stdout.startswith("# Ward survey")
    out = tmp_path / "form.docx"
    result = runner.invoke(app, ["render", str(questionnaire), "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0 and out.stat().st_size > 0


def test_cli_refuses_docx_to_stdout_and_overwriting_the_questionnaire(questionnaire):
    before = questionnaire.read_bytes()
    result = runner.invoke(app, ["render", str(questionnaire), "--format", "docx"])
    assert result.exit_code != 0 and "needs --output" in str(result.exception)
    result = runner.invoke(app, ["render", str(questionnaire), "-o", str(questionnaire)])
    assert result.exit_code != 0 and "is the questionnaire itself" in str(result.exception)
    assert questionnaire.read_bytes() == before


def test_intro_must_be_text(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("survey: {intro: [1, 2]}\nitems: [{id: a, type: text}]\n", encoding="utf-8")
    from surveykit.errors import SurveyError

    with pytest.raises(SurveyError, match="'intro' must be text") as info:
        load_questionnaire(path)
    assert info.value.line == 1
