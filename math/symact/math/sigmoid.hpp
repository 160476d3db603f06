// sigmoid, its derivative, and softplus; all from t = exp(-|u|) in (0, 1].
//
//     q           = t / (1 + t) = sigmoid(-|u|)     (0 < q <= 1/2)
//     sigmoid(u)  = u >= 0 ? 1 - q : q
//     dsigmoid(u) = sigmoid(u) * sigmoid(-u) = q * (1 - q)
//     softplus(u) = max(u, 0) + log1p(t)    (log1p_unit: t in [0, 1])
// From t, q is computed with one division plus a correction for the rounding of 1 + t and
// of the division (the residual t - q(1+t) = (t - q) - qt, exact up to one rounding, times
// 1/(1+t) = 1 - q, is added back), so q is about as accurate as t.  float32 sigmoid and
// dsigmoid of u take q = 1/(1 + e^|u|) instead, one division with an exact numerator and
// no correction (detail::sigmoid_q_pos).  t is relatively
// accurate down to subnormals, so both tails keep relative accuracy (sigmoid(-100),
// dsigmoid(+-100), softplus(-100) ~ 3.7e-44), and no form subtracts nearly equal
// numbers (1 - q >= 1/2).
// Shared work: sigmoid_t(u) and sigmoid_q(t); kernels needing several of these
// compute them once and use the *_from forms (or rely on CSE of identical code).
#pragma once

#include <symact/math/exp.hpp>
#include <symact/math/log.hpp>

