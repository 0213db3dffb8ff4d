"""Benchmark surveykit against GNU PSPP on a synthetic national-scale survey.

Generates the survey (``bench/generate.py``) into ``bench/data/nN/`` when it is
missing, then runs each command as a child process and records its wall time
CPU time (user + system) and peak memory (the child's max RSS, from ``os.wait4``;
on a shared machine the CPU time is the steadier figure, as waiting for a core
inflates only the wall time):

* ``surveykit analyze responses.csv --format json > /dev/null`` at N = 1,000,000;
* ``pspp bench.sps`` doing the same work on the same CSV, when pspp is installed;
* ``surveykit --help``;
* the Singapore sample analysis end to end (``surveys/singapore_pss``), if present,
  and the staff wellbeing sample;
* with ``--linearity``, surveykit at 5 x N as well;
* with ``--models``, the same plan with 10 regression models added
  (``analysis_models.yaml``, see ``generate.models_plan_yaml``), against the
  target of at most 2 x the time without them.

Prints a table with the targets of the "Fast at national scale" issue and writes
the figures to ``bench/data/results.json``. Usage::

    python bench/run.py                 # N = 1,000,000
    python bench/run.py --linearity     # and N = 5,000,000
    python bench/run.py --n 100000 --no-pspp
    python bench/run.py --models --no-pspp   # the cost of 10 regressions
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TARGET_RATIO = 8.0  # surveykit at most 1/8 of PSPP's wall time
TARGET_RSS_MB = 1024.0
TARGET_LINEAR = 5.5  # 5x the respondents in at most 5.5x the time
TARGET_HELP_S = 0.3
TARGET_SAMPLE_S = 1.5
TARGET_MODELS = 2.0  # the plan with 10 regressions in at most 2x the time without them


@dataclass
class Run:
    """One child process: what ran, how long it took and its peak memory."""

    label: str
    command: list[str]
    wall_s: float
    max_rss_mb: float
    exit_code: int
    cpu_s: float = 0.0  # user + system time of the child (its threads included)


def measure(label: str, command: list[str], cwd: Path | None = None, stdout=None) -> Run:
    """Run ``command`` and return its wall time and the child's own peak RSS."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: no deadlock on chatty stderr
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=stdout if stdout is not None else subprocess.DEVNULL,
            stderr=errors,
        )
        # wait4 reports the rusage of exactly this child (RUSAGE_CHILDREN would be the
        # maximum over every child this process ever waited for).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print(f"  ! {label} exited with {proc.returncode}: {err.strip()[:500]}", file=sys.stderr)
    # ru_maxrss is in kilobytes on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return Run(label, command, wall, usage.ru_maxrss / 1024, proc.returncode, cpu)


def repeat(label: str, command: list[str], times: int, **kwargs) -> Run:
    """``times`` runs of ``command``, summarised (see :func:`summary`)."""
    return summary([measure(label, command, **kwargs) for _ in range(times)])


def summary(runs: list[Run]) -> Run:
    """The median wall and CPU times, and the largest peak RSS, of runs of one command."""
    return Run(
        runs[0].label,
        runs[0].command,
        statistics.median(r.wall_s for r in runs),
        max(r.max_rss_mb for r in runs),
        max(r.exit_code for r in runs),
        statistics.median(r.cpu_s for r in runs),
    )


def ensure_data(n: int, data: Path) -> Path:
    """The folder holding the survey for N respondents, generated when missing or stale."""
    folder = data / f"n{n}"
    stamp = folder / "VERSION"
    wanted = f"{generate.DATA_VERSION} {n}"
    if not (folder / "responses.csv").exists() or (
        not stamp.exists() or stamp.read_text().strip() != wanted
    ):
        print(f"generating {n:,} respondents into {folder} ...", flush=True)
        # In a child process, so that this one stays small: a forked child starts its
        # max RSS count from its parent's size.
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--n", str(n), "--out", str(folder)],
            check=True,
        )
    (folder / "analysis_models.yaml").write_text(generate.models_plan_yaml(), encoding="utf-8")
    # The PSPP syntax names the CSV by absolute path: rewrite it so it always matches.
    (folder / "bench.sps").write_text(
        generate.pspp_syntax((folder / "responses.csv").resolve()), encoding="utf-8"
    )
    return folder


def surveykit_command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m``."""
    script = Path(sys.executable).parent / "surveykit"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from surveykit.cli import main; main()"]


def analyze(folder: Path, label: str, plan: str | None = None) -> Run:
    cmd = [*surveykit_command(), "analyze", str(folder / "responses.csv"), "--format", "json"]
    if plan is not None:
        cmd += ["--plan", str(folder / plan)]
    with open(os.devnull, "wb") as sink:
        return measure(label, cmd, stdout=sink)


def pspp(folder: Path) -> Run | None:
    exe = shutil.which("pspp")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pspp.txt"
        run = measure("pspp bench.sps", [exe, "-o", str(out), "bench.sps"], cwd=folder)
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
    if "error:" in text:
        first = next(line for line in text.splitlines() if "error:" in line)
        print(f"  ! PSPP reported an error: {first}", file=sys.stderr)
        run.exit_code = run.exit_code or 1
    return run


def machine() -> dict:
    """CPU model, core count and memory of this machine."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    pspp_version = None
    if shutil.which("pspp"):
        out = subprocess.run(["pspp", "--version"], capture_output=True, text=True)
        pspp_version = out.stdout.splitlines()[0] if out.stdout else None
    return {
        "cpu": model,
        "nproc": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "pspp": pspp_version,
    }


