"""Property-based tests: any questionnaire + CSV, valid or mangled, gives a result or a clean error.

For every generated case: exit 0 with received = excluded + analysed, or exit 2
with one line naming the place; never a traceback; the input files are
byte-identical afterwards.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveykit.cli import main

LABEL_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\x00"
)
labels = st.text(LABEL_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def surveys(draw):
    """A questionnaire dict and matching rows of cells (strings)."""
    n_items = draw(st.integers(1, 5))
    items = []
    for i in range(n_items):
        kind = draw(st.sampled_from(["number", "single", "ordinal", "multi", "text"]))
        item = {"id": f"q{i}", "text": f"Question {i}?", "type": kind}
        if kind in ("single", "ordinal", "multi"):
            choices = draw(st.lists(labels, min_size=1, max_size=4, unique_by=str.casefold))
            item["choices"] = choices
            if kind in ("single", "multi"):
                item["other"] = draw(st.booleans())
        if kind == "number" and draw(st.booleans()):
            item["min"], item["max"] = 0, 100
        items.append(item)
    if n_items > 1 and items[0]["type"] == "single" and draw(st.booleans()):
        items[1]["show_if"] = f"q0 == {json.dumps(items[0]['choices'][0], ensure_ascii=False)}"
    rules = []
    if draw(st.booleans()):
        rules.append({"rule": "duplicate", "columns": [items[0]["id"]]})
    questionnaire = {"survey": {"id": "prop"}, "items": items, "exclude": rules}

    def cell(item):
        kind = item["type"]
        if kind == "number":
            return draw(
                st.one_of(st.just(""), st.integers(0, 100).map(str), st.floats(0, 100).map(repr))
            )
        if kind in ("single", "ordinal"):
            return draw(st.one_of(st.just(""), st.sampled_from(item["choices"])))
        if kind == "multi":
            chosen = draw(st.lists(st.sampled_from(item["choices"]), unique=True))
            return draw(st.sampled_from([", ", ";"])).join(chosen)
        return draw(st.text(LABEL_CHARS, max_size=20))

    rows = [[cell(item) for item in items] for _ in range(draw(st.integers(0, 8)))]
    return questionnaire, [item["text"] for item in items], rows


MUTATIONS = [
    "none", "truncate_row", "unknown_choice", "wrong_type", "duplicate_header", "empty_file",
    "binary", "huge_cell", "cp1252", "utf16", "formula", "drop_column", "bad_yaml", "python_tag",
]  # fmt: skip


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def mutate(kind: str, q: dict, header: list[str], rows: list[list[str]], data) -> tuple[str, bytes]:
    q_text = yaml.safe_dump(q, allow_unicode=True, sort_keys=False)
    rows = [list(r) for r in rows]
    if kind == "truncate_row" and rows:
        rows[data.draw(st.integers(0, len(rows) - 1))] = rows[0][:-1] if len(rows[0]) > 1 else []
    elif kind in ("unknown_choice", "wrong_type", "formula", "huge_cell") and rows:
        r, c = data.draw(st.integers(0, len(rows) - 1)), data.draw(st.integers(0, len(header) - 1))
        rows[r][c] = {
            "unknown_choice": "zz-not-a-choice",
            "wrong_type": "twelve",
            "formula": '=HYPERLINK("http://evil")',
            "huge_cell": "x" * 300_000,
        }[kind]
    elif kind == "duplicate_header":
        header = [*header, header[0]]
        rows = [[*r, ""] for r in rows]
    elif kind == "drop_column":
        header, rows = header[1:], [r[1:] for r in rows]
    text = to_csv(header, rows)
    raw = text.encode("utf-8")
    if kind == "empty_file":
        raw = b""
    elif kind == "binary":
        raw = bytes(data.draw(st.binary(min_size=1, max_size=64))) + b"\x00\xff"
    elif kind == "cp1252":
        raw = text.encode("cp1252", errors="replace") + "é,\r\n".encode("cp1252")
    elif kind == "utf16":
        raw = text.encode("utf-16")
    elif kind == "bad_yaml":
        q_text = q_text.replace("items:", "items: [", 1)
    elif kind == "python_tag":
        q_text = "survey: !!python/object/apply:os.system ['true']\n" + q_text
    return q_text, raw


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    argv = sys.argv
    sys.argv = ["surveykit", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(case=surveys(), kind=st.sampled_from(MUTATIONS), data=st.data())
def test_result_or_clean_error(case, kind, data) -> None:
    q, header, rows = case
    q_text, raw = mutate(kind, q, header, rows, data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "questionnaire.yaml").write_text(q_text, encoding="utf-8")
        (folder / "responses.csv").write_bytes(raw)
        before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
        code, out, err = run_cli("analyze", str(folder / "responses.csv"), "--format", "json")
        after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after, "input files were modified"
    assert "Traceback" not in err
    if code == 0:
        doc = json.loads(out)
        counts = doc["respondents"]
        assert counts["received"] == counts["excluded"] + counts["analysed"]
        assert counts["excluded"] == len(doc["exclusions"])
        if kind == "none":
            # A row of empty or white-space cells is no response.
            assert counts["received"] == sum(any(c.strip() for c in r) for r in rows)
    else:
        assert code == 2, (kind, err)
        lines = err.strip().splitlines()
        assert lines[0].startswith("error: "), err
        # One line, except the list of every invalid cell (indented, one per cell).
        assert len(lines) == 1 or (
            "cells are not valid answers" in lines[0]
            and all(line.startswith("  ") for line in lines[1:])
        ), err
        assert "responses.csv" in lines[0] or "questionnaire.yaml" in lines[0], err
