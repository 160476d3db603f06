// Vector-Jacobian products of row functions, by reverse mode over the DAG. A row function
// y_i = f(x_i, R_1, ..., R_k) mixes elementwise ops with row reductions R (rowmax, rowsum:
// one value per row, ops.hpp), so its Jacobian is not diagonal and f'(x) does not exist
// elementwise; what backward needs is dx = J^T dy, built here symbolically from the same
// per-op rules as diff() (ops.hpp deriv, linear in the argument derivatives), with:
//   rowsum(u): u's adjoint gets the row total of rowsum's adjoint, broadcast;
//   rowmax(u): the row total goes to the arg-max; ties split it evenly among the maxima
//              (docs/CONVENTIONS.md), as where(u >= rowmax(u), 1, 0) / count.
// Row totals are simplified as they are built (linear: sums split, factors that are one
// per row move out, rowsum(e) reuses f's own node), so the rowmax adjoint of softmax and
// log_softmax cancels to exactly 0 and no kernel computes it.
#pragma once
#include <string_view>

#include "symact/codegen/graph.hpp"

namespace symact::codegen {

// The upstream gradient dy: a parameter leaf whose name no input can spell, one value per
// element (the row evaluators and kernels bind it to the dy array).
inline constexpr std::string_view upstream_name = "@dy";
Expr upstream(Graph& g);
bool is_upstream(Expr e);

// Elementwise expression (of x, dy, parameters and reductions) whose value at element j is
// sum_i dy_i * d f_i / d x_j (wrt = x), or, for a parameter, dy_j * (its share of
// d L / d p): the parameter's gradient is the sum over all elements.
Expr vjp(Expr f, Expr wrt);

// True if e contains a row reduction.
bool has_reduction(Expr e);

}  // namespace symact::codegen
