// The expression syntax (docs/SYNTAX.md): x, named parameters, numbers, + - * / ^ with unary
// minus (-x^2 is -(x^2), ^ is right-associative), parentheses, the functions of ops.hpp,
// comparisons only as the condition of where(c, a, b), constants pi and e.
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "symact/codegen/graph.hpp"

namespace symact::codegen {

struct ParseOptions {
    // Extra callable names (the activation catalog): returns the expansion of name(args), or
    // nullopt if `name` is not one of them. `names` lists them, for "did you mean" hints.
    std::function<std::optional<Expr>(Graph&, std::string_view name, std::span<const Expr> args)>
        extra_function;
    std::function<int(std::string_view name)> extra_arity;  // -1: not an extra function
    std::vector<std::string_view> extra_names;
    bool wildcards = false;  // accept ?name (rewrite-rule patterns)
};

// The options parse() and Function use when given none: set once at start-up by a program
// that knows more names (the CLI installs the activation catalog: relu, gelu(x), elu(x, 2)).
void set_default_parse_options(ParseOptions opts);
const ParseOptions& default_parse_options();

// What parse() noticed on the way: where the first row reduction is (rowmax(...), rowsum(...)
// or a name that expands to one, such as softmax), so elementwise-only paths can point at it.
struct ParseInfo {
    std::size_t reduction_pos = std::string_view::npos;  // npos: the expression is elementwise
    std::string reduction_name;                          // as written: rowmax, softmax, ...
    std::size_t noise_pos = std::string_view::npos;      // the first uniform(k) / normal(k)
    std::string noise_name;
};

// Parses `text` into `g`. Throws symact::error with the position of the first problem. A
// text that is just the name of an extra function ("gelu") means that function of x.
Expr parse(Graph& g, std::string_view text, const ParseOptions& opts = default_parse_options(),
           ParseInfo* info = nullptr);

// The row functions the syntax knows besides the ops (softmax, log_softmax: rows.cpp),
// defined here in the core so every front end has them.
// row_function expands name(args) (one argument), or gives nullopt for another name.
bool is_row_function(std::string_view name);
std::optional<Expr> row_function(Graph& g, std::string_view name, std::span<const Expr> args);
std::vector<std::string_view> row_function_names();

// The function names the syntax knows (for help texts and suggestions).
std::vector<std::string_view> function_names();

}  // namespace symact::codegen
