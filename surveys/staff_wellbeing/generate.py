"""Generate the SYNTHETIC staff wellbeing survey export (responses.csv).

Nothing here is real data: every respondent is drawn from a small statistical
model with a fixed seed, so running this script twice gives byte-identical
output.  The file imitates a Microsoft Forms export: ``ID, Start time,
Completion time, Email, Name`` followed by one column per question, headed by
the question text; Likert answers are labels, multi-select answers are joined
with ";" (with Forms' trailing ";"), unanswered questions are blank.

Model (all on a standard-normal latent scale):

* department shifts a latent *engagement*; role and supervising shift it a
  little; *psychological safety* is correlated with engagement (r ~ 0.5) and
  also depends on department;
* each Likert item is a noisy indicator of its latent trait cut into five
  ordered categories; the reverse-coded items load negatively;
* about 2.5% of Likert cells are blank at random and a few respondents skip
  a whole battery (~3.5% of Likert cells blank in all); some leave "years in
  post" blank;
* a stress rating (0-10) before and after a wellbeing programme, drawn from
  their own generator (``SEED + 13``) and appended as the last two columns, so
  the other answers do not depend on them: stress falls by about 0.5 points
  on average (a modest planted change for the paired tests);
* 4 extra rows are meant to be excluded: 2 people who answered "No" to the
  consent question (the form then ends, so the rest is blank) and 2 repeated
  submissions from an email address that already responded;
* 2 more rows, appended last and drawn from their own generator so every row
  above is unchanged: a speeder (Start time to Completion time in under a
  minute) and a straight-liner ("Agree" to all eleven statements, reverse-worded
  ones included).

The two batteries are Microsoft Forms Likert questions: one column per
statement, headed ``Question [Statement]``.

Usage::

    python generate.py              # writes responses.csv and wave2.csv next to this file
    python generate.py --out DIR    # writes them into DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 20240304
N_RESPONDENTS = 240  # kept after exclusions; 246 rows are written

LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]

CONSENT_Q = "I have read the participant information and agree to take part in this survey."
DEPT_Q = "Which department do you work in?"
ROLE_Q = "What is your role?"
YEARS_Q = "How many years have you worked in your current post?"
SUPERVISES_Q = "Do you supervise other staff?"
SUPERVISE_N_Q = "How many staff do you supervise?"
IMPROVE_Q = "Which of these would most improve your working life?"
COMMENT_Q = "Is there anything else you would like to tell us about working here?"

DEPARTMENTS = ["Emergency", "Surgery", "Medicine", "Mental Health", "Outpatients"]
DEPT_P = [0.21, 0.23, 0.25, 0.17, 0.14]
# Department effects on the latent traits (SD units).
DEPT_ENG = {
    "Emergency": -0.55,
    "Surgery": 0.0,
    "Medicine": -0.15,
    "Mental Health": 0.2,
    "Outpatients": 0.45,
}
DEPT_SAFE = {
    "Emergency": -0.3,
    "Surgery": -0.2,
    "Medicine": 0.0,
    "Mental Health": 0.3,
    "Outpatients": 0.2,
}

ROLES = ["Nurse", "Doctor", "Allied health", "Admin"]
ROLE_P = [0.44, 0.21, 0.22, 0.13]
ROLE_ENG = {"Nurse": -0.1, "Doctor": 0.05, "Allied health": 0.15, "Admin": 0.0}
P_SUPERVISES = {"Nurse": 0.38, "Doctor": 0.62, "Allied health": 0.30, "Admin": 0.12}
SUPERVISES_ENG = 0.35
SUPERVISES_SAFE = 0.30

# (item text, reverse-keyed?) — the question text is the CSV header.
ENGAGEMENT = [
    ("I look forward to coming to work.", False),
    ("I feel energised by my work.", False),
    ("I am proud of the work I do.", False),
    ("I am fully absorbed when I am working.", False),
    ("I would recommend this hospital as a place to work.", False),
    ("I often think about leaving this job.", True),
]
SAFETY = [
    ("I can ask colleagues for help without feeling judged.", False),
    ("I can raise problems and difficult issues with my manager.", False),
    ("Mistakes I make at work are held against me.", True),
    ("My colleagues value my skills and contribution.", False),
    ("I feel able to speak up about patient safety concerns.", False),
]
# Item "easiness": shifts the cut points, so items differ in their means.
ENG_EASY = [0.3, 0.0, 0.9, 0.4, -0.1, -0.2]
SAFE_EASY = [0.5, 0.2, -0.1, 0.6, 0.4]
LOADING = 0.75
CUTS = np.array([-1.6, -0.7, 0.1, 1.2])

IMPROVE = [
    "More staff on each shift",
    "Flexible working hours",
    "Better rest facilities",
    "Less paperwork",
    "More training and development",
    "Better pay",
]
IMPROVE_P = [0.55, 0.38, 0.30, 0.33, 0.22, 0.45]
OTHER_IMPROVE = [
    "Car parking near the hospital",
    "Hot food available at night",
    "A quiet room for breaks",
    "Fewer IT log-ins",
    "Childcare on site",
]

COMMENTS = [
    "Thank you for asking.",
    "The team is great but we are stretched too thin.",
    "Night shifts are hard, especially with no hot food after 8pm.",
    'Management say "wellbeing matters" but nothing changes on the ward.',
    "I love my job, I just wish there were more of us.",
    "Rotas come out too late to plan childcare.",
    "Supportive manager – makes all the difference.",
    "Please fix the computers in clinic room 3.",
    "Café closes too early for late shifts.",
    "Training budget was cut again this year.\nWe used to have protected study days.",
    "More recognition for admin staff, please.",
    "It's been a difficult winter, but morale is improving.",
]

HEADER = (
    [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        CONSENT_Q,
        DEPT_Q,
        ROLE_Q,
        YEARS_Q,
        SUPERVISES_Q,
        SUPERVISE_N_Q,
    ]
    + [text for text, _ in ENGAGEMENT]
    + [text for text, _ in SAFETY]
    + [IMPROVE_Q, COMMENT_Q]
)


def likert(rng: np.random.Generator, trait: float, easy: float, reverse: bool) -> int:
    """One 1..5 answer: a noisy indicator of ``trait`` cut at CUTS."""
    signal = -trait if reverse else trait
    ystar = LOADING * signal + np.sqrt(1 - LOADING**2) * rng.standard_normal() + easy
    return int(np.searchsorted(CUTS, ystar)) + 1


def forms_time(t: dt.datetime) -> str:
    """Microsoft Forms' US-style timestamp, e.g. ``3/4/24 9:05:07``."""
    return f"{t.month}/{t.day}/{t.year % 100} {t.hour}:{t.minute:02d}:{t.second:02d}"


