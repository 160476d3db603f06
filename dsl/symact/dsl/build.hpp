// Smart constructors: every node is built through them, so expressions (and above all
// derivatives) are simplified as they are built: rationals fold exactly, 0 and 1 vanish,
// constants move to the front, like terms and powers of one base collect, and the
// operands of + and * are ordered by structural hash. Then the operators and one free
// function per registry op (SYMACT_CALL_OPS), so ops.hpp's rules instantiate with DSL types.
#pragma once
#include "symact/dsl/core.hpp"

namespace symact::dsl {
namespace detail {

template <ratio R> inline constexpr bool is_r = false;
template <class T, ratio R> inline constexpr bool is_val = false;
template <ratio A, ratio R> inline constexpr bool is_val<cst<A>, R> = (A == R);
template <class T> inline constexpr bool is_zero = is_val<T, ratio{0, 1}>;
template <class T> inline constexpr bool is_one = is_val<T, ratio{1, 1}>;

template <class T> inline constexpr bool is_add = false;
template <class A, class B> inline constexpr bool is_add<add<A, B>> = true;
template <class T> inline constexpr bool is_mul = false;
template <class A, class B> inline constexpr bool is_mul<mul<A, B>> = true;
template <class T, class Op> inline constexpr bool is_call_of = false;
template <class Op, class... A> inline constexpr bool is_call_of<call<Op, A...>, Op> = true;

// a + b and a * b with the constant in front: add<cst, R>, mul<cst, R>
template <class T> inline constexpr bool cst_first = false;
template <class A, class B> inline constexpr bool cst_first<add<A, B>> = is_cst_v<A>;
template <class A, class B> inline constexpr bool cst_first<mul<A, B>> = is_cst_v<A>;

// Types equal AND free of stored numbers: only then are two subexpressions the same.
template <class A, class B> inline constexpr bool same = std::is_same_v<A, B> && A::pure;

template <class A, class B> constexpr bool before() {
    if constexpr (is_cst_v<A> != is_cst_v<B>) return is_cst_v<A>;
    else return A::hash < B::hash;
}

template <std::int64_t N, std::int64_t D> constexpr ratio reduced() {
    constexpr auto r = make_ratio(N, D);
    static_assert(r.ok, "symact::dsl: lit<N, D> does not fit an exact rational");
    return r.r;
}

// The value of a constant (0 for anything else: callers test is_cst_v first).
template <class T> constexpr ratio val() { if constexpr (is_cst_v<T>) return T::value; else return {}; }
template <class T> struct lhs_of { using type = var_t; };
template <class A, class B> struct lhs_of<add<A, B>> { using type = A; };
template <class A, class B> struct lhs_of<mul<A, B>> { using type = A; };
template <class T> constexpr ratio lhs_val() { return val<typename lhs_of<T>::type>(); }

// c*t: coefficient and term, for collecting like terms
template <class T> struct split_coef { static constexpr ratio c{1, 1}; using term = T; };
template <ratio C, class T> struct split_coef<mul<cst<C>, T>> { static constexpr ratio c = C; using term = T; };
// b^e: base and constant exponent, for collecting powers
template <class T> struct split_pow { static constexpr ratio e{1, 1}; using base = T; static constexpr bool is = false; };
template <class B, ratio E> struct split_pow<call<ops::Pow, B, cst<E>>> { static constexpr ratio e = E; using base = B; static constexpr bool is = true; };

template <class T> constexpr auto base_of(const T& t) {
    if constexpr (split_pow<T>::is) return t.template arg<0>(); else return t;
}
}  // namespace detail

template <class A> constexpr auto lift(const A& a) {
    if constexpr (expr<A>) return a;
    else if constexpr (is_lit<A>::value) return cst<detail::reduced<A::num, A::den>()>{};
    else return num{{}, static_cast<double>(a)};
}

template <class A, class B> constexpr auto mk_mul(const A& a, const B& b);
template <class A, class B> constexpr auto mk_pow(const A& a, const B& b);

template <class A, class B> constexpr auto mk_add(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<A>) return b;
    else if constexpr (is_zero<B>) return a;
    else if constexpr (is_cst_v<A> && is_cst_v<B> && r_add(val<A>(), val<B>()).ok)
        return cst<r_add(val<A>(), val<B>()).r>{};
    else if constexpr (is_cst_v<B> && !is_cst_v<A>) return mk_add(b, a);
    else if constexpr (is_cst_v<A> && cst_first<B> && is_add<B>) {
        if constexpr (r_add(val<A>(), lhs_val<B>()).ok)
            return mk_add(cst<r_add(val<A>(), lhs_val<B>()).r>{}, b.rhs());
        else return add<A, B>(a, b);
    } else if constexpr (!is_cst_v<A> && is_add<B> && cst_first<B>)
        return mk_add(b.lhs(), mk_add(a, b.rhs()));
    else if constexpr (!is_cst_v<B> && is_add<A> && cst_first<A>)
        return mk_add(a.lhs(), mk_add(a.rhs(), b));
    else if constexpr (!is_cst_v<A> && !is_cst_v<B> &&
                       same<typename split_coef<A>::term, typename split_coef<B>::term> &&
                       r_add(split_coef<A>::c, split_coef<B>::c).ok)
        return mk_mul(cst<r_add(split_coef<A>::c, split_coef<B>::c).r>{},
                      typename split_coef<A>::term{});
    else if constexpr (before<B, A>()) return add<B, A>(b, a);
    else return add<A, B>(a, b);
}

