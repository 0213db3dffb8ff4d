"""Separation in logistic and ordinal models: separated terms are not estimable, never huge.

tests/fixtures/models/separation (make_data.py): every respondent working at Home
accepts PSS and is willing, so the Home term has no finite estimate in either
model (R's glm warns "fitted probabilities numerically 0 or 1 occurred" and
prints B ≈ 19, SE ≈ 2,000). The other terms' shown values are their limits: the
model fitted without Home, which is also what the note's where: hint fits.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tests.conftest import ROOT

FIX = ROOT / "tests" / "fixtures" / "models" / "separation"
MODELS = ROOT / "tests" / "fixtures" / "models"


def _tests(cli, folder, *args) -> list[dict]:
    run = cli("analyze", folder / "responses.csv", "--format", "json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)["tests"]


def test_separated_terms_are_not_estimable_in_json(cli) -> None:
    logistic, ordinal = _tests(cli, FIX)
    for model in (logistic, ordinal):
        home = next(t for t in model["terms"] if t["level"] == "Home")
        for key in ("estimate", "se", "stat", "p", "ci95", "odds_ratio", "odds_ratio_ci95"):
            assert home[key] is None, key
        assert home["reason"].startswith("not estimable: separation")
        others = [t for t in model["terms"] if t["level"] != "Home"]
        assert all("reason" not in t for t in others)
        assert all(np.isfinite(t["se"]) and abs(t["estimate"]) < 10 for t in others)
        note = model["notes"][-1]
        assert note.startswith("Quasi-complete separation: Work setting: Home predicts")
        assert "aliases:" in note and "on:" in note and "where:" in note
        assert not any("did not converge" in n for n in model["notes"])


def test_the_terminal_and_reports_show_a_dash(cli) -> None:
    text = cli("analyze", FIX / "responses.csv").out
    rows = [line for line in text.splitlines() if line.startswith(" Work setting: Home")]
    assert len(rows) == 2
    # B, SE, z, p, odds ratio, its CI; the VIF describes the predictors, not the fit.
    assert all(row.split()[3:] == ["—"] * 6 + ["1.15"] for row in rows), rows
    for fmt in ("md", "html"):
        report = cli("report", FIX / "responses.csv", "--format", fmt).out
        assert "Work setting: Home" in report and "—" in report
        assert "e+" not in report  # no runaway estimate in any form


def test_the_where_hint_followed_gives_the_terms_shown(cli, tmp_path) -> None:
    """The other terms shown are the fit without the separated level: exactly what
    fitting where: setting != "Home" gives (the Home respondents, all predicted exactly,
    and the Home term left out)."""
    logistic, ordinal = _tests(cli, FIX)
    folder = tmp_path / "sep"
    shutil.copytree(FIX, folder)
    plan = (folder / "analysis.yaml").read_text(encoding="utf-8")
    plan = plan.replace('event: "Yes"}', 'event: "Yes", where: \'setting != "Home"\'}')
    plan = plan.replace("model: ordinal}", "model: ordinal, where: 'setting != \"Home\"'}")
    (folder / "analysis.yaml").write_text(plan, encoding="utf-8")
    for shown, refit in zip((logistic, ordinal), _tests(cli, folder), strict=True):
        assert all("reason" not in t for t in refit["terms"])
        by_level = {(t["term"], t["level"]): t for t in refit["terms"]}
        for t in shown["terms"]:
            if t["level"] == "Home":
                continue
            other = by_level[(t["term"], t["level"])]
            for key in ("estimate", "se", "p"):
                assert t[key] == pytest.approx(other[key], rel=1e-6), (t["term"], key)


def test_the_aliases_hint_followed_fits_every_term(cli, tmp_path) -> None:
    folder = tmp_path / "merged"
    shutil.copytree(FIX, folder)
    q = (folder / "questionnaire.yaml").read_text(encoding="utf-8")
    q = q.replace(
        "choices: [Community, Hospital, Home]",
        "choices: [Community, {label: Hospital, aliases: [Home]}]",
    )
    (folder / "questionnaire.yaml").write_text(q, encoding="utf-8")
    for model in _tests(cli, folder):
        assert all("reason" not in t for t in model["terms"])
        assert not any("separation" in n for n in model["notes"])
        assert all(np.isfinite(t["se"]) for t in model["terms"])


def test_complete_separation_estimates_nothing(cli, tmp_path) -> None:
    folder = tmp_path / "complete"
    shutil.copytree(FIX, folder)
    lines = (folder / "responses.csv").read_text(encoding="utf-8").splitlines()
    # The outcome follows age exactly: accept = Yes from 40 on.
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[3] = "Yes" if int(cells[1]) >= 40 else "No"
        out.append(",".join(cells))
    (folder / "responses.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    (folder / "analysis.yaml").write_text(
        'tests:\n  - {regress: accept, on: [setting, age], model: logistic, event: "Yes"}\n',
        encoding="utf-8",
    )
    (model,) = _tests(cli, folder)
    assert all(
        t["estimate"] is None and t["reason"].startswith("not estimable: complete")
        for t in model["terms"]
    )
    assert model["notes"][-1].startswith("Complete separation: the predictors predict every")


def test_a_model_without_separation_is_unchanged(cli) -> None:
    """The R-checked fixture models (tests/test_plan_models.py) carry no reason and no note."""
    for model in _tests(cli, MODELS / "survey"):
        assert all("reason" not in t for t in model["terms"])
        assert not any("separation" in n for n in model["notes"])


def test_the_linear_program_finds_exactly_the_infinite_coefficients() -> None:
    from surveykit.stats import separation

    rng = np.random.default_rng(5)
    n = 80
    group = rng.integers(0, 3, n)
    age = rng.normal(40, 10, n)
    y = (rng.random(n) < 0.5).astype(float)
    design = np.column_stack([np.ones(n), group == 1, group == 2, age]).astype(float)
    assert separation.binary(design, y) is None
    y[group == 2] = 1
    found = separation.binary(design, y)
    assert found.infinite == (2,) and not found.complete
    assert (found.exact == ((group == 2) & (y == 1))).all()
    found = separation.binary(design, (age > 40).astype(float))
    assert found.complete
    codes = rng.integers(0, 3, n)
    assert separation.ordinal(design[:, 1:], codes) is None
    codes[group == 2] = 0
    found = separation.ordinal(design[:, 1:], codes)
    assert found.infinite == (1,) and not found.complete
    assert (found.exact == (group == 2)).all()
