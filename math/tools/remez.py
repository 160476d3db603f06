#!/usr/bin/env python3
"""Minimax coefficient generator for symact::math (discrete Remez exchange).

Reproduces every polynomial table in math/symact/math/*.hpp:
    python3 math/tools/remez.py            # prints all tables as C++ initialisers
    python3 math/tools/remez.py exp_f32    # one table

Reference values are computed here with Python's `decimal` at 60+ digits (Taylor
series / Decimal.exp / Decimal.ln), so no external math library is involved.
A fit minimises max |w(x) * (f(x) - g(x) - sum_j c_j x^(e_j))| over a dense grid,
where g is a fixed leading part (e.g. r for expm1) kept exact in the kernel.
"""
import sys
from decimal import Decimal as D, getcontext, localcontext
import struct

getcontext().prec = 60

# ---------------------------------------------------------------- references
def d_pi():
    def atan_inv(n):  # atan(1/n), Taylor
        x = D(1) / n; x2 = x * x; s = x; t = x; k = 1
        while True:
            t *= -x2; k += 2; u = t / k
            if abs(u) < D(10) ** (-getcontext().prec - 5): break
            s += u
        return s
    return 16 * atan_inv(5) - 4 * atan_inv(239)

PI = d_pi()

def taylor(x, first, step_fn):
    s = first; t = first; n = 0
    eps = D(10) ** (-getcontext().prec - 3)
    while True:
        n += 1
        t = step_fn(t, n)
        s += t
        if abs(t) <= eps * abs(s): return s

def d_expm1(x):
    if abs(x) < D("0.5"):
        return taylor(x, x, lambda t, n: t * x / (n + 1))
    return x.exp() - 1

def d_tanh(x):
    e = d_expm1(2 * x)
    return e / (e + 2)

def d_log1p(x):
    return (1 + x).ln()

def d_sin(x): return taylor(x, x, lambda t, n: -t * x * x / ((2 * n) * (2 * n + 1)))
def d_cos(x): return taylor(x, D(1), lambda t, n: -t * x * x / ((2 * n - 1) * (2 * n)))
def d_atan(x): return taylor(x, x, lambda t, n: -t * x * x * (2 * n - 1) / (2 * n + 1))

def d_erf(x):
    # erf(x) = 2/sqrt(pi) * exp(-x^2) * sum 2^n x^(2n+1) / (1*3*...*(2n+1)), all terms positive
    with localcontext() as c:
        c.prec = 60 + int(float(x) ** 2 / 2.3) + 10
        x = +x
        s = taylor(x, x, lambda t, n: t * 2 * x * x / (2 * n + 1))
        r = 2 / PI.sqrt() * (-(x * x)).exp() * s
    return +r

def d_erfc_scaled(x):
    """erfc(x) * exp(x^2), accurate for large x (continued fraction), else 1-erf."""
    if x < 3:
        with localcontext() as c:
            c.prec = 80
            return (1 - d_erf(x)) * (x * x).exp()
    # Lentz continued fraction: erfc(x) e^{x^2} = (1/sqrt(pi)) / (x + 1/2/(x + 1/(x + 3/2/(x + ...))))
    n = 400
    f = x
    for k in range(n, 0, -1):
        f = x + D(k) / 2 / f
    return 1 / PI.sqrt() / f

# ---------------------------------------------------------------- linear algebra
def solve(A, b):
    n = len(A)
    M = [row[:] + [bb] for row, bb in zip(A, b)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(M[r][i]))
        M[i], M[p] = M[p], M[i]
        for r in range(i + 1, n):
            f = M[r][i] / M[i][i]
            if f:
                for c in range(i, n + 1): M[r][c] -= f * M[i][c]
    x = [D(0)] * n
    for i in range(n - 1, -1, -1):
        x[i] = (M[i][n] - sum(M[i][c] * x[c] for c in range(i + 1, n))) / M[i][i]
    return x

