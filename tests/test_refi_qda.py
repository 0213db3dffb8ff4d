"""REFI-QDA exchange (`surveykit code export` / `code import`): .qdc codebooks, .qdpx projects.

Everything surveykit writes is validated against the standard's schemas
(tests/fixtures/refi_qda, see its README for where they come from), and what
other programs write is represented by the standard's own example and by
hand-written files in the standard's shape.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from surveykit.coding.codebook import Codebook, load_codebook
from surveykit.coding.sheet import read_coding
from surveykit.questionnaire import load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
SINGAPORE = ROOT / "surveys" / "singapore_pss"
FIXTURES = ROOT / "tests" / "fixtures" / "refi_qda"
CODEBOOK_NS = "{urn:QDA-XML:codebook:1.0}"
PROJECT_NS = "{urn:QDA-XML:project:1.0}"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / name)))


def assert_valid(xsd: str, document: bytes) -> etree._Element:
    checker = schema(xsd)
    tree = etree.fromstring(document)
    assert checker.validate(tree), checker.error_log
    return tree


def copy_survey(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "survey"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(SINGAPORE / name, folder / name)
    return folder


def bare(book: Codebook) -> Codebook:
    return Codebook(book.themes, book.codes, None)


@pytest.fixture
def exported(tmp_path, cli):
    qdc, qdpx = tmp_path / "sg.qdc", tmp_path / "sg.qdpx"
    run = cli("code", "export", SINGAPORE, "--qdc", qdc, "--qdpx", qdpx)
    assert run.code == 0, run.err
    assert run.err == f"wrote {qdc}\nwrote {qdpx}\n"
    return qdc, qdpx


def test_the_schemas_reject_what_the_standard_forbids():
    # The fixtures' schemas check something: a code without its required guid, or with a
    # guid that is not one, is refused (so "valid" below means something).
    checker = schema("Codebook.xsd")
    good = (FIXTURES / "standard_example_codebook.qdc").read_bytes()
    assert checker.validate(etree.fromstring(good)), checker.error_log
    for broken in (
        good.replace(b'guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" ', b""),
        good.replace(b"9fa9bcb7-5b59", b"9fa9bcb7\xe2\x80\x905b59"),  # a Unicode hyphen
        good.replace(b'isCodable="false"', b'isCodable="no"'),
    ):
        assert not checker.validate(etree.fromstring(broken))


def test_exported_codebook_validates_and_carries_the_tree(exported):
    tree = assert_valid("Codebook.xsd", exported[0].read_bytes())
    themes = tree.findall(f"{CODEBOOK_NS}Codes/{CODEBOOK_NS}Code")
    assert [t.get("name") for t in themes][:2] == [
        "Supportive and inclusive workplace environment",
        "The power of the lived experience",
    ]
    assert {t.get("isCodable") for t in themes} == {"false"}
    codes = tree.findall(f".//{CODEBOOK_NS}Code[@isCodable='true']")
    assert len(codes) == 14
    role = next(c for c in codes if c.get("name") == "Role clarity")
    description = role.find(f"{CODEBOOK_NS}Description").text
    assert description.startswith("The PSS role is unclear to colleagues or clients")
    assert description.splitlines()[-1].startswith('surveykit: {"id": "role_clarity"')
    # One set per coded text item, with the codes that apply to it.
    sets = tree.findall(f"{CODEBOOK_NS}Sets/{CODEBOOK_NS}Set")
    assert [s.get("name") for s in sets] == [
        "role_why",
        "benefits_why",
        "challenges_why",
        "strategies_why",
        "existing_strategies",
    ]
    assert all(len(s.findall(f"{CODEBOOK_NS}MemberCode")) == 14 for s in sets)


def test_exports_are_reproducible(exported, tmp_path, cli):
    again = tmp_path / "again"
    again.mkdir()
    run = cli("code", "export", SINGAPORE, "--qdc", again / "sg.qdc", "--qdpx", again / "sg.qdpx")
    assert run.code == 0, run.err
    assert (again / "sg.qdc").read_bytes() == exported[0].read_bytes()
    assert (again / "sg.qdpx").read_bytes() == exported[1].read_bytes()


def test_exported_project_validates_with_cases_sources_and_codings(exported):
    with zipfile.ZipFile(exported[1]) as archive:
        names = archive.namelist()
        tree = assert_valid("Project.xsd", archive.read("project.qde"))
        sources = tree.findall(f"{PROJECT_NS}Sources/{PROJECT_NS}TextSource")
        # Every source's text is in the zip, and is the respondent's answer.
        by_name = {
            s.get("name"): archive.read(
                "Sources/" + s.get("plainTextPath").removeprefix("internal://")
            ).decode("utf-8")
            for s in sources
        }
    assert names[0] == "project.qde" and len(names) == 1 + len(sources)

    raw = pd.read_csv(SINGAPORE / "responses.csv", dtype=str)
    # The questionnaire's exclusions (section 3 of the paper: 62 responses, 3 excluded), by hand:
    # a repeated e-mail address, a retired professional, no years of experience.
    email, profession, years = raw.columns[1], raw.columns[5], raw.columns[9]
    kept = raw[
        ~raw[email].duplicated()
        & (raw[profession] != "Retired healthcare professional")
        & (raw[years].astype(float) != 0)
    ]
    assert len(raw) == 62 and len(kept) == 59
    kept.index = [f"R{n}" for n in range(1, len(kept) + 1)]  # R-numbers of those analysed
    cases = tree.findall(f"{PROJECT_NS}Cases/{PROJECT_NS}Case")
    assert [c.get("name") for c in cases] == list(kept.index)
    # A source per non-blank answer to the five coded items (headed by the item's question).
    columns = [
        "role_why",
        "benefits_why",
        "challenges_why",
        "strategies_why",
        "existing_strategies",
    ]
    questions = {
        e.get("name"): e.find(f"{PROJECT_NS}Description").text
        for e in tree.findall(f"{PROJECT_NS}Sets/{PROJECT_NS}Set")
    }
    expected = sum(
        int(kept[questions[item]].fillna("").str.strip().ne("").sum()) for item in columns
    )
    assert len(sources) == expected
    assert by_name["R3 - role_why"] == kept.loc["R3", questions["role_why"]]
    # Case R1 has its closed answers as variables, e.g. age 27 (an Integer) and sex Female.
    variables = {
        v.get("guid"): (v.get("name"), v.get("typeOfVariable"))
        for v in tree.findall(f"{PROJECT_NS}Variables/{PROJECT_NS}Variable")
    }
    assert "email" not in {name for name, _ in variables.values()}  # text items are not variables
    r1 = {
        variables[v.find(f"{PROJECT_NS}VariableRef").get("targetGUID")]: v[1].text
        for v in cases[0].findall(f"{PROJECT_NS}VariableValue")
    }
    assert r1[("age", "Integer")] == "27"
    assert r1[("sex", "Text")] == "Female"
    assert r1[("accept_pss", "Text")] == "Maybe"
    assert r1[("role", "Text")].startswith("Share personal experiences with clients; ")
    # Codings: the rows that count (accepted or added by hand), each by its coder.
    rows = read_coding(
        SINGAPORE / "coding.csv",
        load_codebook(
            SINGAPORE / "codebook.yaml", load_questionnaire(SINGAPORE / "questionnaire.yaml")
        ),
    )
    counting = [r for r in rows if r.counts]
    assert len(counting) == 144 and len(rows) == 155
    codings = tree.findall(f".//{PROJECT_NS}PlainTextSelection/{PROJECT_NS}Coding")
    assert len(codings) == len(counting)
    users = {u.get("guid"): u.get("name") for u in tree.iter(f"{PROJECT_NS}User")}
    assert sorted(users.values()) == ["author1", "author2"]
    assert {users[c.get("creatingUser")] for c in codings} == {"author1", "author2"}


def test_round_trip_of_the_singapore_codebook_and_coding(exported, tmp_path, cli):
    questionnaire = load_questionnaire(SINGAPORE / "questionnaire.yaml")
    original = load_codebook(SINGAPORE / "codebook.yaml", questionnaire)
    rows = read_coding(SINGAPORE / "coding.csv", original)

    # .qdc: the codebook comes back as it was (ids, labels, descriptions, patterns, items).
    from_qdc = copy_survey(tmp_path / "a", "questionnaire.yaml")
    run = cli("code", "import", from_qdc, exported[0])
    assert run.code == 0, run.err
    assert run.err == f"{from_qdc / 'codebook.yaml'}: written (14 codes)\n"
    assert bare(load_codebook(from_qdc / "codebook.yaml", questionnaire)) == bare(original)
    assert not (from_qdc / "coding.csv").exists()

    # .qdpx: the codebook, and the coding rows that count, as accepted rows of their coders.
    from_qdpx = copy_survey(tmp_path / "b", "questionnaire.yaml", "responses.csv")
    run = cli("code", "import", from_qdpx, exported[1])
    assert run.code == 0, run.err
    book = load_codebook(from_qdpx / "codebook.yaml", questionnaire)
    assert bare(book) == bare(original)
    back = read_coding(from_qdpx / "coding.csv", book)
    expected = {
        (r.respondent, r.item, r.code, r.coder, "accepted", r.note) for r in rows if r.counts
    }
    assert {(r.respondent, r.item, r.code, r.coder, r.status, r.note) for r in back} == expected
    assert len(back) == len(expected) == 144
    # Imported again: nothing changes, and coding.csv is not rewritten.
    before = (from_qdpx / "coding.csv").read_bytes()
    run = cli("code", "import", from_qdpx, exported[1])
    assert run.err.splitlines() == [
        f"{from_qdpx / 'codebook.yaml'}: unchanged (14 codes)",
        f"{from_qdpx / 'coding.csv'}: 0 accepted row(s) added, 144 already there (kept as they were)",
    ]
    assert (from_qdpx / "coding.csv").read_bytes() == before


def test_importing_into_the_survey_itself_keeps_every_reviewed_row(exported, tmp_path, cli):
    folder = copy_survey(
        tmp_path, "questionnaire.yaml", "responses.csv", "codebook.yaml", "coding.csv"
    )
    codebook_before = (folder / "codebook.yaml").read_bytes()
    sheet_before = (folder / "coding.csv").read_bytes()
    run = cli("code", "import", folder, exported[1])
    assert run.code == 0, run.err
    # The codebook is the same codebook: its file, comments and all, is left as it is.
    assert (folder / "codebook.yaml").read_bytes() == codebook_before
    assert (folder / "coding.csv").read_bytes() == sheet_before
    assert "0 accepted row(s) added, 144 already there" in run.err


def test_output_safety(exported, tmp_path, cli):
    qdc, _ = exported
    before = qdc.read_bytes()
    run = cli("code", "export", SINGAPORE, "--qdc", qdc)
    assert run.code == 2
    assert run.err == f"error: {qdc}: exists already; pass --force to replace it\n"
    # Following the hint replaces it.
    qdc.write_bytes(b"old")
    run = cli("code", "export", SINGAPORE, "--qdc", qdc, "--force")
    assert run.code == 0 and qdc.read_bytes() == before
    # Never an input, never a file of another type.
    run = cli("code", "export", SINGAPORE, "--qdc", SINGAPORE / "codebook.yaml")
    assert run.code == 2 and "must end in .qdc" in run.err
    run = cli("code", "export", SINGAPORE)
    assert run.code == 2 and "--qdc FILE.qdc and/or --qdpx FILE.qdpx" in run.err

    # A codebook.yaml that differs is not replaced without --force, and nothing is written.
    folder = copy_survey(tmp_path / "c", "questionnaire.yaml", "responses.csv")
    (folder / "codebook.yaml").write_text(
        "themes:\n  - id: t\n    label: T\n    codes: [{id: c, label: C}]\n", encoding="utf-8"
    )
    mine = (folder / "codebook.yaml").read_bytes()
    run = cli("code", "import", folder, exported[1])
    assert run.code == 2
    assert run.err == (
        f"error: {folder / 'codebook.yaml'}: differs from the codebook in sg.qdpx; pass --force "
        "to replace it (its comments and layout are not kept)\n"
    )
    assert (folder / "codebook.yaml").read_bytes() == mine
    assert not (folder / "coding.csv").exists()
    run = cli("code", "import", folder, exported[1], "--force")
    assert run.code == 0, run.err
    assert f"{folder / 'codebook.yaml'}: replaced (14 codes)" in run.err
    assert len(read_coding(folder / "coding.csv", load_codebook(
        folder / "codebook.yaml", load_questionnaire(folder / "questionnaire.yaml")
    ))) == 144  # fmt: skip


def test_import_of_the_standards_example_codebook(tmp_path, cli):
    # Annex A, example 1 of REFI-QDA 1.5: two non-codable codes and four flat codable ones.
    folder = copy_survey(tmp_path, "questionnaire.yaml")
    run = cli("code", "import", folder, FIXTURES / "standard_example_codebook.qdc")
    assert run.code == 0, run.err
    questionnaire = load_questionnaire(folder / "questionnaire.yaml")
    book = load_codebook(folder / "codebook.yaml", questionnaire)
    assert [(t.id, t.label) for t in book.themes] == [
        ("topics", "Topics"),
        ("values", "Values"),
        ("ungrouped", "Codes without a theme"),
    ]
    assert [(c.id, c.label, c.theme, c.description) for c in book.codes] == [
        ("economy", "Economy", "ungrouped", "Anything about jobs or taxes or business"),
        ("health_care", "Health care", "ungrouped", "Health care issues, doctor, patients, etc."),
        ("conservatives", "Conservatives", "ungrouped", "Republicans or right-wing libertarians"),
        ("liberals", "Liberals", "ungrouped", "Democrats, socialists, or progressive independents"),
    ]
    # Without items of its own a code applies to every text item of the questionnaire.
    text_items = sorted(i.id for i in questionnaire.items if i.type == "text")
    assert all(c.items == tuple(text_items) and not c.patterns for c in book.codes)


OTHER_PROGRAM_QDPX = """\
<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Coded elsewhere" origin="Another QDA program">
  <Users>
    <User guid="{0A0A0A0A-0000-4000-8000-000000000001}" name="Dana"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{0A0A0A0A-0000-4000-8000-000000000010}" name="Acceptance" isCodable="true">
        <Code guid="{0A0A0A0A-0000-4000-8000-000000000011}" name="Role clarity" isCodable="true">
          <Description>Unclear role</Description>
        </Code>
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{0A0A0A0A-0000-4000-8000-000000000020}" name="R5 - challenges_why"
                plainTextPath="internal://0A0A0A0A-0000-4000-8000-000000000020.txt">
      <PlainTextSelection guid="{0A0A0A0A-0000-4000-8000-000000000021}" startPosition="0"
                          endPosition="12" creatingUser="{0A0A0A0A-0000-4000-8000-000000000001}">
        <Description>first words only</Description>
        <Coding guid="{0A0A0A0A-0000-4000-8000-000000000022}">
          <CodeRef targetGUID="{0A0A0A0A-0000-4000-8000-000000000011}"/>
        </Coding>
      </PlainTextSelection>
      <Coding guid="{0A0A0A0A-0000-4000-8000-000000000023}">
        <CodeRef targetGUID="{0A0A0A0A-0000-4000-8000-000000000010}"/>
      </Coding>
    </TextSource>
  </Sources>
