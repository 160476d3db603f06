// sinh and cosh, from the exp reduction of |x| (exp.hpp).
//
//   cosh = h + 1/(4h),  h = e^|x| / 2 = 2^(k-1) (1+p)    (sum of positives; h is scaled
//                                                         exactly, so no early overflow)
//   sinh = (E + E/(E+1)) / 2 with E = expm1(|x|) for |x| <= T (accurate near 0), and h
//          beyond T (T = 9 / 19 where e^-2|x| is below half an ulp).
#pragma once

#include <symact/math/exp.hpp>

namespace symact::math {

template <class V>
SYMACT_MATH_INLINE V sinh(V x) {
  using S = scalar_t<V>;
  constexpr S T = is_f32<V> ? S(9) : S(19);
  V a = abs(x);
  auto e = exp_reduce(a);
  V E = expm1_from(e);
  V small = S(0.5) * (E + E / (E + S(1)));
  return copysign(select(a > T, exp_from(e, S(-1)), small), x);
}

template <class V>
SYMACT_MATH_INLINE V cosh(V x) {
  using S = scalar_t<V>;
  V h = exp_from(exp_reduce(abs(x)), S(-1));
  return h + S(0.25) / h;
}

}  // namespace symact::math
