// Explicit limits on what the symbolic core accepts (docs/LIMITS.md). Inputs past them get a
// symact::error, never a crash, a hang or unbounded memory.
#pragma once
#include <cstddef>

namespace symact::limits {

inline constexpr std::size_t max_input_length = 100'000;  // characters of one expression
inline constexpr std::size_t max_depth = 256;             // nesting of parentheses/calls/operators
inline constexpr std::size_t max_nodes = 250'000;         // distinct nodes in one graph
inline constexpr std::size_t max_points = 100'000'000;    // points in one reference evaluation

}  // namespace symact::limits
