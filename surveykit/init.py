"""``surveykit init``: draft a questionnaire from an export, for a person to check and edit.

Every column of the export becomes an item whose type is guessed from its cells:
time stamps as ``datetime`` items (``dayfirst:`` when a cell decides it; text and a
comment when none does, never a guess); other metadata (e-mail, name, IP address,
Qualtrics', SurveyMonkey's and Kobo's bookkeeping) as ``report: false`` text; numbers
with their observed range; answers that match a known response scale (agreement,
frequency, satisfaction, likelihood, importance, quality, extent, yes/maybe/no) as
ordinal items with the choices in scale order, ``Question [Row]`` columns of one
scale as a grid, and a scale several items share as a choice set; a few distinct
answers as single choice; cells made of recurring parts joined by a separator as
select-all; anything else as text. SPSS files give their variable labels as question
texts and their value labels as choices. Each guess a person should check carries a
YAML comment saying what was seen. A start and an end time (or Qualtrics' measured
duration) give a commented-out speeder rule with the median time they show.

Only distinct cell texts are examined (with their counts), so drafting from a large
export costs about as much as reading it.
"""

from __future__ import annotations

import json
import keyword
import re
from calendar import month_name
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from surveykit.errors import SurveyError
from surveykit.ingest.csvfile import Table, Variable
from surveykit.ingest.datetimes import Sniffed, sniff_datetimes

# Headers (case, spaces and punctuation ignored) of columns that are about the response,
# not answers: Google Forms, Microsoft Forms, Qualtrics, SurveyMonkey, LimeSurvey, Kobo.
_METADATA = {
    "timestamp", "starttime", "completiontime", "endtime", "lastmodifiedtime", "email",
    "emailaddress", "name", "firstname", "lastname", "ipaddress", "ip", "startdate",
    "enddate", "recordeddate", "status", "progress", "durationinseconds", "duration",
    "finished", "recipientlastname", "recipientfirstname", "recipientemail",
    "externalreference", "externaldatareference", "locationlatitude", "locationlongitude",
    "distributionchannel", "userlanguage", "collectorid", "customdata1", "submitdate",
    "lastpage", "startlanguage", "seed", "datestamp", "refurl", "responseid", "id",
    "respondentid", "submissiondate", "submittedat", "start", "end", "today", "deviceid",
    "uuid", "submissiontime",
}  # fmt: skip
_ID_HEADERS = ("responseid", "id", "respondentid")
_BUILT_IN_SEPARATORS = (", ", ";", ",")
_SEPARATORS = ("|", ";", ", ", ",", " / ")
_MAX_CHOICES = 12

