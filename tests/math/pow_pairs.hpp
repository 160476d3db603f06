// pow(x, y) inputs and sweep: random (x, y) pairs drawn from families that cover the
// whole result range (overflow and underflow edges, subnormal results, x near 1 with
// huge y, negative x with integer y, raw bit patterns full of specials).
// Reference: double pow for float32, long double powl for float64.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <symact/math/all.hpp>

#include "sweep.hpp"

namespace symact::math::test {

template <class T>
inline void pow_batch(const T* x, const T* y, T* r, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) r[i] = symact::math::pow(x[i], y[i]);  // vectorised loop
}

template <class T>
inline ref_t<T> pow_ref(T x, T y) {
  if constexpr (std::is_same_v<T, float>) return std::pow(double(x), double(y));
  else return powl((long double)x, (long double)y);
}

// Fills xs/ys with n pairs; family i % 8 (see the comments).
template <class T>
inline void pow_pairs(std::mt19937_64& rng, T* xs, T* ys, std::size_t n) {
  using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  constexpr int mant = std::numeric_limits<T>::digits - 1;
  constexpr double emax = std::numeric_limits<T>::max_exponent;         // 128 / 1024
  constexpr double emin = std::numeric_limits<T>::min_exponent - 1 - mant;  // -149 / -1074
  std::uniform_real_distribution<double> u(-1.0, 1.0), u01(0.0, 1.0);
  auto any_finite = [&] {  // every binade equally, positive
    T v;
    do v = std::abs(std::bit_cast<T>(static_cast<U>(rng())));
    while (!std::isfinite(v) || v == 0);
    return v;
  };
  auto lim = [&](T x) {  // |y| for which |y log2 x| reaches a bit past the whole range
    double l = std::fabs(std::log2(double(x)));
    return (emax - emin + 20) / (l > 0 ? l : 1e-30);
  };
  for (std::size_t i = 0; i < n; ++i) {
    T x, y;
    switch (i % 8) {
      case 0:  // any positive x, y spanning overflow to underflow
        x = any_finite();
        y = T(u(rng) * 0.6 * lim(x));
        break;
      case 1:  // moderate x and y
        x = T(4 * u01(rng));
        y = T(u(rng) * (std::is_same_v<T, float> ? 40 : 300));
        break;
      case 2: {  // x within 2^12 ulps of 1, huge y
        auto k = static_cast<U>(rng() % 4096);
        x = std::bit_cast<T>(rng() % 2 ? std::bit_cast<U>(T(1)) + k : std::bit_cast<U>(T(1)) - k);
        y = T(u(rng) * 0.6 * lim(x));
        break;
      }
      case 3:  // negative x, integer y (sign from parity), also beyond 2^mant
        x = -any_finite();
        y = std::round(T(u(rng) * 0.6 * lim(x)));
        if (rng() % 4 == 0) y = std::ldexp(T(2 * (rng() % 1024) + 1), int(rng() % (mant + 2)));
        break;
      case 4: {  // results near the overflow threshold, or subnormal / near min normal
        x = T(0.5 + 3.5 * u01(rng));
        if (x == 1) x = T(3);
        double t = rng() % 2 ? emax - 3 + 4 * u01(rng) : emin - 3 + (mant + 7) * u01(rng);
        y = T(t / std::log2(double(x)));
        break;
      }
      case 5:  // raw bit patterns: specials, NaNs, infinities, subnormals
        x = std::bit_cast<T>(static_cast<U>(rng()));
        y = std::bit_cast<T>(static_cast<U>(rng()));
        if (rng() % 2) y = std::round(std::fmod(y, T(64)));
        break;
      case 6:  // any x, any sign, small integer y
        x = std::bit_cast<T>(static_cast<U>(rng()));
        y = T(int(rng() % 21) - 10);
        break;
      default:  // x near 1 (|log x| small), moderate y
        x = T(0.5 + 1.5 * u01(rng));
        y = T(std::ldexp(u(rng), int(rng() % 12)));
        break;
    }
    xs[i] = x;
    ys[i] = y;
  }
}

// ULP sweep over n pairs from pow_pairs; worst_x / worst_y record the worst pair.
struct pow_result : sweep_result {
  double worst_y = 0;
};

template <class T>
inline void pow_sweep(std::mt19937_64& rng, std::size_t n, pow_result& r) {
  constexpr std::size_t chunk = 1 << 14;
  std::vector<T> xs(chunk), ys(chunk), rs(chunk);
  for (std::size_t done = 0; done < n; done += chunk) {
    pow_pairs(rng, xs.data(), ys.data(), chunk);
    pow_batch(xs.data(), ys.data(), rs.data(), chunk);
    for (std::size_t i = 0; i < chunk; ++i) {
      auto ref = pow_ref(xs[i], ys[i]);
      double e = ulp_error(rs[i], ref);
      ++r.count;
      if (e > 1) ++r.over_1;
      if (e > r.max_ulp || e != e) {
        r.max_ulp = e; r.worst_x = double(xs[i]); r.worst_y = double(ys[i]);
        r.worst_got = double(rs[i]); r.worst_ref = double(ref);
      }
    }
  }
}

}  // namespace symact::math::test
