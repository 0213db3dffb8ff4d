"""``check: {split: ITEM}``: ``surveykit check`` compares ``report --split`` with expected/split-ITEM/.

The staff sample declares ``check: {split: dept, min_cell: 35}`` (the --split
example of docs/subgroups.md), so its folder holds expected/split-dept/: the
index and one JSON report per department with 35 or more respondents.
"""

from __future__ import annotations

import shutil

from surveykit.check import check_survey
from tests.conftest import ROOT

STAFF = ROOT / "surveys" / "staff_wellbeing"
SPLIT = STAFF / "expected" / "split-dept"


def _copy(tmp_path):
    survey = tmp_path / "staff"
    shutil.copytree(STAFF, survey)
    return survey


def _edit_rows(survey, edit) -> None:
    path = survey / "responses.csv"
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)  # CRLF kept
    path.write_bytes("".join(edit(lines)).encode("utf-8"))


def test_the_staff_sample_checks_its_split_example(cli) -> None:
    assert sorted(p.name for p in SPLIT.iterdir()) == [
        "01-emergency.json", "02-surgery.json", "03-medicine.json", "04-mental-health.json",
        "index.md",
    ]  # fmt: skip
    index = (SPLIT / "index.md").read_text(encoding="utf-8")
    # The numbers of docs/subgroups.md's example: Outpatients (33) is below 35.
    assert (
        "| Mental Health | 36 | 180 | 20.0 | [04-mental-health.json](04-mental-health.json) |"
        in index
    )
    assert (
        "| Outpatients | < 35 | 140 | withheld | fewer than 35 responses: not reported |" in index
    )
    run = cli("check", STAFF)
    assert run.code == 0, run.out
    assert "split-dept: 4 reports and the index match expected/" in run.out


def test_a_changed_unit_fails_with_one_line_naming_unit_and_file(cli, tmp_path) -> None:
    survey = _copy(tmp_path)
    # Respondent 2 (Surgery) rated stress before the programme 4; make it 6. No unit changes size.
    row = "Participant 191,Yes,Surgery,"
    _edit_rows(
        survey,
        lambda lines: [
            line.replace(",,4,5\r\n", ",,6,5\r\n") if row in line else line for line in lines
        ],
    )
    run = cli("check", survey)
    assert run.code == 1
    # The CLI shows the first 50 differences; the split's come after the plain run's.
    lines = [str(d) for d in check_survey(survey).differences]
    surgery = [line for line in lines if "split-dept/02-surgery.json" in line]
    assert len(surgery) == 1, lines
    assert surgery[0].startswith(
        "split-dept/02-surgery.json (unit 'Surgery') table 'stress' row #2"
    ), surgery
    assert not any("split-dept/01-emergency.json" in line for line in lines)
    assert not any("split-dept/index.md" in line for line in lines)  # no unit changed size


def test_a_unit_falling_below_min_cell_fails_and_update_removes_its_report(cli, tmp_path) -> None:
    survey = _copy(tmp_path)
    dropped = 0

    def drop_two_mental_health(lines):
        nonlocal dropped
        out = [lines[0]]
        for line in lines[1:]:
            if ",Yes,Mental Health," in line and dropped < 2:
                dropped += 1
                continue
            out.append(line)
        return out

    _edit_rows(survey, drop_two_mental_health)  # 36 → 34, below check.min_cell 35
    assert cli("check", survey).code == 1
    lines = [str(d) for d in check_survey(survey).differences]
    assert (
        "split-dept/04-mental-health.json (unit 'Mental Health'): \"present\" → (absent)" in lines
    )
    index = [line for line in lines if line.startswith("split-dept/index.md line ")]
    assert any("| Mental Health | < 35 | 180 | withheld |" in line for line in index), index
    # The hint followed: --update rewrites the folder, and the unit's report is gone.
    run = cli("check", "--update", survey)
    assert run.code == 0
    assert "split-dept" in run.out
    written = sorted(p.name for p in (survey / "expected" / "split-dept").iterdir())
    assert written == ["01-emergency.json", "02-surgery.json", "03-medicine.json", "index.md"]
    run = cli("check", survey)
    assert run.code == 0, run.out
    assert "split-dept: 3 reports and the index" in run.out


def test_missing_folder_extra_file_and_undeclared_split(cli, tmp_path) -> None:
    survey = _copy(tmp_path)
    split = survey / "expected" / "split-dept"
    (split / "extra.json").write_text("{}", encoding="utf-8")
    run = cli("check", survey)
    assert run.code == 1
    assert '  split-dept/extra.json: "present" → (absent)' in run.out
    shutil.rmtree(split)
    run = cli("check", survey)
    assert '  split-dept/: (absent) → "present (run check --update)"' in run.out
    assert cli("check", "--update", survey).code == 0
    assert cli("check", survey).code == 0
    # A split folder the plan no longer declares is named, and --update removes it.
    shutil.copytree(survey / "expected" / "split-dept", survey / "expected" / "split-role")
    run = cli("check", survey)
    assert run.code == 1
    assert "split-role/ (not in the plan's check: split)" in run.out
    assert cli("check", "--update", survey).code == 0
    assert not (survey / "expected" / "split-role").exists()


def test_check_section_errors_name_the_plan_line(cli, tmp_path) -> None:
    survey = _copy(tmp_path)
    plan = survey / "analysis.yaml"
    text = plan.read_text(encoding="utf-8")
    line = text.splitlines().index("check: {split: dept, min_cell: 35}") + 1
    for bad, message in [
        ("check: {split: dpt}", "check.split: 'dpt' is not an item id (did you mean dept?)"),
        ("check: {split: improve}", "check.split: 'improve' is a multi item"),
        ("check: {split: dept, min_cell: 1}", "check.min_cell must be a whole number"),
        ("check: {splt: dept}", "splt"),
    ]:
        plan.write_text(text.replace("check: {split: dept, min_cell: 35}", bad), encoding="utf-8")
        run = cli("check", survey)
        assert run.code == 2, bad
        assert run.err.startswith(f"error: {plan}:{line}: "), run.err
        assert message in run.err
        assert len(run.err.strip().splitlines()) == 1
