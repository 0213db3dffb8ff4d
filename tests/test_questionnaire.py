"""Questionnaire YAML: the model it builds and the errors (with line numbers) it gives."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from surveykit.errors import SurveyError
from surveykit.questionnaire import load_questionnaire
from tests.conftest import BASIC_QUESTIONNAIRE


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questionnaire.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_basic_model(tmp_path: Path) -> None:
    q = load_questionnaire(write(tmp_path, BASIC_QUESTIONNAIRE))
    assert q.id == "demo"
    assert [i.id for i in q.items][:3] == ["email", "age", "pss_at_workplace"]
    accept = q.item("accept_pss")
    assert [(c.code, c.label) for c in accept.choices] == [(1, "No"), (2, "Maybe"), (3, "Yes")]
    assert [c.code for c in q.item("pss_at_workplace").choices] == [1, 2]  # shorthand → 1..k
    assert q.item("number_of_pss").show_if.names == {"pss_at_workplace"}
    assert q.item("benefits").other is True
    assert q.item("benefits_why").columns == ("Why?", "Please elaborate")
    assert [r.rule for r in q.exclude] == ["duplicate", "where"]


def error_of(tmp_path: Path, text: str) -> SurveyError:
    with pytest.raises(SurveyError) as info:
        load_questionnaire(write(tmp_path, text))
    return info.value


def test_unknown_type_names_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, "items:\n  - id: a\n    type: number\n  - id: b\n    type: nmber\n")
    assert err.line == 5
    assert "type must be one of number, single, ordinal, multi, text, datetime, got 'nmber'" in str(
        err
    )
    assert str(err).startswith(f"{tmp_path / 'questionnaire.yaml'}:5: ")


def test_duplicate_item_id(tmp_path: Path) -> None:
    err = error_of(tmp_path, "items:\n  - {id: a, type: text}\n  - {id: a, type: number}\n")
    assert "duplicate item id 'a' (first defined on line 2)" in err.message
    assert err.line == 3


def test_show_if_unknown_item(tmp_path: Path) -> None:
    err = error_of(
        tmp_path,
        'items:\n  - {id: sex, type: single, choices: ["F", "M"]}\n'
        '  - id: b\n    type: text\n    show_if: sexx == "F"\n',
    )
    assert err.line == 5
    assert "names 'sexx', which is not an item id (did you mean sex?)" in err.message


def test_show_if_cycle(tmp_path: Path) -> None:
    err = error_of(
        tmp_path,
        "items:\n  - {id: a, type: number, show_if: b > 1}\n  - {id: b, type: number, show_if: a > 1}\n",
    )
    assert "cycle" in err.message


def test_unknown_key_suggests(tmp_path: Path) -> None:
    err = error_of(tmp_path, "items:\n  - id: a\n    type: single\n    choises: [x, y]\n")
    assert err.line == 4
    assert "unknown key 'choises'" in err.message and "did you mean 'choices'?" in err.message


def test_bare_yes_no_is_explained(tmp_path: Path) -> None:
    err = error_of(tmp_path, "items:\n  - id: a\n    type: single\n    choices: [Yes, No]\n")
    assert "bare yes/no are booleans in YAML" in err.message


def test_code_injection_tag_refused(tmp_path: Path) -> None:
    err = error_of(tmp_path, "items: !!python/object/apply:os.system ['echo hi']\n")
    assert "is not allowed" in err.message and err.line == 1


def test_bad_yaml_syntax_has_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, "items:\n  - id: a\n    type: [number\n")
    assert err.line is not None and err.line >= 3


def test_expression_refuses_calls(tmp_path: Path) -> None:
    err = error_of(
        tmp_path,
        "items:\n  - {id: a, type: number}\n  - id: b\n    type: text\n"
        "    show_if: __import__('os').system('x')\n",
    )
    assert "the functions are missing(item) and seconds(start, end)" in err.message


def test_missing_function_allowed(tmp_path: Path) -> None:
    q = load_questionnaire(
        write(
            tmp_path,
            "items:\n  - {id: a, type: number}\n  - {id: b, type: text, show_if: not missing(a)}\n",
        )
    )
    assert q.item("b").show_if.names == {"a"}


def test_validate_command(tmp_path: Path, cli) -> None:
    path = write(tmp_path, BASIC_QUESTIONNAIRE)
    run = cli("validate", path)
    assert run.code == 0 and "ok, 7 items, 2 exclusion rule(s)" in run.out
    bad = write(tmp_path, "items:\n  - {id: 1a, type: text}\n")
    run = cli("validate", bad)
    assert run.code == 2
    assert run.err.startswith(f"error: {bad}:2: item id '1a' must be a name")
    assert "Traceback" not in run.err
