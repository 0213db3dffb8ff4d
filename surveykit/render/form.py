"""The printable questionnaire: what respondents see, as Markdown, HTML or Word.

``surveykit render questionnaire.yaml`` lays out every item as a numbered
question with tick boxes, the instruction its type implies ("Choose one",
"Select all that apply"), an "Other" line where the item takes typed answers,
and its ``show_if`` condition in words ("Answer only if you answered "Yes" to
question 9"). The layout is built once (:func:`build_form`) and each format
only writes it out.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from html import escape

from surveykit.questionnaire import Item, Questionnaire

INSTRUCTIONS = {
    "single": "Choose one.",
    "ordinal": "Choose one.",
    "multi": "Select all that apply.",
    "number": "Write a number.",
    "text": "Write your answer.",
    "datetime": "Write the date and time.",
}
_COMPARE = {
    ast.Gt: "more than",
    ast.GtE: "at least",
    ast.Lt: "less than",
    ast.LtE: "at most",
}


@dataclass(frozen=True)
class FormQuestion:
    """One numbered question as printed."""

    number: int
    id: str
    text: str
    kind: str
    instruction: str
    choices: tuple[str, ...] = ()
    other: bool = False
    condition: str = ""
    range: str = ""


@dataclass(frozen=True)
class Form:
    """The whole printable questionnaire."""

    title: str
    intro: str
    questions: tuple[FormQuestion, ...] = field(default_factory=tuple)


def build_form(questionnaire: Questionnaire) -> Form:
    """Number the items and put each one's condition and instructions into words."""
    numbers = {item.id: i for i, item in enumerate(questionnaire.items, start=1)}
    questions = []
    for item in questionnaire.items:
        condition = ""
        if item.show_if is not None:
            condition = "Answer only if " + _words(item.show_if.tree.body, numbers) + "."
        questions.append(
            FormQuestion(
                number=numbers[item.id],
                id=item.id,
                text=item.text,
                kind=item.type,
                instruction=INSTRUCTIONS[item.type],
                choices=tuple(item.labels),
                other=item.other,
                condition=condition,
                range=_range(item),
            )
        )
    return Form(questionnaire.title, questionnaire.intro, tuple(questions))


def _range(item: Item) -> str:
    def num(x: float) -> str:
        return f"{x:g}"

    if item.min is not None and item.max is not None:
        return f"from {num(item.min)} to {num(item.max)}"
    if item.min is not None:
        return f"{num(item.min)} or more"
    if item.max is not None:
        return f"{num(item.max)} or less"
    return ""


def _literal(node: ast.expr) -> str:
    value = ast.literal_eval(node)
    if isinstance(value, list | tuple):
        return " or ".join(_literal_value(v) for v in value)
    return _literal_value(value)


def _literal_value(value: object) -> str:
    return (
        f'"{value}"'
        if isinstance(value, str)
        else f"{value:g}"
        if isinstance(value, float)
        else str(value)
    )


