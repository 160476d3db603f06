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
    Graph& graph() { return *g_; }
    const std::string& text() const { return text_; }

private:
    std::string text_;
    std::unique_ptr<Graph> g_;
    Expr f_;
    std::vector<std::string> params_;
    std::map<std::string, Expr, std::less<>> d_;
};

}  // namespace symact::codegen
