#include "symact/codegen/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "symact/codegen/concat.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/limits.hpp"
#include "symact/codegen/vjp.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

namespace {
ParseOptions& default_options() {
    static ParseOptions o;
    return o;
}
}  // namespace

void set_default_parse_options(ParseOptions opts) { default_options() = std::move(opts); }
const ParseOptions& default_parse_options() { return default_options(); }

std::vector<std::string_view> function_names() {
    std::vector<std::string_view> v;
#define SYMACT_X(S, n) if (!is_comparison(Op::S)) v.push_back(#n);
    SYMACT_CALL_OPS(SYMACT_X)
#undef SYMACT_X
    return v;
}

namespace {

enum class Tok { End, Number, Ident, Wildcard, Plus, Minus, Star, Slash, Caret, LParen, RParen,
                 Comma, Lt, Le, Gt, Ge };

struct Token {
    Tok kind;
    std::size_t pos, len;
};

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

Op function_op(std::string_view name) {
#define SYMACT_X(S, n) if (name == #n && !is_comparison(Op::S)) return Op::S;
    SYMACT_FUNCTION_OPS(SYMACT_X)
#undef SYMACT_X
    return Op::Const;  // not a function
}

class Parser {
public:
    Parser(Graph& g, std::string_view text, const ParseOptions& o, ParseInfo* info)
        : g_(g), s_(text), o_(o), info_(info) {}

    Expr run() {
        if (s_.size() > limits::max_input_length)
            throw error(fmt::format("expression too long: {} characters (limit {})", s_.size(),
                                    limits::max_input_length));
        tokenize();
        if (toks_.front().kind == Tok::End) throw error("empty expression", s_, 0);
        Expr e = expr();
        if (peek().kind != Tok::End) {
            if (is_cmp(peek().kind)) cmp_outside_where();
            fail(fmt::format("unexpected {} after a complete expression", quote(peek())), peek());
        }
        return e;
    }

private:
    // ---- tokens
    void tokenize() {
        std::size_t i = 0;
        while (i < s_.size()) {
            unsigned char c = s_[i];
            if (std::isspace(c)) { ++i; continue; }
            std::size_t start = i;
            if (std::isdigit(c) || (c == '.' && i + 1 < s_.size() && std::isdigit((unsigned char)s_[i + 1]))) {
                while (i < s_.size() && std::isdigit((unsigned char)s_[i])) ++i;
                if (i < s_.size() && s_[i] == '.') {
                    ++i;
                    while (i < s_.size() && std::isdigit((unsigned char)s_[i])) ++i;
                }
                if (i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
                    std::size_t j = i + 1;
                    if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
                    if (j < s_.size() && std::isdigit((unsigned char)s_[j])) {
                        while (j < s_.size() && std::isdigit((unsigned char)s_[j])) ++j;
                        i = j;
                    }
                }
                toks_.push_back({Tok::Number, start, i - start});
                continue;
            }
            if (std::isalpha(c) || c == '_' || (c == '?' && o_.wildcards)) {
                ++i;
                while (i < s_.size() && (std::isalnum((unsigned char)s_[i]) || s_[i] == '_')) ++i;
                toks_.push_back({c == '?' ? Tok::Wildcard : Tok::Ident, start, i - start});
                continue;
            }
            Tok k;
            std::size_t len = 1;
            switch (c) {
            case '+': k = Tok::Plus; break;
            case '-': k = Tok::Minus; break;
            case '*':
                if (i + 1 < s_.size() && s_[i + 1] == '*')
                    fail_at("'**' is not an operator; write x^2 for powers", i);
                k = Tok::Star;
                break;
            case '/': k = Tok::Slash; break;
            case '^': k = Tok::Caret; break;
            case '(': k = Tok::LParen; break;
            case ')': k = Tok::RParen; break;
            case ',': k = Tok::Comma; break;
            case '<': k = Tok::Lt; break;
            case '>': k = Tok::Gt; break;
            case '=':
                fail_at("'=' is not an operator; comparisons are < <= > >= inside where(c, a, b)", i);
            default:
                if (c >= 0x80)
                    fail_at("unexpected non-ASCII character", i);
                fail_at(fmt::format("unexpected character '{}'", static_cast<char>(c)), i);
            }
            if ((k == Tok::Lt || k == Tok::Gt) && i + 1 < s_.size() && s_[i + 1] == '=') {
                k = k == Tok::Lt ? Tok::Le : Tok::Ge;
                len = 2;
            }
            toks_.push_back({k, start, len});
            i += len;
        }
        toks_.push_back({Tok::End, s_.size(), 0});
    }