# Response scales: each wording's position on its scale (higher = more). Wordings of
# Google Forms and SurveyMonkey templates, Qualtrics' and LimeSurvey's predefined scales.
_SCALES: dict[str, dict[str, float]] = {
    "agreement": {
        "strongly disagree": -3, "completely disagree": -3, "totally disagree": -3,
        "disagree": -2, "mostly disagree": -1.5, "somewhat disagree": -1,
        "slightly disagree": -1, "tend to disagree": -1, "disagree somewhat": -1,
        "neither agree nor disagree": 0, "neither agree or disagree": 0,
        "neither disagree nor agree": 0, "neutral": 0, "undecided": 0,
        "agree somewhat": 1, "somewhat agree": 1, "slightly agree": 1, "tend to agree": 1,
        "mostly agree": 1.5, "agree": 2, "strongly agree": 3, "completely agree": 3,
        "totally agree": 3,
    },
    "frequency": {
        "never": 0, "almost never": 0.5, "rarely": 1, "seldom": 1, "sometimes": 2,
        "occasionally": 2, "often": 3, "frequently": 3, "usually": 3.5, "most of the time": 3.5,
        "very often": 3.5, "almost always": 3.7, "always": 4,
    },
    "satisfaction": {
        "extremely dissatisfied": -4, "very dissatisfied": -3, "completely dissatisfied": -4,
        "moderately dissatisfied": -2, "dissatisfied": -2, "somewhat dissatisfied": -1.5,
        "slightly dissatisfied": -1, "neither satisfied nor dissatisfied": 0,
        "neither satisfied or dissatisfied": 0, "neutral": 0, "slightly satisfied": 1,
        "somewhat satisfied": 1.5, "satisfied": 2, "moderately satisfied": 2,
        "very satisfied": 3, "extremely satisfied": 4, "completely satisfied": 4,
    },
    "likelihood": {
        "extremely unlikely": -4, "very unlikely": -3, "unlikely": -2, "somewhat unlikely": -1,
        "neither likely nor unlikely": 0, "neutral": 0, "somewhat likely": 1, "likely": 2,
        "very likely": 3, "extremely likely": 4, "definitely will not": -2,
        "probably will not": -1, "might or might not": 0, "probably will": 1,
        "definitely will": 2, "definitely not": -2, "probably not": -1, "probably yes": 1,
        "definitely yes": 2,
    },
    "importance": {
        "not at all important": 0, "not important": 0.5, "unimportant": 0.5,
        "of little importance": 1, "slightly important": 1, "low importance": 1,
        "moderately important": 2, "somewhat important": 2, "neutral": 2, "important": 3,
        "very important": 4, "extremely important": 5,
    },
    "quality": {
        "terrible": -1, "very poor": 0, "poor": 1, "fair": 2, "average": 2, "good": 3,
        "very good": 4, "excellent": 5,
    },
    "extent": {
        "not at all": 0, "a little": 1, "slightly": 1, "a little bit": 1, "somewhat": 2,
        "moderately": 2, "quite a bit": 3, "very much": 4, "a great deal": 4, "extremely": 4,
    },
    "yes_maybe_no": {"no": 0, "maybe": 1, "not sure": 1, "unsure": 1, "uncertain": 1, "yes": 2},
}  # fmt: skip
_SCALES["frequency"]["about half the time"] = 2.5
# Whole scales as the tools offer them (smallest first within a family): answers that
# fit one are drafted with all its points, so a point nobody chose still has its code.
_FULL_SCALES: dict[str, list[tuple[str, ...]]] = {
    "agreement": [
        ("strongly disagree", "disagree", "agree", "strongly agree"),
        ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
        ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
        ("strongly disagree", "somewhat disagree", "neither agree nor disagree", "somewhat agree", "strongly agree"),
        ("strongly disagree", "disagree", "slightly disagree", "slightly agree", "agree", "strongly agree"),
        ("strongly disagree", "disagree", "somewhat disagree", "neither agree nor disagree", "somewhat agree", "agree", "strongly agree"),
    ],
    "frequency": [
        ("never", "rarely", "sometimes", "often", "always"),
        ("never", "rarely", "sometimes", "very often", "always"),
        ("never", "sometimes", "about half the time", "most of the time", "always"),
    ],
    "satisfaction": [
        ("very dissatisfied", "dissatisfied", "satisfied", "very satisfied"),
        ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
        ("very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied", "very satisfied"),
        ("extremely dissatisfied", "somewhat dissatisfied", "neither satisfied nor dissatisfied", "somewhat satisfied", "extremely satisfied"),
        ("extremely dissatisfied", "moderately dissatisfied", "slightly dissatisfied", "neither satisfied nor dissatisfied", "slightly satisfied", "moderately satisfied", "extremely satisfied"),
    ],
    "likelihood": [
        ("very unlikely", "unlikely", "likely", "very likely"),
        ("very unlikely", "unlikely", "neutral", "likely", "very likely"),
        ("extremely unlikely", "somewhat unlikely", "neither likely nor unlikely", "somewhat likely", "extremely likely"),
        ("definitely will not", "probably will not", "might or might not", "probably will", "definitely will"),
    ],
    "importance": [
        ("not important", "slightly important", "moderately important", "important", "very important"),
        ("not at all important", "slightly important", "moderately important", "very important", "extremely important"),
    ],
    "quality": [
        ("poor", "fair", "good", "excellent"),
        ("very poor", "poor", "fair", "good", "excellent"),
        ("poor", "fair", "good", "very good", "excellent"),
        ("terrible", "poor", "average", "good", "excellent"),
    ],
    "extent": [
        ("not at all", "a little", "somewhat", "quite a bit", "very much"),
        ("not at all", "a little", "moderately", "quite a bit", "extremely"),
    ],
    "yes_maybe_no": [("no", "maybe", "yes"), ("no", "not sure", "yes"), ("no", "unsure", "yes")],
}  # fmt: skip
# Answers that are not a point of any scale: user-missing, listed under `missing:`.
_NON_ANSWERS = {
    "dont know", "i dont know", "do not know", "not applicable", "n/a", "na",
    "prefer not to say", "prefer not to answer", "no opinion", "cant say", "cannot say",
    "does not apply", "not sure / dont know", "dont know / not sure", "no answer",
}  # fmt: skip
# A leading "1 - ", "5 = ", "3. " (numbered scale wordings) is ignored when matching.
_NUMBERED = re.compile(r"^\s*\d+\s*(?:[-=.:)]|–)\s*")


def scale_key(text: str) -> str:
    """A wording as compared with the scales: case, apostrophes, numbering, spaces ignored."""
    text = _NUMBERED.sub("", text).casefold().replace("’", "'").replace("'", "")
    return " ".join(re.sub(r"[^\w/ ]+", " ", text).split())


@dataclass
class Draft:
    """One drafted item, rendered as YAML by :func:`render`."""

    id: str
    text: str
    type: str
    column: object = None  # a header alias, or {header, occurrence}
    choices: list[str] = field(default_factory=list)
    codes: list[float] | None = None  # explicit codes (SPSS value labels)
    other: bool = False
    separator: str | None = None
    missing: list[str] = field(default_factory=list)
    report: bool = True
    comment: str = ""
    decimal: str | None = None  # "," when the cells are decimal-comma numbers (3,5)
    thousands: bool = False  # the cells group thousands with commas (1,234.5)
    dayfirst: bool | None = None  # date-times whose cells decide day/month order
    rows: list[str] = field(default_factory=list)  # a grid's row labels
    numbered: bool = False  # a grid's rows have ids 1, 2, 3 … (long statements)
    scale: str | None = None  # the response scale the choices are (agreement, frequency …)


@dataclass
class DraftQuestionnaire:
    title: str
    respondent_id: str | None
    items: list[Draft]
    source: str
    speeder: str | None = None  # a commented-out speeder rule, when the times allow one

    @property
    def counted(self) -> str:
        """The items as ``validate`` counts them (a grid's rows are items), e.g. "15 items
        (2 of them rows of 1 grid)"."""
        grids = [item for item in self.items if item.rows]
        total = sum(len(item.rows) or 1 for item in self.items)
        if not grids:
            return f"{total} items"
        rows = sum(len(grid.rows) for grid in grids)
        return f"{total} items ({rows} of them rows of {len(grids)} grid{'s' * (len(grids) > 1)})"


def draft_questionnaire(
    path: Path, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
) -> DraftQuestionnaire:
    """A draft questionnaire for the export at ``path`` (CSV/TSV, .xlsx or .sav)."""
    from surveykit.ingest.readers import read_responses_table

    table = read_responses_table(path, encoding, delimiter, sheet)
    try:
        return draft_from_table(table, title=path.stem.replace("_", " "), source=path.name)
    except SurveyError as exc:
        exc.file = exc.file or path
        raise