def respondent(
    rng: np.random.Generator,
    safe_easy: list[float] = SAFE_EASY,
    improve_p: list[float] = IMPROVE_P,
) -> dict[str, str]:
    """Answers of one consenting respondent, keyed by CSV header."""
    dept = DEPARTMENTS[rng.choice(len(DEPARTMENTS), p=DEPT_P)]
    role = ROLES[rng.choice(len(ROLES), p=ROLE_P)]
    supervises = bool(rng.random() < P_SUPERVISES[role])

    years = ""
    if rng.random() >= 0.05:  # ~5% leave it blank
        y = rng.gamma(shape=1.6, scale=4.0 if role != "Doctor" else 2.5)
        # Most type a whole number; a few write halves ("0.5", "2.5").
        value = round(y * 2) / 2 if y < 3 and rng.random() < 0.3 else round(y)
        years = f"{min(value, 40):g}"

    supervise_n = ""
    if supervises and rng.random() >= 0.04:
        supervise_n = str(int(min(1 + rng.poisson(4 if role != "Doctor" else 3) * 1.5, 40)))

    eng = DEPT_ENG[dept] + ROLE_ENG[role] + SUPERVISES_ENG * supervises + rng.standard_normal()
    safe = (
        DEPT_SAFE[dept]
        + SUPERVISES_SAFE * supervises
        + 0.5 * (eng - DEPT_ENG[dept])
        + np.sqrt(0.75) * rng.standard_normal()
    )

    row = {
        CONSENT_Q: "Yes",
        DEPT_Q: dept,
        ROLE_Q: role,
        YEARS_Q: years,
        SUPERVISES_Q: "Yes" if supervises else "No",
        SUPERVISE_N_Q: supervise_n,
    }
    skip = rng.random()  # a few skip a whole battery
    for battery, easies, trait, skipped in (
        (ENGAGEMENT, ENG_EASY, eng, skip < 0.0125),
        (SAFETY, safe_easy, safe, 0.0125 <= skip < 0.025),
    ):
        for (text, reverse), easy in zip(battery, easies, strict=True):
            answer = likert(rng, trait, easy, reverse)
            blank = skipped or rng.random() < 0.025
            row[text] = "" if blank else LIKERT[answer - 1]

    chosen = [opt for opt, p in zip(IMPROVE, improve_p, strict=True) if rng.random() < p]
    if rng.random() < 0.08:
        chosen.append(OTHER_IMPROVE[rng.choice(len(OTHER_IMPROVE))])
    if rng.random() < 0.04:
        chosen = []  # skipped the question
    row[IMPROVE_Q] = "".join(c + ";" for c in chosen)  # Forms writes "A;B;"

    row[COMMENT_Q] = COMMENTS[rng.choice(len(COMMENTS))] if rng.random() < 0.18 else ""
    return row


