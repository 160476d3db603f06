// Loops benchmarked by bench_math: y[i] = f(x[i]) for each function, in three builds
// (ours: symact::math, -O3 -march=native; libm: std:: calls, same flags; fast: std::
// calls with -ffast-math, i.e. glibc's libmvec).  Each variant lives in its own TU.
#pragma once

#include <cstddef>

#define SYMACT_MATH_BENCH_FUNCS(X) \
  X(exp) X(expm1) X(log) X(log1p) X(tanh) X(sigmoid) X(softplus) X(erf) X(erfc) X(sech2) \
  X(dsigmoid) X(sin) X(cos) X(atan) X(sinh) X(cosh) X(sqrt)

#define SYMACT_DECLARE(name)                                          \
  void ours_##name(const float* x, float* y, std::size_t n);          \
  void libm_##name(const float* x, float* y, std::size_t n);          \
  void fast_##name(const float* x, float* y, std::size_t n);
SYMACT_MATH_BENCH_FUNCS(SYMACT_DECLARE)
#undef SYMACT_DECLARE

// pow(x, y): two inputs, r[i] = pow(x[i], y[i]).
void ours_pow(const float* x, const float* y, float* r, std::size_t n);
void libm_pow(const float* x, const float* y, float* r, std::size_t n);
void fast_pow(const float* x, const float* y, float* r, std::size_t n);