def draft_from_table(table: Table, *, title: str, source: str) -> DraftQuestionnaire:
    blank_rows = _blank_rows(table)
    used_ids: set[str] = set()
    items: list[Draft] = []
    respondent_id = None
    occurrences = Counter(_norm(h) for h in table.headers)
    seen: Counter[str] = Counter()
    grouped = _option_groups(table)
    skip = {j for cols in grouped.values() for j in cols}
    grids = _grid_groups(table, skip, occurrences)
    # Date-time columns and Qualtrics' Duration (in seconds), for a speeder rule.
    moments: dict[int, tuple[Draft, Sniffed, set[str]]] = {}
    durations: dict[int, Draft] = {}
    for j, header in enumerate(table.headers):
        key = _norm(header)
        seen[key] += 1
        if not key:
            continue
        if j in grouped:
            items.append(_option_group_item(table, grouped[j], used_ids))
            continue
        if j in skip:
            continue
        grid = _grid_item(table, grids[j], used_ids) if j in grids else None
        if grid is not None:
            items.append(grid)
            skip.update(grids[j].columns)
            continue
        name, text = _split_header(header)
        column: object = name if name != text else None
        if occurrences[key] > 1:
            column = {"header": text, "occurrence": seen[key]}
        if (
            respondent_id is None
            and _compact(name) in _ID_HEADERS
            and _is_unique_id(table, j, blank_rows)
        ):
            respondent_id = name
            continue
        metadata = _compact(name) in _METADATA or _compact(text) in _METADATA
        times = _times(table, j)
        if times is not None:
            draft = _datetime_draft(times, metadata)
            moments[j] = (draft, times, {_compact(name), _compact(text)})
        elif metadata and _compact(name) in _DURATIONS and _seconds(table, j) is not None:
            draft = Draft(id="", text="", type="number", report=False)
            draft.comment = "seconds from start to end: read (the speeder rule may use it)"
            durations[j] = draft
        elif metadata:
            draft = Draft(id="", text="", type="text", report=False)
            draft.comment = "metadata: read (rules may use it), not tabulated"
        elif name.upper().endswith("_TEXT"):
            # Qualtrics' typed "other" answers: free text whatever they look like.
            draft = Draft(id="", text="", type="text", comment="typed 'other' answers")
        else:
            draft = _guess(table, j, table.variables.get(j))
        draft.id = _unique_id(_slug(name if name != text else text), used_ids)
        # Qualtrics appends " - Selected Choice" to choice questions that have an other box.
        draft.text = re.sub(r"\s+-\s+Selected Choice$", "", text) if column else text
        draft.column = column
        items.append(draft)
    if not items:
        raise SurveyError("has no named columns to draft items from (the header row is empty)")
    return DraftQuestionnaire(
        title=title,
        respondent_id=respondent_id,
        items=items,
        source=source,
        speeder=_speeder(table, moments, durations),
    )


# --- one column ------------------------------------------------------------------------


def _counts(table: Table, j: int) -> tuple[list[str], np.ndarray]:
    """Distinct stripped texts of column ``j`` and how many rows hold each (blank merged)."""
    column = table.column(j)
    per_unique = np.bincount(column.codes, minlength=len(column.uniques))
    merged: dict[str, int] = {}
    for text, n in zip(column.stripped(), per_unique.tolist(), strict=True):
        if n:
            merged[text] = merged.get(text, 0) + n
    return list(merged), np.array(list(merged.values()), dtype=np.int64)


def _guess(table: Table, j: int, variable: Variable | None) -> Draft:
    values, counts = _counts(table, j)
    answered = {v: int(n) for v, n in zip(values, counts, strict=True) if v != ""}
    n = sum(answered.values())
    draft = Draft(id="", text="", type="text")
    if not answered:
        draft.comment = "no answers in the file: set the type"
        return draft
    if variable is not None and set(variable.labels.values()) - set(variable.missing):
        return _from_value_labels(draft, answered, variable)
    # An SPSS number whose only labels are its missing codes (999 = "No answer").
    user_missing = [v for v in (variable.missing if variable else ()) if v in answered]
    plain = {v: c for v, c in answered.items() if v not in user_missing}
    numbers = _as_numbers(plain)
    marks = None if numbers else _comma_numbers(plain)
    if marks is not None:
        numbers, draft.decimal = marks, ","
    elif numbers and any(_GROUPED.fullmatch(v) for v in plain):
        draft.thousands = True
    if numbers:
        lo, hi = min(numbers), max(numbers)
        draft.type = "number"
        draft.missing = user_missing
        counted = sum(c for v, c in answered.items() if v not in user_missing)
        draft.comment = f"observed {_num(lo)} to {_num(hi)} in {counted} answers: set min/max"
        if draft.decimal:
            draft.comment += "; decimal commas (3,5)"
        elif draft.thousands:
            draft.comment += (
                '; "1,234" read as a thousand: if "," is the decimal mark, write decimal: ","'
            )
        whole = all(float(x).is_integer() for x in numbers)
        if whole and len(numbers) <= 7 and lo >= 0 and hi <= 10:
            draft.comment += "; if these are codes of a rating scale, make it ordinal"
        return draft
    if _is_prose(answered):
        draft.comment = f"free text ({len(answered)} distinct answers)"
        return draft
    scale = _match_scale(answered)
    if scale is not None:
        name, labels, missing = scale
        draft.type = "ordinal"
        draft.choices = labels
        draft.scale = name
        draft.missing = missing
        draft.comment = f"{name.replace('_', '/')} scale, codes 1..{len(labels)} in this order"
        if missing:
            draft.comment += f"; {', '.join(missing)} not a score (missing:)"
        return draft
    multi = _match_multi(answered)
    if multi is not None:
        separator, labels, others = multi
        draft.type = "multi"
        draft.choices = labels
        draft.separator = separator if separator not in _BUILT_IN_SEPARATORS else None
        draft.other = others > 0
        draft.comment = f"select-all: parts joined by {separator!r}"
        if others:
            draft.comment += f"; {others} rare part(s) counted as Others"
        return draft
    ordered = _choice_order(answered)
    if len(ordered) <= _MAX_CHOICES and max(answered.values()) >= 2:
        draft.type = "single"
        draft.choices = _dedupe(ordered)
        draft.comment = f"{len(ordered)} distinct answers: check their order"
        return draft
    common = [v for v in ordered if answered[v] >= max(2, 0.02 * n)]
    rare = n - sum(answered[v] for v in common)
    if 2 <= len(common) <= _MAX_CHOICES and rare <= 0.2 * n:
        draft.type = "single"
        draft.choices = _dedupe(common)
        draft.other = True
        draft.comment = (
            f"{len(ordered)} distinct answers; {rare} rare one(s) counted as Others: check"
        )
        return draft
    draft.comment = f"free text ({len(ordered)} distinct answers)" if len(ordered) > 1 else ""
    return draft


