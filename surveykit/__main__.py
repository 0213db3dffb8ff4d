"""``surveykit`` and ``python -m surveykit``: the command, with Ctrl-C handled from the first line.

The console script starts here rather than in ``surveykit.cli`` because importing
the command's modules takes a moment, and an interrupt during that moment would
otherwise print Python's traceback. Whenever it comes, an interrupt ends the run
quietly with exit status 130 (the shell's code for SIGINT), as typer does once the
command runs; writes that were under way are rolled back by ``surveykit.files``.
"""

from __future__ import annotations

import os
import sys

# One BLAS thread, set before numpy loads (only then does OpenBLAS read it). surveykit's
# BLAS work is dot products and small cross-products over long columns, where OpenBLAS's
# extra threads only spin waiting for a core: at 100,000 respondents the benchmark plan
# took 6.4 s with the default threads and 3.7 s with one, on the 2-core machine of
# docs/performance.md. A user's own setting wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def main() -> None:
    """Run the command line; an interrupt anywhere ends it with exit status 130."""
    try:
        from surveykit.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
