#!/usr/bin/env python3
"""Reconstruct the responses of the Singapore PSS survey from its published figures.

Chua SY, Himawan K (2025), Discover Mental Health 5:1 never published its raw
data. This script searches for a Google-Forms-style export (``responses.csv``)
that reproduces the published figures transcribed in ``published.yaml``, then
audits every figure against the file it wrote (``AUDIT.md``).

The search is deterministic (fixed seed, integer arithmetic, no wall-clock or
hash-order dependence):

1. categorical columns are built exactly from the published counts, with a
   fixed joint design of the attitude answers x PSS at workplace (the counts
   of Tables 2, 3, 4 and 7 are met by construction; the t-tests follow);
2. years of experience (half-year steps), years with PSS and ages (whole years)
   are found by an integer search: a small mixed-integer program over
   "cells" of respondents who share all their grouping answers (group sums and
   sums of squares are linear in the cell totals, so means, SDs and one-way
   ANOVA F values become linear constraints once the group sums are fixed),
   solved with HiGHS (scipy.optimize.milp), followed by a seeded integer local
   search that realises each cell's total and sum of squares;
3. everything is re-read from the written CSV and checked with numpy/scipy.

Usage: reconstruct.py [--out DIR]   (default: this script's directory)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import yaml
from scipy import stats
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

HERE = Path(__file__).resolve().parent
SEED = 20230801
N = 59

YES, MAYBE, NO = 3, 2, 1
ANS = {YES: "Yes", MAYBE: "Maybe", NO: "No"}

# ----------------------------------------------------------------------------
# Published targets
# ----------------------------------------------------------------------------


class Printed:
    """A number as printed: value and number of decimals."""

    def __init__(self, text: str):
        self.text = str(text).strip()
        self.value = float(self.text)
        self.dec = len(self.text.split(".")[1]) if "." in self.text else 0

    def fmt(self, x: float) -> str:
        return f"{x:.{self.dec}f}"

    def match(self, x: float | None) -> bool:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return False
        return abs(float(self.fmt(x)) - self.value) < 1e-9

    def __str__(self) -> str:
        return self.text


def load_published() -> dict:
    # BaseLoader keeps every scalar as the printed string (22.0 stays "22.0").
    return yaml.load((HERE / "published.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def load_questionnaire() -> dict:
    return yaml.safe_load((HERE / "questionnaire.yaml").read_text(encoding="utf-8"))


def interval(value: float, dec: int) -> tuple[float, float]:
    """Values that print as `value` at `dec` decimals (with a safety margin)."""
    h = 0.5 * 10.0**-dec
    m = h * 1e-3
    return value - h + m, value + h - m


def f_interval(F: Printed, p: Printed, df1: int, df2: int) -> tuple[float, float]:
    lo, hi = interval(F.value, F.dec)
    plo, phi = interval(p.value, p.dec)
    return max(lo, stats.f.isf(phi, df1, df2)), min(hi, stats.f.isf(plo, df1, df2))


def sum_window(n: int, mean: Printed, unit: float) -> tuple[int, int]:
    lo, hi = interval(mean.value, mean.dec)
    return math.ceil(lo * n / unit), math.floor(hi * n / unit)


def sq_window(n: int, s: int, sd: Printed, unit: float) -> tuple[int, int]:
    """Sum of squares (in units) giving sample SD `sd` for n values summing to s."""
    lo, hi = interval(sd.value, sd.dec)
    lo, hi = lo / unit, hi / unit
    return (
        math.ceil((s * s + n * (n - 1) * lo * lo) / n),
        math.floor((s * s + n * (n - 1) * hi * hi) / n),
    )


def q_window_for_f(groups: list[tuple[int, int]], total: int, F: Printed, p: Printed):
    """Total sum of squares for which the one-way ANOVA F (given group sums) prints as F/p."""
    k = len(groups)
    n = sum(g[1] for g in groups)
    flo, fhi = f_interval(F, p, k - 1, n - k)
    sb = sum(s * s / m for s, m in groups)
    ssb = sb - total * total / n
    c = (n - k) / (k - 1)
    return sb + c * ssb / fhi, sb + c * ssb / flo


# ----------------------------------------------------------------------------
# Integer search: cell-level MILP + realisation
# ----------------------------------------------------------------------------


class CellModel:
    """Integer values per respondent; constraints on group sums / sums of squares.

    Respondents sharing a cell id belong to exactly the same constrained groups.
    Cells with >= 5 free members are represented by their total S and sum of
    squares Q (Q >= S^2/m via tangent cuts, Q <= (lo+hi)S - m*lo*hi, parity);
    smaller cells by one-hot value variables.
    """

    def __init__(self, cells, lo, hi):
        self.cells = np.asarray(cells)
        self.lo = np.asarray(lo, dtype=np.int64)
        self.hi = np.asarray(hi, dtype=np.int64)
        self.cons: list = []

    def add(self, mask, kind, lo, hi, weight=None):
        self.cons.append((np.asarray(mask, bool), kind, lo, hi, weight))

    def solve(self):
        pinned = self.lo == self.hi
        agg, onehot = {}, {}
        for c in sorted(set(self.cells.tolist())):
            free = [int(i) for i in np.flatnonzero(self.cells == c) if not pinned[i]]
            if len(free) >= 5:
                agg[c] = free
            else:
                for i in free:
                    onehot[i] = list(range(int(self.lo[i]), int(self.hi[i]) + 1))
        nv = 0
        var_of = {}
        for i, vals in onehot.items():
            for v in vals:
                var_of[(i, v)] = nv
                nv += 1
        aggv = {}
        for c in agg:
            aggv[c] = (nv, nv + 1, nv + 2)
            nv += 3
        nsoft = sum(1 for c in self.cons if c[4] is not None)
        soft0 = nv
        nv += 2 * nsoft
        rows, rlo, rhi = [], [], []

        def row(entries, lo, hi):
            rows.append(entries)
            rlo.append(lo)
            rhi.append(hi)

        for i, vals in onehot.items():
            row({var_of[(i, v)]: 1.0 for v in vals}, 1, 1)
        for c, free in agg.items():
            s, q, k = aggv[c]
            m = len(free)
            lo_, hi_ = int(self.lo[free].min()), int(self.hi[free].max())
            row({s: 1.0}, int(self.lo[free].sum()), int(self.hi[free].sum()))
            row({q: 1.0, s: -1.0, k: -2.0}, 0, 0)  # x^2 = x (mod 2)
            row({q: 1.0, s: -float(lo_ + hi_)}, -np.inf, -m * lo_ * hi_ - 2 * (hi_ - lo_))
            for s0 in np.linspace(self.lo[free].sum(), self.hi[free].sum(), 40):
                row({q: 1.0, s: -2.0 * s0 / m}, -s0 * s0 / m + 3 * m + 4, np.inf)
        si = 0
        for mask, kind, lo, hi, w in self.cons:
            e, const = {}, 0
            for i in np.flatnonzero(mask):
                i = int(i)
                if pinned[i]:
                    const += int(self.lo[i]) if kind == "S" else int(self.lo[i]) ** 2
                elif i in onehot:
                    for v in onehot[i]:
                        e[var_of[(i, v)]] = v if kind == "S" else v * v
            for c, free in agg.items():
                inside = [i for i in free if mask[i]]
                if inside:
                    assert len(inside) == len(free), "a group must contain whole cells"
                    e[aggv[c][0 if kind == "S" else 1]] = 1.0
            if w is not None:
                e[soft0 + 2 * si] = 1.0
                e[soft0 + 2 * si + 1] = -1.0
                si += 1
            row(e, lo - const, hi - const)
        ri, ci, vi = [], [], []
        for r, e in enumerate(rows):
            for col, val in sorted(e.items()):
                ri.append(r)
                ci.append(col)
                vi.append(float(val))
        A = coo_matrix((vi, (ri, ci)), shape=(len(rows), nv)).tocsr()
        cost = np.zeros(nv)
        integ = np.ones(nv)
        lb = np.zeros(nv)
        ub = np.ones(nv)
        for c in aggv:
            ub[list(aggv[c])] = np.inf
        si = 0
        for _mask, _kind, _lo, _hi, w in self.cons:
            if w is not None:
                j = soft0 + 2 * si
                cost[j] = cost[j + 1] = w
                integ[j : j + 2] = 0
                ub[j : j + 2] = np.inf
                si += 1
        res = milp(
            cost,
            constraints=LinearConstraint(A, rlo, rhi),
            integrality=integ,
            bounds=Bounds(lb, ub),
            options={"disp": False, "presolve": True},
        )
        if res.x is None:
            return None
        x = self.lo.copy()
        for (i, v), j in var_of.items():
            if res.x[j] > 0.5:
                x[i] = v
        totals = {c: (round(res.x[aggv[c][0]]), round(res.x[aggv[c][1]])) for c in agg}
        return x, agg, totals


def realise(lo, hi, s_target, q_target, rng, start=None, iters=400_000):
    """Integers in [lo_i, hi_i] with the given sum and sum of squares (local search)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    m = len(lo)
    if start is None:
        x = lo.copy()
        rem = s_target - int(x.sum())
        while rem > 0:
            i = int(rng.integers(m))
            if x[i] < hi[i]:
                x[i] += 1
                rem -= 1
    else:
        x = np.asarray(start, dtype=np.int64).copy()
    q = int((x * x).sum())
    for _ in range(iters):
        if q == q_target:
            return x
        i, j = (int(v) for v in rng.integers(m, size=2))
        if i == j:
            continue
        d = int(rng.integers(1, 4))
        if x[i] + d > hi[i] or x[j] - d < lo[j]:
            continue
        dq = 2 * d * int(x[i] - x[j]) + 2 * d * d
        if abs(q + dq - q_target) <= abs(q - q_target) or rng.random() < 0.02:
            x[i] += d
            x[j] -= d
            q += dq
    raise RuntimeError("could not realise a cell")


