// Symbolic differentiation on the DAG, by the rules in ops.hpp. Memoized per node, so the
// derivative shares structure with the function (and with itself).
#pragma once
#include "symact/codegen/graph.hpp"

namespace symact::codegen {

// d e / d wrt, where wrt is x (Op::Var) or a parameter (Op::Param). Simplified as built.
Expr diff(Expr e, Expr wrt);

}  // namespace symact::codegen
