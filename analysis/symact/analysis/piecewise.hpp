// The symbolic side of inspect: where an expression can switch pieces (kink and jump
// candidates) and what it is on each far side (for exact saturation: relu' is the constant
// 0 for x -> -inf, not just tiny).
#pragma once
#include <span>
#include <vector>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/graph.hpp>

#include "symact/analysis/evaluator.hpp"

namespace symact::analysis {

// The switching functions of f: the expressions whose sign picks a piece or leaves the
// smooth part of an op. where(a < b, ..) and max/min(a, b) -> a - b; abs(u), sign(u) -> u;
// sqrt(u) and u^p with p not an integer -> u. Only those that depend on x.
std::vector<codegen::Expr> switching_functions(codegen::Expr f);

// Where the switching functions are 0: sign changes (and exact zeros) on `grid`, refined
// by bisection to adjacent long doubles. Sorted, without duplicates, at most `max_points`.
std::vector<real> switch_points(std::span<const codegen::Expr> switching, const codegen::ParamValues& params,
                                std::span<const real> grid, std::size_t max_points = 64);

// e with every piece that is decided on `xs` resolved: where, max, min, abs, sign whose
// switching function keeps one sign at all of xs are replaced by the piece taken there.
// Resolved on a stretch where f' evaluates to 0, "the constant 0" means f' is exactly 0
// there (a dead region), anything else means underflow or cancellation.
codegen::Expr resolve_pieces(codegen::Expr e, std::span<const real> xs, const codegen::ParamValues& params);
// resolve_pieces at x = side*{1e6, 1e15, 1e30}: e for x -> side*infinity.
codegen::Expr far_side(codegen::Expr e, int side, const codegen::ParamValues& params);

bool depends_on_x(codegen::Expr e);

}  // namespace symact::analysis
