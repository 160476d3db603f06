#include "symact/codegen/vjp.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "symact/codegen/eval.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

Expr upstream(Graph& g) { return g.param(upstream_name); }
bool is_upstream(Expr e) { return e.op() == Op::Param && e.name() == upstream_name; }

bool has_reduction(Expr e) {
    Expr roots[] = {e};
    for (auto id : topological_order(roots))
        if (is_reduction(e.g->node(id).op)) return true;
    return false;
}

namespace {

class Reverse {
public:
    Reverse(Graph& g, Expr wrt) : g_(g), wrt_(wrt), dy_(upstream(g)) {}

    Expr run(Expr f) {
        Expr roots[] = {f};
        std::vector<std::uint32_t> order = topological_order(roots);
        adj_[f.id].push_back(dy_);
        // Reverse topological order: every user of a node is done before the node itself.
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            Expr e{&g_, *it};
            auto found = adj_.find(e.id);
            if (found == adj_.end() || e == wrt_) continue;
            Expr a = g_.add(found->second);
            found->second.clear();
            if (a.is_number(0) || !depends(e)) continue;
            propagate(e, a);
        }
        auto w = adj_.find(wrt_.id);
        return w == adj_.end() || w->second.empty() ? g_.constant(0) : g_.add(w->second);
    }

private:
    void to(Expr arg, Expr contribution) {
        if (!contribution.is_number(0) && depends(arg)) adj_[arg.id].push_back(contribution);
    }

    void propagate(Expr e, Expr a) {
        switch (e.op()) {
        case Op::Const: case Op::Var: case Op::Param: return;
        case Op::Add:
            for (std::size_t i = 0; i < e.nargs(); ++i) to(e.arg(i), a);
            return;
        case Op::Mul:
            for (std::size_t i = 0; i < e.nargs(); ++i) {
                if (!depends(e.arg(i))) continue;
                std::vector<Expr> fs{a};
                for (std::size_t j = 0; j < e.nargs(); ++j)
                    if (j != i) fs.push_back(e.arg(j));
                to(e.arg(i), g_.mul(fs));
            }
            return;
        case Op::RowSum: to(e.arg(0), total(a)); return;
        case Op::RowMax: {
            Expr t = total(a);
            if (t.is_number(0)) return;  // softmax, log_softmax: the shift cancels
            Expr u = e.arg(0);
            Expr at_max = where(u >= e, g_.constant(1), g_.constant(0));
            to(u, t * at_max / total(at_max));
            return;
        }
        default: break;
        }
        // A function op: arg k gets deriv(args.., da = 0 except da_k = a, f), which is
        // a * (the local partial) since every rule is linear in the da's.
        visit_op(e.op(), [&](auto o) {
            using O = decltype(o);
            if constexpr (std::is_same_v<O, ops::Structural> || requires { O::reduction; }) {
                return;
            } else if constexpr (requires { O::comparison; }) {
                throw error(fmt::format("a comparison ({}) has no derivative; use it only as the "
                                        "condition of where", O::name));
            } else if constexpr (O::arity == 1) {
                to(e.arg(0), detail::to_expr(g_, O::deriv(e.arg(0), a, e)));
            } else if constexpr (O::arity == 2) {
                Expr z = g_.constant(0);
                to(e.arg(0), detail::to_expr(g_, O::deriv(e.arg(0), e.arg(1), a, z, e)));
                to(e.arg(1), detail::to_expr(g_, O::deriv(e.arg(0), e.arg(1), z, a, e)));
            } else if constexpr (O::arity == 3) {  // where: its condition is not differentiated
                Expr z = g_.constant(0);
                Expr c = e.arg(0), x = e.arg(1), y = e.arg(2);
                to(x, detail::to_expr(g_, O::deriv(c, x, y, z, a, z, e)));
                to(y, detail::to_expr(g_, O::deriv(c, x, y, z, z, a, e)));
            }
        });
    }

    // Does e depend on wrt (directly or through a reduction)?
    bool depends(Expr e) {
        if (auto it = dep_.find(e.id); it != dep_.end()) return it->second;
        Expr roots[] = {e};
        bool r = false;
        for (auto id : topological_order(roots)) {
            auto known = dep_.find(id);
            bool d;
            if (known != dep_.end()) {
                d = known->second;
            } else {
                d = id == wrt_.id;
                for (auto a : g_.args(id)) d = d || dep_.at(a);
                dep_.emplace(id, d);
            }
            r = d;
        }
        return r;
    }

    // One value per row: depends on x and dy only through reductions.
    bool invariant(Expr e) {
        if (auto it = inv_.find(e.id); it != inv_.end()) return it->second;
        bool r;
        if (e.op() == Op::Var || is_upstream(e)) r = false;
        else if (is_reduction(e.op())) r = true;
        else {
            r = true;
            for (std::size_t i = 0; i < e.nargs() && r; ++i) r = invariant(e.arg(i));
        }
        inv_.emplace(e.id, r);
        return r;
    }

    // The row total of an elementwise expression, broadcast: rowsum(a), simplified by
    // linearity so that totals that cancel symbolically become 0.
    Expr total(Expr a) {
        if (a.is_number(0)) return a;
        if (auto it = total_.find(a.id); it != total_.end()) return it->second;
        Expr r;
        if (invariant(a)) {
            r = a * rowsum(g_.constant(1));  // a * (the number of columns)
        } else if (a.op() == Op::Add) {
            std::vector<Expr> ts;
            for (std::size_t i = 0; i < a.nargs(); ++i) ts.push_back(total(a.arg(i)));
            r = g_.add(ts);
        } else if (a.op() == Op::Mul) {
            std::vector<Expr> inv, var;
            std::size_t sum_at = a.nargs();
            for (std::size_t i = 0; i < a.nargs(); ++i) {
                Expr f = a.arg(i);
                if (invariant(f)) inv.push_back(f);
                else {
                    if (f.op() == Op::Add && sum_at == a.nargs()) sum_at = var.size();
                    var.push_back(f);
                }
            }
            if (sum_at < var.size()) {  // distribute over one varying sum, then split
                Expr s = var[sum_at];
                std::vector<Expr> ts;
                for (std::size_t i = 0; i < s.nargs(); ++i) {
                    std::vector<Expr> fs = var;
                    fs[sum_at] = s.arg(i);
                    ts.push_back(total(g_.mul(fs)));
                }
                inv.push_back(g_.add(ts));
                r = g_.mul(inv);
            } else {
                inv.push_back(rowsum(g_.mul(var)));
                r = g_.mul(inv);
            }
        } else {
            r = rowsum(a);
        }
        total_.emplace(a.id, r);
        return r;
    }

    Graph& g_;
    Expr wrt_, dy_;
    std::unordered_map<std::uint32_t, std::vector<Expr>> adj_;
    std::unordered_map<std::uint32_t, bool> dep_, inv_;
    std::unordered_map<std::uint32_t, Expr> total_;
};

}  // namespace

Expr vjp(Expr f, Expr wrt) {
    if (wrt.op() != Op::Var && !(wrt.op() == Op::Param && !is_upstream(wrt)))
        throw error("a vector-Jacobian product is taken with respect to x or a parameter");
    return Reverse(*f.g, wrt).run(f);
}

}  // namespace symact::codegen
