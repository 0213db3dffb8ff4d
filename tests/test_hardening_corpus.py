"""Issue 11's hostile inputs (tests/corpus/hardening/cases.yaml): one line and exit 2, never a
traceback; plus `check` with broken expected/ folders, standard input, and property tests
over random expressions and random questionnaires."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveykit.files import forget_inputs

CORPUS = Path(__file__).parent / "corpus" / "hardening"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parent.parent
STAFF = ROOT / "surveys" / "staff_wellbeing"

BASE_QUESTIONNAIRE = """\
items:
  - {id: sex, type: single, choices: [F, M]}
  - {id: age, type: number}
"""
BASE_CSV = "sex,age\nF,30\nM,40\nF,50\nM,60\n"


@pytest.fixture(autouse=True)
def _fresh_inputs():
    yield
    forget_inputs()


def _text(case: dict, key: str, default: str) -> str:
    if f"{key}_py" in case:
        return eval(case[f"{key}_py"])  # a generator expression kept beside the case
    return case.get(key, default)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name: str, cli, tmp_path: Path, monkeypatch) -> None:
    case = CASES[name]
    q, p, csv = tmp_path / "q.yaml", tmp_path / "plan.yaml", tmp_path / "data.csv"
    q.write_text(_text(case, "questionnaire", BASE_QUESTIONNAIRE), encoding="utf-8")
    csv.write_bytes(_text(case, "csv", BASE_CSV).encode("utf-8"))
    if "plan" in case:
        p.write_text(case["plan"], encoding="utf-8")
    for key, value in case.get("env", {}).items():
        monkeypatch.setenv(key, value)
    args = case.get("args", ["analyze", "{csv}", "-q", "{q}", "--format", "json"])
    names = {"q": q, "p": p, "csv": csv}

    def fill(text: str) -> str:
        for key, path in names.items():
            text = text.replace("{" + key + "}", str(path))
        return text

    run = cli(*(fill(a) for a in args))
    assert "Traceback" not in run.err
    if "ok" in case:
        assert run.code == 0, run.err
        assert json.loads(run.out)["respondents"] == case["ok"]
        return
    assert run.code == 2, run.err
    assert run.err.count("\n") == 1, run.err
    if "error_startswith" in case:
        assert run.err.startswith("error: " + fill(case["error_startswith"]))
    else:
        assert run.err == "error: " + fill(case["error"]) + "\n"


def test_a_cell_of_40_mb_is_read(cli, tmp_path: Path) -> None:
    """pyarrow parses in 16 MiB blocks and refused cells over ~33 MB ("straddling object")."""
    q = tmp_path / "q.yaml"
    q.write_text(BASE_QUESTIONNAIRE + "  - {id: note, type: text}\n", encoding="utf-8")
    csv = tmp_path / "data.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("sex,age,note\nF,30,short\n")
        out.write('M,40,"' + "x" * (40 * 1024 * 1024) + '"\n')
    run = cli("analyze", csv, "-q", q, "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["respondents"]["analysed"] == 2


# --- standard input ------------------------------------------------------------------


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_analyze_reads_standard_input(cli, tmp_path: Path, monkeypatch) -> None:
    q = tmp_path / "q.yaml"
    q.write_text(BASE_QUESTIONNAIRE, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", _Stdin(BASE_CSV.encode()))
    run = cli("analyze", "-", "-q", q, "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["respondents"] == {"received": 4, "excluded": 0, "analysed": 4}
    assert doc["source"] == "<stdin>"


def test_standard_input_errors_name_stdin(cli, tmp_path: Path, monkeypatch) -> None:
    q = tmp_path / "q.yaml"
    q.write_text(BASE_QUESTIONNAIRE, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", _Stdin(b"sex,age\nF,x\n"))
    run = cli("analyze", "-", "-q", q)
    assert run.code == 2
    assert run.err == "error: <stdin>, row 1 (line 2), column 'age': 'x' is not a number (item 'age')\n"  # fmt: skip


def test_a_fifo_is_read_as_a_stream(cli, tmp_path: Path) -> None:
    import os
    import threading

    q = tmp_path / "q.yaml"
    q.write_text(BASE_QUESTIONNAIRE, encoding="utf-8")
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as out:
            out.write(BASE_CSV.encode())

    writer = threading.Thread(target=feed)
    writer.start()
    run = cli("analyze", fifo, "-q", q, "--format", "json")
    writer.join(timeout=10)
    assert run.code == 0, run.err
    assert json.loads(run.out)["respondents"]["received"] == 4


def test_dev_zero_as_the_csv_is_an_error_not_a_hang(cli, tmp_path: Path) -> None:
    q = tmp_path / "q.yaml"
    q.write_text(BASE_QUESTIONNAIRE, encoding="utf-8")
    run = cli("analyze", "/dev/zero", "-q", q)
    assert run.code == 2
    assert run.err == (
        "error: /dev/zero: looks like a binary file, not a CSV export (it contains NUL bytes)\n"
    )


# --- check with broken expected/ folders -------------------------------------------------

_FIX = "fix or delete it and run 'surveykit check --update'"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[]", f"holds a list, not a result object; {_FIX}"),
        (b"null", f"holds null, not a result object; {_FIX}"),
        (b'"text"', f"holds a string, not a result object; {_FIX}"),
        (b"\xff\xfe{}", f"is not UTF-8 text; {_FIX}"),
        (
            b"[" * 10_000 + b"]" * 10_000,
            f"is nested more than 64 levels deep (the nesting limit); {_FIX}",
        ),
        (b'{"n": ' + b"9" * 5000 + b"}", f"holds a number too long to read; {_FIX}"),
        (b"{oops", "not valid JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_check_with_a_broken_expected_file(
    cli, tmp_path: Path, content: bytes, message: str
) -> None:
    folder = tmp_path / "s"
    shutil.copytree(STAFF, folder)
    (folder / "expected" / "result.json").write_bytes(content)
    run = cli("check", folder)
    assert run.code == 2
    where = f"{folder}/expected/result.json"
    line = ":1" if content.startswith((b"\xff", b"{oops")) else ""
    assert run.err == f"error: {where}{line}: {message}\n"


def test_check_with_expected_as_a_file(cli, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(STAFF, folder)
    shutil.rmtree(folder / "expected")
    (folder / "expected").write_text("not a folder")
    run = cli("check", folder)
    assert run.code == 2
    assert run.err == f"error: {folder}/expected/result.json: expected is a file, not a folder; {_FIX}\n"  # fmt: skip
    run = cli("check", "--update", folder)
    assert run.code == 2
    assert run.err == f"error: {folder}/expected: is not a folder; {_FIX}\n"


def test_check_with_malformed_tables_compares_value_by_value(cli, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(STAFF, folder)
    (folder / "expected" / "result.json").write_text(
        '{"tables": [1, {"columns": 3}], "tests": [2]}'
    )
    run = cli("check", folder)
    assert run.code == 1
    assert "difference(s) from expected/" in run.out and "Traceback" not in run.err


def test_check_rtol_must_not_be_negative(cli) -> None:
    run = cli("check", STAFF, "--rtol", "-1")
    assert run.code == 2
    assert run.err == "error: --rtol must be a number of 0 or more, got -1.0\n"


def test_check_update_in_a_folder_that_cannot_be_written(cli, tmp_path: Path, monkeypatch) -> None:
    """A read-only folder: root writes anyway, so the failure is simulated at the system call."""
    import os

    folder = tmp_path / "s"
    shutil.copytree(STAFF, folder)

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    run = cli("check", "--update", folder)
    assert run.code == 2
    assert run.err == f"error: {folder}/expected/result.json: cannot write: Permission denied\n"
    assert not [p for p in (folder / "expected").iterdir() if p.name.startswith(".")]


# --- properties ----------------------------------------------------------------------------

_ATOMS = st.sampled_from(
    ["sex", "age", "team", "likes", "note", '"F"', '"M"', '"x"', "1", "-1", "60", "1.5",
     "-age", '-"x"', "[1, 2]", '["F", "M"]', "[]", "missing(age)", "missing(likes)",
     "missing(1)", "None", "True", "1j", "nope", "f(age)", "age.x", "age[0]", "'A'"]
)  # fmt: skip
_OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or", "+", "is"])


@st.composite
def _expressions(draw, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return draw(_ATOMS)
    kind = draw(st.sampled_from(["binary", "not", "paren", "chain"]))
    if kind == "not":
        return "not " + draw(_expressions(depth + 1))
    if kind == "paren":
        return "(" + draw(_expressions(depth + 1)) + ")"
    parts = [draw(_expressions(depth + 1)) for _ in range(3 if kind == "chain" else 2)]
    ops = [draw(_OPS) for _ in parts[1:]]
    return parts[0] + "".join(f" {op} {part}" for op, part in zip(ops, parts[1:], strict=True))


_EXPR_QUESTIONNAIRE = """\
items:
  - {id: sex, type: single, choices: [F, M]}
  - {id: age, type: number}
  - {id: team, type: ordinal, choices: [A, B, C]}
  - {id: likes, type: multi, choices: [A, B]}
  - {id: note, type: text}