def solve_cells(model: CellModel, rng) -> np.ndarray:
    out = model.solve()
    if out is None:
        raise RuntimeError("infeasible")
    x, agg, totals = out
    for c in sorted(agg):
        free = agg[c]
        s, q = totals[c]
        x[free] = realise(model.lo[free], model.hi[free], s, q, rng)
    return x


# ----------------------------------------------------------------------------
# Joint design of the attitude answers (counts of Tables 2, 3, 4, 7)
# ----------------------------------------------------------------------------

# (pss, accept, willing, where, count, pinned years_experience in half-years)
# Pins implement the printed ranges: with/Maybe = 5 and 7, without/No = 4 and
# 6 (Table 3), without/No(willing) = 0.5 (Table 4), min 0.5 / max 23 (or 18)
# in the cells whose printed range says so. with/No(accept) is 4, not the
# printed 7 -- see AUDIT.md (the printed 7 makes F = 1.314 unreachable).
DESIGN = [
    (1, NO, YES, YES, 1, [8]),
    (1, MAYBE, YES, YES, 2, [10, 14]),
    (1, YES, YES, MAYBE, 2, []),
    (1, YES, YES, YES, 21, [1, 46]),
    (0, NO, MAYBE, MAYBE, 1, [8]),
    (0, NO, YES, NO, 1, [12]),
    (0, MAYBE, NO, MAYBE, 1, [1]),
    (0, MAYBE, MAYBE, MAYBE, 3, [46, 1]),
    (0, MAYBE, YES, NO, 1, []),
    (0, MAYBE, YES, YES, 3, [46]),
    (0, MAYBE, YES, MAYBE, 3, []),
    (0, YES, MAYBE, MAYBE, 1, []),
    (0, YES, YES, YES, 11, [36]),
    (0, YES, YES, MAYBE, 7, [1]),
    (0, YES, YES, NO, 1, []),
]


def build_design():
    pss, acc, wil, whe, cell, lo, hi = [], [], [], [], [], [], []
    for c, (p, a, w, h, k, pins) in enumerate(DESIGN):
        for j in range(k):
            pss.append(p)
            acc.append(a)
            wil.append(w)
            whe.append(h)
            cell.append(c)
            top = 36 if (p == 0 and a == YES) else 46  # without/Yes range 0.5-18
            if j < len(pins):
                lo.append(pins[j])
                hi.append(pins[j])
            else:
                lo.append(1)
                hi.append(top)
    arr = [np.array(v) for v in (pss, acc, wil, whe, cell, lo, hi)]
    assert len(arr[0]) == N
    return arr


def solve_experience(pub, pss, acc, wil, whe, cell, lo, hi, rng):
    """Years of experience with MH clients, in half-years."""
    t1 = pub["table1_demographics"]["years_experience_mental_health_clients"]
    t4 = pub["table4_willingness_by_pss_presence"]
    t7 = pub["table7_pss_where_you_work_by_pss_presence"]
    tests = {(t["dv"], t["by"]): t for t in pub["tests"]}
    u = 0.5
    all_ = np.ones(N, bool)
    s_all = sum_window(N, Printed(t1["mean"]), u)
    # Tables 4 and 7, "without PSS" column: M/SD over everyone giving the answer.
    fixed = {}

    def group_sum(mask, cellv):
        lo_, hi_ = sum_window(int(mask.sum()), Printed(cellv["mean"]), u)
        assert lo_ == hi_
        return lo_

    for lab, key in ((YES, "Yes"), (MAYBE, "Maybe"), (NO, "No")):
        fixed[("wil", lab)] = group_sum(wil == lab, t4["without_pss"][key])
        fixed[("whe", lab)] = group_sum(whe == lab, t7["without_pss"][key])
    s_total = sum(fixed[("wil", k)] for k in (YES, MAYBE, NO))
    assert s_all[0] <= s_total <= s_all[1]
    assert s_total == sum(fixed[("whe", k)] for k in (YES, MAYBE, NO))

    def window(by, sums):
        t = tests[("years_experience_mental_health_clients", by)]
        return q_window_for_f(sums, s_total, Printed(t["F"]), Printed(t["p"]))

    sizes = {lab: int((acc == lab).sum()) for lab in (YES, MAYBE, NO)}
    s_no = int(lo[(acc == NO)].sum())  # pinned
    base = [sq_window(N, s_total, Printed(t1["sd"]), u)]
    base.append(
        window(
            "willing_to_work_with_pss",
            [(fixed[("wil", k)], int((wil == k).sum())) for k in (YES, MAYBE, NO)],
        )
    )
    base.append(
        window(
            "pss_where_you_work",
            [(fixed[("whe", k)], int((whe == k).sum())) for k in (YES, MAYBE, NO)],
        )
    )
    qlo, qhi = max(b[0] for b in base), min(b[1] for b in base)
    # acceptance-group sums for which F(experience by acceptance) fits
    best = None
    for s_yes in range(sizes[YES] * 1, sizes[YES] * 46 + 1):
        s_maybe = s_total - s_no - s_yes
        if s_maybe < sizes[MAYBE]:
            continue
        w = window(
            "accept_pss_as_profession",
            [(s_yes, sizes[YES]), (s_maybe, sizes[MAYBE]), (s_no, sizes[NO])],
        )
        lo_q, hi_q = math.ceil(max(qlo, w[0])), math.floor(min(qhi, w[1]))
        qs = [q for q in range(lo_q, hi_q + 1) if q % 2 == s_total % 2]
        if qs:
            # prefer the acceptance means closest to those printed in Table 3
            t3 = pub["table3_acceptance_by_pss_presence"]["without_pss"]
            score = abs(s_yes * u / sizes[YES] - float(t3["Yes"]["mean"]))
            if best is None or score < best[0]:
                best = (score, s_yes, qs)
    assert best is not None, "no acceptance split reaches the published F"
    _, s_yes, qs = best

    def model(extra):
        m = CellModel(cell, lo, hi)
        m.add(all_, "S", s_total, s_total)
        m.add(all_, "Q", qs[0], qs[-1])
        m.add(acc == YES, "S", s_yes, s_yes)
        for by, arr, tab in (("wil", wil, t4), ("whe", whe, t7)):
            for lab, key in ((YES, "Yes"), (MAYBE, "Maybe"), (NO, "No")):
                mask = arr == lab
                s = fixed[(by, lab)]
                m.add(mask, "S", s, s)
                if int(mask.sum()) > 1:
                    m.add(
                        mask,
                        "Q",
                        *sq_window(int(mask.sum()), s, Printed(tab["without_pss"][key]["sd"]), u),
                    )
        # the same cells read literally (only the without-PSS respondents): soft
        for arr, tab, lab, key in ((wil, t4, YES, "Yes"), (whe, t7, MAYBE, "Maybe")):
            mask = (arr == lab) & (pss == 0)
            n_ = int(mask.sum())
            s_lo, s_hi = sum_window(n_, Printed(tab["without_pss"][key]["mean"]), u)
            if s_lo == s_hi:
                m.add(mask, "S", s_lo, s_hi, 1.0)
                m.add(
                    mask, "Q", *sq_window(n_, s_lo, Printed(tab["without_pss"][key]["sd"]), u), 1.0
                )
        for mask, s, sd in extra:
            m.add(mask, "Q", *sq_window(int(mask.sum()), s, sd, u))
        return m

    # Table 3 "without PSS" SDs read over all respondents with the answer: at
    # most one of the two fits together with F = 1.314; try each.
    t3w = pub["table3_acceptance_by_pss_presence"]["without_pss"]
    s_maybe = s_total - s_no - s_yes
    for extra in (
        [(acc == YES, s_yes, Printed(t3w["Yes"]["sd"]))],
        [(acc == MAYBE, s_maybe, Printed(t3w["Maybe"]["sd"]))],
        [],
    ):
        try:
            return solve_cells(model(extra), rng)
        except RuntimeError:
            continue
    raise RuntimeError("experience search failed")


def solve_years_with_pss(pub, pss, acc, whe, x2, rng):
    """Years working with PSS (half-years) for the 26 with PSS at work; -1 elsewhere."""
    t1 = pub["table1_demographics"]["years_working_with_pss"]
    t3 = pub["table3_acceptance_by_pss_presence"]["with_pss"]
    idx = np.flatnonzero(pss == 1)
    a, h, xx = acc[idx], whe[idx], x2[idx]
    n = len(idx)
    lo = np.zeros(n, dtype=np.int64)
    hi = np.minimum(28, xx)  # PSS were employed in Singapore from 2009: <= 14 years
    cell = np.zeros(n, dtype=np.int64)
    # pins: Table 3 with/No M=0 (n=1); with/Maybe M=3.5 SD=2.1 -> {2, 5};
    # Table 7 with/Maybe M=0 SD=0 (n=2) -> both 0.
    lo[a == NO] = hi[a == NO] = 0
    mays = np.flatnonzero(a == MAYBE)
    for j, v in zip(mays[np.argsort(xx[mays], kind="stable")], (4, 10), strict=True):
        lo[j] = hi[j] = v
    lo[h == MAYBE] = hi[h == MAYBE] = 0
    u = 0.5
    m = CellModel(cell, lo, hi)
    allm = np.ones(n, bool)
    s_all = sum_window(n, Printed(t1["mean"]), u)
    s_yes = sum_window(int((a == YES).sum()), Printed(t3["Yes"]["mean"]), u)
    s = s_all[0]
    ys = s - int(lo[a != YES].sum())
    assert s_yes[0] <= ys <= s_yes[1]
    m.add(allm, "S", s, s)
    m.add(allm, "Q", *sq_window(n, s, Printed(t1["sd"]), u))
    m.add(a == YES, "S", ys, ys)
    m.add(a == YES, "Q", *sq_window(int((a == YES).sum()), ys, Printed(t3["Yes"]["sd"]), u))
    w = solve_cells(m, rng)
    out = np.full(N, -1, dtype=np.int64)
    out[idx] = w
    return out


