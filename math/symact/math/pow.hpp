// pow(x, y) for real x and y.
//
// float32: computed in double (widen / narrow), one rounding at the end.
//   |x| and y are widened (exact); log2|x| = e + s*Q(s^2) with |x| = 2^e * m,
//   m in [sqrt(1/2), sqrt(2)) (log.hpp's split, in double: float subnormals are normal
//   there), s = f/(f+2), f = m-1 (one double division), Q minimax (math/tools/remez.py
//   "pow32_log2", 2^-38 relative); T = y*log2|x| in plain double (|T| < 160 where the
//   result is not 0 or inf, so T's absolute error is ~2^-45); k = round(T) from the same
//   product by an fma with 1.5*2^52, r = T - k exact, 2^r = 1 + r*P(r) (remez.py
//   "pow32_exp2", 2^-28.5), 2^k added to the exponent bits; T > 140 / T < -160 give
//   inf / 0 (late selects, off the dependent chain).  The double result is narrowed
//   once: that rounding (incl. gradual underflow to subnormals and overflow to inf) is
//   the only float rounding.  Measured: 0.546 ulp over 2^26 pairs (math_ulp pow).
//   Speed: about 0.3 ns/element of the ~1.1 is the special cases below; the double
//   core alone (widen, split, division, two polynomials, narrow) runs at ~0.76, and its
//   log2 part alone at ~0.39 (loops like bench_math's, AVX-512, 2026-11-23).
// float64: pow(x, y) = exp(y * log|x|), with log|x| carried as a double word Lh + Ll
//   and the product y*L as a double word fed to exp_reduce's two-part argument.  The
//   double word is what makes this accurate: an absolute error d in y*L is a relative
//   error d in the result, and |y*L| reaches 745, so log|x| needs about 2^-63 relative
//   accuracy, 10 bits more than the format has.
//
// float64 log|x|: |x| = 2^e * m as above, f = m - 1 exact,
//     s = f / (2 + f),  |s| <= 0.1716,   log(m) = 2 atanh(s) = 2s + (2/3)s^3 + s^5 P(s^2)
// s is a double word: one division, its residual times 1/(2+f) = (1 - s)/2 (no second
// division).  2s and (2/3)s^3 are kept as double words; the tail s^5 P (minimax,
// math/tools/remez.py "pow_log") is below 2^-12 of the total, so working precision is
// enough there.  e*ln2 is added with an fma-exact product and a Fast2Sum.
//
// Special cases (C99 / IEEE 754 pow), applied with selects at the end:
//   pow(x, +-0) = 1 for any x, even NaN;  pow(+1, y) = 1 for any y, even NaN
//   NaN otherwise propagates
//   x < 0 finite, y finite non-integer: NaN;  x < 0 (or -0), y odd integer: sign of x
//   pow(-1, +-inf) = 1;  |x| < 1 / > 1 with y = +-inf: 0 or +inf
//   x = +-0 or +-inf: float64: log|x| = -inf / +inf, so y*L = +-inf and exp gives 0 or
//   +inf; float32: the split gives log2|x| = -1023 / 1024 there, so y is replaced by
//   +-2^64 (its sign kept), which puts y*log2|x| out of range on the right side; so is
//   any |y| >= 2^64 (inf included): for x != +-1 the result is 0 or inf either way, and
//   for x = +-1, y*log2|x| = 0 gives pow(-1, +-inf) = 1 without a select of its own
// Overflow / underflow: results underflow gradually to subnormals, and +inf appears
// where the true value rounds above the largest finite number.
#pragma once

#include <symact/math/exp.hpp>
#include <symact/math/log.hpp>

