// The same libm loops compiled with -ffast-math (glibc's vector libmvec where it has one).
#include "math_libm_impl.hpp"

#define SYMACT_FAST(name) SYMACT_LIBM_LOOP(fast, name)
SYMACT_MATH_BENCH_FUNCS(SYMACT_FAST)
SYMACT_LIBM_POW_LOOP(fast)