template <class A, class B> constexpr auto mk_mul(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<A> || is_zero<B>) return zero_t{};
    else if constexpr (is_one<A>) return b;
    else if constexpr (is_one<B>) return a;
    else if constexpr (is_cst_v<A> && is_cst_v<B> && r_mul(val<A>(), val<B>()).ok)
        return cst<r_mul(val<A>(), val<B>()).r>{};
    else if constexpr (is_cst_v<B> && !is_cst_v<A>) return mk_mul(b, a);
    else if constexpr (is_cst_v<A> && cst_first<B> && is_mul<B>) {
        if constexpr (r_mul(val<A>(), lhs_val<B>()).ok)
            return mk_mul(cst<r_mul(val<A>(), lhs_val<B>()).r>{}, b.rhs());
        else return mul<A, B>(a, b);
    } else if constexpr (!is_cst_v<A> && is_mul<B> && cst_first<B>)
        return mk_mul(b.lhs(), mk_mul(a, b.rhs()));
    else if constexpr (!is_cst_v<B> && is_mul<A> && cst_first<A>)
        return mk_mul(a.lhs(), mk_mul(a.rhs(), b));
    else if constexpr (!is_cst_v<A> && !is_cst_v<B> &&
                       same<typename split_pow<A>::base, typename split_pow<B>::base> &&
                       r_add(split_pow<A>::e, split_pow<B>::e).ok)
        return mk_pow(base_of(a), cst<r_add(split_pow<A>::e, split_pow<B>::e).r>{});
    else if constexpr (before<B, A>()) return mul<B, A>(b, a);
    else return mul<A, B>(a, b);
}

template <class A, class B> constexpr auto mk_pow(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<B> || is_one<A>) return one_t{};
    else if constexpr (is_one<B>) return a;
    else if constexpr (is_cst_v<B> && val<B>().den == 1 && val<B>().num >= -64 && val<B>().num <= 64) {
        constexpr std::int64_t k = val<B>().num;
        if constexpr (is_cst_v<A> && r_pow(val<A>(), k).ok) return cst<r_pow(val<A>(), k).r>{};
        else if constexpr (split_pow<A>::is && r_mul(split_pow<A>::e, val<B>()).ok)
            return mk_pow(base_of(a), cst<r_mul(split_pow<A>::e, val<B>()).r>{});
        else if constexpr (is_mul<A> && cst_first<A> && r_pow(lhs_val<A>(), k).ok)
            return mk_mul(cst<r_pow(lhs_val<A>(), k).r>{}, mk_pow(a.rhs(), b));
        else return call<ops::Pow, A, B>(a, b);
    } else return call<ops::Pow, A, B>(a, b);
}

template <class A> constexpr auto mk_neg(const A& a) { return mk_mul(cst_t<-1>{}, a); }

