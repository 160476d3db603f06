#include "symact/codegen/graph.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "symact/codegen/limits.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

// ---- op metadata ------------------------------------------------------------------------
std::string_view op_name(Op op) {
    switch (op) {
    case Op::Const: return "const";
    case Op::Var: return "x";
    case Op::Param: return "param";
    case Op::Add: return "+";
    case Op::Mul: return "*";
    default: return visit_op(op, [](auto o) -> std::string_view {
        if constexpr (requires { decltype(o)::name; }) return decltype(o)::name; else return "?";
    });
    }
}

int op_arity(Op op) {
    if (op == Op::Add || op == Op::Mul) return -1;
    return visit_op(op, [](auto o) {
        if constexpr (requires { decltype(o)::arity; }) return decltype(o)::arity; else return 0;
    });
}

bool is_comparison(Op op) { return op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge; }

bool is_reduction(Op op) {
    return visit_op(op, [](auto o) { return requires { decltype(o)::reduction; }; });
}

bool is_noise(Op op) {
    return visit_op(op, [](auto o) { return requires { decltype(o)::noise; }; });
}

// ---- Expr accessors ---------------------------------------------------------------------
Op Expr::op() const { return g->node(id).op; }
std::span<const std::uint32_t> Expr::arg_ids() const { return g->args(id); }
const Number& Expr::number() const { return g->node(id).num; }
std::string_view Expr::name() const { return g->name(id); }
std::uint64_t Expr::hash() const { return g->node(id).hash; }
bool Expr::is_number(std::int64_t v) const {
    if (op() != Op::Const) return false;
    const Number& n = number();
    return n.is_integer() && n.num() == v;
}

// ---- hashing and interning --------------------------------------------------------------
namespace {
std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}
std::uint64_t string_hash(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a: deterministic across runs
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}
int rank(Op op) {
    switch (op) {
    case Op::Const: return 0;
    case Op::Pi: case Op::E: return 1;
    case Op::Var: return 2;
    case Op::Param: return 3;
    case Op::Pow: return 4;
    case Op::Mul: return 6;
    case Op::Add: return 7;
    case Op::Where: return 8;
    default: return is_comparison(op) ? 9 : 5;
    }
}
}  // namespace

Graph::Graph() {
    nodes_.reserve(256);
    args_.reserve(512);
}

bool Graph::same(const Node& n, std::span<const std::uint32_t> a, std::uint32_t id) const {
    const Node& m = nodes_[id];
    if (m.op != n.op || m.name != n.name || !(m.num == n.num) || m.arg_count != a.size())
        return false;
    return std::equal(a.begin(), a.end(), args_.begin() + m.arg_begin);
}

Expr Graph::intern(Node n, std::span<const std::uint32_t> a) {
    std::uint64_t h = mix(static_cast<std::uint64_t>(n.op) + 1, n.num.hash());
    if (n.op == Op::Param) h = mix(h, string_hash(names_[n.name]));
    for (auto id : a) h = mix(h, nodes_[id].hash);
    n.hash = h;
    auto [lo, hi] = table_.equal_range(h);
    for (auto it = lo; it != hi; ++it)
        if (same(n, a, it->second)) return {this, it->second};
    if (nodes_.size() >= limits::max_nodes)
        throw error(fmt::format("expression too large: more than {} distinct nodes "
                                "(limits::max_nodes)", limits::max_nodes));
    n.arg_begin = static_cast<std::uint32_t>(args_.size());
    n.arg_count = static_cast<std::uint32_t>(a.size());
    args_.insert(args_.end(), a.begin(), a.end());
    auto id = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back(n);
    table_.emplace(h, id);
    return {this, id};
}

int Graph::compare(std::uint32_t a, std::uint32_t b) const {
    if (a == b) return 0;
    const Node &x = nodes_[a], &y = nodes_[b];
    if (int d = rank(x.op) - rank(y.op)) return d < 0 ? -1 : 1;
    if (x.op == Op::Const) {
        if (int c = x.num.compare(y.num)) return c;
    } else if (x.op == Op::Param) {
        if (int c = names_[x.name].compare(names_[y.name])) return c < 0 ? -1 : 1;
    }
    if (x.op != y.op) return x.op < y.op ? -1 : 1;
    if (x.hash != y.hash) return x.hash < y.hash ? -1 : 1;
    // Equal hashes of different nodes (a collision, or 1 vs 1.0-as-real): compare structure.
    auto xa = args(a), ya = args(b);
    if (xa.size() != ya.size()) return xa.size() < ya.size() ? -1 : 1;
    for (std::size_t i = 0; i < xa.size(); ++i)
        if (int c = compare(xa[i], ya[i])) return c;
    if (x.num.is_exact() != y.num.is_exact()) return x.num.is_exact() ? -1 : 1;
    return 0;
}

