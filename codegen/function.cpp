#include "symact/codegen/function.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "symact/codegen/diff.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/rewrite.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

Function::Function(std::string_view text, const ParseOptions& opts)
    : text_(text), g_(std::make_unique<Graph>()) {
    f_ = rewrite(parse(*g_, text, opts));
    Expr roots[] = {f_};
    params_ = parameters(roots);
}

Expr Function::derivative(std::string_view wrt) {
    if (auto it = d_.find(wrt); it != d_.end()) return it->second;
    Expr var;
    if (wrt == "x") {
        var = g_->var();
    } else if (std::find(params_.begin(), params_.end(), wrt) != params_.end()) {
        var = g_->param(wrt);
    } else {
        throw error(params_.empty()
                        ? fmt::format("'{}' is not a parameter of {} (it has none; use x)", wrt, text_)
                        : fmt::format("'{}' is not a parameter of {} (its parameters: {})", wrt, text_,
                                      fmt::join(params_, ", ")));
    }
    Expr d = rewrite(diff(f_, var));
    d_.emplace(std::string(wrt), d);
    return d;
}

}  // namespace symact::codegen