namespace detail {
// Exact values of unary ops at exact constants (the cases derivatives produce).
template <class Op> constexpr ratio_result fold1(ratio u) {
    const bool z = u.num == 0;
    using namespace symact::ops;
    if constexpr (std::is_same_v<Op, Abs>) return {true, ratio{u.num < 0 ? -u.num : u.num, u.den}};
    else if constexpr (std::is_same_v<Op, Sign>) return {true, ratio{u.num > 0 ? 1 : u.num < 0 ? -1 : 0, 1}};
    else if constexpr (std::is_same_v<Op, Exp> || std::is_same_v<Op, Cosh> || std::is_same_v<Op, Cos> ||
                       std::is_same_v<Op, Sech2> || std::is_same_v<Op, Erfc>)
        return z ? ratio_result{true, ratio{1, 1}} : ratio_result{};
    else if constexpr (std::is_same_v<Op, Sigmoid>) return z ? ratio_result{true, ratio{1, 2}} : ratio_result{};
    else if constexpr (std::is_same_v<Op, Log>) return u == ratio{1, 1} ? ratio_result{true, {}} : ratio_result{};
    else if constexpr (std::is_same_v<Op, Sqrt>)
        return (z || u == ratio{1, 1}) ? ratio_result{true, u} : ratio_result{};
    else if constexpr (std::is_same_v<Op, Log1p> || std::is_same_v<Op, Expm1> || std::is_same_v<Op, Tanh> ||
                       std::is_same_v<Op, Sinh> || std::is_same_v<Op, Sin> || std::is_same_v<Op, Atan> ||
                       std::is_same_v<Op, Erf>)
        return z ? ratio_result{true, {}} : ratio_result{};
    else return {};
}
template <class Op> constexpr int parity() {
    if constexpr (requires { Op::parity; }) return Op::parity; else return 0;
}
template <class T> inline constexpr bool looks_negative = false;
template <ratio C, class R> inline constexpr bool looks_negative<mul<cst<C>, R>> = (C.num < 0);
}  // namespace detail

// A registry op applied to DSL operands, simplified.
template <class Op, class... A> constexpr auto mk_call(const A&... a) {
    using namespace detail;
    using namespace symact::ops;
    static_assert(sizeof...(A) == static_cast<std::size_t>(Op::arity),
                  "symact::dsl: wrong number of arguments for this function");
    if constexpr (std::is_same_v<Op, Pow>) return mk_pow(a...);
    else if constexpr (requires { Op::noise; }) {  // uniform(lit<k>), normal(lit<k>)
        using K = std::tuple_element_t<0, std::tuple<A...>>;
        static_assert(is_cst_v<K> && val<K>().den == 1 && val<K>().num >= 0 &&
                          val<K>().num <= static_cast<std::int64_t>(max_noise_stream),
                      "symact::dsl: the stream of uniform(k) and normal(k) is a constant lit<k>, "
                      "an integer from 0 to 32767");
        return call<Op, A...>(a...);
    } else if constexpr (std::is_same_v<Op, Where>) {
        return [](const auto& c, const auto& p, const auto& q) {
            using C = std::remove_cvref_t<decltype(c)>;
            using P = std::remove_cvref_t<decltype(p)>;
            using Q = std::remove_cvref_t<decltype(q)>;
            if constexpr (is_cst_v<C>) {
                if constexpr (val<C>().num != 0) return p; else return q;
            } else if constexpr (same<P, Q>) return p;
            else return call<Where, C, P, Q>(c, p, q);
        }(a...);
    } else if constexpr (sizeof...(A) == 2) {
        return [](const auto& p, const auto& q) {
            using P = std::remove_cvref_t<decltype(p)>;
            using Q = std::remove_cvref_t<decltype(q)>;
            if constexpr (is_cst_v<P> && is_cst_v<Q>) {
                constexpr ratio u = P::value, v = Q::value;
                constexpr int c = r_cmp(u, v);
                if constexpr (std::is_same_v<Op, Max>) return cst<(c >= 0 ? u : v)>{};
                else if constexpr (std::is_same_v<Op, Min>) return cst<(c <= 0 ? u : v)>{};
                else if constexpr (std::is_same_v<Op, Lt>) return cst_t<(c < 0)>{};
                else if constexpr (std::is_same_v<Op, Le>) return cst_t<(c <= 0)>{};
                else if constexpr (std::is_same_v<Op, Gt>) return cst_t<(c > 0)>{};
                else if constexpr (std::is_same_v<Op, Ge>) return cst_t<(c >= 0)>{};
                else return call<Op, P, Q>(p, q);
            } else if constexpr ((std::is_same_v<Op, Max> || std::is_same_v<Op, Min>) && same<P, Q>) {
                return p;
            } else return call<Op, P, Q>(p, q);
        }(a...);
    } else if constexpr (sizeof...(A) == 1) {
        return [](const auto& u) {
            using U = std::remove_cvref_t<decltype(u)>;
            if constexpr (is_cst_v<U> && fold1<Op>(val<U>()).ok) return cst<fold1<Op>(val<U>()).r>{};
            else if constexpr (parity<Op>() != 0 && looks_negative<U>) {
                // f(-u) = f(u) or -f(u): keep one sign, so both spellings share one node
                auto pos = mk_mul(cst<ratio{-lhs_val<U>().num, lhs_val<U>().den}>{}, u.rhs());
                if constexpr (parity<Op>() > 0) return mk_call<Op>(pos);
                else return mk_neg(mk_call<Op>(pos));
            } else return call<Op, U>(u);
        }(a...);
    } else return call<Op, A...>(a...);
}

