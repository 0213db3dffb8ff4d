"""Plan keys regress, paired_ttest and wilcoxon, end to end against R.

The regression fixture (tests/fixtures/models/survey) is data.csv of
tests/fixtures/models as a survey; its reference values come from
reference.R there (lm, glm(binomial), MASS::polr). The paired fixture
(tests/fixtures/paired/survey) likewise from tests/fixtures/paired/reference.R
(t.test and wilcox.test with paired = TRUE, exact = FALSE, correct = FALSE).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MODELS = FIXTURES / "models" / "survey"
PAIRED = FIXTURES / "paired" / "survey"
REF = {
    k: np.array(v)
    for k, v in json.loads((FIXTURES / "models" / "reference.json").read_text()).items()
}
PAIRED_REF = json.loads((FIXTURES / "paired" / "reference.json").read_text())
TERMS = [
    ("(Intercept)", None),
    ("pss", "Yes"),
    ("age", None),
    ("years", None),
    ("setting", "Community"),
    ("setting", "Private"),
]


def _analyse(cli, csv: Path, *args: str | Path) -> dict:
    run = cli("analyze", csv, "--format", "json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)


@pytest.fixture(scope="module")
def models_doc() -> dict:
    from surveykit.pipeline import run_survey
    from surveykit.render.json import render_json

    result = run_survey(
        MODELS / "responses.csv", MODELS / "questionnaire.yaml", MODELS / "analysis.yaml"
    )
    return json.loads(render_json(result))


def _column(test: dict, key: str) -> list[float]:
    return [t[key] for t in test["terms"]]


def test_linear_regression_from_the_plan_matches_lm(models_doc) -> None:
    lin = models_doc["tests"][0]
    assert (lin["kind"], lin["model"], lin["dv"]) == ("regression", "linear", "score")
    assert "by" not in lin and lin["on"] == ["pss", "age", "years", "setting"]
    # Dummy coding against the reference level; 3 respondents without years left out.
    assert [(t["term"], t["level"]) for t in lin["terms"]] == TERMS
    assert lin["n"] == 147 == int(REF["lm_fit"][-1]) and lin["n_dropped"] == 3
    for key, ref in (("estimate", "lm_coef"), ("se", "lm_se"), ("stat", "lm_t"), ("p", "lm_p")):
        np.testing.assert_allclose(_column(lin, key), REF[ref], rtol=1e-6)
    np.testing.assert_allclose(_column(lin, "ci95"), REF["lm_ci"].reshape(-1, 2), rtol=1e-6)
    np.testing.assert_allclose(_column(lin, "beta")[1:], REF["lm_beta"], rtol=1e-6)
    r2, adj, f, df1, df2, p, aic, _n = REF["lm_fit"]
    fit = lin["fit"]
    np.testing.assert_allclose(
        [fit["r2"], fit["adj_r2"], fit["F"], fit["df1"], fit["df2"], fit["p"], fit["aic"]],
        [r2, adj, f, df1, df2, p, aic], rtol=1e-6,
    )  # fmt: skip
    np.testing.assert_allclose(list(lin["vif"].values()), REF["lm_vif"], rtol=1e-6)
    assert list(lin["vif"]) == [
        "pss: Yes",
        "age",
        "years",
        "setting: Community",
        "setting: Private",
    ]
    # One generalised VIF for the three-level setting (car::vif), none for 1-column terms.
    gvif, df, adjusted = REF["lm_gvif_setting"]
    assert list(lin["gvif"]) == ["setting"] and lin["gvif"]["setting"]["df"] == int(df) == 2
    np.testing.assert_allclose(
        [lin["gvif"]["setting"]["gvif"], lin["gvif"]["setting"]["gvif_adj"]],
        [gvif, adjusted],
        rtol=1e-6,
    )
    assert lin["apa"] == f"F(5, 141) = {f:.2f}, p < .001, R² = {r2:.2f}".replace("0.", ".")
    assert lin["reference"] == {"pss": "No", "setting": "Hospital"}


def test_logistic_regression_from_the_plan_matches_glm(models_doc) -> None:
    logit = models_doc["tests"][1]
    assert (logit["model"], logit["event"]) == ("logistic", "Yes")
    for key, ref in (("estimate", "glm_coef"), ("se", "glm_se"), ("stat", "glm_z"), ("p", "glm_p")):
        np.testing.assert_allclose(_column(logit, key), REF[ref], rtol=1e-6)
    np.testing.assert_allclose(_column(logit, "odds_ratio"), REF["glm_or"], rtol=1e-6)
    np.testing.assert_allclose(
        _column(logit, "odds_ratio_ci95")[1:], REF["glm_or_ci"].reshape(-1, 2)[1:], rtol=1e-6
    )
    pseudo, llr, llr_p, aic, n = REF["glm_fit"]
    fit = logit["fit"]
    np.testing.assert_allclose(
        [fit["pseudo_r2"], fit["llr"], fit["llr_p"], fit["aic"]], [pseudo, llr, llr_p, aic],
        rtol=1e-6,
    )  # fmt: skip
    assert logit["n"] == int(n)
    assert logit["outcome"] == [{"level": "Yes", "n": 47}, {"level": "not Yes", "n": 100}]
    assert logit["apa"] == f"χ²(5, N = 147) = {llr:.2f}, p = .012, McFadden R² = .08"
    assert logit["notes"] == []


def test_ordinal_regression_from_the_plan_matches_polr(models_doc) -> None:
    ordinal = models_doc["tests"][2]
    assert [(t["term"], t["level"]) for t in ordinal["terms"]] == TERMS[1:]  # no intercept
    np.testing.assert_allclose(_column(ordinal, "estimate"), REF["polr_coef"], rtol=1e-6)
    np.testing.assert_allclose(_column(ordinal, "odds_ratio"), REF["polr_or"], rtol=1e-6)
    # polr's SEs come from a finite-difference Hessian (see test_stats_models.py).
    np.testing.assert_allclose(_column(ordinal, "se"), REF["polr_se"], rtol=2e-4)
    np.testing.assert_allclose(
        [t["estimate"] for t in ordinal["thresholds"]], REF["polr_zeta"], rtol=1e-6
    )
    assert [t["between"] for t in ordinal["thresholds"]] == ["No | Maybe", "Maybe | Yes"]
    pseudo, llr, llr_p, aic, _n = REF["polr_fit"]
    fit = ordinal["fit"]
    np.testing.assert_allclose(
        [fit["pseudo_r2"], fit["llr"], fit["llr_p"], fit["aic"]],
        [pseudo, llr, llr_p, aic],
        rtol=1e-6,
    )
    assert ordinal["notes"] == []  # converged: no false "did not converge"


def test_default_reference_is_the_first_choice(cli, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("tests:\n  - {regress: score, on: [pss, age, years, setting]}\n")
    lin = _analyse(cli, MODELS / "responses.csv", "--plan", plan)["tests"][0]
    assert lin["model"] == "linear"  # a number outcome
    assert lin["reference"]["setting"] == "Community"  # the questionnaire's first choice
    terms = {(t["term"], t["level"]): t for t in lin["terms"]}
    # Against Community, Hospital's coefficient is minus R's Community-vs-Hospital one and
    # Private's the difference of R's two.
    _, _, _, _, community, private = REF["lm_coef"]
    assert terms["setting", "Hospital"]["estimate"] == pytest.approx(-community, rel=1e-6)
    assert terms["setting", "Private"]["estimate"] == pytest.approx(private - community, rel=1e-6)
    assert lin["fit"]["r2"] == pytest.approx(REF["lm_fit"][0], rel=1e-6)  # same model


def test_paired_tests_from_the_plan_match_r(cli) -> None:
    t, w = _analyse(cli, PAIRED / "responses.csv")["tests"]
    assert t["kind"] == "paired-t" and t["pair"] == ["before", "after"] and "dv" not in t
    assert (t["n"], t["df"], t["n_dropped"]) == (38, 37, 2)
    assert t["t"] == pytest.approx(PAIRED_REF["t"][0], rel=1e-9)
    assert t["p"] == pytest.approx(PAIRED_REF["t_p"][0], rel=1e-9)
    assert t["mean_difference"] == pytest.approx(PAIRED_REF["mean_difference"][0], rel=1e-9)
    assert t["ci95"] == pytest.approx(PAIRED_REF["ci95"], rel=1e-9)
    assert t["d_z"] == pytest.approx(PAIRED_REF["d_z"][0], rel=1e-9)
    assert t["apa"] == "t(37) = -3.27, p = .002, d_z = -0.53"
    assert w["kind"] == "wilcoxon" and w["W"] == PAIRED_REF["V"][0]
    assert w["z"] == pytest.approx(PAIRED_REF["z"][0], rel=1e-9)
    assert w["p"] == pytest.approx(PAIRED_REF["w_p"][0], rel=1e-9)
    assert w["apa"] == "W = 47.5, z = -2.92, p = .003, r = -.66"


def test_models_in_every_format(cli, tmp_path) -> None:
    run = cli("analyze", MODELS / "responses.csv")
    assert run.code == 0
    assert "Linear regression: Score on PSS at workplace, Age" in run.out
    assert "PSS at workplace: Yes" in run.out and "F(5, 141) = 12.53, p < .001, R² = .31" in run.out
    for fmt in ("md", "html", "docx", "csv"):
        out = tmp_path / f"report.{fmt}" if fmt != "csv" else tmp_path / "csv"
        run = cli("report", MODELS / "responses.csv", "--format", fmt, "--output", out)
        assert run.code == 0, run.err
    md = (tmp_path / "report.md").read_text()
    assert "Ordinal logistic regression of Willing to work with PSS on" in md
    assert "| Work setting: Community |" in md
    files = sorted(p.name for p in (tmp_path / "csv").glob("*regression*"))
    assert files == ["table09_regression_score.csv", "table10_regression_accept.csv",
                     "table11_regression_willing.csv"]  # fmt: skip


def test_small_cells_withhold_the_model(cli, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("tests:\n  - {regress: score, on: [pss, age, setting]}\n")
    # Private has 30 respondents (no one is left out): at N = 30 every number is shown ...
    shown = _analyse(cli, MODELS / "responses.csv", "--plan", plan, "--min-cell", "30")
    assert shown["tests"][0]["n"] == 150 and len(shown["tests"][0]["terms"]) == 5
    # ... at N = 31 the model is withheld whole, never shown with a false number.
    doc = _analyse(cli, MODELS / "responses.csv", "--plan", plan, "--min-cell", "31")
    test = doc["tests"][0]
    assert test["suppressed"] is True and "terms" not in test and "fit" not in test
    assert test["apa"].startswith("not shown: n, a predictor's level or an outcome level")
    run = cli("analyze", MODELS / "responses.csv", "--plan", plan, "--min-cell", "31")
    assert "not shown:" in run.out and "Work setting: Private" not in run.out
    # years has 3 missing answers, withheld in its table: n_dropped would give them back.
    doc = _analyse(cli, MODELS / "responses.csv", "--min-cell", "5")
    assert all("cells of years are withheld" in t["error"] for t in doc["tests"])


def test_small_pair_count_withholds_paired_tests(cli) -> None:
    doc = _analyse(cli, PAIRED / "responses.csv", "--min-cell", "39")
    assert [t.get("suppressed") for t in doc["tests"]] == [True, True]
    assert "t" not in doc["tests"][0] and "W" not in doc["tests"][1]


def test_perfect_separation_is_a_note_not_a_traceback(cli, make_survey) -> None:
    rows = [
        f"{i},{'Yes' if i % 2 else 'No'},{'Yes' if i % 2 else 'No'},{20 + i}" for i in range(30)
    ]
    survey = make_survey(
        rows,
        questionnaire="""\
            survey: {id: sep, respondent_id: id}
            items:
              - {id: x, type: single, choices: ["No", "Yes"]}
              - {id: y, type: single, choices: ["No", "Yes"]}
              - {id: age, type: number}
            """,
        header="id,x,y,age",
        plan="tests:\n  - {regress: y, on: [x, age], model: logistic}\n",
    )
    run = cli("analyze", survey.csv, "--format", "json")
    assert run.code == 0 and "Traceback" not in run.err
    test = json.loads(run.out)["tests"][0]
    said = " ".join([test.get("error") or "", *test.get("notes", [])])
    assert "separation" in said


def test_select_all_predictor_is_one_term_per_option(cli, make_survey) -> None:
    rng = np.random.default_rng(5)
    rows, xs, ys = [], [], []
    for i in range(60):
        a, b = bool(rng.random() < 0.5), bool(rng.random() < 0.4)
        y = 2 + 1.5 * a - b + rng.normal()
        chosen = ";".join(o for o, on in (("A", a), ("B", b)) if on)
        rows.append(f"{i},{chosen},{y:.4f}")
        xs.append([1, a, b])
        ys.append(float(f"{y:.4f}"))
    survey = make_survey(
        rows,
        questionnaire="""\
            survey: {id: multi, respondent_id: id}
            items:
              - {id: pick, type: multi, choices: [A, B, C]}
              - {id: y, type: number}
            """,
        header="id,pick,y",
        plan="tests:\n  - {regress: y, on: [pick]}\n",
    )
    test = _analyse(cli, survey.csv)["tests"][0]
    assert [(t["term"], t["level"]) for t in test["terms"]] == [
        ("(Intercept)", None), ("pick", "A"), ("pick", "B")
    ]  # fmt: skip
    assert any("'C' was chosen by no respondent" in n for n in test["notes"])
    # Least squares on the 0/1 columns (numpy, independent of statsmodels).
    expected, *_ = np.linalg.lstsq(np.array(xs, dtype=float), np.array(ys), rcond=None)
    np.testing.assert_allclose([t["estimate"] for t in test["terms"]], expected, rtol=1e-8)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{regress: score, on: [agee]}", "'agee' is not an item or scale id (did you mean age?)"),
        ("{regress: score}", "'on:' lists the predictor item ids"),
        ("{regress: score, on: [age], event: 'Yes'}", "'event:' belongs to a logistic model"),
        ("{regress: willing, on: [age], model: logistic}", "name the level to model with event:"),
        ("{regress: accept, on: [age], event: Maybe}", "event: 'Maybe' is not a choice of 'accept'"),
        ("{regress: score, on: [setting], reference: {setting: Clinic}}",
         "reference: 'Clinic' is not a choice of 'setting'"),
        ("{regress: score, on: [age], reference: {setting: Hospital}}",
         "reference: 'setting' is not among the predictors"),
        ("{regress: accept, on: [age], model: linear}", "a linear model needs a number or ordinal"),
        ("{regress: score, on: [age, age]}", "'on:' names 'age' twice"),
        ("{paired_ttest: before}", "paired_ttest: names two items"),
        ("{wilcoxon: [age, age]}", "the two items are the same"),
        ("{paired_ttest: [age, pss]}", "'pss' is a single item; expected number or ordinal"),
    ],
)  # fmt: skip
def test_plan_errors_name_the_line(cli, tmp_path, entry: str, message: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"tests:\n  - {{ttest: score, by: pss}}\n  - {entry}\n")
    run = cli("analyze", MODELS / "responses.csv", "--plan", plan)
    assert run.code == 2
    assert run.err.startswith(f"error: {plan}:3: ") and message in run.err, run.err
    assert "Traceback" not in run.err


def test_statsmodels_is_imported_only_for_a_model() -> None:
    code = (
        "import sys\n"
        "from surveykit.pipeline import run_survey\n"
        "from pathlib import Path\n"
        f"folder = Path({str(PAIRED)!r})\n"
        "run_survey(folder / 'responses.csv', folder / 'questionnaire.yaml', folder / 'analysis.yaml')\n"
        "print('statsmodels' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_notes_print_the_generalised_vif_of_a_three_level_predictor(models_doc) -> None:
    from surveykit.render.model_tables import coding_notes

    lin = models_doc["tests"][0]
    gvif, _df, adjusted = REF["lm_gvif_setting"]
    line = next(n for n in coding_notes(lin) if n.startswith("Generalised VIF"))
    label = next(t.get("label") or t["term"] for t in lin["terms"] if t["term"] == "setting")
    assert f"{label} {gvif:.2f} (2 terms; GVIF^(1/(2·df)) = {adjusted:.2f})" in line
