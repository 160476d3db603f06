// The functions under test: our implementation, a higher-precision reference, the
// accuracy bound, and an interval where a dense sweep is most informative.
#pragma once

#include <cmath>
#include <cstddef>
#include <type_traits>
#include <string_view>

#include <symact/math/all.hpp>

namespace symact::math::test {

namespace ref {
// References, evaluated in R = double (for float32) or long double (for float64).
template <class R> R sigmoid(R x) { R t = std::exp(-std::fabs(x)); return (x >= 0 ? R(1) : t) / (1 + t); }
template <class R> R dsigmoid(R x) { R t = std::exp(-std::fabs(x)); return t / ((1 + t) * (1 + t)); }
template <class R> R softplus(R x) { return std::fmax(x, R(0)) + std::log1p(std::exp(-std::fabs(x))); }
template <class R> R sech2(R x) { R t = std::exp(-2 * std::fabs(x)); return 4 * t / ((1 + t) * (1 + t)); }
}  // namespace ref

template <class T>
using ref_t = std::conditional_t<std::is_same_v<T, float>, double, long double>;

template <class T>
struct fn_entry {
  std::string_view name;
  void (*ours)(const T* x, T* y, std::size_t n);  // y[i] = f(x[i]); an inlined, vectorised loop
  ref_t<T> (*ref)(ref_t<T>);
  double bound;          // max ULP allowed
  double lo, hi;         // dense sweep interval
  double abs_limit;      // inputs with |x| > abs_limit are outside the documented domain
};

#define SYMACT_BATCH(F) \
  [](const T* x, T* y, std::size_t n) {         \
    for (std::size_t i = 0; i < n; ++i) y[i] = symact::math::F(x[i]); \
  }

template <class T>
inline const fn_entry<T>* functions(std::size_t& n) {
  using R = ref_t<T>;
  constexpr bool f32 = std::is_same_v<T, float>;
  constexpr double tight = f32 ? 2.0 : 4.0;  // the <=2 ULP float32 group
  constexpr double loose = 4.0;
  constexpr double inf = INFINITY;
  constexpr double trig_lim = f32 ? 131072.0 : 33554432.0;
  static const fn_entry<T> table[] = {
      {"exp", SYMACT_BATCH(exp), [](R x) { return std::exp(x); }, tight, -110, 90, inf},
      {"expm1", SYMACT_BATCH(expm1), [](R x) { return std::expm1(x); }, tight, -3, 3, inf},
      {"log", SYMACT_BATCH(log), [](R x) { return std::log(x); }, tight, 0, 4, inf},
      {"log1p", SYMACT_BATCH(log1p), [](R x) { return std::log1p(x); }, tight, -1, 2, inf},
      {"tanh", SYMACT_BATCH(tanh), [](R x) { return std::tanh(x); }, tight, -10, 10, inf},
      {"sigmoid", SYMACT_BATCH(sigmoid), ref::sigmoid<R>, tight, -110, 40, inf},
      {"softplus", SYMACT_BATCH(softplus), ref::softplus<R>, tight, -110, 110, inf},
      {"erf", SYMACT_BATCH(erf), [](R x) { return std::erf(x); }, tight, -6, 6, inf},
      {"erfc", SYMACT_BATCH(erfc), [](R x) { return std::erfc(x); }, tight, -2, f32 ? 10.5 : 27.5, inf},
      {"sech2", SYMACT_BATCH(sech2), ref::sech2<R>, loose, -45, 45, inf},
      {"dsigmoid", SYMACT_BATCH(dsigmoid), ref::dsigmoid<R>, loose, -110, 110, inf},
      {"sin", SYMACT_BATCH(sin), [](R x) { return std::sin(x); }, loose, -20, 20, trig_lim},
      {"cos", SYMACT_BATCH(cos), [](R x) { return std::cos(x); }, loose, -20, 20, trig_lim},
      {"atan", SYMACT_BATCH(atan), [](R x) { return std::atan(x); }, loose, -5, 5, inf},
      {"sinh", SYMACT_BATCH(sinh), [](R x) { return std::sinh(x); }, loose, -95, 95, inf},
      {"cosh", SYMACT_BATCH(cosh), [](R x) { return std::cosh(x); }, loose, -95, 95, inf},
      {"sqrt", SYMACT_BATCH(sqrt), [](R x) { return std::sqrt(x); }, loose, 0, 4, inf},
  };
  n = sizeof(table) / sizeof(table[0]);
  return table;
}
#undef SYMACT_BATCH

}  // namespace symact::math::test