namespace symact::math {

template <class V>
SYMACT_MATH_INLINE V sigmoid_t(V u) { return exp_neg(-abs(u)); }

// sigmoid(-|u|) from t = exp(-|u|)
template <class V>
SYMACT_MATH_INLINE V sigmoid_q(V t) {
  using S = scalar_t<V>;
  V q = t / (S(1) + t);
  // residual t - q*(1 + t) = (t - q) - q*t: t - q is exact (t/2 <= q <= t, Sterbenz),
  // so one fma gives it with a single rounding, whatever the rounding of 1 + t was
  V res = fma(-q, t, t - q);
  // q + res/(1+t), 1/(1+t) = 1 - q; float32 drops the factor 1 - q as sigmoid_q_up
  // below does (the same operations scaled by powers of two: bit-identical results)
  if constexpr (is_f32<V>)
    return q + res;
  else
    return fma(res, S(1) - q, q);
}

// The same q from u, one multiply shorter: exp_neg(-|u|) ends with T * 2^-off (T =
// 2^off t, exact), and q = T/(2^off + T) needs no t: the residual 2^off (t - q(1+t)) =
// (T - 2^off q) - qT is again exact up to one rounding, and 2^-off (1 - q) (one fma) both
// scales it back and divides by 1 + t.  T is normal even where t is subnormal (u < -87).
// float32 scales the residual by 2^-off alone (drops the 1/(1 + t) = 1 - q factor): the
// correction is at most ~1.5 ulp of q, so over-correcting it by the factor 1 + t costs
// at most ~q * 1.5 ulp, and one fma less (float32 sech2 uses this q; float32 sigmoid did,
// at 1.690 ulp, before sigmoid_q_pos below).
// Corrected = false: the plain quotient (2.402 ulp for float32 sigmoid; float64 dsigmoid
// uses it).  It is the first step of the corrected q, so a kernel with both shares
// everything up to the division after CSE.
// float64 sigmoid and dsigmoid use it; kernels that also need t (softplus) share T after CSE.
// T = 2^off exp(x) for x <= 0 (or NaN): exp_neg without its last multiply by 2^-off
// (exact, and normal even where exp(x) is subnormal).
template <class V>
SYMACT_MATH_INLINE V exp_neg_up(V x) {
  auto e = exp_reduce_neg(x);
  V s = scale_neg_s(e.kb);
  return fma(s, e.p, s);
}

// q = t/(1 + t) from T = 2^off t (exp_neg_up) and D = 2^off + T rounded (any rounding of
// it: the correction uses T alone), corrected as described above
template <class V, bool Corrected = true>
SYMACT_MATH_INLINE V sigmoid_q_up(V T, V D) {
  using S = scalar_t<V>;
  using C = scale_neg_consts<S>;
  constexpr S up = S(1) / C::down;  // 2^off
  V q = T / D;
  if constexpr (!Corrected) return q;
  V res = fma(-q, T, fma(q, K<V>(-up), T));  // T - 2^off q is exact (Sterbenz)
  if constexpr (is_f32<V>)
    return fma(res, K<V>(C::down), q);
  else
    return fma(res, fma(q, K<V>(-C::down), K<V>(C::down)), q);
}
namespace detail {
// float32 q = sigmoid(-|u|) = 1/(1 + e^a), a = |u|, with one division and no correction.
// It starts from exp(-a)'s reduction (exp_reduce_neg(-a): -a = k ln2 + r, k <= 0), the one
// softplus's t = exp_neg(-a) uses, so kernels with both share it after CSE; then
//     e^a = 2^-k (1 + p-),   p- = expm1(-r) (exp's polynomial at -r, r^2 shared)
//     q   = 2^-off / D,      D = 2^-off (1 + e^a) = fma(s-, p-, s- + 2^-off)
// with s- = 2^(-k - off) from s = 2^(k + off)'s bits by one integer subtract (powers of
// two).  The numerator is exact, so q carries only D's rounding, the division's and p-'s
// error (exhaustive: 1.749 ulp; t/(1 + t) needed three fma after the division to correct
// its rounded numerator, and reached 1.690: 0.204 -> 0.173 ns per element).  A tiny q
// stays relatively accurate, and a subnormal q is rounded once, by the division.
// For -k > mant, s- + 2^-off rounds to s- (at -k = mant + 1 a tie, rounded to even): the
// lost 2^k is added to p- instead (Fix; 2^k = 2^-off s, exact; p- + 2^k rounds by at most
// 2^-(mant+3) relative).  Without it sigmoid reaches 2.444 ulp at k = -24; dsigmoid (bound
// 4) goes without: 2.569 ulp.
template <class V, bool Fix>
SYMACT_MATH_INLINE V sigmoid_q_pos(V u) {
  using S = scalar_t<V>;
  using C = exp_consts<S>;
  using P = scale_neg_consts<S>;
  constexpr uscalar_t<V> two_bias_bits = uscalar_t<V>(2 * int(fmt<S>::bias)) << fmt<S>::mant;
  auto e = exp_reduce_neg(-abs(u));
  V s = scale_neg_s(e.kb);                                 // 2^(k + off)
  V sm = as_float(KU<V>(two_bias_bits) - as_uint(s));      // 2^(-k - off)
  V r2 = e.r * e.r;
  V pm = fma(r2, horner2(-e.r, r2, C::q), -e.r);           // expm1(-r)
  V c = sm + P::down;
  if constexpr (Fix)
    pm = select(e.k < -S(fmt<S>::mant), fma(s, K<V>(P::down), pm), pm);
  return K<V>(P::down) / fma(sm, pm, c);
}
}  // namespace detail

// q = sigmoid(-|u|) from u.  float32: sigmoid_q_pos above (Corrected = false: dsigmoid's
// form, without the -k > mant fix); float64: t/(1 + t) from exp_neg_up, corrected.
template <class V, bool Corrected = true>
SYMACT_MATH_INLINE V sigmoid_q_of(V u) {
  if constexpr (is_f32<V>) {
    return detail::sigmoid_q_pos<V, Corrected>(u);
  } else {
    constexpr scalar_t<V> up = scalar_t<V>(1) / scale_neg_consts<scalar_t<V>>::down;
    V T = exp_neg_up(-abs(u));
    return sigmoid_q_up<V, Corrected>(T, up + T);
  }
}

template <class V>
SYMACT_MATH_INLINE V sigmoid_from(V u, V q) {
  using S = scalar_t<V>;
  return select(u >= S(0), S(1) - q, q);
}
template <class V>
SYMACT_MATH_INLINE V dsigmoid_from(V q) { return q * (scalar_t<V>(1) - q); }
template <class V>
SYMACT_MATH_INLINE V softplus_from(V u, V t) {
  return select(u > scalar_t<V>(0), u, K<V>(0)) + log1p_unit(t);
}

template <class V>
SYMACT_MATH_INLINE V sigmoid(V u) { return sigmoid_from(u, sigmoid_q_of(u)); }
template <class V>
SYMACT_MATH_INLINE V dsigmoid(V u) { return dsigmoid_from(sigmoid_q_of<V, false>(u)); }
template <class V>
SYMACT_MATH_INLINE V softplus(V u) { return softplus_from(u, sigmoid_t(u)); }

}  // namespace symact::math