</Project>
"""


def write_qdpx(path: Path, qde: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/0A0A0A0A-0000-4000-8000-000000000020.txt", "Role unclear.")
    return path


def test_import_of_a_project_coded_in_another_program(tmp_path, cli):
    assert_valid("Project.xsd", OTHER_PROGRAM_QDPX.encode())
    qdpx = write_qdpx(tmp_path / "other.qdpx", OTHER_PROGRAM_QDPX)
    folder = copy_survey(tmp_path, "questionnaire.yaml", "responses.csv")
    run = cli("code", "import", folder, qdpx, "--coder", "fallback")
    assert run.code == 0, run.err
    book = load_codebook(
        folder / "codebook.yaml", load_questionnaire(folder / "questionnaire.yaml")
    )
    # A codable theme gets a code of its own with its label.
    assert [(c.id, c.label, c.theme) for c in book.codes] == [
        ("acceptance_code", "Acceptance", "acceptance"),
        ("role_clarity", "Role clarity", "acceptance"),
    ]
    rows = read_coding(folder / "coding.csv", book)
    # The whole-source coding has no user: --coder; the selection's user codes the other.
    assert [(r.respondent, r.item, r.code, r.coder, r.status, r.note) for r in rows] == [
        ("R5", "challenges_why", "acceptance_code", "fallback", "accepted", ""),
        ("R5", "challenges_why", "role_clarity", "Dana", "accepted", "first words only"),
    ]


def test_import_errors_name_the_file_and_what_to_do(tmp_path, cli):
    folder = copy_survey(tmp_path, "questionnaire.yaml", "responses.csv")
    # An answer that is not in this survey's responses.
    wrong = write_qdpx(
        tmp_path / "wrong.qdpx",
        OTHER_PROGRAM_QDPX.replace("R5 - challenges_why", "R999 - challenges_why"),
    )
    run = cli("code", "import", folder, wrong)
    assert run.code == 2
    assert run.err == (
        f"error: {wrong}: text source 'R999 - challenges_why' is not a non-blank answer in "
        f"{folder / 'responses.csv'} (respondent 'R999', item 'challenges_why'); import into "
        "the survey it was exported from\n"
    )
    assert not (folder / "codebook.yaml").exists()
    # A coded source that is not an exported answer.
    foreign = write_qdpx(
        tmp_path / "foreign.qdpx", OTHER_PROGRAM_QDPX.replace("R5 - challenges_why", "Interview 1")
    )
    run = cli("code", "import", folder, foreign)
    assert run.code == 2 and "text source 'Interview 1' is coded but is not an answer" in run.err
    # Not XML, not a zip, not REFI-QDA.
    bad = tmp_path / "bad.qdc"
    bad.write_text("<CodeBook><Codes>", encoding="utf-8")
    run = cli("code", "import", folder, bad)
    assert run.code == 2 and run.err.startswith(f"error: {bad}: is not well-formed XML at line 1")
    notzip = tmp_path / "bad.qdpx"
    notzip.write_text("hello", encoding="utf-8")
    run = cli("code", "import", folder, notzip)
    assert run.code == 2 and "is not a zip file" in run.err
    project_as_qdc = tmp_path / "p.qdc"
    project_as_qdc.write_text(OTHER_PROGRAM_QDPX, encoding="utf-8")
    run = cli("code", "import", folder, project_as_qdc)
    assert run.code == 2 and "root element is <Project>, not <CodeBook>" in run.err


SMALL_QUESTIONNAIRE = """\
survey: {id: demo, title: Demo survey}
items:
  - {id: team, type: single, choices: [A, B]}
  - {id: score, type: number}
  - {id: why, text: "Why?", type: text}
  - {id: else, text: Anything else, type: text}
