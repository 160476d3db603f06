// Concatenations in the DSL: concat(e1, ..., eK), an activation with K outputs per input
// along the channel axis (the catalog's crelu = concat(relu, relu(-x))). Its kernels:
// symact::kernel(concat(...)), concat_kernel.hpp.
#pragma once
#include <tuple>

#include "symact/dsl/core.hpp"

namespace symact::dsl {

template <class... E> struct concat_t {
    std::tuple<E...> parts;
};

template <class... E> constexpr concat_t<E...> concat(const E&... e) {
    static_assert(sizeof...(E) >= 1, "concat(e1, ..., eK): give at least one part");
    static_assert((expr<E> && ...), "concat(e1, ..., eK): every part is a symact::dsl expression");
    return {{e...}};
}

}  // namespace symact::dsl