exclude:
  - {rule: where, expr: %s}
"""
_EXPR_CSV = "sex,age,team,likes,note\nF,30,A,A,hi\nM,70,C,A;B,\nF,,B,,x\n"


def _one_line_or_success(run) -> None:
    assert "Traceback" not in run.err
    assert run.code in (0, 2), run.err
    if run.code == 2:
        # One line; only the list of invalid cells continues on indented lines.
        first, *rest = run.err.splitlines()
        assert first.startswith("error: ") and run.err.endswith("\n"), run.err
        assert all(line.startswith("  ") for line in rest), run.err
        assert not rest or "cells are not valid answers" in first, run.err


@settings(
    max_examples=int(__import__("os").environ.get("HARDEN_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(expression=_expressions())
def test_random_expressions_never_crash(expression: str, cli, tmp_path: Path) -> None:
    q = tmp_path / "q.yaml"
    q.write_text(_EXPR_QUESTIONNAIRE % json.dumps(expression), encoding="utf-8")
    csv = tmp_path / "data.csv"
    csv.write_text(_EXPR_CSV, encoding="utf-8")
    _one_line_or_success(cli("analyze", csv, "-q", q, "--format", "json"))
    forget_inputs()


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
    st.sampled_from(["", "x", "A", "number", "single", "text", "ordinal", "multi", "age", "F"]),
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["code", "label", "id", "x"]), inner, max_size=2),
    ),
    max_leaves=6,
)
_ITEM_KEYS = ["id", "text", "label", "type", "choices", "other", "show_if", "column", "min",
              "max", "required", "report", "redact", "separator", "missing", "invalid"]  # fmt: skip


@st.composite
def _items(draw) -> dict:
    item = {"id": draw(st.sampled_from(["sex", "age", "q1", "1bad", ""])),
            "type": draw(st.sampled_from(["single", "number", "text", "ordinal", "multi", "bogus"]))}  # fmt: skip
    for key in draw(st.lists(st.sampled_from(_ITEM_KEYS), max_size=4, unique=True)):
        item[key] = draw(_VALUES)
    return item


@settings(
    max_examples=int(__import__("os").environ.get("HARDEN_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    items=st.lists(_items(), min_size=0, max_size=3),
    survey=st.dictionaries(st.sampled_from(["id", "title", "respondent_id"]), _VALUES, max_size=2),
    exclude=_VALUES,
)
def test_random_questionnaires_never_crash(items, survey, exclude, cli, tmp_path: Path) -> None:
    doc = {"survey": survey, "items": items, "exclude": exclude}
    q = tmp_path / "q.yaml"
    q.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    csv = tmp_path / "data.csv"
    csv.write_text("sex,age,q1\nF,30,x\nM,40,y\n", encoding="utf-8")
    _one_line_or_success(cli("analyze", csv, "-q", q, "--format", "json"))
    forget_inputs()


def test_a_csv_in_a_folder_that_cannot_be_entered(cli, tmp_path: Path, monkeypatch) -> None:
    """Root enters every folder, so the refusal is simulated where the path is examined."""
    from pathlib import Path as RealPath

    q = tmp_path / "q.yaml"
    q.write_text(BASE_QUESTIONNAIRE, encoding="utf-8")

    def stat(self, *args, **kwargs):
        if self.name == "data.csv":
            raise PermissionError(13, "Permission denied")
        return original(self, *args, **kwargs)

    original = RealPath.stat
    monkeypatch.setattr(RealPath, "stat", stat)
    run = cli("analyze", tmp_path / "locked" / "data.csv", "-q", q)
    assert run.code == 2
    assert run.err == f"error: {tmp_path}/locked/data.csv: cannot read: Permission denied\n"
