"""`surveykit code review`: the decisions a key makes, and the loop driven through the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surveykit.cli import app
from surveykit.coding.codebook import load_codebook
from surveykit.coding.review import (
    ACCEPTED,
    HELP,
    NEXT,
    QUIT,
    REJECTED,
    SKIP,
    STAY,
    UNDECIDED,
    AnswerReview,
    Pending,
    apply_key,
    choose_coder,
    decide_all,
    merge,
    parse_line,
    queue,
)
from surveykit.coding.sheet import CodingRow, read_coding
from surveykit.errors import SurveyError
from surveykit.questionnaire import load_questionnaire

ROOT = Path(__file__).resolve().parents[1]

QUESTIONNAIRE = """\
survey: {id: demo}
items:
  - {id: team, type: single, choices: [A, B]}
  - {id: why, text: "Why is work hard?", type: text}
  - {id: else, text: Anything else, type: text}
"""
CODEBOOK = """\
items: [why]
themes:
  - id: staffing
    label: Staffing
    codes:
      - {id: short_staffed, label: Short-staffed, patterns: ["short staffed", "/understaff\\\\w*/"]}
      - {id: nights, label: Night shifts, patterns: [night shift], items: [why, else]}
  - id: pay
    label: Pay
    codes:
      - {id: low_pay, label: Low pay, patterns: [pay, salary]}
"""
LONG = (
    "We are short staffed on every ward and the rota is written a week late, so nobody "
    "knows when they work; the night shift is two people for forty beds, which is not "
    "safe for anyone, least of all the patients who need us most at three in the morning."
)
HEADER = "respondent,item,code,coder,status,note"


@pytest.fixture
def survey(tmp_path):
    (tmp_path / "questionnaire.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "responses.csv").write_text(
        "team,why,else\n"
        f'A,"{LONG}",\n'
        "B,Understaffing and PAY,night shift again\n"
        "A,repayment plans,\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.fixture
def codebook(survey):
    return load_codebook(
        survey / "codebook.yaml", load_questionnaire(survey / "questionnaire.yaml")
    )


def _suggest(folder: Path, coder: str = "ann") -> None:
    result = CliRunner().invoke(app, ["code", "suggest", str(folder), "--coder", coder])
    assert result.exit_code == 0, result.output


def _review(folder: Path, keys: str, *args: str, env: dict | None = None):
    return CliRunner().invoke(app, ["code", "review", str(folder), *args], input=keys, env=env)


def _sheet(folder: Path) -> list[str]:
    """coding.csv's lines without the answer column (checked in its own test)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    text = (folder / "coding.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(row[:6])
    return out.getvalue().splitlines()


def _answers(folder: Path) -> dict[tuple[str, str, str], str]:
    """(respondent, item, code) → the answer column of coding.csv."""
    import csv

    with (folder / "coding.csv").open(encoding="utf-8", newline="") as f:
        return {(r["respondent"], r["item"], r["code"]): r["answer"] for r in csv.DictReader(f)}


def _open(*codes: str, earlier=()) -> AnswerReview:
    return AnswerReview("R2", "why", "ann", tuple(Pending(c) for c in codes), tuple(earlier))


# --- the decisions, without a terminal ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "keys"),
    [
        ("\n", ["n"]),
        ("   ", ["n"]),
        ("a", ["a"]),
        ("1 3", ["1", "3"]),
        ("1,3", ["1", "3"]),
        ("+ low_pay", ["+low_pay"]),
        ("+low_pay", ["+low_pay"]),
        ("2 + nights n", ["2", "+nights", "n"]),
        ("+", ["+"]),
    ],
)
def test_a_line_is_read_as_keys(line, keys):
    assert parse_line(line) == keys


