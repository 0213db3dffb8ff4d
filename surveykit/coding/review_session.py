"""``surveykit code review``: the terminal loop around :mod:`surveykit.coding.review`.

Shows one answer at a time with its suggested codes, reads keys, and saves
``coding.csv`` whenever the coder leaves an answer that they changed (through
:func:`surveykit.files.write_atomic`: a temporary file beside it, then
``os.replace``, so an interrupt never leaves half a file). It starts at the first
answer with suggested rows, so quitting and starting again resumes.

On a terminal a key acts when pressed (``+`` and numbers above 9 then read the
rest of the line); when standard input is not a terminal (a pipe, a file, a
test) it is read line by line, each line one or more keys (``1 3``, ``+ stigma``,
an empty line for Enter), and each line is echoed after the prompt so a
transcript reads as a session. Ctrl-C and the end of input save what was
decided; the caller learns which from the summary.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from surveykit.coding import CodingFiles
from surveykit.coding.codebook import Codebook
from surveykit.coding.review import (
    ACCEPTED,
    HELP,
    KEYS,
    QUIT,
    REJECTED,
    STAY,
    UNDECIDED,
    AnswerReview,
    apply_key,
    check_code,
    choose_coder,
    decide_all,
    merge,
    parse_line,
    queue,
    suggested_coders,
)
from surveykit.coding.sheet import CodingRow
from surveykit.errors import SurveyError

MARKS = {UNDECIDED: "[?]", ACCEPTED: "[✓]", REJECTED: "[✗]"}


@dataclass
class ReviewSummary:
    """What a review session did, for the closing line."""

    coder: str
    to_review: int = 0  # answers with suggestions when the session started
    accepted: int = 0
    rejected: int = 0
    added: int = 0
    left: int = 0  # answers still with suggestions at the end
    ended: str = "done"  # done, quit, eof (end of input) or interrupted
    others: list[str] = field(default_factory=list)  # coders with suggestions, if not this one

    def line(self, sheet: Path) -> str:
        """``coding.csv: 3 accepted, 1 rejected, 1 added; 2 answers left to review``."""
        if not self.coder:
            return f"{sheet}: no suggested rows to review (run 'surveykit code suggest' first)"
        if not self.to_review:
            where = (
                f"; suggestions are for {', '.join(self.others)} (use --coder)"
                if self.others
                else ""
            )
            return f"{sheet}: nothing to review for {self.coder}{where}"
        how = {
            "done": "",
            "quit": "quit; ",
            "eof": "end of input; ",
            "interrupted": "interrupted; ",
        }[self.ended]
        left = f"{self.left} answer(s) left to review" if self.left else "every answer reviewed"
        return (
            f"{sheet}: {how}saved {self.accepted} accepted, {self.rejected} rejected, "
            f"{self.added} added; {left}"
        )


@dataclass(frozen=True)
class Survey:
    """What a session shows: answer texts, question texts, code labels."""

    codebook: Codebook
    texts: dict[tuple[str, str], str]  # (respondent, item) → answer
    questions: dict[str, str]  # item → question text

    @property
    def order(self) -> list[tuple[str, str]]:
        return list(self.texts)


def load(folder: Path) -> tuple[Survey, list[CodingRow]]:
    """The survey folder's codebook, answers and coding rows."""
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.sheet import check_answers, read_coding
    from surveykit.coding.suggest import answers, keyed
    from surveykit.ingest import read_responses
    from surveykit.questionnaire import load_questionnaire

    files = CodingFiles(folder)
    files.check()
    questionnaire = load_questionnaire(files.questionnaire)
    codebook = load_codebook(files.codebook, questionnaire)
    rows = read_coding(files.sheet, codebook)
    data = read_responses(files.responses, questionnaire)
    # Item by item (the codebook's order), then respondent by respondent.
    texts = keyed(answers(data.data, codebook))
    respondents = {str(r) for r in data.data.index}
    numbered = questionnaire.respondent_id is None
    check_answers(rows, texts, respondents, files.sheet, numbered=numbered)
    questions = {i.id: i.text for i in questionnaire.items}
    return Survey(codebook, texts, questions), rows