def _from_value_labels(draft: Draft, answered: dict[str, int], variable: Variable) -> Draft:
    """A labelled SPSS variable: its value labels, in code order, are the choices."""
    valid = [(k, v) for k, v in variable.labels.items() if v not in variable.missing]
    draft.choices = _dedupe([v for _, v in valid])
    codes = [k for k, _ in valid]
    numeric = all(isinstance(k, float) for k in codes)
    draft.codes = codes if numeric and len(set(codes)) == len(codes) else None
    draft.missing = list(variable.missing)
    known = set(draft.choices) | set(draft.missing)
    unlabelled = [v for v in answered if v not in known]
    draft.type = "ordinal" if variable.measure in ("ordinal", "scale") else "single"
    if unlabelled:
        draft.other = draft.type == "single"
        if draft.type == "ordinal":
            draft.type = "single"
            draft.other = True
    draft.comment = f"SPSS value labels, measure {variable.measure}"
    if unlabelled:
        draft.comment += f"; {len(unlabelled)} unlabelled value(s) counted as Others"
    return draft


_LEADING_NUMBER = re.compile(r"^\s*(?:[<>≤≥]\s*)?(\d+(?:\.\d+)?)")


def _choice_order(answered: dict[str, int]) -> list[str]:
    """Most frequent first; but answers that start with a number ("1–3 PSS", "10+ years")
    in numeric order, the others after them."""
    ordered = sorted(answered, key=lambda v: (-answered[v], v))
    numbered = {v: float(m[1]) for v in ordered if (m := _LEADING_NUMBER.match(v))}
    if len(numbered) >= max(2, len(ordered) - 2):
        return sorted(numbered, key=lambda v: numbered[v]) + [
            v for v in ordered if v not in numbered
        ]
    return ordered


def _is_prose(answered: dict[str, int]) -> bool:
    """Sentences, not labels: line breaks, or most answers ending like a sentence."""
    if any("\n" in v for v in answered):
        return True
    ends = sum(1 for v in answered if v.endswith((".", "!", "?")) and len(v) > 12)
    return ends >= max(2, 0.5 * len(answered))


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _comma_numbers(answered: dict[str, int]) -> list[float] | None:
    """The values when the cells are decimal-comma numbers (at least one "3,5"), else None."""
    if not answered or not any(_DECIMAL_COMMA.fullmatch(v) for v in answered):
        return None
    if not all(_DECIMAL_COMMA.fullmatch(v) or re.fullmatch(r"[+-]?\d+", v) for v in answered):
        return None
    if all(_GROUPED.fullmatch(v) or "," not in v for v in answered):
        return None  # only "1,234" shapes: thousands or decimals, _as_numbers decides to ask
    return [float(v.replace(",", ".")) for v in answered]


def _as_numbers(answered: dict[str, int]) -> list[float] | None:
    out = []
    for v in answered:
        try:
            x = float(v.replace(",", "")) if _GROUPED.fullmatch(v) else float(v)
        except ValueError:
            return None
        if x != x or x in (float("inf"), float("-inf")):
            return None
        out.append(x)
    return out


def _match_scale(answered: dict[str, int]) -> tuple[str, list[str], list[str]] | None:
    """(scale name, labels in order, non-answers) when every answer is a wording of one scale.

    When the answers fit one of the tools' whole scales, its points nobody chose are added
    (in its wording), so codes 1..k are those of the scale the respondents saw.
    """
    keys = {v: scale_key(v) for v in answered}
    missing = [v for v, k in keys.items() if k in _NON_ANSWERS]
    points = {k: v for v, k in keys.items() if k not in _NON_ANSWERS}
    if len(points) < 3 or len(points) < len(answered) - len(missing):
        return None  # two points are a yes/no question; or two spellings of one point
    for name, scale in _SCALES.items():
        if not all(k in scale for k in points):
            continue
        ranks = [scale[k] for k in points]
        if len(set(ranks)) != len(ranks):
            continue  # two wordings of one point: not a clean scale
        whole = next((f for f in _FULL_SCALES[name] if set(points) <= set(f)), None)
        if whole is not None:
            labels = [points.get(k) or _unseen_point(k, i, points) for i, k in enumerate(whole)]
        else:
            labels = [points[k] for k in sorted(points, key=lambda k: scale[k])]
        low = 3 if name == "yes_maybe_no" else 4
        if low <= len(labels) <= 7:
            return name, labels, missing
    labels = _match_degrees(points)
    if labels is not None and 4 <= len(labels) <= 7:
        return "degree", labels, missing
    return None