def test_accept_all_reject_all_and_a_number_toggles(codebook):
    review = _open("short_staffed", "low_pay")
    accepted = apply_key(review, "a", codebook).review
    assert [p.status for p in accepted.codes] == [ACCEPTED, ACCEPTED]
    assert [p.status for p in apply_key(accepted, "R", codebook).review.codes] == [
        REJECTED,
        REJECTED,
    ]
    # Undecided -> accepted -> rejected -> accepted; the other code is left alone.
    one = apply_key(review, "2", codebook).review
    assert [p.status for p in one.codes] == [UNDECIDED, ACCEPTED]
    two = apply_key(one, "2", codebook).review
    assert [p.status for p in two.codes] == [UNDECIDED, REJECTED]
    assert apply_key(two, "2", codebook).review.codes[1].status == ACCEPTED
    outside = apply_key(review, "3", codebook)
    assert (outside.move, outside.review) == (STAY, review)
    assert outside.message == "no code number 3; the codes are 1-2"


def test_next_waits_until_every_code_is_decided_skip_and_quit_do_not(codebook):
    review = _open("short_staffed", "low_pay")
    half = apply_key(review, "1", codebook).review
    blocked = apply_key(half, "n", codebook)
    assert blocked.move == STAY
    assert blocked.message.startswith("1 code(s) not decided yet")
    # Following the message: r rejects the rest... (and all), then Enter moves on.
    assert apply_key(apply_key(half, "r", codebook).review, "", codebook).move == NEXT
    assert apply_key(half, "s", codebook).move == SKIP
    assert apply_key(half, "q", codebook).move == QUIT
    assert apply_key(half, "?", codebook).move == HELP
    unknown = apply_key(half, "x", codebook)
    assert (unknown.move, unknown.message) == (STAY, "unknown key 'x'; ? shows the keys")


def test_adding_a_code_with_did_you_mean(codebook):
    review = _open("short_staffed")
    wrong = apply_key(review, "+nihgts", codebook)
    assert wrong.review == review
    assert wrong.message == "no code 'nihgts' for why; did you mean nights?"
    # Following the hint adds the code, accepted and marked as added.
    added = apply_key(review, "+nights", codebook)
    assert added.review.codes[-1] == Pending("nights", ACCEPTED, added=True)
    assert added.message == "nights: added"
    # Adding a suggested code accepts it; a code of another item is refused with the item's codes.
    assert apply_key(review, "+short_staffed", codebook).review.codes == (
        Pending("short_staffed", ACCEPTED),
    )
    other = AnswerReview("R2", "else", "ann", (Pending("nights"),))
    refused = apply_key(other, "+low_pay", codebook)
    assert refused.review == other
    assert refused.message == "code 'low_pay' does not apply to else; its codes: nights"
    earlier = CodingRow("R2", "why", "low_pay", "ann", REJECTED, line=4)
    before = apply_key(_open("short_staffed", earlier=[earlier]), "+low_pay", codebook)
    assert before.message == "low_pay was rejected before (coding.csv line 4); change it there"
    assert (
        apply_key(review, "+", codebook).message
        == "type the code's id after +, e.g. + short_staffed"
    )


def test_merge_changes_only_the_coders_suggested_rows_and_groups_added_ones():
    rows = [
        CodingRow("R1", "why", "short_staffed", "ann", UNDECIDED),
        CodingRow("R2", "why", "short_staffed", "ann", UNDECIDED),
        CodingRow("R2", "why", "low_pay", "ann", UNDECIDED),
        CodingRow("R2", "why", "low_pay", "ben", UNDECIDED),
        CodingRow("R3", "why", "low_pay", "ann", ""),
    ]
    review = AnswerReview(
        "R2",
        "why",
        "ann",
        (
            Pending("short_staffed", ACCEPTED),
            Pending("low_pay", UNDECIDED),  # skipped: stays suggested
            Pending("nights", ACCEPTED, added=True),
            Pending("stigma", REJECTED, added=True),  # added then taken back: not written
        ),
    )
    assert merge(rows, review) == [
        rows[0],
        CodingRow("R2", "why", "short_staffed", "ann", ACCEPTED),
        rows[2],
        CodingRow("R2", "why", "nights", "ann", ACCEPTED),
        rows[3],
        rows[4],
    ]