def _words(node: ast.expr, numbers: dict[str, int]) -> str:
    """A condition as a respondent reads it, naming questions by number."""
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return joiner.join(_words(v, numbers) for v in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return "it is not so that " + _words(node.operand, numbers)
    if isinstance(node, ast.Call):  # missing(item)
        return f"you did not answer question {numbers[node.args[0].id]}"  # type: ignore[attr-defined]
    if isinstance(node, ast.Compare):
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(_comparison(left, op, right, numbers))
            left = right
        return " and ".join(parts)
    return ast.unparse(node)


def _comparison(left: ast.expr, op: ast.cmpop, right: ast.expr, numbers: dict[str, int]) -> str:
    if isinstance(right, ast.Name) and isinstance(op, ast.In | ast.NotIn):
        # "Label" in multi_item
        verb = "chose" if isinstance(op, ast.In) else "did not choose"
        return f"you {verb} {_literal(left)} in question {numbers[right.id]}"
    if isinstance(right, ast.Name) and not isinstance(left, ast.Name):
        # literal on the left: read it the other way round
        flipped = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
        op = flipped.get(type(op), type(op))()
        left, right = right, left
    if not isinstance(left, ast.Name):
        return ast.unparse(ast.Compare(left=left, ops=[op], comparators=[right]))
    question = f"question {numbers[left.id]}"
    value = _literal(right)
    if isinstance(op, ast.Eq | ast.In):
        return f"you answered {value} to {question}"
    if isinstance(op, ast.NotEq | ast.NotIn):
        return f"you did not answer {value} to {question}"
    return f"your answer to {question} is {_COMPARE[type(op)]} {value}"


# --- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _md(text: str) -> str:
    """Questionnaire text as literal Markdown (no markup, links or HTML from the YAML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_form_markdown(form: Form) -> str:
    """The questionnaire as Markdown (boxes as ☐, lines as underscores)."""
    out = [f"# {_md(form.title)}", ""]
    if form.intro:
        out += [_md(paragraph) + "\n" for paragraph in form.intro.split("\n\n")]
    for q in form.questions:
        out += [f"**{q.number}. {_md(q.text)}**", ""]
        if q.condition:
            out += [f"*{_md(q.condition)}*", ""]
        out += [f"{q.instruction}" + (f" ({_md(q.range)})" if q.range else ""), ""]
        if q.choices:
            box = "☐" if q.kind == "multi" else "○"
            out += [f"- {box} {_md(c)}" for c in q.choices]
            if q.other:
                out.append(
                    f"- {box} Other: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_"
                )
            out.append("")
        else:
            out += ["\\_" * 40, ""]
    return "\n".join(out).rstrip() + "\n"


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; max-width: 44rem; margin: 2rem auto;
       padding: 0 1rem; color: #111; line-height: 1.45; }
h1 { font-size: 1.5rem; }
.intro { margin-bottom: 1.6rem; }
section.q { margin: 0 0 1.3rem; break-inside: avoid; }
.q h2 { font-size: 1rem; margin: 0 0 .2rem; }
.q .num { margin-right: .3rem; }
.condition { font-style: italic; margin: 0 0 .2rem; }
.instruction { color: #444; font-size: .9rem; margin: 0 0 .3rem; }
ul.choices { list-style: none; padding-left: .4rem; margin: 0; }
ul.choices li { margin: .15rem 0; }
.box { display: inline-block; width: .85em; height: .85em; border: 1px solid #222;
       margin-right: .5em; vertical-align: -.1em; }
.circle { border-radius: 50%; }
.line { display: inline-block; border-bottom: 1px solid #222; width: 16rem; height: 1.1em; }
.answer { border-bottom: 1px solid #222; height: 1.6rem; margin: .2rem 0; }
@media print { body { margin: 0 auto; } }
"""


def render_form_html(form: Form) -> str:
    """The questionnaire as one self-contained HTML page, ready to print."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(form.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(form.title)}</h1>",
    ]
    if form.intro:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in form.intro.split("\n\n"))
        parts.append(f'<div class="intro">{paragraphs}</div>')
    for q in form.questions:
        parts.append(f'<section class="q" id="q{q.number}">')
        parts.append(f'<h2><span class="num">{q.number}.</span>{escape(q.text)}</h2>')
        if q.condition:
            parts.append(f'<p class="condition">{escape(q.condition)}</p>')
        instruction = q.instruction + (f" ({q.range})" if q.range else "")
        parts.append(f'<p class="instruction">{escape(instruction)}</p>')
        if q.choices:
            shape = "box" if q.kind == "multi" else "box circle"
            items = [f'<li><span class="{shape}"></span>{escape(c)}</li>' for c in q.choices]
            if q.other:
                items.append(
                    f'<li><span class="{shape}"></span>Other: <span class="line"></span></li>'
                )
            parts.append('<ul class="choices">' + "".join(items) + "</ul>")
        else:
            lines = 1 if q.kind in ("number", "datetime") else 3
            parts.append('<div class="answer"></div>' * lines)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- Word ------------------------------------------------------------------------------------


def render_form_docx(form: Form) -> bytes:
    """The questionnaire as a Word document (A4), tick boxes as ☐ and ○."""
    import io

    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    doc.add_heading(form.title, level=1)
    if form.intro:
        for paragraph in form.intro.split("\n\n"):
            doc.add_paragraph(paragraph)
    for q in form.questions:
        head = doc.add_paragraph()
        head.add_run(f"{q.number}. {q.text}").bold = True
        head.paragraph_format.keep_with_next = True
        head.paragraph_format.space_before = Pt(10)
        if q.condition:
            p = doc.add_paragraph()
            p.add_run(q.condition).italic = True
            p.paragraph_format.keep_with_next = True
        instruction = q.instruction + (f" ({q.range})" if q.range else "")
        p = doc.add_paragraph(instruction)
        p.paragraph_format.keep_with_next = True
        box = "☐" if q.kind == "multi" else "○"
        lines = [f"{box}  {c}" for c in q.choices]
        if q.other:
            lines.append(f"{box}  Other: " + "_" * 30)
        if not q.choices:
            lines = ["_" * 60] * (1 if q.kind in ("number", "datetime") else 3)
        for i, line in enumerate(lines):
            p = doc.add_paragraph(line)
            p.paragraph_format.left_indent = Cm(0.6)
            p.paragraph_format.space_after = Pt(2)
            p.paragraph_format.keep_with_next = i < len(lines) - 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
