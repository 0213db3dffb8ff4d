"""Precision of a proportion: the margin of error at n, and the n for a target margin.

The margin is the half-width of the normal (Wald) interval, z·√(p(1 − p)/n),
multiplied by the finite population correction √((N − n)/(N − 1)) when the
population N is known — the calculation of Raosoft's and most survey-sample
calculators. The sample size for a margin E is n = N·x / ((N − 1)E² + x) with
x = z²·p(1 − p) (x / E² without N), rounded up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from scipy import stats

from surveykit.errors import SurveyError


@dataclass(frozen=True)
class PrecisionResult:
    """A margin at ``n`` or the ``n`` for a margin; ``groups`` repeats it per group."""

    n: int
    margin: float
    population: int | None
    confidence: float
    p: float
    solved_for: str  # "margin" or "n"
    groups: tuple[PrecisionGroup, ...] = ()

    def to_dict(self) -> dict:
        """The public JSON document of ``design precision --format json``."""
        out = {
            "n": self.n,
            "margin": self.margin,
            "population": self.population,
            "confidence": self.confidence,
            "p": self.p,
            "solved_for": self.solved_for,
        }
        if self.groups:
            out["groups"] = [g.to_dict() for g in self.groups]
        return out


@dataclass(frozen=True)
class PrecisionGroup:
    """One group's share of the population and the n it needs for the margin."""

    name: str
    share: float
    population: int | None
    n: int

    def to_dict(self) -> dict:
        """Plain JSON form."""
        return {"name": self.name, "share": self.share, "population": self.population, "n": self.n}


DEPRECATED_NUMBER = (
    "warning: --population N is deprecated in design precision and goes in the next "
    "release: use --population-size N (--population names a population file, as in "
    "analyze and report)"
)


def population_size(
    population: str | None, size: int | None, questionnaire: Path | None = None
) -> tuple[int | None, list[str]]:
    """The population N from ``--population-size N`` or ``--population FILE``, and warnings.

    A file gives its total headcount (docs/population.md), its levels checked against
    the questionnaire beside it (or ``questionnaire``). ``--population N``, a number,
    still means the size for one release, with a deprecation warning.
    """
    if population is not None and size is not None:
        raise SurveyError("give --population-size N or --population FILE, not both")
    if population is None:
        return size, []
    if population.strip().isdigit():
        return int(population), [DEPRECATED_NUMBER]
    from surveykit.population import load_population
    from surveykit.questionnaire import load_questionnaire

    path = Path(population)
    if not path.is_file():
        raise SurveyError(
            "--population names a population file (population.yaml or .csv), which was not "
            "found; for a number, use --population-size N",
            file=path,
        )
    q_path = questionnaire or path.parent / "questionnaire.yaml"
    if not q_path.is_file():
        raise SurveyError(
            "a population file's levels are checked against the questionnaire: put "
            "questionnaire.yaml beside it or give -q",
            file=path,
        )
    total = load_population(path, load_questionnaire(q_path)).total
    if not float(total).is_integer():
        raise SurveyError(
            f"the total headcount is {total:g}, not a whole number of people; "
            "give --population-size N",
            file=path,
        )
    return int(total), []


def _z(confidence: float) -> float:
    return float(stats.norm.isf((1 - confidence) / 2))


def _check(p: float, confidence: float, population: int | None) -> None:
    if not 0 < p < 1:
        raise SurveyError(f"--p must be a proportion between 0 and 1, got {p}")
    if not 0 < confidence < 1:
        raise SurveyError(f"--confidence must be between 0 and 1, got {confidence}")
    if population is not None and population < 2:
        raise SurveyError(f"the population must be at least 2, got {population}")


def margin_of_error(
    n: int, *, population: int | None = None, p: float = 0.5, confidence: float = 0.95
) -> PrecisionResult:
    """The margin of error of a proportion p estimated from n respondents."""
    _check(p, confidence, population)
    if n < 1:
        raise SurveyError(f"--n must be at least 1, got {n}")
    if population is not None and n > population:
        raise SurveyError(f"--n ({n}) is larger than the population ({population})")
    margin = _z(confidence) * math.sqrt(p * (1 - p) / n)
    if population is not None:
        margin *= math.sqrt((population - n) / (population - 1))
    return PrecisionResult(n, margin, population, confidence, p, "margin")


def _needed(margin: float, x: float, population: int | None) -> int:
    if population is None:
        return math.ceil(x / margin**2 - 1e-9)
    return math.ceil(population * x / ((population - 1) * margin**2 + x) - 1e-9)


def sample_size(
    margin: float,
    *,
    population: int | None = None,
    p: float = 0.5,
    confidence: float = 0.95,
    groups: dict[str, float] | None = None,
) -> PrecisionResult:
    """The respondents needed for a margin of error (per group too, with ``groups``).

    ``groups`` maps a group to its share of the population; each group then needs
    the margin on its own (its population is its share of ``population``), and
    ``n`` is their sum.
    """
    _check(p, confidence, population)
    if not 0 < margin < 1:
        raise SurveyError(f"--margin must be between 0 and 1 (0.05 is ±5 points), got {margin}")
    x = _z(confidence) ** 2 * p * (1 - p)
    if not groups:
        return PrecisionResult(
            _needed(margin, x, population), margin, population, confidence, p, "n"
        )
    total_share = sum(groups.values())
    if any(s <= 0 for s in groups.values()) or total_share > 1 + 1e-9:
        raise SurveyError(
            f"--groups shares must be positive and add up to at most 1, got {total_share:g}"
        )
    rows = []
    for name, share in groups.items():
        pop = None if population is None else max(2, round(population * share))
        rows.append(PrecisionGroup(name, share, pop, _needed(margin, x, pop)))
    return PrecisionResult(
        sum(g.n for g in rows), margin, population, confidence, p, "n", tuple(rows)
    )


def parse_groups(text: str) -> dict[str, float]:
    """``"nurse=0.4,doctor=0.25"`` → {"nurse": 0.4, "doctor": 0.25} (one-line errors)."""
    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, share = part.partition("=")
        name = name.strip()
        try:
            value = float(share)
        except ValueError:
            value = math.nan
        if not sep or not name or not math.isfinite(value):
            raise SurveyError(
                f"--groups takes name=share pairs separated by commas "
                f"(e.g. nurse=0.4,doctor=0.25), got {part.strip()!r}"
            )
        if name in out:
            raise SurveyError(f"--groups names {name!r} twice")
        out[name] = value
    return out