    const Token& peek() const { return toks_[at_]; }
    Token take() { return toks_[at_++]; }
    std::string_view text(const Token& t) const { return s_.substr(t.pos, t.len); }
    std::string quote(const Token& t) const {
        if (t.kind == Tok::End) return "end of input";
        return fmt::format("'{}'", text(t));
    }
    static bool is_cmp(Tok k) { return k == Tok::Lt || k == Tok::Le || k == Tok::Gt || k == Tok::Ge; }

    [[noreturn]] void fail_at(const std::string& msg, std::size_t pos) const { throw error(msg, s_, pos); }
    [[noreturn]] void fail(const std::string& msg, const Token& t) const { fail_at(msg, t.pos); }
    [[noreturn]] void cmp_outside_where() const {
        fail(fmt::format("comparison {} is only allowed as the condition of where(cond, a, b)",
                         quote(peek())), peek());
    }
    Token expect(Tok k, std::string_view what) {
        if (peek().kind != k) {
            if (is_cmp(peek().kind)) cmp_outside_where();
            fail(fmt::format("expected {}, found {}", what, quote(peek())), peek());
        }
        return take();
    }

    struct Depth {  // guards recursion: nesting is limited, not the stack
        Parser& p;
        explicit Depth(Parser& q, const Token& t) : p(q) {
            if (++p.depth_ > limits::max_depth)
                p.fail(fmt::format("expression nested too deeply (limit {} levels)", limits::max_depth), t);
        }
        ~Depth() { --p.depth_; }
    };

    // ---- grammar
    // Errors from the graph's constructors (overflowing constants) get the position of the
    // operator being built.
    template <class F> Expr at(const Token& t, F&& build) {
        try {
            return build();
        } catch (const error& e) {
            if (e.position() != error::npos) throw;
            fail(e.message(), t);
        }
    }

    Expr expr() {
        Token first = peek();
        std::vector<Expr> terms{term()};
        while (peek().kind == Tok::Plus || peek().kind == Tok::Minus) {
            bool minus = take().kind == Tok::Minus;
            Expr t = term();
            terms.push_back(minus ? g_.neg(t) : t);
        }
        return terms.size() == 1 ? terms[0] : at(first, [&] { return g_.add(terms); });
    }

    Expr term() {
        Token first = peek();
        std::vector<Expr> factors{unary()};
        while (peek().kind == Tok::Star || peek().kind == Tok::Slash) {
            Token op = take();
            bool divide = op.kind == Tok::Slash;
            Expr f = unary();
            if (divide && f.is_number(0)) fail("division by zero: the divisor is 0", op);
            factors.push_back(divide ? g_.pow(f, g_.constant(-1)) : f);
        }
        return factors.size() == 1 ? factors[0] : at(first, [&] { return g_.mul(factors); });
    }

    Expr unary() {
        if (peek().kind == Tok::Minus || peek().kind == Tok::Plus) {
            Depth guard(*this, peek());
            bool minus = take().kind == Tok::Minus;
            Expr u = unary();
            return minus ? at(toks_[at_ - 1], [&] { return g_.neg(u); }) : u;
        }
        return power();
    }

    Expr power() {
        Expr base = atom();
        if (peek().kind == Tok::Caret) {
            Token caret = take();
            Depth guard(*this, peek());
            Expr e = unary();  // right-associative; 2^-x allowed
            return at(caret, [&] { return g_.pow(base, e); });
        }
        return base;
    }