namespace symact::math {

namespace detail {
template <class S>
struct pow_consts;
template <>
struct pow_consts<double> {
  static constexpr double two_thirds_hi = 0x1.5555555555555p-1, two_thirds_lo = 0x1.5555555555555p-55;
  static constexpr double ln2_hi = 0x1.62e42fefa39efp-1, ln2_lo = 0x1.abc9e3b39803fp-56;
  static constexpr double tail[] = {0x1.9999999999995p-2, 0x1.2492492493082p-2, 0x1.c71c71c5772acp-3,
                                    0x1.745d1836c7aaep-3, 0x1.3b1361845d0aap-3, 0x1.1120e3c89b7e4p-3,
                                    0x1.de2c17417892p-4,  0x1.eb4e8f7b67e5bp-4};
};

template <class V>
struct dword {
  V hi, lo;
};

// e*ln2 + log(1 + f) as a double word, for integral e and f in [sqrt(1/2)-1, sqrt(2)-1].
template <class V>
SYMACT_MATH_INLINE dword<V> log_dw(V e, V f) {
  using S = scalar_t<V>;
  using C = pow_consts<S>;
  V d = S(2) + f;
  V dl = f - (d - S(2));  // exact: 2 + f = d + dl
  V sh = f / d;
  // s = sh + sl: the residual f - sh*(d + dl) (fma: nearly exact) times 1/(2+f) = (1-s)/2
  V sl = fma(-sh, dl, fma(-sh, d, f)) * fma(K<V>(S(-0.5)), sh, K<V>(S(0.5)));
  V zh = sh * sh;
  V zl = fma(sh + sh, sl, fma(sh, sh, -zh));  // s^2 = zh + zl
  // t = s^2 * (2/3 + s^2 P(s^2)) = th + tl
  V th = zh * C::two_thirds_hi;
  V tl = fma(zh, K<V>(C::two_thirds_hi), -th);
  tl = fma(zl, K<V>(C::two_thirds_hi), fma(zh, K<V>(C::two_thirds_lo), tl));
  tl = fma(zh * zh, horner(zh, C::tail), tl);
  // u = s * t = uh + ul
  V uh = sh * th;
  V ul = fma(sh, th, -uh);
  ul = fma(sh, tl, fma(sl, th, ul));
  // log(m) = 2s + u = mh + ml   (Fast2Sum: |2sh| > |uh|)
  V s2 = sh + sh;
  V mh = s2 + uh;
  V ml = ((s2 - mh) + uh) + (sl + sl + ul);
  // e*ln2 = eh + el
  V eh = e * C::ln2_hi;
  V el = fma(e, K<V>(C::ln2_lo), fma(e, K<V>(C::ln2_hi), -eh));
  // (Fast2Sum: |eh| >= ln2 > |mh| unless e = 0, when it is exact anyway)
  V lh = eh + mh;
  V ll = ((eh - lh) + mh) + (el + ml);
  // renormalise (ml holds the tail, up to 2^-12 of lh): exp_reduce wants |lo| <= ulp(hi)
  V h = lh + ll;
  return {h, (lh - h) + ll};
}

// float32 pow's double tables (remez.py "pow32_log2", "pow32_exp2"):
//   log2((1+s)/(1-s)) = s * Q(s^2),   2^r = 1 + r * P(r)
struct pow32_consts {
  static constexpr double q[] = {0x1.71547652bf015p+1, 0x1.ec709d0ffbc7ep-1, 0x1.277782276c694p-1,
                                 0x1.a58c6c9b2d9fbp-2, 0x1.5cfdd4dbd704fp-2};
  static constexpr double p[] = {0x1.62e431191166cp-1, 0x1.ebfbe2c9c61a7p-3, 0x1.c6ae709c588d8p-5,
                                 0x1.3b270a7480037p-7, 0x1.5f737e0e3a37dp-10, 0x1.470d73024a747p-13};
  static constexpr double shifter = 0x1.8p52;   // k + shifter: k in the low bits
  static constexpr double hi = 140.0, lo = -160.0;  // 2^T beyond: inf / 0 in float
  static constexpr float y_far = 0x1p64f;       // |y| for x = 0 or inf (see the top)
};

// 2^(y * log2 ax) in double for float32 ax > 0 (0 and inf give log2 = -1023 / 1024) and y
// (NaN in, garbage out: the caller's selects replace it).  W: the double value type.
template <class W>
SYMACT_MATH_INLINE W pow32_core(W ax, W y) {
  using C = pow32_consts;
  auto sp = split_log(ax);  // ax is a normal double (float subnormals included)
  W s = sp.f / (sp.f + 2.0);
  W z = s * s, z2 = z * z;
  // L = e + s*q0 + s*z*(q1 + q2 z + z2 (q3 + q4 z)): the terms in parallel (Estrin)
  W q = fma(z2, fma(K<W>(C::q[4]), z, K<W>(C::q[3])), fma(K<W>(C::q[2]), z, K<W>(C::q[1])));
  W L = fma(s * z, q, fma(s, K<W>(C::q[0]), sp.e));
  W T = y * L;
  W kb = fma(y, L, K<W>(C::shifter));  // round(T) + shifter, from the exact product
  W r = T - (kb - C::shifter);          // exact, |r| <= 1/2 (+ a rounding of T)
  W r2 = r * r;
  W p = fma(r2 * r2, fma(K<W>(C::p[5]), r2, fma(K<W>(C::p[4]), r, K<W>(C::p[3]))),
            fma(r2, fma(K<W>(C::p[2]), r, K<W>(C::p[1])), fma(K<W>(C::p[0]), r, K<W>(1.0))));
  // p * 2^k: k (two's complement in kb's low bits) added to p's exponent field
  W v = as_float(as_uint(p) + (as_uint(kb) << fmt<double>::mant));
  v = select(T > C::hi, inf_v<W>(), v);
  return select(T < C::lo, K<W>(0.0), v);
}

// v is an integer (inf counts as one; NaN does not).  Below 2^mant, adding 2^mant
// rounds a to an integer; at or above, every float is an integer.
template <class V>
SYMACT_MATH_INLINE auto is_integral(V v) {
  using S = scalar_t<V>;
  V a = abs(v);
  return mask_or(a >= fmt<S>::two_mant, ((a + fmt<S>::two_mant) - fmt<S>::two_mant) == a);
}

// float32 pow: the double core plus the special cases in float.
template <class V>
SYMACT_MATH_INLINE V pow_f32(V x, V y) {
  using S = scalar_t<V>;
  constexpr S far = pow32_consts::y_far;
  V ax = abs(x), ay = abs(y);
  auto x_zi = mask_or(ax == S(0), ax == inf_v<V>());
  // x = +-0 / +-inf, and |y| >= 2^64 (incl. inf, and NaN: replaced below): |y| -> 2^64,
  // which puts y*log2|x| out of range on the right side (and keeps it 0 for x = +-1)
  V yc = copysign(select(mask_or(x_zi, mask_not(ay < far)), K<V>(far), ay), y);
  V r = narrow(pow32_core(widen(ax), widen(yc)));
  // y odd: t = |y|/2 is an integer plus a half (t is exact below 2^24; above, an integer)
  V t = ay * S(0.5);
  auto y_odd = abs(t - ((t + fmt<S>::two_mant) - fmt<S>::two_mant)) == S(0.5);
  r = copysign(r, select(y_odd, x, K<V>(1)));  // r >= 0 here; -0 counts as negative
  auto x_neg_finite = mask_and(x < S(0), mask_not(x_zi));
  r = select(mask_and(x_neg_finite, mask_not(is_integral(y))), nan_v<V>(), r);
  V a = ax + ay;  // NaN exactly when x or y is (both >= 0: never inf - inf)
  r = select(is_nan(a), a, r);
  return select(mask_or(x == S(1), y == S(0)), K<V>(1), r);
}
}  // namespace detail

template <class V>
SYMACT_MATH_INLINE V pow(V x, V y) {
  if constexpr (is_f32<V>) return detail::pow_f32(x, y);
  else {
    using S = scalar_t<V>;
    using LC = detail::log_consts<S>;
    V ax = abs(x);
    // log|x| for finite positive |x| (subnormals pre-scaled as in log), +-inf at 0 / inf
    auto sub = ax < fmt<S>::min_normal;
    auto sp = detail::split_log(ax * select(sub, K<V>(LC::sub_scale), K<V>(1)));
    V e = sp.e - select(sub, K<V>(LC::sub_e), K<V>(0));
    auto l = detail::log_dw(e, sp.f);
    V lh = select(ax == S(0), -inf_v<V>(), l.hi);
    lh = select(ax == inf_v<V>(), ax, lh);
    // y * log|x| = zh + zl; exp_reduce drops zl where zh is out of range (inf, NaN)
    V zh = y * lh;
    V zl = fma(y, l.lo, fma(y, lh, -zh));
    V r = exp_from(exp_reduce(zh, zl));

    auto y_int = detail::is_integral(y);
    auto y_odd = mask_and(y_int, mask_not(detail::is_integral(y * S(0.5))));
    auto x_neg = copysign(K<V>(1), x) < S(0);  // includes -0
    r = select(mask_and(x_neg, y_odd), -r, r);
    auto x_neg_finite = mask_and(x < S(0), x > -inf_v<V>());
    r = select(mask_and(x_neg_finite, mask_not(y_int)), nan_v<V>(), r);
    r = select(mask_and(ax == S(1), abs(y) == inf_v<V>()), K<V>(1), r);  // y*L = 0*inf
    r = select(mask_or(is_nan(x), is_nan(y)), x + y, r);
    return select(mask_or(x == S(1), y == S(0)), K<V>(1), r);
  }
}

}  // namespace symact::math
