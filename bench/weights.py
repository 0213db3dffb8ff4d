"""Raking benchmark: 1,000,000 respondents raked to 3 items × 20 levels (target < 2 s).

Draws the respondents' levels with unequal, item-specific response propensities
(so the weights have work to do), headcounts that add up to the same total on
every item, and times :func:`surveykit.stats.weights.rake` (the median of
``--repeat`` runs). Usage::

    .venv/bin/python bench/weights.py              # N = 1,000,000
    .venv/bin/python bench/weights.py --n 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

TARGET_S = 2.0


def make(n: int, items: int, levels: int, seed: int = 20261201):
    """Level codes per item and headcounts per level (one population of 10 × n staff)."""
    rng = np.random.default_rng(seed)
    codes, targets = [], []
    for _ in range(items):
        sample_share = rng.dirichlet(np.full(levels, 2.0))
        codes.append(rng.choice(levels, size=n, p=sample_share).astype(np.int64))
        population_share = rng.dirichlet(np.full(levels, 2.0))
        targets.append(population_share * 10 * n)
    return codes, targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="Respondents.")
    parser.add_argument("--items", type=int, default=3, help="Items raked on.")
    parser.add_argument("--levels", type=int, default=20, help="Levels per item.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs (the median is reported).")
    args = parser.parse_args()

    from surveykit.stats.weights import rake

    codes, targets = make(args.n, args.items, args.levels)
    times, result = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = rake(codes, targets)
        times.append(time.perf_counter() - start)
    assert result is not None
    worst = max(
        float(np.max(np.abs(np.bincount(c, weights=result.weights, minlength=len(t)) - t) / t))
        for c, t in zip(codes, targets, strict=True)
    )
    median = statistics.median(times)
    print(
        f"rake: N={args.n:,}, {args.items} items x {args.levels} levels: "
        f"median {median:.3f} s of {args.repeat} (runs: {', '.join(f'{t:.3f}' for t in times)}); "
        f"{result.iterations} sweeps, converged={result.converged}, "
        f"largest relative margin error {worst:.1e}; target < {TARGET_S:.0f} s: "
        f"{'met' if median < TARGET_S else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
