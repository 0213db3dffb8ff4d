"""Date-time cells: the formats form tools export, and day-first vs month-first.

Read per distinct text, each shape with one explicit format in one vectorised pass
(``pandas.to_datetime(format=...)``), never a per-cell guess:

* ISO 8601 — Qualtrics ``2024-03-04 10:45:04``, ``2024-03-04T10:45:04``,
  ``2024-03-04`` (fractions of a second allowed); ODK/Kobo's
  ``2024-03-04T10:45:04.000+01:00`` is read as the local time written (zone dropped);
* ``3/4/2024 10:45:04`` (Google Forms) and ``3/4/24 10:45:04`` (Microsoft Forms), with
  or without seconds or a time, with or without AM/PM; and ``2024/03/04 …``;
* ``4.3.2024 10:45`` (day first, as German-locale exports write it).

Whether ``3/4/2024`` is 3 April or 4 March is decided by the data (a first field
above 12 means day first, a second field above 12 month first) or stated with
``dayfirst:``; a column where nothing decides is an error saying what to write,
never a silent guess. ``format:`` on the item forces one strftime format.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import SurveyError
from surveykit.ingest.cells import Bad
from surveykit.ingest.csvfile import Column, Locator
from surveykit.questionnaire import Item

_ISO = r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# A zone after an ISO time (ODK/Kobo: 2024-03-04T10:45:04.000+01:00): the time is read
# as the local time written, so days and durations are those the respondent saw.
_ZONE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"
# The two leading fields of 3/4/2024 and 3/4/24, when a time or nothing follows.
_SLASH_FIELDS = r"^(\d{1,2})/(\d{1,2})/(?:\d{2}|\d{4})(?:\s|$)"
# Times after a date, in the order tried (seconds first: the common case).
_TIMES = ("", " %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", " %I:%M:%S%p", " %I:%M%p")


@dataclass(frozen=True)
class DateCells:
    """A date-time item's column, read."""

    values: pd.Series  # datetime64[ns]; NaT when blank or invalid
    bad: dict[int, Bad]  # distinct texts that are no date-time (their cells are missing)


def parse_datetime(raw: Column, item: Item, header: str, locate: Locator) -> DateCells:
    """Values of a date-time item, each shape parsed with its own explicit formats."""
    stripped = raw.stripped()
    texts = pd.Series(stripped, dtype=object)
    todo = (texts != "").to_numpy(dtype=bool, copy=True)
    parsed = np.full(len(stripped), np.datetime64("NaT"), dtype="datetime64[ns]")
    if item.format is not None:
        formats = [item.format]
    else:
        dayfirst = _dayfirst(texts[todo], item, header, raw, locate)
        formats = _formats(dayfirst)
    for fmt in formats:
        if not todo.any():
            break
        candidates = todo.copy()
        subset = texts
        if fmt == "ISO8601":
            candidates &= texts.str.fullmatch(_ISO + _ZONE + "?").fillna(False).to_numpy(bool)
            # Only after a time: the "-04" of a bare date 2024-03-04 is its day.
            subset = texts.str.replace(rf"(:\d{{2}}(?:\.\d+)?){_ZONE}$", r"\1", regex=True)
        if not candidates.any():
            continue
        hit = pd.to_datetime(subset[candidates], format=fmt, errors="coerce").to_numpy(
            dtype="datetime64[ns]"
        )
        ok = ~np.isnat(hit)
        where = np.flatnonzero(candidates)[ok]
        parsed[where] = hit[ok]
        todo[where] = False
    expected = (
        f"in its format {item.format!r}"
        if item.format
        else "(e.g. 2024-03-04 10:45:04, 3/4/2024 10:45:04 or 3/4/24 10:45)"
    )
    bad = {
        int(i): Bad(
            "not a date-time",
            f"{stripped[i]!r} is not a date and time of item {item.id!r} {expected}",
        )
        for i in np.flatnonzero(todo)
    }
    return DateCells(pd.Series(raw.take(parsed), index=pd.RangeIndex(len(raw))), bad)


def _formats(dayfirst: bool | None) -> list[str]:
    """The explicit formats to try, in order."""
    order = "%d/%m" if dayfirst else "%m/%d"
    formats = ["ISO8601"]
    formats += [f"{order}/{year}{t}" for year in ("%Y", "%y") for t in _TIMES]
    formats += [f"%Y/%m/%d{t}" for t in _TIMES]
    formats += [f"%d.%m.{year}{t}" for year in ("%Y", "%y") for t in _TIMES]
    return formats


def _dayfirst(
    texts: pd.Series, item: Item, header: str, raw: Column, locate: Locator
) -> bool | None:
    """Day first (True) or month first (False) for ``3/4/2024``-shaped cells: stated by
    ``dayfirst:``, or decided by a field above 12; None when no cell has that shape."""
    if item.dayfirst is not None:
        return item.dayfirst
    fields = texts.str.extract(_SLASH_FIELDS).dropna()
    if fields.empty:
        return None
    first, second = fields[0].astype(int), fields[1].astype(int)
    day_first, month_first = first > 12, second > 12
    where = f"item {item.id!r}"
    if day_first.any() and month_first.any():
        a = texts[day_first[day_first].index[0]]
        b = texts[month_first[month_first].index[0]]
        raise SurveyError(
            f"{where} holds day-first ({a!r}) and month-first ({b!r}) dates; write "
            "dayfirst: true or dayfirst: false on the item (cells in the other order "
            "are then invalid)",
            file=locate.path,
            column=header,
        )
    if day_first.any() or month_first.any():
        return bool(day_first.any())
    at = fields.index[0]
    d, m = int(first.iloc[0]), int(second.iloc[0])
    row = raw.first_row([at])
    raise SurveyError(
        f"{where}: nothing in the column decides whether {texts[at]!r} is "
        f"{_month(m)} {d} (day/month) or {_month(d)} {m} (month/day); write dayfirst: true "
        "(day/month/year) or dayfirst: false (month/day/year) on the item",
        file=locate.path,
        row=row,
        line=locate(row),
        column=header,
    )


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _month(n: int) -> str:
    return _MONTHS[n - 1]
