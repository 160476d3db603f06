// Plain libm loops: -O3 -march=native, no fast-math.
#include "math_libm_impl.hpp"

#define SYMACT_LIBM(name) SYMACT_LIBM_LOOP(libm, name)
SYMACT_MATH_BENCH_FUNCS(SYMACT_LIBM)
SYMACT_LIBM_POW_LOOP(libm)