def solve_ages(pub, acc, wil, whe, x2, rng):
    t1 = pub["table1_demographics"]["age_years"]
    tests = {(t["dv"], t["by"]): t for t in pub["tests"] if t["dv"] == "age"}
    amin, amax = int(t1["min"]), int(t1["max"])
    lo = np.maximum(amin, np.ceil(x2 / 2 + 19.5).astype(np.int64))  # started work at >= 19.5
    hi = np.full(N, amax, dtype=np.int64)
    s_lo, s_hi = sum_window(N, Printed(t1["mean"]), 1)
    assert s_lo == s_hi
    S = s_lo
    q_lo, q_hi = sq_window(N, S, Printed(t1["sd"]), 1)
    # pins: the youngest (20) among those with 0.5 years; the oldest (58)
    young = [i for i in range(N) if x2[i] == 1 and lo[i] <= amin]
    old = int(np.argmax(x2 * 1000 + np.arange(N)))
    j = young[int(rng.integers(len(young)))]
    lo[j] = hi[j] = amin
    lo[old] = hi[old] = amax
    groupings = {
        "accept_pss_as_profession": acc,
        "willing_to_work_with_pss": wil,
        "pss_where_you_work": whe,
    }
    # choose group sums per grouping so that every F fits a common total Q
    q_mid = (q_lo + q_hi) // 2
    if q_mid % 2 != S % 2:
        q_mid += 1
    chosen = {}
    for by, arr in groupings.items():
        t = tests[("age", by)]
        levels = [YES, MAYBE, NO]
        sizes = [int((arr == k).sum()) for k in levels]
        cands = []
        mean = S / N
        for s1 in range(int(sizes[0] * (mean - 6)), int(sizes[0] * (mean + 6)) + 1):
            for s2 in range(int(sizes[1] * (mean - 12)), int(sizes[1] * (mean + 12)) + 1):
                s3 = S - s1 - s2
                if not (sizes[2] * amin <= s3 <= sizes[2] * amax):
                    continue
                w = q_window_for_f(
                    list(zip((s1, s2, s3), sizes, strict=True)), S, Printed(t["F"]), Printed(t["p"])
                )
                if w[0] <= q_mid <= w[1]:
                    cands.append((s1, s2, s3))
        assert cands, by
        chosen[by] = cands[int(rng.integers(len(cands)))]
    cell_key = acc * 100 + wil * 10 + whe
    m = CellModel(cell_key, lo, hi)
    m.add(np.ones(N, bool), "S", S, S)
    m.add(np.ones(N, bool), "Q", q_mid, q_mid)
    for by, arr in groupings.items():
        for k, s in zip((YES, MAYBE, NO), chosen[by], strict=True):
            m.add(arr == k, "S", s, s)
    return solve_cells(m, rng)


# ----------------------------------------------------------------------------
# Categorical columns, open-ended answers, file layout
# ----------------------------------------------------------------------------

# Quotes printed in the paper, verbatim (typesetting artefacts of the seed
# text such as "$^\prime$" and "*instill*" rendered as ' and instill).
QUOTES = [
    (
        3,
        "existing_strategies",
        "they get to take additional time off if they need to cope with some symptoms returning",
    ),
    (
        3,
        "strategies_why",
        "Would be great if PSS could have their own supervision by their fellow senior PSS. Because I'm sure they can understand the challenges better",
    ),
    (
        4,
        "role_why",
        "As experts of the condition, PSS can support in many different aspects of the recovery plans of clients, e.g. social support, emotional support, etc",
    ),
    (
        5,
        "challenges_why",
        "The lack of understanding / awareness of the role of PSS as well as training/ development can cause doubts about PSS' ability to perform duties. However, if PSS are adequately and properly trained, it should help in both colleagues and clients being more open and receptive to working with them.",
    ),
    (
        6,
        "challenges_why",
        "Also, due to their relatable experiences they may have transference or countertransference issues and may be more inclined to cross boundaries in a bid to help more.",
    ),
    (
        7,
        "existing_strategies",
        "work group of PSS ... encourage discussion and ideas exchange, and promote the understand[-ing] of PSS roles among other colleagues/clients",
    ),
    (8, "benefits_why", "Their experience gives clients hope and practical steps for recovery."),
    (
        11,
        "role_why",
        "The most valuable contributions from peer supporters would come from their lived experiences, managing the conditions and day-to-day struggles. As for the treatment plan and medication compliance that should still be managed by professionals with training and experience in these aspects.",
    ),
    (
        21,
        "role_why",
        "Clients may be more receptive when PSS uses their own lived experiences to help clients integrate back to community and develop plans and it helps with rapport building. there are many roles that PSS can fulfil that we (have) yet to explore,...",
    ),
    (
        22,
        "benefits_why",
        "Clients will likely be more trusting and be more accepting of professional recommendations when PSS share about their lived experiences and benefits of various interventions.",
    ),
    (
        25,
        "challenges_why",
        "I feel that there is a lack of structure for PSS and it seems like they have to define their role although they may not be trained to.",
    ),
    (
        25,
        "strategies_why",
        "I think the experience of a PSS may not be applicable to all clients and they may benefit from training to generalise their experience or be assigned to clients who are more likely to benefit",
    ),
    (
        26,
        "existing_strategies",
        "To ensure that PSS have a role to play in MDT and allow them to integrate to the team",
    ),
    (27, "existing_strategies", "leisure interaction after work"),
    (
        28,
        "benefits_why",
        "PSS can help to instill hope in persons with mental health conditions that recovery and a fruitful life is very possible... also help to increase their social circle and improve social skills/life (skills) that many persons with mental health conditions struggle with.",
    ),
    (
        28,
        "role_why",
        "With PSS in outreach efforts, it also serves to educate the public on mental health and also reduce the stigma especially in Singapore's culture.",
    ),
    (
        32,
        "role_why",
        "I believe in sharing lived-experience.... can generally help improve the relationship between the team and client as well as being able to find out what are the holistic needs of a client... Let's say someone shares about her condition and does not feel comfortable talking to the other healthcare professionals. That's when a PSS can help to be that bridge or gap in between - to link the team with the client.",
    ),
    (
        32,
        "challenges_why",
        '...the team is too busy with their job roles & client\'s needs/daily routine as there is a shortage of manpower. I was once told to help to take care of a client because she was causing too much noise/trouble in the ward and I have heard from a colleague of mine, that he was once told to "pacify" a client.',
    ),
    (
        38,
        "strategies_why",
        "...my department introduced PSS in steps by slowly including a few users in some teams...as well as adopting complementary practices such as recovery language and other recovery-oriented practices.",
    ),
    (
        39,
        "benefits_why",
        "PSS can help augment areas deficient in the current hospital centric system.",
    ),
    (
        39,
        "challenges_why",
        "PSS may also themselves go through relapses, and balancing personal needs and a professional identity can be challenging.",
    ),
    (
        40,
        "challenges_why",
        "Depends again on setting and willingness of PSS and staff to accommodate",
    ),
    (42, "existing_strategies", "social activity, peer bonding"),
    (
        54,
        "strategies_why",
        "Conduct presentations and sharings on the importance of PSS. Additionally, sharing examples of past implementation along with its results, to support the efficacy of PSS.",
    ),
    (
        54,
        "challenges_why",
        "Stigma attached to this concept extends to both clients and professionals, which in turn would also limit PSS opportunities for supervision and professional development",
    ),
    (
        58,
        "strategies_why",
        "Through working together in a collaborative effort, organisations will have a deeper understanding of PSS and how to provide a more holistic support for PSS to better serve the targeted client.",
    ),
    (
        59,
        "benefits_why",
        "PSS can support persons with mental health conditions in their recovery journey, and having lived and living experience, they can provide a voice to advocate for mental health services to be relevant to the needs of service users.",
    ),
    (
        59,
        "challenges_why",
        "PSS may lack confidence in their role as they do not have adequate training to do their work well",
    ),
    (
        59,
        "strategies_why",
        "The organisation needs to move beyond token acceptance of peer support work to integrating it at various levels and to value its contribution as an essential part of mental health services.",
    ),
]
# respondents whose quote is about their own workplace's PSS
NEEDS_PSS = {3, 7, 26, 27, 32, 38, 42}
PSS_PROFESSIONAL = 32  # "One PSS highlighted an experience ..." (in the ward)

