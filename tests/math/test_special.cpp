// Special values (+-0, +-inf, NaN, overflow/underflow edges) and the tails that must
// keep relative accuracy.
#include <doctest/doctest.h>

#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "sweep.hpp"

using namespace symact::math::test;

namespace {

template <class T>
const fn_entry<T>& fn(std::string_view name) {
  std::size_t n = 0;
  const auto* f = functions<T>(n);
  for (std::size_t i = 0; i < n; ++i)
    if (f[i].name == name) return f[i];
  throw std::runtime_error("no such function");
}

template <class T>
T eval(const fn_entry<T>& f, T x) {
  T y;
  f.ours(&x, &y, 1);
  return y;
}

template <class T>
void check_specials() {
  constexpr T inf = std::numeric_limits<T>::infinity();
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T specials[] = {T(0), -T(0), inf, -inf, nan, std::numeric_limits<T>::denorm_min(),
                        -std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(),
                        std::numeric_limits<T>::max(), -std::numeric_limits<T>::max()};
  std::size_t n = 0;
  const auto* fns = functions<T>(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto& f = fns[k];
    for (T x : specials) {
      if (std::fabs(double(x)) > f.abs_limit) continue;
      T got = eval(f, x);
      auto ref = f.ref(ref_t<T>(x));
      INFO(f.name, " x=", double(x), " got=", double(got), " ref=", double(ref));
      CHECK(ulp_error(got, ref) <= f.bound);
      if (ref == 0) CHECK(std::signbit(got) == std::signbit(ref));  // sign of zero
    }
  }
}

// f at x must be within the function's bound of the reference: used for tails.
template <class T>
void check_points(std::string_view name, std::initializer_list<double> xs) {
  const auto& f = fn<T>(name);
  for (double xd : xs) {
    T x = T(xd);
    T got = eval(f, x);
    auto ref = f.ref(ref_t<T>(x));
    INFO(name, " x=", xd, " got=", double(got), " ref=", double(ref));
    CHECK(got != 0);  // a tail must not flush to zero while the true value is normal
    CHECK(ulp_error(got, ref) <= f.bound);
  }
}

}  // namespace

TEST_CASE("special values float32") { check_specials<float>(); }
TEST_CASE("special values float64") { check_specials<double>(); }

TEST_CASE("tails keep relative accuracy") {
  check_points<float>("erfc", {5, 8, 9, 9.1});
  // the exhaustive sweep's former worst case (2.03 ulp before the double-word exp(-x^2))
  check_points<float>("erfc", {7.23131275});
  // float32 erf: both sides of the 1/2 switch, the worst case seen, and the clamp at 4
  // (erf rounds to 1 from 3.92)
  check_points<float>("erf", {0.4999999, 0.5, 0.644957185, 3.9, 3.92, 3.99, 4.0, 4.01, 30});
  // float32 tanh: both sides of the 0.55 switch and where it reaches 1
  check_points<float>("tanh", {0.5499999, 0.55, 0.556197762, 9.0, 9.02, 9.5, 20});
  check_points<double>("erfc", {10, 20, 26, 26.5});
  check_points<float>("sigmoid", {-80, -87});
  check_points<double>("sigmoid", {-100, -700});
  check_points<float>("softplus", {-80, -87, 100});
  check_points<double>("softplus", {-100, -700, 100});
  check_points<float>("sech2", {9, 15, 20, 30, 40, -40});
  check_points<double>("sech2", {9, 15, 20, 30, 40, -40, 300});
  check_points<float>("dsigmoid", {-80, 80});
  check_points<double>("dsigmoid", {-100, 100});
  check_points<float>("expm1", {1e-30, -1e-30, 1e-7, -1e-7, 1e-3});
  check_points<double>("expm1", {1e-300, -1e-300, 1e-17, 1e-9, -1e-5});
  check_points<float>("log1p", {1e-30, -1e-30, 1e-7, -1e-7, 1e-3});
  check_points<double>("log1p", {1e-300, -1e-300, 1e-17, 1e-9, -1e-5});
  // overflow / underflow edges of exp
  check_points<float>("exp", {88.72, -87.3, -103.9});
  check_points<double>("exp", {709.78, -708.3, -744.4});
}

TEST_CASE("sigmoid(-100) float32 is subnormal and close") {
  // 3.7e-44 is subnormal in float32: gradual underflow, not flushed.
  float y = symact::math::sigmoid(-100.0f);
  CHECK(y > 0);
  CHECK(ulp_error(y, 1.0 / (1.0 + std::exp(100.0))) <= 2);
}

// log1p_unit (softplus's log1p(t), t = exp(-|u|) in [0, 1]): log1p's accuracy on all of
// [0, 1], around the switch at sqrt(2) - 1 (worst there, as for log1p: 1.42 ulp float32,
// 1.88 float64), for tiny and subnormal t (log1p(t) = t), and at 0 and NaN.
template <class T> void check_log1p_unit() {
    using R = std::conditional_t<sizeof(T) == 4, double, long double>;
    double worst = 0;
    T at = 0;
    auto one = [&](T t) {
        const double e = ulp_error(symact::math::log1p_unit(t), std::log1p(static_cast<R>(t)));
        if (e > worst) worst = e, at = t;
    };
    for (int i = 0; i <= 1 << 20; ++i) one(static_cast<T>(i) / static_cast<T>(1 << 20));
    T lo = T(0.41421356237309504880), hi = lo;  // 4096 neighbours on each side of the switch
    for (int i = 0; i < 4096; ++i, lo = std::nextafter(lo, T(0)), hi = std::nextafter(hi, T(1))) {
        one(lo);
        one(hi);
    }
    for (int k = std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits; k < -10; ++k)
        one(std::ldexp(T(1.37), k));  // tiny t, subnormals included: log1p(t) = t
    INFO("worst ", worst, " ulp at t = ", at);
    CHECK(worst <= 2.0);  // log1p's bound (its own worst: 1.451 float32, 1.843 float64, near t = 0.4143)
    CHECK(symact::math::log1p_unit(T(0)) == T(0));
    CHECK(!std::signbit(symact::math::log1p_unit(T(0))));
    CHECK(symact::math::log1p_unit(std::numeric_limits<T>::denorm_min()) == std::numeric_limits<T>::denorm_min());
    CHECK(std::isnan(symact::math::log1p_unit(std::numeric_limits<T>::quiet_NaN())));
}
TEST_CASE("log1p_unit: softplus's log1p on [0, 1]") {
    check_log1p_unit<float>();
    check_log1p_unit<double>();
}