def test_queue_order_item_filter_and_earlier_rows():
    rows = [
        CodingRow("R2", "why", "low_pay", "ann", UNDECIDED),
        CodingRow("R2", "why", "nights", "ann", REJECTED),
        CodingRow("R1", "why", "nights", "ann", UNDECIDED),
        CodingRow("R9", "why", "nights", "ann", UNDECIDED),  # not in the order: last
        CodingRow("R1", "else", "nights", "ann", UNDECIDED),
        CodingRow("R3", "why", "nights", "ben", UNDECIDED),
        CodingRow("R4", "why", "nights", "ann", ACCEPTED),
    ]
    order = [("R1", "why"), ("R2", "why"), ("R1", "else")]
    got = queue(rows, "ann", order)
    assert [r.key for r in got] == [("R1", "why"), ("R2", "why"), ("R1", "else"), ("R9", "why")]
    assert got[1].earlier == (rows[1],)
    assert [r.key for r in queue(rows, "ann", order, item="else")] == [("R1", "else")]
    assert [r.key for r in queue(rows, "ben", order)] == [("R3", "why")]


def test_choose_coder():
    rows = [CodingRow("R1", "why", "nights", "ann"), CodingRow("R1", "why", "nights", "ben", "")]
    assert choose_coder(rows, None) == "ann"  # ben has no suggestions
    with pytest.raises(SurveyError, match=r"suggestions for 2 coders \(ann, ben\); name one"):
        choose_coder([*rows, CodingRow("R2", "why", "nights", "ben")], None)
    with pytest.raises(SurveyError, match="--coder must not be blank"):
        choose_coder(rows, " ")


def test_decide_all_changes_only_suggested_rows_of_the_code():
    rows = [
        CodingRow("R1", "why", "nights", "ann"),
        CodingRow("R2", "why", "nights", "ann", REJECTED),
        CodingRow("R2", "else", "nights", "ann"),
        CodingRow("R1", "why", "low_pay", "ann"),
        CodingRow("R1", "why", "nights", "ben"),
    ]
    out, changed = decide_all(rows, "ann", {"nights": ACCEPTED}, item="why")
    assert changed == {"nights": 1}
    assert [r.status for r in out] == [ACCEPTED, REJECTED, UNDECIDED, UNDECIDED, UNDECIDED]


# --- the loop, through the CLI ------------------------------------------------------------


def test_review_session_end_to_end_and_resume(survey):
    _suggest(survey)
    assert _sheet(survey) == [
        HEADER,
        "R1,why,short_staffed,ann,suggested,",
        "R1,why,nights,ann,suggested,",
        "R2,why,short_staffed,ann,suggested,",
        "R2,why,low_pay,ann,suggested,",
        "R2,else,nights,ann,suggested,",
    ]
    inputs = {p.name: p.read_bytes() for p in survey.iterdir() if p.name != "coding.csv"}
    # Answer 1 (R1/why): toggle 1 on, 2 on and off, Enter. Answer 2 (R2/why): accept all,
    # add a misspelt code, then as suggested, Enter. Answer 3: quit.
    keys = "1\n2\n2\n\n" + "a\n+ nihgts\n+ nights\n\n" + "q\n"
    result = _review(survey, keys)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Answer 1 of 3 · R1 · why · coder ann" in out
    assert "Answer 2 of 3 · R2 · why" in out and "Answer 3 of 3 · R2 · else" in out
    assert "Why is work hard?" in out
    assert "no code 'nihgts' for why; did you mean nights?" in out
    assert "  3 [✓] nights         Night shifts  (added)" in out
    assert _sheet(survey) == [
        HEADER,
        "R1,why,short_staffed,ann,accepted,",
        "R1,why,nights,ann,rejected,",
        "R2,why,short_staffed,ann,accepted,",
        "R2,why,low_pay,ann,accepted,",
        "R2,why,nights,ann,accepted,",
        "R2,else,nights,ann,suggested,",
    ]
    assert result.stderr.strip().endswith(
        "quit; saved 3 accepted, 1 rejected, 1 added; 1 answer(s) left to review"
    )
    # Only coding.csv is written: the inputs are as they were, and nothing else is left.
    assert {p.name: p.read_bytes() for p in survey.iterdir() if p.name != "coding.csv"} == inputs
    # Starting again resumes at the answer left.
    again = _review(survey, "r\n\n")
    assert again.exit_code == 0, again.output
    assert "Answer 1 of 1 · R2 · else" in again.stdout
    assert _sheet(survey)[-1] == "R2,else,nights,ann,rejected,"
    assert again.stderr.strip().endswith("every answer reviewed")
    # Suggesting again never touches a reviewed row (nor re-suggests an added one).
    before = (survey / "coding.csv").read_bytes()
    _suggest(survey)
    assert (survey / "coding.csv").read_bytes() == before
    nothing = _review(survey, "")
    assert nothing.exit_code == 0
    assert nothing.stderr.strip() == (
        f"{survey / 'coding.csv'}: no suggested rows to review (run 'surveykit code suggest' first)"
    )
    assert (
        _review(survey, "", "--coder", "ann").stderr.strip().endswith("nothing to review for ann")
    )