# "Not at all / Not so / Somewhat / Very / Extremely <word>" (SurveyMonkey) and "Not at all /
# Slightly / Moderately / Very / Extremely <word>" (Qualtrics), for any word: satisfied,
# likely, important, confident, familiar…
_DEGREES = {
    "not at all": 0, "not so": 1, "not very": 1, "slightly": 1, "a little": 1, "somewhat": 2,
    "moderately": 2, "fairly": 2, "very": 3, "extremely": 4, "completely": 4,
}  # fmt: skip
_DEGREE_SCALES = [
    ("not at all", "not so", "somewhat", "very", "extremely"),
    ("not at all", "slightly", "moderately", "very", "extremely"),
]
_DEGREE = re.compile(r"^(" + "|".join(sorted(_DEGREES, key=len, reverse=True)) + r") (\S.*)$")


def _match_degrees(points: dict[str, str]) -> list[str] | None:
    """Labels in order when every answer is a degree of one word ("Very satisfied")."""
    found = {k: _DEGREE.match(k) for k in points}
    if not all(found.values()) or len({m[2] for m in found.values()}) != 1:
        return None
    degrees = {m[1]: points[k] for k, m in found.items()}  # type: ignore[index]
    if len({_DEGREES[d] for d in degrees}) != len(degrees):
        return None
    word = next(iter(found.values()))[2]  # type: ignore[index]
    whole = next((f for f in _DEGREE_SCALES if set(degrees) <= set(f)), None)
    if whole is None:
        return sorted(degrees.values(), key=lambda v: _DEGREES[_DEGREE.match(scale_key(v))[1]])
    return [degrees.get(d) or f"{d[:1].upper()}{d[1:]} {word}" for d in whole]


def _unseen_point(key: str, position: int, points: dict[str, str]) -> str:
    """A scale point nobody chose, worded like the others ("2 - Disagree" beside "1 - …")."""
    label = key[:1].upper() + key[1:]
    numbered = [_NUMBERED.match(v) for v in points.values()]
    if all(numbered):
        prefix = numbered[0][0]
        return re.sub(r"\d+", str(position + 1), prefix, count=1) + label
    return label


def _match_multi(answered: dict[str, int]) -> tuple[str, list[str], int] | None:
    """(separator, labels by frequency, number of rare parts) when cells are lists of parts."""
    n = sum(answered.values())
    best = None
    for separator in _SEPARATORS:
        if separator == "," and all(v.count(",") == v.count(", ") for v in answered):
            continue  # every comma is ", ": that separator says it better
        joined = {v: c for v, c in answered.items() if separator in v}
        if not joined or sum(joined.values()) < max(2, 0.05 * n):
            continue
        cells = {v: _parts(v, separator) for v in answered}
        cells = _merge_split_labels(cells, separator)
        part_rows: Counter[str] = Counter()
        for v, parts in cells.items():
            for p in set(parts):
                part_rows[p] += answered[v]
        common = [p for p, c in part_rows.items() if c >= max(2, 0.01 * n)]
        rare = [p for p in part_rows if p not in common]
        covered = sum(c for v, c in answered.items() if all(p in common for p in cells[v]))
        if len(common) < 2 or len(common) > 30 or covered < 0.8 * n:
            continue
        # Lists: a fair share of answers hold two or more parts.
        lists = sum(c for v, c in answered.items() if len(cells[v]) >= 2)
        if lists < max(2, 0.1 * n):
            continue
        # Parts must recur: far fewer labels than distinct cells, unless cells are few.
        if len(common) >= len(answered) and len(answered) > 3:
            continue
        labels = sorted(common, key=lambda p: (-part_rows[p], p))
        score = covered / n - 0.001 * len(common)
        if best is None or score > best[0]:
            best = (score, separator, labels, len(rare))
    return None if best is None else (best[1], best[2], best[3])


def _parts(cell: str, separator: str) -> list[str]:
    return [p.strip() for p in cell.split(separator) if p.strip()]


def _merge_split_labels(cells: dict[str, list[str]], separator: str) -> dict[str, list[str]]:
    """Join parts that only ever appear together, in order: a label holding the separator
    ("Reach out to clients, especially those with limited support") split by a naive split.
    """
    while True:
        follows: dict[str, Counter[str]] = {}
        occurs: Counter[str] = Counter()
        for parts in cells.values():
            for i, p in enumerate(parts):
                occurs[p] += 1
                follows.setdefault(p, Counter())[parts[i + 1] if i + 1 < len(parts) else ""] += 1
        pair = None
        for a, nxt in follows.items():
            if len(nxt) == 1:
                (b,) = nxt
                if b and b != a and occurs[b] == occurs[a]:
                    pair = (a, b)
                    break
        if pair is None:
            return cells
        a, b = pair
        joined = a + separator + b
        new = {}
        for v, parts in cells.items():
            out: list[str] = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                    out.append(joined)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            new[v] = out
        cells = new


# --- date-times, and a speeder rule from them ------------------------------------------

# Headers (compacted) of the time a response was started and the time it was submitted:
# Microsoft Forms, Qualtrics, SurveyMonkey, LimeSurvey, KoboToolbox/ODK (start, end);
# and Qualtrics' measured duration.
_STARTS = ("starttime", "startdate", "start")
_ENDS = ("completiontime", "enddate", "endtime", "submitdate", "end")
_DURATIONS = ("durationinseconds", "duration")


def _times(table: Table, j: int) -> Sniffed | None:
    """How column ``j`` reads as date-times, or None when it is not only date-times."""
    variable = table.variables.get(j)
    if variable is not None and variable.labels:
        return None  # an SPSS variable with value labels: codes, not times
    return sniff_datetimes(table.column(j).stripped())


