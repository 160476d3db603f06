// The runtime expression DAG. Nodes are immutable and hash-consed: structurally equal
// expressions are one node, so CSE is free and equality is an id comparison. Every node is
// made by a simplifying smart constructor (constant folding with exact rationals, flattening,
// like terms, powers, a canonical operand order), so derivatives stay small.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "symact/codegen/literal.hpp"
#include "symact/codegen/number.hpp"
#include "symact/codegen/ops.hpp"

namespace symact::codegen {

enum class Op : std::uint8_t {
    Const, Var, Param, Add, Mul,  // structural
#define SYMACT_X(S, n) S,
    SYMACT_FUNCTION_OPS(SYMACT_X)
#undef SYMACT_X
};

// Calls f(ops::S{}) for a function op, f(ops::Structural{}) for Const/Var/Param/Add/Mul.
template <class F> decltype(auto) visit_op(Op op, F&& f) {
    switch (op) {
#define SYMACT_X(S, n) \
    case Op::S: return f(ops::S{});
        SYMACT_FUNCTION_OPS(SYMACT_X)
#undef SYMACT_X
    default: return f(ops::Structural{});
    }
}

std::string_view op_name(Op op);  // "exp", "+", "*", "x", ...
int op_arity(Op op);              // -1: n-ary (Add, Mul)
bool is_comparison(Op op);
bool is_reduction(Op op);        // rowmax, rowsum: one value per row (ops.hpp)
bool is_noise(Op op);            // uniform, normal: one random number per element (ops.hpp)

class Graph;

// A handle to a node of a Graph. Cheap to copy; valid while its Graph lives.
struct Expr {
    Graph* g = nullptr;
    std::uint32_t id = 0;

    Op op() const;
    std::span<const std::uint32_t> arg_ids() const;
    std::size_t nargs() const { return arg_ids().size(); }
    Expr arg(std::size_t i) const { return {g, arg_ids()[i]}; }
    const Number& number() const;     // Const only
    std::string_view name() const;    // Param only
    bool is_const() const { return op() == Op::Const; }
    bool is_number(std::int64_t v) const;
    std::uint64_t hash() const;
    bool operator==(const Expr& o) const { return id == o.id && g == o.g; }
};

struct Node {
    explicit Node(Op o) : op(o) {}
    Op op;
    std::uint32_t arg_begin = 0, arg_count = 0;
    Number num;                 // Const
    std::uint32_t name = 0;     // Param: index into names
    std::uint64_t hash = 0;     // structural, deterministic across runs and graphs
};

class Graph {
public:
    Graph();
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    Expr constant(const Number& v);
    Expr var();                         // x
    Expr param(std::string_view name);  // a named parameter
    Expr add(std::span<const Expr> terms);
    Expr mul(std::span<const Expr> factors);
    Expr pow(Expr base, Expr exponent);
    Expr apply(Op op, std::span<const Expr> args);  // any function op, simplified

    Expr add(Expr a, Expr b) { Expr t[] = {a, b}; return add(t); }
    Expr mul(Expr a, Expr b) { Expr t[] = {a, b}; return mul(t); }
    Expr neg(Expr a) { return mul(constant(-1), a); }
    Expr sub(Expr a, Expr b) { return add(a, neg(b)); }
    Expr div(Expr a, Expr b) { return mul(a, pow(b, constant(-1))); }

    // Rebuild `e` with new arguments, through the smart constructors.
    Expr rebuild(Expr e, std::span<const Expr> args);
    // Copy an expression from another graph into this one.
    Expr import(Expr e);

    const Node& node(std::uint32_t id) const { return nodes_[id]; }
    std::span<const std::uint32_t> args(std::uint32_t id) const {
        const Node& n = nodes_[id];
        return {args_.data() + n.arg_begin, n.arg_count};
    }
    std::string_view name(std::uint32_t id) const { return names_[nodes_[id].name]; }
    std::size_t size() const { return nodes_.size(); }

