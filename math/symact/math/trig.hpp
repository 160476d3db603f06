// sin, cos, atan.
//
// sin/cos: k = round(x * 2/pi), r = x - k*pi/2 with pi/2 split in three parts and fma
// (Cody-Waite): the first step is exact, so r keeps relative accuracy even when x is
// close to a multiple of pi/2.  Accurate for |x| <= 2^17 (float32) / 2^25 (float64),
// see docs/ACCURACY.md; beyond, results stay finite in [-1, 1] but lose accuracy
// (past |x| ~ 2^22 (float32) / 2^51 (float64) they say nothing about x but that).
// The quadrant k mod 4 is read from the low bits of the rounding shifter; both
// polynomials (sin on r, cos on r) are evaluated and the quadrant picks one with a bit
// blend, so sin and cos of the same x share everything after CSE.
//
// atan: |x| is reduced to |y| <= tan(pi/8) by y = x (small), (x-1)/(x+1) (+pi/4) or
// -1/x (+pi/2), as one division; atan(y) = y + y^3 P(y^2).
#pragma once

#include <symact/math/helpers.hpp>

namespace symact::math {

namespace detail {
template <class S>
struct trig_consts;
template <>
struct trig_consts<float> {
  static constexpr float two_over_pi = 0x1.45f306p-1f;
  static constexpr float pio2_1 = 0x1.921fb6p+0f, pio2_2 = -0x1.777a5cp-25f, pio2_3 = -0x1.ee59dap-50f;
  static constexpr float pio2_hi = 0x1.921fb6p+0f, pio2_lo = -0x1.777a5cp-25f;
  static constexpr float pio4_hi = 0x1.921fb6p-1f, pio4_lo = -0x1.777a5cp-26f;
  static constexpr float sin_p[] = {-0x1.555556p-3f, 0x1.111108p-7f, -0x1.a00f12p-13f, 0x1.6cb802p-19f};
  static constexpr float cos_p[] = {0x1.55554ap-5f, -0x1.6c0bc4p-10f, 0x1.99cb82p-16f};
  static constexpr float atan_p[] = {-0x1.555548p-2f, 0x1.999172p-3f, -0x1.23b25p-3f, 0x1.b1c032p-4f,
                                     -0x1.f1041ap-5f};
};
template <>
struct trig_consts<double> {
  static constexpr double two_over_pi = 0x1.45f306dc9c883p-1;
  static constexpr double pio2_1 = 0x1.921fb54442d18p+0, pio2_2 = 0x1.1a62633145c07p-54,
                          pio2_3 = -0x1.f1976b7ed8fbcp-110;
  static constexpr double pio2_hi = 0x1.921fb54442d18p+0, pio2_lo = 0x1.1a62633145c07p-54;
  static constexpr double pio4_hi = 0x1.921fb54442d18p-1, pio4_lo = 0x1.1a62633145c07p-55;
  static constexpr double sin_p[] = {-0x1.5555555555555p-3, 0x1.1111111111111p-7, -0x1.a01a01a01a014p-13, 0x1.71de3a556baf3p-19, -0x1.ae64567d88d3ep-26, 0x1.61245ec67c088p-33, -0x1.ae7b59bc858d3p-41, 0x1.91d919ff0a135p-49};
  static constexpr double cos_p[] = {0x1.5555555555555p-5, -0x1.6c16c16c16c0ep-10, 0x1.a01a01a018abfp-16, -0x1.27e4fb75c8d19p-22, 0x1.1eed8c6a18e65p-29, -0x1.9392f89ddbf6ep-37, 0x1.aaa9a2931905cp-45};
  static constexpr double atan_p[] = {
      -0x1.555555555553bp-2, 0x1.99999999954d7p-3,  -0x1.2492492296c62p-3, 0x1.c71c70dd1fcc1p-4,
      -0x1.745cf7d7b34f7p-4, 0x1.3b1106b96b664p-4,  -0x1.10eae43f9341dp-4, 0x1.df0312f0574f4p-5,
      -0x1.9c9af43d14553p-5, 0x1.3746266b67a86p-5,  -0x1.242c5f179544ap-6};
};

template <class V, class U>
struct sincos_reduced {
  V s, c;  // sin(r), cos(r)
  U q;     // k mod 4 in the low bits
};

template <class V>
SYMACT_MATH_INLINE auto sincos_reduce(V x) {
  using S = scalar_t<V>;
  using C = trig_consts<S>;
  V kb = fma(x, K<V>(C::two_over_pi), K<V>(fmt<S>::shifter));  // k in the low bits
  V k = kb - fmt<S>::shifter;
  V r = fma(k, K<V>(-C::pio2_1), x);  // exact
  r = fma(k, K<V>(-C::pio2_2), r);
  r = fma(k, K<V>(-C::pio2_3), r);
  // Past the shifter's range (|x| >= ~2^22 * pi/2 in float32) k is wrong and r can be huge,
  // where the polynomials would return anything (sin(1e10f) was -2e18): keep |r| <= 1 so the
  // result stays in [-1, 1] as documented. NaN (x = inf or NaN) compares false and stays.
  r = select(abs(r) > K<V>(S(1)), K<V>(S(0)), r);
  V r2 = r * r;
  V s = fma(r2 * r, horner(r2, C::sin_p), r);
  V c = fma(r2, fma(r2, horner(r2, C::cos_p), K<V>(-0.5)), K<V>(1));
  return sincos_reduced<V, decltype(as_uint(x))>{s, c, as_uint(kb)};
}

// Quadrant q: q even -> a, q odd -> b; then negate if bit 1 of q is set.
template <class V, class U>
SYMACT_MATH_INLINE V quadrant_pick(U q, V a, V b) {
  using US = uscalar_t<V>;
  auto even = (q & US(1)) - US(1);  // all ones when q is even
  auto ua = as_uint(a), ub = as_uint(b);
  auto v = ub ^ ((ub ^ ua) & even);
  auto sign = (q & US(2)) << (8 * sizeof(US) - 2);
  return as_float(v ^ sign);
}
}  // namespace detail

template <class V>
SYMACT_MATH_INLINE V sin(V x) {
  auto t = detail::sincos_reduce(x);
  return keep_zero(x, detail::quadrant_pick(t.q, t.s, t.c));
}

template <class V>
SYMACT_MATH_INLINE V cos(V x) {
  auto t = detail::sincos_reduce(x);
  return detail::quadrant_pick(t.q + uscalar_t<V>(1), t.s, t.c);  // cos x = sin(x + pi/2)
}

template <class V>
SYMACT_MATH_INLINE V atan(V x) {
  using S = scalar_t<V>;
  using C = detail::trig_consts<S>;
  V a = abs(x);
  auto big = a > S(0x1.3504f3p+1);  // tan(3pi/8) ~ 2.414
  auto mid = a > S(0x1.a8279ap-2);  // tan(pi/8) ~ 0.414
  V num = select(big, K<V>(-1), select(mid, a - S(1), a));
  V den = select(big, a, select(mid, a + S(1), K<V>(1)));
  V y = num / den;
  V off_hi = select(big, K<V>(C::pio2_hi), select(mid, K<V>(C::pio4_hi), K<V>(0)));
  V off_lo = select(big, K<V>(C::pio2_lo), select(mid, K<V>(C::pio4_lo), K<V>(0)));
  V y2 = y * y;
  V p = fma(y2 * y, horner(y2, C::atan_p), y);
  return copysign(off_hi + (off_lo + p), x);
}

}  // namespace symact::math
