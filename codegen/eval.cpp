#include "symact/codegen/eval.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "symact/codegen/decay.hpp"
#include "symact/codegen/limits.hpp"
#include "symact/codegen/vjp.hpp"
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

bool has_noise(Expr e) {
    Expr roots[] = {e};
    for (auto id : topological_order(roots))
        if (is_noise(e.g->node(id).op)) return true;
    return false;
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
    Evaluator(Graph& g, std::span<const T> xs, const ParamValues& p, NoiseKey noise = {})
        : g_(g), xs_(xs), params_(p), noise_(noise) {}
    // One row: reductions fold over xs, the upstream gradient leaf (vjp.hpp) reads dy.
    Evaluator(Graph& g, std::span<const T> xs, std::span<const T> dy, const ParamValues& p)
        : g_(g), xs_(xs), dy_(dy), params_(p), row_(true) {}

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
        const bool upstream = n.op == Op::Param && g_.name(id) == upstream_name;
        if (n.op == Op::Var || (upstream && row_) || is_noise(n.op)) out.varying = true;
        if (is_reduction(n.op)) out.varying = false;  // one value per row
        std::size_t count = out.varying ? xs_.size() : 1;
        out.v.resize(count);
        switch (n.op) {
        case Op::Const: out.v[0] = n.num.template as<T>(); break;
        case Op::Var: std::copy(xs_.begin(), xs_.end(), out.v.begin()); break;
        case Op::Param: {
            if (upstream && row_) {
                std::copy(dy_.begin(), dy_.end(), out.v.begin());
                break;
            }
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
            } else if constexpr (requires { O::reduction; }) {
                if (!row_)
                    throw error(fmt::format("{} is a row reduction: evaluate it over rows "
                                            "(evaluate_rows), not at independent points", O::name));
                const Values& a = vals_.at(args[0]);
                T acc = O::template identity<T>();
                for (std::size_t i = 0; i < xs_.size(); ++i) acc = O::template ref<T>(acc, a.at(i));
                out.v.assign(1, acc);
            } else if constexpr (requires { O::noise; }) {
                if (row_)
                    throw error(fmt::format("{} draws random numbers: row functions cannot use it (yet)",
                                            O::name));
                const auto stream = static_cast<std::uint32_t>(g_.node(args[0]).num.num());
                for (std::size_t i = 0; i < count; ++i)
                    out.v[i] = O::template ref<T>(noise_.offset + i, noise_.seed, stream);
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
    std::span<const T> xs_, dy_;
    const ParamValues& params_;
    NoiseKey noise_;
    bool row_ = false;
    std::unordered_map<std::uint32_t, Values> vals_;
};

}  // namespace

template <class T>
std::vector<std::vector<T>> evaluate(std::span<const Expr> roots, std::span<const T> xs,
                                     const ParamValues& params, NoiseKey noise) {
    std::vector<std::vector<T>> out;
    if (roots.empty()) return out;
    if (xs.size() > limits::max_points)
        throw error(fmt::format("too many points: {} (limit {})", xs.size(), limits::max_points));
    Evaluator<T> ev(*roots[0].g, xs, params, noise);
    for (auto id : topological_order(roots)) ev.compute(id);
    for (Expr r : roots) {
        const auto& v = ev.get(r.id);
        std::vector<T> col(xs.size());
        for (std::size_t i = 0; i < xs.size(); ++i) col[i] = v.at(i);
        out.push_back(std::move(col));
    }
    return out;
}

template <class T>
std::vector<std::vector<T>> evaluate_rows(std::span<const Expr> roots, std::span<const T> xs,
                                          std::span<const T> dy, std::size_t cols,
                                          const ParamValues& params) {
    std::vector<std::vector<T>> out(roots.size(), std::vector<T>(xs.size()));
    if (roots.empty()) return out;
    if (xs.size() > limits::max_points)
        throw error(fmt::format("too many points: {} (limit {})", xs.size(), limits::max_points));
    if (cols == 0 || xs.size() % cols != 0)
        throw error(fmt::format("{} values do not split into rows of {}", xs.size(), cols));
    if (!dy.empty() && dy.size() != xs.size())
        throw error(fmt::format("dy has {} values, x has {}", dy.size(), xs.size()));
    std::vector<T> ones;
    if (dy.empty()) ones.assign(cols, T(1)), dy = ones;  // only read by an upstream leaf
    auto order = topological_order(roots);
    for (std::size_t r = 0; r * cols < xs.size(); ++r) {
        std::size_t b = r * cols;
        std::span<const T> drow = dy.size() == xs.size() ? dy.subspan(b, cols) : dy;
        Evaluator<T> ev(*roots[0].g, xs.subspan(b, cols), drow, params);
        for (auto id : order) ev.compute(id);
        for (std::size_t k = 0; k < roots.size(); ++k) {
            const auto& v = ev.get(roots[k].id);
            for (std::size_t i = 0; i < cols; ++i) out[k][b + i] = v.at(i);
        }
    }
    return out;
}

#define SYMACT_ROWS(T)                                                                      \
    template std::vector<std::vector<T>> evaluate_rows<T>(std::span<const Expr>, std::span<const T>, \
                                                          std::span<const T>, std::size_t,   \
                                                          const ParamValues&);
SYMACT_ROWS(float)
SYMACT_ROWS(double)
SYMACT_ROWS(long double)
#undef SYMACT_ROWS

template std::vector<std::vector<float>> evaluate<float>(std::span<const Expr>, std::span<const float>,
                                                         const ParamValues&, NoiseKey);
template std::vector<std::vector<long double>> evaluate<long double>(
    std::span<const Expr>, std::span<const long double>, const ParamValues&, NoiseKey);
template std::vector<std::vector<double>> evaluate<double>(std::span<const Expr>, std::span<const double>,
                                                           const ParamValues&, NoiseKey);

}  // namespace symact::codegen
