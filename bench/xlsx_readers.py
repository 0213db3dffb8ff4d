"""Time python-calamine against openpyxl reading a 50,000-row Microsoft Forms-shaped sheet.

Writes ``bench/data/xlsx/50k.xlsx`` once (with openpyxl: ID, two date-times, e-mail,
name, numbers, five Likert answers, a select-all cell, a comment), then reads it in
fresh child processes, alternating the readers, and prints wall and CPU seconds. CPU
time is the fairer figure on a shared machine. Needs the test extras (openpyxl)::

    python bench/xlsx_readers.py [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILE = HERE / "data" / "xlsx" / "50k.xlsx"
ROWS = 50_000

READ = {
    "python-calamine": (
        "from python_calamine import CalamineWorkbook\n"
        "rows = CalamineWorkbook.from_path(PATH).get_sheet_by_name('Form1')"
        ".to_python(skip_empty_area=False)"
    ),
    "openpyxl (read_only)": (
        "from openpyxl import load_workbook\n"
        "book = load_workbook(PATH, read_only=True, data_only=True)\n"
        "rows = [list(r) for r in book['Form1'].iter_rows(values_only=True)]"
    ),
    "surveykit read_sheet (calamine + cell texts + Table)": (
        "from pathlib import Path\n"
        "from surveykit.ingest.readers import read_sheet\n"
        "rows = [None] * (read_sheet(Path(PATH), None).rows + 1)"
    ),
}
TIMER = """
import time
t, c = time.perf_counter(), time.process_time()
PATH = {path!r}
{body}
assert len(rows) == {rows} + 1, len(rows)
print(time.perf_counter() - t, time.process_time() - c)
"""


def make(path: Path) -> None:
    from openpyxl import Workbook

    random.seed(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Form1")
    likert = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
              "Strongly agree"]  # fmt: skip
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "Age", "Dept", "Q1",
                  "Q2", "Q3", "Q4", "Q5", "Which would help?", "Comment", "Years"])  # fmt: skip
    start = dt.datetime(2024, 3, 1, 9)
    for i in range(ROWS):
        began = start + dt.timedelta(minutes=i)
        sheet.append(
            [i + 1, began, began + dt.timedelta(minutes=7), f"p{i}@example.org", f"P {i}",
             random.randint(18, 70), random.choice("ABC"), *(random.choice(likert) for _ in range(5)),
             "Pay;Staff;" if i % 2 else "Parking;", "fine" if i % 7 == 0 else None,
             round(random.random() * 30, 1)]
        )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not FILE.exists():
        make(FILE)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in READ}
    for _ in range(args.runs):
        for name, body in READ.items():
            code = TIMER.format(path=str(FILE), body=body, rows=ROWS)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout  # fmt: skip
            wall, cpu = map(float, out.split())
            times[name].append((wall, cpu))
    print(f"{FILE.name}: {ROWS:,} rows x 15 columns, {FILE.stat().st_size / 1e6:.1f} MB")
    print(f"{'reader':55} {'wall s (median)':>16} {'CPU s (median)':>15}")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:55} {wall:16.2f} {cpu:15.2f}")


if __name__ == "__main__":
    main()
