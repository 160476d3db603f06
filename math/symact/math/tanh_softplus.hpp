// tanh(softplus(w)) and sech2(softplus(w)) from t = exp(-|w|), the exp softplus and
// sigmoid(w) already need: Mish and its derivative then cost one exp in all.
// With e = exp(w), tanh(log(1 + e)) = (e^2 + 2e)/(e^2 + 2e + 2). In terms of t (no overflow):
//   w >= 0 (e = 1/t): a = 1 + 2t,    b = 2t^2        tanh = a/(a + b)
//   w <  0 (e = t):   a = t(t + 2),  b = 2           sech2 = 1 - tanh^2 = b(2a + b)/(a + b)^2
// Every term is positive: no cancellation, a few roundings in each result.
// Used by the DSL's plan and by codegen's lower() (so the JIT and generated headers) for
// tanh(softplus(w)) and sech2(softplus(w)).
#pragma once
#include <symact/math/sigmoid.hpp>

namespace symact::math {

template <class V>
struct sp_parts { V a, b; };

template <class V>
SYMACT_MATH_INLINE sp_parts<V> softplus_parts(V w, V t) {
    using S = scalar_t<V>;
    auto pos = w >= S(0);
    V a = select(pos, fma(K<V>(2), t, K<V>(1)), t * (t + S(2)));
    V b = select(pos, S(2) * (t * t), K<V>(2));
    return {a, b};
}
// Both divide by a + b through one reciprocal, so a kernel needing both (Mish's f and f')
// does one division (identical arithmetic: the compiler's CSE merges it).
template <class V>
SYMACT_MATH_INLINE V tanh_softplus_from(V w, V t) {
    auto p = softplus_parts(w, t);
    V r = K<V>(1) / (p.a + p.b);
    return p.a * r;
}
template <class V>
SYMACT_MATH_INLINE V sech2_softplus_from(V w, V t) {
    auto p = softplus_parts(w, t);
    V r = K<V>(1) / (p.a + p.b);
    return p.b * fma(K<V>(2), p.a, p.b) * (r * r);
}

template <class V> SYMACT_MATH_INLINE V tanh_softplus(V w) { return tanh_softplus_from(w, sigmoid_t(w)); }
template <class V> SYMACT_MATH_INLINE V sech2_softplus(V w) { return sech2_softplus_from(w, sigmoid_t(w)); }

}  // namespace symact::math