def build(
    rng: np.random.Generator,
    n: int = N_RESPONDENTS,
    start: dt.datetime = dt.datetime(2024, 3, 4, 8, 0, 0),
    **changes: list[float],
) -> list[list[str]]:
    rows = [respondent(rng, **changes) for _ in range(n)]
    for i, row in enumerate(rows, start=1):
        row["Email"] = f"staff{i:03d}@example.org"
        row["Name"] = f"Participant {i:03d}"

    # Two people decline consent: the form ends, every question is blank.
    for k in (1, 2):
        rows.append(
            {CONSENT_Q: "No", "Email": f"declined{k}@example.org", "Name": f"Participant D{k}"}
        )
    # Two repeated submissions: same email as an earlier respondent, answers
    # partly changed.  Exclusion keeps the first.
    for src in rng.choice(n, size=2, replace=False):
        again = dict(rows[int(src)])
        again[ENGAGEMENT[0][0]] = LIKERT[int(rng.integers(5))]
        again[COMMENT_Q] = "Sorry, submitted twice by mistake."
        rows.append(again)

    # Random order of arrival over a three-week window, IDs in arrival order.
    order = rng.permutation(len(rows))
    # The repeats must come after their originals: move them to the end.
    repeats = [len(rows) - 2, len(rows) - 1]
    order = np.array([i for i in order if i not in repeats] + repeats)
    offsets = np.sort(rng.uniform(0, 21 * 24 * 3600, size=len(rows)))

    out = []
    for rid, (idx, off) in enumerate(zip(order, offsets, strict=True), start=1):
        row = rows[int(idx)]
        began = start + dt.timedelta(seconds=int(off))
        low, high = (90, 900) if row.get(CONSENT_Q) == "Yes" else (10, 40)
        took = int(rng.integers(low, high))
        finished = began + dt.timedelta(seconds=took)
        row = {
            **row,
            "ID": str(rid),
            "Start time": forms_time(began),
            "Completion time": forms_time(finished),
        }
        out.append([row.get(h, "") for h in HEADER])
    return out


# --- issue 18: grid headers and two planted rows for the screening rules ----------------

ENG_GRID_Q = "Thinking about your work, how much do you agree with each statement?"
SAFE_GRID_Q = "Thinking about your team, how much do you agree with each statement?"


def grid_header(header: list[str]) -> list[str]:
    """Microsoft Forms' Likert columns: ``Question [Statement]`` for each statement."""
    question = {text: ENG_GRID_Q for text, _ in ENGAGEMENT}
    question.update({text: SAFE_GRID_Q for text, _ in SAFETY})
    return [f"{question[h]} [{h}]" if h in question else h for h in header]


