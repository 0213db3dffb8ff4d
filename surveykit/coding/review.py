"""Reviewing suggested codes one answer at a time: the decisions, apart from the terminal.

An answer is up for review when one coder has ``suggested`` rows for it. While
it is open, each of those codes is undecided, accepted or rejected, and the
coder may add codes of their own (written as ``accepted`` rows). A key is
applied with :func:`apply_key`, which returns the answer's new state and where
to go next; :func:`merge` writes an answer's decisions into the sheet's rows.
Rows reviewed before the answer was opened, and other coders' rows, are shown
but never changed: only ``suggested`` rows of the coder change status, and only
rows the coder adds are new. Nothing here reads a key or writes a file
(``surveykit.coding.review_session`` does).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from surveykit.coding.codebook import Codebook
from surveykit.coding.sheet import CodingRow
from surveykit.errors import SurveyError

UNDECIDED = "suggested"
ACCEPTED = "accepted"
REJECTED = "rejected"

# Where a key leaves the coder: on the same answer, or moving on.
STAY = "stay"
NEXT = "next"  # every code decided: the next answer
SKIP = "skip"  # the next answer; undecided codes stay suggested for later
QUIT = "quit"  # decisions so far are saved; undecided codes stay suggested
HELP = "help"

KEYS = (
    ("a", "accept all"),
    ("r", "reject all"),
    ("1, 2, …", "toggle that code: accepted, rejected"),
    ("+ CODE", "add a code by its id"),
    ("n or Enter", "next answer (every code decided)"),
    ("s", "skip: next answer, undecided codes stay suggested"),
    ("q", "quit (decisions are saved)"),
    ("?", "this help"),
)


@dataclass(frozen=True)
class Pending:
    """A code on the open answer: suggested (status still ``suggested``) or added by the coder."""

    code: str
    status: str = UNDECIDED
    added: bool = False


@dataclass(frozen=True)
class AnswerReview:
    """One answer under review: its codes for the coder, and the coder's earlier decisions."""

    respondent: str
    item: str
    coder: str
    codes: tuple[Pending, ...]
    earlier: tuple[CodingRow, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.respondent, self.item)

    @property
    def undecided(self) -> int:
        return sum(p.status == UNDECIDED for p in self.codes)

    @property
    def changed(self) -> bool:
        """Whether leaving the answer would change the sheet."""
        return any(
            p.status != UNDECIDED and not (p.added and p.status == REJECTED) for p in self.codes
        )


@dataclass(frozen=True)
class Outcome:
    """What a key did: the answer's new state, where to go, and a line to show (if any)."""

    review: AnswerReview
    move: str = STAY
    message: str = ""


def suggested_coders(rows: Iterable[CodingRow]) -> list[str]:
    """The coders with ``suggested`` rows, in the sheet's order."""
    return list(dict.fromkeys(r.coder for r in rows if r.status == UNDECIDED))


def choose_coder(rows: list[CodingRow], coder: str | None) -> str:
    """``coder``, or the one coder with suggestions when none is named ("" if there is none)."""
    if coder is not None:
        if not coder.strip():
            raise SurveyError("--coder must not be blank")
        return coder.strip()
    coders = suggested_coders(rows)
    if len(coders) > 1:
        raise SurveyError(
            f"coding.csv has suggestions for {len(coders)} coders ({', '.join(coders)}); "
            f"name one with --coder {coders[0]}"
        )
    return coders[0] if coders else ""  # nothing to review


def queue(
    rows: list[CodingRow],
    coder: str,
    order: Iterable[tuple[str, str]] = (),
    item: str | None = None,
) -> list[AnswerReview]:
    """The answers with ``suggested`` rows of ``coder`` (of ``item`` only, if given).

    In the order of ``order`` ((respondent, item) pairs, e.g. item by item through
    the responses); answers not in it follow in the sheet's order.
    """
    pending: dict[tuple[str, str], list[Pending]] = {}
    for row in rows:
        if row.coder == coder and row.status == UNDECIDED and item in (None, row.item):
            pending.setdefault((row.respondent, row.item), []).append(Pending(row.code))
    earlier: dict[tuple[str, str], list[CodingRow]] = {}
    for row in rows:
        if row.coder == coder and row.status != UNDECIDED and (row.respondent, row.item) in pending:
            earlier.setdefault((row.respondent, row.item), []).append(row)
    rank = {key: i for i, key in enumerate(order)}
    keys = sorted(pending, key=lambda k: rank.get(k, len(rank)))  # stable: sheet order after
    return [
        AnswerReview(r, i, coder, tuple(pending[(r, i)]), tuple(earlier.get((r, i), ())))
        for r, i in keys
    ]


def parse_line(line: str) -> list[str]:
    """The keys on one typed line: ``"1 3"`` → ``["1", "3"]``, ``"+ stigma"`` → ``["+stigma"]``.

    An empty line is Enter (``"n"``).
    """
    tokens = line.replace(",", " ").split()
    if not tokens:
        return ["n"]
    keys: list[str] = []
    for token in tokens:
        if keys and keys[-1] == "+":
            keys[-1] = "+" + token
        else:
            keys.append(token)
    return keys