bool Graph::less(std::uint32_t a, std::uint32_t b) const { return compare(a, b) < 0; }

// ---- leaves -----------------------------------------------------------------------------
Expr Graph::constant(const Number& v) {
    Node n(Op::Const);
    n.num = v;
    return intern(n, {});
}

Expr Graph::var() { return intern(Node(Op::Var), {}); }

Expr Graph::param(std::string_view name) {
    auto [it, fresh] = name_index_.try_emplace(std::string(name), static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.emplace_back(name);
    Node n(Op::Param);
    n.name = it->second;
    return intern(n, {});
}

// ---- sums: flatten, fold constants, collect like terms c1*t + c2*t = (c1+c2)*t ---------
Expr Graph::add(std::span<const Expr> terms) {
    std::vector<Expr> flat;
    flat.reserve(terms.size());
    for (Expr t : terms) {
        if (t.op() == Op::Add)
            for (auto id : t.arg_ids()) flat.push_back({this, id});
        else
            flat.push_back(t);
    }
    std::vector<Number> consts;
    std::vector<std::pair<std::uint32_t, Number>> groups;  // rest -> coefficient, in order
    std::unordered_map<std::uint32_t, std::size_t> index;
    for (Expr t : flat) {
        if (t.is_const()) {
            if (!t.number().is_zero()) consts.push_back(t.number());
            continue;
        }
        Number coeff(1);
        Expr rest = t;
        if (t.op() == Op::Mul && Expr{this, t.arg_ids()[0]}.is_const()) {
            coeff = Expr{this, t.arg_ids()[0]}.number();
            auto ids = t.arg_ids().subspan(1);
            if (ids.size() == 1) {
                rest = {this, ids[0]};
            } else {
                Node n(Op::Mul);
                rest = intern(n, ids);  // already canonical: a sub-span of a canonical Mul
            }
        }
        auto [it, fresh] = index.try_emplace(rest.id, groups.size());
        if (fresh) {
            groups.emplace_back(rest.id, coeff);
        } else if (auto s = codegen::add(groups[it->second].second, coeff)) {
            groups[it->second].second = *s;
        } else {
            throw error("constant arithmetic overflows: a coefficient is not a finite double");
        }
    }
    std::vector<std::uint32_t> out;
    for (auto& [rest, coeff] : groups) {
        if (coeff.is_zero()) continue;
        out.push_back(coeff.is_one() ? rest : mul(constant(coeff), Expr{this, rest}).id);
    }
    if (auto c = sum_of(consts)) {
        if (!c->is_zero()) out.push_back(constant(*c).id);
    } else {
        throw error("constant arithmetic overflows: a sum of constants is not a finite double");
    }
    // A term may itself have become a sum: a/2 + a/2 with a = u + v is 1*a = a (fuzz
    // finding). Flatten it by adding again (its terms are then like terms of the others).
    if (out.empty()) return constant(0);
    if (out.size() == 1) return {this, out[0]};
    if (std::any_of(out.begin(), out.end(), [this](std::uint32_t id) { return node(id).op == Op::Add; })) {
        std::vector<Expr> again;
        for (auto id : out) again.push_back({this, id});
        return add(again);
    }
    std::sort(out.begin(), out.end(), [this](auto a, auto b) { return less(a, b); });
    return intern(Node(Op::Add), out);
}

// ---- products: flatten, fold constants, combine powers of one base --------------------
Expr Graph::mul(std::span<const Expr> factors) {
    std::vector<Expr> work(factors.begin(), factors.end());
    std::vector<Number> consts;
    std::vector<std::pair<std::uint32_t, std::vector<Expr>>> groups;  // base -> exponents
    std::unordered_map<std::uint32_t, std::size_t> index;
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < work.size(); ++i) {
        Expr f = work[i];
        if (f.op() == Op::Mul) {
            for (auto id : f.arg_ids()) work.push_back({this, id});
            continue;
        }
        if (f.is_const()) {
            if (f.number().is_zero()) return constant(0);  // 0 * anything: the symbolic zero
            if (!f.number().is_one()) consts.push_back(f.number());
            continue;
        }
        Expr base = f, e = constant(1);
        if (f.op() == Op::Pow) base = f.arg(0), e = f.arg(1);
        auto [it, fresh] = index.try_emplace(base.id, groups.size());
        if (fresh) groups.push_back({base.id, {}});
        groups[it->second].second.push_back(e);
    }
    std::vector<Expr> powers;
    for (auto& [base, exps] : groups) {
        // x^a * x^b = x^(a+b), except for an inexact (double) constant exponent, which stays
        // a factor of its own: its sum with another rounds (x * x^2.0873258023056798e19 would
        // become x^2.0873...e19, even instead of odd, and change the sign for x < 0; fuzz
        // finding). The other exponents still combine, so the result does not depend on the
        // order the factors come in: a printout x^3.55*x^3.55*x^3e-34 read back left to right
        // must give the same node (fuzz finding). A sum of exact exponents that overflows to
        // a double is not taken either.
        std::vector<Expr> exact, apart;
        for (Expr e : exps) (e.is_const() && !e.number().is_exact() ? apart : exact).push_back(e);
        powers.clear();
        if (!exact.empty()) {
            Expr sum = exact.size() == 1 ? exact[0] : add(exact);
            if (sum.is_const() && !sum.number().is_exact()) apart.insert(apart.end(), exact.begin(), exact.end());
            else powers.push_back(pow({this, base}, sum));
        }
        for (Expr e : apart) powers.push_back(pow({this, base}, e));
        for (Expr p : powers) {
            // pow may give a constant, or a product when it distributes over one
            std::span<const std::uint32_t> parts = p.op() == Op::Mul ? p.arg_ids() : std::span(&p.id, 1);
            for (auto id : parts) {
                Expr a{this, id};
                if (!a.is_const()) {
                    out.push_back(id);
                } else if (a.number().is_zero()) {
                    return constant(0);
                } else if (!a.number().is_one()) {
                    consts.push_back(a.number());
                }
            }
        }
    }
    std::sort(out.begin(), out.end(), [this](auto a, auto b) { return less(a, b); });
    if (auto c = product_of(consts)) {
        if (!c->is_one() || out.empty()) out.insert(out.begin(), constant(*c).id);
    } else {
        throw error("constant arithmetic overflows or underflows: a product of constants is not a finite, nonzero double");
    }
    if (out.size() == 1) return {this, out[0]};
    return intern(Node(Op::Mul), out);
}

