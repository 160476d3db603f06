// Force-inlining for the per-element helpers, so kernel loops are call-free and vectorize.
#pragma once

#if defined(__GNUC__)
#define SYMACT_NN_INLINE inline __attribute__((always_inline))
#define SYMACT_NN_LAMBDA_INLINE __attribute__((always_inline))  // after a lambda's parameters
#else
#define SYMACT_NN_INLINE inline
#define SYMACT_NN_LAMBDA_INLINE
#endif
