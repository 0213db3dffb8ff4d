"""Writing output files so that an interrupted run never leaves a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from surveykit.errors import SurveyError


def cannot_write(exc: OSError, path: str | Path) -> SurveyError:
    """The user-facing error for an ``OSError`` met while writing ``path``."""
    return SurveyError(f"cannot write: {exc.strerror or exc}", file=path)


def check_target(path: str | Path) -> None:
    """Fail early, as a :class:`SurveyError`, unless ``path`` can be a file in an existing folder."""
    path = Path(path)
    try:
        if path.is_dir():
            raise SurveyError("is a folder; give a file name", file=path)
        if not path.parent.exists():
            raise SurveyError(f"folder {path.parent} does not exist", file=path)
        if not path.parent.is_dir():
            raise SurveyError(f"cannot write: {path.parent} is a file, not a folder", file=path)
    except OSError as exc:
        raise cannot_write(exc, path) from exc


def make_folder(folder: str | Path) -> None:
    """Create ``folder`` (its parent must exist) unless it is there already."""
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise SurveyError("cannot write: is a file, not a folder", file=folder)
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise cannot_write(exc, folder) from exc


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A reader (or a crash) never sees a half-written file, and an existing file
    is only replaced once the new one is complete. Text is written as UTF-8
    with ``\\n`` line ends. The file gets the usual permissions (0666 less the
    umask), not mkstemp's private 0600. Any ``OSError`` (name too long, a file
    where a folder should be, no permission, disk full) becomes a
    :class:`SurveyError` ``cannot write: <reason>``.
    """
    path = Path(path)
    check_target(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise cannot_write(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(exc, path) from exc
        raise
