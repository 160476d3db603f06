#include "symact/analysis/piecewise.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "symact/analysis/scan.hpp"

namespace symact::analysis {

using codegen::Expr;
using codegen::Op;

bool depends_on_x(Expr e) {
    Expr r[] = {e};
    for (auto id : codegen::topological_order(r))
        if (e.g->node(id).op == Op::Var) return true;
    return false;
}

std::vector<Expr> switching_functions(Expr f) {
    std::vector<Expr> out;
    std::unordered_set<std::uint32_t> seen;
    auto add = [&](Expr g) {
        if (depends_on_x(g) && seen.insert(g.id).second) out.push_back(g);
    };
    Expr roots[] = {f};
    for (auto id : codegen::topological_order(roots)) {
        Expr n{f.g, id};
        switch (n.op()) {
        case Op::Where: {
            Expr c = n.arg(0);
            if (codegen::is_comparison(c.op())) add(c.arg(0) - c.arg(1));
            break;
        }
        case Op::Max:
        case Op::Min: add(n.arg(0) - n.arg(1)); break;
        case Op::Abs:
        case Op::Sign:
        case Op::Sqrt: add(n.arg(0)); break;
        case Op::Pow: {
            Expr p = n.arg(1);
            if (!(p.is_const() && p.number().is_integer())) add(n.arg(0));
            break;
        }
        default: break;
        }
    }
    return out;
}

std::vector<real> switch_points(std::span<const Expr> switching, const codegen::ParamValues& params,
                                std::span<const real> grid, std::size_t max_points) {
    std::vector<real> out;
    if (switching.empty()) return out;
    Evaluator ev({switching.begin(), switching.end()}, params);
    auto values = ev.at(grid);
    auto sgn = [](real v) { return v > 0 ? 1 : v < 0 ? -1 : 0; };
    for (std::size_t k = 0; k < switching.size() && out.size() < max_points; ++k) {
        const auto& g = values[k];
        for (std::size_t i = 0; i + 1 < grid.size() && out.size() < max_points; ++i) {
            if (std::isnan(g[i]) || std::isnan(g[i + 1])) continue;
            int a = sgn(g[i]), b = sgn(g[i + 1]);
            if (a == 0 && (i == 0 || sgn(g[i - 1]) != 0)) out.push_back(grid[i]);  // the first of a run of zeros
            if (a == 0 && b != 0) out.push_back(grid[i]);                            // and its last
            if (a != 0 && b != 0 && a != b) {
                real r = boundary([&](real x) { return sgn(ev.one(k, x)) != a; }, grid[i], grid[i + 1]);
                out.push_back(r);
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

// The sign u keeps at all of xs, or 0 if it does not. With `truth`, u is a comparison
// (1 or 0) and the result says true (1) or false (-1) there.
int sign_on(Expr u, std::span<const real> xs, const codegen::ParamValues& params, bool truth = false) {
    Expr r[] = {u};
    auto v = codegen::evaluate<real>(r, xs, params)[0];
    if (truth)
        for (real& y : v) y -= 0.5L;
    bool pos = std::all_of(v.begin(), v.end(), [](real y) { return y > 0; });
    bool neg = std::all_of(v.begin(), v.end(), [](real y) { return y < 0; });
    return pos ? 1 : neg ? -1 : 0;
}

}  // namespace

Expr far_side(Expr e, int side, const codegen::ParamValues& params) {
    const real xs[] = {side * 1e6L, side * 1e15L, side * 1e30L};
    return resolve_pieces(e, xs, params);
}

Expr resolve_pieces(Expr e, std::span<const real> xs, const codegen::ParamValues& params) {
    codegen::Graph& g = *e.g;
    std::unordered_map<std::uint32_t, Expr> m;
    Expr roots[] = {e};
    for (auto id : codegen::topological_order(roots)) {
        Expr n{&g, id};
        std::vector<Expr> a;
        for (std::size_t i = 0; i < n.nargs(); ++i) a.push_back(m.at(n.arg(i).id));
        Expr r = n;
        int s = 0;
        switch (n.op()) {
        case Op::Where:
            if (codegen::is_comparison(n.arg(0).op()) &&
                (s = sign_on(n.arg(0), xs, params, true)) != 0)
                r = s > 0 ? a[1] : a[2];
            break;
        case Op::Max:
        case Op::Min:
            if ((s = sign_on(n.arg(0) - n.arg(1), xs, params)) != 0)
                r = (s > 0) == (n.op() == Op::Max) ? a[0] : a[1];
            break;
        case Op::Abs:
            if ((s = sign_on(n.arg(0), xs, params)) != 0) r = s > 0 ? a[0] : -a[0];
            break;
        case Op::Sign:
            if ((s = sign_on(n.arg(0), xs, params)) != 0) r = g.constant(s);
            break;
        default: break;
        }
        if (r == n && n.nargs() > 0) r = g.rebuild(n, a);
        m.emplace(id, r);
    }
    return m.at(e.id);
}

}  // namespace symact::analysis
