// Force-inlining for the per-element helpers, so kernel loops are call-free and vectorize.
#pragma once

#if defined(__GNUC__)
#define SYMACT_NN_INLINE inline __attribute__((always_inline))
#else
#define SYMACT_NN_INLINE inline
#endif