def _datetime_draft(times: Sniffed, metadata: bool) -> Draft:
    """A date-time item; text (with what to write) when nothing decides day and month."""
    what = "time stamps: read (rules may use them), not tabulated" if metadata else "dates"
    if times.undecided is not None:
        draft = Draft(id="", text="", type="text", report=not metadata)
        example = times.undecided
        a, b = (int(x) for x in example.split("/")[:2])
        draft.comment = (
            f"dates, but nothing in the column decides whether {example!r} is "
            f"{month_name[b]} {a} (day/month) or {month_name[a]} {b} (month/day): to read "
            "them as dates, write type: datetime and dayfirst: false (month/day/year) "
            "or dayfirst: true (day/month/year)"
        )
        return draft
    draft = Draft(id="", text="", type="datetime", report=not metadata, comment=what)
    draft.dayfirst = times.dayfirst
    if times.dayfirst is not None:
        draft.comment += (
            "; day/month/year (a first field above 12)"
            if times.dayfirst
            else "; month/day/year (a second field above 12)"
        )
    return draft


def _seconds(table: Table, j: int) -> np.ndarray | None:
    """Per row, the number in column ``j`` (NaN when blank); None unless all are numbers."""
    texts = table.column(j).stripped()
    answered = {t: 1 for t in texts if t}
    if not answered or _as_numbers(answered) is None:
        return None
    values = np.array([float(t.replace(",", "")) if t else np.nan for t in texts])
    return table.column(j).take(values)


