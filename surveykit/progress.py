"""A progress bar on stderr for long runs, and nothing at all otherwise.

The bar is shown only when stderr is a terminal and the job is big enough to
be worth watching (callers say so with ``big``); piped or redirected output,
tests and small surveys never see a byte of it. ``SURVEYKIT_PROGRESS=0`` turns
it off, ``=1`` forces it on for any job size (still only on a terminal). rich is
imported only when a bar is actually drawn.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class Task:
    """Handle of one running bar; a no-op when no bar is drawn."""

    def __init__(self, progress=None, task_id=None) -> None:
        self._progress = progress
        self._task_id = task_id

    def advance(self, steps: float = 1, description: str | None = None) -> None:
        """Move the bar on by ``steps`` (and optionally relabel it)."""
        if self._progress is None:
            return
        if description is not None:
            self._progress.update(self._task_id, advance=steps, description=description)
        else:
            self._progress.advance(self._task_id, steps)


def enabled(big: bool = True) -> bool:
    """True when a bar would be drawn for a job that is ``big`` (or not)."""
    setting = os.environ.get("SURVEYKIT_PROGRESS", "").strip()
    if setting == "0":
        return False
    stream = sys.stderr
    try:
        tty = stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and (big or setting == "1")


@contextmanager
def task(description: str, total: float | None, *, big: bool = True) -> Iterator[Task]:
    """A transient bar on stderr for ``total`` steps, or a silent no-op."""
    if not enabled(big):
        yield Task()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    # total=None: the bar pulses and the count shows "?" (e.g. while pyarrow reads).
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        yield Task(progress, progress.add_task(description, total=total))
