// Row reductions and vector-Jacobian products at compile time.
//   rowmax(e), rowsum(e): reductions over the last axis of a (rows, cols) array, broadcast
//   back to every element of the row (softmax = exp(x - rowmax(x)) / rowsum(...)).
//   vjp(e, a): the adjoint of x for an incoming adjoint a (an elementwise expression), by
//   reverse mode over the expression: + and * by the sum and product rules, every registry
//   op by its own deriv(...) from ops.hpp (with the adjoint in place of du), and
//     rowsum(u): u's adjoint is rowsum(a) on every element of the row,
//     rowmax(u): u's adjoint is rowsum(a) split evenly among the row's maxima:
//                rowsum(a) * m / rowsum(m) with m = where(u >= rowmax(u), 1, 0), the form the
//                runtime VJP (codegen/vjp.cpp) uses, so both paths tie like torch.amax and
//                like max(a, b)'s half-half tie (docs/CONVENTIONS.md). A NaN row gives NaN.
// Nothing is written per activation. A shared subexpression is visited once per path to it;
// the plan's CSE (plan.hpp) merges what the paths have in common.
#pragma once
#include "symact/dsl/build.hpp"
#include "symact/dsl/diff.hpp"

namespace symact::dsl {

template <red R, class A> constexpr auto mk_row(const A& a) {
    if constexpr (R == red::sum && detail::is_zero<A>) return zero_t{};
    else return row<R, A>(a);
}

template <expr A> constexpr auto rowmax(const A& a) { return mk_row<red::max>(a); }
template <expr A> constexpr auto rowsum(const A& a) { return mk_row<red::sum>(a); }

namespace detail {
template <class E> inline constexpr bool has_row = false;
template <red R, class A> inline constexpr bool has_row<row<R, A>> = true;
template <class A, class B> inline constexpr bool has_row<add<A, B>> = has_row<A> || has_row<B>;
template <class A, class B> inline constexpr bool has_row<mul<A, B>> = has_row<A> || has_row<B>;
template <class Op, class... A> inline constexpr bool has_row<call<Op, A...>> = (false || ... || has_row<A>);
}  // namespace detail

// The adjoint of x when e receives the adjoint a (elementwise; may hold dy_t and reductions).
template <class E, class A> constexpr auto vjp(const E& e, const A& a) {
    if constexpr (!detail::depends<E, var_t> || detail::is_zero<A>) return zero_t{};
    else if constexpr (E::k == kind::var) return a;
    else if constexpr (E::k == kind::add) return mk_add(vjp(e.lhs(), a), vjp(e.rhs(), a));
    else if constexpr (E::k == kind::mul)
        return mk_add(vjp(e.lhs(), mk_mul(a, e.rhs())), vjp(e.rhs(), mk_mul(e.lhs(), a)));
    else if constexpr (E::k == kind::row) {
        if constexpr (E::r == red::sum) return vjp(e.arg(), mk_row<red::sum>(a));
        else {
            const auto at_max = mk_call<ops::Where>(mk_call<ops::Ge>(e.arg(), e), cst_t<1>{}, zero_t{});
            return vjp(e.arg(), mk_row<red::sum>(a) * at_max / mk_row<red::sum>(at_max));
        }
    } else {  // a registry op: its rule with a in place of the argument's du, the others 0
        using Op = typename E::op;
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            auto one = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
                using AJ = decltype(e.template arg<J>());
                if constexpr (!detail::depends<AJ, var_t>) return zero_t{};
                else {
                    auto pick = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
                        if constexpr (K == J) return a; else return zero_t{};
                    };
                    return vjp(e.template arg<J>(),
                               lift(Op::deriv(e.template arg<I>()..., pick(std::integral_constant<std::size_t, I>{})..., e)));
                }
            };
            return (zero_t{} + ... + one(std::integral_constant<std::size_t, I>{}));
        }(std::make_index_sequence<static_cast<std::size_t>(Op::arity)>{});
    }
}

}  // namespace symact::dsl
