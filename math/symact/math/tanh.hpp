// tanh and sech2 = 1/cosh^2 = 1 - tanh^2 (tanh's derivative).
//
// Both share t = exp(-2|u|) (tanh_t), which stays relatively accurate when tiny:
//     q         = t/(1+t)  (sigmoid_q: one division, corrected; as accurate as t)
//     tanh(|u|) = |u| + |u|^3 P(u^2)     for |u| < 0.55 (odd minimax; no cancellation)
//               = 1 - 2q                 above (q <= 1/4, so q's error shrinks in 1 - 2q;
//                                        float32 tanh uses the plain t/(1+t) there: faster,
//                                        and its error stays under 1.5 ulp)
//     sech2(u)  = 4 q (1 - q) = 4t/(1+t)^2   accurate everywhere, including |u| in 9..40
//                                        where 1 - tanh^2 is 0 in float32
// Kernels that need both compute t = tanh_t(u) once and call the *_from helpers;
// tanh(u) and sech2(u) called separately also share t after CSE (same expression).
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

template <class V>
SYMACT_MATH_INLINE V tanh(V u) {
  using S = scalar_t<V>;
  if constexpr (is_f32<V>) {
    // float32, from the t = exp(-2|u|) that sech2 shares (tanh_t):
    //   |u| <  0.55: the odd polynomial (as tanh_from);
    //   |u| >= 0.55: 1 - 2t/(1 + t) with the plain division: 2t/(1 + t) <= 1/2, and its
    //                error counts at most 2q/(1 - 2q) times in the result.
    V a = abs(u);
    V a2 = a * a;
    V small = fma(a2 * a, horner(a2, detail::tanh_consts<S>::p), a);
    V t = tanh_t(u);
    // t / (1 + t) is written as in sigmoid_q, so a kernel with tanh and sech2 of one u
    // divides once after CSE (2q is exact: same values as 1 - 2t/(1 + t))
    V big = fma(K<V>(-2), t / (S(1) + t), K<V>(1));
    return copysign(select(a < S(0.55), small, big), u);
  } else {
    return tanh_from(u, tanh_t(u));
  }
}

template <class V>
SYMACT_MATH_INLINE V sech2(V u) { return sech2_from(tanh_t(u)); }

}  // namespace symact::math
