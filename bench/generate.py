"""Generate the SYNTHETIC national-scale benchmark survey.

Writes, into ``--out DIR``:

* ``questionnaire.yaml``: 20 five-point Likert items (ordinal), age and years
  (number), a yes/no group item (single), a 3-level ordinal item, a 6-level
  single item and a 5-option select-all item;
* ``analysis.yaml``: a table for every item, 21 t-tests (the 20 Likert items and
  the 3-level item by the yes/no item), 7 one-way ANOVAs (age, years and the
  first 5 Likert items by the 3-level item) and one chi-square (region by group);
* ``responses.csv``: N respondents, Google-Sheets style (question text as
  headers, labels in cells, select-all answers joined with ", ", blanks for
  unanswered questions);
* ``bench.sps``: PSPP syntax doing the same work on the same CSV (read the
  labels as strings, RECODE them to the same codes, then FREQUENCIES,
  DESCRIPTIVES, T-TEST, ONEWAY with Tukey and Games-Howell, CROSSTABS).

Every number comes from ``numpy.random.default_rng(SEED)``, so two runs with the
same N write byte-identical files. Nothing here is real data.

Usage::

    python bench/generate.py --n 1000000 --out bench/data/n1000000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pyarrow are imported only to write data (run.py stays small)
    import numpy as np
    import pyarrow as pa

SEED = 20250101
DATA_VERSION = "1"  # bump when the files written for a given N change
LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
N_LIKERT = 20
LIKERT_TEXT = [
    "My workload is manageable.",
    "I have the equipment I need to do my job.",
    "I feel valued by my organisation.",
    "My manager supports my development.",
    "I would recommend my organisation as a place to work.",
    "I have enough time to do my job well.",
    "Communication between teams is effective.",
    "I trust senior leaders to make good decisions.",
    "I am paid fairly for the work I do.",
    "I feel safe raising concerns.",
    "My colleagues treat me with respect.",
    "I have a good work-life balance.",
    "I understand how my work contributes to our goals.",
    "I receive useful feedback on my work.",
    "Training opportunities meet my needs.",
    "Change is managed well here.",
    "I feel part of a team.",
    "My job makes good use of my skills.",
    "I am satisfied with my job overall.",
    "I intend to be working here in two years' time.",
]
GROUP = ["Yes", "No"]
GROUP_P = [0.45, 0.55]
LEVEL = ["Low", "Medium", "High"]
LEVEL_P = [0.3, 0.45, 0.25]
REGION = ["North", "South", "East", "West", "Central", "Overseas"]
REGION_P = [0.22, 0.2, 0.18, 0.17, 0.15, 0.08]
SUPPORT = [
    "Flexible hours",
    "Remote working",
    "Training budget",
    "Mentoring, coaching or peer support",
    "Health and wellbeing programme",
]
SUPPORT_P = [0.45, 0.35, 0.3, 0.2, 0.15]
BLANK = 0.01  # share of blank cells per item (missing at random)

AGE_Q = "What is your age?"
YEARS_Q = "How many years have you worked for your organisation?"
GROUP_Q = "Do you manage other staff?"
LEVEL_Q = "How would you rate your current workload?"
REGION_Q = "Which region do you work in?"
SUPPORT_Q = "Which of these would support you at work?"


def _likert_id(i: int) -> str:
    return f"q{i + 1:02d}"


def questionnaire_yaml() -> str:
    """The questionnaire, as YAML text."""
    lines = [
        "# SYNTHETIC national-scale benchmark survey (bench/generate.py).",
        "survey:",
        "  id: bench",
        "  title: National staff survey (synthetic benchmark)",
        "items:",
        "  - id: age",
        f"    text: {AGE_Q}",
        "    label: Age (years)",
        "    type: number",
        "    min: 16",
        "    max: 99",
        "  - id: years",
        f"    text: {YEARS_Q}",
        "    label: Years with organisation",
        "    type: number",
        "    min: 0",
        "    max: 60",
        "  - id: manager",
        f"    text: {GROUP_Q}",
        "    label: Manages staff",
        "    type: single",
        '    choices: ["Yes", "No"]',
        "  - id: workload",
        f"    text: {LEVEL_Q}",
        "    label: Workload",
        "    type: ordinal",
        "    choices: [" + ", ".join(f'"{x}"' for x in LEVEL) + "]",
        "  - id: region",
        f"    text: {REGION_Q}",
        "    label: Region",
        "    type: single",
        "    choices: [" + ", ".join(f'"{x}"' for x in REGION) + "]",
        "  - id: support",
        f"    text: {SUPPORT_Q}",
        "    label: Would support me",
        "    type: multi",
        "    choices:",
        *(f'      - "{x}"' for x in SUPPORT),
    ]
    for i, text in enumerate(LIKERT_TEXT):
        lines += [
            f"  - id: {_likert_id(i)}",
            f'    text: "{text}"',
            "    type: ordinal",
        ]
        if i == 0:
            lines.append("    choices: &likert5")
            lines += [f'      - {{code: {c}, label: "{x}"}}' for c, x in enumerate(LIKERT, 1)]
        else:
            lines.append("    choices: *likert5")
    return "\n".join(lines) + "\n"


def analysis_yaml() -> str:
    """The analysis plan, as YAML text."""
    items = ["age", "years", "manager", "workload", "region", "support"]
    items += [_likert_id(i) for i in range(N_LIKERT)]
    lines = ["# Benchmark plan (bench/generate.py).", "tables:"]
    lines += [f"  - {{id: t_{x}, title: {x}, describe: [{x}]}}" for x in items]
    lines.append("tests:")
    lines += [f"  - {{ttest: {_likert_id(i)}, by: manager}}" for i in range(N_LIKERT)]
    lines.append("  - {ttest: workload, by: manager}")
    for dv in ["age", "years", *(_likert_id(i) for i in range(5))]:
        lines.append(f"  - {{anova: {dv}, by: workload}}")
    lines.append("  - {chisq: region, by: manager}")
    lines.append("options: {alpha: 0.05, missing: pairwise, adjust: holm}")
    return "\n".join(lines) + "\n"


MODELS = [
    # (outcome, predictors, model): every kind of predictor (numbers, single, ordinal,
    # select-all) and every model, on the same respondents as the plan's other tests.
    ("q01", ["manager", "workload", "region", "age", "years"], "linear"),
    ("q02", ["manager", "age", "support"], "linear"),
    ("q19", ["q01", "q02", "q03", "q04", "q05", "workload"], "linear"),
    ("age", ["manager", "region", "years"], "linear"),
    ("years", ["age", "manager", "workload"], "linear"),
    ("manager", ["age", "years", "workload", "region"], "logistic"),
    ("manager", ["q01", "q02", "q03", "support"], "logistic"),
    ("manager", ["q05", "q06", "years"], "logistic"),
    ("workload", ["age", "manager", "region"], "ordinal"),
    ("q20", ["q01", "q10", "manager", "workload"], "ordinal"),
]


def models_plan_yaml() -> str:
    """The analysis plan plus 10 regression models (``bench/run.py --models``)."""
    lines = [analysis_yaml().rstrip("\n").rsplit("\noptions:", 1)[0]]
    lines[0] = lines[0].replace("# Benchmark plan", "# Benchmark plan with 10 regressions", 1)
    for dv, on, model in MODELS:
        event = ', event: "Yes"' if model == "logistic" else ""
        lines.append(f"  - {{regress: {dv}, on: [{', '.join(on)}], model: {model}{event}}}")
    lines.append("options: {alpha: 0.05, missing: pairwise, adjust: holm}")
    return "\n".join(lines) + "\n"


def pspp_syntax(csv_path: Path) -> str:
    """PSPP syntax that does the same work as analysis.yaml on the same CSV."""
    likert_s = [f"s{i + 1:02d}" for i in range(N_LIKERT)]
    likert_n = [_likert_id(i) for i in range(N_LIKERT)]
    variables = ["age F8.2", "years F8.2", "manager_s A3", "workload_s A6", "region_s A8"]
    variables.append("support_s A120")
    variables += [f"{s} A26" for s in likert_s]
    recode_likert = " ".join(f"('{x}'={c})" for c, x in enumerate(LIKERT, 1))
    flags = [f"sup{j + 1}" for j in range(len(SUPPORT))]
    out = [
        "* SYNTHETIC benchmark: the same work as analysis.yaml (bench/generate.py).",
        "SET DECIMAL=DOT.",
        "GET DATA /TYPE=TXT",
        f"  /FILE='{csv_path}'",
        "  /ENCODING='UTF-8'",
        "  /ARRANGEMENT=DELIMITED",
        "  /DELCASE=LINE",
        "  /FIRSTCASE=2",
        '  /DELIMITERS=","',
        "  /QUALIFIER='\"'",
        "  /VARIABLES=" + "\n    ".join(variables) + ".",
        f"RECODE {' '.join(likert_s)} {recode_likert} (ELSE=SYSMIS)",
        f"  INTO {' '.join(likert_n)}.",
        "RECODE manager_s ('Yes'=1) ('No'=2) (ELSE=SYSMIS) INTO manager.",
        "RECODE workload_s "
        + " ".join(f"('{x}'={c})" for c, x in enumerate(LEVEL, 1))
        + " (ELSE=SYSMIS) INTO workload.",
        "RECODE region_s "
        + " ".join(f"('{x}'={c})" for c, x in enumerate(REGION, 1))
        + " (ELSE=SYSMIS) INTO region.",
    ]
    for flag, label in zip(flags, SUPPORT, strict=True):
        out.append(f"COMPUTE {flag} = INDEX(support_s, '{label}') > 0.")
    # Keep only numeric variables: PSPP's casefile shrinks, which makes PSPP faster
    # (the comparison is then the more demanding one for surveykit).
    out += [
        "EXECUTE.",
        f"DELETE VARIABLES manager_s workload_s region_s support_s {likert_s[0]} TO {likert_s[-1]}.",
        f"FREQUENCIES /VARIABLES=manager workload region {' '.join(flags)} {' '.join(likert_n)}.",
        "DESCRIPTIVES /VARIABLES=age years /STATISTICS=MEAN STDDEV MIN MAX.",
        "FREQUENCIES /VARIABLES=age years /FORMAT=NOTABLE /STATISTICS=MEDIAN.",
        f"T-TEST GROUPS=manager(1,2) /VARIABLES={' '.join(likert_n)} workload.",
        f"ONEWAY /VARIABLES=age years {' '.join(likert_n[:5])} BY workload",
        "  /STATISTICS=DESCRIPTIVES HOMOGENEITY",
        "  /POSTHOC=TUKEY GH.",
        "CROSSTABS /TABLES=region BY manager /STATISTICS=CHISQ PHI.",
    ]
    return "\n".join(out) + "\n"


def _labels(rng: np.random.Generator, n: int, labels: list[str], codes: np.ndarray) -> pa.Array:
    """A string column of ``labels[codes]`` with BLANK of the cells null (written empty)."""
    import numpy as np
    import pyarrow as pa

    blank = rng.random(n) < BLANK
    indices = pa.array(codes.astype(np.int8), mask=blank)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels)).cast(pa.string())


def _numbers(rng: np.random.Generator, values: np.ndarray) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    blank = rng.random(len(values)) < BLANK
    return pa.array(values.astype(np.int16), mask=blank)


def responses_table(n: int) -> pa.Table:
    """N synthetic respondents as an Arrow table with the questionnaire's headers."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(SEED)
    group = (rng.random(n) >= GROUP_P[0]).astype(np.int8)  # 0 = Yes, 1 = No
    level = rng.choice(3, size=n, p=LEVEL_P).astype(np.int8)
    region = rng.choice(6, size=n, p=REGION_P).astype(np.int8)
    age = np.clip(np.rint(rng.normal(42, 11, n) + 3 * (group == 0)), 18, 75)
    years = np.clip(np.rint(rng.gamma(2.0, 4.0, n) + (age - 18) * 0.1), 0, 50)
    columns: dict[str, pa.Array] = {
        AGE_Q: _numbers(rng, age),
        YEARS_Q: _numbers(rng, years),
        GROUP_Q: _labels(rng, n, GROUP, group),
        LEVEL_Q: _labels(rng, n, LEVEL, level),
        REGION_Q: _labels(rng, n, REGION, region),
    }
    # Select-all: each option independently, joined ", " in the form's order.
    chosen = rng.random((len(SUPPORT), n)) < np.array(SUPPORT_P)[:, None]
    pattern = np.zeros(n, dtype=np.int64)
    for j in range(len(SUPPORT)):
        pattern |= chosen[j].astype(np.int64) << j
    cells = [
        ", ".join(SUPPORT[j] for j in range(len(SUPPORT)) if p >> j & 1)
        for p in range(1 << len(SUPPORT))
    ]
    columns[SUPPORT_Q] = pa.DictionaryArray.from_arrays(
        pa.array(pattern.astype(np.int8)), pa.array(cells)
    ).cast(pa.string())
    # Likert: a latent trait shifted by group and workload, cut into five categories.
    trait = rng.normal(0, 1, n) + 0.15 * (group == 0) - 0.2 * (level - 1)
    cuts = np.array([-1.6, -0.6, 0.3, 1.2])
    for i, text in enumerate(LIKERT_TEXT):
        latent = 0.6 * trait + 0.8 * rng.normal(0, 1, n) + (i % 5 - 2) * 0.05
        codes = np.searchsorted(cuts, latent).astype(np.int8)
        columns[text] = _labels(rng, n, LIKERT, codes)
    return pa.table(columns)


def write(n: int, out: Path) -> None:
    """Write the five files for N respondents into ``out``."""
    from pyarrow import csv as pacsv

    out.mkdir(parents=True, exist_ok=True)
    (out / "questionnaire.yaml").write_text(questionnaire_yaml(), encoding="utf-8")
    (out / "analysis.yaml").write_text(analysis_yaml(), encoding="utf-8")
    table = responses_table(n)
    tmp = out / "responses.csv.tmp"
    pacsv.write_csv(
        table,
        tmp,
        write_options=pacsv.WriteOptions(
            include_header=True, batch_size=1 << 16, quoting_style="needed"
        ),
    )
    tmp.replace(out / "responses.csv")
    (out / "bench.sps").write_text(pspp_syntax((out / "responses.csv").resolve()), "utf-8")
    (out / "VERSION").write_text(f"{DATA_VERSION} {n}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of respondents")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args()
    start = time.perf_counter()
    write(args.n, args.out)
    print(f"wrote {args.n:,} respondents to {args.out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
