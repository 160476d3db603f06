// erf and erfc.
//
//   |x| < 1/2 : erf(x) = x + x*P(x^2) (odd minimax); erfc = 1 - erf (no cancellation:
//               erf(1/2) ~ 0.52 < erfc(1/2) ~ 0.48 * 1.1).
//   |x| >= 1/2: erfc(|x|) = exp(-x^2) * Q(1/|x| - mid) where Q(y) = e^{x^2} erfc(x),
//               y = 1/|x|, is smooth in y on (0, 2]; four pieces in y
//               ([1,2], [1/2,1], [1/4,1/2], (0,1/4]) whose coefficients are picked per
//               lane with selects (one polynomial evaluation, branch-free).
//               exp(-x^2) takes x^2 as a double word (hi + exact fma low part), which
//               keeps the tail relatively accurate: erfc(10) (float32, subnormal) and
//               erfc(26) (float64).  erf = 1 - erfc there; erfc(-x) = 2 - erfc(x).
//   float32 erf, |x| >= 1/2: erf = 1 - exp(a L(a)), L a polynomial fit of log(erfc(a))/a
//               on [1/2, 4] (only absolute accuracy is needed: no division, no pieces).
//   float32 erfc, every x (no pieces, no small-|x| branch): with a = |x| and w = 1/(1 + a),
//               erfc(a) = exp(-a^2) w G(w), G(w) = (1 + a) e^{a^2} erfc(a), which is smooth
//               and flat (0.56 .. 1) on all of a in [0, 10.1] (w in [0.09, 1]): one
//               degree-12 polynomial in v = w - 1/2 (remez.py "erfcx_w").  erfc(-a) = 2 - erfc(a).
//               Accuracy with few extra ops: 1 + a, w and G's last sum as exact pairs, and
//               exp(-a^2) = 2^k (1 + p) folded into the product as m (1 + p) = m + (m r1 + m p')
//               (r1 exact, p' = p - r1 small), so only that sum and the final addition round.
// erf and erfc of the same x share all work after CSE (float64).
#pragma once

#include <symact/math/exp.hpp>

