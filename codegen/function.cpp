#include "symact/codegen/function.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "symact/codegen/diff.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/rewrite.hpp"
#include "symact/codegen/vjp.hpp"
#include "symact/error.hpp"

namespace symact::codegen {

namespace {
bool is_reduction_name(std::string_view n) { return n == "rowmax" || n == "rowsum"; }
}  // namespace

Function::Function(std::string_view text, const ParseOptions& opts)
    : text_(text), g_(std::make_unique<Graph>()) {
    f_ = rewrite(parse(*g_, text, opts, &info_));
    if (!has_reduction(f_)) {  // simplified away: rowmax(2) is 2
        info_.reduction_pos = std::string_view::npos;
        info_.reduction_name.clear();
    }
    Expr roots[] = {f_};
    if (!codegen::has_noise(f_)) info_.noise_pos = std::string_view::npos;  // simplified away: uniform(0)*0
    params_ = parameters(roots);
}

void Function::require_elementwise(std::string_view what) const {
    if (!is_row_function()) return;
    throw error(fmt::format("{} is a row {}: {} needs an elementwise expression (row functions "
                            "run as rows: symact eval --rows, jit::compile_rows)",
                            info_.reduction_name,
                            is_reduction_name(info_.reduction_name) ? "reduction" : "function", what),
                text_, info_.reduction_pos);
}

void Function::require_no_noise(std::string_view what) const {
    if (!has_noise()) return;
    throw error(fmt::format("{} draws random numbers: {} cannot compute it yet (noise runs in the "
                            "JIT, the DSL kernels, generated headers and the reference evaluator: "
                            "symact eval --seed)",
                            info_.noise_name, what),
                text_, info_.noise_pos);
}

Expr Function::vjp(std::string_view wrt) {
    if (auto it = vjp_.find(wrt); it != vjp_.end()) return it->second;
    Expr v = rewrite(codegen::vjp(f_, var(wrt)));
    vjp_.emplace(std::string(wrt), v);
    return v;
}

Expr Function::derivative(std::string_view wrt) {
    if (auto it = d_.find(wrt); it != d_.end()) return it->second;
    require_elementwise("the elementwise derivative f'(x)");
    Expr d = rewrite(diff(f_, var(wrt)));
    d_.emplace(std::string(wrt), d);
    return d;
}

Expr Function::var(std::string_view wrt) {
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
    return var;
}

}  // namespace symact::codegen
