// The primitive operations every symact::math function is written in, and their
// implementation for plain float / double scalars.
//
// Each elementary function (exp.hpp, log.hpp, ...) is a template over a value type V
// and uses ONLY the operations listed below.  Calls are unqualified, so a backend type
// (LLVM IR builder value, C++ source printer, op counter) provides them as free
// functions found by ADL; the float/double versions live here in symact::math.
//
// Types a backend defines (the scalar backend's choice in brackets):
//   V  the floating value                                   [float | double]
//   M  a per-lane boolean, result of comparisons            [bool]
//   U  the same-width unsigned integer, result of as_uint   [uint32_t | uint64_t]
//   W  for a float32 V only: the float64 value of the same lanes    [double]
// and a specialisation of value_traits<V> (below) naming the element types and
// turning a compile-time constant into a V / U.  For a float32 V it also names W as
// `using wide = ...` (wide_t<V>; W is itself a backend value type, with W's own
// value_traits): a vector of n float lanes widens to a vector of n double lanes, so
// the lane count never changes.  A backend without float32 values (the op counter)
// need not define it; only code under `if constexpr (is_f32<V>)` uses it.
//
// The primitives (S = scalar_t<V>, US = uscalar_t<V>; n is a compile-time int):
//   V+V V-V V*V V/V -V, and V op S, S op V for + - * /     IEEE, round to nearest
//   V<V V<=V V>V V>=V V==V, and V cmp S                    ordered: false if a NaN -> M
//   fma(V,V,V) -> V                                         fused, one rounding (llvm.fma)
//   sqrt(V) -> V                                            correctly rounded (llvm.sqrt)
//   abs(V) -> V                                             clears the sign bit (llvm.fabs)
//   copysign(V mag, V sgn) -> V                             (llvm.copysign)
//   is_nan(V) -> M                                          (fcmp uno x, x)
//   mask_and(M,M) mask_or(M,M) mask_not(M) -> M
//   select(M, V a, V b) -> V                                a where M, else b
//   as_uint(V) -> U, as_float(U) -> V                       bit casts (no value change)
//   U+U U-U U&U U|U U^U, and U op US for the same ops      modulo 2^width
//   U<<n U>>n                                               logical shifts, 0 < n < width
//   widen(V) -> W, narrow(W) -> V        float32 V only: exact float -> double (fpext);
//                                        double -> float rounded to nearest (fptrunc):
//                                        one IEEE rounding, subnormal results and
//                                        overflow to inf included
//
// Not primitives, on purpose: rounding to integer, int<->float conversion, min/max,
// ldexp.  They are derived in helpers.hpp from the list above (the "add 1.5*2^p"
// trick rounds and puts the integer in the low mantissa bits), which keeps the list
// short and every entry one LLVM instruction and one C++ expression.
//
// Contract for backends: evaluate exactly as written.  No reassociation or other
// fast-math rewrites (the rounding tricks rely on (x + C) - C being evaluated as two
// roundings); fusing a*b+c into fma is harmless.  Every function is branch-free: a
// backend sees straight-line code, no control flow, no loops with data-dependent trip
// counts (the Horner loops over coefficient tables have compile-time length).
//
// Scalar backend note: the symact_math CMake target adds three flags that change no
// result but matter for g++'s vectoriser: -fno-math-errno (std::sqrt only vectorises
// when errno is not set), -fno-thread-jumps (jump threading turns a select into a
// branch and duplicates the code after it per outcome: log's split ran twice, atan's
// loop was 2x longer) and -fno-trapping-math (such branches are only if-converted back
// when FP ops cannot trap: pow's loop stayed scalar).  Code that instantiates these
// templates for float/double should use the same flags.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

// Every function is forced inline: a loop over it must become one straight-line body
// for the vectoriser (g++ otherwise outlines large helpers such as erfc's, leaving a
// call in the loop).
#if defined(__GNUC__) || defined(__clang__)
#define SYMACT_MATH_INLINE inline __attribute__((always_inline))
#else
#define SYMACT_MATH_INLINE inline
#endif

namespace symact::math {

// ---- traits: what a backend specialises ------------------------------------------
template <class V>
struct value_traits;  // primary left undefined: a backend must specialise it

template <>
struct value_traits<float> {
  using scalar = float;
  using uscalar = std::uint32_t;
  using wide = double;
  static float splat(float c) { return c; }
  static std::uint32_t usplat(std::uint32_t c) { return c; }
};
template <>
struct value_traits<double> {
  using scalar = double;
  using uscalar = std::uint64_t;
  static double splat(double c) { return c; }
  static std::uint64_t usplat(std::uint64_t c) { return c; }
};

template <class V>
using scalar_t = typename value_traits<V>::scalar;
template <class V>
using uscalar_t = typename value_traits<V>::uscalar;
// The float64 value type of a float32 V's lanes (widen / narrow).
template <class V>
using wide_t = typename value_traits<V>::wide;

// A compile-time constant as a V (lets generic code write K<V>(0.5) where a V is needed).
template <class V>
SYMACT_MATH_INLINE V K(scalar_t<V> c) { return value_traits<V>::splat(c); }
template <class V>
SYMACT_MATH_INLINE auto KU(uscalar_t<V> c) { return value_traits<V>::usplat(c); }

template <class V>
inline constexpr bool is_f32 = std::is_same_v<scalar_t<V>, float>;

// ---- scalar implementations ------------------------------------------------------
SYMACT_MATH_INLINE float fma(float a, float b, float c) { return std::fma(a, b, c); }
SYMACT_MATH_INLINE double fma(double a, double b, double c) { return std::fma(a, b, c); }
SYMACT_MATH_INLINE float sqrt(float x) { return std::sqrt(x); }
SYMACT_MATH_INLINE double sqrt(double x) { return std::sqrt(x); }
SYMACT_MATH_INLINE float abs(float x) { return std::fabs(x); }
SYMACT_MATH_INLINE double abs(double x) { return std::fabs(x); }
SYMACT_MATH_INLINE float copysign(float m, float s) { return std::copysign(m, s); }
SYMACT_MATH_INLINE double copysign(double m, double s) { return std::copysign(m, s); }
SYMACT_MATH_INLINE bool is_nan(float x) { return x != x; }
SYMACT_MATH_INLINE bool is_nan(double x) { return x != x; }

SYMACT_MATH_INLINE bool mask_and(bool a, bool b) { return a && b; }
SYMACT_MATH_INLINE bool mask_or(bool a, bool b) { return a || b; }
SYMACT_MATH_INLINE bool mask_not(bool a) { return !a; }

SYMACT_MATH_INLINE float select(bool m, float a, float b) { return m ? a : b; }
SYMACT_MATH_INLINE double select(bool m, double a, double b) { return m ? a : b; }

SYMACT_MATH_INLINE std::uint32_t as_uint(float x) { return std::bit_cast<std::uint32_t>(x); }
SYMACT_MATH_INLINE std::uint64_t as_uint(double x) { return std::bit_cast<std::uint64_t>(x); }
SYMACT_MATH_INLINE float as_float(std::uint32_t u) { return std::bit_cast<float>(u); }
SYMACT_MATH_INLINE double as_float(std::uint64_t u) { return std::bit_cast<double>(u); }

SYMACT_MATH_INLINE double widen(float x) { return static_cast<double>(x); }
SYMACT_MATH_INLINE float narrow(double x) { return static_cast<float>(x); }

}  // namespace symact::math
