// exp, expm1 (and the shared reduction that tanh, sech2, sigmoid, sinh, cosh and erfc
// reuse).
//
// Reduction: x = k*ln2 + r with k = round(x/ln2), |r| <= ln2/2.  r = x - k*ln2 is
// computed with ln2 split in two (hi, lo) and fma, so x - k*ln2_hi is exact.  Then
// p = expm1(r) = r + r^2*Q(r) (minimax, math/tools/remez.py "expm1"), which keeps full
// relative accuracy of expm1 near 0, and
//     exp(x)   = 2^k * (1 + p)
//     expm1(x) = 2^k * p + (2^k - 1)   (one fma; exact for k = 0)
// The 2^k scale is one fma and one exact-or-underflowing multiply (scale_kb_1p),
// so results down to the smallest subnormal are correctly produced (no flush) and
// overflow gives +inf.
//
// Shared work: exp_reduce(x) is the whole cost; exp_from / expm1_from are a few ops.
// Arguments known to be <= 0 (exp(-|u|), exp(-x^2)) use exp_reduce_neg / exp_neg: no
// upper clamp and a 4-op scale instead of 6.
// Functions that need both exp and expm1 of the same argument (tanh + sech2) call
// exp_reduce once, or call exp_reduce on an identical expression so CSE merges it.
#pragma once

#include <symact/math/helpers.hpp>