# ---------------------------------------------------------------- Remez
def remez(f, g, w, exps, a, b, npts=3000, iters=12):
    a, b = D(a), D(b)
    n = len(exps)
    import math
    grid = [a + (b - a) * D((1 - math.cos(math.pi * (k + 0.5) / npts)) / 2) for k in range(npts)]
    F = [f(x) - g(x) for x in grid]
    W = [w(x) for x in grid]
    P = [[x ** e for e in exps] for x in grid]
    idx = [int((npts - 1) * (1 - math.cos(math.pi * i / n)) / 2) for i in range(n + 1)]
    best = None
    for _ in range(iters):
        A = [P[i] + [D((-1) ** j) / W[i]] for j, i in enumerate(idx)]
        sol = solve(A, [F[i] for i in idx])
        c = sol[:n]
        err = [W[i] * (F[i] - sum(ci * pi for ci, pi in zip(c, P[i]))) for i in range(npts)]
        m = max(abs(e) for e in err)
        if best is None or m < best[1]: best = (c, m)
        # pick alternating extrema
        segs = []
        i = 0
        while i < npts:
            s = err[i] >= 0; j = i; k = i
            while j < npts and (err[j] >= 0) == s:
                if abs(err[j]) > abs(err[k]): k = j
                j += 1
            segs.append(k); i = j
        while len(segs) > n + 1:
            # drop the smaller end or merge smallest
            if abs(err[segs[0]]) < abs(err[segs[-1]]): segs.pop(0)
            else: segs.pop()
        if len(segs) < n + 1: break
        idx = segs
    return best

def remez_rounded(s, fmt):
    """Remez, then fix the coefficients one at a time (lowest exponent first) to their
    rounded values and refit the rest, so the later coefficients absorb the rounding
    of the earlier, larger terms."""
    exps = list(s["exps"]); fixed = []
    while True:
        g0 = s["g"]
        g = lambda x, fixed=tuple(fixed): g0(x) + sum(D(c) * x ** e for e, c in fixed)
        c, m = remez(s["f"], g, s["w"], exps, s["a"], s["b"], npts=s.get("npts", 3000))
        if len(exps) == 1:
            fixed.append((exps[0], round_to(c[0], fmt)))
            break
        fixed.append((exps[0], round_to(c[0], fmt)))
        exps = exps[1:]
    fixed.sort()
    return [c for _, c in fixed], m

def round_to(c, fmt):
    return struct.unpack(fmt, struct.pack(fmt, float(c)))[0]

def eval_err(f, g, w, exps, coeffs, a, b, npts=4000):
    import math
    a, b = D(a), D(b)
    m = D(0)
    for k in range(npts):
        x = a + (b - a) * D(k) / (npts - 1)
        if x == 0: continue
        p = sum(D(ci) * x ** e for ci, e in zip(coeffs, exps))
        m = max(m, abs(w(x) * (f(x) - g(x) - p)))
    return m

# ---------------------------------------------------------------- fits
def rel(f): return lambda x: 1 / abs(f(x))
ZERO = lambda x: D(0)
LN2 = D(2).ln()

def fit_erfc_piece(y0, y1, deg, last=False):
    # erfc(x) = exp(-x^2) * Q(y - mid), y = 1/x, Q = e^{x^2} erfc(x); centring keeps
    # the monomial coefficients small, so rounding them to the target precision costs little.
    # The last piece reaches y -> 0 where Q ~ y/sqrt(pi): there it is fitted uncentred
    # as y * (c1 + c2 y + ...), c0 = 0, so no term cancels against Q's small value.
    mid = D(0) if last else D(round((y0 + y1) / 2 * 256)) / 256  # exact: the kernel subtracts it
    f = lambda t: d_erfc_scaled(1 / (t + mid))
    exps = list(range(1, deg + 1)) if last else list(range(deg + 1))
    return dict(f=f, g=ZERO, w=rel(f), exps=exps, a=y0 - mid, b=y1 - mid, mid=mid, refit=True)

