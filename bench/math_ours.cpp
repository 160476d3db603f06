// symact::math loops (no -ffast-math).  Each loop inlines the branch-free template and
// g++ vectorises it; tests/math checks that such loops contain no call.
#include <symact/math/all.hpp>

#include "math_loops.hpp"

#define SYMACT_OURS(name)                                                              \
  void ours_##name(const float* __restrict x, float* __restrict y, std::size_t n) { \
    for (std::size_t i = 0; i < n; ++i) y[i] = symact::math::name(x[i]);            \
  }
SYMACT_MATH_BENCH_FUNCS(SYMACT_OURS)

void ours_pow(const float* __restrict x, const float* __restrict y, float* __restrict r, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) r[i] = symact::math::pow(x[i], y[i]);
}
