"""Open-ended answers as data: a codebook, coders' decisions, suggestions and agreement.

A survey folder holds ``codebook.yaml`` and ``coding.csv`` beside its
questionnaire and responses; ``surveykit code`` reads and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import SurveyError

if TYPE_CHECKING:
    from surveykit.coding.coded import Coding
    from surveykit.questionnaire import Questionnaire


@dataclass(frozen=True)
class CodingFiles:
    """Where a survey folder keeps what coding needs."""

    folder: Path

    @property
    def responses(self) -> Path:
        return self.folder / "responses.csv"

    @property
    def questionnaire(self) -> Path:
        return self.folder / "questionnaire.yaml"

    @property
    def codebook(self) -> Path:
        return self.folder / "codebook.yaml"

    @property
    def sheet(self) -> Path:
        return self.folder / "coding.csv"

    def check(self) -> None:
        """One error naming the first file that is missing."""
        if not self.folder.is_dir():
            raise SurveyError("is not a folder; give the survey folder", file=self.folder)
        for path in (self.responses, self.questionnaire, self.codebook):
            if not path.is_file():
                raise SurveyError("not found (the survey folder needs it for coding)", file=path)


def load_coding(folder: Path, questionnaire: Questionnaire) -> Coding | None:
    """The codebook and coding.csv of a survey folder (None when it has no codebook.yaml)."""
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.coded import Coding
    from surveykit.coding.sheet import read_coding
    from surveykit.files import note_input

    files = CodingFiles(folder)
    if not files.codebook.is_file():
        return None
    note_input(files.codebook, "the codebook")
    note_input(files.sheet, "the coding sheet")
    codebook = load_codebook(files.codebook, questionnaire)
    return Coding(codebook, tuple(read_coding(files.sheet, codebook)), files.sheet)


def suggest_survey(folder: Path, coder: str) -> tuple[int, int]:
    """Add pattern suggestions for ``coder`` to ``coding.csv``; returns (added, rows in all)."""
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.sheet import check_answers, read_coding, render_coding
    from surveykit.coding.suggest import answers, keyed, suggest
    from surveykit.files import write_atomic
    from surveykit.ingest import read_responses
    from surveykit.questionnaire import load_questionnaire

    files = CodingFiles(folder)
    files.check()
    questionnaire = load_questionnaire(files.questionnaire)
    codebook = load_codebook(files.codebook, questionnaire)
    existing = read_coding(files.sheet, codebook)
    data = read_responses(files.responses, questionnaire)
    texts = answers(data.data, codebook)
    by_key = keyed(texts)
    respondents = {str(r) for r in data.data.index}
    numbered = questionnaire.respondent_id is None
    check_answers(existing, by_key, respondents, files.sheet, numbered=numbered)
    rows, added = suggest(existing, texts, codebook, coder)
    write_atomic(files.sheet, render_coding(rows, by_key))
    return added, len(rows)


def agreement_survey(folder: Path, coders: list[str] | None):
    """Per-code and pooled agreement of two coders in ``coding.csv``."""
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.sheet import read_coding
    from surveykit.coding.suggest import agreement
    from surveykit.questionnaire import load_questionnaire

    files = CodingFiles(folder)
    if not files.questionnaire.is_file() or not files.codebook.is_file():
        files.check()
    codebook = load_codebook(files.codebook, load_questionnaire(files.questionnaire))
    rows = read_coding(files.sheet, codebook)
    if not rows:
        raise SurveyError(
            "has no coding rows yet; run 'surveykit code suggest' first", file=files.sheet
        )
    names = list(dict.fromkeys(r.coder for r in rows))
    if coders is None:
        if len(names) != 2:
            raise SurveyError(
                f"the sheet has {len(names)} coder(s) ({', '.join(names)}); name two with --coders A,B",
                file=files.sheet,
            )
        coders = names
    if len(coders) != 2:
        raise SurveyError("--coders names exactly two coders, e.g. --coders anna,ben")
    return coders, agreement(rows, codebook, coders[0], coders[1])
