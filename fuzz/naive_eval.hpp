// An independent, deliberately naive evaluator of the expression syntax for the fuzzer:
// no graph, no simplification, no rewrites, long double libm. The fuzzer compares it with
// the simplified DAG where the naive value is finite and well-conditioned.
#pragma once
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "signed_steps.hpp"
#include "symact/codegen/graph.hpp"
#include "symact/codegen/parse.hpp"
#include "symact/error.hpp"

namespace fuzz {

class NaiveEval {
public:
    // perturb != 0: every operation's result moves by perturb times its magnitude (for a sum,
    // times its largest operand), with a sign that varies from operation to operation. Comparing
    // such a run with the exact one measures how much the text amplifies rounding: 1 + tanh(u)
    // deep in the left tail cancels, so the naive value there is noise even in long double.
    NaiveEval(std::string_view s, long double x, long double param, long double perturb = 0)
        : s_(s), x_(x), p_(param), perturb_(perturb) {}

    long double scale() const { return scale_; }
    // Did some operation overflow long double (5^20002)? Past an infinity the text's value is
    // a limit convention (x^inf = 0), which a simplified form may legitimately not share.
    bool saw_infinity() const { return infinite_; }

    // nullopt: the naive reader does not accept the text (the real parser may still), or a
    // NaN arose somewhere (even where a comparison then hid it).
    std::optional<long double> run() {
        try {
            long double v = expr();
            skip();
            if (i_ != s_.size() || out_of_domain_) return std::nullopt;
            return v;
        } catch (int) {
            return std::nullopt;
        }
    }

private:
    using L = long double;
    void skip() { while (i_ < s_.size() && std::isspace((unsigned char)s_[i_])) ++i_; }
    bool eat(char c) {
        skip();
        if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
        return false;
    }
    void guard() { if (++depth_ > 200) throw 0; }
    L expr() {
        guard();
        L v = term();
        while (true) {
            bool plus = eat('+');
            if (!plus && !eat('-')) break;
            L t = term();
            note(v), note(t);
            L mag = std::fmax(std::fabs(v), std::fabs(t));
            v = round(plus ? v + t : v - t, mag);
        }
        --depth_;
        return v;
    }
    // The largest operand of any sum: cancellation makes the result's absolute error
    // about eps times this, whatever the result.
    void note(L v) { if (std::isfinite(v)) scale_ = std::fmax(scale_, std::fabs(v)); }
    // One rounding of size perturb_ * mag; the sign sequence is fixed (a small LCG) so runs
    // are reproducible, and mixed so that perturbations do not cancel by symmetry.
    L round(L v, L mag) {
        // a NaN anywhere (0*inf, a power outside the reals, ...) makes the value unreliable
        // even where a comparison hides it afterwards: run() gives up
        if (std::isnan(v)) out_of_domain_ = true;
        if (std::isinf(v)) infinite_ = true;
        if (perturb_ == 0 || !std::isfinite(v) || !std::isfinite(mag)) return v;
        return v + signed_step(perturb_) * std::fabs(mag);
    }
    L moved(L v, L by) { return std::isfinite(v) ? v + signed_step(by) * std::fabs(v) : v; }
    L signed_step(L by) { return steps_.next(by); }
    L round(L v) { return round(v, v); }
    L term() {
        L v = unary();
        while (true) {
            if (eat('*')) v = round(v * unary());
            else if (eat('/')) v = round(v / unary());
            else break;
        }
        return v;
    }
    L unary() {
        guard();
        L v;
        if (eat('-')) v = -unary();
        else if (eat('+')) v = unary();
        else v = power();
        --depth_;
        return v;
    }
    L power() {
        L b = atom();
        if (eat('^')) return round(real_pow(b, unary()));
        return b;
    }
    // a^b over the reals: undefined (NaN) for a negative base and a non-integer exponent,
    // a = -inf and a = -0 included: C's pow(-inf, -0.5) = +0 and pow(-0, -0.5) = +inf are
    // limit conventions, while the simplified 1/sqrt(u) gives NaN and -inf there (sqrt(-0)
    // is -0); the points are outside the domain, so neither is checked.
    // Likewise a negative base with an exponent beyond 2^53 or infinite: the sign needs the
    // exponent's parity, which floating-point exponents that large do not carry (every long
    // double above 2^64 is even; x^2*x*x^-E against the simplified x^(3 - E) differ in it,
    // and (-0.75)^-inf has no sign over the reals, C's +inf being a limit convention).
    L real_pow(L a, L b) {
        if (std::signbit(a) && (!(std::fabs(b) < 0x1p53L) || b != std::trunc(b))) {
            out_of_domain_ = out_of_domain_ || (!std::isnan(a) && !std::isnan(b));
            return NAN;
        }
        return std::pow(a, b);
    }
    bool cmp(L a, std::string_view op, L b) {
        if (op == "<") return a < b;
        if (op == "<=") return a <= b;
        if (op == ">") return a > b;
        return a >= b;
    }
    L atom() {
        skip();
        if (i_ >= s_.size()) throw 0;
        char c = s_[i_];
        if (c == '(') {
            ++i_;
            L v = expr();
            if (!eat(')')) throw 0;
            return v;
        }
        if (std::isdigit((unsigned char)c) || c == '.') {
            std::string rest(s_.substr(i_, 64));
            char* end = nullptr;
            (void)std::strtold(rest.c_str(), &end);  // only where the literal ends
            if (end == rest.c_str()) throw 0;
            i_ += static_cast<std::size_t>(end - rest.c_str());
            L v = literal(rest.substr(0, static_cast<std::size_t>(end - rest.c_str())));
            // The core folds constant subexpressions in double (pow(1.000000000202, 1.9e9)
            // amplifies the base's rounding 1e9 times: fuzz finding), so the perturbed run also
            // moves each non-integer literal, by 100x an operation's share (about 10 double
            // ulps): a text that amplifies that beyond the tolerance is not compared. Integers
            // are exact everywhere and their parity decides signs: left alone.
            if (perturb_ != 0 && v != std::trunc(v)) v = moved(v, 100 * perturb_);
            return v;
        }
        std::size_t j = i_;
        while (j < s_.size() && (std::isalnum((unsigned char)s_[j]) || s_[j] == '_')) ++j;
        if (j == i_) throw 0;
        std::string name(s_.substr(i_, j - i_));
        i_ = j;
        if (name == "x") return x_;
        if (name == "pi") return 3.141592653589793238462643383279502884L;
        if (name == "e") return 2.718281828459045235360287471352662498L;
        skip();
        if (i_ >= s_.size() || s_[i_] != '(') return p_;  // every parameter gets one value
        ++i_;
        if (name == "where") {
            L a = expr();
            skip();
            std::string op;
            while (i_ < s_.size() && (s_[i_] == '<' || s_[i_] == '>' || s_[i_] == '=')) op += s_[i_++];
            if (op != "<" && op != "<=" && op != ">" && op != ">=") throw 0;
            L b = expr();
            if (!eat(',')) throw 0;
            L t = expr();
            if (!eat(',')) throw 0;
            L f = expr();
            if (!eat(')')) throw 0;
            return cmp(a, op, b) ? t : f;
        }
        L a = expr();
        return round(call(name, a));
    }
    // Which value a literal stands for is the core's rule (docs/SYNTAX.md): an exact rational
    // while its digits fit, else the nearest double, itself exact again if its shortest form
    // is short. The naive reader takes the core's reading of the literal alone and evaluates it
    // in long double: reading 1.000000000000000188277203 (25 digits, the double 1 + 2^-52) in
    // long double instead gave a different text value once raised to the 1882772031st power
    // (fuzz finding). The parity of an integer exponent between 2^53 and 2^63 decides the sign
    // of x^n for x < 0, so exact integers stay exact (long double holds them).
    // Memoised: a text is read dozens of times per fuzz input (points, perturbations).
    L literal(const std::string& text) {
        static std::unordered_map<std::string, std::optional<L>> seen;
        if (seen.size() > 4096) seen.clear();
        auto [it, fresh] = seen.try_emplace(text);
        if (fresh) it->second = read_literal(text);
        if (!it->second) throw 0;  // out of range: the core rejects the whole text
        return *it->second;
    }
    static std::optional<L> read_literal(const std::string& text) {
        symact::codegen::Number n;
        try {
            symact::codegen::Graph g;
            n = symact::codegen::parse(g, text).number();
        } catch (const symact::error&) {
            return std::nullopt;
        }
        if (!n.is_exact()) return n.to_double();
        if (n.is_integer()) return static_cast<L>(n.num());
        return static_cast<L>(n.num()) / static_cast<L>(n.den());
    }
    L call(const std::string& name, L a) {
        if (name == "max" || name == "min" || name == "pow") {
            if (!eat(',')) throw 0;
            L b = expr();
            if (!eat(')')) throw 0;
            if (std::isnan(a) || std::isnan(b)) return NAN;
            if (name == "pow") return real_pow(a, b);
            return name == "max" ? std::fmax(a, b) : std::fmin(a, b);
        }
        if (!eat(')')) throw 0;
        if (name == "exp") return std::exp(a);
        if (name == "log") return std::log(a);
        if (name == "log1p") return std::log1p(a);
        if (name == "expm1") return std::expm1(a);
        if (name == "sqrt") return std::sqrt(a);
        if (name == "abs") return std::fabs(a);
        if (name == "sign") return a > 0 ? 1 : a < 0 ? -1 : a;
        if (name == "tanh") return std::tanh(a);
        if (name == "sech2") return 1 / (std::cosh(a) * std::cosh(a));
        if (name == "sinh") return std::sinh(a);
        if (name == "cosh") return std::cosh(a);
        if (name == "sin") return std::sin(a);
        if (name == "cos") return std::cos(a);
        if (name == "atan") return std::atan(a);
        if (name == "erf") return std::erf(a);
        if (name == "erfc") return std::erfc(a);
        if (name == "sigmoid") return 1 / (1 + std::exp(-a));
        if (name == "softplus") return std::log1p(std::exp(a));
        throw 0;
    }

    std::string_view s_;
    std::size_t i_ = 0;
    int depth_ = 0;
    bool out_of_domain_ = false;
    bool infinite_ = false;
    long double x_, p_, perturb_;
    long double scale_ = 0;
    SignedSteps steps_;
};

}  // namespace fuzz
