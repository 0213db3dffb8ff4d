"""Response-rate tables: respondents over headcount, per unit of the staff population.

:func:`survey_rate_table` gives the whole survey's rates (overall, per level of each
population item, and per joint cell when the population has ``cells:``);
:func:`unit_rate_table` a unit's (``--where dept == "Surgery"``, a ``--split`` unit).
Both are built by :func:`_rate_table`, so the two look and are protected alike.

A rate table is a block: one heading per item, its levels, then who did not state
it, so each heading's respondents add up to those the table describes. Joint cells
add more that a reader knows, which small-cell protection must be told
(:attr:`~surveykit.result.Table.within`, :attr:`~surveykit.result.Table.caps`): a
joint cell's respondents are among each of its levels' (32 − 21 − 8 would
otherwise give a "< 5" back), and no unit has more respondents than its headcount.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from surveykit.result import (
    COUNT,
    INTEGER,
    LABEL,
    PERCENT,
    ROW_DATA,
    ROW_HEADING,
    ROW_MISSING,
    Column,
    Table,
)

if TYPE_CHECKING:
    from surveykit.ingest import Responses
    from surveykit.population import Population

NOT_STATED = "Not stated"
NO_CELL = "Not stated, or in no cell"
JOINT = " × "  # between the items of a joint block's heading (and its ``items`` entry)
LEVELS = " / "  # between the levels of a joint cell's label
RATE_NOTE = (
    "Response rate = completed questionnaires analysed / eligible staff (headcount). "
    "Every eligible member of staff was invited (a census), so, as in AAPOR's response "
    "rate 1, no sampling or eligibility estimate enters the rate; respondents who did "
    "not state a unit count in the overall rate only."
)
JOINT_NOTE = (
    "{items}: respondents / headcount of each joint cell of the population file (a "
    "respondent who did not state each of {names} is in none)."
)
UNIT_RATE_NOTE = (
    "Response rate = completed questionnaires analysed / eligible staff (headcount) of "
    "this unit. Every eligible member of staff was invited (a census), so, as in AAPOR's "
    "response rate 1, no sampling or eligibility estimate enters the rate."
)
NO_RATE = (
    "No response rate for this subset: the headcounts are of {items}, and the subset "
    "({where}) is not one of their levels."
)


class _Rows:
    """The rows of a rate table as they are added, with their kinds and headcounts."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.kinds: list[str] = []
        self.caps: list[tuple[int, float]] = []

    def unit(self, label: str, respondents: int, headcount: float | None) -> int:
        """A row of respondents / headcount; its index."""
        rate = None if headcount is None else _rate(respondents, headcount)
        head = None if headcount is None else _whole(headcount)
        self.rows.append([label, respondents, head, rate])
        self.kinds.append(ROW_DATA)
        if headcount is not None and math.isfinite(headcount):
            self.caps.append((len(self.rows) - 1, float(headcount)))
        return len(self.rows) - 1

    def heading(self, label: str) -> None:
        self.rows.append([label, None, None, None])
        self.kinds.append(ROW_HEADING)

    def rest(self, label: str, respondents: int) -> None:
        """Who is in none of the heading's levels (shown only when there are some)."""
        if respondents:
            self.rows.append([label, respondents, None, None])
            self.kinds.append(ROW_MISSING)


