"""A wave comparison laid out as the document model, so every renderer prints it.

:func:`build_wave_report` turns a :class:`~surveykit.waves.WaveComparison` into a
:class:`~surveykit.render.document.Report`: a methods paragraph, an overview table
of every test of change, one table per single/ordinal or select-all item, and a
figure of the largest changes in percentage points. Cells are display strings;
withheld numbers arrive as text (``< 5``, ``[c]``) and are shown as they are.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from surveykit.dates import report_date
from surveykit.render.document import Figure, Report, ReportTable
from surveykit.render.numbers import fmt_cell, fmt_num, fmt_p
from surveykit.result import COUNT, PERCENT, ROW_DATA, ROW_HEADING
from surveykit.waves import TESTS

if TYPE_CHECKING:
    from surveykit.waves import WaveComparison

_ADJUST = {
    "holm": "Holm's step-down method",
    "bonferroni": "the Bonferroni correction",
    "fdr_bh": "the Benjamini–Hochberg procedure",
}
LARGEST = 10  # changes drawn in the figure


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _change(value: Any, unit: str = "") -> str:
    if not _num(value):
        return "" if value is None else str(value)
    return f"{value:+.1f}{unit}" if unit else f"{value:+.2f}"


def _stat(test: dict[str, Any]) -> str:
    if test.get("error"):
        return test["error"]
    if "chi2" in test:
        return f"χ²({test['df']}) = {fmt_num(test['chi2'])}"
    if "z" in test:
        return f"z = {fmt_num(test['z'])}"
    if "t" in test:
        return f"t({fmt_num(test['df'])}) = {fmt_num(test['t'])}"
    return ""


def _flag(test: dict[str, Any]) -> str:
    return "yes" if test.get("significant") else ""


def _ns(entry: dict[str, Any]) -> str:
    return f"{_wave_n(entry, 'old')} → {_wave_n(entry, 'new')}"


def _wave_n(entry: dict[str, Any], wave: str) -> str:
    return fmt_cell(COUNT, entry[wave]["n"])


def _overview(result: WaveComparison) -> tuple[list[list[str]], list[str]]:
    rows: list[list[str]] = []
    kinds: list[str] = []
    for e in result.items:
        if e["type"] in ("single", "ordinal"):
            largest = max(
                (lv for lv in e["levels"] if _num(lv["change_pp"])),
                key=lambda lv: abs(lv["change_pp"]),
                default=None,
            )
            change = (
                f"{_pp(largest['change_pp'])} ({largest['label']})"
                if largest and _num(e.get("change"))
                else _change(e.get("change"))
            )
            rows.append([e["label"], _ns(e), "", "", change, _stat(e), fmt_p(e.get("p")),
                         fmt_p(e.get("p_adjusted")), _flag(e)])  # fmt: skip
            kinds.append(ROW_DATA)
        elif e["type"] == "multi":
            rows.append([f"{e['label']} (% choosing)", _ns(e), "", "", "", "", "", "", ""])
            kinds.append(ROW_HEADING)
            for c in e["choices"]:
                rows.append([f"  {c['label']}", "",
                             fmt_cell(PERCENT, c["old"]["percent"]),
                             fmt_cell(PERCENT, c["new"]["percent"]),
                             _pp(c.get("change_pp")), _stat(c), fmt_p(c.get("p")),
                             fmt_p(c.get("p_adjusted")), _flag(c)])  # fmt: skip
                kinds.append(ROW_DATA)
        else:
            rows.append([f"{e['label']} (mean)", _ns(e), fmt_num(e["old"].get("mean")), fmt_num(e["new"].get("mean")),
                         _change(e.get("change")), _stat(e), fmt_p(e.get("p")),
                         fmt_p(e.get("p_adjusted")), _flag(e)])  # fmt: skip
            kinds.append(ROW_DATA)
    return rows, kinds


def _item_table(number: int, e: dict[str, Any]) -> ReportTable:
    parts = e["levels"] if e["type"] != "multi" else e["choices"]
    rows = [
        [str(p["label"]), fmt_cell(COUNT, p["old"]["n"]), fmt_cell(PERCENT, p["old"]["percent"]),
         fmt_cell(COUNT, p["new"]["n"]), fmt_cell(PERCENT, p["new"]["percent"]),
         _pp(p.get("change_pp"))]
        for p in parts
    ]  # fmt: skip
    base = "answered" if e["type"] != "multi" else "answered (respondents could choose several)"
    notes = [
        f"Percent of respondents who {base}: n = {_wave_n(e, 'old')} (old), "
        f"{_wave_n(e, 'new')} (new). Change in percentage points, new − old."
    ]
    if e["type"] != "multi":
        notes.append(f"{TESTS['chi-square']}: {_sentence(e)}")
    return ReportTable(
        number=number, id=f"wave_{e['item']}", title=f"{e['label']}: old and new wave",
        columns=["", "n (old)", "% (old)", "n (new)", "% (new)", "Change (pts)"], rows=rows,
        row_kinds=[ROW_DATA] * len(rows), align=["l", "r", "r", "r", "r", "r"],
        kind="wave_item", notes=notes,
    )  # fmt: skip


def _pp(value: Any) -> str:
    if not _num(value):
        return "" if value is None else str(value)
    return f"{value:+.1f}"


def _sentence(test: dict[str, Any]) -> str:
    if test.get("error"):
        return test["error"]
    text = f"{_stat(test)}, p {_p_is(test.get('p'))}"
    if test.get("p_adjusted") is not None:
        text += f", adjusted p {_p_is(test['p_adjusted'])}"
    return text + "."


def _p_is(p: Any) -> str:
    shown = fmt_p(p)
    return shown if shown[:1] in "<>" else f"= {shown}"


def _methods(result: WaveComparison) -> list[str]:
    old, new = result.waves["old"], result.waves["new"]
    paragraphs = []
    for name, w in (("Old", old), ("New", new)):
        paragraphs.append(
            f"{name} wave ({w['source']}): {w['received']} responses received, "
            f"{w['excluded']} excluded, {w['analysed']} analysed."
        )
    options = result.options
    count = options.get("comparisons", 0)
    paragraphs.append(
        "Single and ordinal items: the χ² test of the wave × answer table (no continuity "
        "correction); select-all items: a two-proportion z test per choice; numbers and scales: "
        f"Welch's t test of the means. p values were adjusted for {count} comparisons with "
        f"{_ADJUST.get(options.get('adjust', 'holm'), options.get('adjust'))}; a change is "
        f"flagged significant when its adjusted p is below α = {fmt_num(options.get('alpha'))}. "
        "Changes are new − old."
    )
    if options.get("min_cell"):
        n = options["min_cell"]
        paragraphs.append(
            f"Small cells: counts below {n} are shown as \u201c< {n}\u201d; "
            f"\u201c{options.get('symbol', '[c]')}\u201d marks other withheld numbers, and the "
            "test of an item with a withheld cell is not shown; it still counts among the "
            f"{count} comparisons, as p = 1, so the adjusted p shown do not depend on it."
        )
    return paragraphs


def only_in_one_wave(result: WaveComparison) -> list[str]:
    """A note per wave whose file holds items the other lacks (listed, not compared)."""
    notes = []
    for label, listed in (("old", result.only_in_old), ("new", result.only_in_new)):
        if listed:
            names = ", ".join(i["label"] for i in listed)
            notes.append(f"only in the {label} wave, not compared: {names}")
    return notes


def largest_changes(result: WaveComparison, limit: int = LARGEST) -> list[tuple[str, float, bool]]:
    """(label, change in points, significant) of the largest shown changes, largest first."""
    found = []
    for e in result.items:
        if e["type"] in ("single", "ordinal"):
            for lv in e["levels"]:
                if _num(lv["change_pp"]):
                    found.append((f"{e['label']}: {lv['label']}", lv["change_pp"],
                                  bool(e.get("significant"))))  # fmt: skip
        elif e["type"] == "multi":
            for c in e["choices"]:
                if _num(c.get("change_pp")):
                    found.append((f"{e['label']}: {c['label']}", c["change_pp"],
                                  bool(c.get("significant"))))  # fmt: skip
    found.sort(key=lambda f: -abs(f[1]))
    return found[:limit]


def build_wave_report(
    result: WaveComparison, *, generated: date | None = None, figures: bool = True
) -> Report:
    """The formatted document of a wave comparison (figure drawn unless ``figures=False``)."""
    generated = generated or report_date()
    rows, kinds = _overview(result)
    overview = ReportTable(
        number=1, id="changes", title="Changes between the waves",
        columns=["Item", "n (old → new)", "Old", "New", "Change", "Test", "p", "p adj.",
                 "Significant"],
        rows=rows, row_kinds=kinds, align=["l", "r", "r", "r", "r", "l", "r", "r", "l"],
        kind="wave_changes",
        notes=["n: respondents who answered in each wave. Old and New: % choosing, or the mean. "
               "Change: new − old, in percentage points (for a distribution, of the answer that "
               "changed most) or in the item's units (means). Significant: adjusted p below α."],
    )  # fmt: skip
    tables = [overview]
    for e in result.items:
        if e["type"] in ("single", "ordinal", "multi"):
            tables.append(_item_table(len(tables) + 1, e))
    if figures:
        changes = largest_changes(result)
        if changes:
            from surveykit.render.figures import change_bars

            png = change_bars(changes)
            caption = f"The {len(changes)} largest changes (percentage points, new − old)"
            tables[0] = ReportTable(
                **{**tables[0].__dict__,
                   "figures": [Figure(1, caption, png, alt=f"Horizontal bar chart: {caption}",
                                      notes=["Dark bars: significant after adjustment."])]},
            )  # fmt: skip
    old, new = result.waves["old"], result.waves["new"]
    return Report(
        title=f"{result.title or result.survey}: changes between waves",
        generated=f"{generated.day} {generated:%B %Y}",
        methods=_methods(result),
        data_notes=[*only_in_one_wave(result), *result.notes],
        tables=tables,
        test_tables=[],
        test_figures=[],
        quotes=[],
        respondents=(
            f"Old wave {old['source']}: analysed {old['analysed']} (received {old['received']}, "
            f"excluded {old['excluded']}); new wave {new['source']}: analysed {new['analysed']} "
            f"(received {new['received']}, excluded {new['excluded']})"
        ),
    )
