"""`surveykit analyze` on the Singapore sample reproduces the paper's published figures.

Expected values are the paper's (Chua & Himawan 2025, Tables 1–10 and section 3),
read from surveys/singapore_pss/published.yaml — a copy of the transcription in
shared/reference — and compared at the precision the paper prints. Figures the
paper contradicts (its `notes:`; see surveys/singapore_pss/AUDIT.md) are not
asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

SURVEY = Path(__file__).resolve().parent.parent / "surveys" / "singapore_pss"
PUB = yaml.safe_load((SURVEY / "published.yaml").read_text(encoding="utf-8"))

TABLE1_ITEMS = {
    "sex": "sex",
    "ethnic_group": "ethnicity",
    "profession": "profession",
    "work_arrangement": "work_arrangement",
    "managerial_role": "managerial_role",
    "work_setting": "work_setting",
    "pss_at_workplace": "pss_at_workplace",
    "number_of_pss": "number_of_pss",
}
ITEMS = {
    "accept_pss_as_profession": "accept_pss",
    "willing_to_work_with_pss": "willing_pss",
    "years_experience_mental_health_clients": "years_experience",
    "pss_where_you_work": "pss_where_you_work",
    "age": "age",
    "pss_at_workplace": "pss_at_workplace",
}
MULTI_TABLES = {
    "table5_benefits": "table5",
    "table6_role": "table6",
    "table8_challenges": "table8",
    "table9_strategies": "table9",
    "table10_supervision": "table10",
}


@pytest.fixture(scope="module")
def doc() -> dict:
    import contextlib
    import io
    import sys

    from surveykit.cli import main

    out = io.StringIO()
    argv, sys.argv = sys.argv, ["surveykit", "analyze", str(SURVEY / "responses.csv"), "-f", "json"]
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main()
    finally:
        sys.argv = argv
    return json.loads(out.getvalue())


def table(doc: dict, table_id: str) -> dict:
    return next(t for t in doc["tables"] if t["id"] == table_id)


def sections(t: dict) -> dict[str, list[list]]:
    """Rows of a block table under each item id (headings appear in `items` order)."""
    out: dict[str, list[list]] = {}
    heads = iter(t["items"])
    current = None
    for row, kind in zip(t["rows"], t["row_kinds"], strict=True):
        if kind == "heading":
            current = next(heads)
            out[current] = []
        else:
            out[current].append(row)
    return out


def printed(value: float, like: float) -> float:
    """``value`` rounded to as many decimals as the paper printed ``like`` with."""
    text = repr(float(like))
    decimals = len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0
    return round(value + 1e-12, decimals)


def test_respondents(doc) -> None:
    study = PUB["study"]
    assert doc["respondents"] == {"received": 62, "excluded": 3, "analysed": study["analysed"]}
    reasons = [e["reason"] for e in doc["exclusions"]]
    assert reasons == [x["reason"] for x in study["excluded"]]


@pytest.mark.parametrize("key", sorted(TABLE1_ITEMS))
def test_table1_counts_and_percents(doc, key) -> None:
    rows = {r[0]: r for r in sections(table(doc, "table1"))[TABLE1_ITEMS[key]]}
    for label, figure in PUB["table1_demographics"][key].items():
        _, n, pct, *_ = rows[label]
        assert n == figure["n"], label
        assert printed(pct, figure["pct"]) == figure["pct"], label


@pytest.mark.parametrize(
    ("key", "item", "fields"),
    [
        ("age_years", "age", ("n", "mean", "sd", "min", "max", "range")),
        (
            "years_experience_mental_health_clients",
            "years_experience",
            ("n", "mean", "sd", "min", "max", "range"),
        ),
        # min/max/range printed for this row are years of experience (AUDIT.md), not years with PSS
        ("years_working_with_pss", "years_with_pss", ("n", "mean", "sd")),
    ],
)
def test_table1_numbers(doc, key, item, fields) -> None:
    t = table(doc, "table1")
    (row, *_) = sections(t)[item]
    cell = dict(zip(t["columns"], row, strict=True))
    n, mean, sd, lo, hi = (cell[c] for c in ("n", "Mean", "SD", "Min", "Max"))
    ours = {"n": n, "mean": mean, "sd": sd, "min": lo, "max": hi, "range": hi - lo}
    figure = PUB["table1_demographics"][key]
    for field in fields:
        assert printed(ours[field], figure[field]) == figure[field], field


@pytest.mark.parametrize(
    ("key", "item"),
    [("accept_pss_as_profession", "accept_pss"), ("willing_to_work_with_pss", "willing_pss")],
)
def test_table2(doc, key, item) -> None:
    rows = {r[0]: r for r in sections(table(doc, "table2"))[item]}
    for label, figure in PUB["table2_attitudes"][key].items():
        assert rows[label][1] == figure["n"]
        assert printed(rows[label][2], figure["pct"]) == figure["pct"]


@pytest.mark.parametrize("key", sorted(MULTI_TABLES))
def test_multi_select_tables(doc, key) -> None:
    t = table(doc, MULTI_TABLES[key])
    rows = {r[0]: r for r in t["rows"]}
    # Most chosen first, as in the paper; Others always last (the paper's Table 10 sorts it in).
    assert [x for x in rows if x != "Others"] == [x for x in PUB[key] if x != "Others"]
    assert list(rows)[-1] == "Others"
    for label, figure in PUB[key].items():
        assert rows[label][1] == figure["n"], label
        assert printed(rows[label][2], figure["pct"]) == figure["pct"], label


CROSSTABS = [
    ("table3_acceptance_by_pss_presence", "table3"),
    ("table4_willingness_by_pss_presence", "table4"),
    ("table7_pss_where_you_work_by_pss_presence", "table7"),
]
HALVES = (("with_pss", "Yes"), ("without_pss", "No"))  # the paper's half → PSS at workplace


def cell(t: dict, answer: str, column: str):
    """The value in the row of ``answer`` under the column named ``column`` ("Yes: n")."""
    row = next(r for r in t["rows"] if r[0] == answer)
    return row[t["columns"].index(column)]


@pytest.mark.parametrize(("key", "table_id"), CROSSTABS)
def test_crosstab_in_the_papers_layout(doc, key, table_id) -> None:
    t = table(doc, table_id)
    # The answers as rows in the paper's order, then the Total row.
    assert [r[0] for r in t["rows"]] == ["Yes", "Maybe", "No", "Total"]
    assert t["row_kinds"] == ["data", "data", "data", "total"]
    # The two halves side by side (with PSS, without PSS), then the Total column.
    spanners = [r.get("spanner") for r in t["column_roles"]]
    assert list(dict.fromkeys(s for s in spanners if s)) == ["Yes", "No", "Total"]
    assert t["column_roles"][t["columns"].index("Yes: n")]["label"] == "n"


@pytest.mark.parametrize(("key", "table_id"), CROSSTABS)
def test_crosstab_cell_counts(doc, key, table_id) -> None:
    t = table(doc, table_id)
    published = PUB[key]
    for half, column in HALVES:
        for answer, figure in published[half].items():
            if key.startswith("table3") and half == "without_pss" and answer == "No":
                continue  # the paper prints n = 2 but its M/SD are of all three "No" (notes)
            assert cell(t, answer, f"{column}: n") == figure["n"], (half, answer)
    for answer, figure in published.get("totals", {}).items():
        # Table 7's totals (Yes 38, 64.4 %; Maybe 18, 30.5 %; No 3, 5.08 %) are its Total column.
        assert cell(t, answer, "Total: n") == figure["n"]
        assert printed(cell(t, answer, "Total: %"), figure["pct"]) == figure["pct"]
    assert cell(t, "Total", "Total: n") == 59


@pytest.mark.parametrize("index", range(8))
def test_published_tests(doc, index) -> None:
    figure = PUB["tests"][index]
    ours = doc["tests"][index]
    assert ours["dv"] == ITEMS[figure["dv"]] and ours["by"] == ITEMS[figure["by"]]
    if figure["kind"] == "t-test":
        assert round(ours["t"], 3) == figure["t"]
        assert ours["df"] == figure["df"]
    else:
        assert round(ours["F"], 3) == figure["F"]
        assert (ours["df1"], ours["df2"]) == (figure["df1"], figure["df2"])
    assert round(ours["p"], 3) == figure["p"]


# Group statistics of Tables 3, 4 and 7 that the paper prints consistently. In the
# "with PSS" half the range is of years_experience and M/SD of years_with_pss; the
# cells left out are contradictions listed in published.yaml `notes:` and AUDIT.md.
CELL_STATS = [
    ("table3_acceptance_by_pss_presence", "table3", "with_pss", "Yes"),
    ("table3_acceptance_by_pss_presence", "table3", "with_pss", "Maybe"),
    ("table4_willingness_by_pss_presence", "table4", "without_pss", "Yes"),
    ("table4_willingness_by_pss_presence", "table4", "without_pss", "Maybe"),
    ("table4_willingness_by_pss_presence", "table4", "without_pss", "No"),
    ("table7_pss_where_you_work_by_pss_presence", "table7", "without_pss", "No"),
]


@pytest.mark.parametrize(("key", "table_id", "half", "answer"), CELL_STATS)
def test_crosstab_group_statistics(doc, key, table_id, half, answer) -> None:
    column = "Yes" if half == "with_pss" else "No"
    t = table(doc, table_id)
    # (1) years of experience with mental-health clients, (2) years working with PSS.
    assert "(1) Duration of work experience with clients with mental health conditions" in " ".join(
        t["notes"]
    )
    item = "(2)" if half == "with_pss" else "(1)"
    lo, hi = cell(t, answer, f"{column}: Range (1)")
    figure = PUB[key][half][answer]
    ours = {
        "mean": cell(t, answer, f"{column}: M {item}"),
        "sd": cell(t, answer, f"{column}: SD {item}"),
        "min": lo, "max": hi, "range": hi - lo,
    }  # fmt: skip
    for field in ("mean", "sd", "min", "max", "range"):
        if field not in figure:
            continue
        if ours[field] is None:  # the SD of one value: undefined; the paper prints 0
            assert field == "sd" and figure[field] == 0
            continue
        assert printed(ours[field], figure[field]) == figure[field], field


# The paper's "without PSS" M/SD of Table 7 are those of everyone giving the answer
# (AUDIT.md): the Total column's.
@pytest.mark.parametrize("answer", ["Yes", "Maybe", "No"])
def test_table7_without_pss_statistics_are_the_total_columns(doc, answer) -> None:
    t = table(doc, "table7")
    figure = PUB["table7_pss_where_you_work_by_pss_presence"]["without_pss"][answer]
    for field, name in (("mean", "Total: M (1)"), ("sd", "Total: SD (1)")):
        assert printed(cell(t, answer, name), figure[field]) == figure[field], field
