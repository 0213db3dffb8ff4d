"""Report figures drawn with matplotlib's Agg canvas, returned as PNG bytes.

matplotlib is imported inside the functions (it costs ~0.3 s) and used through
``matplotlib.figure.Figure`` + ``FigureCanvasAgg`` rather than pyplot, so no
GUI backend is ever chosen and no global figure state is left behind.
Cells that small-cell suppression replaced by strings are never plotted as numbers.
Math text is off: a label such as "plan #1 costs $5, plan #2 costs $10" is drawn as
written, not parsed as TeX. Long labels are wrapped and each bar gets room for its
lines, so tick labels never overlap.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from surveykit.result import PERCENT, ROW_DATA, ROW_HEADING, Table

_DPI = 150
_WIDTH = 7.0  # inches: fits an A4/Letter text width in Word at 100%
_METADATA = {"Software": None}  # keep the PNG bytes free of the matplotlib version


_LABEL_CHARS = 42  # wrap width of a bar label: about 2.6 inches at 9 pt
_LINE = 0.17  # inches per line of a 9 pt label


@contextmanager
def _plain_text() -> Iterator[None]:
    """Text is drawn as written: no math text, whatever a label holds."""
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        yield


def _new_figure(height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _wrap(label: str, width: int = _LABEL_CHARS) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=True)) or label


def _bar_positions(labels: list[str], base: float) -> tuple[list[float], float]:
    """y of each bar (top-down) and the axes height in inches: taller bars for longer labels."""
    heights = [max(base, _LINE * (label.count("\n") + 1) + 0.12) for label in labels]
    y, top = [], 0.0
    for h in heights:
        y.append(top + h / 2)
        top += h
    return y, top


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    with _plain_text():  # tick labels are made while drawing
        fig.savefig(buffer, format="png", metadata=_METADATA)
    return buffer.getvalue()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    return float(value)


def multi_bars(table: Table) -> bytes | None:
    """Horizontal bars of the % of respondents choosing each option of a select-all table."""
    fig = multi_figure(table)
    return None if fig is None else _png(fig)


def multi_figure(table: Table) -> Any:
    """The matplotlib Figure of :func:`multi_bars` (None when there is nothing to draw)."""
    pct = table.column(PERCENT)  # "%", or "Weighted %" when the run is weighted
    if pct is None:
        return None
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    rows = [row for row, kind in zip(table.rows, kinds, strict=True) if kind == ROW_DATA]
    if not rows:
        return None
    labels = [_wrap(str(row[0])) for row in rows]
    values = [_number(row[pct]) for row in rows]
    axis = "Weighted percent of respondents" if table.columns[pct] != "%" else None
    with _plain_text():
        return _multi_bars(labels, values, [str(row[pct]) for row in rows], axis)


def _multi_bars(
    labels: list[str], values: list[float | None], shown: list[str], axis: str | None = None
) -> Any:
    y, height = _bar_positions(labels, 0.38)
    fig = _new_figure(0.9 + height)
    ax = fig.add_subplot()
    ax.barh(y, [v or 0.0 for v in values], color="#3b6ea5", height=0.25)
    top = max([v for v in values if v is not None] or [1.0])
    for yi, value, text in zip(y, values, shown, strict=True):
        text = f"{value:.1f}%" if value is not None else text
        ax.text((value or 0.0) + top * 0.01, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_ylim(height, 0)  # the table's order (most chosen first) reads top-down
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel(axis or "Percent of respondents")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def likert_segments(table: Table) -> list[tuple[str, list[str], list[Any]]]:
    """The (item label, choice labels, counts) of a Likert battery table, else [].

    A weighted block gives its weighted % in place of counts (the bars are shares).

    A block qualifies when at least two of its categorical items share the same
    four or more choice labels; number items in the block (e.g. the scale score)
    are left out of the chart. A Likert matrix (kind ``likert``) gives each
    statement's percentages of valid answers in place of counts.
    """
    if table.kind == "likert":
        shares = [j for j, c in enumerate(table.columns) if getattr(c, "base", None) == "row"]
        choices = [str(table.columns[j]) for j in shares]
        return [(str(row[0]), choices, [row[j] for j in shares]) for row in table.rows]
    if table.kind != "block" or "n" not in table.columns:
        return []
    # With weights, the bars are the weighted % of those who answered, not the counts.
    n_col = table.columns.index("Weighted %" if "Weighted %" in table.columns else "n")
    segments: list[tuple[str, list[str], list[Any]]] = []
    current: tuple[str, list[str], list[Any]] | None = None
    numeric = False
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        if kind == ROW_HEADING:
            if current is not None and not numeric:
                segments.append(current)
            current, numeric = (str(row[0]), [], []), False
        elif kind == ROW_DATA and current is not None:
            if row[0] in ("", None):
                numeric = True  # a number item's summary row
            else:
                current[1].append(str(row[0]))
                current[2].append(row[n_col])
    if current is not None and not numeric:
        segments.append(current)
    if len(segments) < 2:
        return []
    labels = segments[0][1]
    if len(labels) < 4 or any(seg[1] != labels for seg in segments):
        return []
    return segments


def likert_diverging(table: Table) -> bytes | None:
    """PNG of :func:`likert_figure`."""
    fig = likert_figure(table)
    return None if fig is None else _png(fig)


def likert_figure(table: Table) -> Any:
    """Diverging stacked bars of a Likert battery: disagreement left of 0, agreement right.

    Shares are of valid answers (missing excluded); an odd middle category is
    split across zero. Items with a suppressed count cannot be drawn honestly
    and are left out (the caption in the table notes says why).
    """
    segments = likert_segments(table)
    drawable = [
        (label, [float(c) for c in counts])
        for label, _choices, counts in segments
        if all(_number(c) is not None for c in counts) and sum(float(c) for c in counts) > 0
    ]
    if not drawable:
        return None
    choices = segments[0][1]
    with _plain_text():
        return _likert_figure([_wrap(label) for label, _ in drawable],
                              [counts for _, counts in drawable], choices)  # fmt: skip


def _likert_figure(labels: list[str], rows: list[list[float]], choices: list[str]) -> Any:
    k = len(choices)
    from matplotlib import colormaps

    cmap = colormaps["RdBu"]
    colours = [cmap(0.1 + 0.8 * i / (k - 1)) for i in range(k)]
    if k % 2:
        colours[k // 2] = (0.82, 0.82, 0.82, 1.0)
    y, height = _bar_positions(labels, 0.42)
    fig = _new_figure(1.4 + height)
    ax = fig.add_subplot()
    half = k // 2
    for yi, counts in zip(y, rows, strict=True):
        total = sum(counts)
        shares = [100.0 * c / total for c in counts]
        left = -(sum(shares[:half]) + (shares[half] / 2 if k % 2 else 0.0))
        for i, share in enumerate(shares):
            ax.barh(yi, share, left=left, color=colours[i], height=0.3,
                    label=choices[i] if yi == y[0] else None)  # fmt: skip
            if share >= 6:
                ax.text(left + share / 2, yi, f"{share:.0f}", ha="center", va="center", fontsize=7)
            left += share
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_ylim(height, 0)
    ax.set_xlim(-100, 100)
    ax.set_xticks(range(-100, 101, 25), [f"{abs(v)}" for v in range(-100, 101, 25)])
    ax.set_xlabel("Percent of valid answers")
    ax.spines[["top", "right", "left"]].set_visible(False)
    # A figure-level legend below the axes: constrained layout makes room for it.
    fig.legend(loc="outside lower center", ncol=min(k, 3), fontsize=8, frameon=False)
    return fig


def anova_means(test: dict[str, Any], *, dv_label: str, by_label: str) -> bytes | None:
    """PNG of :func:`means_figure`."""
    fig = means_figure(test, dv_label=dv_label, by_label=by_label)
    return None if fig is None else _png(fig)


def means_figure(test: dict[str, Any], *, dv_label: str, by_label: str) -> Any:
    """Group means with 95% confidence intervals from an ANOVA's ``groups``.

    Groups without a CI (n = 1) cannot be drawn; :func:`omitted_groups` names them so
    the report can say so under the figure.
    """
    groups = _drawable_groups(test)
    if not groups:
        return None
    with _plain_text():
        return _means_figure(groups, dv_label=dv_label, by_label=by_label)


def omitted_groups(test: dict[str, Any]) -> list[str]:
    """Groups of a test that :func:`anova_means` leaves out (no mean or CI, e.g. n = 1)."""
    drawn = {id(g) for g in _drawable_groups(test)}
    return [
        f"{g.get('label', '')} (n = {g.get('n', '')})"
        for g in test.get("groups") or []
        if id(g) not in drawn
    ]


def _drawable_groups(test: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        g
        for g in test.get("groups") or []
        if _number(g.get("mean")) is not None
        and isinstance(g.get("ci95"), list | tuple)
        and all(_number(v) is not None for v in g["ci95"])
    ]


def _means_figure(groups: list[dict[str, Any]], *, dv_label: str, by_label: str) -> Any:
    fig = _new_figure(3.2)
    ax = fig.add_subplot()
    x = list(range(len(groups)))
    means = [float(g["mean"]) for g in groups]
    lower = [m - float(g["ci95"][0]) for m, g in zip(means, groups, strict=True)]
    upper = [float(g["ci95"][1]) - m for m, g in zip(means, groups, strict=True)]
    ax.errorbar(x, means, yerr=[lower, upper], fmt="o", color="#3b6ea5", capsize=5,
                markersize=6, linewidth=1.4)  # fmt: skip
    chars = max(8, int(90 / len(groups)))  # about the room under each of them
    ticks = [f"{_wrap(str(g.get('label', '')), chars)}\n(n = {g.get('n', '')})" for g in groups]
    ax.set_xticks(x, ticks, fontsize=8)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel(_wrap(f"Mean {dv_label}", 50))
    ax.set_xlabel(by_label)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def theme_map(table: Table) -> bytes | None:
    """A map of a theme table: themes → subthemes → codes, each with its n (Fig. 1 of a
    thematic analysis). Withheld counts are written as they are shown ("< 5")."""
    fig = theme_map_figure(table)
    return None if fig is None else _png(fig)


def theme_map_figure(table: Table) -> Any:
    """The matplotlib Figure of :func:`theme_map` (None when the table has no codes)."""
    if table.kind != "themes" or not table.rows:
        return None
    level, n = table.columns.index("Level"), table.columns.index("n")
    nodes = [(str(r[level]), str(r[0]), r[n]) for r in table.rows]
    if not any(kind == "code" for kind, _, _ in nodes):
        return None
    with _plain_text():
        return _theme_map(nodes, any(kind == "subtheme" for kind, _, _ in nodes))


def _theme_map(nodes: list[tuple[str, str, Any]], subthemes: bool) -> Any:
    columns = {"theme": 0, "subtheme": 1, "code": 2 if subthemes else 1}
    x = [0.02, 0.36, 0.66] if subthemes else [0.02, 0.5]
    width = 30 if subthemes else 40
    # The count is never split from its "n =": on the label's last line, or a line of its own.
    labels = []
    for kind, label, value in nodes:
        wrapped = _wrap(label, width if kind == "code" else width - 4).split("\n")
        count = _count(value)
        if len(wrapped[-1]) + len(count) < (width if kind == "code" else width - 4):
            wrapped[-1] += " " + count
        else:
            wrapped.append(count)
        labels.append("\n".join(wrapped))
    lines = [label.count("\n") + 1 for label in labels]
    parents: dict[int, int] = {}
    stack: list[int] = []
    for i, (kind, _, _) in enumerate(nodes):
        while stack and columns[nodes[stack[-1]][0]] >= columns[kind]:
            stack.pop()
        if stack:
            parents[i] = stack[-1]
        stack.append(i)
    # Codes (the leaves) stack top-down; a theme or subtheme sits level with the middle
    # of its children.
    y: list[float] = [0.0] * len(nodes)
    top = 0.0
    for i, (kind, _, _) in enumerate(nodes):
        if kind == "code":
            y[i] = top + _LINE * lines[i] / 2 + 0.06
            top += _LINE * lines[i] + 0.12
    for i in range(len(nodes) - 1, -1, -1):
        children = [j for j, p in parents.items() if p == i]
        if children:
            y[i] = (y[min(children)] + y[max(children)]) / 2
    fig = _new_figure(0.5 + top)
    fig.set_layout_engine("none")  # one axes filling the figure: nothing to lay out
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(top + 0.1, -0.1)
    colours = {"theme": "#3b6ea5", "subtheme": "#7aa6d6", "code": "#eef3f9"}
    for i, (kind, _, _) in enumerate(nodes):
        col = columns[kind]
        ax.text(
            x[col], y[i], labels[i], va="center", ha="left", fontsize=8,
            color="white" if kind != "code" else "black",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": colours[kind], "edgecolor": "#3b6ea5"},
        )  # fmt: skip
        if i in parents:
            p = parents[i]
            # The parent's box ends about its wrap width along (8 pt: ~0.0085 of 7 in a character).
            longest = max(len(line) for line in labels[p].splitlines())
            start = x[columns[nodes[p][0]]] + longest * 0.0085 + 0.02
            mid = (start + x[col]) / 2
            ax.plot([start, mid, mid, x[col] - 0.01], [y[p], y[p], y[i], y[i]],
                    color="#999999", linewidth=0.8)  # fmt: skip
    return fig


def _count(value: Any) -> str:
    """ "(n = 12)", or a withheld count as shown: "(n < 5)", "(n: [c])"."""
    number = _number(value)
    if number is not None:
        return f"(n = {number:.0f})"
    return f"(n {value})" if str(value).startswith("<") else f"(n: {value})"


def change_bars(changes: list[tuple[str, float, bool]]) -> bytes:
    """Horizontal bars of changes in percentage points (new − old); significant ones dark."""
    labels = [_wrap(label) for label, _, _ in changes]
    y, height = _bar_positions(labels, 0.32)
    fig = _new_figure(height + 0.9)
    with _plain_text():
        ax = fig.add_subplot()
        values = [value for _, value, _ in changes]
        colours = ["#1f4e79" if significant else "#9dc3e6" for _, _, significant in changes]
        ax.barh(y, values, height=0.25, color=colours)
        ax.axvline(0, color="#444444", linewidth=0.8)
        ax.set_yticks(y, labels, fontsize=9)
        ax.set_ylim(height, 0)
        ax.set_xlabel("Change, percentage points (new − old)", fontsize=9)
        for pos, value in zip(y, values, strict=True):
            ax.annotate(f"{value:+.1f}", (value, pos), xytext=(3 if value >= 0 else -3, 0),
                        textcoords="offset points", va="center",
                        ha="left" if value >= 0 else "right", fontsize=8)  # fmt: skip
        limit = max(abs(v) for v in values) * 1.25 or 1.0
        ax.set_xlim(-limit, limit)
        ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
