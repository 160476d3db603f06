// lit<N, D>: an exact rational constant usable in generic code that builds expressions for
// either front end (runtime Expr or compile-time DSL types). The derivative rules in ops.hpp
// are written with it, so one rule text serves both.
#pragma once
#include <cstdint>

namespace symact {

template <std::int64_t N, std::int64_t D = 1>
struct lit_t {
    static_assert(D > 0, "lit<N, D>: the denominator must be positive");
    static constexpr std::int64_t num = N, den = D;
};
template <std::int64_t N, std::int64_t D = 1>
inline constexpr lit_t<N, D> lit{};

}  // namespace symact
