"""A logistic or ordinal model's separated terms: shown as not estimable, with what to do.

Under separation a term's maximum-likelihood estimate is infinite: the fit stops
at some huge B, SE and odds ratio that mean nothing, and showing them would
show something false. :mod:`surveykit.stats.separation` finds the affected terms
exactly (the linear programme of R's ``detectseparation``), only when a fit looks
separated; here their estimate, SE, z, p, CI and odds ratio become ``None`` with a
``reason``, and a note names them and says how to fix the model. The other terms
are kept under quasi-complete separation: as the separated estimates grow, theirs
converge (to the fit without the separated terms and the respondents these
predict exactly), which is the value R's ``glm`` and SPSS print for them. Under
complete separation no coefficient is estimated. docs/analysis.md explains the
choice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from surveykit.errors import StatisticsError

ESTIMATES = ("estimate", "se", "stat", "p", "ci95", "odds_ratio", "odds_ratio_ci95")
REASON_QUASI = "not estimable: separation (the estimate grows without bound)"
REASON_COMPLETE = "not estimable: complete separation (every outcome predicted exactly)"
_CONVERGENCE = ("did not converge", "separation")


def mark_separated(
    model: str,
    y: np.ndarray,
    x: np.ndarray,
    terms: list[dict[str, Any]],
    refit: Callable[[np.ndarray, list[int]], Any],
) -> tuple[list[dict[str, Any]], list[str] | None]:
    """``terms`` with the separated ones not estimable, and the notes to replace the fit's
    convergence notes with (None: no separation, leave everything as it is).

    ``y`` is the 0/1 event (logistic; ``terms`` start with the intercept) or the ordinal
    codes (``terms`` are the predictors only); ``x`` the predictor columns. ``refit(rows,
    columns)`` fits the same model on those rows and predictor columns: under quasi-complete
    separation, the fit without the separated columns and the respondents they predict
    exactly gives the other terms' limits, with their SEs (the separated fit's Hessian is
    near-singular, so its SEs of the other terms are not reliable, or not computable).
    """
    from surveykit.stats import separation

    estimates = [t["estimate"] for t in terms]
    ses = [t["se"] for t in terms]
    if not separation.suspect(np.array(estimates, float), np.array(ses, float)):
        return terms, None
    if model == "logistic":
        found = separation.binary(np.column_stack([np.ones(len(y)), x]), y)
    else:
        codes = np.asarray(y, dtype=np.int64)
        found = separation.ordinal(x, np.searchsorted(np.unique(codes), codes))
    if found is None:
        return terms, None
    shift = 1 if model == "logistic" else 0  # terms[i] is x's column i − shift
    affected = set(range(len(terms))) if found.complete else set(found.infinite)
    limits = None
    if not found.complete and not (model == "logistic" and 0 in affected):
        columns = [j for j in range(x.shape[1]) if j + shift not in affected]
        try:
            limits = refit(~found.exact, columns) if columns else None
        except StatisticsError:
            limits = None
        if limits is not None and separation.suspect(
            np.array([t.estimate for t in limits.terms]), np.array([t.se for t in limits.terms])
        ):
            limits = None  # separated again: nothing to read
    if limits is None:
        affected = set(range(len(terms)))  # no reliable figure for any term
    reason = REASON_COMPLETE if found.complete else REASON_QUASI
    marked = [
        {**t, **dict.fromkeys(ESTIMATES), "reason": reason} if i in affected else t
        for i, t in enumerate(terms)
    ]
    if limits is not None:
        kept = [i for i in range(len(terms)) if i not in affected]
        for i, limit in zip(kept, limits.terms, strict=True):
            marked[i] = {**marked[i], **_figures(limit, terms[i])}
    names = [_name(t) for i, t in enumerate(terms) if i in affected and t["term"] != "(Intercept)"]
    fix = (
        "To fit the model, merge a sparse level into a neighbouring one (list its label "
        "under that choice's aliases: in the questionnaire), leave the term out of on:, or "
        "fit the model where: the level is excluded."
    )
    if found.complete:
        note = (
            "Complete separation: the predictors predict every respondent's outcome exactly, "
            "so no coefficient can be estimated (each grows without bound; shown as —); the "
            "likelihood-ratio χ² and McFadden R² only say that the outcome is predicted "
            "exactly. " + fix
        )
    else:
        which = ", ".join(names) if names else "the intercept"
        note = (
            f"Quasi-complete separation: {which} predict{'s' if len(names) == 1 else ''} the "
            "outcome exactly for some respondents (e.g. everyone at a level gives the same "
            "answer), so its estimate, SE, test and odds ratio grow without bound and are "
            "not estimable (shown as —). The other terms are the limits the fit converges to "
            "(R's glm and SPSS print them near it): the model fitted without the separated "
            "term(s) and the respondents they predict exactly, as Stata reports it; the "
            "likelihood-ratio χ² and McFadden R² are the whole model's at that limit. " + fix
        )
    return marked, [note]


def _figures(limit: Any, term: dict[str, Any]) -> dict[str, Any]:
    """A term's figures from the fit without the separated terms."""
    out = {"estimate": limit.estimate, "se": limit.se, "stat": limit.stat, "p": limit.p,
           "ci95": list(limit.ci95)}  # fmt: skip
    if "odds_ratio" in term:
        out["odds_ratio"] = limit.odds_ratio
        out["odds_ratio_ci95"] = list(limit.odds_ratio_ci95) if limit.odds_ratio_ci95 else None
    return out


def _name(term: dict[str, Any]) -> str:
    label = term.get("label") or term["term"]
    return f"{label}: {term['level']}" if term.get("level") is not None else str(label)


def without_convergence_notes(notes: list[str]) -> list[str]:
    """The fit's notes without statsmodels' convergence and separation warnings, which the
    separation note replaces (the fit stopped because an estimate grows without bound)."""
    return [n for n in notes if not any(c in n for c in _CONVERGENCE)]
