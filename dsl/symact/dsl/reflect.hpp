// Reflection: a DSL expression as a runtime DAG (codegen::Graph), so the JIT, the C++
// emitter and the string front end serve DSL expressions too. The graph's own smart
// constructors re-simplify; x and the parameters may be replaced (the string front end
// expands `leaky_relu(2*x, 0.2)` this way).
#pragma once
#include <array>
#include <span>

#include <symact/codegen/graph.hpp>
#include <symact/error.hpp>

#include "symact/dsl/core.hpp"

// The runtime core's row reductions (issue #7), declared here so this header compiles with or
// without them: reflection of rowmax/rowsum uses them once ops.hpp defines them (and
// codegen::op_of knows them); before that, reflecting a row reduction throws symact::error.
namespace symact::ops {
struct RowMax;
struct RowSum;
}  // namespace symact::ops

namespace symact::dsl {

namespace detail {
template <class O>
concept runtime_op = requires { sizeof(O); } && (codegen::op_of<O> != codegen::op_of<void>);
}  // namespace detail

// param_of(std::string_view name) -> codegen::Expr
template <class E, class ParamOf>
codegen::Expr reflect(codegen::Graph& g, const E& e, codegen::Expr xv, ParamOf&& param_of) {
    using codegen::Expr;
    using codegen::Number;
    if constexpr (E::k == kind::var) return xv;
    else if constexpr (E::k == kind::cst) return g.constant(Number::rational(E::value.num, E::value.den));
    else if constexpr (E::k == kind::num) {
        double v = e.v;
        bool integral = v == static_cast<double>(static_cast<std::int64_t>(v)) && v < 9e15 && v > -9e15;
        return g.constant(integral ? Number(static_cast<std::int64_t>(v)) : Number::real(v));
    } else if constexpr (E::k == kind::par) return param_of(E::name);
    else if constexpr (E::k == kind::row) {
        using O = std::conditional_t<E::r == red::sum, ops::RowSum, ops::RowMax>;
        if constexpr (detail::runtime_op<O>) {
            Expr a[] = {reflect(g, e.arg(), xv, param_of)};
            return g.apply(codegen::op_of<O>, std::span<const Expr>(a, 1));
        } else {
            throw error("symact::dsl::reflect: rowmax/rowsum need the runtime ops ops::RowMax/ops::RowSum, "
                        "not in this build");
        }
    } else if constexpr (E::k == kind::dy) {
        throw error("symact::dsl::reflect: dy (the adjoint of a row kernel's backward pass) has no runtime form");
    } else if constexpr (E::k == kind::add) return g.add(reflect(g, e.lhs(), xv, param_of), reflect(g, e.rhs(), xv, param_of));
    else if constexpr (E::k == kind::mul) return g.mul(reflect(g, e.lhs(), xv, param_of), reflect(g, e.rhs(), xv, param_of));
    else {
        using Op = typename E::op;
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::array<Expr, sizeof...(I)> args{reflect(g, e.template arg<I>(), xv, param_of)...};
            return g.apply(codegen::op_of<Op>, std::span<const Expr>(args.data(), args.size()));
        }(std::make_index_sequence<static_cast<std::size_t>(Op::arity)>{});
    }
}

// The expression in g, with x and its parameters as themselves.
template <class E> codegen::Expr to_graph(codegen::Graph& g, const E& e) {
    static_assert(expr<E>, "symact::dsl::to_graph(g, e): e is not a symact::dsl expression");
    return reflect(g, e, g.var(), [&](std::string_view name) { return g.param(name); });
}

}  // namespace symact::dsl
