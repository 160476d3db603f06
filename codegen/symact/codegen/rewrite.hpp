// Stability rewrites: naive spellings that overflow or cancel are recognized and replaced by
// stable ops, so log(1 + exp(x)) at x = 100 is 100, not inf. The rules are data (patterns in
// the expression syntax, rewrite.cpp), matched modulo commutativity and associativity of
// + and *, applied top-down to a fixed point.
#pragma once
#include <string_view>
#include <utility>
#include <vector>

#include "symact/codegen/graph.hpp"

namespace symact::codegen {

Expr rewrite(Expr e);

// The rule table, as (pattern, replacement) texts; ?name is a wildcard.
const std::vector<std::pair<std::string_view, std::string_view>>& rewrite_rules();

}  // namespace symact::codegen