def with_screened(rows: list[list[str]]) -> list[list[str]]:
    """``rows`` and, after them, the speeder and the straight-liner."""
    return rows + screened_rows(len(rows) + 1)


def screened_rows(first_id: int) -> list[list[str]]:
    """A speeder and a straight-liner, from their own generator (the other rows stay as
    they are), arriving after everyone else."""
    rng = np.random.default_rng(SEED + 18)
    out = []
    for k, (kind, took) in enumerate((("speeder", 35), ("straight", 240)), start=1):
        row = respondent(rng)
        if kind == "straight":
            for text, _ in ENGAGEMENT + SAFETY:
                row[text] = "Agree"
        began = dt.datetime(2024, 3, 25, 19, 0, 0) + dt.timedelta(
            hours=k, seconds=int(rng.integers(3600))
        )
        row |= {
            "ID": str(first_id + k - 1),
            "Email": f"screened{k}@example.org",
            "Name": f"Participant S{k}",
            "Start time": forms_time(began),
            "Completion time": forms_time(began + dt.timedelta(seconds=took)),
        }
        out.append([row.get(h, "") for h in HEADER])
    return out


STRESS_BEFORE_Q = "Before the wellbeing programme: how stressed did you feel at work (0-10)?"
STRESS_AFTER_Q = "Now, after the programme: how stressed do you feel at work (0-10)?"
STRESS_DROP = 0.5  # the planted mean fall in stress, on the 0-10 scale


def with_stress(header: list[str], rows: list[list[str]], rng: np.random.Generator):
    """``header`` and ``rows`` with the two stress ratings appended (blank without consent).

    Its own generator: the answers before these columns stay exactly as they were.
    """
    consent = header.index(CONSENT_Q)
    out = []
    for row in rows:
        before = 5.5 + 2.0 * rng.standard_normal()
        after = before - STRESS_DROP + 1.3 * rng.standard_normal()
        cells = [f"{int(np.clip(round(v), 0, 10))}" for v in (before, after)]
        blank = rng.random(2) < (0.03, 0.06)  # some skip one of the two
        cells = ["" if b else c for b, c in zip(blank, cells, strict=True)]
        out.append(row + (cells if row[consent] == "Yes" else ["", ""]))
    return [*header, STRESS_BEFORE_Q, STRESS_AFTER_Q], out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write responses.csv into (default: this script's folder)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        # Issue 18: a speeder and a straight-liner appended to wave 1 (their own generator).
        ("responses.csv", with_screened(build(np.random.default_rng(SEED)))),
        ("wave2.csv", build_wave2()),
    ):
        header = HEADER
        if name == "responses.csv":  # the before/after pair is asked in the first wave only
            header, rows = with_stress(HEADER, rows, np.random.default_rng(SEED + 13))
        path = args.out / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(grid_header(header))
            writer.writerows(rows)
        print(f"wrote {len(rows)} rows to {path}")


# --- the second wave (surveykit compare) ----------------------------------------------
# A year later, from its own random generator, with two planted changes and nothing else:
# flexible working was introduced (chosen less often as what would most improve working
# life), and managers were trained to invite concerns (safety_2 is easier to agree with).
WAVE2_SEED = SEED + 13
WAVE2_N = 230
WAVE2_IMPROVE_P = [0.55, 0.20, 0.30, 0.33, 0.22, 0.45]  # "Flexible working hours": 0.38 → 0.20
WAVE2_SAFE_EASY = [0.5, 1.1, -0.1, 0.6, 0.4]  # "raise problems with my manager": 0.2 → 1.1


def build_wave2() -> list[list[str]]:
    """wave2.csv: the same model, a new sample, the two planted changes."""
    return build(
        np.random.default_rng(WAVE2_SEED),
        n=WAVE2_N,
        start=dt.datetime(2025, 3, 3, 8, 0, 0),
        safe_easy=WAVE2_SAFE_EASY,
        improve_p=WAVE2_IMPROVE_P,
    )


if __name__ == "__main__":
    main()
