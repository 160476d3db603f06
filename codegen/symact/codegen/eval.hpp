// The reference evaluator: evaluates expressions node by node with the scalar reference
// numerics of ops.hpp (libm), in float or double, each DAG node once per point (CSE).
// It is the baseline the fast paths (compile-time kernels, JIT, generated code) are
// tested against, not a fast path itself.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "symact/codegen/graph.hpp"

namespace symact::codegen {

using ParamValues = std::map<std::string, double, std::less<>>;

// What the noise ops (uniform, normal) draw from: the call's seed and the global index of
// the first element (xs[i] is element offset + i).
struct NoiseKey {
    std::uint64_t seed = 0, offset = 0;
};

// values[r][i] = roots[r] at x = xs[i]; T is float, double or long double (for tests). Throws symact::error for a parameter without a value.
template <class T>
std::vector<std::vector<T>> evaluate(std::span<const Expr> roots, std::span<const T> xs,
                                     const ParamValues& params, NoiseKey noise = {});

// Row functions (rowmax, rowsum, softmax, ... and their vector-Jacobian products, vjp.hpp):
// xs is (rows, cols) row-major, reductions fold over each row and broadcast back; dy (empty,
// or one per x) is what the upstream leaf of a VJP reads. values[r][i] as above. Elementwise
// roots work too. evaluate() rejects reductions.
template <class T>
std::vector<std::vector<T>> evaluate_rows(std::span<const Expr> roots, std::span<const T> xs,
                                          std::span<const T> dy, std::size_t cols,
                                          const ParamValues& params);

// The names of the parameters an expression uses, sorted.
std::vector<std::string> parameters(std::span<const Expr> roots);

// Number of distinct operations (non-leaf nodes) needed to compute all roots together.
std::size_t op_count(std::span<const Expr> roots);

// All nodes reachable from roots, each after its arguments.
std::vector<std::uint32_t> topological_order(std::span<const Expr> roots);

// True if e draws random numbers (uniform, normal) anywhere below it.
bool has_noise(Expr e);

}  // namespace symact::codegen
