#include "symact/codegen/rewrite.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "symact/codegen/parse.hpp"

namespace symact::codegen {

const std::vector<std::pair<std::string_view, std::string_view>>& rewrite_rules() {
    // Order matters only between rules matching the same node: the more specific first.
    static const std::vector<std::pair<std::string_view, std::string_view>> rules = {
        // softplus: exp overflows for u > 88 (float) / 709 (double)
        {"log(1 + exp(?u))", "softplus(?u)"},
        {"log1p(exp(?u))", "softplus(?u)"},
        {"log(exp(?u))", "?u"},
        // sigmoid: exp(-u) overflows for u < -88; exp(u)/(1+exp(u)) is inf/inf for u > 88
        {"exp(?u)/(1 + exp(?u))", "sigmoid(?u)"},
        {"1/(1 + exp(?u))", "sigmoid(-?u)"},
        {"1 - sigmoid(?u)", "sigmoid(-?u)"},  // 1 - s cancels to 0 for u > 17 (float)
        {"log(sigmoid(?u))", "-softplus(-?u)"},
        // tanh, sinh, cosh spelled with exp: inf/inf for |u| > 88
        {"(exp(?u) - exp(-?u))/(exp(?u) + exp(-?u))", "tanh(?u)"},
        {"(1 - exp(-2*?u))/(1 + exp(-2*?u))", "tanh(?u)"},
        {"(exp(2*?u) - 1)/(exp(2*?u) + 1)", "tanh(?u)"},
        {"(exp(?u) - exp(-?u))/2", "sinh(?u)"},
        {"(exp(?u) + exp(-?u))/2", "cosh(?u)"},
        {"log(cosh(?u))", "abs(?u) + softplus(-2*abs(?u)) - log(2)"},
        // sech^2 spelled via tanh or cosh: 1 - tanh^2 cancels for |u| > 9 (float)
        {"1 - tanh(?u)^2", "sech2(?u)"},
        {"1/cosh(?u)^2", "sech2(?u)"},
        // 1 + erf(u) cancels for u < -1 (gelu's left tail); 1 + tanh(u) likewise
        {"1 + erf(?u)", "erfc(-?u)"},
        {"1 - erf(?u)", "erfc(?u)"},
        {"1 + tanh(?u)", "2*sigmoid(2*?u)"},
        {"1 - tanh(?u)", "2*sigmoid(-2*?u)"},
        // cancellation near 0
        {"log(1 + ?u)", "log1p(?u)"},
        {"exp(?u) - 1", "expm1(?u)"},
        // identities
        {"sqrt(?u^2)", "abs(?u)"},
        {"abs(abs(?u))", "abs(?u)"},
    };
    return rules;
}

namespace {

struct Rule {
    Expr pattern, replacement;
};

// The rules, parsed once into a graph of their own.
struct RuleSet {
    Graph g;
    std::vector<Rule> rules;
    RuleSet() {
        ParseOptions o;
        o.wildcards = true;
        for (auto& [p, r] : rewrite_rules()) rules.push_back({parse(g, p, o), parse(g, r, o)});
    }
};

const RuleSet& rule_set() {
    static const RuleSet s;  // thread-safe initialisation
    return s;
}

bool is_wildcard(Expr p) { return p.op() == Op::Param && p.name().starts_with('?'); }

using Bindings = std::map<std::string_view, std::uint32_t>;

// Matching with continuations, so a choice made early (which operand of a sum a pattern
// operand takes, how a wildcard is bound) is revisited when a later part fails.
class Matcher {
public:
    explicit Matcher(Graph& g) : g_(g) {}
    using K = std::function<bool(const Bindings&)>;

    // Matches pattern p against subject s and calls k with the bindings of each way it
    // matches until k accepts one. For a top-level + or *, operands of s that the pattern
    // does not use are put in `rest`.
    bool match(Expr p, Expr s, const Bindings& b, const K& k, std::vector<Expr>* rest = nullptr) {
        if (is_wildcard(p)) return bind(p.name(), s, b, k);
        // c*?w matches any s with ?w = s/c: -?u matches -x/3, which is (-1/3)*x, not
        // -1*(x/3), and x (with ?u = -x). A rule whose replacement has its pattern's shape
        // (abs(-?u) -> abs(?u)) would loop under this; such identities belong in graph.cpp.
        if (p.op() == Op::Mul && p.nargs() == 2 && p.arg(0).is_const() && is_wildcard(p.arg(1))) {
            auto inv = p.arg(0).number().pow(Number(-1));
            if (!inv) return false;
            return bind(p.arg(1).name(), g_.mul(g_.constant(*inv), s), b, k);
        }
        if (p.op() != s.op()) return false;
        switch (p.op()) {
        case Op::Const: return p.number().compare(s.number()) == 0 && k(b);
        case Op::Var: return k(b);
        case Op::Param: return p.name() == s.name() && k(b);
        case Op::Add: case Op::Mul: {
            if (p.nargs() > s.nargs() || p.nargs() > 6) return false;
            std::vector<bool> used(s.nargs(), false);
            return assign(p, s, 0, used, b, k, rest);
        }
        default:
            if (p.nargs() != s.nargs()) return false;
            return in_order(p, s, 0, b, k);
        }
    }

private:
    bool bind(std::string_view name, Expr s, const Bindings& b, const K& k) {
        auto it = b.find(name);
        if (it != b.end()) return it->second == s.id && k(b);
        Bindings b2 = b;
        b2.emplace(name, s.id);
        return k(b2);
    }

