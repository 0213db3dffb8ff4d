"""Hand-made nasty files (tests/corpus/), each with the exact outcome it must produce."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, cli, tmp_path: Path) -> None:
    source = tmp_path / name
    shutil.copy(CORPUS / name, source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    run = cli("analyze", source, "-q", CORPUS / "questionnaire.yaml", "--format", "json")
    expected = EXPECTED[name]
    if isinstance(expected, str):
        assert run.code == 2
        assert run.err.strip() == expected.format(file=source)
        assert "Traceback" not in run.err
    else:
        assert run.code == 0, run.err
        assert json.loads(run.out)["respondents"] == expected
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # never modified
