// ULP error of a float32 result against a double reference, and of a float64 result
// against a long double reference.  The ulp is that of the reference's binade in the
// target format (subnormal binades use the fixed subnormal ulp), so a result that
// rounds the reference correctly has error <= 0.5.
#pragma once

#include <cmath>
#include <limits>

namespace symact::math::test {

template <class T, class R>
inline double ulp_error(T got, R ref) {
  constexpr int mant = std::numeric_limits<T>::digits - 1;
  constexpr int emin = std::numeric_limits<T>::min_exponent - 1;  // exponent of min normal
  constexpr int emax = std::numeric_limits<T>::max_exponent - 1;
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(ref)) return std::isnan(got) ? 0.0 : inf;
  if (std::isnan(got)) return inf;
  if (std::isinf(ref) && !std::isinf(got)) return inf;
  R g = got;
  if (std::isinf(got)) {
    if (std::signbit(got) != std::signbit(ref)) return inf;
    if (std::isinf(ref)) return 0.0;
    g = std::copysign(std::ldexp(R(1), emax + 1), R(got));  // inf counts as 2^(emax+1)
    if (std::fabs(ref) >= std::fabs(g)) return 0.0;
  }
  R a = std::fabs(ref);
  int e = a == 0 ? emin : std::max(std::ilogb(a), emin);
  e = std::min(e, emax);
  return double(std::fabs(g - ref) / std::ldexp(R(1), e - mant));
}

}  // namespace symact::math::test