    bool in_order(Expr p, Expr s, std::size_t i, const Bindings& b, const K& k) {
        if (i == p.nargs()) return k(b);
        return match(p.arg(i), s.arg(i), b, [&](const Bindings& b2) { return in_order(p, s, i + 1, b2, k); });
    }

    // Commutative-associative: each pattern operand takes a distinct subject operand; the
    // last pattern operand, if a wildcard, may take all those left (x + ?u matches x + y + z).
    bool assign(Expr p, Expr s, std::size_t i, std::vector<bool>& used, const Bindings& b,
                const K& k, std::vector<Expr>* rest) {
        std::size_t np = p.nargs(), ns = s.nargs();
        auto leftover = [&] {
            std::vector<Expr> left;
            for (std::size_t j = 0; j < ns; ++j)
                if (!used[j]) left.push_back(s.arg(j));
            return left;
        };
        if (i == np) {
            auto left = leftover();
            if (!left.empty() && !rest) return false;
            if (rest) *rest = left;
            return k(b);
        }
        Expr pi = p.arg(i);
        for (std::size_t j = 0; j < ns; ++j) {
            if (used[j]) continue;
            used[j] = true;
            bool ok = match(pi, s.arg(j), b, [&](const Bindings& b2) {
                return assign(p, s, i + 1, used, b2, k, rest);
            });
            used[j] = false;
            if (ok) return true;
        }
        if (i + 1 == np && is_wildcard(pi)) {
            auto left = leftover();
            if (left.size() >= 2) {
                if (rest) rest->clear();
                return bind(pi.name(), s.op() == Op::Add ? g_.add(left) : g_.mul(left), b, k);
            }
        }
        return false;
    }

    Graph& g_;
};

// The replacement, built in the subject's graph with the wildcards bound.
Expr instantiate(Graph& g, Expr r, const Bindings& b) {
    if (is_wildcard(r)) return {&g, b.at(r.name())};
    switch (r.op()) {
    case Op::Const: return g.constant(r.number());
    case Op::Var: return g.var();
    case Op::Param: return g.param(r.name());
    default: {
        std::vector<Expr> as;
        for (std::size_t i = 0; i < r.nargs(); ++i) as.push_back(instantiate(g, r.arg(i), b));
        return g.apply(r.op(), as);
    }
    }
}

class Rewriter {
public:
    explicit Rewriter(Graph& g) : g_(g), m_(g) {}

    Expr run(Expr e) {
        if (auto it = memo_.find(e.id); it != memo_.end()) return it->second;
        Expr cur = e;
        for (int round = 0; round < 16; ++round) {
            if (auto r = at_top(cur)) { cur = *r; continue; }  // top-down first
            std::vector<Expr> as;
            bool changed = false;
            for (std::size_t i = 0; i < cur.nargs(); ++i) {
                as.push_back(run(cur.arg(i)));
                changed = changed || !(as.back() == cur.arg(i));
            }
            if (!changed) break;
            cur = g_.rebuild(cur, as);
        }
        memo_.emplace(e.id, cur);
        return cur;
    }

private:
    std::optional<Expr> at_top(Expr s) {
        for (const Rule& r : rule_set().rules) {
            std::vector<Expr> rest;
            Bindings found;
            auto accept = [&](const Bindings& b) { found = b; return true; };
            if (!m_.match(r.pattern, s, {}, accept, &rest)) continue;
            Expr out = instantiate(g_, r.replacement, found);
            if (!rest.empty()) {
                rest.push_back(out);
                out = s.op() == Op::Add ? g_.add(rest) : g_.mul(rest);
            }
            if (out == s) continue;
            return out;
        }
        return std::nullopt;
    }

    Graph& g_;
    Matcher m_;
    std::unordered_map<std::uint32_t, Expr> memo_;
};

}  // namespace

Expr rewrite(Expr e) { return Rewriter(*e.g).run(e); }

}  // namespace symact::codegen
