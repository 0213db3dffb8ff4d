"""Edge cases: impossible tests raise StatisticsError with an actionable message; the
recoverable ones are reported in ``notes``; ``to_dict`` is strict JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from surveykit.errors import StatisticsError, SurveyError
from surveykit.stats import (
    adjust_pvalues,
    chisq_independence,
    cronbach_alpha,
    describe_numeric,
    kruskal_wallis,
    mann_whitney,
    oneway_anova,
    ttest_ind,
)

NAN = float("nan")


def test_statistics_error_is_a_survey_error():
    assert issubclass(StatisticsError, SurveyError)


def test_ttest_group_with_one_value():
    with pytest.raises(StatisticsError) as e:
        ttest_ind([1, 2, 3], [2], labels=("Yes", "No"))
    assert e.value.message == "group 'No' has n = 1; a t-test needs at least 2 values per group"


def test_ttest_zero_variance_everywhere():
    with pytest.raises(StatisticsError) as e:
        ttest_ind([3, 3, 3], [2, 2], labels=("Yes", "No"))
    assert e.value.message == (
        "all values are identical in every group (zero variance); t is undefined"
    )


def test_ttest_one_level_and_all_missing():
    with pytest.raises(StatisticsError) as e:
        ttest_ind([1, 2, 3], [NAN, NAN], labels=("Yes", "No"))
    assert e.value.message == "grouping has only one level ('Yes')"
    with pytest.raises(StatisticsError) as e:
        ttest_ind([NAN], [NAN])
    assert e.value.message == "no non-missing values"


def test_ttest_zero_variance_in_one_group_is_fine():
    res = ttest_ind([3, 3, 3, 3], [1, 2, 3, 3], labels=("Yes", "No"))
    assert res.t > 0 and res.levene is not None
    json.dumps(res.to_dict(), allow_nan=False)


def test_anova_errors():
    with pytest.raises(StatisticsError) as e:
        oneway_anova([[1, 2], [NAN]], ["Yes", "No"])
    assert e.value.message == "grouping has only one level ('Yes')"
    with pytest.raises(StatisticsError) as e:
        oneway_anova([[4, 4], [5, 5, 5]], ["Yes", "No"])
    assert e.value.message == (
        "all values are identical in every group (zero variance); F is undefined"
    )
    with pytest.raises(StatisticsError) as e:
        oneway_anova([[NAN], []], ["a", "b"])
    assert e.value.message == "no non-missing values"


def test_anova_small_group_goes_to_notes():
    res = oneway_anova([[1, 2, 3], [2, 4, 5, 6], [9]], ["a", "b", "c"])
    assert res.welch is None and res.brown_forsythe is None
    assert "group 'c' has n = 1; left out of Games-Howell comparisons" in res.notes
    assert any(n.startswith("Welch and Brown-Forsythe tests not computed") for n in res.notes)
    assert len(res.posthoc["tukey"]) == 3 and len(res.posthoc["games_howell"]) == 1
    d = res.to_dict()
    assert d["kind"] == "anova" and d["groups"][2]["sd"] is None
    json.dumps(d, allow_nan=False)


def test_anova_empty_group_dropped_with_note():
    res = oneway_anova([[1, 2, 3], [NAN], [4, 5, 7]], ["a", "b", "c"])
    assert [g.label for g in res.groups] == ["a", "c"]
    assert "group 'b' has no non-missing values and was left out" in res.notes


def test_rank_tests_errors():
    with pytest.raises(StatisticsError) as e:
        mann_whitney([2, 2], [2, 2, 2], labels=("Yes", "No"))
    assert "all values are identical" in e.value.message
    with pytest.raises(StatisticsError) as e:
        kruskal_wallis([[1, 2], []], ["Yes", "No"])
    assert e.value.message == "grouping has only one level ('Yes')"


def test_chisq_errors_and_notes():
    with pytest.raises(StatisticsError) as e:
        chisq_independence([[3, 4]], ["Yes"], ["a", "b"])
    assert e.value.message == "row variable has only one level ('Yes')"
    with pytest.raises(StatisticsError) as e:
        chisq_independence([[3, 0, 4], [2, 0, 5]], ["Yes", "No"], ["a", "b", "c"])
    assert e.value.message == "column 'b' has no observations; drop that level before testing"
    res = chisq_independence([[30, 20, 10], [25, 25, 15]], ["Yes", "No"], ["a", "b", "c"])
    assert res.notes == () and res.fisher_p is None
    json.dumps(res.to_dict(), allow_nan=False)


def test_describe():
    with pytest.raises(StatisticsError) as e:
        describe_numeric([NAN, NAN])
    assert e.value.message == "no non-missing values"
    res = describe_numeric([5.0, NAN])
    assert (res.n, res.missing, res.sd) == (1, 1, None)
    assert res.notes == ("n = 1; the standard deviation needs at least 2 values",)
    assert res.to_dict()["kind"] == "describe"


def test_alpha_errors():
    with pytest.raises(StatisticsError) as e:
        cronbach_alpha([[1, NAN], [NAN, 2]])
    assert e.value.message == "no respondent answered every item (listwise complete)"
    res = cronbach_alpha([[1, 2, 2], [2, 3, 3], [3, 3, 5], [NAN, 1, 1]], ["a", "b", "c"])
    assert res.n == 3
    assert res.notes == ("1 respondents with a missing item were left out (listwise)",)


def test_adjust_pvalues_checks():
    assert adjust_pvalues([0.2, 0.01], "none") == [0.2, 0.01]
    with pytest.raises(StatisticsError):
        adjust_pvalues([0.2, NAN], "holm")
    with pytest.raises(StatisticsError):
        adjust_pvalues([0.2], "sidak")  # type: ignore[arg-type]


def test_to_dict_has_no_numpy_types():
    res = ttest_ind(np.array([1.0, 2.0, 4.0]), np.array([3.0, 5.0, 6.0, 8.0]))
    d = res.to_dict()

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        else:
            assert v is None or type(v) in (int, float, str, bool), type(v)

    walk(d)
    assert d["kind"] == "t-test" and isinstance(d["ci95"], list)