def _speeder(
    table: Table,
    moments: dict[int, tuple[Draft, Sniffed, set[str]]],
    durations: dict[int, Draft],
) -> str | None:
    """A commented-out speeder rule (see :func:`render`) over the measured duration, or the
    start and end time stamps, with the median time they give; None without either."""
    if durations:
        j, draft = next(iter(durations.items()))
        seconds = _seconds(table, j)
        keys = f"duration: {draft.id}"
        source = f"in {draft.id}"
    else:
        role = {
            kind: next((j for j, (_, _, keys) in moments.items() if keys & set(names)), None)
            for kind, names in (("start", _STARTS), ("end", _ENDS))
        }
        if role["start"] is None or role["end"] is None:
            return None
        start, start_times, _ = moments[role["start"]]
        end, end_times, _ = moments[role["end"]]
        if start.type != "datetime" or end.type != "datetime":
            return None
        began = table.column(role["start"]).take(start_times.values)
        ended = table.column(role["end"]).take(end_times.values)
        seconds = (ended - began) / np.timedelta64(1, "s")
        keys = f"start: {start.id}, end: {end.id}"
        source = f"from {start.id} to {end.id}"
    assert seconds is not None
    seconds = seconds[~np.isnan(seconds)]
    if not len(seconds):
        return None
    median = float(np.median(seconds))
    limit = max(1, int(median // 3))
    return (
        "# Speeders: responses given faster than the questions can be read. The median time\n"
        f"# {source} is {_num(median)} seconds; min_seconds: {limit} below is a third of it:\n"
        "# set your own, then uncomment the two lines to drop them.\n"
        "# exclude:\n"
        f"#   - {{rule: speeder, {keys}, min_seconds: {limit}, "
        f"reason: answered in under {limit} seconds}}\n"
    )


# --- grids: one column per row, "Question [Row]" or Qualtrics' "Q5_1" / "Question - Row" --

# Google Forms, Microsoft Forms and SurveyMonkey (its two header rows as read) head a
# grid's columns "Question [Row]", which a grid's rows find without aliases. Qualtrics
# heads them Q5_1, Q5_2 … with "Question - Row" in its second header row.
_ROW_ID_LENGTH = 20  # longer row labels (statements) get numbers as ids
_GRID_HEADER = re.compile(r"^(?P<base>\S.*?)\s*\[(?P<row>[^\]]*\S[^\]]*)\]$")
_QUALTRICS_ROW = re.compile(r"^(?P<stem>\w+?)_(?P<n>\d+)$")


@dataclass(frozen=True)
class _GridColumns:
    columns: list[int]
    base: str  # the question
    rows: list[str]  # the statements, in column order
    stem: str | None = None  # Qualtrics' Q5 of Q5_1, Q5_2 … (the grid's column:)


def _grid_groups(
    table: Table, skip: set[int], occurrences: Counter[str]
) -> dict[int, _GridColumns]:
    """First column → the columns of one question's rows, when two or more; columns
    already grouped and repeated headers left out."""
    groups: dict[str, list[int]] = {}
    qualtrics: dict[str, list[tuple[int, str, int]]] = {}
    for j, header in enumerate(table.headers):
        if j in skip or occurrences[_norm(header)] > 1:
            continue
        if "\x1f" in header:  # Qualtrics: "Q5_1\x1fQuestion - Row"
            name, text = header.split("\x1f", 1)
            match = _QUALTRICS_ROW.match(name)
            if match is not None and " - " in text:
                qualtrics.setdefault(match["stem"], []).append((j, text, int(match["n"])))
            continue
        match = _GRID_HEADER.match(header)
        if match is not None:
            groups.setdefault(_norm(match["base"]), []).append(j)
    out: dict[int, _GridColumns] = {}
    for cols in groups.values():
        if len(cols) >= 2:
            parts = [_GRID_HEADER.match(table.headers[j]) for j in cols]
            rows = [" ".join(p["row"].split()) for p in parts if p is not None]
            out[cols[0]] = _GridColumns(cols, parts[0]["base"], rows)  # type: ignore[index]
    for stem, entries in qualtrics.items():
        texts = [text for _, text, _ in entries]
        # The question is what every row's text starts with, up to its last " - ".
        cut = _common_prefix(texts).rfind(" - ")
        rows = [" ".join(t[cut + 3 :].split()) for t in texts]
        if len(entries) < 2 or cut <= 0 or not all(rows):
            continue
        # Q5_1, Q5_2 … in order: the grid's column: stem finds them; otherwise the texts do.
        in_order = [n for _, _, n in entries] == list(range(1, len(entries) + 1))
        out[entries[0][0]] = _GridColumns(
            [j for j, _, _ in entries], texts[0][:cut], rows, stem if in_order else None
        )
    return out


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _grid_item(table: Table, grid: _GridColumns, used_ids: set[str]) -> Draft | None:
    """A grid when all its rows' answers are wordings of one response scale (the scale
    decided from all rows together); None to draft the rows one by one."""
    from surveykit.grids import row_slug

    columns = grid.columns
    if any(table.variables.get(j) is not None for j in columns):
        return None  # SPSS variables: their own labels decide
    answered: dict[str, int] = {}
    for j in columns:
        values, counts = _counts(table, j)
        for v, n in zip(values, counts.tolist(), strict=True):
            if v:
                answered[v] = answered.get(v, 0) + n
    scale = _match_scale(answered) if answered else None
    if scale is None:
        return None
    name, labels, missing = scale
    base, rows = grid.base, grid.rows
    grid_id = _unique_id(_slug(base), used_ids)
    # Short labels name their rows (freq_hip_hop); statements are numbered (eng_1).
    numbered = any(len(row_slug(r)) > _ROW_ID_LENGTH for r in rows)
    ids = [f"{grid_id}_{n if numbered else row_slug(r)}" for n, r in enumerate(rows, 1)]
    if len(set(ids)) < len(ids) or used_ids & set(ids):
        used_ids.discard(grid_id)
        return None  # rows whose ids would clash: drafted one by one
    used_ids.update(ids)
    comment = (
        f"grid of {len(rows)} rows ({ids[0]} …): {name.replace('_', '/')} scale, "
        f"codes 1..{len(labels)} in this order"
    )
    if missing:
        comment += f"; {', '.join(missing)} not a score (missing:)"
    return Draft(
        id=grid_id,
        text=" ".join(base.split()),
        type="grid",
        column=grid.stem,
        choices=labels,
        missing=missing,
        rows=rows,
        numbered=numbered,
        scale=name,
        comment=comment,
    )


# --- groups of option columns (SurveyMonkey, LimeSurvey, Kobo) --------------------------

# "Base [key]" (SurveyMonkey, LimeSurvey, Google grids), "base/key" (Kobo, ODK),
# "base___key" (REDCap checkboxes): as ingest/columns.py finds option columns.
_OPTION = re.compile(r"^(?P<base>.+?)\s*(?:\[(?P<a>[^\]]*)\]|/(?P<b>[^/]+)|___(?P<c>.+))$")
_TICKS = {"1", "y", "yes", "true", "checked", "selected", "x"}


def _option_key(header: str) -> tuple[str, str] | None:
    """(question, option) of an option column's header, or None."""
    match = _OPTION.match(_split_header(header)[1])
    if match is None:
        return None
    return match["base"].strip(), (match["a"] or match["b"] or match["c"] or "").strip()


_OTHER_KEYS = {"other", "other text", "others", "other (please specify)"}


def _option_groups(table: Table) -> dict[int, list[int]]:
    """First column → columns of a select-all question exported one column per option
    (``Question [Option]``, ``q/option``, ``q___1``) whose cells are blank or a tick (the
    option's label, 1, Y, Yes, TRUE, Checked; 0, N, No, Unchecked count as not ticked).
    Grid rows, whose cells hold other labels, are not grouped."""
    from surveykit.ingest.columns import UNTICKED

    groups: dict[str, list[int]] = {}
    for j, header in enumerate(table.headers):
        found = _option_key(header)
        if found is not None:
            groups.setdefault(_norm(found[0]), []).append(j)
    out: dict[int, list[int]] = {}
    for columns in groups.values():
        if len(columns) < 2:
            continue
        ticks = True
        for j in columns:
            key = _option_key(table.headers[j])[1]  # type: ignore[index]
            if _norm(key) in _OTHER_KEYS:
                continue
            values = {v.casefold() for v in _counts(table, j)[0]} - UNTICKED
            if not values <= _TICKS | {key.casefold()}:
                ticks = False
        if ticks:
            out[columns[0]] = columns
    return out


def _option_group_item(table: Table, columns: list[int], used_ids: set[str]) -> Draft:
    base = _option_key(table.headers[columns[0]])[0]  # type: ignore[index]
    labels, other = [], False
    for j in columns:
        key = _option_key(table.headers[j])[1]  # type: ignore[index]
        if _norm(key) in _OTHER_KEYS:
            other = True
        else:
            labels.append(key)
    return Draft(
        id=_unique_id(_slug(base), used_ids),
        text=base,
        type="multi",
        choices=_dedupe(labels),
        other=other,
        comment=f"select-all exported as {len(columns)} columns, one per option",
    )


# --- helpers ---------------------------------------------------------------------------


def _blank_rows(table: Table) -> np.ndarray:
    blank = np.ones(table.rows, dtype=bool)
    for column in table.columns:
        empty = np.array([u == "" for u in column.stripped()], dtype=bool)
        blank &= column.take(empty) if len(empty) else True
    return blank


def _is_unique_id(table: Table, j: int, blank_rows: np.ndarray) -> bool:
    """Whether column ``j`` holds a different, non-blank id in every row that is not blank
    (ids compared as the ingest compares them: white space around them ignored)."""
    import pandas as pd

    column = table.column(j)
    keys, distinct = pd.factorize(pd.Index(column.stripped(), dtype=object))
    ids = keys[column.codes[~blank_rows]] if len(keys) else np.zeros(0, dtype=np.intp)
    if len(ids) == 0 or np.asarray(distinct == "", dtype=bool)[ids].any():
        return False
    return bool(np.bincount(ids, minlength=len(distinct)).max() == 1)


def _split_header(header: str) -> tuple[str, str]:
    """(column id, question text) of a header; the same twice for a plain CSV header."""
    if "\x1f" in header:
        name, text = header.split("\x1f", 1)
        return name, text or name
    return header, header


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _slug(text: str) -> str:
    words = re.sub(r"[^0-9a-zA-Z]+", " ", text).lower().split()
    stop = {"the", "a", "an", "of", "to", "in", "do", "you", "your", "is", "are", "what", "how"}
    kept = [w for w in words if w not in stop] or words or ["item"]
    slug = ""
    for w in kept:
        if len(slug) + len(w) + 1 > 30 and slug:
            break
        slug = f"{slug}_{w}" if slug else w
    if not slug[0].isalpha():
        slug = "q" + slug if slug[0].isdigit() else "item_" + slug
    # Ids are names in show_if/where expressions, which are parsed as Python.
    return (
        slug + "_item" if keyword.iskeyword(slug) or slug in {"missing", "true", "false"} else slug
    )


def _unique_id(base: str, used: set[str]) -> str:
    name, k = base, 2
    while name in used:
        name, k = f"{base}_{k}", k + 1
    used.add(name)
    return name


def _dedupe(labels: list[str]) -> list[str]:
    out, seen = [], set()
    for label in labels:
        if label not in seen:
            seen.add(label)
            out.append(label)
    return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# --- YAML ------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _choice_sets(items: list[Draft]) -> dict[tuple[str, ...], str]:
    """A name (``agreement5``) for each response scale that two or more items share."""
    uses = Counter(tuple(i.choices) for i in items if i.scale and i.codes is None)
    names: dict[tuple[str, ...], str] = {}
    taken: set[str] = set()
    for item in items:
        labels = tuple(item.choices)
        if item.scale and item.codes is None and uses[labels] >= 2 and labels not in names:
            names[labels] = _unique_id(f"{item.scale}{len(labels)}", taken)
    return names


def render(draft: DraftQuestionnaire) -> str:
    """The draft as commented YAML that ``surveykit validate`` accepts."""
    lines = [
        f"# Drafted by `surveykit init` from {draft.source}: check every item, above all",
        "# those with a comment, then run `surveykit validate` on this file.",
        "survey:",
        f"  title: {_q(draft.title)}  # printed above tables: give the survey's title",
    ]
    if draft.respondent_id is not None:
        lines.append(f"  respondent_id: {_q(draft.respondent_id)}  # unique in every row")
    else:
        lines.append("  respondent_id: null  # no unique id column: respondents numbered R1..Rn")
    sets = _choice_sets(draft.items)
    if sets:
        lines.append("choice_sets:  # answer scales that several items share")
        lines += [
            f"  {name}: [" + ", ".join(map(_q, labels)) + "]" for labels, name in sets.items()
        ]
    lines.append("items:")
    for item in draft.items:
        lines.append(f"  - id: {item.id}" + (f"  # {item.comment}" if item.comment else ""))
        lines.append(f"    text: {_q(item.text)}")
        lines.append(f"    type: {item.type}")
        if isinstance(item.column, dict):
            lines.append(
                f"    column: {{header: {_q(item.column['header'])}, "
                f"occurrence: {item.column['occurrence']}}}  # the header appears more than once"
            )
        elif item.column is not None:
            lines.append(f"    column: {_q(str(item.column))}")
        shared = sets.get(tuple(item.choices)) if item.scale else None
        if shared:
            lines.append(f"    choices: {shared}")
        elif item.choices and item.rows:
            lines.append("    choices: [" + ", ".join(_q(c) for c in item.choices) + "]")
        if item.rows:
            lines.append("    rows:")
            lines += [
                f"      - {{id: {n}, text: {_q(label)}}}"
                if item.numbered
                else f"      - {_q(label)}"
                for n, label in enumerate(item.rows, 1)
            ]
        elif item.choices and not shared:
            lines.append("    choices:")
            for i, label in enumerate(item.choices):
                if item.codes is not None:
                    lines.append(f"      - {{code: {_num(item.codes[i])}, label: {_q(label)}}}")
                else:
                    lines.append(f"      - {_q(label)}")
        if item.other:
            lines.append("    other: true")
        if item.separator is not None:
            lines.append(f"    separator: {_q(item.separator)}")
        if item.missing:
            lines.append("    missing: [" + ", ".join(_q(m) for m in item.missing) + "]")
        if item.decimal:
            lines.append(f"    decimal: {_q(item.decimal)}")
        if item.thousands:
            lines.append('    thousands: ","')
        if item.dayfirst is not None:
            lines.append(f"    dayfirst: {'true' if item.dayfirst else 'false'}")
        if not item.report:
            lines.append("    report: false")
    text = "\n".join(lines) + "\n"
    return text + draft.speeder if draft.speeder else text


def write_draft(
    responses: Path,
    output: Path,
    *,
    force: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> DraftQuestionnaire:
    """Draft a questionnaire for ``responses`` and write it to ``output`` (never over an
    existing file unless ``force``)."""
    from surveykit.files import write_atomic

    if output.exists() and not force:
        raise SurveyError("already exists; pass --force to overwrite it", file=output)
    draft = draft_questionnaire(responses, encoding, delimiter, sheet)
    write_atomic(output, render(draft))
    return draft
