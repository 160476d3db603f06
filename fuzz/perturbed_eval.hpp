// The fuzzer's measure of how much an expression DAG amplifies rounding at a point: evaluate
// it node by node in long double (the ops' reference numerics, ops.hpp), every node's result
// moved by `perturb` times its magnitude (for a sum, times its largest operand), with signs
// from a fixed LCG. Comparing that with the exact evaluation tells a value that is rounding
// noise (u = a - a*x^3e-34 cancels to 0 in long double where its true value, 2e-34, scaled
// by 1/x^860 is huge: sech2(u) is then 1 instead of 0) from one worth comparing.
#pragma once
#include <cmath>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <unordered_map>

#include "signed_steps.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/graph.hpp"

namespace fuzz {

// nullopt: the DAG draws noise or reduces rows (not evaluated here).
inline std::optional<long double> perturbed_value(symact::codegen::Expr e, long double x,
                                                  const symact::codegen::ParamValues& pv,
                                                  long double perturb, std::uint64_t seed) {
    using namespace symact::codegen;
    using L = long double;
    const Graph& g = *e.g;
    std::unordered_map<std::uint32_t, L> value;
    SignedSteps steps{seed};
    auto moved = [&](L v, L mag) {
        const L step = steps.next(perturb);
        if (!std::isfinite(v) || !std::isfinite(mag)) return v;
        return v + step * std::fabs(mag);
    };
    Expr roots[] = {e};
    for (auto id : topological_order(roots)) {
        const Node& n = g.node(id);
        auto args = g.args(id);
        if (is_noise(n.op) || is_reduction(n.op)) return std::nullopt;
        L v = 0, mag = 0;
        switch (n.op) {
        case Op::Const: value[id] = n.num.as<L>(); continue;  // exact or as read: not moved
        case Op::Var: value[id] = x; continue;
        case Op::Param: {
            auto it = pv.find(g.name(id));
            if (it == pv.end()) return std::nullopt;
            value[id] = static_cast<L>(it->second);
            continue;
        }
        case Op::Add:
            for (auto a : args) v += value[a], mag = std::fmax(mag, std::fabs(value[a]));
            break;
        case Op::Mul:
            v = 1;
            for (auto a : args) v *= value[a];
            mag = v;
            break;
        default:
            visit_op(n.op, [&](auto o) {
                using O = decltype(o);
                if constexpr (std::is_same_v<O, symact::ops::Structural> || requires { O::reduction; } ||
                              requires { O::noise; }) {
                } else if constexpr (O::arity == 0) {
                    v = O::template ref<L>();
                } else if constexpr (O::arity == 1) {
                    v = O::template ref<L>(value[args[0]]);
                } else if constexpr (O::arity == 2) {
                    v = O::template ref<L>(value[args[0]], value[args[1]]);
                } else {
                    v = O::template ref<L>(value[args[0]], value[args[1]], value[args[2]]);
                }
            });
            mag = v;
        }
        value[id] = moved(v, mag);
    }
    return value[e.id];
}

}  // namespace fuzz
