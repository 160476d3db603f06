// log and log1p.
//
// Reduction: x = 2^e * m with m in [sqrt(1/2), sqrt(2)), read from the bits (no
// int<->float conversion: the exponent field is turned into a float with the
// "or into 2^mant" trick).  f = m - 1 is exact (Sterbenz), and
//     log(x) = e*ln2 + log1p(f),   log1p(f) = f + f^2 * P(f)
// with P minimax on f in [-0.293, 0.415] (math/tools/remez.py "log1p").  e*ln2 is
// added with ln2 split in two and fma, so the result has a single final rounding.
//
// log1p(x): u = 1 + x rounded, c = x - (u - 1) is the rounding error of u, and
// 1 + x = 2^e * (m + c*2^-e), so f = (m - 1) + c*2^-e feeds the same polynomial: no
// division, and full relative accuracy near x = 0.
//
// Subnormal inputs of log are handled (pre-scaled by 2^24 / 2^60), not flushed.
#pragma once

#include <symact/math/helpers.hpp>

namespace symact::math {

namespace detail {
template <class S>
struct log_consts;
template <>
struct log_consts<float> {
  static constexpr std::uint32_t sqrt_half_bits = 0x3f3504f3u;  // bits of sqrt(1/2)
  static constexpr std::uint32_t one_bits = 0x3f800000u;
  static constexpr std::uint32_t mant_mask = 0x007fffffu;
  static constexpr std::uint32_t two_mant_bits = 0x4b000000u;  // bits of 2^23
  static constexpr float sub_scale = 0x1p24f, sub_e = 24.0f;
  static constexpr float ln2_hi = 0x1.62e43p-1f, ln2_lo = -0x1.05c61p-29f;
  static constexpr float emax_scale = 100.0f;  // log1p: clamp e when forming 2^-e
  // log1p(f) = f + f^2 * P(f)
  static constexpr float p[] = {-0x1.fffff8p-2f, 0x1.55554ep-2f, -0x1.000456p-2f,
                                0x1.99a4ecp-3f,  -0x1.541eaep-3f, 0x1.2257bp-3f,
                                -0x1.0f6a06p-3f, 0x1.090f2p-3f,   -0x1.392398p-4f};
  // log only: one degree less (remez.py "log", 0.57 ulp of log1p(f) instead of 0.1; log's
  // worst case stays near 1 ulp, log1p's would not, so log1p keeps p)
  static constexpr float p_log[] = {-0x1.fffffap-2f, 0x1.555704p-2f,  -0x1.0004fp-2f, 0x1.98cd68p-3f,
                                    -0x1.534794p-3f, 0x1.31ac3cp-3f,  -0x1.25c17cp-3f, 0x1.66c4bp-4f};
  static constexpr float ln2 = 0x1.62e43p-1f;  // log: e*ln2 in one fma (ln2's rounding is 2^-28.5 relative)
};
template <>
struct log_consts<double> {
  static constexpr std::uint64_t sqrt_half_bits = 0x3fe6a09e667f3bcdull;
  static constexpr std::uint64_t one_bits = 0x3ff0000000000000ull;
  static constexpr std::uint64_t mant_mask = 0x000fffffffffffffull;
  static constexpr std::uint64_t two_mant_bits = 0x4330000000000000ull;  // 2^52
  static constexpr double sub_scale = 0x1p60, sub_e = 60.0;
  static constexpr double ln2_hi = 0x1.62e42fefa39efp-1, ln2_lo = 0x1.abc9e3b39803fp-56;
  static constexpr double emax_scale = 1000.0;
  static constexpr double p[] = {
      -0x1.ffffffffffffbp-2, 0x1.5555555555138p-2,  -0x1.00000000007afp-2, 0x1.9999999a4265fp-3,
      -0x1.55555555587bdp-3, 0x1.249248da6df55p-3,  -0x1.ffffff697fbf7p-4, 0x1.c71c9123ba21ap-4,
      -0x1.9999d15da3d85p-4, 0x1.74597cec71c7p-4,   -0x1.554c627753f82p-4, 0x1.3b4e6a50b3a07p-4,
      -0x1.25541b4d1ea9dp-4, 0x1.0f325864ce399p-4,  -0x1.ee398b6dfea34p-5, 0x1.e8d871443066ep-5,
      -0x1.16e5b807cc477p-4, 0x1.04bb9dd043b6ep-4,  -0x1.d2b7f44d8f0a2p-6};
};

// x = 2^e * m, m in [sqrt(1/2), sqrt(2)), for positive normal finite x.  Returns f = m-1.
template <class V>
struct log_split {
  V e, f;
};
template <class V>
SYMACT_MATH_INLINE log_split<V> split_log(V x) {
  using S = scalar_t<V>;
  using C = log_consts<S>;
  using US = uscalar_t<V>;
  // Adding (one - sqrt_half) to the bits moves the exponent boundary to sqrt(1/2).
  auto t = as_uint(x) + US(C::one_bits - C::sqrt_half_bits);
  V e = as_float((t >> fmt<S>::mant) | US(C::two_mant_bits)) - (fmt<S>::two_mant + fmt<S>::bias);
  V m = as_float((t & US(C::mant_mask)) + US(C::sqrt_half_bits));
  return {e, m - S(1)};
}

// e*ln2 + log1p(f), f in about [-0.293, 0.415]
template <class V>
SYMACT_MATH_INLINE V log_core(V e, V f) {
  using C = log_consts<scalar_t<V>>;
  V lp = fma(f * f, horner(f, C::p), f);
  return fma(e, K<V>(C::ln2_hi), fma(e, K<V>(C::ln2_lo), lp));
}
// The same for log: float32 uses the shorter polynomial and ln2 in one fma.
template <class V>
SYMACT_MATH_INLINE V log_core_log(V e, V f) {
  using C = log_consts<scalar_t<V>>;
  if constexpr (is_f32<V>)
  {
    V f2 = f * f;
    return fma(e, K<V>(C::ln2), fma(f2, horner2(f, f2, C::p_log), f));
  }
  else
    return log_core(e, f);
}
}  // namespace detail

template <class V>
SYMACT_MATH_INLINE V log(V x) {
  using S = scalar_t<V>;
  using C = detail::log_consts<S>;
  auto sub = x < fmt<S>::min_normal;
  V xs = select(sub, x * C::sub_scale, x);
  auto sp = detail::split_log(xs);
  V e = sp.e - select(sub, K<V>(C::sub_e), K<V>(0));
  V r = detail::log_core_log(e, sp.f);
  // specials in two selects: y = sqrt(x) is NaN for x < 0 (-inf included) and NaN, +inf for
  // +inf, finite otherwise, and is itself log's result in those cases; +-0 -> -inf.  One
  // compare and select fewer than testing inf, NaN and the sign apart (0.188 -> 0.176 ns).
  V y = sqrt(x);
  r = select(y < inf_v<V>(), r, y);
  return select(x == S(0), -inf_v<V>(), r);
}

// log1p(t) for t in [0, 1] or NaN, which is what softplus needs (t = exp(-|u|)):
// 1 + t = 2^e (1 + f) with e = 0, f = t (exact) up to sqrt(2) - 1 and e = 1,
// f = (t - 1)/2 (one fma, exact for t >= 1/2) above, f in [-0.293, 0.415] as for log1p.
// No split of the bits, no 2^-e scaling and no special cases (t = 0 gives +0, NaN
// propagates): about half of log1p's operations.
template <class V>
SYMACT_MATH_INLINE V log1p_unit(V t) {
  using S = scalar_t<V>;
  auto above = t > S(0.41421356237309504880);  // sqrt(2) - 1
  V f = select(above, fma(t, K<V>(0.5), K<V>(-0.5)), t);
  V e = select(above, K<V>(1), K<V>(0));
  return detail::log_core(e, f);
}

template <class V>
SYMACT_MATH_INLINE V log1p(V x) {
  using S = scalar_t<V>;
  using C = detail::log_consts<S>;
  V u = S(1) + x;
  V c = x - (u - S(1));  // 1 + x = u + c
  auto sp = detail::split_log(u);
  V e = select(sp.e > C::emax_scale, K<V>(C::emax_scale), sp.e);
  V f = fma(c, exp2i(-e), sp.f);
  V r = detail::log_core(sp.e, f);
  r = select(x == inf_v<V>(), x, r);
  r = select(x == S(-1), -inf_v<V>(), r);
  r = select(x < S(-1), nan_v<V>(), r);
  r = select(is_nan(x), x, r);
  return keep_zero(x, r);
}

}  // namespace symact::math
