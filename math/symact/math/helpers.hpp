// Derived helpers shared by the function families.  Built only from the primitives
// documented in primitives.hpp, so they work for every backend.
#pragma once

#include <cstddef>
#include <limits>
#include <utility>

#include <symact/math/primitives.hpp>

namespace symact::math {

// Format constants of the element type.
template <class S>
struct fmt;
template <>
struct fmt<float> {
  static constexpr int mant = 23;          // stored mantissa bits
  static constexpr float shifter = 0x1.8p23f;  // x + shifter rounds x to an integer (|x| < 2^22)
  static constexpr float two_mant = 0x1p23f;
  static constexpr float bias = 127.0f;
  static constexpr float min_normal = 0x1p-126f;
};
template <>
struct fmt<double> {
  static constexpr int mant = 52;
  static constexpr double shifter = 0x1.8p52;
  static constexpr double two_mant = 0x1p52;
  static constexpr double bias = 1023.0;
  static constexpr double min_normal = 0x1p-1022;
};

template <class V>
using fmt_t = fmt<scalar_t<V>>;

// c[0] + x*(c[1] + x*(c[2] + ...)), unrolled at compile time (a fold over an index
// pack, not a loop: g++ does not always unroll a loop, and a leftover inner loop
// blocks vectorisation of the caller's loop).
template <class V, std::size_t N, std::size_t... I>
SYMACT_MATH_INLINE V horner_unrolled(V x, const scalar_t<V> (&c)[N], std::index_sequence<I...>) {
  V p = K<V>(c[N - 1]);
  ((p = fma(p, x, K<V>(c[N - 2 - I]))), ...);
  return p;
}
template <class V, std::size_t N>
SYMACT_MATH_INLINE V horner(V x, const scalar_t<V> (&c)[N]) {
  return horner_unrolled(x, c, std::make_index_sequence<N - 1>{});
}

// a > b ? a : b.  If either is NaN the result is b (as x86 maxps); callers put the
// value whose NaN must propagate in b, or handle NaN separately.
template <class V>
SYMACT_MATH_INLINE V max_(V a, V b) { return select(a > b, a, b); }
template <class V>
SYMACT_MATH_INLINE V min_(V a, V b) { return select(a < b, a, b); }

// Round to the nearest integer, ties to even, for |x| < 2^(mant-1): adding 1.5*2^mant
// pushes the fraction bits out of the mantissa.  NaN stays NaN.
template <class V>
SYMACT_MATH_INLINE V round_int(V x) {
  using S = scalar_t<V>;
  constexpr S sh = fmt<S>::shifter;
  return (x + sh) - sh;
}

// 2^j for an integral j whose 2^j is a normal number: j + bias lands in the low
// mantissa bits of (j + shifter + bias); shifting left by mant moves it into the
// exponent field (the shifter's own bits fall off the top).
template <class V>
SYMACT_MATH_INLINE V exp2i(V j) {
  using S = scalar_t<V>;
  constexpr S off = fmt<S>::shifter + fmt<S>::bias;
  return as_float(as_uint(j + off) << fmt<S>::mant);
}

// y * 2^k for integral k with |k| up to about twice the exponent range, in two exact
// power-of-two steps so that neither factor over/underflows; the only rounding is the
// final one (gradual underflow: subnormal results are correct, not flushed).
template <class V>
SYMACT_MATH_INLINE V scale2(V y, V k) {
  V k1 = round_int(k * scalar_t<V>(0.5));
  V k2 = k - k1;
  return (y * exp2i(k1)) * exp2i(k2);
}

// +0 or -0 input returns itself (fixes the sign of zero where the formula loses it).
template <class V>
SYMACT_MATH_INLINE V keep_zero(V x, V r) { return select(x == scalar_t<V>(0), x, r); }

template <class V>
SYMACT_MATH_INLINE V inf_v() { return K<V>(std::numeric_limits<scalar_t<V>>::infinity()); }
template <class V>
SYMACT_MATH_INLINE V nan_v() { return K<V>(std::numeric_limits<scalar_t<V>>::quiet_NaN()); }

}  // namespace symact::math
