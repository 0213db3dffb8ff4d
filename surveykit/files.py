"""Writing output files: never over an input, never half-written, never left behind.

Every file surveykit writes goes through :func:`write_files` (or
:func:`write_atomic`, one file), which

- refuses, before anything is written, a target that is an input of this run
  (the responses, the questionnaire, the plan: whatever :func:`note_input`
  was told about), however it is spelled (``./x/../responses.csv``, a
  symlink, a hard link), and a target that exists but is not a regular file
  (``/dev/null``, a FIFO, a socket: an atomic rename would replace it);
- writes each file to a hidden temporary file in the target's own folder and
  ``os.replace``-s it in only when every file of the set is complete;
- holds SIGINT and SIGTERM while the set is switched in, and on an interrupt
  before that removes its temporary files and leaves the previous output as
  it was. SIGTERM, which would otherwise end the process without cleaning
  up, raises ``SystemExit(143)`` while a write is under way.

A write through a symlink writes the file it points to (as the shell's ``>``
does), so the link stays a link.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from surveykit.errors import SurveyError

# --- inputs of the run ---------------------------------------------------------------

_INPUTS: dict[tuple[int, int], str] = {}  # (st_dev, st_ino) -> what the file is
_INPUT_PATHS: dict[str, str] = {}  # realpath -> what the file is


def note_input(path: str | Path | None, what: str) -> None:
    """Remember that this process reads ``path`` (e.g. ``"the responses CSV"``).

    Writers refuse these files for the rest of the process, whatever name a
    target is given. A path that cannot be examined is remembered by name.
    """
    if path is None or str(path) == "-":
        return
    real = os.path.realpath(path)
    _INPUT_PATHS.setdefault(real, what)  # the first, most specific name stays
    with contextlib.suppress(OSError):
        st = os.stat(real)
        if stat.S_ISREG(st.st_mode):
            _INPUTS.setdefault((st.st_dev, st.st_ino), what)


def input_paths() -> list[Path]:
    """The real paths of the inputs noted so far."""
    return [Path(p) for p in _INPUT_PATHS]


def forget_inputs() -> None:
    """Forget every noted input (for long-lived processes and tests that reuse paths)."""
    _INPUTS.clear()
    _INPUT_PATHS.clear()


def cannot_write(exc: OSError, path: str | Path) -> SurveyError:
    """The user-facing error for an ``OSError`` met while writing ``path``."""
    return SurveyError(f"cannot write: {exc.strerror or exc}", file=path)


def _input_role(real: str, st: os.stat_result | None) -> str | None:
    if real in _INPUT_PATHS:
        return _INPUT_PATHS[real]
    if st is not None:
        return _INPUTS.get((st.st_dev, st.st_ino))
    return None


def guard_target(path: str | Path) -> Path:
    """The real path to write for ``path``, or a :class:`SurveyError` if it must not be written.

    Refused: an input of this run, a folder, anything that exists and is not a
    regular file, and a target whose folder does not exist.
    """
    path = Path(path)
    real = os.path.realpath(path)
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise cannot_write(exc, path) from exc
    role = _input_role(real, st)
    if role is not None:
        raise SurveyError(
            f"is {role} of this run; surveykit never overwrites an input: choose another output",
            file=path,
        )
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise SurveyError("is a folder; give a file name", file=path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise SurveyError(
            "is not a regular file (a device, pipe or socket), which an output would replace; "
            "give a file name",
            file=path,
        )
    parent = Path(real).parent
    try:
        if not parent.exists():
            raise SurveyError(f"folder {path.parent} does not exist", file=path)
        if not parent.is_dir():
            raise SurveyError(f"cannot write: {path.parent} is a file, not a folder", file=path)
    except OSError as exc:
        raise cannot_write(exc, path) from exc
    return Path(real)


def check_target(path: str | Path) -> None:
    """Fail early, as a :class:`SurveyError`, unless ``path`` may be written (see guard_target)."""
    guard_target(path)


def make_folder(folder: str | Path) -> bool:
    """Create ``folder`` (its parent must exist) unless it is there; True if it was created."""
    folder = Path(folder)
    real = Path(os.path.realpath(folder))
    role = _input_role(str(real), None)
    if role is not None:
        raise SurveyError(f"is {role} of this run; choose another output", file=folder)
    try:
        if real.exists():
            if not real.is_dir():
                raise SurveyError("cannot write: is a file, not a folder", file=folder)
            return False
        real.mkdir()
        return True
    except OSError as exc:
        raise cannot_write(exc, folder) from exc


MANIFEST = ".surveykit-manifest.json"
"""Lists the files surveykit wrote into a csv folder; only those are ever replaced or removed."""


def read_manifest(folder: Path) -> set[str] | None:
    """The file names listed in ``folder``'s manifest, or None if it has none."""
    import json

    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        names = doc["files"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SurveyError(
            f"{MANIFEST} is not a surveykit manifest; give a new or empty folder", file=folder
        ) from exc
    # Only plain names in the folder itself: a manifest can never point elsewhere.
    return {n for n in names if n and Path(n).name == n and n not in (".", "..")}


def check_output_folder(folder: str | Path) -> set[str]:
    """The names surveykit may replace in ``folder`` (a csv output), or a SurveyError.

    The folder must be new, empty, or hold a manifest (then its listed names are
    returned); it may not be an input, a file, or in a folder that does not exist.
    """
    folder = Path(folder)
    real = Path(os.path.realpath(folder))
    role = _input_role(str(real), None)
    if role is not None:
        raise SurveyError(f"is {role} of this run; choose another output", file=folder)
    try:
        if real.exists() and not real.is_dir():
            raise SurveyError(f"--format csv writes a folder of files; {folder} is a file")
        if not real.parent.exists():
            raise SurveyError(f"folder {folder.parent} does not exist")
        if not real.is_dir():
            return set()
        manifest = read_manifest(real)
        if manifest is None and any(real.iterdir()):
            raise SurveyError(
                f"is a folder that is not empty and was not written by surveykit (no "
                f"{MANIFEST}); give a new or empty folder",
                file=folder,
            )
        return manifest or set()
    except OSError as exc:
        raise cannot_write(exc, folder) from exc


def check_output(output: str | Path, fmt: str) -> None:
    """Refuse ``output`` for format ``fmt`` now, before any work, as the writers would later
    (they check again when they write)."""
    if fmt.lower().lstrip(".") == "csv":
        check_output_folder(output)
    else:
        guard_target(output)


# --- interrupts ----------------------------------------------------------------------

_held_depth = 0
_pending: list[int] = []


def _raise_for(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _on_signal(signum: int, _frame: object) -> None:
    if _held_depth:
        _pending.append(signum)
        return
    _raise_for(signum)


@contextlib.contextmanager
def _interrupts_raise() -> Iterator[None]:
    """While writing, SIGINT and SIGTERM raise (so ``finally`` blocks clean up).

    Only default handlers are replaced: a program embedding surveykit, or a
    parent that set SIGTERM to be ignored, keeps its own.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler in (signal.SIG_DFL, signal.default_int_handler):
            previous[signum] = handler
            signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM for a few system calls that must happen together; act on them after."""
    global _held_depth
    _held_depth += 1
    try:
        yield
    finally:
        _held_depth -= 1
        if not _held_depth and _pending:
            signum = _pending[0]
            _pending.clear()
            _raise_for(signum)


# --- writing ---------------------------------------------------------------------------

_CHUNK = 1 << 20


def _write_payload(fd: int, payload: bytes) -> None:
    # In 1 MiB pieces, so an interrupt during a large report is acted on within one piece.
    view = memoryview(payload)
    with os.fdopen(fd, "wb", closefd=True) as handle:
        for start in range(0, len(view), _CHUNK):
            handle.write(view[start : start + _CHUNK])


def write_files(
    files: dict[Path, bytes | str],
    *,
    remove: Iterable[Path] = (),
) -> None:
    """Write every file of ``files`` and remove ``remove``, switching them in together.

    Each file is written to a temporary file beside it; only when all are
    complete are they renamed over their targets (and ``remove`` unlinked)
    with SIGINT/SIGTERM held, so an interrupt leaves either the old set or
    the new one, and never a temporary file. Text is written as UTF-8. Files
    get the usual permissions (0666 less the umask), not mkstemp's 0600. Any
    ``OSError`` becomes a :class:`SurveyError` ``cannot write: <reason>``.
    """
    targets = [(guard_target(path), path) for path in files]
    umask = os.umask(0)
    os.umask(umask)
    temps: list[tuple[str, Path, Path]] = []  # (temp, real target, as given)
    with _interrupts_raise():
        try:
            for (real, given), data in zip(targets, files.values(), strict=True):
                payload = data.encode("utf-8") if isinstance(data, str) else data
                try:
                    with _signals_held():
                        fd, tmp = tempfile.mkstemp(
                            prefix=f".{real.name}.", suffix=".tmp", dir=real.parent
                        )
                        temps.append((tmp, real, given))
                    _write_payload(fd, payload)
                    os.chmod(tmp, 0o666 & ~umask)
                except OSError as exc:
                    raise cannot_write(exc, given) from exc
            with _signals_held():
                where: Path | None = None
                try:
                    while temps:
                        tmp, real, where = temps[0]
                        os.replace(tmp, real)
                        temps.pop(0)
                    for old in remove:
                        where = old
                        Path(old).unlink(missing_ok=True)
                except OSError as exc:
                    raise cannot_write(exc, where or "") from exc
        finally:
            for tmp, _, _ in temps:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` as :func:`write_files` does: guarded, whole or not at all."""
    write_files({Path(path): data})


# --- reading a stream ------------------------------------------------------------------

MAX_STREAM_BYTES = 8 * 1024**3
"""Most bytes copied from standard input or a pipe (8 GiB) before giving up."""


def stream_name(path: str | Path) -> str:
    """How an input is named in messages: ``<stdin>`` for ``-``."""
    return "<stdin>" if str(path) == "-" else str(path)


def _is_stream(path: Path) -> bool:
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # the reader reports it
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def seekable_input(path: str | Path) -> Iterator[Path]:
    """``path`` itself if it is a regular file; else (``-`` for standard input, a FIFO,
    ``/dev/stdin``, a process substitution) a temporary copy, read in 1 MiB pieces.

    Readers re-read a file to name the line of an error, so a stream is copied
    once to a private temporary file that is removed afterwards. A NUL byte
    ends the copy early (no CSV export holds one; ``/dev/zero`` would never end).
    Errors that name the copy are made to name the stream instead.
    """
    path = Path(path)
    if not _is_stream(path):
        yield path
        return
    name = stream_name(path)
    fd, tmp = tempfile.mkstemp(prefix="surveykit-stdin-", suffix=".csv")
    try:
        with _interrupts_raise():
            sink = os.fdopen(fd, "wb")
            try:
                source = sys.stdin.buffer if str(path) == "-" else path.open("rb", buffering=0)
            except OSError as exc:
                sink.close()
                raise SurveyError(f"cannot read: {exc.strerror}", file=name) from exc
            total = 0
            closing = contextlib.nullcontext() if str(path) == "-" else source
            with closing, sink:
                while chunk := source.read(_CHUNK):
                    if b"\x00" in chunk:
                        raise SurveyError(
                            "looks like a binary file, not a CSV export (it contains NUL bytes)",
                            file=name,
                        )
                    total += len(chunk)
                    if total > MAX_STREAM_BYTES:
                        raise SurveyError(
                            f"more than {MAX_STREAM_BYTES // 1024**3} GiB arrived on the stream "
                            "(the limit for a piped input); save it to a file first",
                            file=name,
                        )
                    sink.write(chunk)
        try:
            yield Path(tmp)
        except SurveyError as exc:
            if exc.file == tmp:
                exc.file = name
            raise
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
