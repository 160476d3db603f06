// Lowering: computes the outputs of a kernel (f, f', df/dparam, ...) from the DAG with a
// backend's value type V, each node once. The one place where the fast paths meet the
// graph: the JIT (V = an LLVM IR value), the C++ emitter (V = source text), an op counter,
// and plain float/double (tests) all go through lower(). What each op computes comes
// from ops.hpp (eval); the structural nodes (+, *, powers with constant exponents) are
// lowered here.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <symact/math/all.hpp>

#include "symact/codegen/decay.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/graph.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

// What lower() asks the backend for: the leaves.
//   V x()                          the input element
//   V param(std::string_view name) a parameter's value (loop-invariant)
//   V constant(const Number& c)    a constant (lower() passes c; the backend rounds it)
// and, in row kernels only, const V* known(std::uint32_t id): the value of a node computed
// once per row (reductions, 1/rowsum(..)), or null; and, where noise ops (uniform, normal)
// can be drawn, noise_index() and noise_seed(): pairs (low, high 32 bits) of unsigned
// values (the type of as_uint(V)): the element's global index and the call's seed.
template <class B, class V>
concept LoweringLeaves = requires(B b, std::string_view n, const Number& c) {
    { b.x() } -> std::convertible_to<V>;
    { b.param(n) } -> std::convertible_to<V>;
    { b.constant(c) } -> std::convertible_to<V>;
};

namespace detail {

// x^k for a small integer k by squaring: exact-ish (<= log2(k) roundings), no libm.
template <class V> V powi(V a, unsigned k) {
    std::optional<V> r;
    V s = a;
    while (k) {
        if (k & 1) r = r ? *r * s : s;
        k >>= 1;
        if (k) s = s * s;
    }
    return *r;
}

inline constexpr unsigned max_powi = 16;  // above: math::pow (fewer roundings)

}  // namespace detail

template <class V, class Leaves>
    requires LoweringLeaves<Leaves, V>
