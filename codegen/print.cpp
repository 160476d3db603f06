#include "symact/codegen/print.hpp"

#include <vector>

#include <fmt/format.h>

namespace symact::codegen {

namespace {

// Binding strength of what a printed piece is; a context that needs more wraps it in ().
enum Prec { Cmp = 0, Sum = 1, Product = 2, Unary = 3, Power = 4, Atom = 5 };

struct Piece {
    std::string text;
    Prec prec;
};

std::string wrap(const Piece& p, Prec need) { return p.prec < need ? "(" + p.text + ")" : p.text; }

bool negative_power(Expr f) {
    return f.op() == Op::Pow && f.arg(1).is_const() && f.arg(1).number().is_negative();
}

Piece print(Expr e);

// Denominators above this print as decimals when exact (0.044715, not 8943/200000).
constexpr std::int64_t decimal_denominator = 16;

Piece number(const Number& n) {
    if (n.is_exact() && n.den() > decimal_denominator)
        if (auto d = n.decimal()) return {*d, n.is_negative() ? Unary : Atom};
    std::string s = n.to_string();
    if (n.is_exact() && n.den() != 1) return {s, Product};  // 1/3 (and -1/3) read as a product
    return {s, n.is_negative() ? Unary : Atom};
}

// c * f1 * f2 / (g1 * g2): the numerator and denominator of a product, sign pulled out.
Piece product(Number c, const std::vector<Expr>& factors) {
    bool negative = c.is_negative();
    if (negative) c = c.neg();
    std::vector<std::string> num, den;
    bool exact = c.is_exact();
    // c^-1 for a constant c whose reciprocal is not a finite double stays a power; written
    // a/(b*c) it would read back as (b*c)^-1, which the graph does not distribute then
    // (graph.cpp: pow): such a product prints its denominators one by one, a/b/c. So does
    // one with an undistributed (c*u)^-1: a/((c*u)*v) would read back as (c*u*v)^-1 (fuzz
    // finding); a/(c*u)/v reads back as it was.
    bool one_by_one = false;
    for (Expr f : factors) {
        if (negative_power(f)) {
            Number k = f.arg(1).number().neg();
            one_by_one = one_by_one || f.arg(0).is_const() || (f.arg(0).op() == Op::Mul && k.is_one());
            Piece b = print(f.arg(0));
            den.push_back(k.is_one() ? wrap(b, Power)
                                     : wrap(b, Atom) + "^" + wrap(number(k), Unary));
        } else {
            num.push_back(wrap(print(f), Product));
        }
    }
    if (!exact || (c.den() > decimal_denominator && c.decimal())) {
        if (!c.is_one()) num.insert(num.begin(), wrap(number(c), Product));
    } else {
        if (c.num() != 1 || num.empty()) num.insert(num.begin(), std::to_string(c.num()));
        if (c.den() != 1) den.insert(den.begin(), std::to_string(c.den()));
    }
    std::string text = fmt::format("{}", fmt::join(num, "*"));
    if (!den.empty()) {
        std::string d = fmt::format("{}", fmt::join(den, one_by_one ? "/" : "*"));
        text += den.size() > 1 && !one_by_one ? fmt::format("/({})", d) : fmt::format("/{}", d);
    }
    // -x is a unary minus; -x*y parses as (-x)*y: a product, so it needs () after ^
    if (negative) return {fmt::format("-{}", text), num.size() == 1 && den.empty() ? Unary : Product};
    return {text, Product};
}

Piece sum(Expr e) {
    // Terms in canonical order, the constant last, and a positive term first if any.
    std::vector<Expr> terms, constants;
    for (std::size_t i = 0; i < e.nargs(); ++i)
        (e.arg(i).is_const() ? constants : terms).push_back(e.arg(i));
    terms.insert(terms.end(), constants.begin(), constants.end());
    auto is_neg = [](Expr t) {
        if (t.is_const()) return t.number().is_negative();
        return t.op() == Op::Mul && t.arg(0).is_const() && t.arg(0).number().is_negative();
    };
    for (std::size_t i = 0; i < terms.size(); ++i)
        if (!is_neg(terms[i])) {
            std::rotate(terms.begin(), terms.begin() + i, terms.begin() + i + 1);
            break;
        }
    std::string text;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        Expr t = terms[i];
        if (i > 0 && is_neg(t)) {
            Piece p = print(t.g->neg(t));
            text += " - " + wrap(p, Product);
        } else {
            Piece p = print(t);
            text += (i ? " + " : "") + wrap(p, i ? Product : Sum);
        }
    }
    return {text, Sum};
}

Piece print(Expr e) {
    switch (e.op()) {
    case Op::Const: return number(e.number());
    case Op::Var: return {"x", Atom};
    case Op::Param: return {std::string(e.name()), Atom};
    case Op::Add: return sum(e);
    case Op::Mul: {
        std::vector<Expr> fs;
        Number c(1);
        for (std::size_t i = 0; i < e.nargs(); ++i) {
            if (i == 0 && e.arg(0).is_const()) c = e.arg(0).number();
            else fs.push_back(e.arg(i));
        }
        return product(c, fs);
    }
    default: break;
    }
    if (negative_power(e)) return product(Number(1), {e});
    if (e.op() == Op::Pow)
        return {wrap(print(e.arg(0)), Atom) + "^" + wrap(print(e.arg(1)), Unary), Power};
    if (is_comparison(e.op())) {
        std::string_view sym = visit_op(e.op(), [](auto o) -> std::string_view {
            if constexpr (requires { decltype(o)::infix; }) return decltype(o)::infix; else return "?";
        });
        return {fmt::format("{} {} {}", print(e.arg(0)).text, sym, print(e.arg(1)).text), Cmp};
    }
    if (op_arity(e.op()) == 0) return {std::string(op_name(e.op())), Atom};
    std::vector<std::string> args;
    for (std::size_t i = 0; i < e.nargs(); ++i) args.push_back(print(e.arg(i)).text);
    return {fmt::format("{}({})", op_name(e.op()), fmt::join(args, ", ")), Atom};
}

}  // namespace

std::string to_string(Expr e) { return print(e).text; }

}  // namespace symact::codegen
