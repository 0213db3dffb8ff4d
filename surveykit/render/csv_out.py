"""One CSV file per report table, in a folder, safe to open in a spreadsheet.

Cells are the report's displayed values (same rounding as every other format).
Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with ``'``; numbers,
including negative ones such as ``-0.53``, are written unchanged so they stay numeric.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from pathlib import Path

from surveykit.errors import SurveyError
from surveykit.files import cannot_write, make_folder
from surveykit.render.document import Report, ReportTable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def neutralise(cell: str) -> str:
    """``cell`` made inert for spreadsheets: formula-like text gets a leading ``'``."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def table_filename(table: ReportTable) -> str:
    """``table01_respondents.csv``-style name: number first so files sort in report order."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", table.id).strip("_").lower() or "table"
    return f"table{table.number:02d}_{slug}.csv"


def table_csv(table: ReportTable) -> str:
    """One table as CSV text: a header row then the rows, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([neutralise(c) for c in row])
    return buffer.getvalue()


_OWN_FILE = re.compile(r"table\d{2,}_[a-z0-9_]+\.csv")


def write_csv_folder(report: Report, output: Path) -> list[Path]:
    """Write every table of ``report`` into the folder ``output``; returns the files.

    The files are written to a temporary folder beside ``output`` and moved in
    one by one with ``os.replace`` (via ``Path.replace``), so each file appears whole.
    Files named like a report table (``tableNN_<id>.csv``) that this report does
    not write, left by an earlier and longer report, are then removed; other
    files in the folder are never touched. An ``OSError`` becomes a
    :class:`SurveyError` ``cannot write: <reason>``.
    """
    output = Path(output)
    try:
        if output.exists() and not output.is_dir():
            raise SurveyError(f"--format csv writes a folder of files; {output} is a file")
        if not output.parent.exists():
            raise SurveyError(f"folder {output.parent} does not exist")
    except OSError as exc:
        raise cannot_write(exc, output) from exc
    make_folder(output)
    written = []
    where = output
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    except OSError as exc:
        raise cannot_write(exc, output) from exc
    try:
        for table in report.all_tables:
            name = table_filename(table)
            where = output / name
            # utf-8-sig so that Excel detects the encoding of labels such as "η²" or "Café".
            (staging / name).write_text(table_csv(table), encoding="utf-8-sig", newline="")
            (staging / name).replace(output / name)
            written.append(output / name)
        names = {p.name for p in written}
        for old in output.iterdir():
            if _OWN_FILE.fullmatch(old.name) and old.name not in names and old.is_file():
                where = old
                old.unlink()
    except OSError as exc:
        raise cannot_write(exc, where) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
