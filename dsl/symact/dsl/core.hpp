// The expression nodes of the compile-time DSL. Every node is an empty, structural type:
// constants are exact rationals in a class NTTP, parameter names are fixed strings, and
// children are template arguments, so identical subexpressions are identical types.
// The one exception is a plain C++ number written in an expression (`exp(x) - 1`, `0.5*x`):
// its value is not a constant expression, so it becomes a `num` leaf that stores it.
// Expressions containing a `num` are "impure": they are never merged by type (two
// `x*2`, `x*3` share a type), only by position; pure ones are shared freely.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <symact/codegen/literal.hpp>
#include <symact/codegen/ops.hpp>

namespace symact::dsl {

// ---- exact rationals -----------------------------------------------------------------
struct ratio {
    std::int64_t num = 0, den = 1;  // reduced, den > 0
    constexpr bool operator==(const ratio&) const = default;
};

namespace detail {
using i128 = __int128;
constexpr i128 gcd128(i128 a, i128 b) {
    if (a < 0) a = -a;
    if (b < 0) b = -b;
    while (b) { i128 t = a % b; a = b; b = t; }
    return a;
}
struct ratio_result { bool ok = false; ratio r{}; };
// n/d reduced, or !ok when it does not fit in int64 (then the caller does not fold).
constexpr ratio_result make_ratio(i128 n, i128 d) {
    if (d == 0) return {};
    if (d < 0) { n = -n; d = -d; }
    i128 g = gcd128(n, d);
    if (g > 1) { n /= g; d /= g; }
    constexpr i128 lim = (i128(1) << 62);
    if (n >= lim || n <= -lim || d >= lim) return {};
    return {true, ratio{static_cast<std::int64_t>(n), static_cast<std::int64_t>(d)}};
}
constexpr ratio_result r_add(ratio a, ratio b) {
    return make_ratio(i128(a.num) * b.den + i128(b.num) * a.den, i128(a.den) * b.den);
}
constexpr ratio_result r_mul(ratio a, ratio b) {
    return make_ratio(i128(a.num) * b.num, i128(a.den) * b.den);
}
constexpr ratio_result r_pow(ratio a, std::int64_t k) {  // integer k, |k| small
    ratio_result acc{true, ratio{1, 1}};
    ratio base = a;
    if (k < 0) {
        auto inv = make_ratio(a.den, a.num);
        if (!inv.ok) return {};
        base = inv.r;
        k = -k;
    }
    for (std::int64_t i = 0; i < k && acc.ok; ++i) acc = r_mul(acc.r, base);
    return acc;
}
constexpr int r_cmp(ratio a, ratio b) {
    i128 l = i128(a.num) * b.den, r = i128(b.num) * a.den;
    return l < r ? -1 : l > r ? 1 : 0;
}

// ---- structural hashing: a deterministic order for the operands of + and * ---------
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}
constexpr std::uint64_t hash_str(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}
}  // namespace detail

// ---- fixed strings for parameter names -------------------------------------------------
template <std::size_t N>
struct fixed_string {
    char s[N]{};
    constexpr fixed_string(const char (&v)[N]) {
        for (std::size_t i = 0; i < N; ++i) s[i] = v[i];
    }
    constexpr std::string_view view() const { return {s, N - 1}; }
};

// ---- nodes -----------------------------------------------------------------------------
enum class kind : std::uint8_t { var, cst, num, par, add, mul, call, dy, row };

struct node_base {};  // every node derives from it: the `expr` concept

struct var_t : node_base {
    static constexpr kind k = kind::var;
    static constexpr bool pure = true;
    static constexpr std::uint64_t hash = 0x7a11ull;
};

template <ratio R>
struct cst : node_base {
    static_assert(R.den > 0, "symact::dsl: a constant's denominator must be positive");
    static constexpr kind k = kind::cst;
    static constexpr bool pure = true;
    static constexpr ratio value = R;
    static constexpr std::uint64_t hash =
        detail::mix(detail::mix(0xc57ull, static_cast<std::uint64_t>(R.num)),
                    static_cast<std::uint64_t>(R.den));
};

// A number written as a C++ value (not a constant expression): stores it.
struct num : node_base {
    static constexpr kind k = kind::num;
    static constexpr bool pure = false;
    static constexpr std::uint64_t hash = 0x6e756dull;
    double v = 0;
};

template <fixed_string Name>
struct par : node_base {
    static constexpr kind k = kind::par;
    static constexpr bool pure = true;
    static constexpr std::string_view name = Name.view();
    static constexpr std::uint64_t hash = detail::mix(0x9a7ull, detail::hash_str(Name.view()));
    // `alpha = 1.5` at a kernel call binds a value (see kernel.hpp).
    template <class T> constexpr auto operator=(T v) const;
};

// Children are kept by value only when they hold data (impure); otherwise the node is empty.
template <class T, int I, bool Empty = std::is_empty_v<T>>
struct slot {
    T v;
    constexpr slot(const T& t) : v(t) {}
    constexpr T get() const { return v; }
};
template <class T, int I>
struct slot<T, I, true> {
    constexpr slot(const T&) {}
    constexpr T get() const { return T{}; }
};

