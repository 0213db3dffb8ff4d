"""Writing output files so that an interrupted run never leaves a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from surveykit.errors import SurveyError


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A reader (or a crash) never sees a half-written file, and an existing file
    is only replaced once the new one is complete. Text is written as UTF-8
    with ``\\n`` line ends. The file gets the usual permissions (0666 less the
    umask), not mkstemp's private 0600.
    """
    path = Path(path)
    if path.is_dir():
        raise SurveyError("is a folder; give a file name", file=path)
    if not path.parent.exists():
        raise SurveyError(f"folder {path.parent} does not exist", file=path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
