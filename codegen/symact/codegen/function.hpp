// An activation function parsed from text: the expression after stability rewrites, its
// parameters, and its derivatives (built on demand, rewritten, in the same graph so that
// f and its derivatives share subexpressions).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "symact/codegen/graph.hpp"
#include "symact/codegen/parse.hpp"

namespace symact::codegen {

class Function {
public:
    explicit Function(std::string_view text, const ParseOptions& opts = default_parse_options());

    Expr f() const { return f_; }
    // d f / d wrt; wrt is "x" or one of params(). Throws symact::error otherwise.
    Expr derivative(std::string_view wrt = "x");
    const std::vector<std::string>& params() const { return params_; }

    // Row functions (rowmax, rowsum, softmax, ...): one value per row enters every element,
    // so there is no elementwise f'(x); backward is the vector-Jacobian product instead.
    bool is_row_function() const { return info_.reduction_pos != std::string_view::npos; }
    // Throws symact::error naming the first reduction, with a caret under it, if the
    // expression has one; `what` is the elementwise-only path ("symact gen", ...).
    void require_elementwise(std::string_view what) const;
    // Noise ops (uniform, normal): the values depend on the call's seed and the elements'
    // indices. require_no_noise throws, with a caret under the first one, for the paths
    // that cannot draw them yet (`what` names the path).
    bool has_noise() const { return info_.noise_pos != std::string_view::npos; }
    void require_no_noise(std::string_view what) const;
    // dx (wrt = "x") or the per-element share of d L/d param, given the upstream gradient
    // dy (vjp.hpp); for any expression, row function or not.
    Expr vjp(std::string_view wrt = "x");
    Graph& graph() { return *g_; }
    const std::string& text() const { return text_; }

private:
    std::string text_;
    std::unique_ptr<Graph> g_;
    Expr f_;
    std::vector<std::string> params_;
    std::map<std::string, Expr, std::less<>> d_, vjp_;
    ParseInfo info_;
    Expr var(std::string_view wrt);
};

}  // namespace symact::codegen