    Expr number(const Token& t) {
        std::string lit(text(t));
        // Exact when the digits fit: mantissa as an integer over a power of ten.
        std::string digits;
        long long exp10 = 0;
        std::size_t i = 0;
        bool seen_point = false;
        for (; i < lit.size() && lit[i] != 'e' && lit[i] != 'E'; ++i) {
            if (lit[i] == '.') { seen_point = true; continue; }
            digits += lit[i];
            if (seen_point) --exp10;
        }
        if (i < lit.size()) {
            errno = 0;
            long long e = std::strtoll(lit.c_str() + i + 1, nullptr, 10);
            if (errno == ERANGE || e > 100000 || e < -100000) e = e < 0 ? -100000 : 100000;
            exp10 += e;
        }
        if (auto exact = Number::from_decimal(digits, exp10)) return g_.constant(*exact);
        errno = 0;
        double v = std::strtod(lit.c_str(), nullptr);
        if (std::isinf(v))
            fail(fmt::format("number {} is out of range (larger than the largest double)", quote(t)), t);
        if (v == 0)  // nonzero digits (an exact zero returned above)
            fail(fmt::format("number {} is too small: it underflows to zero", quote(t)), t);
        return g_.constant(Number::real(v));
    }

    Expr atom() {
        Token t = take();
        switch (t.kind) {
        case Tok::Number: return number(t);
        case Tok::LParen: {
            Depth guard(*this, t);
            Expr e = expr();
            expect(Tok::RParen, "')' to close the '(' at column " + std::to_string(t.pos + 1));
            return e;
        }
        case Tok::Wildcard: return g_.param(text(t));
        case Tok::Ident: return identifier(t);
        case Tok::End: fail("unexpected end of input: an operand is missing", t);
        case Tok::RParen: fail("unexpected ')': an operand is missing", t);
        default:
            if (is_cmp(t.kind)) {
                --at_;
                cmp_outside_where();
            }
            fail(fmt::format("unexpected {}: an operand is missing", quote(t)), t);
        }
    }

    std::string suggestion(std::string_view name) const {
        std::vector<std::string_view> all = function_names();
        all.insert(all.end(), o_.extra_names.begin(), o_.extra_names.end());
        for (auto n : row_function_names()) all.push_back(n);
        for (auto n : concat_function_names()) all.push_back(n);
        std::string_view best;
        std::size_t best_d = 3;
        for (auto n : all) {
            std::size_t d = edit_distance(name, n);
            if (d < best_d || (d == best_d && best.empty() && d <= n.size() / 3)) best_d = d, best = n;
        }
        if (best.empty() || best_d > std::max<std::size_t>(1, best.size() / 3)) return "";
        return fmt::format(", did you mean '{}'?", best);
    }

