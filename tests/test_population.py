"""population.yaml / .csv: headcounts checked against the questionnaire; response rates; weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surveykit.errors import SurveyError
from surveykit.population import calibrate, load_population, response_rates
from surveykit.questionnaire import load_questionnaire

QUESTIONNAIRE = """\
items:
  - {id: dept, type: single, choices: [ED, Surgery]}
  - {id: role, type: single, choices: [Nurse, Doctor]}
  - {id: tags, type: multi, choices: [A, B]}
"""


@pytest.fixture
def q(tmp_path):
    path = tmp_path / "questionnaire.yaml"
    path.write_text(QUESTIONNAIRE, encoding="utf-8")
    return load_questionnaire(path)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_margins_and_cells(tmp_path, q):
    path = _write(
        tmp_path,
        "population.yaml",
        "margins:\n  dept: {ED: 40, Surgery: 60}\n"
        "cells:\n"
        "  - {dept: ED, role: Nurse, n: 30}\n  - {dept: ED, role: Doctor, n: 10}\n"
        "  - {dept: Surgery, role: Nurse, n: 35}\n  - {dept: Surgery, role: Doctor, n: 25}\n",
    )
    pop = load_population(path, q)
    assert pop.total == 100
    assert pop.margins["role"] == {"Nurse": 65, "Doctor": 35}  # from the cells
    assert pop.cell_items == ("dept", "role")


def test_csv_form(tmp_path, q):
    path = _write(
        tmp_path,
        "population.csv",
        "dept,role,count\nED,Nurse,30\nED,Doctor,10\nSurgery,Nurse,35\nSurgery,Doctor,25\n",
    )
    pop = load_population(path, q)
    assert pop.margins == {"dept": {"ED": 40, "Surgery": 60}, "role": {"Nurse": 65, "Doctor": 35}}


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        (
            "p.yaml",
            "margins:\n  dept: {ED: 40, Theatre: 60}\n",
            "'Theatre' is not a choice of 'dept'",
            2,
        ),
        ("p.yaml", "margins:\n  tags: {A: 4}\n", "headcounts need a single-choice item", 2),
        (
            "p.yaml",
            "margins:\n  dept: {ED: 40, Surgery: -1}\n",
            "a headcount must be a number of 0 or more",
            2,
        ),
        (
            "p.yaml",
            "margins:\n  dept: {ED: 40, Surgery: 60}\n  role: {Nurse: 50, Doctor: 40}\n",
            "different totals",
            None,
        ),
        ("p.csv", "dept,count\nED,40\nER,3\n", "'ER' is not a choice of 'dept'", 3),
    ],
)
def test_errors_name_file_and_line(tmp_path, q, name, text, message, line):
    path = _write(tmp_path, name, text)
    with pytest.raises(SurveyError, match=message) as info:
        load_population(path, q)
    assert info.value.file == str(path) and info.value.line == line


def _data():
    return pd.DataFrame(
        {
            "dept": pd.Categorical(
                ["ED", "ED", "Surgery", "Surgery", "Surgery", None], ["ED", "Surgery"]
            ),
            "role": pd.Categorical(
                ["Nurse", "Doctor", "Nurse", "Nurse", "Doctor", "Nurse"], ["Nurse", "Doctor"]
            ),
        }
    )


def test_response_rates_by_hand(tmp_path, q):
    pop = load_population(
        _write(tmp_path, "p.yaml", "margins:\n  dept: {ED: 40, Surgery: 60}\n"), q
    )
    rates = response_rates(_data(), pop)
    assert [(r.item, r.level, r.respondents, r.headcount) for r in rates] == [
        (None, None, 6, 100),
        ("dept", "ED", 2, 40),
        ("dept", "Surgery", 3, 60),  # the sixth respondent did not say
    ]
    assert rates[1].rate == pytest.approx(0.05)


def test_poststratify_weights_meet_the_cells(tmp_path, q):
    pop = load_population(
        _write(
            tmp_path,
            "p.yaml",
            "cells:\n  - {dept: ED, role: Nurse, n: 30}\n  - {dept: ED, role: Doctor, n: 10}\n"
            "  - {dept: Surgery, role: Nurse, n: 35}\n  - {dept: Surgery, role: Doctor, n: 25}\n",
        ),
        q,
    )
    data = _data().iloc[:5]
    cal = calibrate(data, pop, "poststratify", ["dept", "role"])
    # ED/Nurse 1 respondent -> 30; ED/Doctor 1 -> 10; Surgery/Nurse 2 -> 17.5 each; Surgery/Doctor 1 -> 25
    np.testing.assert_allclose(cal.weights, [30, 10, 17.5, 17.5, 25])


def test_rake_needs_every_respondent_placed(tmp_path, q):
    pop = load_population(
        _write(tmp_path, "p.yaml", "margins:\n  dept: {ED: 40, Surgery: 60}\n"), q
    )
    with pytest.raises(SurveyError, match="1 respondent\\(s\\) have no level of 'dept'"):
        calibrate(_data(), pop, "rake", ["dept"])
    cal = calibrate(_data().iloc[:5], pop, "rake", ["dept"])
    np.testing.assert_allclose(cal.weights, [20, 20, 20, 20, 20])


def test_poststratify_empty_cell_is_named(tmp_path, q):
    pop = load_population(
        _write(
            tmp_path,
            "p.yaml",
            "cells:\n  - {dept: ED, role: Nurse, n: 30}\n  - {dept: ED, role: Doctor, n: 10}\n"
            "  - {dept: Surgery, role: Nurse, n: 35}\n  - {dept: Surgery, role: Doctor, n: 25}\n",
        ),
        q,
    )
    data = _data().iloc[:4]  # nobody in Surgery/Doctor
    with pytest.raises(
        SurveyError, match="cell Surgery / Doctor has a headcount but no respondents"
    ):
        calibrate(data, pop, "poststratify", ["dept", "role"])