def check_item(item: str | None, codebook: Codebook) -> None:
    """``--item`` must be an item the codebook codes."""
    import difflib

    if item is None:
        return
    items = list(dict.fromkeys(i for c in codebook.codes for i in c.items))
    if item not in items:
        close = difflib.get_close_matches(item, items, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "they are " + ", ".join(items)
        raise SurveyError(f"--item: {item!r} is not an item of the codebook; {hint}")


def decide_survey(
    folder: Path, coder: str | None, item: str | None, accept: list[str], reject: list[str]
) -> tuple[str, list[tuple[str, str, int]], int]:
    """``--accept-all``/``--reject-all``: decide every suggestion of those codes, and save.

    Returns the coder, (code, status, rows changed) per code, and the answers left to review.
    """
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.sheet import read_coding, render_coding
    from surveykit.files import write_atomic
    from surveykit.questionnaire import load_questionnaire

    files = CodingFiles(folder)
    files.check()
    codebook = load_codebook(files.codebook, load_questionnaire(files.questionnaire))
    check_item(item, codebook)
    decisions = {check_code(c, codebook, "--accept-all"): ACCEPTED for c in accept}
    for code in reject:
        code = check_code(code, codebook, "--reject-all")
        if code in decisions:
            raise SurveyError(f"{code!r} is given to both --accept-all and --reject-all")
        decisions[code] = REJECTED
    rows = read_coding(files.sheet, codebook)
    coder = choose_coder(rows, coder)
    rows, changed = decide_all(rows, coder, decisions, item)
    if any(changed.values()):
        write_atomic(files.sheet, render_coding(rows))
    done = [(code, decisions[code], n) for code, n in changed.items()]
    return coder, done, len(queue(rows, coder, item=item))


def _width() -> int:
    # 80 when not a terminal (and no COLUMNS); never narrower than 40.
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _wrap(text: str, width: int, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(
            paragraph, width, initial_indent=indent, subsequent_indent=indent
        ) or [""]
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def screen(review: AnswerReview, position: int, total: int, survey: Survey, width: int) -> str:
    """The text shown for one answer: where it is, the question, the answer, the codes."""
    head = f"Answer {position} of {total} · {review.respondent} · {review.item} · coder {review.coder} "
    lines = ["", _clip(head + "─" * max(0, width - len(head)), width)]
    question = survey.questions.get(review.item, "")
    if question:
        lines += _wrap(question, width, "")
    lines.append("")
    text = survey.texts.get(review.key)
    lines += _wrap(text, width, "  ") if text is not None else ["  (no answer in responses.csv)"]
    lines.append("")
    codes = codes_block(review, survey.codebook, width)
    return "\n".join(lines) + "\n" + codes + "\n" + keys_line(review, width)


def codes_block(review: AnswerReview, codebook: Codebook, width: int) -> str:
    """The answer's codes, numbered, with their decisions."""
    ids = [p.code for p in review.codes] + [r.code for r in review.earlier]
    pad = max(len(i) for i in ids)
    digits = len(str(len(review.codes)))
    labels = {c.id: c.label for c in codebook.codes}
    lines = []
    for number, pending in enumerate(review.codes, 1):
        added = "  (added)" if pending.added else ""
        line = (
            f"  {number:>{digits}} {MARKS[pending.status]} {pending.code:<{pad}}  "
            f"{labels.get(pending.code, '')}{added}"
        )
        lines.append(_clip(line, width))
    if review.earlier:
        before = ", ".join(f"{r.code} ({r.status or 'added'})" for r in review.earlier)
        lines += _wrap("Decided before: " + before, width, "  ")
    return "\n".join(lines)


def keys_line(review: AnswerReview, width: int) -> str:
    """The keys in one line (80 columns; ? lists them in full)."""
    n = len(review.codes)
    numbers = "1" if n == 1 else f"1-{n}"
    text = f"a/r accept/reject all · {numbers} toggle · +CODE add · Enter next · s skip · q quit"
    return "\n".join(_wrap(text, width, ""))


def help_text(review: AnswerReview, codebook: Codebook, width: int) -> str:
    """Every key, and the ids of the codes that can be added to this answer."""
    pad = max(len(k) for k, _ in KEYS)
    lines = [f"  {key:<{pad}}  {what}" for key, what in KEYS]
    ids = ", ".join(c.id for c in codebook.codes_for(review.item))
    return "\n".join(lines + _wrap(f"Codes for {review.item}: {ids}", width, "  "))


KeySource = Callable[[AnswerReview], list[str]]


def line_keys(write: Callable[[str], None]) -> KeySource:
    """Keys read line by line from standard input, each line echoed after the prompt."""

    def read(_review: AnswerReview) -> list[str]:
        write("> ")
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        write(line.rstrip("\r\n") + "\n")
        return parse_line(line)

    return read


class TerminalKeys:
    """Keys from the terminal as they are pressed (no Enter), as ``git add -p`` reads them.

    The terminal is in cbreak mode for the whole session (no echo, no line
    editing, Ctrl-C still interrupts) and put back as it was at the end. Unlike
    click's ``getchar``, which switches modes and discards what was typed ahead
    at every key, no key typed ahead is lost. ``+`` and numbers above 9 read the
    rest of a line, echoed, with Backspace.
    """

    def __init__(self, write: Callable[[str], None]) -> None:
        import codecs

        self.write = write
        self.fd = sys.stdin.fileno()
        self.pending = ""
        self.decode = codecs.getincrementaldecoder(sys.stdin.encoding or "utf-8")("replace").decode
        self.saved: list | None = None

    def __enter__(self) -> TerminalKeys:
        import termios
        import tty

        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd, termios.TCSANOW)
        return self

    def __exit__(self, *_exc: object) -> None:
        import termios

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def _char(self) -> str:
        import os

        while not self.pending:
            data = os.read(self.fd, 64)
            if not data:
                raise EOFError
            self.pending += self.decode(data)
        char, self.pending = self.pending[0], self.pending[1:]
        if char == "\x04":  # Ctrl-D
            raise EOFError
        if char == "\x1b":  # an arrow or function key: its sequence is dropped
            rest = self.pending.lstrip("[O0123456789;")
            self.pending = rest[1:] if rest else ""
            return ""
        return char

    def _line(self, text: str) -> str:
        while True:
            char = self._char()
            if char in ("\r", "\n"):
                self.write("\n")
                return text
            if char in ("\x7f", "\b"):
                if text:
                    text = text[:-1]
                    self.write("\b \b")
            elif char.isprintable():
                text += char
                self.write(char)

    def __call__(self, review: AnswerReview) -> list[str]:
        self.write("> ")
        key = ""
        while not key:
            key = self._char()
        if key in ("\r", "\n"):
            self.write("\n")
            return ["n"]
        self.write(key)
        if key == "+":
            return ["+" + self._line("").strip()]
        if key.isdigit() and int(key) * 10 <= len(review.codes):
            return [self._line(key).strip()]  # 1 then 2 Enter: code 12; 1 Enter: code 1
        self.write("\n")
        return [key]


def run(
    folder: Path,
    coder: str | None,
    item: str | None,
    *,
    write: Callable[[str], None],
    keys: KeySource | None = None,
) -> ReviewSummary:
    """Review the survey folder's suggestions answer by answer; returns what was done.

    ``keys`` defaults to key presses on a terminal and lines otherwise.
    """
    survey, rows = load(folder)
    check_item(item, survey.codebook)
    coder = choose_coder(rows, coder)
    todo = queue(rows, coder, survey.order, item)
    summary = ReviewSummary(coder, to_review=len(todo))
    if not todo:
        summary.others = [c for c in suggested_coders(rows) if c != coder]
        return summary
    if keys is None and sys.stdin.isatty() and _has_termios():
        with TerminalKeys(write) as terminal:
            return _loop(folder, survey, rows, todo, summary, terminal, write, item)
    return _loop(folder, survey, rows, todo, summary, keys or line_keys(write), write, item)


def _has_termios() -> bool:
    import importlib.util

    return importlib.util.find_spec("termios") is not None  # not on Windows: lines there


def _loop(
    folder: Path,
    survey: Survey,
    rows: list[CodingRow],
    todo: list[AnswerReview],
    summary: ReviewSummary,
    keys: KeySource,
    write: Callable[[str], None],
    item: str | None,
) -> ReviewSummary:
    from surveykit.coding.sheet import render_coding
    from surveykit.files import write_atomic

    coder = summary.coder
    sheet = CodingFiles(folder).sheet
    width = _width()

    def leave(review: AnswerReview) -> None:
        nonlocal rows
        if not review.changed:
            return
        rows = merge(rows, review)
        write_atomic(sheet, render_coding(rows, survey.texts))
        for p in review.codes:
            if p.added:
                summary.added += p.status == ACCEPTED
            else:
                summary.accepted += p.status == ACCEPTED
                summary.rejected += p.status == REJECTED

    for position, review in enumerate(todo, 1):
        move = STAY
        try:
            write(screen(review, position, len(todo), survey, width) + "\n")
            while move == STAY:
                before = review
                pressed = keys(review)
                for i, key in enumerate(pressed):
                    outcome = apply_key(review, key, survey.codebook)
                    review, move = outcome.review, outcome.move
                    if outcome.message:
                        write(outcome.message + "\n")
                    if move == HELP:
                        write(help_text(review, survey.codebook, width) + "\n")
                        move = STAY
                    elif move != STAY:
                        if pressed[i + 1 :]:
                            write(f"ignored after {key or 'Enter'}: {' '.join(pressed[i + 1 :])}\n")
                        break
                if move == STAY and review != before:  # show the codes again with their new marks
                    write(codes_block(review, survey.codebook, width) + "\n")
        except KeyboardInterrupt:
            write("\n")
            summary.ended = "interrupted"
        except EOFError:
            write("\n")  # after the prompt
            summary.ended = "eof"
        leave(review)
        if summary.ended != "done" or move == QUIT:
            if move == QUIT:
                summary.ended = "quit"
            break
    summary.left = len(queue(rows, coder, item=item))
    return summary
