"""The date a report is stamped with: today, or SOURCE_DATE_EPOCH for reproducible builds.

SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/) is the
standard variable build tools read to make their output byte-for-byte repeatable;
the snapshot tests and the docs examples set it so a report's date never changes.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from surveykit.errors import SurveyError


def report_date() -> date:
    """SOURCE_DATE_EPOCH's date (UTC) when the variable is set, else today's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return date.today()
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    except (ValueError, OverflowError, OSError):
        raise SurveyError(
            f"SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01, got {epoch!r}"
        ) from None