def test_hand_added_rows_count(survey, codebook):
    _suggest(survey)
    _review(survey, "r\n+ low_pay\n\nq\n")
    rows = read_coding(survey / "coding.csv", codebook)
    added = [r for r in rows if r.code == "low_pay" and r.respondent == "R1"]
    # The added row keeps the first 60 characters of R1's answer, so that a renumbering
    # of respondents is caught on read.
    start = "We are short staffed on every ward and the rota is written a\u2026"
    assert added == [CodingRow("R1", "why", "low_pay", "ann", ACCEPTED, answer=start, line=4)]
    assert added[0].counts


def test_end_of_input_saves_what_was_decided(survey):
    _suggest(survey)
    result = _review(survey, "1\n")  # the first code accepted, then the input ends
    assert result.exit_code == 0
    assert _sheet(survey)[1:3] == [
        "R1,why,short_staffed,ann,accepted,",
        "R1,why,nights,ann,suggested,",
    ]
    assert "end of input; saved 1 accepted, 0 rejected, 0 added; 3 answer(s) left" in result.stderr


def test_next_refuses_undecided_codes_and_skip_leaves_them(survey):
    _suggest(survey)
    result = _review(survey, "1\n\ns\nq\n")
    assert "1 code(s) not decided yet" in result.stdout
    assert "Answer 2 of 3" in result.stdout
    assert _sheet(survey)[1:3] == [
        "R1,why,short_staffed,ann,accepted,",
        "R1,why,nights,ann,suggested,",
    ]
    # The skipped answer is the first one shown next time.
    assert "Answer 1 of 3 · R1 · why" in _review(survey, "q\n").stdout


@pytest.mark.parametrize("columns", [80, 50])
def test_the_answer_is_shown_in_full_wrapped_to_the_terminal(survey, columns):
    _suggest(survey)
    result = _review(survey, "q\n", env={"COLUMNS": str(columns)})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    shown = " ".join(line.strip() for line in lines if line.startswith("  ") and "[" not in line)
    assert LONG in shown


def test_item_and_coder_options(survey, cli):
    _suggest(survey)
    _suggest(survey, "ben")
    two = cli("code", "review", survey)
    assert two.code == 2
    assert two.err == (
        "error: coding.csv has suggestions for 2 coders (ann, ben); name one with --coder ann\n"
    )
    # Following the hint works; --item keeps to one item.
    only = _review(survey, "a\n\n", "--coder", "ben", "--item", "else")
    assert only.exit_code == 0, only.output
    assert "Answer 1 of 1 · R2 · else · coder ben" in only.stdout
    assert "R2,else,nights,ben,accepted," in _sheet(survey)
    wrong = cli("code", "review", survey, "--coder", "ann", "--item", "els")
    assert wrong.code == 2
    assert wrong.err == "error: --item: 'els' is not an item of the codebook; did you mean else?\n"
    nobody = _review(survey, "", "--coder", "cat")
    assert nobody.exit_code == 0
    assert "nothing to review for cat; suggestions are for ann, ben (use --coder)" in nobody.stderr


