// The primitive ops: each defined once, here. An op is a struct with
//   name, arity                 how it is spelled and called in the expression syntax
//   infix (optional)            spelled as an operator instead of a call (^, <, ...)
//   deriv(args.., dargs.., f)   its derivative rule, written as an expression of its operands,
//                               their derivatives and its own value f (so rules may reuse f).
//                               Generic: the same text builds runtime Exprs and DSL types.
//   ref<T>(args..)              reference numerics in T = float or double (scalar libm), the
//                               baseline every fast path is tested against
//   eval<V>(args..)             the fast numerics (forced inline, so loops over them
//                               vectorize), generic over a backend value V (float,
//                               double, an LLVM IR value, C++ source, an op counter): the
//                               branch-free approximations of symact::math; what kernels run
//   fold(Number..) (optional)   exact constant folding (exp(0) = 1)
//   parity (optional)           +1 even (f(-u) = f(u)), -1 odd (f(-u) = -f(u)): the graph
//                               keeps one sign of the argument, so f(x) and f(-x) share a node
//   decay (optional)            Decays: the value is 0 only where it has decayed exponentially
//                               (exp, sigmoid, sech2, erfc, softplus in their tails);
//                               Keeps: f(0) = 0 with a finite slope, so f of a decaying value
//                               decays too (tanh(softplus(x)) at -inf). A product whose decaying
//                               factor is 0 is 0 even if another factor is inf (decay.hpp)
// and listed once in SYMACT_FUNCTION_OPS below; the parser, differentiators, printers,
// evaluators and lowerings all read this table. Add, Mul (n-ary, canonical) and the leaves
// (constants, x, parameters) are structural and live in graph.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <string_view>

#include <symact/math/all.hpp>

namespace symact::math {
template <class V> V pow(V x, V y);  // math/pow.hpp (declared here so ops.hpp compiles first)
}

#include "symact/codegen/literal.hpp"
#include "symact/codegen/number.hpp"

