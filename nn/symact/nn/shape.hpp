// The (N, C, inner) layout of the channel layers (Maxout, CReLU) and argument checks shared
// by every layer: each bad input is a symact::error that names the layer and the numbers.
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <symact/error.hpp>
#include <symact/nn/config.hpp>

namespace symact::nn {

// A contiguous array of N samples, C channels, `inner` positions per channel (for example
// H*W of an image; 1 for a dense layer), channel-major inside a sample like PyTorch's NCHW.
struct shape3 {
    std::size_t n = 1, c = 1, inner = 1;

    // Elements, or throws if the product overflows.
    std::size_t size(std::string_view layer) const {
        std::size_t nc = 0, all = 0;
        if (__builtin_mul_overflow(n, c, &nc) || __builtin_mul_overflow(nc, inner, &all))
            throw error(fmt::format("{}: shape ({}, {}, {}) has more elements than size_t holds", layer, n,
                                    c, inner));
        return all;
    }
};

namespace detail {
inline void check_size(std::string_view layer, std::string_view what, std::size_t got, std::size_t want) {
    if (got != want)
        throw error(fmt::format("{}: {} has {} elements, expected {}", layer, what, got, want));
}
}  // namespace detail

}  // namespace symact::nn
