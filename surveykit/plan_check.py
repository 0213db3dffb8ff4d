"""The plan's ``check:`` section: what ``surveykit check`` compares besides the plain run.

``check: {split: dept, min_cell: 35}`` asks ``check`` to run ``report --split dept
--min-cell 35`` as well and compare every unit's report and the index with the
survey's ``expected/split-dept/`` (see :mod:`surveykit.check`). Parsed here, with
the plan's line in every message, so the plan only dispatches the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveykit.errors import SurveyError
from surveykit.questionnaire import Questionnaire
from surveykit.yamlio import Mapping, reject_unknown_keys

SPLIT_FOLDER = "split-{item}"
"""The folder of ``expected/`` that holds one split's reports and index."""


@dataclass(frozen=True)
class SplitCheck:
    """``report --split item`` checked against ``expected/split-ITEM/`` (``min_cell``: as
    ``--min-cell``; None: the plan's ``report.min_cell``)."""

    item: str
    min_cell: int | None = None
    line: int = 0

    @property
    def folder(self) -> str:
        return SPLIT_FOLDER.format(item=self.item)


def parse_check(doc: Mapping, questionnaire: Questionnaire) -> tuple[SplitCheck, ...]:
    """The ``check:`` section of a plan: ``{split: ITEM or [ITEM, ...], min_cell: N}``."""
    raw = doc.get("check")
    if raw is None:
        return ()
    line = doc.line_of("check")
    if not isinstance(raw, Mapping):
        raise SurveyError(
            "'check:' must be a mapping such as {split: dept, min_cell: 5}", line=line
        )
    reject_unknown_keys(raw, {"split", "min_cell"}, "check")
    min_cell = raw.get("min_cell")
    if min_cell is not None and (
        isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 2
    ):
        raise SurveyError(
            f"check.min_cell must be a whole number of at least 2, got {min_cell!r}",
            line=raw.line_of("min_cell"),
        )
    split = raw.get("split")
    split_line = raw.line_of("split") if "split" in raw else line
    items = split if isinstance(split, list) else [split] if split is not None else []
    out: list[SplitCheck] = []
    for item_id in items:
        if not isinstance(item_id, str) or not questionnaire.has(item_id):
            import difflib

            ids = [i.id for i in questionnaire.items]
            close = difflib.get_close_matches(str(item_id), ids, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise SurveyError(f"check.split: {item_id!r} is not an item id{hint}", line=split_line)
        item = questionnaire.item(item_id)
        if item.type not in ("single", "ordinal"):
            raise SurveyError(
                f"check.split: {item_id!r} is a {item.type} item; split by a single or ordinal "
                "item (e.g. a department or ward)",
                line=split_line,
            )
        if any(s.item == item_id for s in out):
            raise SurveyError(f"check.split: {item_id!r} is named twice", line=split_line)
        out.append(SplitCheck(item_id, min_cell, split_line))
    if not out:
        raise SurveyError(
            "'check:' names no item to split by; give split: ITEM (e.g. split: dept)", line=line
        )
    return tuple(out)