// ---- powers -----------------------------------------------------------------------------
Expr Graph::pow(Expr base, Expr e) {
    if (e.is_const()) {
        const Number& n = e.number();
        if (n.is_zero()) return constant(1);
        if (n.is_one()) return base;
        if (base.is_const())
            if (auto r = base.number().pow(n)) return constant(*r);
        if (n.is_integer()) {
            // sqrt(c)^(2k) = c^k for a constant c >= 0 (so x/sqrt(2) squared is x^2/2)
            if (base.op() == Op::Sqrt && base.arg(0).is_const() && !base.arg(0).number().is_negative() &&
                n.num() % 2 == 0)
                return pow(base.arg(0), constant(n.num() / 2));
            if (base.op() == Op::Pow) return pow(base.arg(0), mul(base.arg(1), e));
            // (c*u)^n = c^n * u^n, for small n only and unless c^n overflows or underflows:
            // past that the factors of the product form overflow and underflow separately
            // (alpha^-huge * x^huge = inf*0) where the undistributed power is finite (fuzz
            // findings: a huge constant factor, then a parameter factor).
            constexpr std::int64_t max_distributed = 4;
            bool folds = base.op() == Op::Mul && n.num() >= -max_distributed && n.num() <= max_distributed;
            if (folds)
                for (auto id : base.arg_ids())
                    if (Expr f{this, id}; f.is_const() && !f.number().pow(n)) folds = false;
            if (folds) {
                std::vector<Expr> fs;
                for (auto id : base.arg_ids()) fs.push_back(pow({this, id}, e));
                return mul(fs);
            }
        }
        if (n == Number::rational(1, 2)) return apply(Op::Sqrt, std::span(&base, 1));
        if (n == Number::rational(-1, 2)) return pow(apply(Op::Sqrt, std::span(&base, 1)), constant(-1));
        if (base.is_const() && base.number().is_zero()) {
            if (n.is_negative()) throw error("division by zero: 0 to a negative power");
            return constant(0);
        }
    }
    if (base.is_number(1)) return constant(1);
    if (base.is_number(0))  // (a constant exponent was handled above)
        throw error("0^u with a non-constant exponent is not supported (0 for u > 0, inf for u < 0; "
                    "its derivative is undefined)");
    if (base.op() == Op::E) return apply(Op::Exp, std::span(&e, 1));
    Node n(Op::Pow);
    std::uint32_t a[] = {base.id, e.id};
    return intern(n, a);
}

