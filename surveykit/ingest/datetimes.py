"""Date-time cells: the formats form tools export, and day-first vs month-first.

Read per distinct text, each shape with one explicit format in one vectorised pass
(``pandas.to_datetime(format=...)``), never a per-cell guess:

* ISO 8601 — Qualtrics ``2024-03-04 10:45:04``, ``2024-03-04T10:45:04``,
  ``2024-03-04`` (fractions of a second allowed); ODK/Kobo's
  ``2024-03-04T10:45:04.000+01:00`` is read as the local time written (zone dropped);
* ``3/4/2024 10:45:04`` (Google Forms) and ``3/4/24 10:45:04`` (Microsoft Forms), with
  or without seconds or a time, with or without AM/PM; and ``2024/03/04 …``;
* ``4.3.2024 10:45`` (day first, as German-locale exports write it);
* any of these followed by a zone name, as Google Forms' own CSV download writes
  ``2023/08/01 12:45:38 PM GMT+8``: read as the local time written (zone dropped).

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
_SLASH_FIELDS = r"^(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?:\d{2}|\d{4})(?:\s|$)"
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
        # The user's format, with Python's strftime codes as documented.
        hit = pd.to_datetime(texts[todo], format=item.format, errors="coerce")
        _store(parsed, todo, np.flatnonzero(todo), hit.to_numpy(dtype="datetime64[ns]"))
    else:
        import pyarrow as pa
        import pyarrow.compute as pc

        # Arrow's RE2 and strptime (C++): a million distinct time stamps in seconds.
        cells = _without_zone_name(pa.array(texts.to_numpy(dtype=object), type=pa.string()))
        dayfirst = _dayfirst(cells, texts, todo, item, header, raw, locate)
        iso = todo & _flags(pc.match_substring_regex(cells, f"^(?:{_ISO}{_ZONE}?)$"))
        if iso.any():
            _parse_iso(cells, iso, parsed, todo)
        if todo.any():
            _parse_formats(cells, _formats(dayfirst), parsed, todo)
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


# Google Forms' own CSV download ends its time stamps with the form's zone
# (2023/08/01 12:45:38 PM GMT+8): read, like an ISO zone, as the local time written.
_ZONE_NAME = r"\s+(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?$"


def _without_zone_name(cells):
    import pyarrow.compute as pc

    return pc.replace_substring_regex(cells, pattern=_ZONE_NAME, replacement="")


def _store(parsed: np.ndarray, todo: np.ndarray, where: np.ndarray, hit: np.ndarray) -> None:
    """Record the values read at positions ``where`` (NaT: not read) and take them off ``todo``."""
    ok = ~np.isnat(hit)
    parsed[where[ok]] = hit[ok]
    todo[where[ok]] = False


def _flags(mask) -> np.ndarray:
    """An Arrow boolean array as numpy (null: False)."""
    return mask.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def _parse_iso(cells, iso: np.ndarray, parsed: np.ndarray, todo: np.ndarray) -> None:
    import pyarrow.compute as pc

    # A zone only after a time: the "-04" of a bare date 2024-03-04 is its day.
    local = pc.replace_substring_regex(
        cells, pattern=f"(:\\d{{2}}(?:\\.\\d+)?){_ZONE}$", replacement="\\1"
    )
    left = iso.copy()
    _parse_formats(local, _ISO_FORMATS, parsed, left)
    if left.any():  # fractions of a second, and whatever else ISO 8601 allows
        where = np.flatnonzero(left)
        rest = pd.Series(local.take(where).to_pylist(), dtype=object)
        hit = pd.to_datetime(rest, format="ISO8601", errors="coerce")
        _store(parsed, left, where, hit.to_numpy(dtype="datetime64[ns]"))
    todo &= ~(iso & ~left)


_ISO_FORMATS = [f"%Y-%m-%d{t}" for t in ("", " %H:%M:%S", "T%H:%M:%S", " %H:%M", "T%H:%M")]


def _parse_formats(cells, formats: list[str], parsed: np.ndarray, todo: np.ndarray) -> None:
    """Each format in one pass of Arrow's strptime (C++) over the cells still unread.

    The formats that read a sample of the cells go first, so a column of one shape
    costs one pass; the others then see only what is left (usually nothing).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def attempt(fmt: str, where: np.ndarray) -> np.ndarray:
        hit = pc.strptime(cells.take(pa.array(where)), format=fmt, unit="ns", error_is_null=True)
        # Arrow's %Y also takes "24", as the year 24, which nanoseconds cannot hold: null.
        return hit.to_numpy(zero_copy_only=False).astype("datetime64[ns]")

    sample = np.flatnonzero(todo)[:500]
    reads = [int((~np.isnat(attempt(fmt, sample))).sum()) for fmt in formats]
    ordered = sorted(range(len(formats)), key=lambda i: -reads[i])
    for i in ordered:
        where = np.flatnonzero(todo)
        if not len(where):
            return
        _store(parsed, todo, where, attempt(formats[i], where))


