// RReLU (Xu et al., 2015), elementwise on a contiguous array:
//     y = x             if x > 0
//     y = a * x         otherwise
// training: a = fma(upper - lower, u, lower), u uniform on [0, 1) from Philox4x32-10 keyed by
//           (seed, offset + i) (counter (offset + i)/4 for float, /2 for double: one word per
//           float slope, two per double), so backward regenerates each slope without storing it
//           and any split of the array into chunks (offset = the chunk's first index) draws the
//           same slopes;
// inference: a = (lower + upper)/2 (the catalog's rrelu).
// dx = dy if x > 0, else a*dy (the slope at x = 0, like PyTorch). The slopes are random, not
// parameters: there is no parameter gradient.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include <symact/nn/random.hpp>
#include <symact/nn/shape.hpp>

namespace symact::nn {

struct rrelu_options {
    double lower = 1.0 / 8;  // PyTorch's defaults
    double upper = 1.0 / 3;
    bool training = false;
    std::uint64_t seed = 0;
    std::uint64_t offset = 0;  // index of element 0 (for chunked calls)
};

namespace detail {

// Slopes per Philox call: a float slope takes one 32-bit word, a double slope two, so element
// e uses call e / P (P = 4 or 2) and its word(s) e % P: all of the generator's output is used.
template <class T>
inline constexpr std::size_t rrelu_per_call = sizeof(T) == 4 ? 4 : 2;

template <class T>
SYMACT_NN_INLINE T rrelu_uniform(const philox_ctr& r, std::size_t w) {
    if constexpr (sizeof(T) == 4)
        return uniform01<T>(r[w], 0);
    else
        return uniform01<T>(r[2 * w], r[2 * w + 1]);
}

// Element `index`'s slope in training. One explicit fma: a contracted a*b + c in the vector body
// but not in the scalar tail would make a slope depend on where a chunk boundary falls.
template <class T>
SYMACT_NN_INLINE T rrelu_slope(std::uint64_t seed, std::uint64_t index, T lower, T width) {
    constexpr std::size_t P = rrelu_per_call<T>;
    const philox_ctr r = philox_element(seed, stream::rrelu, index / P);
    return math::fma(width, rrelu_uniform<T>(r, std::size_t(index % P)), lower);
}

// Calls f(i, slope of element offset + i) for i in [0, n): single elements up to the first
// whole Philox call and after the last, whole calls in between (P slopes each, the P words
// unrolled, so the loop over calls vectorizes with lanes = calls).
template <class T, class F>
SYMACT_NN_INLINE void rrelu_each(std::size_t n, T lower, T width, std::uint64_t seed, std::uint64_t offset, F f) {
    constexpr std::size_t P = rrelu_per_call<T>;
    std::size_t i = 0;
    for (; i < n && (offset + i) % P != 0; ++i) f(i, rrelu_slope(seed, offset + i, lower, width));
    const std::size_t base = i, calls = (n - i) / P;
    const std::uint64_t first = (offset + i) / P;
    for (std::size_t b = 0; b < calls; ++b) {
        const philox_ctr r = philox_element(seed, stream::rrelu, first + b);
        [&]<std::size_t... W>(std::index_sequence<W...>) SYMACT_NN_LAMBDA_INLINE {
            (f(base + b * P + W, math::fma(width, rrelu_uniform<T>(r, W), lower)), ...);
        }(std::make_index_sequence<P>{});
    }
    for (i = base + calls * P; i < n; ++i) f(i, rrelu_slope(seed, offset + i, lower, width));
}

template <class T>
void rrelu_slopes(T* __restrict a, std::size_t n, T lower, T width, std::uint64_t seed, std::uint64_t offset) {
    rrelu_each(n, lower, width, seed, offset, [=](std::size_t i, T s) SYMACT_NN_LAMBDA_INLINE { a[i] = s; });
}

template <class T>
void rrelu_train_forward(const T* __restrict x, T* __restrict y, std::size_t n, T lower, T width,
                         std::uint64_t seed, std::uint64_t offset) {
    rrelu_each(n, lower, width, seed, offset, [=](std::size_t i, T a) SYMACT_NN_LAMBDA_INLINE { y[i] = x[i] > T(0) ? x[i] : a * x[i]; });
}

template <class T>
void rrelu_train_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t n, T lower,
                          T width, std::uint64_t seed, std::uint64_t offset) {
    rrelu_each(n, lower, width, seed, offset,
               [=](std::size_t i, T a) SYMACT_NN_LAMBDA_INLINE { dx[i] = x[i] > T(0) ? dy[i] : a * dy[i]; });
}

template <class T>
void rrelu_eval_forward(const T* __restrict x, T* __restrict y, std::size_t n, T a) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > T(0) ? x[i] : a * x[i];
}

template <class T>
void rrelu_eval_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t n, T a) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > T(0) ? dy[i] : a * dy[i];
}

template <class T>
void rrelu_check(const rrelu_options& o) {
    if (!std::isfinite(o.lower) || !std::isfinite(o.upper))
        throw error(fmt::format("rrelu: lower = {} and upper = {} must be finite", o.lower, o.upper));
    if (o.lower > o.upper)
        throw error(fmt::format("rrelu: lower = {} is greater than upper = {}", o.lower, o.upper));
    // the slopes are computed in T: the range and its width must be finite there too
    if (!std::isfinite(T(o.upper) - T(o.lower)) || !std::isfinite(T((o.lower + o.upper) / 2)))
        throw error(fmt::format("rrelu: lower = {} and upper = {} overflow {}", o.lower, o.upper,
                                sizeof(T) == 4 ? "float32" : "float64"));
}

}  // namespace detail

// The slopes a training forward with these options uses for elements [0, a.size()) (for tests
// and for callers that want to see them; the layer itself never stores them).
template <class T>
void rrelu_slopes(std::span<T> a, const rrelu_options& o) {
    detail::rrelu_check<T>(o);
    const T lower = T(o.lower), width = T(o.upper) - T(o.lower);
    detail::rrelu_slopes(a.data(), a.size(), lower, width, o.seed, o.offset);
}

template <class T>
void rrelu_forward(std::span<const T> x, std::span<T> y, const rrelu_options& o) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "rrelu: float or double");
    detail::rrelu_check<T>(o);
    detail::check_size("rrelu", "y", y.size(), x.size());
    if (o.training)
        detail::rrelu_train_forward(x.data(), y.data(), x.size(), T(o.lower), T(o.upper) - T(o.lower), o.seed,
                                    o.offset);
    else
        detail::rrelu_eval_forward(x.data(), y.data(), x.size(), T((o.lower + o.upper) / 2));
}

// dx for dy; with the same options as the forward, training draws the same slopes.
template <class T>
void rrelu_backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx, const rrelu_options& o) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "rrelu: float or double");
    detail::rrelu_check<T>(o);
    detail::check_size("rrelu", "dy", dy.size(), x.size());
    detail::check_size("rrelu", "dx", dx.size(), x.size());
    if (o.training)
        detail::rrelu_train_backward(x.data(), dy.data(), dx.data(), x.size(), T(o.lower),
                                     T(o.upper) - T(o.lower), o.seed, o.offset);
    else
        detail::rrelu_eval_backward(x.data(), dy.data(), dx.data(), x.size(), T((o.lower + o.upper) / 2));
}

}  // namespace symact::nn
