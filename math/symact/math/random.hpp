// Counter-based random numbers for the noise ops (ops.hpp: uniform, normal): each element's
// number is a pure function of (seed, element index, stream), so a backward pass regenerates
// what the forward drew instead of storing it, and chunked or multi-threaded calls draw
// the same numbers as one call.
//
// Generator: Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror, Shaw, "Parallel Random
// Numbers: As Easy as 1, 2, 3", SC'11), from its definition. It is add-rotate-xor only, so
// it is written in the builder's unsigned primitives (primitives.hpp: + ^ | & << >>) and
// every backend (scalar, LLVM IR, C++ source) gets it without a multiply primitive;
// Philox (nn/philox.hpp) would need a 32x32 -> 64-bit multiply. Known answers are checked
// in tests/math/test_random.cpp.
//
// Words are 32-bit. A float backend's unsigned lanes are 32-bit; a double backend's are
// 64-bit, so there every add and left shift is masked back to 32 bits: float and double
// kernels draw the same words, hence the same numbers up to rounding.
#pragma once

#include <cstdint>
#include <numbers>
#include <utility>

#include <symact/math/primitives.hpp>
#include <symact/math/log.hpp>
#include <symact/math/trig.hpp>

namespace symact::math {

template <class U>
struct threefry_words {
  U w0, w1;
};

namespace detail {

inline constexpr int threefry_rot[8] = {13, 15, 26, 6, 17, 29, 16, 24};
inline constexpr std::uint32_t threefry_parity = 0x1BD11BDA;

}  // namespace detail

// Threefry-2x32-20 of counter (c0, c1) under key (k0, k1). U: the backend's unsigned
// value type; Wide: its lanes are 64-bit (words kept in the low 32 bits).
template <bool Wide, class U>
SYMACT_MATH_INLINE threefry_words<U> threefry2x32(U c0, U c1, U k0, U k1) {
  auto m32 = [](U v) -> U {
    if constexpr (Wide) return v & 0xFFFFFFFFu; else return v;
  };
  const U ks[3] = {k0, k1, k0 ^ k1 ^ detail::threefry_parity};
  U x0 = m32(c0 + ks[0]);
  U x1 = m32(c1 + ks[1]);
  [&]<std::size_t... R>(std::index_sequence<R...>) {
    auto round = [&]<std::size_t r>(std::integral_constant<std::size_t, r>) {
      constexpr int rot = detail::threefry_rot[r % 8];
      x0 = m32(x0 + x1);
      x1 = m32(x1 << rot) | (x1 >> (32 - rot));
      x1 = x1 ^ x0;
      if constexpr (r % 4 == 3) {  // key injection every 4 rounds
        constexpr std::size_t i = (r + 1) / 4;
        x0 = m32(x0 + ks[i % 3]);
        x1 = m32(x1 + ks[(i + 1) % 3] + static_cast<std::uint32_t>(i));
      }
    };
    (round(std::integral_constant<std::size_t, R>{}), ...);
  }(std::make_index_sequence<20>{});
  return {x0, x1};
}

// A uniform number in [0, 1) from the words: float from the top 23 bits of w0 (step
// 2^-23), double from 52 bits (w0, then the top 20 of w1; step 2^-52). Exact: the bits
// become a mantissa under the exponent of 1, and 1 is subtracted.
template <class V, class U>
SYMACT_MATH_INLINE V uniform01(U w0, U w1) {
  if constexpr (is_f32<V>) {
    (void)w1;
    return as_float((w0 >> 9) | 0x3F800000u) - scalar_t<V>(1);
  } else {
    return as_float((w0 << 20) | (w1 >> 12) | uscalar_t<V>(0x3FF0000000000000ull)) - scalar_t<V>(1);
  }
}

// A standard normal number (Box-Muller, cosine branch): sqrt(-2 log u1) cos(2 pi u2),
// u1 = 1 - (w0's uniform) in (0, 1], u2 from w1. float uses 23 bits of each word, double
// 32: the tails are cut at |z| <= sqrt(2*23 ln 2) = 5.65 (float), 6.66 (double).
template <class V, class U>
SYMACT_MATH_INLINE V normal01(U w0, U w1) {
  using S = scalar_t<V>;
  V u1, u2;
  if constexpr (is_f32<V>) {
    u1 = S(2) - as_float((w0 >> 9) | 0x3F800000u);
    u2 = as_float((w1 >> 9) | 0x3F800000u) - S(1);
  } else {
    u1 = S(2) - as_float((w0 << 20) | uscalar_t<V>(0x3FF0000000000000ull));
    u2 = as_float((w1 << 20) | uscalar_t<V>(0x3FF0000000000000ull)) - S(1);
  }
  return sqrt(S(-2) * log(u1)) * cos(S(2 * std::numbers::pi_v<S>) * u2);
}

}  // namespace symact::math
