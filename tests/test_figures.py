"""Report figures: long labels wrap without overlapping, any text is drawn as written."""

from __future__ import annotations

import itertools

import pytest

from surveykit.render import figures
from surveykit.result import ROW_DATA, ROW_HEADING, Table
from surveykit.tables import PCT, STUB, N

CHOICES = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]


def _statement(i: int) -> str:
    words = f"Statement {i}: at my workplace the people I work with every day listen when I raise a concern about patient safety or about my own wellbeing"
    return (words * 2)[:120]


def _likert_table(labels: list[str]) -> Table:
    rows, kinds = [], []
    for i, label in enumerate(labels):
        rows.append([label, None])
        kinds.append(ROW_HEADING)
        for j, choice in enumerate(CHOICES):
            rows.append([choice, 3 + (i + j) % 7])
            kinds.append(ROW_DATA)
    return Table(
        id="b", title="Battery", columns=[STUB, N], rows=rows, kind="block", row_kinds=kinds
    )


def _boxes(fig, texts):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts if t.get_text()]


def _assert_apart(boxes) -> None:
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)


def test_likert_with_eight_long_statements_has_no_overlapping_labels() -> None:
    labels = [_statement(i) for i in range(8)]
    assert all(len(label) == 120 for label in labels)
    fig = figures.likert_figure(_likert_table(labels))
    ax = fig.axes[0]
    boxes = _boxes(fig, ax.get_yticklabels())
    assert len(boxes) == 8
    _assert_apart(boxes)
    width = fig.get_size_inches()[0] * fig.dpi
    assert all(box.x0 >= 0 and box.x1 <= width for box in boxes)  # inside the image
    _assert_apart(_boxes(fig, ax.get_xticklabels()))
    # Wrapped, not cut: every word of each statement is still there.
    for label, tick in zip(labels, ax.get_yticklabels(), strict=True):
        assert tick.get_text().split() == label.split()


def test_select_all_bars_with_long_options_do_not_overlap() -> None:
    rows = [[_statement(i), 40 - i, 40.0 - i] for i in range(8)]
    table = Table(id="m", title="Multi", columns=[STUB, N, PCT], rows=rows, kind="multi",
                  row_kinds=[ROW_DATA] * 8)  # fmt: skip
    fig = figures.multi_figure(table)
    _assert_apart(_boxes(fig, fig.axes[0].get_yticklabels()))


def test_group_means_with_many_long_group_names_do_not_overlap() -> None:
    groups = [
        {"label": f"Department of long name number {i} and more", "n": 10, "mean": 3.0 + i / 10,
         "ci95": [2.5, 3.5 + i / 10]}
        for i in range(7)
    ]  # fmt: skip
    fig = figures.means_figure({"groups": groups}, dv_label="Engagement", by_label="Department")
    _assert_apart(_boxes(fig, fig.axes[0].get_xticklabels()))


@pytest.mark.parametrize(
    "text", ["Plan #1 costs $5, plan #2 costs $10", "a $x^2$ b", "50% $", r"C:\new\$"]
)
def test_dollar_signs_are_drawn_as_written(text: str) -> None:
    table = _likert_table([text, text + " (2)"])
    png = figures.likert_diverging(table)
    assert png is not None and png.startswith(b"\x89PNG")
    assert figures.likert_figure(table) is not None
    multi = Table(id="m", title="t", columns=[STUB, N, PCT], rows=[[text, 3, 30.0]], kind="multi",
                  row_kinds=[ROW_DATA])  # fmt: skip
    assert figures.multi_bars(multi).startswith(b"\x89PNG")
    test = {"groups": [{"label": text, "n": 3, "mean": 1.0, "ci95": [0.5, 1.5]},
                       {"label": "$", "n": 3, "mean": 2.0, "ci95": [1.5, 2.5]}]}  # fmt: skip
    assert figures.anova_means(test, dv_label=text, by_label=text).startswith(b"\x89PNG")


def test_group_without_a_ci_is_named() -> None:
    test = {"groups": [{"label": "A", "n": 5, "mean": 1.0, "ci95": [0.5, 1.5]},
                       {"label": "B", "n": 1, "mean": 2.0, "ci95": None}]}  # fmt: skip
    assert figures.omitted_groups(test) == ["B (n = 1)"]