// ---- functions --------------------------------------------------------------------------
Expr Graph::apply(Op op, std::span<const Expr> args) {
    int arity = op_arity(op);
    if (arity < 0) return op == Op::Add ? add(args) : mul(args);
    if (static_cast<int>(args.size()) != arity)
        throw error(fmt::format("{} takes {} argument{}, got {}", op_name(op), arity,
                                arity == 1 ? "" : "s", args.size()));
    if (op == Op::Pow) return pow(args[0], args[1]);
    bool all_const = std::all_of(args.begin(), args.end(), [](Expr a) { return a.is_const(); });
    if (all_const && !args.empty()) {
        std::optional<Number> r = visit_op(op, [&](auto o) -> std::optional<Number> {
            using O = decltype(o);
            if constexpr (requires { O::fold(args[0].number()); requires O::arity == 1; })
                return O::fold(args[0].number());
            else if constexpr (requires {
                                   O::fold(args[0].number(), args[1].number());
                                   requires O::arity == 2;
                               })
                return O::fold(args[0].number(), args[1].number());
            else
                return std::nullopt;
        });
        if (r) return constant(*r);
    }
    if (op == Op::Where) {
        if (args[0].is_const()) return args[0].number().is_zero() ? args[2] : args[1];
        if (args[1] == args[2]) return args[1];
    }
    if ((op == Op::Max || op == Op::Min) && args[0] == args[1]) return args[0];
    // the max over a row of a value already one per row is that value
    if (op == Op::RowMax && (args[0].is_const() || args[0].op() == Op::Param ||
                             args[0].op() == Op::Pi || args[0].op() == Op::E || is_reduction(args[0].op())))
        return args[0];
    int parity = visit_op(op, [](auto o) {
        if constexpr (requires { decltype(o)::parity; }) return decltype(o)::parity; else return 0;
    });
    if (parity && looks_negative(args[0])) {  // abs(-3*x) = abs(3*x), tanh(-x) = -tanh(x)
        Expr pos = neg(args[0]);
        Expr r = apply(op, std::span(&pos, 1));
        return parity > 0 ? r : neg(r);
    }
    if (is_comparison(op) && args[0].is_const() && !args[1].is_const()) {
        // 0 < x reads better as x > 0: constants go right
        Op flipped = op == Op::Lt ? Op::Gt : op == Op::Gt ? Op::Lt : op == Op::Le ? Op::Ge : Op::Le;
        Expr swapped[] = {args[1], args[0]};
        return apply(flipped, swapped);
    }
    std::vector<std::uint32_t> ids;
    for (Expr a : args) ids.push_back(a.id);
    return intern(Node(op), ids);
}

// Exactly one of u and -u looks negative (u != 0): the one with a negative coefficient.
// (-u of a sum s is (-1)*s, a product, so a sum itself never looks negative.)
bool Graph::looks_negative(Expr u) {
    switch (u.op()) {
    case Op::Const: return u.number().is_negative();
    case Op::Mul: return u.arg(0).is_const() && u.arg(0).number().is_negative();
    default: return false;
    }
}

Expr Graph::rebuild(Expr e, std::span<const Expr> args) {
    switch (e.op()) {
    case Op::Const: case Op::Var: case Op::Param: return e;
    default: return apply(e.op(), args);
    }
}

Expr Graph::import(Expr e) {
    if (e.g == this) return e;
    std::unordered_map<std::uint32_t, Expr> memo;
    auto rec = [&](auto& self, Expr s) -> Expr {
        if (auto it = memo.find(s.id); it != memo.end()) return it->second;
        Expr r;
        switch (s.op()) {
        case Op::Const: r = constant(s.number()); break;
        case Op::Var: r = var(); break;
        case Op::Param: r = param(s.name()); break;
        default: {
            std::vector<Expr> as;
            for (std::size_t i = 0; i < s.nargs(); ++i) as.push_back(self(self, s.arg(i)));
            r = apply(s.op(), as);
        }
        }
        memo.emplace(s.id, r);
        return r;
    };
    return rec(rec, e);
}

}  // namespace symact::codegen
