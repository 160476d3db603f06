// pow(x, y): ULP sweep over >= 1M random pairs per precision, the C99 special cases
// (every pair of a grid of special values, against glibc's pow in the same format) and
// the overflow / underflow edges.
#include <doctest/doctest.h>

#include <cstdio>
#include <limits>

#include "pow_pairs.hpp"

using namespace symact::math::test;

namespace {

template <class T>
T pw(T x, T y) {
  T r;
  pow_batch(&x, &y, &r, 1);
  return r;
}

// One pair against glibc's pow: its NaN, its zeros and infinities with their signs (the
// C99 special cases), else within 4 ulp of the reference.
template <class T>
void check_pair(T x, T y) {
  T got = pw(x, y), want = std::pow(x, y);
  INFO("x=", double(x), " y=", double(y), " got=", double(got), " want=", double(want));
  if (std::isnan(want)) {
    CHECK(std::isnan(got));
  } else if (want == 0 || std::isinf(want)) {
    CHECK(got == want);
    CHECK(std::signbit(got) == std::signbit(want));
  } else {
    CHECK(ulp_error(got, pow_ref(x, y)) <= 4.0);
  }
}

template <class T>
void check_sweep() {
  std::mt19937_64 rng(2024);
  pow_result r;
  pow_sweep<T>(rng, std::size_t(1) << 20, r);
  std::printf("pow       %s  max %.3f ulp at x=%a y=%a (got %a, ref %a), %llu pairs\n",
              std::is_same_v<T, float> ? "f32" : "f64", r.max_ulp, r.worst_x, r.worst_y, r.worst_got,
              r.worst_ref, (unsigned long long)r.count);
  INFO("worst x=", r.worst_x, " y=", r.worst_y, " got=", r.worst_got, " ref=", r.worst_ref);
  CHECK(r.max_ulp <= 4.0);
  CHECK(r.count >= 1000000);
}

template <class T>
void check_specials() {
  using L = std::numeric_limits<T>;
  constexpr int mant = L::digits - 1;
  const T inf = L::infinity(), nan = L::quiet_NaN();
  const T odd_big = std::ldexp(T(1), mant) - 1, odd_bigger = std::ldexp(T(1), mant) + 1;
  const T even_big = std::ldexp(T(1), mant + 1);
  const T xs[] = {T(0), -T(0), inf, -inf, nan, T(1), T(-1), T(0.5), T(-0.5), T(2), T(-2), T(3), T(-3),
                  T(1.5), T(-1.5), L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), L::max(),
                  -L::max(), std::nextafter(T(1), T(2)), std::nextafter(T(1), T(0)), -std::nextafter(T(1), T(2))};
  const T ys[] = {T(0), -T(0), inf, -inf, nan, T(1), T(-1), T(2), T(-2), T(3), T(-3), T(0.5), T(-0.5),
                  T(2.5), T(-2.5), odd_big, -odd_big, odd_bigger, -odd_bigger, even_big, -even_big,
                  L::max(), -L::max(), L::denorm_min(), -L::denorm_min(), T(1e-10), T(127), T(-127)};
  for (T x : xs)
    for (T y : ys) check_pair(x, y);
}

template <class T>
void check_edges() {
  using L = std::numeric_limits<T>;
  constexpr int emax = L::max_exponent, emin = L::min_exponent - L::digits;  // 128, -149
  const T inf = L::infinity();
  CHECK(pw(T(2), T(emax)) == inf);
  CHECK(pw(T(-2), T(emax)) == inf);
  CHECK(pw(T(-2), T(emax + 1)) == -inf);
  CHECK(pw(T(2), T(emax - 1)) == std::ldexp(T(1), emax - 1));
  CHECK(pw(T(-2), T(emax - 1)) == -std::ldexp(T(1), emax - 1));
  CHECK(pw(T(0.5), T(-emax)) == inf);
  CHECK(pw(T(2), T(emin)) == L::denorm_min());
  CHECK(pw(T(-2), T(emin)) == (emin % 2 ? -L::denorm_min() : L::denorm_min()));  // sign from parity
  CHECK(pw(T(2), T(emin) - T(0.5)) == L::denorm_min());  // 0.707 * denorm_min rounds up
  CHECK(pw(T(2), T(emin - 1)) == T(0));  // exactly half of denorm_min: ties to even
  CHECK(pw(T(2), T(emin - 2)) == T(0));
  CHECK(pw(L::max(), T(-1)) == T(1) / L::max());  // a subnormal result
  CHECK(ulp_error(pw(T(10), T(-40)), pow_ref(T(10), T(-40))) <= 4.0);
  CHECK(ulp_error(pw(L::denorm_min(), T(0.5)), pow_ref(L::denorm_min(), T(0.5))) <= 4.0);  // subnormal x
  CHECK(ulp_error(pw(L::denorm_min(), T(-0.125)), pow_ref(L::denorm_min(), T(-0.125))) <= 4.0);
  // the largest finite result and the first overflowing one
  T y_max = T(std::log(double(L::max())) / std::log(10.0));
  CHECK(std::isfinite(pw(T(10), std::nextafter(y_max, T(0)))));
  CHECK(ulp_error(pw(T(10), y_max), pow_ref(T(10), y_max)) <= 4.0);
}

// float32 pow replaces |y| >= 2^64 (and y for x = 0 / inf) by 2^64 before its double
// core (pow.hpp): results on both sides of that threshold, near x = 1 and for negative x.
void check_far_y_f32() {
  const float xs[] = {1.0f, -1.0f, std::nextafter(1.0f, 2.0f), std::nextafter(1.0f, 0.0f), -std::nextafter(1.0f, 2.0f),
                      -std::nextafter(1.0f, 0.0f), 0.5f, -0.5f, 2.0f, -2.0f, 0.0f, -0.0f,
                      std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  const float ys[] = {0x1p63f, 0x1.fffffep63f, 0x1p64f, 0x1p65f, 0x1p100f, 0x1.fffffep127f, 0x1p24f, 0x1p23f + 1,
                      0x1p24f - 1, 0x1p22f + 0.5f, 3e-39f, 1.5e-45f};
  for (float x : xs)
    for (float y : ys)
      for (float sy : {y, -y}) check_pair(x, sy);
}

}  // namespace

TEST_CASE("pow float32: |y| from 2^63 up, tiny y, odd y near 2^23") { check_far_y_f32(); }
TEST_CASE("pow ulp sweep float32") { check_sweep<float>(); }
TEST_CASE("pow ulp sweep float64") { check_sweep<double>(); }
TEST_CASE("pow special values float32") { check_specials<float>(); }
TEST_CASE("pow special values float64") { check_specials<double>(); }
TEST_CASE("pow overflow and underflow edges float32") { check_edges<float>(); }
TEST_CASE("pow overflow and underflow edges float64") { check_edges<double>(); }