    // Canonical order of operands of + and *: deterministic, independent of creation order.
    bool less(std::uint32_t a, std::uint32_t b) const;

private:
    bool looks_negative(Expr u);
    Expr intern(Node n, std::span<const std::uint32_t> args);
    bool same(const Node& n, std::span<const std::uint32_t> args, std::uint32_t id) const;
    int compare(std::uint32_t a, std::uint32_t b) const;

    std::vector<Node> nodes_;
    std::vector<std::uint32_t> args_;
    std::vector<std::string> names_;
    std::unordered_map<std::string, std::uint32_t> name_index_;
    std::unordered_multimap<std::uint64_t, std::uint32_t> table_;
};

// ---- operators and functions on Expr (the vocabulary of ops.hpp's derivative rules) ----
namespace detail {
inline Graph& graph_of(Expr a) { return *a.g; }
template <std::int64_t N, std::int64_t D>
Expr to_expr(Graph& g, lit_t<N, D>) { return g.constant(Number::rational(N, D)); }
inline Expr to_expr(Graph&, Expr e) { return e; }
template <class A, class B> Graph& pick(const A& a, const B& b) {
    if constexpr (std::is_same_v<A, Expr>) return *a.g; else return *b.g;
}
template <class A, class B>
concept operands = std::is_same_v<A, Expr> || std::is_same_v<B, Expr>;
}  // namespace detail

template <class A, class B> requires detail::operands<A, B>
Expr operator+(A a, B b) { auto& g = detail::pick(a, b); return g.add(detail::to_expr(g, a), detail::to_expr(g, b)); }
template <class A, class B> requires detail::operands<A, B>
Expr operator-(A a, B b) { auto& g = detail::pick(a, b); return g.sub(detail::to_expr(g, a), detail::to_expr(g, b)); }
template <class A, class B> requires detail::operands<A, B>
Expr operator*(A a, B b) { auto& g = detail::pick(a, b); return g.mul(detail::to_expr(g, a), detail::to_expr(g, b)); }
template <class A, class B> requires detail::operands<A, B>
Expr operator/(A a, B b) { auto& g = detail::pick(a, b); return g.div(detail::to_expr(g, a), detail::to_expr(g, b)); }
inline Expr operator-(Expr a) { return a.g->neg(a); }

#define SYMACT_CMP(OPR, S)                                                         \
    template <class A, class B> requires detail::operands<A, B>                    \
    Expr operator OPR(A a, B b) {                                                  \
        auto& g = detail::pick(a, b);                                              \
        Expr t[] = {detail::to_expr(g, a), detail::to_expr(g, b)};                 \
        return g.apply(Op::S, t);                                                  \
    }
SYMACT_CMP(<, Lt) SYMACT_CMP(<=, Le) SYMACT_CMP(>, Gt) SYMACT_CMP(>=, Ge)
#undef SYMACT_CMP

template <class... A> Expr call(Op op, Expr first, A... rest) {
    Graph& g = *first.g;
    Expr t[] = {first, detail::to_expr(g, rest)...};
    return g.apply(op, t);
}
// exp(e), log(e), max(a, b), where(c, a, b), ... one per op of the registry.
#define SYMACT_X(S, n) \
    template <class... A> Expr n(Expr first, A... rest) { return call(Op::S, first, rest...); }
SYMACT_CALL_OPS(SYMACT_X)
#undef SYMACT_X

// op_of<ops::Exp> == Op::Exp
template <class O> inline constexpr Op op_of = Op::Const;
#define SYMACT_X(S, n) template <> inline constexpr Op op_of<ops::S> = Op::S;
SYMACT_FUNCTION_OPS(SYMACT_X)
#undef SYMACT_X

// make_like<ops::Pi>(u): a nullary op (a named constant) in u's graph.
template <class O> Expr make_like(Expr u) { return u.g->apply(op_of<O>, {}); }

}  // namespace symact::codegen
