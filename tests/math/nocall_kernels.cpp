// Compiled to assembly by check_no_calls.cmake (test math_no_calls): every loop over a
// symact::math function must be call-free (no libm, no outlined helper) and vectorised.
#include <symact/math/all.hpp>

#define SYMACT_KERNEL(T, name)                                                              \
  extern "C" void kern_##name##_##T(const T* __restrict x, T* __restrict y, unsigned long n) { \
    for (unsigned long i = 0; i < n; ++i) y[i] = symact::math::name(x[i]);                    \
  }
#define SYMACT_BOTH(name) SYMACT_KERNEL(float, name) SYMACT_KERNEL(double, name)
SYMACT_BOTH(exp)
SYMACT_BOTH(expm1)
SYMACT_BOTH(log)
SYMACT_BOTH(log1p)
SYMACT_BOTH(tanh)
SYMACT_BOTH(sech2)
SYMACT_BOTH(sigmoid)
SYMACT_BOTH(dsigmoid)
SYMACT_BOTH(softplus)
SYMACT_BOTH(erf)
SYMACT_BOTH(erfc)
SYMACT_BOTH(sin)
SYMACT_BOTH(cos)
SYMACT_BOTH(atan)
SYMACT_BOTH(sinh)
SYMACT_BOTH(cosh)
SYMACT_BOTH(sqrt)

#define SYMACT_KERNEL2(T, name)                                                               \
  extern "C" void kern_##name##_##T(const T* __restrict x, const T* __restrict y, T* __restrict r, \
                                    unsigned long n) {                                          \
    for (unsigned long i = 0; i < n; ++i) r[i] = symact::math::name(x[i], y[i]);                \
  }
SYMACT_KERNEL2(float, pow)
SYMACT_KERNEL2(double, pow)
