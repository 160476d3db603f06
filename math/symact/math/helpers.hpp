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

// The same sum c[0] + c[1] x + c[2] x^2 + ..., evaluated as Horner in x2 = x*x (the
// caller's, usually computed anyway) over the pairs c[2j] + c[2j+1] x.  The same number
// of fma as horner (for odd N; one more for even N counting x2), but the dependency
// chain is about half as long: the pairs are independent, and the loops over these
// functions are bound by that chain's latency more than by the op count.
template <std::size_t J, class V, std::size_t N>
SYMACT_MATH_INLINE V horner2_pair(V x, const scalar_t<V> (&c)[N]) {
  if constexpr (2 * J + 1 < N)
    return fma(K<V>(c[2 * J + 1]), x, K<V>(c[2 * J]));
  else
    return K<V>(c[2 * J]);
}
template <class V, std::size_t N, std::size_t... J>
SYMACT_MATH_INLINE V horner2_unrolled(V x, V x2, const scalar_t<V> (&c)[N], std::index_sequence<J...>) {
  constexpr std::size_t M = (N + 1) / 2;  // pairs
  V p = horner2_pair<M - 1>(x, c);
  ((p = fma(p, x2, horner2_pair<M - 2 - J>(x, c))), ...);
  return p;
}
template <class V, std::size_t N>
SYMACT_MATH_INLINE V horner2(V x, V x2, const scalar_t<V> (&c)[N]) {
  static_assert(N >= 2);
  return horner2_unrolled(x, x2, c, std::make_index_sequence<(N + 1) / 2 - 1>{});
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

// (1 + p) * 2^k for k given as kb = k + shifter + 2*bias (k + 2*bias in the low mantissa
// bits; |k| <= 2*bias - 2) and 1 + p within a binade of 1.  2^floor(k/2) and
// 2^ceil(k/2) come from kb's bits with integer ops (the bits above the low field are
// even, so >> 1 halves it exactly and each half carries one bias); (1 + p) * 2^floor(k/2)
// is one fma (a power of two: its only rounding for normal results) and the second
// multiply is exact or the rounding into the subnormal range (gradual underflow) or inf
// on overflow.  6 ops, and no select: g++ duplicates the code after a select on a
// comparison (jump threading), which doubled sigmoid's loop.
template <class V>
SYMACT_MATH_INLINE V scale_kb_1p(V p, V kb) {
  using S = scalar_t<V>;
  auto b = as_uint(kb);
  auto h = b >> 1;
  V s1 = as_float(h << fmt<S>::mant);        // 2^floor(k/2)
  V s2 = as_float((b - h) << fmt<S>::mant);  // 2^ceil(k/2)
  return fma(s1, p, s1) * s2;
}

// The same for k <= 0 only (-(bias + off) < k <= 0), with kb = k + shifter + bias + off
// (kshift_neg): the low field k + bias + off is a normal biased exponent, so
// s = 2^(k + off) is one shift, y * s is exact and the multiply by 2^-off the only
// rounding (gradual underflow).  off = 64 / 512 covers every k of exp's range.  3 ops.
template <class S>
struct scale_neg_consts;
template <>
struct scale_neg_consts<float> {
  static constexpr float off = 64.0f, down = 0x1p-64f;
};
template <>
struct scale_neg_consts<double> {
  static constexpr double off = 512.0, down = 0x1p-512;
};
template <class S>
inline constexpr S kshift_neg = fmt<S>::shifter + fmt<S>::bias + scale_neg_consts<S>::off;
// 2^(k + off) from kb
template <class V>
SYMACT_MATH_INLINE V scale_neg_s(V kb) { return as_float(as_uint(kb) << fmt<scalar_t<V>>::mant); }
template <class V>
SYMACT_MATH_INLINE V scale_kb_neg(V y, V kb) {
  return (y * scale_neg_s(kb)) * scale_neg_consts<scalar_t<V>>::down;
}

// +0 or -0 input returns itself (fixes the sign of zero where the formula loses it).
template <class V>
SYMACT_MATH_INLINE V keep_zero(V x, V r) { return select(x == scalar_t<V>(0), x, r); }

template <class V>
SYMACT_MATH_INLINE V inf_v() { return K<V>(std::numeric_limits<scalar_t<V>>::infinity()); }
template <class V>
SYMACT_MATH_INLINE V nan_v() { return K<V>(std::numeric_limits<scalar_t<V>>::quiet_NaN()); }

}  // namespace symact::math