def _formats(dayfirst: bool | None) -> list[str]:
    """The explicit formats to try; two-digit years first (Arrow's %Y would take them)."""
    order = "%d/%m" if dayfirst else "%m/%d"
    formats = [f"{order}/{year}{t}" for year in ("%y", "%Y") for t in _TIMES]
    formats += [f"%Y/%m/%d{t}" for t in _TIMES]
    formats += [f"%d.%m.{year}{t}" for year in ("%y", "%Y") for t in _TIMES]
    return formats


def _dayfirst(
    cells,
    texts: pd.Series,
    todo: np.ndarray,
    item: Item,
    header: str,
    raw: Column,
    locate: Locator,
) -> bool | None:
    """Day first (True) or month first (False) for ``3/4/2024``-shaped cells: stated by
    ``dayfirst:``, or decided by a field above 12; None when no cell has that shape."""
    if item.dayfirst is not None:
        return item.dayfirst
    fields = _slash_fields(cells, todo)
    if fields.empty:
        return None
    first, second = fields[0], fields[1]
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


def _slash_fields(cells, todo: np.ndarray) -> pd.DataFrame:
    """The two leading numbers of each 3/4/2024-shaped cell, indexed by position among
    the distinct texts; other cells are left out."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.extract_regex(cells, _SLASH_FIELDS)
    shaped = _flags(found.is_valid()) & todo
    kept = found.filter(pa.array(shaped))
    out = {
        k: pc.cast(kept.field(name), pa.int64()).to_numpy(zero_copy_only=False)
        for k, name in ((0, "first"), (1, "second"))
    }
    return pd.DataFrame(out, index=np.flatnonzero(shaped))


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _month(n: int) -> str:
    return _MONTHS[n - 1]


# --- for drafting: does a column hold date-times, and in which order? ----------------------

# A cell that may be a date-time: a date of one of the shapes above at its start.
_DATE_START = r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]|$)"


@dataclass(frozen=True)
class Sniffed:
    """How a column's texts read as date-times (see :func:`sniff_datetimes`).

    ``dayfirst`` is True or False when a cell decides the order of ``3/4/2024``-shaped
    dates, None when no cell has that shape or none decides; ``undecided`` is then
    a cell nothing decides (``3/4/2024``), else None.
    """

    dayfirst: bool | None
    undecided: str | None
    values: np.ndarray  # datetime64[ns] per text (NaT for a blank one)


def sniff_datetimes(texts: list[str]) -> Sniffed | None:
    """How distinct, stripped ``texts`` read as date-times with the formats of
    :func:`parse_datetime`; None when some non-blank text is not one, or when the column
    holds day-first and month-first dates (which no single ``dayfirst:`` reads)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = _without_zone_name(pa.array(texts, type=pa.string()))
    todo = np.array([t != "" for t in texts], dtype=bool)
    if not todo.any() or not _flags(pc.match_substring_regex(cells, _DATE_START))[todo].all():
        return None
    fields = _slash_fields(cells, todo)
    day_first = bool((fields[0] > 12).any()) if not fields.empty else False
    month_first = bool((fields[1] > 12).any()) if not fields.empty else False
    if day_first and month_first:
        return None
    dayfirst = True if day_first else False if month_first else None
    undecided = texts[fields.index[0]] if not fields.empty and dayfirst is None else None
    parsed = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[ns]")
    iso = todo & _flags(pc.match_substring_regex(cells, f"^(?:{_ISO}{_ZONE}?)$"))
    if iso.any():
        _parse_iso(cells, iso, parsed, todo)
    if todo.any():
        # Undecided cells read either way; month first only to check that they are dates.
        _parse_formats(cells, _formats(bool(dayfirst)), parsed, todo)
    if todo.any():
        return None
    return Sniffed(dayfirst, undecided, parsed)
