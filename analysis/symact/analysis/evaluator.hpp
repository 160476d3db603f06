// Evaluates a few roots of one graph (f, f', switching functions, ...) at many points with
// the reference evaluator, in long double: its exponent range (down to 1e-4951) lets
// exp-like tails stay nonzero far past where double underflows, so a derivative that is
// exactly 0 (a dead region) is told apart from one that is merely tiny.
#pragma once
#include <span>
#include <vector>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/graph.hpp>

namespace symact::analysis {

using real = long double;

class Evaluator {
public:
    // Throws symact::error if a parameter the roots use has no value.
    Evaluator(std::vector<codegen::Expr> roots, codegen::ParamValues params);

    // values[r][i] = roots[r] at xs[i]; evaluated in chunks so memory stays small.
    std::vector<std::vector<real>> at(std::span<const real> xs) const;
    // One root at one point.
    real one(std::size_t root, real x) const;
    // One root at points in double (what kernels see; used for the limits at +-1e300, inf).
    std::vector<double> in_double(std::size_t root, std::span<const double> xs) const;

    std::size_t size() const { return roots_.size(); }
    const codegen::ParamValues& params() const { return params_; }

private:
    std::vector<codegen::Expr> roots_;
    codegen::ParamValues params_;
};

}  // namespace symact::analysis
