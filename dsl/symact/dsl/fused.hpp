// tanh(softplus(w)) and sech2(softplus(w)) from t = exp(-|w|), the exp softplus and
// sigmoid(w) already need: Mish and its derivative then cost one exp in all.
// With e = exp(w), tanh(log(1 + e)) = (e^2 + 2e)/(e^2 + 2e + 2). In terms of t (no overflow):
//   w >= 0 (e = 1/t): a = 1 + 2t,    b = 2t^2        tanh = a/(a + b)
//   w <  0 (e = t):   a = t(t + 2),  b = 2           sech2 = 1 - tanh^2 = b(2a + b)/(a + b)^2
// Every term is positive: no cancellation, a few roundings in each result.
#pragma once
#include <symact/math/all.hpp>

namespace symact::dsl::fused {

template <class V>
struct sp_parts { V a, b; };

template <class V>
SYMACT_MATH_INLINE sp_parts<V> softplus_parts(V w, V t) {
    using S = math::scalar_t<V>;
    auto pos = w >= S(0);
    V a = math::select(pos, math::fma(math::K<V>(2), t, math::K<V>(1)), t * (t + S(2)));
    V b = math::select(pos, S(2) * (t * t), math::K<V>(2));
    return {a, b};
}
// Both divide by a + b through one reciprocal, so a kernel needing both (Mish's f and f')
// does one division (identical arithmetic: the compiler's CSE merges it).
template <class V>
SYMACT_MATH_INLINE V tanh_softplus_from(V w, V t) {
    auto p = softplus_parts(w, t);
    V r = math::K<V>(1) / (p.a + p.b);
    return p.a * r;
}
template <class V>
SYMACT_MATH_INLINE V sech2_softplus_from(V w, V t) {
    auto p = softplus_parts(w, t);
    V r = math::K<V>(1) / (p.a + p.b);
    return p.b * math::fma(math::K<V>(2), p.a, p.b) * (r * r);
}

}  // namespace symact::dsl::fused
