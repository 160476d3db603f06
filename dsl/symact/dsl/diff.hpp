// d(e, x) and d(e, param<"name">) at compile time. Structural nodes (+, *) use the sum and
// product rules; every registry op uses its own deriv(...) from ops.hpp, instantiated with
// DSL values, so there is one derivative rule per op for both front ends. Results are built
// through the smart constructors, so they come out simplified.
#pragma once
#include "symact/dsl/build.hpp"

namespace symact::dsl {
namespace detail {

// Does E depend on W? (Subtrees that do not are differentiated to 0 without instantiating
// any rule: cheaper to compile.)
template <class E, class W> inline constexpr bool depends = false;
template <class W> inline constexpr bool depends<var_t, W> = std::is_same_v<W, var_t>;
template <fixed_string N, class W> inline constexpr bool depends<par<N>, W> = std::is_same_v<W, par<N>>;
template <class A, class B, class W> inline constexpr bool depends<add<A, B>, W> = depends<A, W> || depends<B, W>;
template <class A, class B, class W> inline constexpr bool depends<mul<A, B>, W> = depends<A, W> || depends<B, W>;
template <red R, class A, class W> inline constexpr bool depends<row<R, A>, W> = depends<A, W>;
template <class Op, class... A, class W>
inline constexpr bool depends<call<Op, A...>, W> =
    !requires { Op::comparison; } && (false || ... || depends<A, W>);

template <class T> inline constexpr bool is_wrt = false;
template <> inline constexpr bool is_wrt<var_t> = true;
template <fixed_string N> inline constexpr bool is_wrt<par<N>> = true;

}  // namespace detail

template <class E, class W> constexpr auto d(const E& e, const W& w) {
    static_assert(expr<E>, "symact::dsl::d(e, wrt): e is not an expression");
    static_assert(detail::is_wrt<W>, "symact::dsl::d(e, wrt): wrt must be x or a param<\"name\">");
    if constexpr (!detail::depends<E, W>) return zero_t{};
    else if constexpr (E::k == kind::var || E::k == kind::par) return one_t{};
    else if constexpr (E::k == kind::row) {
        static_assert(E::k != kind::row, "symact::dsl: rowmax/rowsum have no elementwise derivative; use "
                                         "symact::row_kernel (vector-Jacobian products, row.hpp)");
        return zero_t{};
    } else if constexpr (E::k == kind::add) return mk_add(d(e.lhs(), w), d(e.rhs(), w));
    else if constexpr (E::k == kind::mul)
        return mk_add(mk_mul(d(e.lhs(), w), e.rhs()), mk_mul(e.lhs(), d(e.rhs(), w)));
    else {  // a registry op: its own rule, with the operands, their derivatives and f = e
        using Op = typename E::op;
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            if constexpr (std::is_same_v<Op, ops::Where>)  // the condition has no derivative
                return lift(Op::deriv(e.template arg<0>(), e.template arg<1>(), e.template arg<2>(),
                                      zero_t{}, d(e.template arg<1>(), w), d(e.template arg<2>(), w), e));
            else
                return lift(Op::deriv(e.template arg<I>()..., d(e.template arg<I>(), w)..., e));
        }(std::make_index_sequence<static_cast<std::size_t>(Op::arity)>{});
    }
}

}  // namespace symact::dsl
