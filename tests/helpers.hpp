// Small helpers shared by the core tests.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/parse.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"

namespace test {

// The symact::error message (with caret lines) that parsing `text` produces, or "" if none.
inline std::string parse_error(std::string_view text) {
    symact::codegen::Graph g;
    try {
        symact::codegen::parse(g, text);
    } catch (const symact::error& e) {
        return e.what();
    }
    return "";
}

inline double eval1(symact::codegen::Expr e, double x, const symact::codegen::ParamValues& p = {}) {
    symact::codegen::Expr roots[] = {e};
    double xs[] = {x};
    return symact::codegen::evaluate<double>(roots, xs, p)[0][0];
}

inline long double eval1l(symact::codegen::Expr e, long double x,
                          const symact::codegen::ParamValues& p = {}) {
    symact::codegen::Expr roots[] = {e};
    long double xs[] = {x};
    return symact::codegen::evaluate<long double>(roots, xs, p)[0][0];
}

}  // namespace test
