"""Report figures drawn with matplotlib's Agg canvas, returned as PNG bytes.

matplotlib is imported inside the functions (it costs ~0.3 s) and used through
``matplotlib.figure.Figure`` + ``FigureCanvasAgg`` rather than pyplot, so no
GUI backend is ever chosen and no global figure state is left behind.
Cells that small-cell suppression replaced by strings are never plotted as numbers.
"""

from __future__ import annotations

import io
from typing import Any

from surveykit.result import ROW_DATA, ROW_HEADING, Table

_DPI = 150
_WIDTH = 7.0  # inches: fits an A4/Letter text width in Word at 100%
_METADATA = {"Software": None}  # keep the PNG bytes free of the matplotlib version


def _new_figure(height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata=_METADATA)
    return buffer.getvalue()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    return float(value)


def multi_bars(table: Table) -> bytes | None:
    """Horizontal bars of the % of respondents choosing each option of a select-all table."""
    if "%" not in table.columns:
        return None
    pct = table.columns.index("%")
    kinds = table.row_kinds or [ROW_DATA] * len(table.rows)
    rows = [row for row, kind in zip(table.rows, kinds, strict=True) if kind == ROW_DATA]
    if not rows:
        return None
    labels = [str(row[0]) for row in rows]
    values = [_number(row[pct]) for row in rows]
    fig = _new_figure(0.9 + 0.38 * len(rows))
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    ax.barh(y, [v or 0.0 for v in values], color="#3b6ea5", height=0.65)
    top = max([v for v in values if v is not None] or [1.0])
    for yi, (value, row) in enumerate(zip(values, rows, strict=True)):
        text = f"{value:.1f}%" if value is not None else str(row[pct])
        ax.text((value or 0.0) + top * 0.01, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()  # the table's order (most chosen first) reads top-down
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel("Percent of respondents")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def likert_segments(table: Table) -> list[tuple[str, list[str], list[Any]]]:
    """The (item label, choice labels, counts) of a Likert battery block table, else [].

    A block qualifies when at least two of its categorical items share the same
    four or more choice labels; number items in the block (e.g. the scale score)
    are left out of the chart.
    """
    if table.kind != "block" or "n" not in table.columns:
        return []
    n_col = table.columns.index("n")
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
    k = len(choices)
    from matplotlib import colormaps

    cmap = colormaps["RdBu"]
    colours = [cmap(0.1 + 0.8 * i / (k - 1)) for i in range(k)]
    if k % 2:
        colours[k // 2] = (0.82, 0.82, 0.82, 1.0)
    fig = _new_figure(1.4 + 0.42 * len(drawable))
    ax = fig.add_subplot()
    half = k // 2
    for y, (_label, counts) in enumerate(drawable):
        total = sum(counts)
        shares = [100.0 * c / total for c in counts]
        left = -(sum(shares[:half]) + (shares[half] / 2 if k % 2 else 0.0))
        for i, share in enumerate(shares):
            ax.barh(y, share, left=left, color=colours[i], height=0.7,
                    label=choices[i] if y == 0 else None)  # fmt: skip
            if share >= 6:
                ax.text(left + share / 2, y, f"{share:.0f}", ha="center", va="center", fontsize=7)
            left += share
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(range(len(drawable)), [label for label, _ in drawable], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(-100, 100)
    ax.set_xticks(range(-100, 101, 25), [f"{abs(v)}" for v in range(-100, 101, 25)])
    ax.set_xlabel("Percent of valid answers")
    ax.spines[["top", "right", "left"]].set_visible(False)
    # A figure-level legend below the axes: constrained layout makes room for it.
    fig.legend(loc="outside lower center", ncol=min(k, 3), fontsize=8, frameon=False)
    return _png(fig)


def anova_means(test: dict[str, Any], *, dv_label: str, by_label: str) -> bytes | None:
    """Group means with 95% confidence intervals from an ANOVA's ``groups``."""
    groups = [
        g
        for g in test.get("groups") or []
        if _number(g.get("mean")) is not None
        and isinstance(g.get("ci95"), list | tuple)
        and all(_number(v) is not None for v in g["ci95"])
    ]
    if not groups:
        return None
    fig = _new_figure(3.2)
    ax = fig.add_subplot()
    x = list(range(len(groups)))
    means = [float(g["mean"]) for g in groups]
    lower = [m - float(g["ci95"][0]) for m, g in zip(means, groups, strict=True)]
    upper = [float(g["ci95"][1]) - m for m, g in zip(means, groups, strict=True)]
    ax.errorbar(x, means, yerr=[lower, upper], fmt="o", color="#3b6ea5", capsize=5,
                markersize=6, linewidth=1.4)  # fmt: skip
    ax.set_xticks(x, [f"{g.get('label', '')}\n(n = {g.get('n', '')})" for g in groups], fontsize=8)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel(f"Mean {dv_label}")
    ax.set_xlabel(by_label)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
