"""Shared result plumbing: JSON-able conversion and small value types used by several tests."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar

import numpy as np


def to_plain(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and dataclasses to plain JSON data; NaN/inf -> None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    return value


class Result:
    """Mixin for result dataclasses: a ``kind`` tag and ``to_dict()``."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (floats unrounded, NaN as None) with ``kind`` first."""
        data = to_plain(self)
        return {"kind": self.kind, **data}


@dataclasses.dataclass(frozen=True)
class FTest:
    """An F statistic with its degrees of freedom (df2 may be fractional for robust tests)."""

    F: float
    df1: float
    df2: float
    p: float


@dataclasses.dataclass(frozen=True)
class GroupDescriptives:
    """Per-group summary; ``sd``/``se``/``ci95`` are None when n < 2."""

    label: str
    n: int
    mean: float
    sd: float | None
    se: float | None
    ci95: tuple[float, float] | None
    min: float
    max: float


@dataclasses.dataclass(frozen=True)
class RankGroup:
    """Per-group summary for rank tests."""

    label: str
    n: int
    mean_rank: float
    sum_ranks: float
    median: float