"""
SMALL_CODEBOOK = """\
items: [why]
themes:
  - id: staffing
    label: Staffing
    description: Who is on the ward.
    codes:
      - {id: short_staffed, label: Short-staffed, patterns: ["short staffed", "/understaff\\\\w*/"]}
      - {id: nights, label: Night shifts, patterns: [night shift], items: [else, why]}
  - id: pay
    label: Pay
    subthemes:
      - id: pay_level
        label: Level of pay
        description: What staff earn.
        codes:
          - {id: low_pay, label: Low pay, description: Pay is too low., patterns: [pay]}
"""
SMALL_SHEET = """\
respondent,item,code,coder,status,note
R1,why,short_staffed,ann,accepted,
R2,why,short_staffed,ann,rejected,understaffing is not short-staffed
R2,why,low_pay,ann,suggested,
R2,else,nights,ann,accepted,
R3,why,low_pay,ann,,"repayment = pay, says the coder"
R1,why,short_staffed,ben,accepted,
R2,why,low_pay,ben,accepted,
"""


def test_round_trip_with_subthemes_own_items_notes_and_hand_added_rows(tmp_path, cli):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "questionnaire.yaml").write_text(SMALL_QUESTIONNAIRE, encoding="utf-8")
    (folder / "codebook.yaml").write_text(SMALL_CODEBOOK, encoding="utf-8")
    (folder / "coding.csv").write_text(SMALL_SHEET, encoding="utf-8")
    (folder / "responses.csv").write_text(
        "team,score,why,else\n"
        "A,2.5,We are short  staffed on night shifts,\n"
        "B,3,Understaffing and PAY,night shift again\n"
        "A,,repayment plans,\n"
        "B,1,,\n",
        encoding="utf-8",
    )
    qdc, qdpx = tmp_path / "demo.qdc", tmp_path / "demo.qdpx"
    assert cli("code", "export", folder, "--qdc", qdc, "--qdpx", qdpx).code == 0
    assert_valid("Codebook.xsd", qdc.read_bytes())
    with zipfile.ZipFile(qdpx) as archive:
        tree = assert_valid("Project.xsd", archive.read("project.qde"))
    assert tree.get("name") == "Demo survey"
    # A number with decimals is a Float variable; R3 did not answer it, so has no value.
    score = tree.find(f"{PROJECT_NS}Variables/{PROJECT_NS}Variable[@name='score']")
    assert score.get("typeOfVariable") == "Float"
    values = [
        [v.find(f"{PROJECT_NS}FloatValue").text for v in case.findall(f"{PROJECT_NS}VariableValue")
         if v.find(f"{PROJECT_NS}VariableRef").get("targetGUID") == score.get("guid")]
        for case in tree.iter(f"{PROJECT_NS}Case")
    ]  # fmt: skip
    assert values == [["2.5"], ["3"], [], ["1"]]
    # The subtheme sits between its theme and its code.
    pay = tree.find(f".//{PROJECT_NS}Code[@name='Pay']")
    assert [c.get("name") for c in pay.iter(f"{PROJECT_NS}Code")] == [
        "Pay",
        "Level of pay",
        "Low pay",
    ]
    # The hand-added row's note is its selection's description.
    notes = [
        d.text for d in tree.iter(f"{PROJECT_NS}Description") if d.text and "repayment" in d.text
    ]
    assert notes == ["repayment = pay, says the coder"]

    questionnaire = load_questionnaire(folder / "questionnaire.yaml")
    original = load_codebook(folder / "codebook.yaml", questionnaire)
    for name, file in (("from_qdc", qdc), ("from_qdpx", qdpx)):
        target = tmp_path / name
        target.mkdir()
        shutil.copy(folder / "questionnaire.yaml", target)
        shutil.copy(folder / "responses.csv", target)
        run = cli("code", "import", target, file)
        assert run.code == 0, run.err
        book = load_codebook(target / "codebook.yaml", questionnaire)
        assert bare(book) == bare(original)
        assert book.code("nights").items == ("else", "why")
    back = read_coding(tmp_path / "from_qdpx" / "coding.csv", book)
    assert sorted((r.respondent, r.item, r.code, r.coder, r.status, r.note) for r in back) == [
        ("R1", "why", "short_staffed", "ann", "accepted", ""),
        ("R1", "why", "short_staffed", "ben", "accepted", ""),
        ("R2", "else", "nights", "ann", "accepted", ""),
        ("R2", "why", "low_pay", "ben", "accepted", ""),
        ("R3", "why", "low_pay", "ann", "accepted", "repayment = pay, says the coder"),
    ]


def test_a_qdc_from_another_survey_is_refused(exported, tmp_path, cli):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "questionnaire.yaml").write_text(SMALL_QUESTIONNAIRE, encoding="utf-8")
    run = cli("code", "import", folder, exported[0])
    assert run.code == 2
    assert run.err == (
        f"error: {exported[0]}: code 'Complements clinical work' applies to role_why, "
        "benefits_why, challenges_why, strategies_why, existing_strategies, which are not "
        f"text items of {folder / 'questionnaire.yaml'}; import into the survey it was "
        "exported from\n"
    )
    assert not (folder / "codebook.yaml").exists()


def test_a_replacing_codebook_must_fit_the_coding_sheet(tmp_path, cli):
    folder = copy_survey(tmp_path, "questionnaire.yaml", "codebook.yaml", "coding.csv")
    before = (folder / "codebook.yaml").read_bytes()
    run = cli("code", "import", folder, FIXTURES / "standard_example_codebook.qdc", "--force")
    assert run.code == 2
    assert run.err == (
        f"error: {folder / 'coding.csv'}:2: code 'sharing_lived_experience' is not in the "
        "codebook (the codebook of standard_example_codebook.qdc, which would replace "
        "codebook.yaml; nothing was written)\n"
    )
    assert (folder / "codebook.yaml").read_bytes() == before
