// Prints an expression in the syntax parse() reads, with as few parentheses as the
// precedences allow: a - b for a + (-1)*b, a/b for a*b^-1. The output parses back to the
// same expression.
#pragma once
#include <string>

#include "symact/codegen/graph.hpp"

namespace symact::codegen {

std::string to_string(Expr e);

}  // namespace symact::codegen
