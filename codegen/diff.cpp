#include "symact/codegen/diff.hpp"

#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "symact/error.hpp"

namespace symact::codegen {

namespace {

class Differentiator {
public:
    Differentiator(Graph& g, Expr wrt) : g_(g), wrt_(wrt) {}

    Expr d(Expr e) {
        if (auto it = memo_.find(e.id); it != memo_.end()) return it->second;
        Expr r = compute(e);
        memo_.emplace(e.id, r);
        return r;
    }

private:
    Expr zero() { return g_.constant(0); }

    Expr compute(Expr e) {
        switch (e.op()) {
        case Op::Const: return zero();
        case Op::Var: case Op::Param: return g_.constant(e == wrt_ ? 1 : 0);
        case Op::Add: {
            std::vector<Expr> ts;
            for (std::size_t i = 0; i < e.nargs(); ++i) ts.push_back(d(e.arg(i)));
            return g_.add(ts);
        }
        case Op::Mul: {  // sum over i of (product of the others) * d factor_i
            std::vector<Expr> ts;
            for (std::size_t i = 0; i < e.nargs(); ++i) {
                Expr di = d(e.arg(i));
                if (di.is_number(0)) continue;
                std::vector<Expr> fs{di};
                for (std::size_t j = 0; j < e.nargs(); ++j)
                    if (j != i) fs.push_back(e.arg(j));
                ts.push_back(g_.mul(fs));
            }
            return g_.add(ts);
        }
        default: return function(e);
        }
    }

    Expr function(Expr e) {
        std::vector<Expr> a, da;
        bool any = false;
        for (std::size_t i = 0; i < e.nargs(); ++i) {
            a.push_back(e.arg(i));
            // where's condition is not differentiated (its derivative is 0 almost everywhere)
            Expr di = (e.op() == Op::Where && i == 0) ? zero() : d(e.arg(i));
            any = any || !di.is_number(0);
            da.push_back(di);
        }
        if (!any) return zero();
        return visit_op(e.op(), [&](auto o) -> Expr {
            using O = decltype(o);
            if constexpr (std::is_same_v<O, ops::Structural>) {
                return zero();
            } else if constexpr (requires { O::reduction; }) {
                throw error(fmt::format("{} is a row reduction: there is no elementwise derivative; "
                                        "use the vector-Jacobian product (vjp.hpp)", O::name));
            } else if constexpr (requires { O::comparison; }) {
                throw error(fmt::format("a comparison ({}) has no derivative; use it only as the "
                                        "condition of where", O::name));
            } else if constexpr (O::arity == 1) {
                return detail::to_expr(g_, O::deriv(a[0], da[0], e));
            } else if constexpr (O::arity == 2) {
                return detail::to_expr(g_, O::deriv(a[0], a[1], da[0], da[1], e));
            } else if constexpr (O::arity == 3) {
                return detail::to_expr(g_, O::deriv(a[0], a[1], a[2], da[0], da[1], da[2], e));
            } else {
                return zero();  // named constants
            }
        });
    }

    Graph& g_;
    Expr wrt_;
    std::unordered_map<std::uint32_t, Expr> memo_;
};

}  // namespace

Expr diff(Expr e, Expr wrt) {
    if (wrt.op() != Op::Var && wrt.op() != Op::Param)
        throw error("can only differentiate with respect to x or a parameter");
    return Differentiator(*e.g, wrt).d(e);
}

}  // namespace symact::codegen