namespace symact::math {

namespace detail {
template <class S>
struct erf_consts;
template <>
struct erf_consts<float> {
  static constexpr float small[] = {0x1.06eba8p-3f, -0x1.812732p-2f, 0x1.ce24f6p-4f, -0x1.b6636ap-6f,
                                    0x1.352f86p-8f};
  // erf only: log(erfc(a)) = a * L(a) on [0.5, 4] (remez.py "erf_logerfc"; weight erfc(a),
  // i.e. the error as seen in 1 - erfc)
  static constexpr float log_erfc[] = {-0x1.20dfb2p+0f, -0x1.45cf64p-1f, -0x1.a8b03ap-4f, 0x1.54e1dp-6f,
                                       -0x1.adcb62p-10f, -0x1.ed0e12p-12f, 0x1.4c645p-13f, -0x1.fbf834p-17f};
  // erfc: G(w) = (1 + a) e^{a^2} erfc(a), w = 1/(1 + a), as a polynomial in v = w - 1/2
  // (remez.py "erfcx_w": a in [0, 10.1], 0.13 ulp relative with the rounded coefficients)
  static constexpr float erfcx_w[] = {0x1.b5d878p-1f, 0x1.e6c536p-2f, -0x1.87661ep-2f, -0x1.c7b062p-4f,
                                      0x1.a01312p-2f, -0x1.39882cp-2f, -0x1.400214p-4f, 0x1.ecc2e8p-2f,
                                      -0x1.35541ep-1f, 0x1.72eeacp-3f, 0x1.3590b2p-1f, -0x1.b8a9dp-1f,
                                      0x1.65a7dcp-2f};
  static constexpr float mid4[4][1] = {{1.5f}, {0.75f}, {0.375f}, {0.0f}};
  static constexpr float q[4][9] = {
      {0x1.141d16p-1f, 0x1.749596p-3f, -0x1.193df8p-4f, 0x1.8d67ecp-6f, -0x1.f746bep-8f,
       0x1.ff0df6p-10f, -0x1.88c2ap-13f, -0x1.4c0ff2p-12f, 0x1.25871ep-12f},
      {0x1.678fdap-2f, 0x1.5d8fccp-2f, -0x1.3c8f3ap-3f, 0x1.960f2p-5f, 0x1.4024f2p-9f,
       -0x1.6bb148p-6f, 0x1.8bc818p-6f, -0x1.22c87p-6f, 0x1.06d5d6p-7f},
      {0x1.97b364p-3f, 0x1.e56466p-2f, -0x1.7d205ep-3f, -0x1.a30eb8p-6f, 0x1.0f5fcep-3f,
       -0x1.08112ap-3f, 0x1.39c186p-3f, 0x1.a5faa6p-5f, -0x1.f723fcp+1f},
      {0.0f, 0x1.20dd92p-1f, -0x1.6d0bacp-15f, -0x1.1fe8cep-2f, -0x1.6957fp-7f, 0x1.00026cp-1f,
       -0x1.383682p-2f, -0x1.17639ep-1f, 0x1.57625ep-1f}};};
template <>
struct erf_consts<double> {
  static constexpr double small[] = {
      0x1.06eba8214db69p-3,  -0x1.812746b0379e6p-2, 0x1.ce2f21a042b25p-4, -0x1.b82ce3127f479p-6,
      0x1.565bcd0a97efep-8,  -0x1.c02db2380dc18p-11, 0x1.f9a2a5464340ep-14, -0x1.f4bb7bdb5b04fp-17,
      0x1.b773deb5ff42cp-20, -0x1.39ea1c3a00e2bp-23};
  static constexpr double mid4[4][1] = {{1.5}, {0.75}, {0.375}, {0.0}};
  static constexpr double q[4][18] = {
      {0x1.141d15fe9bfb3p-1,  0x1.749591d9358c7p-3,  -0x1.193df2f9dbf33p-4, 0x1.8d6ddc3e625dbp-6,
       -0x1.f756285276345p-8, 0x1.fa26fd0a78c66p-10, -0x1.6feceeeae9f89p-13, -0x1.d3732502d641ep-13,
       0x1.d6bb4561293f7p-13, -0x1.3669645aa1ad1p-13, 0x1.57fda17e7e6dbp-14, -0x1.531dc25e0ee4p-15,
       0x1.2acb14a13b6bbp-16, -0x1.ca59e98899f1dp-18, 0x1.336aa4c0df921p-19, -0x1.c9eefb65710aep-22,
       -0x1.895ff19e99686p-21, 0x1.733e90e44d0fp-21},
      {0x1.678fda6d6165cp-2,  0x1.5d8fcc4ff299fp-2,  -0x1.3c8f3c0e9716ep-3, 0x1.960f27317cdap-5,
       0x1.40539e94aebeap-9,  -0x1.6bb62c656edffp-6, 0x1.8adefd71e4b98p-6,  -0x1.21efc8c14429bp-6,
       0x1.23e191b118e09p-7,  -0x1.1113647d7681dp-10, -0x1.204b16c0548p-8,  0x1.d0172f2f37b7ep-8,
       -0x1.e19922d4abd64p-8, 0x1.82bc56f18065ap-8,  -0x1.e32b7631bad3ep-9, 0x1.2a9735209b138p-10,
       0x1.558aa5aa9626bp-9,  -0x1.258164392beafp-8},
      {0x1.97b3643d2dbacp-3,  0x1.e564643a22ec1p-2,  -0x1.7d2245a3fab2dp-3, -0x1.a2d92dec92b1bp-6,
       0x1.11bd8bc5ed5a2p-3,  -0x1.0b2e96c95e838p-3, 0x1.2521f82ed66fep-5,  0x1.9b13c4194d3a3p-4,
       -0x1.a31adbf76c78ep-3, 0x1.998b37ccf3f6dp-3,  -0x1.363ab593a9766p-5, -0x1.0c796119525b1p-2,
       0x1.2928d3d7c3bebp-1,  -0x1.63d63755babaep-1, 0x1.601da7d6dc344p-2,  0x1.561a77ebca86ap-1,
       -0x1.354b4dab7f5f3p+1, 0x1.c8f9e851e1f41p+1},
      {0.0, 0x1.20dd750429c77p-1, -0x1.d0fac87308214p-38, -0x1.20dd74f8cabbbp-2, -0x1.54b9a2f6c6afdp-25, 0x1.b14c9ade17d47p-2, -0x1.83b3968a8de11p-15, -0x1.0e8e7e28b389cp+0, -0x1.0ab1f7fbe792bp-6, 0x1.f44b339df7308p+1, -0x1.03b47cfe4b2efp+1, -0x1.21b5d031e7436p+0, -0x1.6df3630f8b815p+6, 0x1.f0968abba5789p+8, -0x1.3f4d3c95fad9bp+10, 0x1.de3f784c9371dp+10, -0x1.9771022ed44edp+10, 0x1.35b0132ed4f2fp+9}};
};

// Per-lane coefficient c[piece][i]: piece 0 if m0, else 1 if m1, else 2 if m2, else 3.
template <class V, class M, std::size_t N>
SYMACT_MATH_INLINE V pick4(M m0, M m1, M m2, const scalar_t<V> (&c)[4][N], std::size_t i) {
  return select(m0, K<V>(c[0][i]), select(m1, K<V>(c[1][i]), select(m2, K<V>(c[2][i]), K<V>(c[3][i]))));
}

// c[N-1] .. c[2] of the per-lane picked coefficients, Horner, unrolled.
template <class V, class M, std::size_t N, std::size_t... I>
SYMACT_MATH_INLINE V horner4_from2(V t, M m0, M m1, M m2, const scalar_t<V> (&c)[4][N], std::index_sequence<I...>) {
  V p = pick4<V>(m0, m1, m2, c, N - 1);
  ((p = fma(p, t, pick4<V>(m0, m1, m2, c, N - 2 - I))), ...);
  return p;
}

// erf(x) for |x| < 1/2
template <class V>
SYMACT_MATH_INLINE V erf_small(V x) {
  return fma(x, horner(x * x, erf_consts<scalar_t<V>>::small), x);
}

// erfc(a) for a = |x| >= 1/2 (garbage but harmless for smaller a)
template <class V>
SYMACT_MATH_INLINE V erfc_big(V a) {
  using S = scalar_t<V>;
  using C = erf_consts<S>;
  // Pieces from the unclamped a: masks computed after the clamp make g++ build a
  // select of masks (a > 30 ? false : ...), which its vectoriser rejects.
  auto m0 = a < S(1), m1 = a < S(2), m2 = a < S(4);
  a = select(a > S(30), K<V>(30), a);  // erfc(30) is 0 in both formats; keeps inf out
  V y = S(1) / a;
  V mid = pick4<V>(m0, m1, m2, C::mid4, 0);
  V t = y - mid;
  // Q = c0 + t*(c1 + t*P2(t)).  The two leading terms dominate, so they are summed as
  // exact pairs (Fast2Sum, fma products): the roundings left are inside the small
  // t*P2 term and the final addition.
  constexpr std::size_t N = sizeof(C::q[0]) / sizeof(C::q[0][0]);
  V p2 = horner4_from2(t, m0, m1, m2, C::q, std::make_index_sequence<N - 3>{});
  V c0 = pick4<V>(m0, m1, m2, C::q, 0);
  V c1 = pick4<V>(m0, m1, m2, C::q, 1);
  V u = t * p2;
  V ph = c1 + u, pl = (c1 - ph) + u;  // c1 + u = ph + pl, |u| < |c1|
  V h = t * ph, l = fma(t, ph, -h) + t * pl;
  V qh = c0 + h;
  V ql = ((c0 - qh) + h) + l;  // |h| < |c0| or c0 = 0
  // 1/a = y + yl; Q(y + yl) ~ Q(y) + Q'(y) yl with Q' ~ the piece's c1.
  V yl = fma(-a, y, K<V>(1)) * y;
  ql = fma(c1, yl, ql);
  V a2 = a * a;
  V a2lo = fma(a, a, -a2);  // a^2 = a2 + a2lo exactly
  // exp(-a^2) * Q = 2^k (eh + el)(qh + ql), the product as hi + (exact error + cross terms)
  auto e = exp_neg_dw(-a2, -a2lo);
  V hi = e.h * qh;
  V lo = fma(e.h, qh, -hi) + fma(e.l, qh, e.h * ql);
  return scale_kb_neg(hi + lo, e.kb);
}

// float32 erfc for every x (see the header comment).  About 60% of erfc_big's operations
// (no division by pieces, no coefficient selects, no separate small-|x| polynomial).
template <class V>
SYMACT_MATH_INLINE V erfc_f32(V x) {
  using S = scalar_t<V>;
  using E = exp_consts<S>;
  constexpr const auto& c = erf_consts<S>::erfcx_w;
  constexpr S kshift = kshift_neg<S>;
  V a = abs(x);
  a = select(a > S(10.1), K<V>(S(10.1)), a);  // erfc(10.1) rounds to 0; NaN passes
  // w + wl = 1/(1 + a) to about 2^-45: d + dl = 1 + a exactly (dl: Fast2Sum, exact for
  // every a >= 0 since 1 is a multiple of ulp(d) once d >= 2), e = 1 - (d + dl) w exactly
  V d = a + S(1);
  V dl = (S(1) - d) + a;
  V w = S(1) / d;
  V e = fma(-dl, w, fma(-d, w, K<V>(1)));
  V wl = e * w;
  // G = c0 + v (c1 + v P2(v)): P2 in pairs of terms in v^2 (half the dependent chain of
  // Horner), the last step c0 + v p1 as a pair Gh + Gl: Gh = fma(v, p1, c0) and Gl the
  // residual c0 - Gh + v p1 in one more fma (c0 = 0.86 dominates: |G - c0| < 0.3, so
  // c0 - Gh is exact).  G'(w) wl (wl < 2^-24 w, G' < 0.6) is left out: 4 ops less than
  // the exact product and Fast2Sum of before (0.52 -> 0.47 ns), 1.716 -> 1.793 ulp.
  V v = w - S(0.5);  // exact for w in [1/4, 1]; below, its rounding costs < 0.2 ulp
  V v2 = v * v;
  V q = fma(K<V>(c[12]), v, K<V>(c[11]));
  q = fma(q, v2, fma(K<V>(c[10]), v, K<V>(c[9])));
  q = fma(q, v2, fma(K<V>(c[8]), v, K<V>(c[7])));
  q = fma(q, v2, fma(K<V>(c[6]), v, K<V>(c[5])));
  q = fma(q, v2, fma(K<V>(c[4]), v, K<V>(c[3])));
  V p1 = fma(q, v2, fma(K<V>(c[2]), v, K<V>(c[1])));
  V gh = fma(v, p1, K<V>(c[0]));
  V gl = fma(v, p1, c[0] - gh);  // c0 - gh is exact, so gl is the rounded residual
  // m + ml = (gh + gl)(w + wl) = e^{a^2} erfc(a)
  V m = gh * w;
  V ml = fma(gh, w, -m) + fma(gh, wl, gl * w);
  // exp(-a^2), a^2 = a2 + a2l exactly: -a^2 = k ln2 + r1 + rl, r1 exact, p = expm1(r)
  // = r1 + p' with p' = rl + r^2 Q(r)
  V a2 = a * a, a2l = fma(a, a, -a2);
  V kb = fma(-a2, K<V>(E::log2e), K<V>(kshift));
  V k = kb - kshift;
  V r1 = fma(k, K<V>(-E::ln2_hi), -a2);
  V rl = fma(k, K<V>(-E::ln2_lo), -a2l);
  V r = r1 + rl;
  V pp = fma(r * r, horner(r, E::q), rl);
  // (m + ml)(1 + p) = m + (m r1 + m p' + ml (1 + r)): one rounding inside, one final
  V t = fma(m, r1, fma(m, pp, fma(ml, r, ml)));
  V big = scale_kb_neg(m + t, kb);
  return select(x < S(0), S(2) - big, big);
}
}  // namespace detail

template <class V>
SYMACT_MATH_INLINE V erf(V x) {
  using S = scalar_t<V>;
  V a = abs(x);
  if constexpr (is_f32<V>) {
    // erf needs erfc(a) only to an absolute 2^-26 or so, so the float32 path skips
    // erfc's relative-accuracy machinery: erfc(a) = exp(a L(a)) with L a polynomial,
    // a clamped to 4 (erf rounds to 1 beyond 3.92; NaN passes), and
    // 1 - s(1 + p) = (1 - s) - s p in one fma (1 - s is exact, s = 2^k).
    V ac = select(a > S(4), K<V>(4), a);
    auto e = exp_normal_neg(ac * horner(ac, detail::erf_consts<S>::log_erfc));
    V big = fma(-e.s, e.p, S(1) - e.s);
    return select(a < S(0.5), detail::erf_small(x), copysign(big, x));
  } else {
    return select(a < S(0.5), detail::erf_small(x), copysign(S(1) - detail::erfc_big(a), x));
  }
}

template <class V>
SYMACT_MATH_INLINE V erfc(V x) {
  using S = scalar_t<V>;
  if constexpr (is_f32<V>) {
    return detail::erfc_f32(x);
  } else {
    V a = abs(x);
    V big = detail::erfc_big(a);
    return select(a < S(0.5), S(1) - detail::erf_small(x), select(x < S(0), S(2) - big, big));
  }
}

}  // namespace symact::math
