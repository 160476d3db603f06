// tanh and sech2 = 1/cosh^2 = 1 - tanh^2 (tanh's derivative).
//
// Both share t = exp(-2|u|) (tanh_t), which stays relatively accurate when tiny:
//     q         = t/(1+t)  (sigmoid_q: one division, corrected; as accurate as t)
//     tanh(|u|) = |u| + |u|^3 P(u^2)     for |u| < 0.55 (odd minimax; no cancellation)
//               = 1 - 2q                 above (q <= 1/4, so q's error shrinks in 1 - 2q)
//     sech2(u)  = 4 q (1 - q) = 4t/(1+t)^2   accurate everywhere, including |u| in 9..40
//                                        where 1 - tanh^2 is 0 in float32
// float32 tanh(u) and sech2(u) use another form of the same (see tanh below): one
// division and no polynomial select for tanh.
// Kernels that need both compute t = tanh_t(u) once and call the *_from helpers;
// tanh(u) and sech2(u) called separately also share their reduction after CSE.
#pragma once

#include <symact/math/exp.hpp>
#include <symact/math/sigmoid.hpp>

namespace symact::math {

namespace detail {
template <class S>
struct tanh_consts;
template <>
struct tanh_consts<float> {
  static constexpr float p[] = {-0x1.55554ap-2f, 0x1.110d2p-3f, -0x1.b9274ap-5f, 0x1.593282p-6f,
                                -0x1.9af106p-8f};
};
template <>
struct tanh_consts<double> {
  static constexpr double p[] = {-0x1.555555555549ap-2, 0x1.11111111025dp-3,   -0x1.ba1ba1ad44a12p-5,
                                 0x1.664f45ba754c7p-6,  -0x1.226ddc65705fep-7, 0x1.d6c600f46a959p-9,
                                 -0x1.7cf29f014cdbp-10, 0x1.2f9bd4da2069cp-11, -0x1.b8dd7d5cff0d1p-13,
                                 0x1.ab857678af42ap-15};
};
}  // namespace detail

// The shared intermediate: t = exp(-2|u|).
template <class V>
SYMACT_MATH_INLINE V tanh_t(V u) { return exp_neg(scalar_t<V>(-2) * abs(u)); }

// The same scaled by 2^off (exp_neg_up): float32 tanh and sech2 start from it.
template <class V>
SYMACT_MATH_INLINE V tanh_T(V u) { return exp_neg_up(scalar_t<V>(-2) * abs(u)); }

template <class V>
SYMACT_MATH_INLINE V tanh_from(V u, V t) {
  using S = scalar_t<V>;
  V a = abs(u);
  V a2 = a * a;
  V small = fma(a2 * a, horner(a2, detail::tanh_consts<S>::p), a);
  V big = fma(K<V>(-2), sigmoid_q(t), K<V>(1));
  return copysign(select(a < S(0.55), small, big), u);
}

template <class V>
SYMACT_MATH_INLINE V sech2_from(V t) {
  return scalar_t<V>(4) * dsigmoid_from(sigmoid_q(t));
}

namespace detail {
// float32 tanh and sech2: exp(-2|u|) = 2^-off s (1 + p) (exp_reduce_neg: s = 2^(k + off)
// exact, p = expm1(r)), and D = 2^off (1 + exp(-2|u|)) with one rounding.
template <class V>
struct tanh_parts {
  V s, p, D;
};
template <class V>
SYMACT_MATH_INLINE tanh_parts<V> tanh_split(V u) {
  constexpr scalar_t<V> up = scalar_t<V>(1) / scale_neg_consts<scalar_t<V>>::down;
  auto e = exp_reduce_neg(scalar_t<V>(-2) * abs(u));
  V s = scale_neg_s(e.kb);
  return {s, e.p, fma(s, e.p, s + up)};
}
}  // namespace detail

template <class V>
SYMACT_MATH_INLINE V tanh(V u) {
  using S = scalar_t<V>;
  if constexpr (is_f32<V>) {
    // float32: tanh|u| = -expm1(-2|u|) / (2 + expm1(-2|u|)) = (1 - t)/(1 + t), t = exp(-2|u|),
    // with numerator and denominator each one fma from s, p (both scaled by 2^off):
    //   2^off (1 - t) = fma(-s, p, 2^off - s),  2^off (1 + t) = fma(s, p, s + 2^off),
    // where 2^off -+ s are exact while t >= 2^-24 (below, tanh is 1 anyway).  Near 0
    // (k = 0, s = 2^off) the numerator is -2^off p: expm1's full relative accuracy, so no
    // separate odd polynomial and no select; the 1 - 2q form above needed both.
    // Exhaustive: 1.944 ulp (bound 2).  sech2 of the same u shares s, p and D after CSE.
    constexpr S up = S(1) / scale_neg_consts<S>::down;
    auto tp = detail::tanh_split(u);
    V num = fma(-tp.s, tp.p, up - tp.s);
    return copysign(num / tp.D, u);
  } else {
    return tanh_from(u, tanh_t(u));
  }
}

template <class V>
SYMACT_MATH_INLINE V sech2(V u) {
  if constexpr (is_f32<V>) {
    // 4q(1 - q), q = t/(1 + t) corrected (sigmoid_q_up) from tanh's s, p, D
    auto tp = detail::tanh_split(u);
    V q = sigmoid_q_up(fma(tp.s, tp.p, tp.s), tp.D);
    return scalar_t<V>(4) * dsigmoid_from(q);
  } else {
    return sech2_from(tanh_t(u));
  }
}

}  // namespace symact::math
