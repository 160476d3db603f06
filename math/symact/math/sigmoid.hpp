// sigmoid, its derivative, and softplus; all from t = exp(-|u|) in (0, 1].
//
//     q           = t / (1 + t) = sigmoid(-|u|)     (0 < q <= 1/2)
//     sigmoid(u)  = u >= 0 ? 1 - q : q
//     dsigmoid(u) = sigmoid(u) * sigmoid(-u) = q * (1 - q)
//     softplus(u) = max(u, 0) + log1p(t)
// q is computed with one division plus a correction for the rounding of 1 + t and of
// the division (the residual t - q(1+t) = (t - q) - qt, exact up to one rounding, times
// 1/(1+t) = 1 - q, is added back), so q is about as accurate as t.  t is relatively
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
// at most ~q * 1.5 ulp, and one fma less (sigmoid's loop: 0.251 -> 0.228 ns together
// with exp's horner2; bench/RESULTS.md).  Exhaustive float32: 1.690 ulp.
// Corrected = false: the plain quotient (2.402 ulp for sigmoid; dsigmoid, bound 4, uses
// it: 3.455 ulp, and its loop went from 0.284 to 0.191 ns).  It is the first step of the corrected q, so a kernel with both
// shares everything up to the division after CSE.
// sigmoid and dsigmoid use it; kernels that also need t (softplus) share T after CSE.
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
template <class V, bool Corrected = true>
SYMACT_MATH_INLINE V sigmoid_q_of(V u) {
  constexpr scalar_t<V> up = scalar_t<V>(1) / scale_neg_consts<scalar_t<V>>::down;
  V T = exp_neg_up(-abs(u));
  return sigmoid_q_up<V, Corrected>(T, up + T);
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
  return select(u > scalar_t<V>(0), u, K<V>(0)) + log1p(t);
}

template <class V>
SYMACT_MATH_INLINE V sigmoid(V u) { return sigmoid_from(u, sigmoid_q_of(u)); }
template <class V>
SYMACT_MATH_INLINE V dsigmoid(V u) { return dsigmoid_from(sigmoid_q_of<V, false>(u)); }
template <class V>
SYMACT_MATH_INLINE V softplus(V u) { return softplus_from(u, sigmoid_t(u)); }

}  // namespace symact::math