template <class A, class B>
struct add : node_base, slot<A, 0>, slot<B, 1> {
    static constexpr kind k = kind::add;
    static constexpr bool pure = A::pure && B::pure;
    static constexpr std::uint64_t hash = detail::mix(detail::mix(0xadd, A::hash), B::hash);
    constexpr add(const A& a, const B& b) : slot<A, 0>(a), slot<B, 1>(b) {}
    constexpr add() : slot<A, 0>(A{}), slot<B, 1>(B{}) {}
    constexpr A lhs() const { return slot<A, 0>::get(); }
    constexpr B rhs() const { return slot<B, 1>::get(); }
};

template <class A, class B>
struct mul : node_base, slot<A, 0>, slot<B, 1> {
    static constexpr kind k = kind::mul;
    static constexpr bool pure = A::pure && B::pure;
    static constexpr std::uint64_t hash = detail::mix(detail::mix(0x3a1, A::hash), B::hash);
    constexpr mul(const A& a, const B& b) : slot<A, 0>(a), slot<B, 1>(b) {}
    constexpr mul() : slot<A, 0>(A{}), slot<B, 1>(B{}) {}
    constexpr A lhs() const { return slot<A, 0>::get(); }
    constexpr B rhs() const { return slot<B, 1>::get(); }
};

namespace detail {
template <class Seq, class... T> struct slots;
template <std::size_t... I, class... T>
struct slots<std::index_sequence<I...>, T...> : slot<T, static_cast<int>(I)>... {
    constexpr slots(const T&... t) : slot<T, static_cast<int>(I)>(t)... {}
};
template <class Op> constexpr std::uint64_t op_hash = hash_str(Op::name);
}  // namespace detail

// A call of a registry op (ops.hpp): exp(u), pow(a, b), where(c, a, b), a > b, pi, ...
template <class Op, class... Args>
struct call : node_base, detail::slots<std::index_sequence_for<Args...>, Args...> {
    using op = Op;
    using base = detail::slots<std::index_sequence_for<Args...>, Args...>;
    static constexpr kind k = kind::call;
    static constexpr bool pure = (true && ... && Args::pure);
    static constexpr std::uint64_t hash = [] {
        std::uint64_t h = detail::mix(0xca11, detail::op_hash<Op>);
        ((h = detail::mix(h, Args::hash)), ...);
        return h;
    }();
    constexpr call(const Args&... a) : base(a...) {}
    constexpr call() requires(sizeof...(Args) > 0) : base(Args{}...) {}
    template <std::size_t I> constexpr auto arg() const {
        using T = std::tuple_element_t<I, std::tuple<Args...>>;
        return static_cast<const slot<T, static_cast<int>(I)>&>(*this).get();
    }
};

// ---- row reductions (row.hpp) -----------------------------------------------------------
// Over the last axis of a (rows, cols) array, broadcast back to every element of the row:
// rowmax(u), rowsum(u).
enum class red : std::uint8_t { max, sum };

template <red R, class A>
struct row : node_base, slot<A, 0> {
    static constexpr kind k = kind::row;
    static constexpr red r = R;
    static constexpr bool pure = A::pure;
    static constexpr std::uint64_t hash = detail::mix(detail::mix(0x70d, static_cast<std::uint64_t>(R)), A::hash);
    constexpr row(const A& a) : slot<A, 0>(a) {}
    constexpr row() : slot<A, 0>(A{}) {}
    constexpr A arg() const { return slot<A, 0>::get(); }
};

// The incoming adjoint dy of a row kernel's backward pass (vector-Jacobian products).
struct dy_t : node_base {
    static constexpr kind k = kind::dy;
    static constexpr bool pure = true;
    static constexpr std::uint64_t hash = 0xd7ull;
};

// ---- concepts ----------------------------------------------------------------------------
template <class T>
concept expr = std::is_base_of_v<node_base, std::remove_cvref_t<T>>;

template <class T> struct is_lit : std::false_type {};
template <std::int64_t N, std::int64_t D> struct is_lit<lit_t<N, D>> : std::true_type {};

template <class T>
concept number = std::is_arithmetic_v<std::remove_cvref_t<T>> &&
                 !std::is_same_v<std::remove_cvref_t<T>, bool>;

// What may appear as an operand: an expression, lit<N, D>, or a plain number.
template <class T>
concept operand = expr<T> || is_lit<std::remove_cvref_t<T>>::value || number<T>;

template <class T> inline constexpr bool is_cst_v = false;
template <ratio R> inline constexpr bool is_cst_v<cst<R>> = true;

template <std::int64_t N, std::int64_t D = 1>
using cst_t = cst<ratio{N, D}>;
using zero_t = cst_t<0>;
using one_t = cst_t<1>;

inline constexpr var_t x{};
using symact::lit;  // exact constants: lit<1, 2>, and noise streams: uniform(lit<0>)
template <fixed_string Name>
inline constexpr par<Name> param{};

}  // namespace symact::dsl
