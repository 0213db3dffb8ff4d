"""Response rates per joint cell (population ``cells:``), and their small-cell protection.

Fixture: tests/fixtures/rates (the weights fixture's 80 respondents with a few units
left blank, make_data.py; team × profession cells and a grade margin; the example
of docs/population.md). Expected
counts are counted here from the CSV; the protection test works out, as a reader
would, what every printed number implies about each withheld one.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from surveykit.suppression import CountProblem, Equation, bounds

FIXTURES = Path(__file__).parent / "fixtures" / "rates"
TEAMS = ["Ward A", "Ward B", "Ward C", "Theatres"]
PROFESSIONS = ["Nurse", "Doctor", "Admin"]


# Every unit answered (the weights fixture's answers), or a few left blank (make_data.py).
COMPLETE = FIXTURES / "responses.csv"
BLANKS = FIXTURES / "blanks.csv"


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    return _survey(tmp_path, BLANKS)


def _survey(tmp_path: Path, responses: Path) -> Path:
    shutil.copy(responses, tmp_path / "responses.csv")
    for name in ("population.yaml", "questionnaire.yaml", "analysis.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def _answers(survey: Path) -> list[dict[str, str]]:
    with open(survey / "responses.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _headcounts() -> dict[tuple[str, str], int]:
    with open(FIXTURES.parent / "weights" / "population.csv", encoding="utf-8") as f:
        return {(r["team"], r["profession"]): int(r["count"]) for r in csv.DictReader(f)}


def _json(cli, survey: Path, *args: str) -> dict:
    out = cli("analyze", survey / "responses.csv", "-f", "json", *args)
    assert out.code == 0, out.err
    return json.loads(out.out)


def _rates(doc: dict) -> dict:
    return next(t for t in doc["tables"] if t["id"] == "response_rates")


def test_each_joint_cell_has_its_respondents_headcount_and_rate(cli, survey):
    table = _rates(_json(cli, survey))
    rows = {r[0]: r[1:] for r in table["rows"]}
    answers, heads = _answers(survey), _headcounts()
    for (team, profession), head in heads.items():
        n = sum(1 for a in answers if a["team"] == team and a["profession"] == profession)
        assert rows[f"{team} / {profession}"] == [n, head, pytest.approx(100 * n / head)]
    assert ["Team × Profession", None, None, None] in table["rows"]
    # The margins first (grade given, team and profession from the cells), then the cells.
    assert table["items"] == ["grade", "team", "profession", "team × profession"]
    # R2, R4, R17 (no profession), R7, R8 (no team), R70 (neither): in no cell.
    joint = table["rows"][[r[0] for r in table["rows"]].index("Team × Profession") :]
    assert joint[-1] == ["Not stated", 6, None, None]
    assert sum(r[1] for r in joint[1:]) == 80
    # A team's cells and its respondents with no profession make up the team's count.
    assert rows["Ward B"][0] == 27 and sum(rows[f"Ward B / {p}"][0] for p in PROFESSIONS) == 25


def _reader(
    doc: dict, min_cell: int, answers: list[dict[str, str]]
) -> tuple[CountProblem, dict[str, tuple[int, int]]]:
    """What a reader of the whole report knows about the rates table's counts.

    Cells are (row, 1) of the rates table. Every block (a heading's rows) adds up to
    everyone analysed; each joint cell's respondents are among its team's and its
    profession's (an unseen rest of 0 or more); no unit exceeds its headcount; a
    count shown in any table (the items' own frequency table) is known.
    """
    table = _rates(doc)
    rows, kinds = table["rows"], table["row_kinds"]
    analysed = doc["respondents"]["analysed"]
    shown_elsewhere: dict[str, int] = {}
    for other in doc["tables"]:
        if other["id"] == "response_rates":
            continue
        n = other["columns"].index("n")
        for r in other["rows"]:
            if isinstance(r[n], int):
                shown_elsewhere.setdefault(r[0], r[n])

    def true_count(label: str, block: str) -> int:
        if block == "Team × Profession":
            if label == "Not stated":
                return sum(1 for a in answers if not a["team"] or not a["profession"])
            team, profession = label.split(" / ")
            return sum(1 for a in answers if (a["team"], a["profession"]) == (team, profession))
        item = block.lower()
        if label == "Not stated":
            return sum(1 for a in answers if not a[item])
        return sum(1 for a in answers if a[item] == label)

    problem = CountProblem({})
    where: dict[str, tuple[int, int]] = {}
    blocks: dict[str, list[tuple[int, int]]] = {}
    block = None
    for i, (row, kind) in enumerate(zip(rows, kinds, strict=True)):
        if kind == "heading":
            block = row[0]
            blocks[block] = []
            continue
        if block is None:
            continue
        cell = (i, 1)
        problem.values[cell] = true_count(row[0], block)
        where[f"{block}: {row[0]}"] = cell
        blocks[block].append(cell)
        if isinstance(row[2], int):
            problem.caps[cell] = row[2]
        shown = row[1]
        if shown == f"< {min_cell}":
            problem.primary.add(cell)
        elif isinstance(shown, str):
            problem.secondary.add(cell)
        else:
            assert shown == problem.values[cell]
        if isinstance(shown, str) and block != "Team × Profession" and row[0] in shown_elsewhere:
            # Printed in the item's own table: the reader knows it after all.
            problem.primary.discard(cell)
            problem.secondary.discard(cell)
    for cells in blocks.values():
        problem.equations.append(Equation([(1, c) for c in cells], analysed))
    for k, (item, levels) in enumerate((("Team", TEAMS), ("Profession", PROFESSIONS))):
        for m, level in enumerate(levels):
            parts = [where[f"Team × Profession: {t} / {p}"] for t in TEAMS for p in PROFESSIONS
                     if (t if item == "Team" else p) == level]  # fmt: skip
            margin = where[f"{item}: {level}"]
            rest = (-1 - 10 * k - m, 0)
            problem.values[rest] = problem.values[margin] - sum(problem.values[c] for c in parts)
            problem.latent.add(rest)
            problem.equations.append(Equation([(1, c) for c in [*parts, rest]] + [(-1, margin)]))
    return problem, where


@pytest.mark.parametrize("responses", [COMPLETE, BLANKS], ids=["complete", "blanks"])
@pytest.mark.parametrize("min_cell", [3, 5, 8])
def test_no_withheld_count_can_be_worked_out_from_the_report(cli, tmp_path, responses, min_cell):
    survey = _survey(tmp_path, responses)
    doc = _json(cli, survey, "--min-cell", str(min_cell))
    problem, where = _reader(doc, min_cell, _answers(survey))
    assert problem.primary, "the fixture has joint cells below the threshold"
    for cell, (lo, hi) in bounds(problem, min_cell).items():
        name = next(k for k, v in where.items() if v == cell)
        assert hi - lo >= 1, f"{name} is pinned to {lo:g} by what the report prints"


def test_the_small_cell_of_ward_a_is_not_the_margin_minus_the_others(cli, tmp_path):
    # Ward A: 32 respondents, 21 nurses, 3 doctors, 8 admin, and every profession
    # stated: with 21 and 8 printed, "< 5" would be 32 − 21 − 8 = 3.
    survey = _survey(tmp_path, COMPLETE)
    rows = {r[0]: r[1] for r in _rates(_json(cli, survey, "--min-cell", "5"))["rows"]}
    assert rows["Ward A"] == 32 and rows["Ward A / Doctor"] == "< 5"
    assert not (isinstance(rows["Ward A / Nurse"], int) and isinstance(rows["Ward A / Admin"], int))


def test_the_levels_withhold_what_the_items_own_table_withholds(cli, survey):
    # The rates table's team and profession counts are the frequency table's: both
    # withhold the same ones, so neither gives the other's withheld counts back.
    doc = _json(cli, survey, "--min-cell", "8")
    rates = {r[0]: r[1] for r in _rates(doc)["rows"]}
    units = next(t for t in doc["tables"] if t["id"] == "units")
    n = units["columns"].index("n")
    for row in units["rows"]:
        if row[0] in TEAMS + PROFESSIONS:
            assert rates[row[0]] == row[n]
    assert rates["Theatres"] == "< 8"


def test_a_respondent_in_a_combination_with_no_cell_is_counted_as_such(cli, survey):
    # Without a Theatres / Doctor cell, its one respondent is in no cell (and still in
    # Theatres' and Doctor's own rows, whose headcounts then come from the other cells).
    text = (survey / "population.yaml").read_text(encoding="utf-8")
    (survey / "population.yaml").write_text(
        text.replace("  - {team: Theatres, profession: Doctor, n: 40}\n", "").replace(
            "Staff: 780",
            "Staff: 740",  # the grade margin keeps the total
        ),
        encoding="utf-8",
    )
    rows = {r[0]: r[1:] for r in _rates(_json(cli, survey))["rows"]}
    answers = _answers(survey)
    theatres = sum(1 for a in answers if a["team"] == "Theatres")
    assert rows["Theatres"] == [theatres, 120, pytest.approx(100 * theatres / 120)]
    assert "Theatres / Doctor" not in rows
    unplaced = sum(1 for a in answers if not a["team"] or not a["profession"]) + sum(
        1 for a in answers if (a["team"], a["profession"]) == ("Theatres", "Doctor")
    )
    assert rows["Not stated, or in no cell"] == [unplaced, None, None]
