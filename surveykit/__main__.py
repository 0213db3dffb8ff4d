"""``surveykit`` and ``python -m surveykit``: the command, with Ctrl-C handled from the first line.

The console script starts here rather than in ``surveykit.cli`` because importing
the command's modules takes a moment, and an interrupt during that moment would
otherwise print Python's traceback. Whenever it comes, an interrupt ends the run
quietly with exit status 130 (the shell's code for SIGINT), as typer does once the
command runs; writes that were under way are rolled back by ``surveykit.files``.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line; an interrupt anywhere ends it with exit status 130."""
    try:
        from surveykit.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
