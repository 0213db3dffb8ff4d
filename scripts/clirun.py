"""Run the ``surveykit`` command in this process, as a user's shell would run it.

Shared by the snapshot and docs generators: the console script's entry point is
called with sys.argv, the working directory and the environment set for the run,
so pandas and scipy are imported once instead of once per command.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# 2025-03-14 00:00 UTC: any fixed date will do; this one is the docs' example date.
SOURCE_DATE_EPOCH = "1741910400"


def run_cli(args: list[str], cwd: Path, env: dict[str, str | None]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``surveykit ARGS`` run in ``cwd`` in this process.

    ``env`` sets (a string) or unsets (None) environment variables for the run;
    everything is restored afterwards.
    """
    from surveykit.cli import main

    saved_env = {key: os.environ.get(key) for key in env}
    saved_argv, saved_cwd = sys.argv, Path.cwd()
    out, err = io.StringIO(), io.StringIO()
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    sys.argv = ["surveykit", *args]
    os.chdir(cwd)
    code: object = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    number = code if isinstance(code, int) else (0 if code is None else 1)
    return number, out.getvalue(), err.getvalue()


def run_surveykit(*args: str, columns: int = 120, cwd: Path = ROOT) -> str:
    """Run ``surveykit ARGS`` in ``cwd`` (the repository root); its stdout (fails on exit ≠ 0).

    The console script's entry point runs in this process (importing pandas and
    scipy once instead of once per snapshot), with the environment a user's
    shell would give it: COLUMNS, SOURCE_DATE_EPOCH, no colour, no progress bar.
    """
    env: dict[str, str | None] = {
        "COLUMNS": str(columns),
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "NO_COLOR": "1",
        "SURVEYKIT_PROGRESS": "0",
        "FORCE_COLOR": None,
    }
    code, out, err = run_cli(list(args), cwd, env)
    if code != 0:
        raise RuntimeError(f"surveykit {' '.join(args)} exited {code}:\n{err}")
    return out