namespace symact::ops {

// The math primitives, called unqualified in eval(): these find the float/double versions,
// argument-dependent lookup finds a backend's (an LLVM IR value, C++ source, a counter).
using math::abs;
using math::is_nan;
using math::select;
using math::sqrt;

struct Structural {};  // stands for Const, Var, Param, Add, Mul in visit_op

enum class Decay { None, Decays, Keeps };

template <class T> inline T nan_of() { return std::numeric_limits<T>::quiet_NaN(); }

// ---- named constants (arity 0) ----------------------------------------------------------
struct Pi {
    static constexpr std::string_view name = "pi";
    static constexpr int arity = 0;
    template <class T> static T ref() { return std::numbers::pi_v<T>; }
    template <class V> SYMACT_MATH_INLINE static V eval() { return math::K<V>(std::numbers::pi_v<math::scalar_t<V>>); }
};
struct E {
    static constexpr std::string_view name = "e";
    static constexpr int arity = 0;
    template <class T> static T ref() { return std::numbers::e_v<T>; }
    template <class V> SYMACT_MATH_INLINE static V eval() { return math::K<V>(std::numbers::e_v<math::scalar_t<V>>); }
};

// ---- power ------------------------------------------------------------------------------
struct Pow {
    static constexpr std::string_view name = "pow";
    static constexpr std::string_view infix = "^";
    static constexpr int arity = 2;
    // d a^b = b a^(b-1) da + a^b log(a) db; the log term vanishes symbolically when db = 0.
    static constexpr auto deriv(auto a, auto b, auto da, auto db, auto f) {
        return b * pow(a, b - lit<1>) * da + f * log(a) * db;
    }
    template <class T> static T ref(T a, T b) { return std::pow(a, b); }
    // (constant exponents are lowered to multiplications and sqrt; see lower.hpp)
    template <class V> SYMACT_MATH_INLINE static V eval(V a, V b) { return math::pow(a, b); }
};

// ---- elementary functions ---------------------------------------------------------------
struct Exp {
    static constexpr std::string_view name = "exp";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Decays;
    static constexpr auto deriv(auto, auto du, auto f) { return f * du; }
    template <class T> static T ref(T u) { return std::exp(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::exp(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(1);
        return std::nullopt;
    }
};
struct Log {
    static constexpr std::string_view name = "log";
    static constexpr int arity = 1;
    static constexpr auto deriv(auto u, auto du, auto) { return du / u; }
    template <class T> static T ref(T u) { return std::log(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::log(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_one()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Log1p {
    static constexpr std::string_view name = "log1p";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr auto deriv(auto u, auto du, auto) { return du / (lit<1> + u); }
    template <class T> static T ref(T u) { return std::log1p(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::log1p(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Expm1 {
    static constexpr std::string_view name = "expm1";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    // exp(u), not f + 1: f + 1 cancels to 0 for u < -17 in float32.
    static constexpr auto deriv(auto u, auto du, auto) { return exp(u) * du; }
    template <class T> static T ref(T u) { return std::expm1(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::expm1(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Sqrt {
    static constexpr std::string_view name = "sqrt";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr auto deriv(auto, auto du, auto f) { return du / (lit<2> * f); }  // +inf at 0
    template <class T> static T ref(T u) { return std::sqrt(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return sqrt(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_negative()) return std::nullopt;
        if (auto r = u.pow(codegen::Number::rational(1, 2)); r && r->is_exact()) return r;
        return std::nullopt;
    }
};
struct Sign {
    static constexpr std::string_view name = "sign";
    static constexpr int arity = 1;
    static constexpr int parity = -1;
    static constexpr auto deriv(auto, auto, auto) { return lit<0>; }
    template <class T> static T ref(T u) { return u > 0 ? T(1) : u < 0 ? T(-1) : u; }  // 0, NaN kept
    template <class V> SYMACT_MATH_INLINE static V eval(V u) {
        using S = math::scalar_t<V>;
        return select(u > S(0), math::K<V>(1), select(u < S(0), math::K<V>(-1), u));
    }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        return codegen::Number(u.is_zero() ? 0 : u.is_negative() ? -1 : 1);
    }
};
struct Abs {
    static constexpr std::string_view name = "abs";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr int parity = 1;
    static constexpr auto deriv(auto u, auto du, auto) { return sign(u) * du; }  // abs'(0) = 0
    template <class T> static T ref(T u) { return std::fabs(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return abs(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        return u.is_negative() ? u.neg() : u;
    }
};
struct Tanh {
    static constexpr std::string_view name = "tanh";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr int parity = -1;
    // sech2, not 1 - f^2: the latter is 0 for u > 9 in float32 (true value 6e-8).
    static constexpr auto deriv(auto u, auto du, auto) { return sech2(u) * du; }
    template <class T> static T ref(T u) { return std::tanh(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::tanh(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Sech2 {  // sech(u)^2 = 1 - tanh(u)^2, from t = exp(-2|u|): accurate in the tails
    static constexpr std::string_view name = "sech2";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Decays;
    static constexpr int parity = 1;
    static constexpr auto deriv(auto u, auto du, auto f) { return lit<-2> * f * tanh(u) * du; }
    template <class T> static T ref(T u) {
        T t = std::exp(T(-2) * std::fabs(u));
        return T(4) * t / ((T(1) + t) * (T(1) + t));
    }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::sech2(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(1);
        return std::nullopt;
    }
};
struct Sinh {
    static constexpr std::string_view name = "sinh";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr int parity = -1;
    static constexpr auto deriv(auto u, auto du, auto) { return cosh(u) * du; }
    template <class T> static T ref(T u) { return std::sinh(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::sinh(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Cosh {
    static constexpr std::string_view name = "cosh";
    static constexpr int arity = 1;
    static constexpr int parity = 1;
    static constexpr auto deriv(auto u, auto du, auto) { return sinh(u) * du; }
    template <class T> static T ref(T u) { return std::cosh(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::cosh(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(1);
        return std::nullopt;
    }
};
struct Sin {
    static constexpr std::string_view name = "sin";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr int parity = -1;
    static constexpr auto deriv(auto u, auto du, auto) { return cos(u) * du; }
    template <class T> static T ref(T u) { return std::sin(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::sin(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Cos {
    static constexpr std::string_view name = "cos";
    static constexpr int arity = 1;
    static constexpr int parity = 1;
    static constexpr auto deriv(auto u, auto du, auto) { return -(sin(u) * du); }
    template <class T> static T ref(T u) { return std::cos(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::cos(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(1);
        return std::nullopt;
    }
};
struct Atan {
    static constexpr std::string_view name = "atan";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr int parity = -1;
    static constexpr auto deriv(auto u, auto du, auto) { return du / (lit<1> + u * u); }
    template <class T> static T ref(T u) { return std::atan(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::atan(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Erf {
    static constexpr std::string_view name = "erf";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Keeps;
    static constexpr int parity = -1;
    static constexpr auto deriv(auto u, auto du, auto) {
        return lit<2> * exp(-(u * u)) / sqrt(make_like<Pi>(u)) * du;
    }
    template <class T> static T ref(T u) { return std::erf(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::erf(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(0);
        return std::nullopt;
    }
};
struct Erfc {
    static constexpr std::string_view name = "erfc";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Decays;
    static constexpr auto deriv(auto u, auto du, auto) {
        return lit<-2> * exp(-(u * u)) / sqrt(make_like<Pi>(u)) * du;
    }
    template <class T> static T ref(T u) { return std::erfc(u); }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::erfc(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number(1);
        return std::nullopt;
    }
};
struct Sigmoid {
    static constexpr std::string_view name = "sigmoid";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Decays;
    // f * sigmoid(-u), not f * (1 - f): 1 - f is 0 for u > 17 in float32.
    static constexpr auto deriv(auto u, auto du, auto f) { return f * sigmoid(-u) * du; }
    template <class T> static T ref(T u) {
        T z = std::exp(-std::fabs(u));  // never overflows
        return u >= 0 ? T(1) / (T(1) + z) : u < 0 ? z / (T(1) + z) : u;
    }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::sigmoid(u); }
    static std::optional<codegen::Number> fold(const codegen::Number& u) {
        if (u.is_zero()) return codegen::Number::rational(1, 2);
        return std::nullopt;
    }
};
struct Softplus {
    static constexpr std::string_view name = "softplus";
    static constexpr int arity = 1;
    static constexpr Decay decay = Decay::Decays;
    static constexpr auto deriv(auto u, auto du, auto) { return sigmoid(u) * du; }
    // log(1 + exp(u)) = max(u, 0) + log1p(exp(-|u|)): no overflow, no cancellation.
    template <class T> static T ref(T u) {
        if (std::isnan(u)) return u;
        return std::max(u, T(0)) + std::log1p(std::exp(-std::fabs(u)));
    }
    template <class V> SYMACT_MATH_INLINE static V eval(V u) { return math::softplus(u); }
};

// ---- piecewise --------------------------------------------------------------------------
struct Max {
    static constexpr std::string_view name = "max";
    static constexpr int arity = 2;
    // A tie splits the gradient half-half (torch.maximum): d max(x, 0)/dx at 0 is 1/2.
    static constexpr auto deriv(auto a, auto b, auto da, auto db, auto) {
        return where(a > b, da, where(a < b, db, lit<1, 2> * (da + db)));
    }
    // A tie takes b, as eval does, so max(+0, -0) is the same zero in every path (std::max
    // would take a: the sign of an inf divided by it differed, fuzz finding).
    template <class T> static T ref(T a, T b) {
        return std::isnan(a) || std::isnan(b) ? nan_of<T>() : a > b ? a : b;
    }
    template <class V> SYMACT_MATH_INLINE static V eval(V a, V b) {  // NaN propagates from either side
        return select(is_nan(a), a, select(a > b, a, b));
    }
    static std::optional<codegen::Number> fold(const codegen::Number& a, const codegen::Number& b) {
        return a.compare(b) >= 0 ? a : b;
    }
};
struct Min {
    static constexpr std::string_view name = "min";
    static constexpr int arity = 2;
    static constexpr auto deriv(auto a, auto b, auto da, auto db, auto) {
        return where(a < b, da, where(a > b, db, lit<1, 2> * (da + db)));
    }
    template <class T> static T ref(T a, T b) {  // a tie takes b, as eval does (see Max)
        return std::isnan(a) || std::isnan(b) ? nan_of<T>() : a < b ? a : b;
    }
    template <class V> SYMACT_MATH_INLINE static V eval(V a, V b) {
        return select(is_nan(a), a, select(a < b, a, b));
    }
    static std::optional<codegen::Number> fold(const codegen::Number& a, const codegen::Number& b) {
        return a.compare(b) <= 0 ? a : b;
    }
};
struct Where {  // where(c, a, b): a select, so the branch not taken never leaks NaN or inf
    static constexpr std::string_view name = "where";
    static constexpr int arity = 3;
    static constexpr auto deriv(auto c, auto, auto, auto, auto da, auto db, auto) {
        return where(c, da, db);  // the selected branch's derivative only
    }
    template <class T> static T ref(T c, T a, T b) { return c != T(0) ? a : b; }
    template <class M, class V> SYMACT_MATH_INLINE static V eval(M c, V a, V b) { return select(c, a, b); }
};

// ---- comparisons: only as the condition of where; 1 or 0 -------------------------------
#define SYMACT_COMPARISON(S, N, OP)                                                         \
    struct S {                                                                              \
        static constexpr std::string_view name = N;                                        \
        static constexpr std::string_view infix = #OP;                                     \
        static constexpr int arity = 2;                                                     \
        static constexpr bool comparison = true;                                            \
        template <class T> static T ref(T a, T b) { return a OP b ? T(1) : T(0); }          \
        template <class V> SYMACT_MATH_INLINE static auto eval(V a, V b) { return a OP b; } /* a mask */        \
        static std::optional<codegen::Number> fold(const codegen::Number& a,                \
                                                   const codegen::Number& b) {              \
            return codegen::Number(a.compare(b) OP 0 ? 1 : 0);                              \
        }                                                                                   \
    };
SYMACT_COMPARISON(Lt, "lt", <)
SYMACT_COMPARISON(Le, "le", <=)
SYMACT_COMPARISON(Gt, "gt", >)
SYMACT_COMPARISON(Ge, "ge", >=)
#undef SYMACT_COMPARISON

// ---- row reductions ----------------------------------------------------------------------
// Over the last axis of a (rows, cols) array: one value per row, broadcast back over the
// row's elements (docs/SYNTAX.md). Not elementwise, so they have no deriv(): diff() and the
// elementwise paths (evaluate, lower, gen, inspect, plot) reject them, naming the op; vjp()
// (diff.hpp) routes adjoints through them, and the row paths (evaluate_rows, jit rows
// kernels) compute them: a row starts at identity<T>(), combine(acc, u) folds one element in.
struct RowMax {
    static constexpr std::string_view name = "rowmax";
    static constexpr int arity = 1;
    static constexpr bool reduction = true;
    template <class T> static T identity() { return -std::numeric_limits<T>::infinity(); }
    template <class T> static T ref(T acc, T u) { return Max::ref(acc, u); }  // NaN propagates
    template <class V> SYMACT_MATH_INLINE static V eval(V acc, V u) { return Max::eval(u, acc); }
};
struct RowSum {
    static constexpr std::string_view name = "rowsum";
    static constexpr int arity = 1;
    static constexpr bool reduction = true;
    template <class T> static T identity() { return T(0); }
    template <class T> static T ref(T acc, T u) { return acc + u; }
    template <class V> SYMACT_MATH_INLINE static V eval(V acc, V u) { return acc + u; }
};


// ---- noise: one random number per element (math/random.hpp) ----------------------------
// uniform(k) in [0, 1) and normal(k) ~ N(0, 1): k, the stream, is an integer constant
// 0..32767; each stream (and each of the two ops) draws independently. The number is
// Threefry-2x32-20 of the element's global index (the kernel call's offset + i, below
// 2^48) under the call's 64-bit seed, never a function of x: its derivative is 0, and a
// backward pass regenerates what the forward drew. Counter word 1 holds the index's high
// 16 bits and salt | k above them.
inline constexpr std::uint32_t max_noise_stream = 0x7FFF;
struct NoiseWords {
    std::uint32_t c0, c1, k0, k1;
};
// Counter word 1 of an element: its index's high bits (below 2^16) under salt | stream.
// Every path (reference, lower.hpp's kernels, the DSL) packs it here.
template <class U> SYMACT_MATH_INLINE U noise_c1(U index_hi, std::uint32_t tag) { return index_hi | (tag << 16); }
// The index range: offset + n <= 2^48 (the counter's other 16 bits are the tag).
inline constexpr bool noise_in_range(std::uint64_t offset, std::uint64_t n) {
    constexpr std::uint64_t range = std::uint64_t{1} << 48;
    return n <= range && offset <= range - n;
}
// Elements from `index` on before its low 32-bit word wraps: the DSL's and the JIT's kernels
// count that word without carry and split a run there.
inline constexpr std::uint64_t noise_room(std::uint64_t index) {
    return (std::uint64_t{1} << 32) - (index & 0xFFFFFFFFu);
}
inline NoiseWords noise_words(std::uint64_t index, std::uint64_t seed, std::uint32_t tag) {
    return {static_cast<std::uint32_t>(index), noise_c1(static_cast<std::uint32_t>(index >> 32), tag),
            static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}
inline math::threefry_words<std::uint32_t> noise_draw(std::uint64_t index, std::uint64_t seed,
                                                      std::uint32_t tag) {
    NoiseWords n = noise_words(index, seed, tag);
    return math::threefry2x32<false>(n.c0, n.c1, n.k0, n.k1);
}
// The kernels' draw, in a backend's unsigned lanes U (lower.hpp, the DSL's machine): the
// counter (lo, noise_c1(hi, tag)) under the key (k0, k1); noise_draw above is its scalar
// reference. 64-bit lanes keep 32-bit words (math/random.hpp).
template <class V, class U>
SYMACT_MATH_INLINE math::threefry_words<U> noise_draw_lanes(U lo, U hi, U k0, U k1, std::uint32_t tag) {
    return math::threefry2x32<sizeof(math::uscalar_t<V>) == 8>(lo, noise_c1(hi, tag), k0, k1);
}
struct Uniform {
    static constexpr std::string_view name = "uniform";
    static constexpr int arity = 1;
    static constexpr bool noise = true;
    static constexpr std::uint32_t salt = 0;
    static constexpr auto deriv(auto, auto, auto) { return lit<0>; }
    // (the same bits as math::uniform01, converted by a multiplication)
    template <class T> static T ref(std::uint64_t index, std::uint64_t seed, std::uint32_t stream) {
        auto w = noise_draw(index, seed, salt | stream);
        if constexpr (std::is_same_v<T, float>) return static_cast<T>(w.w0 >> 9) * T(0x1p-23);
        else return static_cast<T>((std::uint64_t{w.w0} << 20) | (w.w1 >> 12)) * T(0x1p-52);
    }
    template <class V, class U> SYMACT_MATH_INLINE static V eval(U lo, U hi, U k0, U k1, std::uint32_t stream) {
        const auto w = noise_draw_lanes<V>(lo, hi, k0, k1, salt | stream);
        return math::uniform01<V>(w.w0, w.w1);
    }
};
struct Normal {
    static constexpr std::string_view name = "normal";
    static constexpr int arity = 1;
    static constexpr bool noise = true;
    static constexpr std::uint32_t salt = 0x8000;
    static constexpr auto deriv(auto, auto, auto) { return lit<0>; }
    template <class T> static T ref(std::uint64_t index, std::uint64_t seed, std::uint32_t stream) {
        auto w = noise_draw(index, seed, salt | stream);
        const bool f = std::is_same_v<T, float>;
        T u1 = T(1) - (f ? static_cast<T>(w.w0 >> 9) * T(0x1p-23) : static_cast<T>(w.w0) * T(0x1p-32));
        T u2 = f ? static_cast<T>(w.w1 >> 9) * T(0x1p-23) : static_cast<T>(w.w1) * T(0x1p-32);
        return std::sqrt(T(-2) * std::log(u1)) * std::cos(2 * std::numbers::pi_v<T> * u2);
    }
    template <class V, class U> SYMACT_MATH_INLINE static V eval(U lo, U hi, U k0, U k1, std::uint32_t stream) {
        const auto w = noise_draw_lanes<V>(lo, hi, k0, k1, salt | stream);
        return math::normal01<V>(w.w0, w.w1);
    }
};

}  // namespace symact::ops

// The registry: X(Struct, spelling). Every front end and back end expands this list, so
// an op is added here and in its struct above, nowhere else.
#define SYMACT_CONSTANT_OPS(X) X(Pi, pi) X(E, e)
#define SYMACT_CALL_OPS(X)                                                                  \
    X(Pow, pow) X(Exp, exp) X(Log, log) X(Log1p, log1p) X(Expm1, expm1)    \
    X(Sqrt, sqrt) X(Sign, sign) X(Abs, abs) X(Tanh, tanh) X(Sech2, sech2) X(Sinh, sinh)      \
    X(Cosh, cosh) X(Sin, sin) X(Cos, cos) X(Atan, atan) X(Erf, erf) X(Erfc, erfc)           \
    X(Sigmoid, sigmoid) X(Softplus, softplus) X(Max, max) X(Min, min) X(Where, where)       \
    X(Lt, lt) X(Le, le) X(Gt, gt) X(Ge, ge) X(RowMax, rowmax) X(RowSum, rowsum)            \
    X(Uniform, uniform) X(Normal, normal)
#define SYMACT_FUNCTION_OPS(X) SYMACT_CONSTANT_OPS(X) SYMACT_CALL_OPS(X)