def test_accept_all_and_reject_all_without_asking(survey, cli):
    _suggest(survey)
    result = _review(survey, "", "--accept-all", "short_staffed", "--reject-all", "nights")
    assert result.exit_code == 0, result.output
    assert _sheet(survey) == [
        HEADER,
        "R1,why,short_staffed,ann,accepted,",
        "R1,why,nights,ann,rejected,",
        "R2,why,short_staffed,ann,accepted,",
        "R2,why,low_pay,ann,suggested,",
        "R2,else,nights,ann,rejected,",
    ]
    assert result.stderr == (
        f"{survey / 'coding.csv'}: ann's suggestions: 2 short_staffed accepted, 2 nights rejected; "
        "1 answer(s) left to review\n"
    )
    typo = cli("code", "review", survey, "--accept-all", "lowpay")
    assert typo.code == 2
    assert typo.err == (
        "error: --accept-all: no code 'lowpay' in the codebook; did you mean low_pay?\n"
    )
    assert _review(survey, "", "--accept-all", "low_pay").exit_code == 0
    assert "R2,why,low_pay,ann,accepted," in _sheet(survey)


def test_ctrl_c_saves_the_decisions_and_exits_130_without_a_traceback(survey):
    _suggest(survey)
    child = subprocess.Popen(
        [sys.executable, "-m", "surveykit", "code", "review", str(survey)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"},
    )
    child.stdin.write("a\n\n1\n")  # answer 1 accepted; on answer 2, the first code accepted
    child.stdin.flush()
    deadline = time.monotonic() + 120

    def wait_for(text: str) -> None:
        line = child.stdout.readline()
        while text not in line:
            assert line and time.monotonic() < deadline, f"no {text!r} in the output"
            line = child.stdout.readline()

    # Answer 2 shows its codes again after the toggle; then the session waits for a key.
    wait_for("Answer 2 of 3")
    wait_for("1 [✓] short_staffed")
    wait_for("2 [?] low_pay")
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted; saved 3 accepted, 0 rejected, 0 added; 2 answer(s) left" in err
    assert _sheet(survey) == [
        HEADER,
        "R1,why,short_staffed,ann,accepted,",
        "R1,why,nights,ann,accepted,",
        "R2,why,short_staffed,ann,accepted,",
        "R2,why,low_pay,ann,suggested,",
        "R2,else,nights,ann,suggested,",
    ]
    # Nothing is left beside the sheet.
    assert sorted(p.name for p in survey.iterdir()) == [
        "codebook.yaml",
        "coding.csv",
        "questionnaire.yaml",
        "responses.csv",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is a POSIX device")
def test_on_a_terminal_keys_act_when_pressed(survey):
    import pty
    import select

    _suggest(survey)
    pid, fd = pty.fork()
    if pid == 0:  # the child: surveykit on the terminal's other end
        os.environ.update(PYTHONPATH=str(ROOT), COLUMNS="80")
        os.execv(sys.executable, [sys.executable, "-m", "surveykit", "code", "review", str(survey)])
    output = b""
    deadline = time.monotonic() + 120

    def until(text: str) -> None:
        nonlocal output
        while text.encode() not in output:
            assert time.monotonic() < deadline, output.decode(errors="replace")
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    output += os.read(fd, 65536)
                except OSError:  # the child has ended
                    return

    # No Enter after a key; + reads the code's id as a line. Ctrl-C is read as a key.
    until("Answer 1 of 3")
    for keys, shown in [
        ("1", "1 [✓] short_staffed"),
        ("2", "2 [✓] nights"),
        ("\r", "Answer 2 of 3"),
        ("+", "> +"),
        ("nights\r", "nights: added"),
        ("\x03", "interrupted"),
    ]:
        os.write(fd, keys.encode())
        until(shown)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 130
    assert b"Traceback" not in output
    assert _sheet(survey) == [
        HEADER,
        "R1,why,short_staffed,ann,accepted,",
        "R1,why,nights,ann,accepted,",
        "R2,why,short_staffed,ann,suggested,",
        "R2,why,low_pay,ann,suggested,",
        "R2,why,nights,ann,accepted,",
        "R2,else,nights,ann,suggested,",
    ]


def test_an_answer_no_longer_in_the_responses_is_said_to_be(survey):
    (survey / "coding.csv").write_text(
        f"{HEADER}\nR7,why,low_pay,ann,suggested,\n", encoding="utf-8"
    )
    result = _review(survey, "r\n\n", env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert "  (no answer in responses.csv)" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 40
    assert _sheet(survey) == [HEADER, "R7,why,low_pay,ann,rejected,"]
