// Exponential decay beats polynomial growth: x*exp(-x^2/2) at x = -inf is 0, not inf*0 =
// NaN. A product's factor "decays" when it is 0 only because something decayed
// exponentially (ops.hpp: Decay::Decays ops, Decay::Keeps ops of a decaying argument, and
// positive powers of one). Evaluators make a product with such a factor equal to 0 when
// that factor is 0 and the other factors are not NaN. This is what makes gelu'(-inf) = 0,
// mish'(+inf) = 1 and mish(-inf) = 0 instead of NaN; finite inputs are unaffected (a finite
// number times 0 is 0 anyway).
#pragma once
#include "symact/codegen/graph.hpp"

namespace symact::codegen {

inline bool decays(const Graph& g, std::uint32_t id) {
    const Node& n = g.node(id);
    auto args = g.args(id);
    if (n.op == Op::Pow) {
        const Node& e = g.node(args[1]);
        return e.op == Op::Const && !e.num.is_negative() && !e.num.is_zero() && decays(g, args[0]);
    }
    return visit_op(n.op, [&](auto o) {
        using O = decltype(o);
        if constexpr (requires { O::decay; }) {
            if constexpr (O::decay == ops::Decay::Decays) return true;
            else return decays(g, args[0]);
        } else {
            return false;
        }
    });
}

}  // namespace symact::codegen
