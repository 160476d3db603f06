// Shared by math_libm.cpp (plain) and math_libm_fast.cpp (-ffast-math): the same
// expressions written with <cmath>, the way a user would write them.
#pragma once

#include <cmath>

#include "math_loops.hpp"

namespace libm_forms {
inline float exp(float x) { return std::exp(x); }
inline float expm1(float x) { return std::expm1(x); }
inline float log(float x) { return std::log(x); }
inline float log1p(float x) { return std::log1p(x); }
inline float tanh(float x) { return std::tanh(x); }
inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
inline float softplus(float x) { return std::fmax(x, 0.0f) + std::log1p(std::exp(-std::fabs(x))); }
inline float erf(float x) { return std::erf(x); }
inline float erfc(float x) { return std::erfc(x); }
inline float sech2(float x) { float c = std::cosh(x); return 1.0f / (c * c); }
inline float dsigmoid(float x) { float s = sigmoid(x); return s * (1.0f - s); }
inline float sin(float x) { return std::sin(x); }
inline float cos(float x) { return std::cos(x); }
inline float atan(float x) { return std::atan(x); }
inline float sinh(float x) { return std::sinh(x); }
inline float cosh(float x) { return std::cosh(x); }
inline float sqrt(float x) { return std::sqrt(x); }
}  // namespace libm_forms

#define SYMACT_LIBM_LOOP(prefix, name)                                                  \
  void prefix##_##name(const float* __restrict x, float* __restrict y, std::size_t n) { \
    for (std::size_t i = 0; i < n; ++i) y[i] = libm_forms::name(x[i]);                 \
  }

#define SYMACT_LIBM_POW_LOOP(prefix)                                                           \
  void prefix##_pow(const float* __restrict x, const float* __restrict y, float* __restrict r, \
                    std::size_t n) {                                                           \
    for (std::size_t i = 0; i < n; ++i) r[i] = std::pow(x[i], y[i]);                           \
  }