def fits(prec):
    """Table name -> fit spec, per precision ('f32' or 'f64')."""
    d = {}
    h = LN2 / 2 * D("1.002")
    dexp = 6 if prec == "f32" else 12
    # expm1(r) = r + sum c_j r^j, j = 2..dexp on |r| <= ln2/2
    d["expm1"] = dict(f=d_expm1, g=lambda x: x, w=rel(d_expm1), exps=list(range(2, dexp + 1)), a=-h, b=h)
    # log1p(f) = f + sum c_j f^j, j = 2..dlog (c_2 free: fixing it to -1/2 would give the
    # relative error a double zero at f = 0, which breaks the alternation the exchange needs)
    dlog = 10 if prec == "f32" else 20
    lo, hi = D("0.5").sqrt() - 1 - D("0.002"), D(2).sqrt() - 1 + D("0.002")
    d["log1p"] = dict(f=d_log1p, g=lambda x: x, w=rel(d_log1p), exps=list(range(2, dlog + 1)), a=lo, b=hi)
    if prec == "f32":  # log alone (not log1p) uses one degree less
        d["log"] = dict(f=d_log1p, g=lambda x: x, w=rel(d_log1p), exps=list(range(2, 10)), a=lo, b=hi)
    derf = 9 if prec == "f32" else 19
    # erf(x) = x + x * P(x^2) on |x| <= 0.5
    d["erf_small"] = dict(f=d_erf, g=lambda x: x, w=rel(d_erf), exps=list(range(1, derf + 1, 2)), a=D("1e-6"), b=D("0.5001"))
    dc = 8 if prec == "f32" else 17
    ymin = D(1) / D("10.2") if prec == "f32" else D(1) / D("27.5")
    d["erfc_0"] = fit_erfc_piece(D(1), D(2), dc)          # x in [0.5, 1]
    d["erfc_1"] = fit_erfc_piece(D("0.5"), D(1), dc)      # x in [1, 2]
    d["erfc_2"] = fit_erfc_piece(D("0.25"), D("0.5"), dc) # x in [2, 4]
    d["erfc_3"] = fit_erfc_piece(ymin, D("0.25"), dc, last=True)  # x in [4, xmax]
    if prec == "f32":
        # float32 erfc on every x: G(w) = (1 + a) e^{a^2} erfc(a) with w = 1/(1 + a), a in
        # [0, 10.1], as a polynomial in v = w - 1/2 (erfc = exp(-a^2) w G; G is flat, 0.56..1)
        erfcx_q = {}
        def g_erfcx(v):
            if v not in erfcx_q:
                w = v + D("0.5")
                erfcx_q[v] = d_erfc_scaled(1 / w - 1) / w
            return erfcx_q[v]
        d["erfcx_w"] = dict(f=g_erfcx, g=ZERO, w=rel(g_erfcx), exps=list(range(13)),
                            a=1 / D("11.1") - D("0.5"), b=D("0.5"), refit=True, npts=1000)
        # float32 erf on [0.5, 4]: log(erfc(a)) = a * L(a), weighted by erfc(a) (the error
        # that reaches erf = 1 - erfc); exps 1.. so L(a) multiplies a in the kernel
        def d_erfc(a):
            with localcontext() as c:
                c.prec = 80
                return +(1 - d_erf(a))
        d["erf_logerfc"] = dict(f=lambda a: d_erfc(a).ln(), g=ZERO, w=d_erfc, exps=list(range(1, 9)),
                                a=D("0.5"), b=D(4), refit=True)
    q = PI / 4 * D("1.01")  # margin: k = round(x * float(2/pi)) may be off by one near .5
    ds = 9 if prec == "f32" else 17
    d["sin"] = dict(f=d_sin, g=lambda x: x, w=rel(d_sin), exps=list(range(3, ds + 1, 2)), a=D("1e-6"), b=q)
    dcs = 8 if prec == "f32" else 16
    d["cos"] = dict(f=d_cos, g=lambda x: 1 - x * x / 2, w=rel(d_cos), exps=list(range(4, dcs + 1, 2)), a=D(0), b=q)
    # tanh(u) = u + u^3 P(u^2) on |u| <= 0.55 (above, 1 - 2t/(1+t) with t = e^{-2u})
    dt = 11 if prec == "f32" else 21
    d["tanh"] = dict(f=d_tanh, g=lambda x: x, w=rel(d_tanh), exps=list(range(3, dt + 1, 2)), a=D("1e-6"), b=D("0.5505"))
    t8 = D(2).sqrt() - 1 + D("0.001")
    da = 11 if prec == "f32" else 23
    d["atan"] = dict(f=d_atan, g=lambda x: x, w=rel(d_atan), exps=list(range(3, da + 1, 2)), a=D("1e-6"), b=t8)
    # pow's double-word log: log(m) = 2s + (2/3)s^3 + sum c_j s^j, j = 5, 7, ..., with
    # s = (m-1)/(m+1), |s| <= (sqrt2-1)/(sqrt2+1); the kernel keeps 2s and (2/3)s^3 as
    # double words, so only this tail (< 2^-12 of the total) is in working precision.
    smax = (D(2).sqrt() - 1) / (D(2).sqrt() + 1) * D("1.002")
    dpl = 8  # float64 only: float32 pow works in double (pow32_* below)
    if prec == "f64": d["pow_log"] = dict(f=lambda s: ((1 + s) / (1 - s)).ln(), g=lambda s: 2 * s + 2 * s ** 3 / 3,
                        w=rel(lambda s: ((1 + s) / (1 - s)).ln()), exps=list(range(5, 5 + 2 * dpl, 2)),
                        a=D("1e-6"), b=smax)
    if prec == "f64":
        # float32 pow computes in double (pow.hpp), so these are double tables used by the
        # float32 kernel: log2((1+s)/(1-s)) = s * Q(s^2) (relative error ~2^-38), and
        # 2^r = 1 + r * P(r) on |r| <= 1/2 (~2^-28.5)
        f_l2 = lambda s: ((1 + s) / (1 - s)).ln() / LN2
        d["pow32_log2"] = dict(f=f_l2, g=ZERO, w=rel(f_l2), exps=[1, 3, 5, 7, 9], a=D("1e-6"), b=smax)
        f_e2 = lambda r: (r * LN2).exp()
        h2 = D("0.5") * D("1.001")
        d["pow32_exp2"] = dict(f=f_e2, g=lambda r: D(1), w=rel(f_e2), exps=list(range(1, 7)), a=-h2, b=h2)
    return d

