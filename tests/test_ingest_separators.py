"""Select-all cells joined by any character: `separator:`, and no hint that leads to a wrong count."""

from __future__ import annotations

import json

import pytest

from surveykit.errors import SurveyError
from surveykit.ingest import read_responses
from surveykit.ingest.cells import embedded_label
from surveykit.questionnaire import load_questionnaire

# A developer survey: select-all answers joined with "|" (no space).
HEADER = "Timestamp,Which roles describe you?"
ROWS = [
    "2024/03/01,Back-end Developer|Front-end Developer",
    "2024/03/02,Back-end Developer",
    "2024/03/03,Front-end Developer|Designer|Back-end Developer",
    "2024/03/04,Designer",
    "2024/03/05,",
    "2024/03/06,back-end developer|Data wrangler",
]
Q = """\
items:
  - id: roles
    text: Which roles describe you?
    type: multi
    choices: [Back-end Developer, Front-end Developer, Designer]
"""


def load(survey):
    return read_responses(survey.csv, load_questionnaire(survey.questionnaire))


def counts(survey) -> dict[str, int]:
    r = load(survey)
    return {k: int(v) for k, v in r.multi["roles"].sum().items()}


@pytest.mark.parametrize("extra", ["", "    other: true\n"])
def test_labels_joined_by_an_unknown_character_are_an_error_naming_the_key(
    make_survey, extra
) -> None:
    survey = make_survey(ROWS, questionnaire=Q + extra, header=HEADER)
    with pytest.raises(SurveyError) as info:
        load(survey)
    err = info.value
    assert (err.row, err.line, err.column) == (1, 2, "Which roles describe you?")
    assert err.message == (
        "'Back-end Developer|Front-end Developer' holds the choice 'Back-end Developer' joined "
        "to the rest by '|', which item 'roles' does not split at; set separator: \"|\" on the "
        "item"
    )
    assert "other: true" not in err.message


def test_following_the_separator_hint_gives_the_hand_counts(make_survey) -> None:
    q = Q + '    separator: "|"\n    other: true\n'
    r = load(make_survey(ROWS, questionnaire=q, header=HEADER))
    chosen = r.multi["roles"]
    # Counted by hand from ROWS: back-end in rows 1, 2, 3, 6; front-end in 1, 3; designer in 3, 4.
    assert {k: int(v) for k, v in chosen.sum().items()} == {
        "Back-end Developer": 4,
        "Front-end Developer": 2,
        "Designer": 2,
        "Others": 1,
    }
    assert r.other_text["roles"].iloc[5] == "Data wrangler"


def test_without_other_an_unknown_part_hints_other_true_and_that_works(make_survey, cli) -> None:
    q = Q + '    separator: "|"\n'
    survey = make_survey(ROWS, questionnaire=q, header=HEADER)
    with pytest.raises(SurveyError) as info:
        load(survey)
    assert "'Data wrangler' is not a choice of item 'roles' (set 'other: true'" in str(info.value)
    assert info.value.row == 6
    survey = make_survey(ROWS, questionnaire=q + "    other: true\n", header=HEADER)
    run = cli("analyze", survey.csv, "--format", "json")
    rows = {r[0]: r[1] for r in json.loads(run.out)["tables"][0]["rows"]}
    assert rows == {"Back-end Developer": 4, "Front-end Developer": 2, "Designer": 2, "Others": 1}


def test_the_other_true_hint_is_never_given_for_a_cell_of_known_labels(make_survey) -> None:
    # Labels joined with " / ": the hint names that character, and following it works.
    rows = ["2024/03/01,Designer / Back-end Developer", "2024/03/02,Designer"]
    survey = make_survey(rows, questionnaire=Q, header=HEADER)
    with pytest.raises(SurveyError) as info:
        load(survey)
    assert "joined to the rest by '/'" in info.value.message
    assert 'set separator: "/"' in info.value.message
    survey = make_survey(rows, questionnaire=Q + '    separator: "/"\n', header=HEADER)
    assert counts(survey) == {"Back-end Developer": 1, "Front-end Developer": 0, "Designer": 2}


def test_separator_of_several_characters_and_aliases(make_survey) -> None:
    q = """\
items:
  - id: pets
    text: Pets
    type: multi
    separator: " + "
    choices:
      - {label: Dog, aliases: [puppy]}
      - Cat
"""
    r = load(
        make_survey(["Dog + Cat", "puppy", "cat + dog + Puppy"], questionnaire=q, header="Pets")
    )
    assert r.multi["pets"]["Dog"].tolist() == [True, True, True]
    assert r.multi["pets"]["Cat"].tolist() == [True, False, True]


def test_google_forms_comma_space_cells_still_split_without_a_separator(make_survey) -> None:
    rows = ['2024/03/01,"Designer, Back-end Developer"', "2024/03/02,Designer;Back-end Developer"]
    assert counts(make_survey(rows, questionnaire=Q, header=HEADER)) == {
        "Back-end Developer": 2,
        "Front-end Developer": 0,
        "Designer": 2,
    }


@pytest.mark.parametrize(
    ("piece", "found"),
    [
        ("Python|Java", ("Python", "|")),
        ("my own tool / python", ("Python", "/")),
        ("I mostly use Python at home", None),  # a mention inside a sentence is free text
        ("Other (Python)", None),  # brackets surround, they do not join
        ("Pythonista|x", None),  # whole labels only
    ],
)
def test_embedded_label(piece, found) -> None:
    assert embedded_label(piece, [("python", "Python"), ("java", "Java")]) == found


@pytest.mark.parametrize(
    ("yaml", "fragment"),
    [
        (
            'separator: "|"\n    type: single\n    choices: [A]',
            "'separator' applies to multi items only",
        ),
        (
            'separator: ""\n    type: multi\n    choices: [A]',
            "'separator' must be the text that joins",
        ),
    ],
)
def test_separator_is_validated(tmp_path, yaml, fragment) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(f"items:\n  - id: x\n    {yaml}\n")
    with pytest.raises(SurveyError) as info:
        load_questionnaire(path)
    assert fragment in info.value.message


def test_labels_joined_by_spaces_are_an_error_too(make_survey) -> None:
    q = "items:\n  - {id: pets, text: Pets, type: multi, choices: [Dog, Cat, Guinea pig]}\n"
    survey = make_survey(["1,Dog Cat"], questionnaire=q, header="Id,Pets")
    with pytest.raises(SurveyError) as info:
        load(survey)
    assert "'Dog Cat' holds the choice 'Dog' joined to the rest by ' '" in info.value.message
    assert "no separator can split it" in info.value.message  # "Guinea pig" holds a space
    q2 = q.replace(", Guinea pig", "")
    survey = make_survey(["1,Dog Cat", "2,Cat"], questionnaire=q2, header="Id,Pets")
    with pytest.raises(SurveyError) as info:
        load(survey)
    assert 'set separator: " " on the item' in info.value.message
    survey = make_survey(
        ["1,Dog Cat", "2,Cat"],
        questionnaire=q2.replace("type: multi,", 'type: multi, separator: " ",'),
        header="Id,Pets",
    )
    r = load(survey)
    assert r.multi["pets"].sum().to_dict() == {"Dog": 1, "Cat": 2}