def survey_rate_table(responses: Responses, population: Population) -> Table:
    """Respondents / headcount overall, per level of each population item and per joint cell.

    The joint block (population ``cells:`` of two or more items) follows the items'
    blocks; its cells are tied to their levels' rows for small-cell protection.
    """
    from surveykit.population import response_rates

    data = responses.data
    rates = response_rates(data, population)
    labels = {i.id: i.label for i in responses.questionnaire.items}
    out = _Rows()
    overall = rates[0]
    out.unit("All staff", overall.respondents, overall.headcount)
    level_row: dict[tuple[str, str], int] = {}
    for item in population.margins:
        out.heading(labels.get(item, item))
        these = [r for r in rates if r.item == item]
        for r in these:
            level_row[(item, str(r.level))] = out.unit(str(r.level), r.respondents, r.headcount)
        out.rest(NOT_STATED, overall.respondents - sum(r.respondents for r in these))
    items = list(population.margins)
    notes = [RATE_NOTE]
    within: dict[int, list[int]] = {}
    joint = population.cell_items
    if len(joint) >= 2:
        out.heading(JOINT.join(labels.get(i, i) for i in joint))
        columns = [data[i].astype(object).to_numpy() for i in joint]
        placed = 0
        for levels, headcount in population.cells:
            inside = np.logical_and.reduce(
                [col == levels[i] for col, i in zip(columns, joint, strict=True)]
            )
            n = int(inside.sum())
            placed += n
            row = out.unit(LEVELS.join(levels[i] for i in joint), n, headcount)
            for i in joint:
                if (i, levels[i]) in level_row:
                    within.setdefault(level_row[(i, levels[i])], []).append(row)
        stated = np.logical_and.reduce([~data[i].isna().to_numpy() for i in joint])
        left = overall.respondents - placed
        # Respondents who answered every item in a combination the file has no cell for.
        label = NOT_STATED if left == int((~stated).sum()) else NO_CELL
        out.rest(label, left)
        items.append(JOINT.join(joint))
        names = [labels.get(i, i) for i in joint]
        notes.append(JOINT_NOTE.format(items=JOINT.join(names), names=", ".join(names)))
    return _rate_table(out, items, notes, within)


def unit_rate_table(
    responses: Responses, population: Population, where: str, domain: np.ndarray | None
) -> tuple[Table | None, str | None]:
    """The response rate of a unit of the population, or a note saying why there is none.

    For ``item == level``: the unit's respondents over its headcount and, where the
    population's joint ``cells:`` cross ``item`` with other items, per level of each
    of them within the unit (so that a ward's report shows its professions' rates).
    """
    from surveykit.domains import unit_of

    unit = unit_of(where)
    items = ", ".join(population.margins)
    if unit is None or unit[0] not in population.margins:
        return None, NO_RATE.format(items=items, where=where)
    item, level = unit
    headcount = population.margins[item].get(level)
    if headcount is None:
        return None, NO_RATE.format(items=items, where=where)
    keep = domain if domain is not None else np.ones(responses.analysed, dtype=bool)
    inside = responses.data[keep]
    labels = {i.id: i.label for i in responses.questionnaire.items}
    n = int(keep.sum())
    out = _Rows()
    out.unit(f"{labels.get(item, item)}: {level}", n, headcount)
    shown = []
    if item in population.cell_items:
        for other in population.cell_items:
            if other == item:
                continue
            counts = inside[other].value_counts()
            heads: dict[str, float] = {}
            for levels, count in population.cells:
                if levels[item] == level:
                    heads[levels[other]] = heads.get(levels[other], 0.0) + count
            out.heading(labels.get(other, other))
            stated = 0
            for lv, head in heads.items():
                k = int(counts.get(lv, 0))
                stated += k
                out.unit(lv, k, head)
            out.rest(NOT_STATED, n - stated)
            shown.append(other)
    # As the whole survey's table: the first row stands alone, each heading's rows
    # (levels and Not stated) add up to the unit's respondents.
    return _rate_table(out, shown, [UNIT_RATE_NOTE], {}), None


def _rate_table(
    out: _Rows, items: list[str], notes: list[str], within: dict[int, list[int]]
) -> Table:
    """The one place a response-rate table is made."""
    return Table(
        id="response_rates",
        title="Response rates",
        columns=[
            Column("", LABEL),
            Column("Respondents", COUNT),
            Column("Headcount", INTEGER),
            Column("Rate %", PERCENT, of="Respondents"),
        ],
        rows=out.rows,
        kind="block",
        row_kinds=out.kinds,
        items=items,
        notes=list(notes),
        percent_base=None,
        within=tuple((row, tuple(parts)) for row, parts in within.items()),
        caps=tuple(out.caps),
    )


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _rate(respondents: int, headcount: float) -> float | None:
    return 100.0 * respondents / headcount if headcount > 0 and math.isfinite(headcount) else None