def hexlit(v, suffix):
    h = v.hex()                        # e.g. 0x1.5554ae0000000p-3
    m, e = h.split("p")
    if "." in m: m = m.rstrip("0").rstrip(".")
    return f"{m}p{e}{suffix}"

def main():
    want = sys.argv[1:]
    for prec, fmt, suffix in (("f32", "f", "f"), ("f64", "d", "")):
        for name, s in fits(prec).items():
            key = f"{name}_{prec}"
            if want and key not in want: continue
            n = s.get("npts", 3000)
            c, m = remez(s["f"], s["g"], s["w"], s["exps"], s["a"], s["b"], npts=n)
            ne = s.get("npts", 4000)
            cr = [round_to(ci, fmt) for ci in c]
            mr = eval_err(s["f"], s["g"], s["w"], s["exps"], cr, s["a"], s["b"], npts=ne)
            if s.get("refit") and prec == "f32":  # keep whichever rounds better
                cr2, _ = remez_rounded(s, fmt)
                mr2 = eval_err(s["f"], s["g"], s["w"], s["exps"], cr2, s["a"], s["b"], npts=ne)
                if mr2 < mr: cr, mr = cr2, mr2
            eps = 2.0 ** (-24 if prec == "f32" else -53)
            mid = f" centre {float(s['mid']):.6g}" if "mid" in s else ""
            print(f"// {key}: exponents {s['exps']} on [{float(s['a']):.6g}, {float(s['b']):.6g}]{mid}"
                  f"  max weighted error {float(m):.3e} (rounded coeffs {float(mr):.3e} = {float(mr)/eps:.3f} ulp)")
            print("{" + ", ".join(hexlit(v, suffix) for v in cr) + "}")
            sys.stdout.flush()

if __name__ == "__main__":
    main()
