"""One CSV file per report table, in a folder, safe to open in a spreadsheet.

Cells are the report's displayed values (same rounding as every other format).
Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with ``'``; numbers,
including negative ones such as ``-0.53``, are written unchanged so they stay numeric.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from pathlib import Path

from surveykit.errors import SurveyError
from surveykit.files import MANIFEST, check_output_folder, guard_target, make_folder, write_files
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


def write_csv_folder(report: Report, output: Path) -> list[Path]:
    """Write every table of ``report`` into the folder ``output``; returns the files.

    ``output`` must be new, empty, or a folder surveykit wrote before (it holds
    the manifest ``.surveykit-manifest.json`` listing the files written). Only
    files listed there are replaced or removed: a file of the same name that
    surveykit did not write, and any input of the run, is refused before
    anything is written. The new set of files (tables and manifest) is switched
    in as a whole (see :func:`surveykit.files.write_files`): an interrupt leaves
    the previous set. An ``OSError`` becomes ``cannot write: <reason>``.
    """
    output = Path(output)
    listed = check_output_folder(output)
    files: dict[Path, bytes | str] = {}
    for table in report.all_tables:
        # utf-8-sig so that Excel detects the encoding of labels such as "η²" or "Café".
        files[output / table_filename(table)] = ("\ufeff" + table_csv(table)).encode("utf-8")
    tables = list(files)
    names = [p.name for p in tables]
    for path in files:
        if path.name not in listed and path.exists():
            raise SurveyError(
                f"the folder already holds {path.name}, which surveykit did not write; "
                "give a new or empty folder",
                file=output,
            )
    manifest_doc = {"written_by": "surveykit report --format csv", "files": names}
    files[output / MANIFEST] = json.dumps(manifest_doc, indent=1) + "\n"
    stale = [output / n for n in sorted(listed - set(names)) if (output / n).is_file()]
    for path in stale:
        guard_target(path)
    created = make_folder(output)
    try:
        write_files(files, remove=stale)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                output.rmdir()
        raise
    return tables
