"""Statistics layer: pure functions on numpy arrays returning frozen result dataclasses.

Nothing here prints, formats or rounds; results carry unrounded floats and ``to_dict()``
gives plain JSON-able data. Problems that make a test impossible raise
:class:`surveykit.errors.StatisticsError`; recoverable ones go into ``notes``.
"""

from ._results import FTest, GroupDescriptives, RankGroup
from .crosstab import (
    CellStatistics,
    ChiSquareResult,
    YatesResult,
    cell_statistics,
    chisq_independence,
)
from .descriptive import NumericSummary, describe_numeric
from .multicomp import PairComparison, adjust_pvalues
from .nonparametric import KruskalResult, MannWhitneyResult, kruskal_wallis, mann_whitney
from .parametric import AnovaResult, TStat, TTestResult, oneway_anova, ttest_ind
from .precision import exact_centre, needs_centring
from .reliability import AlphaResult, ItemTotal, cronbach_alpha

__all__ = [
    "AlphaResult",
    "AnovaResult",
    "CellStatistics",
    "ChiSquareResult",
    "FTest",
    "GroupDescriptives",
    "ItemTotal",
    "KruskalResult",
    "MannWhitneyResult",
    "NumericSummary",
    "PairComparison",
    "RankGroup",
    "TStat",
    "TTestResult",
    "YatesResult",
    "adjust_pvalues",
    "cell_statistics",
    "chisq_independence",
    "cronbach_alpha",
    "describe_numeric",
    "exact_centre",
    "kruskal_wallis",
    "mann_whitney",
    "needs_centring",
    "oneway_anova",
    "ttest_ind",
]