# multi-select choices implied by the quotes: (rid, item, label, chosen?)
QUOTE_CHOICES = [
    (3, "supervision", "Fellow PSS", True),
    (4, "role", "Develop recovery plans for clients", True),
    (8, "benefits", "Provide clients with hope", True),
    (11, "role", "Develop recovery plans for clients", False),
    (11, "role", "Monitor medication compliance of clients", False),
    (11, "role", "Share personal experiences with clients", True),
    (21, "role", "Help clients reintegrate in the community", True),
    (28, "benefits", "Provide clients with hope", True),
    (28, "role", "Engage in outreach efforts", True),
    (28, "role", "Engage in advocacy for mental health", True),
    (32, "role", "Share personal experiences with clients", True),
    (5, "challenges", "Poor understanding of PSS role by colleagues", True),
    (5, "challenges", "Lack of trust in PSS to perform duties", True),
    (25, "challenges", "Poor understanding of PSS role by colleagues", True),
    (39, "challenges", "Lack of emotional support for PSS", True),
    (54, "challenges", "Limited professional development for PSS", True),
    (54, "challenges", "Lack of supervision for PSS", True),
    (59, "challenges", "Limited professional development for PSS", True),
    (3, "strategies", "Supervision", True),
    (
        25,
        "strategies",
        "Match PSS to specific clients that might suit their interpersonal characteristics",
        True,
    ),
    (58, "strategies", "Opportunities for PSS to work with other team members", True),
    (59, "benefits", "Empower clients", True),
]

OTHER_TEXT = {
    "profession": ["Art therapist", "Music therapist", "Mental health coach"],
    "work_arrangement": ["Contract", "Freelance"],
    "work_setting": ["Tertiary institution (student counselling)"],
    "benefits": [
        "Reduce stigma towards mental health conditions",
        "Give clinicians insight into the lived experience",
        "Role models of recovery for clients and families",
    ],
    "role": [
        "Co-facilitate psychoeducation groups",
        "Support caregivers of clients",
        "Contribute to service design and staff training",
        "Crisis support alongside clinicians",
        "Give the team feedback on client perspectives",
        "Run recovery workshops",
    ],
    "supervision": [
        "Senior PSS trained in supervision",
        "A clinical supervisor together with a PSS mentor",
        "Depends on the setting",
        "External peer supervisors",
    ],
    "challenges": ["Burnout or relapse of PSS", "Unclear pay structure and career progression"],
    "strategies": [
        "Clear career pathway and remuneration",
        "Workplace accommodations for PSS",
        "Staff education on recovery-oriented practice",
        "Regular check-ins with PSS",
        "Peer support network among PSS",
    ],
}

FILLER = {
    "existing_strategies": [
        "Regular supervision by a senior PSS",
        "Monthly case discussions with the team",
        "PSS are included in our multidisciplinary meetings",
        "Training workshops, and flexible working hours",
        "Not sure",
        "Buddy system with a clinician",
    ],
    "role_why": [
        "Lived experience is what makes the role unique.",
        "PSS should complement, not replace, clinical work.",
        "They can relate to clients in a way that staff cannot.",
        "Sharing their recovery story can motivate clients.\nThey also help clients navigate community resources.",
        "Depends on the training the PSS has received",
    ],
    "benefits_why": [
        "Clients see that recovery is possible.",
        "Hope is a key part of recovery, and PSS embody it.",
        "It also creates jobs for people in recovery.",
        "Clients may open up more to someone who has been through it",
    ],
    "challenges_why": [
        "Colleagues may not know what PSS do.",
        "Role boundaries are often unclear, especially in busy wards.",
        "PSS need support for their own wellbeing.",
        "Clients may doubt PSS because they are not professionals",
    ],
    "strategies_why": [
        "Supervision and training are essential.",
        "A clear job description would help the whole team.",
        "Start small, evaluate, then scale up.",
        "Matching PSS to suitable clients, and regular debriefs",
    ],
}

# profession x work setting (counts sum to Table 1's margins)
SETTINGS = [
    "Community organisation, General",
    "Community organisation, Mental health-based",
    "Hospital, general",
    "Hospital, psychiatric",
    "Private practice",
    "Others",
]
ALLOCATION = {  # setting -> {profession: n}
    "Hospital, psychiatric": {
        "Peer support specialist": 4,
        "Nurse": 2,
        "Occupational therapist": 4,
        "Psychologist": 2,
        "Psychiatrist": 1,
        "Social worker": 1,
    },
    "Hospital, general": {
        "Occupational therapist": 7,
        "Psychologist": 4,
        "Psychiatrist": 1,
        "Social worker": 2,
        "Counsellor": 1,
        "Others": 1,
        "Programme executive": 1,
    },
    "Community organisation, Mental health-based": {
        "Peer support specialist": 1,
        "Case worker": 2,
        "Counsellor": 2,
        "Programme executive": 2,
        "Occupational therapist": 2,
        "Social worker": 1,
    },
    "Community organisation, General": {
        "Case worker": 1,
        "Programme executive": 1,
        "Counsellor": 1,
        "Psychologist": 1,
        "Occupational therapist": 1,
    },
    "Private practice": {"Psychologist": 7, "Counsellor": 3, "Others": 2},
    "Others": {"Psychologist": 1},
}
SETTINGS_WITH_PSS = {  # work settings of the 26 with PSS at work
    "Hospital, psychiatric": 12,
    "Community organisation, Mental health-based": 6,
    "Hospital, general": 6,
    "Community organisation, General": 2,
}
NUMBER_OF_PSS = {  # by setting, among those with PSS
    "Hospital, psychiatric": ["13–15 PSS"] * 3
    + ["10–12 PSS"] * 2
    + ["Unsure of exact number"] * 3
    + ["4–6 PSS"]
    + ["1–3 PSS"] * 3,
    "other": ["1–3 PSS"] * 12 + ["4–6 PSS"] + ["Unsure of exact number"],
}


def counts(section: dict) -> dict[str, int]:
    return {k: int(v["n"]) for k, v in section.items()}


def multiset(cnt: dict[str, int]) -> list[str]:
    return [k for k, v in cnt.items() for _ in range(v)]


def assign_multi(labels_n: dict[str, int], weights: np.ndarray, rng) -> list[set[str]]:
    sel = [set() for _ in range(N)]
    for lab, k in labels_n.items():
        p = weights / weights.sum()
        for i in rng.choice(N, size=k, replace=False, p=p):
            sel[int(i)].add(lab)
    return sel