namespace symact::math {

namespace detail {
template <class S>
struct exp_consts;
template <>
struct exp_consts<float> {
  static constexpr float lo = -104.0f, hi = 90.0f;  // beyond: 0 / +inf
  static constexpr float kmin = -100.0f, kmax = 128.0f;  // expm1's clamp on k
  static constexpr float log2e = 0x1.715476p+0f;
  static constexpr float ln2_hi = 0x1.62e43p-1f, ln2_lo = -0x1.05c61p-29f;
  // expm1(r) = r + r^2 * Q(r), Q = c2 + c3 r + ...
  static constexpr float q[] = {0x1.fffffep-2f, 0x1.5554aep-3f, 0x1.555676p-5f, 0x1.122886p-7f,
                                0x1.6bebdep-10f};
};
template <>
struct exp_consts<double> {
  static constexpr double lo = -746.0, hi = 711.0;
  static constexpr double kmin = -1000.0, kmax = 1024.0;
  static constexpr double log2e = 0x1.71547652b82fep+0;
  static constexpr double ln2_hi = 0x1.62e42fefa39efp-1, ln2_lo = 0x1.abc9e3b39803fp-56;
  static constexpr double q[] = {0x1p-1,
                                 0x1.5555555555559p-3,
                                 0x1.555555555553ep-5,
                                 0x1.111111110f673p-7,
                                 0x1.6c16c16c1f27cp-10,
                                 0x1.a01a01b001f71p-13,
                                 0x1.a01a017b5cd38p-16,
                                 0x1.71ddf7fe4e561p-19,
                                 0x1.27e5369ce3397p-22,
                                 0x1.af5f689a34aa2p-26,
                                 0x1.1ee885a99a45fp-29};
};
}  // namespace detail

// x = k*ln2 + r, p = expm1(r).  k is an integral V.
template <class V>
struct exp_reduced {
  V k, r, p;
  V kb;  // k + shifter + 2*bias: k + 2*bias in the low mantissa bits (scale_kb_1p);
        // from exp_reduce_neg: k + shifter + bias + off (scale_kb_neg)
};

namespace detail {
// The reduction; Neg: the caller guarantees x <= 0 or NaN (only the lower clamp).
// Lo: x + xlo is a double word (|xlo| <= ulp(x)).
template <bool Neg, bool Lo, class V>
SYMACT_MATH_INLINE exp_reduced<V> exp_reduce_impl(V x, V xlo) {
  using S = scalar_t<V>;
  using C = exp_consts<S>;
  // Neg: kb in scale_kb_neg's form (k + bias + off in the low bits), else scale_kb_1p's
  constexpr S kshift = Neg ? kshift_neg<S> : fmt<S>::shifter + 2 * fmt<S>::bias;
  // Both clamps test x itself: chained clamps make g++ thread one into the other.
  // NaN passes through unchanged.
  V xc = x;
  if constexpr (!Neg) xc = select(x > C::hi, K<V>(C::hi), x);
  xc = select(x < C::lo, K<V>(C::lo), xc);
  V kb = fma(xc, K<V>(C::log2e), K<V>(kshift));  // round(x/ln2) + kshift
  V k = kb - kshift;
  V p, r;
  if constexpr (Lo) {
    xlo = select(xc == x, xlo, K<V>(0));  // a clamped x drops its low part (may be inf/NaN)
    V r1 = fma(k, K<V>(-C::ln2_hi), xc);  // exact
    V rl = fma(k, K<V>(-C::ln2_lo), xlo);  // small
    r = r1 + rl;
    V dr = (r1 - r) + rl;  // exact rounding error of r: r + dr = r1 + rl
    p = r + fma(r * r, horner(r, C::q), dr);
  } else {
    r = fma(k, K<V>(-C::ln2_hi), xc);
    r = fma(k, K<V>(-C::ln2_lo), r);
    V r2 = r * r;
    p = fma(r2, horner2(r, r2, C::q), r);
  }
  return {k, r, p, kb};
}
}  // namespace detail

// Reduce x (x is clamped to [lo, hi] first; NaN passes through the clamps unchanged).
template <class V>
SYMACT_MATH_INLINE exp_reduced<V> exp_reduce(V x) { return detail::exp_reduce_impl<false, false>(x, x); }
// Reduce x + xlo (xlo: the low part of a double-word argument, |xlo| <= ulp(x)).
template <class V>
SYMACT_MATH_INLINE exp_reduced<V> exp_reduce(V x, V xlo) { return detail::exp_reduce_impl<false, true>(x, xlo); }

// exp(x) * 2^e for an extra integral power e (e = 0: exp; e = -1: exp/2 for sinh/cosh).
template <class V>
SYMACT_MATH_INLINE V exp_from(const exp_reduced<V>& e, scalar_t<V> extra = 0) {
  return scale_kb_1p(e.p, extra == 0 ? e.kb : e.kb + extra);
}

// exp(x) for x <= 0 (or NaN): no upper clamp and the cheaper scale_kb_neg (k <= 0).
// sigmoid, tanh, sech2 (t = exp(-|u|), exp(-2|u|)) and erfc (exp(-x^2)) use these.
template <class V>
SYMACT_MATH_INLINE exp_reduced<V> exp_reduce_neg(V x) { return detail::exp_reduce_impl<true, false>(x, x); }
template <class V>
SYMACT_MATH_INLINE exp_reduced<V> exp_reduce_neg(V x, V xlo) { return detail::exp_reduce_impl<true, true>(x, xlo); }
// s (1 + p) as one fma with s = 2^(k + off) (exact: a power of two), then the exact-or-
// rounding step by 2^-off: one rounding for normal results.
template <class V>
SYMACT_MATH_INLINE V exp_neg(V x) {
  auto e = exp_reduce_neg(x);
  V s = scale_neg_s(e.kb);
  return fma(s, e.p, s) * scale_neg_consts<scalar_t<V>>::down;
}

// exp(x + xlo) = 2^k (h + l) for x <= 0 (or NaN), with h + l a double word: 1 + r is
// split exactly and the polynomial tail is added to the low part, so the rounding of
// 1 + p (up to 0.7 ulp relative) is not in the result.  erfc's tail uses it.
template <class V>
struct exp_dw {
  V kb, h, l;
};
template <class V>
SYMACT_MATH_INLINE exp_dw<V> exp_neg_dw(V x, V xlo) {
  using S = scalar_t<V>;
  using C = detail::exp_consts<S>;
  constexpr S kshift = kshift_neg<S>;
  V xc = select(x < C::lo, K<V>(C::lo), x);
  xlo = select(xc == x, xlo, K<V>(0));
  V kb = fma(xc, K<V>(C::log2e), K<V>(kshift));
  V k = kb - kshift;
  V r1 = fma(k, K<V>(-C::ln2_hi), xc);  // exact
  V rl = fma(k, K<V>(-C::ln2_lo), xlo);
  V r = r1 + rl;
  V dr = (r1 - r) + rl;
  V h = S(1) + r;
  V l = ((S(1) - h) + r) + fma(r * r, horner(r, C::q), dr);  // 1 + r = h + exact part
  return {kb, h, l};
}

// exp(x) = s * (1 + p) for x whose exp(x) is a normal number and x <= 0 (the caller
// guarantees it, e.g. by clamping): no clamps, and s = 2^k is one shift of the fma's bits
// (k + bias in the low mantissa bits).  Lets a caller fold 1 - exp(x) into one fma
// (erf: 1 - s - s*p, where 1 - s is exact).
template <class V>
struct exp_normal_parts {
  V s, p;
};
template <class V>
SYMACT_MATH_INLINE exp_normal_parts<V> exp_normal_neg(V x) {
  using S = scalar_t<V>;
  using C = detail::exp_consts<S>;
  constexpr S kshift = fmt<S>::shifter + fmt<S>::bias;
  V kb = fma(x, K<V>(C::log2e), K<V>(kshift));
  V k = kb - kshift;
  V r = fma(k, K<V>(-C::ln2_hi), x);
  r = fma(k, K<V>(-C::ln2_lo), r);
  V p = fma(r * r, horner(r, C::q), r);
  return {as_float(as_uint(kb) << fmt<S>::mant), p};
}

// expm1(x) = 2 * (h*p + (h - 1/2)), h = 2^(k-1).  k is clamped so h stays normal: for
// k < kmin the result is -1 anyway, for k > kmax it is +inf.
template <class V>
SYMACT_MATH_INLINE V expm1_from(const exp_reduced<V>& e) {
  using C = detail::exp_consts<scalar_t<V>>;
  V k = select(e.k < C::kmin, K<V>(C::kmin), e.k);
  k = select(k > C::kmax, K<V>(C::kmax), k);
  V h = exp2i(k - scalar_t<V>(1));
  V r = scalar_t<V>(2) * fma(h, e.p, h - scalar_t<V>(0.5));
  // k = 0: expm1 is p itself; the halving above would round a subnormal p (expm1(den) was 0)
  r = select(e.k == scalar_t<V>(0), e.p, r);
  return select(e.k > C::kmax, inf_v<V>(), r);
}

template <class V>
SYMACT_MATH_INLINE V exp(V x) { return exp_from(exp_reduce(x)); }

template <class V>
SYMACT_MATH_INLINE V expm1(V x) { return keep_zero(x, expm1_from(exp_reduce(x))); }

}  // namespace symact::math