    Expr identifier(const Token& t) {
        std::string_view name = text(t);
        bool call = peek().kind == Tok::LParen;
        if (name == "x") {
            if (call) fail("'x' is the variable, not a function", t);
            return g_.var();
        }
        if (is_concat_function(name))
            fail(fmt::format("'{}' has several outputs (a concatenation): it can only be the whole "
                             "expression, of a concatenation kernel (jit::compile_concat, symact eval)",
                             name),
                 t);
        Op op = function_op(name);
        // row functions (softmax, ...) first, then the extra names (the catalog)
        const bool row = op == Op::Const && is_row_function(name);
        int extra = row ? 1 : o_.extra_arity ? o_.extra_arity(name) : -1;
        auto expand = [&](std::span<const Expr> args) {
            Expr r = row ? *row_function(g_, name, args) : *o_.extra_function(g_, name, args);
            if (row || has_reduction(r)) noted_reduction(t);
            if (has_noise(r)) noted_noise(t);  // a catalog entry that draws (rrelu_train)
            return r;
        };
        if (op != Op::Const && op_arity(op) == 0) {  // pi, e
            if (call) fail(fmt::format("'{}' is a constant, not a function", name), t);
            return g_.apply(op, {});
        }
        if (op == Op::Const && extra < 0) {
            if (call) fail(fmt::format("unknown function '{}'{}", name, suggestion(name)), t);
            return g_.param(name);  // any other name is a parameter
        }
        if (!call && extra >= 0 && toks_.size() == 2) {  // the whole input is a catalog name
            Expr xs[] = {g_.var()};
            return at(t, [&] { return expand(xs); });
        }
        if (!call)
            fail(fmt::format("'{}' is a function: call it as {}(...)", name, name), t);
        Depth guard(*this, t);
        take();  // (
        std::vector<Expr> args;
        std::vector<std::size_t> arg_pos;
        if (op == Op::Where) {
            arg_pos.push_back(peek().pos);
            args.push_back(condition(t));
        } else if (peek().kind != Tok::RParen) {
            arg_pos.push_back(peek().pos);
            args.push_back(expr());
        }
        while (peek().kind == Tok::Comma) {
            take();
            arg_pos.push_back(peek().pos);
            args.push_back(expr());
        }
        if (peek().kind != Tok::RParen) {
            if (is_cmp(peek().kind)) cmp_outside_where();
            fail(fmt::format("expected ',' or ')' in the arguments of {}, found {}", name, quote(peek())),
                 peek());
        }
        take();
        int arity = op != Op::Const ? op_arity(op) : extra;
        // extra functions (catalog entries): trailing parameter arguments are optional
        int n = static_cast<int>(args.size());
        if (op == Op::Const ? (n < 1 || n > arity) : n != arity)
            fail(op == Op::Const && arity > 1
                     ? fmt::format("{} takes 1 to {} arguments, got {}", name, arity, args.size())
                     : fmt::format("{} takes {} argument{}, got {}", name, arity, arity == 1 ? "" : "s",
                                   args.size()),
                 t);
        if (op == Op::Const) return at(t, [&] { return expand(args); });
        if (is_reduction(op)) noted_reduction(t);
        if (is_noise(op)) {
            const Expr k = args[0];
            if (!k.is_const() || !k.number().is_integer() || k.number().is_negative() ||
                k.number().num() > ops::max_noise_stream)
                fail_at(fmt::format("the argument of {}(k) is its stream: an integer constant from 0 to {} "
                                    "(streams draw independently)", name, ops::max_noise_stream),
                        arg_pos[0]);
            noted_noise(t);
        }
        return at(t, [&] { return g_.apply(op, args); });
    }

    void noted_noise(const Token& t) {
        if (info_ && info_->noise_pos == std::string_view::npos) {
            info_->noise_pos = t.pos;
            info_->noise_name = std::string(text(t));
        }
    }

    void noted_reduction(const Token& t) {
        if (info_ && (info_->reduction_pos == std::string_view::npos || t.pos < info_->reduction_pos)) {
            info_->reduction_pos = t.pos;
            info_->reduction_name = std::string(text(t));
        }
    }

    Expr condition(const Token& fn) {
        Expr lhs = expr();
        Tok k = peek().kind;
        if (!is_cmp(k))
            fail(fmt::format("the first argument of {} must be a comparison such as x > 0, found {}",
                             text(fn), quote(peek())), peek());
        take();
        Expr rhs = expr();
        Op op = k == Tok::Lt ? Op::Lt : k == Tok::Le ? Op::Le : k == Tok::Gt ? Op::Gt : Op::Ge;
        Expr a[] = {lhs, rhs};
        return g_.apply(op, a);
    }

    Graph& g_;
    std::string_view s_;
    const ParseOptions& o_;
    ParseInfo* info_;
    std::vector<Token> toks_;
    std::size_t at_ = 0;
    std::size_t depth_ = 0;
};

}  // namespace

Expr parse(Graph& g, std::string_view text, const ParseOptions& opts, ParseInfo* info) {
    return Parser(g, text, opts, info).run();
}

}  // namespace symact::codegen