def half(v: int) -> str:
    return str(v // 2) if v % 2 == 0 else f"{v / 2:.1f}"


def timestamps(k: int, rng) -> list[str]:
    start = dt.datetime(2023, 8, 1, 0, 0, 0)
    days = (dt.datetime(2023, 9, 22) - start).days + 1
    # recruitment front-loaded: most responses in the first weeks; 7:00-23:59
    day = (rng.beta(0.9, 2.2, size=k) * days).astype(np.int64)
    tod = rng.integers(7 * 3600, 24 * 3600, size=k)
    secs = np.sort(day * 86400 + tod)
    for i in range(1, k):  # strictly increasing
        if secs[i] <= secs[i - 1]:
            secs[i] = secs[i - 1] + 37
    out = []
    for s in secs:
        t = start + dt.timedelta(seconds=int(s))
        h12 = t.hour % 12 or 12
        ampm = "AM" if t.hour < 12 else "PM"
        out.append(
            f"{t.year}/{t.month:02d}/{t.day:02d} {h12}:{t.minute:02d}:{t.second:02d} {ampm} GMT+8"
        )
    return out


def emails(k: int, rng) -> list[str]:
    first = [
        "jt",
        "sy",
        "mk",
        "wl",
        "hx",
        "rp",
        "an",
        "cl",
        "dk",
        "ew",
        "fy",
        "gs",
        "jl",
        "kw",
        "ml",
        "nr",
        "pq",
        "qh",
        "rs",
        "sl",
    ]
    last = [
        "tan",
        "lim",
        "lee",
        "ng",
        "ong",
        "wong",
        "goh",
        "chua",
        "koh",
        "teo",
        "chan",
        "yeo",
        "kumar",
        "rahman",
        "ismail",
        "nair",
        "tay",
        "ho",
        "low",
        "sim",
    ]
    doms = ["example.com", "example.org", "example.net"]
    seen, out = set(), []
    while len(out) < k:
        e = f"{first[rng.integers(len(first))]}.{last[rng.integers(len(last))]}{int(rng.integers(1, 99)):02d}@{doms[rng.integers(3)]}"
        if e not in seen:
            seen.add(e)
            out.append(e)
    return out


def build_records(pub, q, pss, acc, wil, whe, x2, w2, age, rng):
    """Respondent records (analysed, in file order R1..R59)."""
    t1 = pub["table1_demographics"]
    # --- file order: a seeded permutation, then quote constraints ---------
    order = list(rng.permutation(N))  # order[r] = design index of R(r+1)
    pss_prof_candidates = [
        i for i in range(N) if pss[i] == 1 and acc[i] == YES and wil[i] == YES and whe[i] == YES
    ]

    def fix(rid, ok):
        r = rid - 1
        if ok(order[r]):
            return
        protected = set(NEEDS_PSS) | {PSS_PROFESSIONAL}
        for r2 in range(N):
            if (r2 + 1) not in protected and ok(order[r2]) and r2 != r:
                order[r], order[r2] = order[r2], order[r]
                return
        raise RuntimeError(rid)

    fix(PSS_PROFESSIONAL, lambda i: i in pss_prof_candidates)
    for rid in sorted(NEEDS_PSS - {PSS_PROFESSIONAL}):
        fix(rid, lambda i: pss[i] == 1)
    D = np.array(order)
    P, A, Wl, Wh, X2, W2, AGE = pss[D], acc[D], wil[D], whe[D], x2[D], w2[D], age[D]
    # --- work setting by PSS presence ---------------------------------------
    setting_n = counts(t1["work_setting"])
    with_set = multiset(SETTINGS_WITH_PSS)
    without = dict(setting_n)
    for s, k in SETTINGS_WITH_PSS.items():
        without[s] -= k
    without_set = multiset(without)
    wi, wo = [int(i) for i in np.flatnonzero(P == 1)], [int(i) for i in np.flatnonzero(P == 0)]
    setting = [None] * N
    pssprof_r = PSS_PROFESSIONAL - 1
    with_set_perm = [with_set[i] for i in rng.permutation(len(with_set))]
    # R32 works in the psychiatric hospital ("in the ward")
    j = with_set_perm.index("Hospital, psychiatric")
    with_set_perm.insert(wi.index(pssprof_r), with_set_perm.pop(j))
    for r, s in zip(wi, with_set_perm, strict=True):
        setting[r] = s
    for r, s in zip(wo, [without_set[i] for i in rng.permutation(len(without_set))], strict=True):
        setting[r] = s
    # --- profession within setting -----------------------------------------
    profession = [None] * N
    for s, alloc in ALLOCATION.items():
        members = [r for r in range(N) if setting[r] == s]
        profs = multiset(alloc)
        assert len(members) == len(profs), s
        n_pss = alloc.get("Peer support specialist", 0)
        # PSS respondents: with PSS at work and positive answers (R32 first)
        cands = [r for r in members if D[r] in pss_prof_candidates]
        cands.sort(key=lambda r: (r != pssprof_r, float(rng.random())))
        chosen = cands[:n_pss]
        assert len(chosen) == n_pss
        rest = [p for p in profs if p != "Peer support specialist"]
        others = [r for r in members if r not in chosen]
        # older respondents more likely psychiatrists/psychologists
        others.sort(key=lambda r: -(AGE[r] + 6 * float(rng.random())))
        rest.sort(key=lambda p: {"Psychiatrist": 0, "Psychologist": 1}.get(p, 2))
        k_senior = sum(1 for p in rest if p in ("Psychiatrist", "Psychologist"))
        senior, junior = rest[:k_senior], rest[k_senior:]
        junior = [junior[i] for i in rng.permutation(len(junior))]
        for r in chosen:
            profession[r] = "Peer support specialist"
        pool = others[: len(others)]
        top = pool[: max(k_senior * 2, k_senior)]
        senior_r = (
            [top[i] for i in sorted(rng.choice(len(top), size=k_senior, replace=False))]
            if k_senior
            else []
        )
        for r, p in zip(senior_r, senior, strict=True):
            profession[r] = p
        left = [r for r in others if r not in senior_r]
        for r, p in zip(left, junior, strict=True):
            profession[r] = p
    prof_text = list(OTHER_TEXT["profession"])
    for r in range(N):
        if profession[r] == "Others":
            profession[r] = prof_text.pop(0)
    setting_text = list(OTHER_TEXT["work_setting"])
    setting = [setting_text.pop(0) if s == "Others" else s for s in setting]
    # --- number of PSS --------------------------------------------------------
    nop = [""] * N
    hp = [r for r in wi if setting[r] == "Hospital, psychiatric"]
    ot = [r for r in wi if setting[r] != "Hospital, psychiatric"]
    for grp, lab in ((hp, "Hospital, psychiatric"), (ot, "other")):
        vals = NUMBER_OF_PSS[lab]
        assert len(vals) == len(grp)
        for r, v in zip(grp, [vals[i] for i in rng.permutation(len(vals))], strict=True):
            nop[r] = v

    # --- other demographics ------------------------------------------------------
    def perm(cnt):
        ms = multiset(cnt)
        return [ms[i] for i in rng.permutation(len(ms))]

    sex = perm(counts(t1["sex"]))
    eth = perm(counts(t1["ethnic_group"]))
    arr_ = perm(counts(t1["work_arrangement"]))
    arr_text = list(OTHER_TEXT["work_arrangement"])
    arr_ = [arr_text.pop(0) if a == "Others" else a for a in arr_]
    mgr_labels = list(t1["managerial_role"].keys())  # none, junior, mid, top
    mgr_n = counts(t1["managerial_role"])
    seniority = sorted(
        range(N), key=lambda r: -(AGE[r] + 1.5 * X2[r] / 2 + 8 * float(rng.random()))
    )
    mgr = [None] * N
    pos = 0
    for lab in reversed(mgr_labels):  # top first
        for r in seniority[pos : pos + mgr_n[lab]]:
            mgr[r] = lab
        pos += mgr_n[lab]
    # --- multi-selects -------------------------------------------------------------
    attitude = (A + Wl + Wh).astype(float)
    wts = np.exp(0.35 * (attitude - 9))
    multi = {}
    spec = {
        "benefits": pub["table5_benefits"],
        "role": pub["table6_role"],
        "challenges": pub["table8_challenges"],
        "strategies": pub["table9_strategies"],
        "supervision": pub["table10_supervision"],
    }
    for item, tab in spec.items():
        cnt = counts(tab)
        w = wts if item in ("benefits", "role") else np.ones(N)
        multi[item] = assign_multi(cnt, w, rng)
    # quote-implied choices: swap memberships to keep counts exact
    locked = {}
    for rid, item, lab, _want in QUOTE_CHOICES:
        locked.setdefault((item, lab), set()).add(rid - 1)
    for rid, item, lab, want in QUOTE_CHOICES:
        r = rid - 1
        sel = multi[item]
        if (lab in sel[r]) == want:
            continue
        for r2 in range(N):
            if r2 in locked[(item, lab)] or (lab in sel[r2]) == (lab in sel[r]):
                continue
            if not want and len(sel[r2]) == 0:
                continue
            if want:
                sel[r].add(lab)
                sel[r2].discard(lab)
                if not sel[r2]:
                    sel[r2].add(lab)
                    sel[r].discard(lab)
                    continue
            else:
                sel[r].discard(lab)
                sel[r2].add(lab)
            break
        assert (lab in sel[r]) == want, (rid, item, lab)
    for item, sel in multi.items():  # nobody leaves a checkbox question empty
        for r in range(N):
            if not sel[r]:
                lab_order = sorted(counts(spec[item]), key=lambda lb: -counts(spec[item])[lb])
                for lab in lab_order:
                    donors = [
                        r2
                        for r2 in range(N)
                        if lab in sel[r2]
                        and len(sel[r2]) > 1
                        and r2 not in locked.get((item, lab), set())
                    ]
                    if donors:
                        sel[donors[0]].discard(lab)
                        sel[r].add(lab)
                        break
    # --- open-ended answers ----------------------------------------------------------
    text = {
        k: [""] * N
        for k in (
            "existing_strategies",
            "role_why",
            "benefits_why",
            "challenges_why",
            "strategies_why",
        )
    }
    for item in text:
        pool = FILLER[item]
        for r in range(N):
            if item == "existing_strategies" and P[r] != 1:
                continue
            if rng.random() < 0.3:
                text[item][r] = pool[int(rng.integers(len(pool)))]
    for rid, item, quote in QUOTES:
        text[item][rid - 1] = quote
    # --- records ----------------------------------------------------------------------
    others_pool = {k: list(v) for k, v in OTHER_TEXT.items()}
    records = []
    for r in range(N):
        rec = {
            "age": str(int(AGE[r])),
            "sex": sex[r],
            "ethnicity": eth[r],
            "profession": profession[r],
            "work_arrangement": arr_[r],
            "managerial_role": mgr[r],
            "work_setting": setting[r],
            "years_experience": half(int(X2[r])),
            "pss_at_workplace": "Yes" if P[r] == 1 else "No",
            "number_of_pss": nop[r],
            "years_with_pss": half(int(W2[r])) if P[r] == 1 else "",
            "accept_pss": ANS[int(A[r])],
            "willing_pss": ANS[int(Wl[r])],
            "pss_where_you_work": ANS[int(Wh[r])],
        }
        rec.update({k: v[r] for k, v in text.items()})
        for item, sel in multi.items():
            labels = [
                c
                for c in next(it for it in q["items"] if it["id"] == item)["choices"]
                if c in sel[r]
            ]
            if "Others" in sel[r]:
                labels.append(others_pool[item].pop(0))
            rec[item] = ", ".join(labels)
        records.append(rec)
    return records


def write_csv(q, records, rng) -> str:
    items = [it for it in q["items"]]
    header = ["Timestamp"] + [it["text"] for it in items]
    # three excluded submissions: a repeat of R17, a retired professional,
    # and a respondent without experience with MH clients
    rows = [dict(r) for r in records]
    mails = emails(N + 2, rng)
    for r, m in zip(rows, mails, strict=False):
        r["email"] = m
    dup = dict(rows[16])
    dup.update(role_why="", benefits_why="", challenges_why="", strategies_why="")
    retired = dict(rows[40])
    retired.update(
        email=mails[N],
        age="67",
        profession="Retired healthcare professional",
        work_arrangement="Retired",
        managerial_role="Not applicable—not in a managerial role",
        years_experience="30",
    )
    retired.update(
        {k: "" for k in ("role_why", "benefits_why", "challenges_why", "strategies_why")}
    )
    noexp = dict(rows[49])
    noexp.update(
        email=mails[N + 1],
        age="26",
        profession="Programme executive",
        years_experience="0",
        pss_at_workplace="No",
        number_of_pss="",
        years_with_pss="",
        existing_strategies="",
    )
    noexp.update({k: "" for k in ("role_why", "benefits_why", "challenges_why", "strategies_why")})
    file_rows = []
    for i, r in enumerate(rows):
        file_rows.append(r)
        if i == 16:
            file_rows.append(dup)  # repeated submission, after the original
        if i == 33:
            file_rows.append(retired)
        if i == 47:
            file_rows.append(noexp)
    stamps = timestamps(len(file_rows), rng)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for ts, r in zip(stamps, file_rows, strict=True):
        w.writerow([ts] + [r.get(it["id"], "") for it in items])
    return buf.getvalue()


# ----------------------------------------------------------------------------
# Audit: re-read the CSV and compare with every published figure
# ----------------------------------------------------------------------------


def read_back(csv_text: str, q: dict):
    rows = list(csv.reader(io.StringIO(csv_text)))
    header, body = rows[0], rows[1:]
    col = {it["id"]: header.index(it["text"]) for it in q["items"]}
    seen, kept, excluded = set(), [], []
    for k, row in enumerate(body, start=1):
        email = row[col["email"]]
        if email in seen:
            excluded.append((k, "repeated submission from one respondent"))
            continue
        seen.add(email)
        if row[col["profession"]] == "Retired healthcare professional":
            excluded.append((k, "retired healthcare professional"))
            continue
        if float(row[col["years_experience"]]) == 0:
            excluded.append((k, "no experience working with clients with mental health conditions"))
            continue
        kept.append({i: row[c] for i, c in col.items()})
    return body, kept, excluded


class Audit:
    def __init__(self):
        self.lines: list[str] = []
        self.n_match = 0
        self.n_miss = 0
        self.misses: list[str] = []

    def section(self, title: str, note: str | None = None):
        self.lines += ["", f"## {title}", ""]
        if note:
            self.lines += [note, ""]
        self.lines += ["| figure | published | reproduced | status |", "|---|---|---|---|"]

    def check(
        self, name: str, printed: str, value, how: str = "", reason: str | None = None, alt=None
    ):
        p = Printed(printed)
        ok = p.match(value)
        shown = "—" if value is None else p.fmt(value)
        if not ok and alt is not None:
            alt_name, alt_value = alt
            if alt_value is not None and p.match(alt_value):
                ok = True
                shown += f" ({alt_name}: {p.fmt(alt_value)})"
                how = (how + "; " if how else "") + f"matches under {alt_name}"
        elif alt is not None and alt[1] is not None:
            shown += f" ({alt[0]}: {p.fmt(alt[1])})"
        if ok:
            self.n_match += 1
            status = "match" + (f" — {how}" if how else "")
        else:
            self.n_miss += 1
            status = "**MISS**" + (f" — {reason}" if reason else "")
            self.misses.append(f"{name}: published {printed}, reproduced {shown}. {reason or ''}")
        self.lines.append(f"| {name} | {printed} | {shown} | {status} |")


def desc(v):
    v = np.asarray(v, dtype=float)
    if len(v) == 0:
        return None
    sd = float(np.std(v, ddof=1)) if len(v) > 1 else 0.0
    return dict(
        n=len(v),
        mean=float(v.mean()),
        sd=sd,
        min=float(v.min()),
        max=float(v.max()),
        range=float(v.max() - v.min()),
    )


def anova(groups):
    return stats.f_oneway(*[np.asarray(g, float) for g in groups])


def reasons(pub, X, acc_):
    """Arithmetic behind the unavoidable misses."""
    t1 = pub["table1_demographics"]
    t3 = pub["table3_acceptance_by_pss_presence"]
    tests = {(t["dv"], t["by"]): t for t in pub["tests"]}
    r = {}
    # 1. accept-No = {4, 6, 7} vs F = 1.314
    t = tests[("years_experience_mental_health_clients", "accept_pss_as_profession")]
    tx = t1["years_experience_mental_health_clients"]
    f_pub = Printed(t["F"])
    best = None
    s_no = 2 * (4 + 6 + 7)
    s_lo, s_hi = sum_window(N, Printed(tx["mean"]), 0.5)
    for S in range(s_lo, s_hi + 1):  # every half-year total that prints as 6.81
        qlo, qhi = sq_window(N, S, Printed(tx["sd"]), 0.5)
        for s_yes in range(43, 43 * 46 + 1):
            s_m = S - s_no - s_yes
            if s_m < 13:
                continue
            sb = s_yes**2 / 43 + s_m**2 / 13 + s_no**2 / 3
            ssb = sb - S * S / N
            # F falls as the total sum of squares rises: the extremes are at the SD window edges
            for qq in (qlo, qhi):
                f = (ssb / 2) / ((qq - sb) / 56)
                if best is None or abs(f - f_pub.value) < abs(best[0] - f_pub.value):
                    best = (f, s_yes / 2)
    sums_txt = " or ".join(f"{v / 2:g}" for v in range(s_lo, s_hi + 1))
    # also for the F implied by Table 3's printed whole-group M/SD
    ns = [43, 13, 3]
    ms = [float(t3["without_pss"][k]["mean"]) for k in ("Yes", "Maybe", "No")]
    sds = [float(t3["without_pss"][k]["sd"]) for k in ("Yes", "Maybe", "No")]
    g = sum(n * m for n, m in zip(ns, ms, strict=True)) / 59
    ssb = sum(n * (m - g) ** 2 for n, m in zip(ns, ms, strict=True))
    ssw = sum((n - 1) * s * s for n, s in zip(ns, sds, strict=True))
    f_t3 = (ssb / 2) / (ssw / 56)
    r["acc_no"] = (
        f"with accept-No = {{4, 6, 7}} (Table 3 ranges) and Table 1's mean 6.81 (Σ = {sums_txt} yrs) and SD 6.08, "
        f"the one-way F of experience by acceptance can only come as close as F={best[0]:.3f} "
        f"to the printed 1.314 at half-year resolution, so the with-PSS 'No' respondent has 4 years (accept-No = {{4, 4, 6}})"
    )
    r["t3_f"] = (
        f"Table 3's 'without PSS' M/SD are those of all respondents giving the answer "
        f"(43×6.36 + 13×8.53 + 3×5.67 = {43 * 6.36 + 13 * 8.53 + 3 * 5.67:.1f} ≈ 59×6.81); they imply "
        f"F = {f_t3:.3f} (≈ the 0.689 printed for age), not the printed 1.314 for experience, which this file meets"
    )
    return r


def half_step_mean_reason(n: int, printed: str) -> str | None:
    p = Printed(printed)
    lo, hi = interval(p.value, p.dec)
    k_lo, k_hi = math.ceil(lo * n * 2), math.floor(hi * n * 2)
    if k_lo > k_hi:
        a = math.floor(p.value * n * 2) / 2
        return (
            f"{n}×{printed} = {n * p.value:.2f} yrs is not a multiple of 0.5: with half-year answers the mean "
            f"of {n} values is {a:g}/{n} = {a / n:.3f} or {a + 0.5:g}/{n} = {(a + 0.5) / n:.3f}"
        )
    return None


def audit(pub, q, csv_text: str) -> tuple[str, int, int]:
    body, kept, excluded = read_back(csv_text, q)
    a = Audit()
    n = len(kept)

    def num(rec, k):
        return float(rec[k]) if rec[k] != "" else None

    X = np.array([num(r, "years_experience") for r in kept])
    AGE = np.array([num(r, "age") for r in kept])
    P = np.array([r["pss_at_workplace"] for r in kept])
    W = np.array([num(r, "years_with_pss") if r["years_with_pss"] else np.nan for r in kept])
    code = {"No": 1, "Maybe": 2, "Yes": 3}
    ACC = np.array([r["accept_pss"] for r in kept])
    WIL = np.array([r["willing_pss"] for r in kept])
    WHE = np.array([r["pss_where_you_work"] for r in kept])
    R = reasons(pub, X, ACC)

    # --- study ------------------------------------------------------------------------
    st = pub["study"]
    a.section("Study flow (section 3)")
    a.check("responses received", st["responses_received"], len(body))
    for e in st["excluded"]:
        a.check(
            f"excluded: {e['reason']}", e["n"], sum(1 for _, why in excluded if why == e["reason"])
        )
    a.check("analysed", st["analysed"], n)

    # --- Table 1 ------------------------------------------------------------------------
    t1 = pub["table1_demographics"]
    a.section("Table 1 — Demographics of study sample")
    d = desc(AGE)
    for k in ("range", "min", "max", "mean", "sd", "n"):
        a.check(f"age: {k}", t1["age_years"][k], d[k])
    labels_of = {it["id"]: it for it in q["items"]}

    def cat(item_id, section, label_map=None):
        it = labels_of[item_id]
        choices = it.get("choices", [])
        for lab, v in t1[section].items():
            if lab == "Others":
                k = sum(1 for r in kept if r[item_id] and r[item_id] not in choices)
            else:
                k = sum(1 for r in kept if r[item_id] == lab)
            a.check(f"{section}: {lab} n", v["n"], k)
            a.check(f"{section}: {lab} %", v["pct"], 100 * k / n)

    for item_id, section in (
        ("sex", "sex"), ("ethnicity", "ethnic_group"), ("profession", "profession"),
        ("work_arrangement", "work_arrangement"), ("managerial_role", "managerial_role"),
        ("work_setting", "work_setting"), ("pss_at_workplace", "pss_at_workplace"),
        ("number_of_pss", "number_of_pss"),
    ):  # fmt: skip
        cat(item_id, section)
    dw = desc(W[P == "Yes"])
    dxw = desc(X[P == "Yes"])
    tw = t1["years_working_with_pss"]
    for k in ("range", "min", "max"):
        a.check(
            f"with PSS: {k}",
            tw[k],
            dxw[k],
            how=(
                "range column = years of experience with MH clients of the 26 with PSS, as in "
                f"Tables 3/4 (years with PSS themselves span {dw['min']:g}–{dw['max']:g}: Table 3 "
                "with/No M=0, n=1, forces a 0; PSS were employed in Singapore from 2009)"
            ),
        )
    for k in ("mean", "sd", "n"):
        a.check(f"with PSS: {k} (years working with PSS)", tw[k], dw[k])
    dx = desc(X)
    tx = t1["years_experience_mental_health_clients"]
    for k in ("range", "min", "max", "mean", "sd", "n"):
        a.check(f"without PSS row (experience with MH clients, all 59): {k}", tx[k], dx[k])

    # --- Table 2 --------------------------------------------------------------------------
    t2 = pub["table2_attitudes"]
    a.section("Table 2 — Attitudes towards PSS")
    for key, arr in (("accept_pss_as_profession", ACC), ("willing_to_work_with_pss", WIL)):
        for lab, v in t2[key].items():
            k = int((arr == lab).sum())
            a.check(f"{key}: {lab} n", v["n"], k)
            a.check(f"{key}: {lab} %", v["pct"], 100 * k / n)

    # --- Tables 3, 4, 7 ------------------------------------------------------------------------
    def crosstab(title, key, arr, has_range):
        tab = pub[key]
        a.section(
            title,
            "Cells: n = answer × PSS at workplace. Range/min/max: years of experience with MH clients "
            "in the cell. 'With PSS' M/SD: years working with PSS in the cell. 'Without PSS' M/SD: "
            "years of experience with MH clients of **all** respondents giving the answer (the "
            "paper's evident computation, see notes); the value for the cell alone is shown in brackets.",
        )
        for half_, pv in (("with_pss", "Yes"), ("without_pss", "No")):
            for lab, v in tab[half_].items():
                cellm = (arr == lab) & (pv == P)
                a.check(f"{half_} / {lab}: n", v["n"], int(cellm.sum()))
                if "mean" not in v and "range" not in v:
                    continue
                dcell = desc(X[cellm])
                if has_range and "range" in v:
                    for k in ("range", "min", "max"):
                        reason = None
                        if (
                            key.startswith("table3")
                            and lab == "No"
                            and half_ == "with_pss"
                            and k != "range"
                        ):
                            reason = R["acc_no"]
                        a.check(
                            f"{half_} / {lab}: {k}",
                            v[k],
                            dcell[k] if dcell else None,
                            reason=reason,
                        )
                if half_ == "with_pss":
                    dwc = desc(W[cellm])
                    for k in ("mean", "sd"):
                        reason = None
                        if key.startswith("table4"):
                            reason = (
                                "the same 26 people have M=3.63, SD=3.61 in Table 1 and Table 3 "
                                "(23×3.8 + 2×3.5 + 1×0 = 94.4 = 26×3.63); 26×4.02 = 104.5 ≠ 94.4"
                            )
                        if key.startswith("table7") and lab == "Yes":
                            reason = (
                                "24×4.31 + 2×0 = 103.4 yrs over the 26 with PSS, but Table 1/3 give 26×3.63 = 94.4; "
                                "with 94.5 yrs and two zeros the 24 have M=94.5/24=3.94 and SD≈3.59"
                            )
                        a.check(
                            f"{half_} / {lab}: {k} (years with PSS)",
                            v[k],
                            dwc[k] if dwc else None,
                            reason=reason,
                        )
                else:
                    dall = desc(X[arr == lab])
                    for k in ("mean", "sd"):
                        reason = None
                        if key.startswith("table3"):
                            if lab == "No":
                                reason = "5.67/1.53 are the figures of {4, 6, 7}; " + R["acc_no"]
                            else:
                                hs = (
                                    half_step_mean_reason(int(cellm.sum()), v[k])
                                    if k == "mean"
                                    else None
                                )
                                reason = R["t3_f"] + (f"; cell reading: {hs}" if hs else "")
                                if k == "sd" and lab == "Maybe":
                                    groups = [X[arr == g] for g in ("Yes", "Maybe", "No")]
                                    ssw = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
                                    ss_yes = (len(groups[0]) - 1) * float(
                                        tab["without_pss"]["Yes"]["sd"]
                                    ) ** 2
                                    ss_no = float(((groups[2] - groups[2].mean()) ** 2).sum())
                                    implied = math.sqrt(
                                        (ssw - ss_yes - ss_no) / (len(groups[1]) - 1)
                                    )
                                    reason += (
                                        f"; F = 1.314 with SD 6.08 fixes the within-group SS at {ssw:.1f}: "
                                        f"with Yes SD 5.86 (met) and No SS {ss_no:.2f}, Maybe SD = "
                                        f"√(({ssw:.1f} − 42×5.86² − {ss_no:.2f})/12) = {implied:.2f}"
                                    )
                        if key.startswith("table7") and lab == "Yes" and k == "mean":
                            reason = half_step_mean_reason(int(cellm.sum()), v[k])
                        a.check(
                            f"{half_} / {lab}: {k}",
                            v[k],
                            dall[k] if dall else None,
                            how="all respondents with this answer",
                            reason=reason,
                            alt=("cell only", dcell[k] if dcell else None),
                        )
        if "totals" in tab:
            for lab, v in tab["totals"].items():
                k = int((arr == lab).sum())
                a.check(f"total / {lab}: n", v["n"], k)
                a.check(f"total / {lab}: %", v["pct"], 100 * k / n)
        if "notes" in tab:
            a.lines += ["", "Notes in the reference:", ""] + [f"- {x}" for x in tab["notes"]]

    crosstab(
        "Table 3 — Acceptance towards PSS compared with work experience",
        "table3_acceptance_by_pss_presence",
        ACC,
        True,
    )
    crosstab(
        "Table 4 — Willingness to work with PSS compared with work experience",
        "table4_willingness_by_pss_presence",
        WIL,
        True,
    )

    # --- multi-select tables -------------------------------------------------------------------
    def multi(title, key, item_id):
        it = labels_of[item_id]
        a.section(title, "Percent of the 59 cases.")
        for lab, v in pub[key].items():
            if lab == "Others":
                k = 0
                for r in kept:
                    s = r[item_id]
                    for c in it["choices"]:
                        s = s.replace(c, "")
                    if s.strip(" ,"):
                        k += 1
            else:
                k = sum(1 for r in kept if lab in r[item_id])
            a.check(f"{lab}: n", v["n"], k)
            a.check(f"{lab}: %", v["pct"], 100 * k / n)

    multi(
        "Table 5 — Perceptions relating to the benefits of having peer support services",
        "table5_benefits",
        "benefits",
    )
    multi("Table 6 — Perceptions relating to the role of a PSS", "table6_role", "role")
    crosstab(
        "Table 7 — Perceptions relating to the potential of having PSS at current workplace",
        "table7_pss_where_you_work_by_pss_presence",
        WHE,
        False,
    )
    multi(
        "Table 8 — Perceptions relating to the challenges of implementation of peer support services",
        "table8_challenges",
        "challenges",
    )
    multi(
        "Table 9 — Perceptions relating to the potential strategies to address challenges in peer support implementation",
        "table9_strategies",
        "strategies",
    )
    multi(
        "Table 10 — Perceptions relating to the provision of supervision for PSS",
        "table10_supervision",
        "supervision",
    )

    # --- tests -----------------------------------------------------------------------------------
    a.section(
        "Tests (sections 3.2.1, 3.3.1)",
        "t: Student's pooled t on No=1/Maybe=2/Yes=3, with PSS vs without. F: one-way ANOVA over Yes/Maybe/No.",
    )
    dvs = {
        "accept_pss_as_profession": ACC,
        "willing_to_work_with_pss": WIL,
        "pss_where_you_work": WHE,
    }
    for t in pub["tests"]:
        by = dvs[t["by"]] if t["kind"] == "anova" else None
        if t["kind"] == "t-test":
            s = np.array([code[v] for v in dvs[t["dv"]]], float)
            res = stats.ttest_ind(s[P == "Yes"], s[P == "No"], equal_var=True)
            name = f"t {t['dv']} by PSS at workplace"
            a.check(f"{name}: t", t["t"], float(res.statistic))
            a.check(f"{name}: df", t["df"], float(n - 2))
            a.check(f"{name}: p", t["p"], float(res.pvalue))
        else:
            y = AGE if t["dv"] == "age" else X
            res = anova([y[by == lab] for lab in ("Yes", "Maybe", "No")])
            name = f"F {t['dv']} by {t['by']}"
            a.check(f"{name}: F", t["F"], float(res.statistic))
            a.check(f"{name}: df1", t["df1"], 2.0)
            a.check(f"{name}: df2", t["df2"], float(n - 3))
            a.check(f"{name}: p", t["p"], float(res.pvalue))
    a.lines += _variance_note(pub, dvs, code, P, AGE, X)

    printed_lines, n_printed, n_figures = printed_crosstabs(pub, csv_text)
    head = [
        "# AUDIT — reconstruction of the Singapore PSS survey",
        "",
        "Generated by `reconstruct.py` (do not edit by hand). Every figure of",
        "`published.yaml` (Chua & Himawan 2025, Tables 1–10 and section 3) is recomputed",
        "from `responses.csv` after the three exclusion rules, and compared at the",
        "printed precision.",
        "",
        f"**{a.n_match} figures match, {a.n_miss} do not.** Every miss is forced by a",
        "contradiction inside the paper (arithmetic given with each miss).",
        "",
        "Reading of Tables 3, 4 and 7 (decoded, not stated in the paper): the range",
        "columns are years of experience with MH clients in each answer × PSS cell; in the",
        "'with PSS' half M/SD are years working with PSS; in the 'without PSS' half M/SD",
        "are years of experience of *all* respondents giving that answer. Evidence: the",
        "printed 'without PSS' M/SD of Table 4 give back F = 0.968 and those of Table 7",
        "F = 0.049, exactly the Fs printed for experience, and both give 59 × 6.81 years",
        "and SD 6.08 in total. A simple per-cell `summarise` reproduces most of them too",
        "(value in brackets); `summarise_by_column` takes the 'Yes' column M/SD from",
        "`years_with_pss`.",
        "",
        "Data granularity: ages are whole years; years of experience and years with PSS",
        "are in half-year steps. Years with PSS ≤ years of experience ≤ age − 19.5.",
        "",
        f"`surveykit analyze` prints {n_printed} of the {n_figures} figures of Tables 3, 4",
        "and 7 in its wide tables, each in the paper's place (see the last section).",
        "",
        "## Misses",
        "",
    ] + [f"- {m}" for m in a.misses]
    return "\n".join(head + a.lines + printed_lines) + "\n", a.n_match, a.n_miss


# Where surveykit's wide Tables 3, 4 and 7 (analysis.yaml) print each published figure:
# the paper's half → the "PSS at workplace" level; (1) years of experience with MH
# clients, (2) years working with PSS. The paper's "without PSS" M/SD are those of
# everyone giving the answer: the Total column.
_PRINTED_AT = {
    ("with_pss", "n"): "Yes: n", ("with_pss", "range"): "Yes: Range (1)",
    ("with_pss", "min"): "Yes: Range (1)", ("with_pss", "max"): "Yes: Range (1)",
    ("with_pss", "mean"): "Yes: M (2)", ("with_pss", "sd"): "Yes: SD (2)",
    ("without_pss", "n"): "No: n", ("without_pss", "range"): "No: Range (1)",
    ("without_pss", "min"): "No: Range (1)", ("without_pss", "max"): "No: Range (1)",
    ("without_pss", "mean"): "Total: M (1)", ("without_pss", "sd"): "Total: SD (1)",
    ("totals", "n"): "Total: n", ("totals", "pct"): "Total: %",
}  # fmt: skip


def printed_crosstabs(pub, csv_text: str) -> tuple[list[str], int, int]:
    """Each figure of Tables 3, 4 and 7 found in surveykit's output for ``csv_text``.

    Runs surveykit on the written CSV with this folder's questionnaire and plan, and
    reads the cell where the paper's figure belongs.
    """
    import tempfile

    sys.path.insert(0, str(HERE.parent.parent))
    from surveykit.pipeline import run_survey

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "responses.csv"
        csv_path.write_bytes(csv_text.encode("utf-8"))
        result = run_survey(csv_path, HERE / "questionnaire.yaml", HERE / "analysis.yaml")
    tables = {t.id: t for t in result.tables}
    lines = [
        "",
        "## Tables 3, 4 and 7 as `surveykit analyze` prints them",
        "",
        "The wide crosstabs of `analysis.yaml`: answers as rows, PSS at workplace Yes",
        "('with PSS') and No ('without PSS') side by side, then Total. (1) is years of",
        "experience with MH clients, (2) years working with PSS. Each published figure",
        "is read from the cell named; a miss is one of the paper's contradictions above.",
        "",
        "| table | figure | published | printed | column | status |",
        "|---|---|---|---|---|---|",
    ]
    shown = total = 0
    for key, table_id in (
        ("table3_acceptance_by_pss_presence", "table3"),
        ("table4_willingness_by_pss_presence", "table4"),
        ("table7_pss_where_you_work_by_pss_presence", "table7"),
    ):
        table = tables[table_id]
        names = [str(c) for c in table.columns]
        rows = {r[0]: r for r in table.rows}
        for half in ("with_pss", "without_pss", "totals"):
            for answer, figures in pub[key].get(half, {}).items():
                for field, printed in figures.items():
                    column = _PRINTED_AT[(half, field)]
                    value = rows[answer][names.index(column)]
                    if isinstance(value, list):  # a range: [min, max]
                        lo, hi = value
                        value = {"min": lo, "max": hi, "range": hi - lo}[field]
                    if value is None and field == "sd" and float(printed) == 0:
                        value = 0.0  # the SD of one value: undefined; the paper prints 0
                    p = Printed(str(printed))
                    ok = p.match(value)
                    total += 1
                    shown += ok
                    text = "—" if value is None else p.fmt(value)
                    lines.append(
                        f"| {table_id} | {half} / {answer}: {field} | {printed} | {text} | "
                        f"`{column}` | {'match' if ok else '**MISS**'} |"
                    )
    return lines, shown, total


# ----------------------------------------------------------------------------


def _welch_f(groups):
    """Welch's F (Welch 1951) with its df and p, as R's oneway.test(var.equal = FALSE)."""
    ns = np.array([len(g) for g in groups], float)
    means = np.array([np.mean(g) for g in groups])
    w = ns / np.array([np.var(g, ddof=1) for g in groups])
    k, mw = len(groups), np.sum(w * means) / np.sum(w)
    tmp = np.sum((1 - w / np.sum(w)) ** 2 / (ns - 1))
    f = np.sum(w * (means - mw) ** 2) / (k - 1) / (1 + 2 * (k - 2) / (k * k - 1) * tmp)
    df2 = (k * k - 1) / (3 * tmp)
    return f, k - 1, df2, stats.f.sf(f, k - 1, df2)


def _apa_p(p):
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


def _variance_note(pub, dvs, code, P, AGE, X):
    """What surveykit's default ``variance: auto`` would report instead of the paper's tests."""
    lines = [
        "",
        "## Variances (`variance: student` in analysis.yaml)",
        "",
        "The paper reports Student's t and the classic F throughout, so `analysis.yaml`",
        "sets `variance: student`. With surveykit's default, `variance: auto`, a test whose",
        "Levene's test (mean-centred, as SPSS) gives p < .05 is reported with Welch's",
        "t or F instead; on this file that would change these tests:",
        "",
        "| test | Levene's test | paper (Student / classic) | `variance: auto` would report |",
        "|---|---|---|---|",
    ]
    for t in pub["tests"]:
        if t["kind"] == "t-test":
            s = np.array([code[v] for v in dvs[t["dv"]]], float)
            groups = [s[P == "Yes"], s[P == "No"]]
            name = f"t {t['dv']} by PSS at workplace"
        else:
            y = AGE if t["dv"] == "age" else X
            by = dvs[t["by"]]
            groups = [y[by == lab] for lab in ("Yes", "Maybe", "No")]
            name = f"F {t['dv']} by {t['by']}"
        lev = stats.levene(*groups, center="mean")
        if lev.pvalue >= 0.05:
            continue
        levene = f"F({len(groups) - 1}, {sum(map(len, groups)) - len(groups)}) = {lev.statistic:.2f}, {_apa_p(lev.pvalue)}"
        if t["kind"] == "t-test":
            paper = f"t({t['df']}) = {t['t']}, p = {str(t['p']).removeprefix('0')}"
            w = stats.ttest_ind(*groups, equal_var=False)
            welch = f"Welch t({w.df:.2f}) = {w.statistic:.2f}, {_apa_p(w.pvalue)}"
        else:
            paper = f"F({t['df1']}, {t['df2']}) = {t['F']}, p = {str(t['p']).removeprefix('0')}"
            if min(map(len, groups)) < 2:
                welch = "the classic F (Welch's F needs two answers in every group; one has 1)"
            else:
                f, df1, df2, p = _welch_f(groups)
                welch = f"Welch F({df1}, {df2:.2f}) = {f:.2f}, {_apa_p(p)}"
        lines.append(f"| {name} | {levene} | {paper} | {welch} |")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", type=Path, default=HERE, help="output directory (default: next to this script)"
    )
    args = ap.parse_args(argv)
    # scipy warns about the zero-variance group (all 26 with PSS answered "Yes")
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="scipy")
    pub = load_published()
    q = load_questionnaire()
    rng = np.random.default_rng(SEED)
    pss, acc, wil, whe, cell, lo, hi = build_design()
    x2 = solve_experience(pub, pss, acc, wil, whe, cell, lo, hi, rng)
    w2 = solve_years_with_pss(pub, pss, acc, whe, x2, rng)
    age = solve_ages(pub, acc, wil, whe, x2, rng)
    records = build_records(pub, q, pss, acc, wil, whe, x2, w2, age, rng)
    csv_text = write_csv(q, records, rng)
    audit_text, n_ok, n_miss = audit(pub, q, csv_text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "responses.csv").write_bytes(csv_text.encode("utf-8"))
    (args.out / "AUDIT.md").write_bytes(audit_text.encode("utf-8"))
    print(f"wrote {args.out / 'responses.csv'} and AUDIT.md: {n_ok} figures match, {n_miss} miss")
    return 0


if __name__ == "__main__":
    sys.exit(main())
