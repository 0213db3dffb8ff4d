"""Open the HTML report in headless Chromium: it must load offline with its tables and figures.

Skipped when no ``chromium`` is installed (``make test-browser`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from surveykit.quotes import collect_quotes
from surveykit.render.document import build_report
from surveykit.report import write_report
from tests.report_support import SINGAPORE, STAFF, survey_result

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium, or make test-browser)",
)

SURVEYS = [pytest.param(STAFF, id="staff_wellbeing")]
if (SINGAPORE / "responses.csv").exists():
    SURVEYS.append(pytest.param(SINGAPORE, id="singapore_pss"))


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("folder", SURVEYS)
def test_html_report_renders_in_chromium(folder: Path, tmp_path: Path) -> None:
    result, responses = survey_result(folder)
    result = replace(result, quotes=collect_quotes(responses))
    html = tmp_path / "report.html"
    write_report(result, "html", html)
    expected = build_report(result, figures=True)

    dom = _chromium(tmp_path, "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    assert text.count("<table") == len(expected.all_tables)
    assert text.count('<img src="data:image/png;base64,') == len(expected.figures)
    assert f"Table {len(expected.all_tables)}</span>" in text

    shot = Path(os.environ.get("SURVEYKIT_SCREENSHOT_DIR", tmp_path)) / f"{folder.name}.png"
    run = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,3000", html.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