def _status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("MET" if ok else "MISSED")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents (default 1,000,000)")
    parser.add_argument("--linearity", action="store_true", help="also run surveykit at 5 x N")
    parser.add_argument("--no-pspp", action="store_true", help="skip the PSPP run")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="data folder")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the big analysis (median)")
    parser.add_argument(
        "--models", action="store_true", help="also run the plan with 10 regression models"
    )
    args = parser.parse_args()

    info = machine()
    print(f"machine: {info['cpu']}, {info['nproc']} cores, {info['memory_gb']} GB RAM")
    folder = ensure_data(args.n, args.data)
    runs: dict[str, Run] = {}

    print(f"surveykit analyze at N = {args.n:,} ...", flush=True)
    # With --models the two plans alternate, so that both meet the same changes of load.
    big: list[Run] = []
    with_models: list[Run] = []
    for _ in range(args.repeat):
        big.append(analyze(folder, f"surveykit analyze (N={args.n:,})"))
        if args.models:
            label = f"surveykit analyze + 10 regressions (N={args.n:,})"
            with_models.append(analyze(folder, label, "analysis_models.yaml"))
    runs["surveykit"] = summary(big)
    if with_models:
        runs["surveykit_models"] = summary(with_models)
    if not args.no_pspp:
        print(f"pspp at N = {args.n:,} ...", flush=True)
        result = pspp(folder)
        if result is None:
            print("  pspp is not installed; skipped")
        else:
            runs["pspp"] = result
    if args.linearity:
        n5 = 5 * args.n
        folder5 = ensure_data(n5, args.data)
        print(f"surveykit analyze at N = {n5:,} ...", flush=True)
        runs["surveykit_5x"] = analyze(folder5, f"surveykit analyze (N={n5:,})")
    print("surveykit --help, samples ...", flush=True)
    runs["help"] = repeat("surveykit --help", [*surveykit_command(), "--help"], 5)
    for name in ("singapore_pss", "staff_wellbeing"):
        csv = ROOT / "surveys" / name / "responses.csv"
        if csv.exists():
            runs[name] = repeat(
                f"surveykit analyze surveys/{name}",
                [*surveykit_command(), "analyze", str(csv)],
                3,
            )

    sk, ps = runs["surveykit"], runs.get("pspp")
    rows: list[tuple[str, str, str, str, str, str]] = []

    def row(label: str, run: Run | None, target: str, ok: bool | None) -> None:
        if run is None:
            rows.append((label, "-", "-", "-", target, _status(None)))
            return
        status = "FAILED" if run.exit_code else _status(ok)
        rows.append((label, f"{run.wall_s:.2f}", f"{run.cpu_s:.2f}", f"{run.max_rss_mb:.0f}",
                     target, status))  # fmt: skip

    ratio = ps.wall_s / sk.wall_s if ps else None
    row(sk.label, sk, f"<= 1/{TARGET_RATIO:g} PSPP", None if ratio is None else ratio >= 8)
    row("  peak memory", sk, f"<= {TARGET_RSS_MB:.0f} MB", sk.max_rss_mb <= TARGET_RSS_MB)
    row(f"pspp bench.sps (N={args.n:,})", ps, "reference", None)
    if "surveykit_models" in runs:
        sm = runs["surveykit_models"]
        row(sm.label, sm, f"<= {TARGET_MODELS:g}x without",
            sm.wall_s <= TARGET_MODELS * sk.wall_s)  # fmt: skip
    if "surveykit_5x" in runs:
        r5 = runs["surveykit_5x"]
        growth = r5.wall_s / sk.wall_s
        row(r5.label, r5, f"<= {TARGET_LINEAR}x the 1x time", growth <= TARGET_LINEAR)
    row("surveykit --help (median of 5)", runs["help"], f"< {TARGET_HELP_S} s",
        runs["help"].wall_s < TARGET_HELP_S)  # fmt: skip
    if "singapore_pss" in runs:
        sg = runs["singapore_pss"]
        row(sg.label + " (median of 3)", sg, f"< {TARGET_SAMPLE_S} s", sg.wall_s < TARGET_SAMPLE_S)
    else:
        rows.append(("surveys/singapore_pss", "-", "-", "-", f"< {TARGET_SAMPLE_S} s", "absent"))
    if "staff_wellbeing" in runs:
        sw = runs["staff_wellbeing"]
        row(sw.label + " (median of 3)", sw, "(no target)", None)

    header = ("command", "wall s", "cpu s", "peak MB", "target", "status")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(6)]
    line = "  ".join(h.ljust(w) if i in (0, 4) else h.rjust(w)
                     for i, (h, w) in enumerate(zip(header, widths, strict=True)))  # fmt: skip
    print()
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) if i in (0, 4) else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))))  # fmt: skip
    if ratio is not None:
        print(f"\nPSPP / surveykit wall time: {ratio:.1f}x (target >= {TARGET_RATIO:g}x); "
              f"peak memory {sk.max_rss_mb:.0f} MB vs {ps.max_rss_mb:.0f} MB")  # fmt: skip
    if "surveykit_models" in runs:
        sm = runs["surveykit_models"]
        print(f"10 regressions: {sm.wall_s / sk.wall_s:.2f}x the wall time and "
              f"{sm.cpu_s / sk.cpu_s:.2f}x the CPU time without them "
              f"(target <= {TARGET_MODELS:g}x)")  # fmt: skip
    if "surveykit_5x" in runs:
        print(f"5x respondents took {runs['surveykit_5x'].wall_s / sk.wall_s:.2f}x the time "
              f"(target <= {TARGET_LINEAR}x)")  # fmt: skip

    out = args.data / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "n": args.n,
                "runs": {k: asdict(v) for k, v in runs.items()},
                "pspp_over_surveykit": ratio,
                "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nfigures written to {out}")
    return 0 if all(r.exit_code == 0 for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