std::vector<V> lower(std::span<const Expr> roots, Leaves& leaves) {
    using M = decltype(std::declval<V>() < std::declval<V>());
    using S = math::scalar_t<V>;
    struct Slot {
        std::optional<V> v;
        std::optional<M> m;  // comparisons produce masks
    };
    std::vector<V> out;
    if (roots.empty()) return out;
    Graph& g = *roots[0].g;
    std::vector<Slot> slot(g.size());
    auto val = [&](std::uint32_t id) -> const V& { return *slot[id].v; };

    // Row kernels know some nodes' values already (reductions, one-per-row values computed
    // once per row): those are taken as they are and what lies below them is not lowered.
    auto known = [&](std::uint32_t id) -> const V* {
        if constexpr (requires { leaves.known(id); }) return leaves.known(id); else return nullptr;
    };
    // tanh(softplus(w)) and sech2(softplus(w)) are computed from w directly
    // (math/tanh_softplus.hpp: one exp shared with sigmoid(w), no log1p, no second exp);
    // softplus(w) itself is then lowered only if something else uses it.
    auto softplus_arg = [&](std::uint32_t id) -> std::optional<std::uint32_t> {
        const Op op = g.node(id).op;
        if (op != Op::Tanh && op != Op::Sech2) return std::nullopt;
        const std::uint32_t a = g.args(id)[0];
        if (g.node(a).op != Op::Softplus) return std::nullopt;
        return g.args(a)[0];
    };
    const std::vector<std::uint32_t> order = topological_order(roots);
    // Constant subexpressions (no x, parameter, noise, reduction or row value: sqrt(2),
    // 1/sqrt(2*pi)) are folded: computed once in long double by the reference evaluator and
    // rounded once (to double, then S; the DSL's plan.hpp does the same). In S they took
    // several roundings, and a divisor such as gelu's sqrt(2) cost a division per element
    // instead of a multiply (b^-1 with b constant is one constant factor). Comparisons,
    // where and non-finite values are lowered as before.
    std::vector<char> constant(g.size(), 0);
    std::vector<std::optional<S>> folded(g.size());
    std::vector<long double> folded_ld(g.size(), 0.0L);  // the long double value, where folded
    for (std::uint32_t id : order) {
        const Op op = g.node(id).op;
        bool c = op == Op::Const || (op != Op::Var && op != Op::Param && !is_reduction(op) && !known(id));
        bool foldable = c && op != Op::Const && op != Op::Where;
        if (foldable)
            visit_op(op, [&](auto o) {
                using O = decltype(o);
                if constexpr (requires { O::noise; }) c = foldable = false;
                if constexpr (requires { O::comparison; }) foldable = false;
            });
        for (auto a : g.args(id)) c = c && constant[a];
        constant[id] = c;
        if (c && foldable) {
            const Expr e{&g, id};
            const long double zero = 0;
            const long double v = evaluate<long double>(std::span<const Expr>(&e, 1), std::span<const long double>(&zero, 1), {})[0][0];
            const S r = static_cast<S>(static_cast<double>(v));
            if (std::isfinite(r)) {
                folded[id] = r;
                folded_ld[id] = v;
            }
        }
    }
    // A product multiplies its loop-invariant factors first (constants and parameters:
    // c*sqrt(2/pi)*sign(1 - alpha) is then one value the JIT hoists out of its loop), then
    // the others from the earliest available to the latest (by `late`, a rough latency from
    // x), so the factor at the end of the longest chain (a tanh, a division) comes last;
    // sums likewise. With the JIT's hoisting, noisy_hardsigmoid's forward went from 1.3x to
    // 1.06x the DSL kernel's time.
    std::vector<char> invariant(g.size(), 0);
    std::vector<unsigned> late(g.size(), 0);
    for (std::uint32_t id : order) {
        const Op op = g.node(id).op;
        bool inv = op != Op::Var && !is_reduction(op) && !known(id);
        if (inv) visit_op(op, [&](auto o) { if constexpr (requires { decltype(o)::noise; }) inv = false; });
        unsigned l = 0;
        for (auto a : g.args(id)) inv = inv && invariant[a], l = std::max(l, late[a]);
        invariant[id] = inv;
        // x and everything computed from it come after the invariants (late >= 1); a
        // division or a function call costs more than a multiply, add or select.
        const bool cheap = op == Op::Var || op == Op::Add || op == Op::Mul || op == Op::Where ||
                           op == Op::Abs || op == Op::Sign || op == Op::Max || op == Op::Min || op == Op::Lt ||
                           op == Op::Le || op == Op::Gt || op == Op::Ge ||
                           (op == Op::Pow && g.node(g.args(id)[1]).op == Op::Const &&
                            g.node(g.args(id)[1]).num.is_integer() && !g.node(g.args(id)[1]).num.is_negative());
        late[id] = inv || known(id) ? 0 : std::max(1u, l + (cheap ? 1 : 8));
    }
    // The positions of a sum's or product's operands, invariant ones first, then by `late`
    // (ties keep the graph's order).
    auto earliest_first = [&](std::span<const std::uint32_t> args) {
        std::vector<std::size_t> by_time(args.size());
        for (std::size_t i = 0; i < args.size(); ++i) by_time[i] = i;
        std::sort(by_time.begin(), by_time.end(), [&](std::size_t i, std::size_t j) {
            const unsigned li = late[args[i]], lj = late[args[j]];
            return li != lj ? li < lj : i < j;
        });
        return by_time;
    };
    std::vector<char> needed(g.size(), 0);
    for (Expr r : roots) needed[r.id] = 1;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        if (!needed[*it] || known(*it) || folded[*it]) continue;
        if (auto w = softplus_arg(*it)) needed[*w] = 1;
        else for (auto a : g.args(*it)) needed[a] = 1;
    }

    for (std::uint32_t id : order) {
        if (!needed[id]) continue;
        const Node& n = g.node(id);
        auto args = g.args(id);
        Slot& s = slot[id];
        if (const V* k = known(id)) {
            s.v = *k;
            continue;
        }
        if (folded[id]) {
            s.v = leaves.constant(Number::real(static_cast<double>(*folded[id])));
            continue;
        }
        if (auto w = softplus_arg(id)) {
            s.v = n.op == Op::Tanh ? math::tanh_softplus(val(*w)) : math::sech2_softplus(val(*w));
            continue;
        }
        switch (n.op) {
        case Op::Const: s.v = leaves.constant(n.num); continue;
        case Op::Var: s.v = leaves.x(); continue;
        case Op::Param: s.v = leaves.param(g.name(id)); continue;
        case Op::Add: {  // the latest term last, as for products
            const auto by_time = earliest_first(args);
            V acc = val(args[by_time[0]]);
            for (std::size_t i = 1; i < args.size(); ++i) acc = acc + val(args[by_time[i]]);
            s.v = acc;
            continue;
        }
        case Op::Mul: {  // factors b^-1 divide: one rounding instead of two
            std::optional<V> num, den, dec;
            // A negative constant factor -c becomes c and a final negation (exact either
            // way): -c*u is then visibly the negation of c*u, so f(-c*u) and f(c*u) share
            // work in the backends (|-v| = |v|: sigmoid(u) and sigmoid(-u), one exp).
            bool negate = false;
            // Two or more constant factors (x/(sqrt(2)*pi) is x * pi^-1 * sqrt(2)^-1) are one
            // folded constant, their product in long double rounded once, first (plan.hpp
            // does the same).
            auto const_factor = [&](std::uint32_t a) { return g.node(a).op == Op::Const || folded[a].has_value(); };
            std::vector<char> combined(args.size(), 0);
            if (std::count_if(args.begin(), args.end(), const_factor) >= 2) {
                long double c = 1;
                for (auto a : args)
                    if (const_factor(a)) c *= g.node(a).op == Op::Const ? g.node(a).num.as<long double>() : folded_ld[a];
                if (const S r = static_cast<S>(static_cast<double>(c)); std::isfinite(r)) {
                    negate = r < 0;
                    num = leaves.constant(Number::real(static_cast<double>(negate ? -r : r)));
                    for (std::size_t i = 0; i < args.size(); ++i) combined[i] = const_factor(args[i]);
                }
            }
            for (std::size_t ai : earliest_first(args)) {
                const auto a = args[ai];
                if (combined[ai]) continue;
                const Node& f = g.node(a);
                if (f.op == Op::Const && f.num.is_negative() && !negate) {
                    negate = true;
                    if (f.num.is_minus_one()) continue;
                    V c = leaves.constant(f.num.neg());
                    num = num ? *num * c : c;
                    continue;
                }
                auto fa = g.args(a);
                bool recip = f.op == Op::Pow && g.node(fa[1]).op == Op::Const &&
                             g.node(fa[1]).num.is_minus_one() && !known(a) &&  // known: 1/b per row
                             !folded[a];                                       // 1/b of a constant b
                const V& v = recip ? val(fa[0]) : val(a);
                auto& acc = recip ? den : decays(g, a) ? dec : num;
                acc = acc ? *acc * v : v;
            }
            V p = num ? *num : leaves.constant(Number(1));
            if (dec && num) {
                // decay.hpp: a decayed factor (0) wins over a growing one (inf), not NaN
                V q = p;
                p = q * *dec;
                using math::is_nan, math::mask_and, math::mask_not, math::select;  // and ADL
                p = select(mask_and(*dec == S(0), mask_not(is_nan(q))), *dec, p);
            } else if (dec) {
                p = *dec;
            }
            if (den) p = p / *den;
            s.v = negate ? -p : p;
            continue;
        }
        case Op::Pow: {
            const Node& e = g.node(args[1]);
            const V& a = val(args[0]);
            if (e.op == Op::Const && e.num.is_integer() &&
                e.num.num() >= -std::int64_t{detail::max_powi} &&  // (no llabs: INT64_MIN)
                e.num.num() <= std::int64_t{detail::max_powi}) {
                std::int64_t k = e.num.num();
                V p = detail::powi(a, static_cast<unsigned>(k < 0 ? -k : k));
                s.v = k < 0 ? leaves.constant(Number(1)) / p : p;
            } else {
                s.v = ops::Pow::eval(a, val(args[1]));
            }
            continue;
        }
        default: break;
        }
        if (is_reduction(n.op))  // (a row kernel's reductions are known(), above)
            throw symact::error(std::string(op_name(n.op)) +
                                " is a row reduction: an elementwise kernel cannot compute it "
                                "(row functions need the row kernels)");
        visit_op(n.op, [&](auto o) {
            using O = decltype(o);
            if constexpr (std::is_same_v<O, ops::Structural> || requires { O::reduction; }) {
                return;
            } else if constexpr (requires { O::comparison; }) {
                s.m = O::eval(val(args[0]), val(args[1]));
            } else if constexpr (std::is_same_v<O, ops::Where>) {
                s.v = O::eval(*slot[args[0]].m, val(args[1]), val(args[2]));
            } else if constexpr (requires { O::noise; }) {
                if constexpr (requires { leaves.noise_index(); leaves.noise_seed(); }) {
                    auto [lo, hi] = leaves.noise_index();
                    auto [k0, k1] = leaves.noise_seed();
                    const auto stream = static_cast<std::uint32_t>(g.node(args[0]).num.num());
                    s.v = O::template eval<V>(lo, hi, k0, k1, stream);
                } else {
                    throw symact::error(std::string(O::name) +
                                        " draws random numbers: this kernel has no element index (noise "
                                        "runs in the JIT, the DSL kernels, generated headers and the "
                                        "reference evaluator)");
                }
            } else if constexpr (O::arity == 0) {
                s.v = O::template eval<V>();
            } else if constexpr (O::arity == 1) {
                s.v = O::eval(val(args[0]));
            } else if constexpr (O::arity == 2) {
                s.v = O::eval(val(args[0]), val(args[1]));
            }
        });
    }
    for (Expr r : roots) out.push_back(val(r.id));
    return out;
}

}  // namespace symact::codegen