// ---- the vocabulary --------------------------------------------------------------------
#define SYMACT_DSL_CHECKED(cond, ...)                           \
    if constexpr (!(cond)) {                                    \
        static_assert(cond, "symact::dsl: an operand is not an expression; use x, " \
                            "param<\"name\">, a number, lit<N, D>, or an expression built from them"); \
        return zero_t{};                                        \
    } else                                                      \
        return __VA_ARGS__

template <class A, class B> requires(expr<A> || expr<B>)
constexpr auto operator+(const A& a, const B& b) { SYMACT_DSL_CHECKED(operand<A> && operand<B>, mk_add(lift(a), lift(b))); }
template <class A, class B> requires(expr<A> || expr<B>)
constexpr auto operator-(const A& a, const B& b) { SYMACT_DSL_CHECKED(operand<A> && operand<B>, mk_add(lift(a), mk_neg(lift(b)))); }
template <class A, class B> requires(expr<A> || expr<B>)
constexpr auto operator*(const A& a, const B& b) { SYMACT_DSL_CHECKED(operand<A> && operand<B>, mk_mul(lift(a), lift(b))); }
template <class A, class B> requires(expr<A> || expr<B>)
constexpr auto operator/(const A& a, const B& b) {
    SYMACT_DSL_CHECKED(operand<A> && operand<B>, [](const auto& p, const auto& q) {
        using Q = std::remove_cvref_t<decltype(q)>;
        if constexpr (is_cst_v<Q> && detail::val<Q>().num != 0)
            return mk_mul(p, cst<detail::make_ratio(detail::val<Q>().den, detail::val<Q>().num).r>{});
        else return mk_mul(p, mk_pow(q, cst_t<-1>{}));
    }(lift(a), lift(b)));
}
template <expr A> constexpr auto operator-(const A& a) { return mk_neg(a); }
template <expr A> constexpr auto operator+(const A& a) { return a; }

#define SYMACT_DSL_CMP(OPR, S)                                                                   \
    template <class A, class B> requires(expr<A> || expr<B>)                                     \
    constexpr auto operator OPR(const A& a, const B& b) {                                        \
        SYMACT_DSL_CHECKED(operand<A> && operand<B>, mk_call<ops::S>(lift(a), lift(b)));         \
    }
SYMACT_DSL_CMP(<, Lt) SYMACT_DSL_CMP(<=, Le) SYMACT_DSL_CMP(>, Gt) SYMACT_DSL_CMP(>=, Ge)
#undef SYMACT_DSL_CMP

// exp(e), log(e), pow(a, b), max(a, b), where(c, a, b), ...: one per registry op. Calls with
// only plain numbers are left to <cmath>.
#define SYMACT_DSL_FN(S, n)                                                                      \
    template <class... A> requires(sizeof...(A) > 0 && (... || !number<A>))                     \
    constexpr auto n(const A&... a) {                                                            \
        SYMACT_DSL_CHECKED((operand<A> && ...), mk_call<ops::S>(lift(a)...));                   \
    }
SYMACT_CALL_OPS(SYMACT_DSL_FN)
#undef SYMACT_DSL_FN

// Named constants of the registry (pi, e): in their own namespace, `e` is a common name.
namespace constants {
#define SYMACT_DSL_CONST(S, n) inline constexpr call<ops::S> n{};
SYMACT_CONSTANT_OPS(SYMACT_DSL_CONST)
#undef SYMACT_DSL_CONST
}  // namespace constants

// make_like<ops::Pi>(u): what ops.hpp's rules use for a named constant.
template <class O, expr E> constexpr auto make_like(const E&) { return call<O>{}; }

}  // namespace symact::dsl
