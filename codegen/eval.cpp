#include "symact/codegen/eval.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "symact/codegen/decay.hpp"
#include "symact/codegen/limits.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

std::vector<std::uint32_t> topological_order(std::span<const Expr> roots) {
    std::vector<std::uint32_t> order;
    if (roots.empty()) return order;
    Graph& g = *roots[0].g;
    std::vector<char> state(g.size(), 0);  // 0 new, 1 open, 2 done
    std::vector<std::pair<std::uint32_t, std::size_t>> stack;  // iterative: no deep recursion
    for (Expr r : roots) {
        if (state[r.id]) continue;
        stack.push_back({r.id, 0});
        state[r.id] = 1;
        while (!stack.empty()) {
            auto& [id, next] = stack.back();
            auto args = g.args(id);
            if (next < args.size()) {
                std::uint32_t a = args[next++];
                if (!state[a]) {
                    state[a] = 1;
                    stack.push_back({a, 0});
                }
                continue;
            }
            state[id] = 2;
            order.push_back(id);
            stack.pop_back();
        }
    }
    return order;
}

std::vector<std::string> parameters(std::span<const Expr> roots) {
    std::vector<std::string> names;
    if (roots.empty()) return names;
    Graph& g = *roots[0].g;
    for (auto id : topological_order(roots))
        if (g.node(id).op == Op::Param) names.emplace_back(g.name(id));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::size_t op_count(std::span<const Expr> roots) {
    if (roots.empty()) return 0;
    Graph& g = *roots[0].g;
    std::size_t n = 0;
    for (auto id : topological_order(roots)) {
        Op op = g.node(id).op;
        if (op == Op::Const || op == Op::Var || op == Op::Param || op_arity(op) == 0) continue;
        // an n-ary + or * is n-1 binary operations
        n += (op == Op::Add || op == Op::Mul) ? g.args(id).size() - 1 : 1;
    }
    return n;
}

namespace {

template <class T>
class Evaluator {
public:
    Evaluator(Graph& g, std::span<const T> xs, const ParamValues& p) : g_(g), xs_(xs), params_(p) {}

    // Each node's values: one scalar if it does not depend on x, else one per point.
    struct Values {
        bool varying = false;
        std::vector<T> v;
        T at(std::size_t i) const { return varying ? v[i] : v[0]; }
    };

    void compute(std::uint32_t id) {
        const Node& n = g_.node(id);
        auto args = g_.args(id);
        Values out;
        for (auto a : args) out.varying = out.varying || vals_.at(a).varying;
        if (n.op == Op::Var) out.varying = true;
        std::size_t count = out.varying ? xs_.size() : 1;
        out.v.resize(count);
        switch (n.op) {
        case Op::Const: out.v[0] = n.num.template as<T>(); break;
        case Op::Var: std::copy(xs_.begin(), xs_.end(), out.v.begin()); break;
        case Op::Param: {
            auto it = params_.find(g_.name(id));
            if (it == params_.end())
                throw error(fmt::format("parameter '{}' has no value (give it with --param={}=VALUE)",
                                        g_.name(id), g_.name(id)));
            out.v[0] = static_cast<T>(it->second);
            break;
        }
        case Op::Add:
            for (std::size_t i = 0; i < count; ++i) {
                T s = vals_.at(args[0]).at(i);
                for (std::size_t k = 1; k < args.size(); ++k) s += vals_.at(args[k]).at(i);
                out.v[i] = s;
            }
            break;
        case Op::Mul: product(args, out, count); break;
        default: function(n.op, args, out, count);
        }
        vals_.emplace(id, std::move(out));
    }

    const Values& get(std::uint32_t id) const { return vals_.at(id); }

private:
    // Factors b^-1 divide (one rounding) instead of multiplying by a reciprocal (two);
    // a decayed factor (0) wins over a growing one (inf): decay.hpp.
    void product(std::span<const std::uint32_t> args, Values& out, std::size_t count) {
        std::vector<const Values*> num, den, dec;
        for (auto a : args) {
            const Node& f = g_.node(a);
            auto fa = g_.args(a);
            if (f.op == Op::Pow && g_.node(fa[1]).op == Op::Const && g_.node(fa[1]).num.is_minus_one())
                den.push_back(&vals_.at(fa[0]));
            else
                (decays(g_, a) ? dec : num).push_back(&vals_.at(a));
        }
        for (std::size_t i = 0; i < count; ++i) {
            T p = num.empty() ? T(1) : num[0]->at(i);
            for (std::size_t k = 1; k < num.size(); ++k) p *= num[k]->at(i);
            if (!dec.empty()) {
                T d = dec[0]->at(i);
                for (std::size_t k = 1; k < dec.size(); ++k) d *= dec[k]->at(i);
                p = (d == T(0) && !std::isnan(p)) ? d : (num.empty() ? d : p * d);
            }
            T q = den.empty() ? T(1) : den[0]->at(i);
            for (std::size_t k = 1; k < den.size(); ++k) q *= den[k]->at(i);
            out.v[i] = den.empty() ? p : p / q;
        }
    }

    void function(Op op, std::span<const std::uint32_t> args, Values& out, std::size_t count) {
        visit_op(op, [&](auto o) {
            using O = decltype(o);
            if constexpr (std::is_same_v<O, ops::Structural>) {
                return;
            } else if constexpr (O::arity == 0) {
                out.v[0] = O::template ref<T>();
            } else if constexpr (O::arity == 1) {
                const Values& a = vals_.at(args[0]);
                for (std::size_t i = 0; i < count; ++i) out.v[i] = O::template ref<T>(a.at(i));
            } else if constexpr (O::arity == 2) {
                const Values &a = vals_.at(args[0]), &b = vals_.at(args[1]);
                for (std::size_t i = 0; i < count; ++i)
                    out.v[i] = O::template ref<T>(a.at(i), b.at(i));
            } else {
                const Values &a = vals_.at(args[0]), &b = vals_.at(args[1]), &c = vals_.at(args[2]);
                for (std::size_t i = 0; i < count; ++i)
                    out.v[i] = O::template ref<T>(a.at(i), b.at(i), c.at(i));
            }
        });
    }

    Graph& g_;
    std::span<const T> xs_;
    const ParamValues& params_;
    std::unordered_map<std::uint32_t, Values> vals_;
};

}  // namespace

template <class T>
std::vector<std::vector<T>> evaluate(std::span<const Expr> roots, std::span<const T> xs,
                                     const ParamValues& params) {
    std::vector<std::vector<T>> out;
    if (roots.empty()) return out;
    if (xs.size() > limits::max_points)
        throw error(fmt::format("too many points: {} (limit {})", xs.size(), limits::max_points));
    Evaluator<T> ev(*roots[0].g, xs, params);
    for (auto id : topological_order(roots)) ev.compute(id);
    for (Expr r : roots) {
        const auto& v = ev.get(r.id);
        std::vector<T> col(xs.size());
        for (std::size_t i = 0; i < xs.size(); ++i) col[i] = v.at(i);
        out.push_back(std::move(col));
    }
    return out;
}

template std::vector<std::vector<float>> evaluate<float>(std::span<const Expr>, std::span<const float>,
                                                         const ParamValues&);
template std::vector<std::vector<long double>> evaluate<long double>(
    std::span<const Expr>, std::span<const long double>, const ParamValues&);
template std::vector<std::vector<double>> evaluate<double>(std::span<const Expr>, std::span<const double>,
                                                           const ParamValues&);

}  // namespace symact::codegen
