"""The studentized range distribution, as R computes it (ptukey/qtukey).

scipy's ``studentized_range`` integrates a double integral adaptively and
needs about 10 ms per cdf and a hundred cdfs per quantile, which made the
post-hoc tests of a small survey take seconds. This is R's algorithm
(Copenhaver & Holland 1988, AS 190 as revised in R's ``ptukey.c``): fixed
Gauss–Legendre quadrature, vectorised here with numpy, so post-hoc p values
and intervals agree with R's ``TukeyHSD`` to ~1e-10 at a fraction of a
millisecond per call. Quantiles are found by Brent's method on the cdf.

The upper tail, which post-hoc p values are, is integrated directly rather than
taken as 1 - cdf: below p ~ 1e-6 the difference keeps only the digits that the
cdf's ~1e-16 rounding leaves (q = 12, k = 4, df = 60 gave 6.37e-11 for 4.379e-11).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

# 12-point Gauss–Legendre (wprob) and 16-point (ptukey) nodes/weights, half sets.
_XLEG = np.array([
    0.981560634246719250690549090149, 0.904117256370474856678465866119,
    0.769902674194304687036893833213, 0.587317954286617447296702418941,
    0.367831498998180193752691536644, 0.125233408511468915472441369464,
])  # fmt: skip
_ALEG = np.array([
    0.047175336386511827194615961485, 0.106939325995318430960254718194,
    0.160078328543346226334652529543, 0.203167426723065921749064455810,
    0.233492536538354808760849898925, 0.249147045813402785000562436043,
])  # fmt: skip
_XLEGQ = np.array([
    0.989400934991649932596154173450, 0.944575023073232576077988415535,
    0.865631202387831743880467897712, 0.755404408355003033895101194847,
    0.617876244402643748446671764049, 0.458016777657227386342419442984,
    0.281603550779258913230460501460, 0.950125098376374401853193354250e-1,
])  # fmt: skip
_ALEGQ = np.array([
    0.271524594117540948517805724560e-1, 0.622535239386478928628438369944e-1,
    0.951585116824927848099251076022e-1, 0.124628971255533872052476282192,
    0.149595988816576732081501730547, 0.169156519395002538189312079030,
    0.182603415044923588866763667969, 0.189450610455068496285396723208,
])  # fmt: skip
# Nodes in increasing order with their weights, as R's loops visit them.
_NODES12 = np.concatenate([-_XLEG, _XLEG[::-1]])
_WEIGHTS12 = np.concatenate([_ALEG, _ALEG[::-1]])
_NODES16 = np.concatenate([-_XLEGQ, _XLEGQ[::-1]])
_WEIGHTS16 = np.concatenate([_ALEGQ, _ALEGQ[::-1]])
_SQRT_2PI = math.sqrt(2 * math.pi)


def _brentq(f: Any, a: float, b: float, xtol: float, rtol: float) -> float:
    from surveykit.stats.roots import brentq  # scipy's, without importing scipy.optimize

    return float(brentq(f, a, b, xtol=xtol, rtol=rtol))


def _pnorm(x: np.ndarray) -> np.ndarray:
    return special.ndtr(x)


def _wprob(w: np.ndarray, cc: float) -> np.ndarray:
    """P(range of cc standard normals < w), vectorised over w (R's wprob with rr = 1)."""
    w = np.asarray(w, dtype=float)
    qsqz = w * 0.5
    pr_w = 2 * _pnorm(qsqz) - 1.0
    pr_w = np.where(pr_w >= math.exp(-50.0 / cc), pr_w**cc, 0.0)
    einsum = np.zeros_like(w)
    cc1 = cc - 1.0
    floor = math.exp(-30.0 / cc1)
    for wincr, use in ((2, w > 3.0), (3, w <= 3.0)):
        if not use.any():
            continue
        binc = (8.0 - qsqz) / wincr
        total = np.zeros_like(w)
        for wi in range(wincr):
            blb = qsqz + wi * binc
            a = blb + 0.5 * binc
            b = 0.5 * binc
            ac = a[:, None] + b[:, None] * _NODES12[None, :]
            qexpo = ac * ac
            rinsum = _pnorm(ac) - _pnorm(ac - w[:, None])
            keep = (qexpo <= 60.0) & (rinsum >= floor)
            # R stops at the first node past the cut-off; nodes increase, so a mask is the same.
            keep &= np.cumprod(qexpo <= 60.0, axis=1).astype(bool)
            terms = np.where(
                keep, _WEIGHTS12 * np.exp(-0.5 * qexpo) * np.where(keep, rinsum, 1.0) ** cc1, 0.0
            )
            total += terms.sum(axis=1) * (2.0 * b * cc / _SQRT_2PI)
        einsum = np.where(use, total, einsum)
    pr_w = pr_w + einsum
    out = np.where(pr_w <= math.exp(-30.0), 0.0, np.minimum(pr_w, 1.0))
    return np.where(qsqz >= 8.0, 1.0, out)


def ptukey(q: float, k: int, df: float) -> float:
    """P(Q ≤ q) for the studentized range of ``k`` means with ``df`` error df (R's ptukey)."""
    if q <= 0:
        return 0.0
    if not math.isfinite(q):
        return 1.0
    if df < 2 or k < 2:
        raise ValueError("ptukey needs df ≥ 2 and k ≥ 2")
    if df > 25000:
        return float(_wprob(np.array([q]), k)[0])
    f2 = df * 0.5
    f2lf = f2 * math.log(df) - df * math.log(2) - math.lgamma(f2)
    f21 = f2 - 1.0
    ff4 = df * 0.25
    ulen = 1.0 if df <= 100 else 0.5 if df <= 800 else 0.25 if df <= 5000 else 0.125
    f2lf += math.log(ulen)
    i = np.arange(1, 51)[:, None]
    u = (2 * i - 1) * ulen + _NODES16[None, :] * ulen  # the χ-type variable at every node
    t1 = f2lf + f21 * np.log(u) - u * ff4
    live = t1 >= -30.0
    wprb = np.zeros_like(u)
    wprb[live] = _wprob(q * np.sqrt(u[live] * 0.5), k)
    otsum = np.where(live, wprb * _WEIGHTS16 * np.exp(t1), 0.0).sum(axis=1)
    # R adds intervals until one contributes ≤ 1e-14 (after at least 1/ulen of them).
    done = (np.arange(1, 51) * ulen >= 1.0) & (otsum <= 1e-14)
    stop = int(np.argmax(done)) if done.any() else 50
    return float(min(otsum[:stop].sum(), 1.0))


# Below this error df R's fixed quadrature drifts from the exact distribution (1e-4 at
# df = 2, 1e-9 by df = 10): the density of the error-variance factor has a u^(df/2 - 1)
# kink at 0 that 16-point panels of width 1 cannot follow.
_SMALL_DF = 10.0


def _ptukey_small_df(q: float, k: int, df: float, panels: int = 12) -> float:
    """P(Q ≤ q) for small df: the same integral over v = sqrt(u), where it is smooth.

    Agrees with scipy's adaptive ``studentized_range.cdf`` to < 1e-9 for df in [2, 10)
    in about 1 ms instead of 10 ms.
    """
    f2 = df * 0.5
    log_c = f2 * math.log(df) - df * math.log(2) - math.lgamma(f2)
    v_max = math.sqrt(2.0 + 160.0 / df)  # the density is below e^-40 beyond this
    edges = np.linspace(0.0, v_max, panels + 1)
    mid, half = (edges[:-1] + edges[1:]) / 2, (edges[1:] - edges[:-1]) / 2
    v = (mid[:, None] + half[:, None] * _NODES16[None, :]).ravel()
    weights = (half[:, None] * _WEIGHTS16[None, :]).ravel()
    u = v * v
    density = np.exp(log_c + (f2 - 1) * np.log(u) - u * df / 4) * 2 * v
    return float(min(np.sum(weights * density * _wprob(q * v / math.sqrt(2), k)), 1.0))


def studentized_range_cdf(q: float, k: int, df: float) -> float:
    """P(Q ≤ q): R's algorithm for df ≥ 10, the smooth substitution below."""
    if q <= 0:
        return 0.0
    if df < _SMALL_DF:
        if df < 1:
            raise ValueError("the studentized range needs df ≥ 1")
        return _ptukey_small_df(q, k, df)
    return ptukey(q, k, df)


def _gauss_panels(lo: np.ndarray, hi: np.ndarray, panels: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of ``panels`` equal 16-point Gauss–Legendre panels on each [lo, hi]."""
    lo, hi = lo[:, None], hi[:, None]
    width = (hi - lo) / panels
    mids = lo + width * (np.arange(panels) + 0.5)
    nodes = (mids[:, :, None] + (width / 2)[:, :, None] * _NODES16).reshape(len(lo), -1)
    weights = np.broadcast_to((width / 2)[:, :, None] * _WEIGHTS16, (len(lo), panels, 16))
    return nodes, weights.reshape(len(lo), -1)


def _log1mexp(d: np.ndarray) -> np.ndarray:
    """log(1 - e^d) for d ≤ 0 without cancellation (Mächler 2012)."""
    with np.errstate(divide="ignore"):
        return np.where(
            d > -math.log(2), np.log(-np.expm1(np.minimum(d, -1e-300))), np.log1p(-np.exp(d))
        )


def _range_sf(w: np.ndarray, k: int) -> np.ndarray:
    """P(range of k standard normals > w), vectorised over w.

    k ∫ φ(x) [Φ(x)^(k-1) - (Φ(x) - Φ(x-w))^(k-1)] dx, with the bracket written as
    Φ(x)^(k-1) (1 - (1 - r)^(k-1)), r = Φ(x-w)/Φ(x), in logs: no difference of nearly
    equal numbers, so the tail keeps its relative precision however small it is.
    The integrand falls like exp(-(x - w/2)^2) away from w/2 (like φ(x) when w is small),
    so x runs over w/2 ± 6.5 (from -6.5 at least).
    """
    half = 6.5
    x, weights = _gauss_panels(np.maximum(-half, w / 2 - half), w / 2 + half, 4)
    log_cdf = special.log_ndtr(x)
    log_ratio = special.log_ndtr(x - w[:, None]) - log_cdf
    bracket = -np.expm1((k - 1) * _log1mexp(log_ratio))
    integrand = np.exp(-0.5 * x * x + (k - 1) * log_cdf) * bracket
    return k * np.sum(weights * integrand, axis=1) / _SQRT_2PI


def _stirling_error(x: float) -> float:
    """lgamma(x) - ((x - 1/2) log x - x + log(2π)/2), without cancellation for large x."""
    if x < 15:
        return math.lgamma(x) - ((x - 0.5) * math.log(x) - x + 0.5 * math.log(2 * math.pi))
    x2 = x * x
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x


def studentized_range_sf(q: float, k: int, df: float) -> float:
    """P(Q > q), integrated directly (relative error < 1e-9 down to 1e-14 and below).

    P(Q > q) = ∫ g(s) P(range > q s) ds over s = sqrt(χ²_df / df), whose density g is
    written around s = 1 so that a large df keeps its digits. The integrand lies under
    a constant times s^(df-1) exp(-(df/2 + q²/4) s²) (the range tail is at most
    k(k-1)/2 · exp(-w²/4)); the range is that envelope's peak −9 / +12 of its widths.
    For df < 4 the range starts at 0, where s^(df-1) is not smooth for fractional df
    (Games–Howell): s = h u^4 makes it u^(4 df - 1).
    """
    if q <= 0:
        return 1.0
    if not math.isfinite(q):
        return 0.0
    if k < 2:
        raise ValueError("the studentized range needs k ≥ 2")
    if df < 1:
        raise ValueError("the studentized range needs df ≥ 1")
    if math.isinf(df):
        return float(_range_sf(np.array([q]), k)[0])
    a = df / 2 + q * q / 4
    peak = math.sqrt((df - 1) / (2 * a))
    width = 1 / (2 * math.sqrt(a))
    lo, hi = max(0.0, peak - 9 * width), peak + 12 * width
    if lo > 0 or df >= 4:
        s, weights = _gauss_panels(np.array([lo]), np.array([hi]), 4)
    else:
        u, weights = _gauss_panels(np.array([0.0]), np.array([1.0]), 4)
        s, weights = hi * u**4, weights * hi * 4 * u**3
    s, weights = s[0], weights[0]
    e = s - 1
    log_s = np.log(s)
    near = np.abs(e) < 0.5  # log1p keeps the digits of s near 1; s - 1 would lose a tiny s
    log_s[near] = np.log1p(e[near])
    half_df = df / 2
    log_density = (
        math.log(2) + 0.5 * math.log(half_df / (2 * math.pi)) - _stirling_error(half_df)
        + df * (log_s - e) - log_s - df * e * e / 2
    )  # fmt: skip
    return float(min(np.sum(weights * np.exp(log_density) * _range_sf(q * s, k)), 1.0))


def studentized_range_ppf(p: float, k: int, df: float) -> float:
    """The p quantile of Q (Brent's method on :func:`studentized_range_cdf`)."""
    if not 0 < p < 1:
        raise ValueError("the quantile needs 0 < p < 1")
    lo, hi = 0.0, 2.0
    while studentized_range_cdf(hi, k, df) < p:
        lo, hi = hi, hi * 2.0
    return _brentq(lambda x: studentized_range_cdf(x, k, df) - p, lo, hi, 1e-12, 1e-13)


def qtukey(p: float, k: int, df: float) -> float:
    """The quantile of R's ptukey: ptukey(q, k, df) = p."""
    if not 0 < p < 1:
        raise ValueError("qtukey needs 0 < p < 1")
    hi = 2.0
    while ptukey(hi, k, df) < p:
        hi *= 2.0
    return _brentq(lambda x: ptukey(x, k, df) - p, 0.0, hi, 1e-13, 1e-14)