def _set(review: AnswerReview, index: int, status: str) -> AnswerReview:
    codes = list(review.codes)
    codes[index] = replace(codes[index], status=status)
    return replace(review, codes=tuple(codes))


def _add(review: AnswerReview, code_id: str, codebook: Codebook) -> Outcome:
    code_id = code_id.strip()
    if not code_id:
        return Outcome(
            review, STAY, "type the code's id after +, e.g. + " + _example(review, codebook)
        )
    for i, pending in enumerate(review.codes):
        if pending.code == code_id:
            return Outcome(_set(review, i, ACCEPTED), STAY, f"{code_id}: accepted")
    for row in review.earlier:
        if row.code == code_id:
            return Outcome(
                review,
                STAY,
                f"{code_id} was {row.status or 'added'} before (coding.csv line {row.line}); "
                "change it there",
            )
    applicable = [c.id for c in codebook.codes_for(review.item)]
    if code_id not in applicable:
        if any(c.id == code_id for c in codebook.codes):
            return Outcome(
                review,
                STAY,
                f"code {code_id!r} does not apply to {review.item}; its codes: "
                + ", ".join(applicable),
            )
        close = difflib.get_close_matches(code_id, applicable, n=3)
        hint = (
            f"did you mean {', '.join(close)}?" if close else "its codes: " + ", ".join(applicable)
        )
        return Outcome(review, STAY, f"no code {code_id!r} for {review.item}; {hint}")
    added = replace(review, codes=(*review.codes, Pending(code_id, ACCEPTED, added=True)))
    return Outcome(added, STAY, f"{code_id}: added")


def _example(review: AnswerReview, codebook: Codebook) -> str:
    codes = codebook.codes_for(review.item)
    return codes[0].id if codes else "CODE"


def apply_key(review: AnswerReview, key: str, codebook: Codebook) -> Outcome:
    """The state after one key (see KEYS) on the open answer, and where to go."""
    key = key.strip()
    lower = key.lower()
    if lower in ("a", "r"):
        status = ACCEPTED if lower == "a" else REJECTED
        codes = tuple(replace(p, status=status) for p in review.codes)
        return Outcome(replace(review, codes=codes))
    if key.isdigit():
        number = int(key)
        if not 1 <= number <= len(review.codes):
            return Outcome(
                review, STAY, f"no code number {number}; the codes are 1-{len(review.codes)}"
            )
        pending = review.codes[number - 1]
        status = ACCEPTED if pending.status != ACCEPTED else REJECTED
        return Outcome(_set(review, number - 1, status))
    if key.startswith("+"):
        return _add(review, key[1:], codebook)
    if lower in ("n", ""):
        if review.undecided:
            return Outcome(
                review,
                STAY,
                f"{review.undecided} code(s) not decided yet: a accepts all, r rejects all, "
                "a number toggles one; s leaves them for later",
            )
        return Outcome(review, NEXT)
    if lower == "s":
        return Outcome(review, SKIP)
    if lower == "q":
        return Outcome(review, QUIT)
    if lower in ("?", "h", "help"):
        return Outcome(review, HELP)
    return Outcome(review, STAY, f"unknown key {key!r}; ? shows the keys")


def check_code(code_id: str, codebook: Codebook, option: str) -> str:
    """``code_id`` if the codebook has it, else an error with the closest ids."""
    ids = [c.id for c in codebook.codes]
    if code_id in ids:
        return code_id
    close = difflib.get_close_matches(code_id, ids, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "see codebook.yaml for the ids"
    raise SurveyError(f"{option}: no code {code_id!r} in the codebook; {hint}")


def decide_all(
    rows: list[CodingRow],
    coder: str,
    decisions: dict[str, str],
    item: str | None = None,
) -> tuple[list[CodingRow], dict[str, int]]:
    """Every ``suggested`` row of ``coder`` with a code in ``decisions`` (code → status) decided.

    Returns the rows and how many rows each code changed. Other rows are kept as they are.
    """
    changed = dict.fromkeys(decisions, 0)
    out: list[CodingRow] = []
    for row in rows:
        if (
            row.coder == coder
            and row.status == UNDECIDED
            and row.code in decisions
            and item in (None, row.item)
        ):
            row = replace(row, status=decisions[row.code])
            changed[row.code] += 1
        out.append(row)
    return out, changed


def merge(rows: list[CodingRow], review: AnswerReview) -> list[CodingRow]:
    """``rows`` with the answer's decisions: suggested rows decided, added codes appended.

    A code added and then rejected in the same review is not written. Added rows
    follow the coder's last row for the answer, so the sheet stays grouped.
    """
    status = {p.code: p.status for p in review.codes if not p.added and p.status != UNDECIDED}
    new = [
        CodingRow(review.respondent, review.item, p.code, review.coder, ACCEPTED)
        for p in review.codes
        if p.added and p.status == ACCEPTED
    ]
    out: list[CodingRow] = []
    last = -1
    for row in rows:
        if row.coder == review.coder and (row.respondent, row.item) == review.key:
            if row.code in status and row.status == UNDECIDED:
                row = replace(row, status=status[row.code])
            last = len(out)
        out.append(row)
    at = last + 1 if last >= 0 else len(out)
    return [*out[:at], *new, *out[at:]]
