// Maxout (Goodfellow et al., 2013) with k pieces over the channel axis:
//     y[n, g, i] = max_{j < k} x[n, g*k + j, i]        (N, C, inner) -> (N, C/k, inner)
// backward routes dy to the arg-max. Ties go to the first index (like torch.max); a NaN in a
// group makes the output NaN and takes the gradient (the first NaN if several):
// docs/CONVENTIONS.md, "Maxout". Loops run over `inner` so they vectorize; the backward
// recomputes the arg-max from x instead of storing indices.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include <symact/nn/shape.hpp>

namespace symact::nn {

namespace detail {

// Positions of `inner` handled per pass: the running max and index live in two stack blocks.
inline constexpr std::size_t maxout_block = 256;

// An integer as wide as T, so the index select vectorizes alongside the value select.
template <class T>
using index_t = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;

// v beats the current best b if it is larger, or a NaN when b is not (ties keep b: first index).
template <class T>
SYMACT_NN_INLINE bool maxout_takes(T v, T b) {
    return (v > b) | ((v != v) & (b == b));
}

// Running max and arg-max over the k channels at `x` (stride `inner`) for positions [0, len).
// k >= 2; the first pass compares channels 0 and 1 directly (no copy loop, which the compiler
// would turn into a memcpy call).
template <class T>
SYMACT_NN_INLINE void maxout_scan(const T* __restrict x, std::size_t inner, std::size_t k, std::size_t len,
                                  T* __restrict best, index_t<T>* __restrict idx) {
    for (std::size_t i = 0; i < len; ++i) {
        const T b = x[i], v = x[inner + i];
        const bool take = maxout_takes(v, b);
        best[i] = take ? v : b;
        idx[i] = take ? index_t<T>(1) : index_t<T>(0);
    }
    for (std::size_t j = 2; j < k; ++j) {
        const T* xj = x + j * inner;
        const auto jj = index_t<T>(j);
        for (std::size_t i = 0; i < len; ++i) {
            const T v = xj[i], b = best[i];
            const bool take = maxout_takes(v, b);
            best[i] = take ? v : b;
            idx[i] = take ? jj : idx[i];
        }
    }
}

// inner = 1 (a dense layer, (N, C) layout) with a small k known at compile time: the loop runs
// over groups with a constant stride K, which the vectorizer handles (interleaved loads). The
// j steps are unrolled by a fold, not a loop: GCC does not vectorize the outer of two loops.
template <std::size_t K, class T>
void maxout_dense_forward(const T* __restrict x, T* __restrict y, std::size_t groups) {
    for (std::size_t g = 0; g < groups; ++g) {
        const T* xg = x + g * K;
        T b = xg[0];
        [&]<std::size_t... J>(std::index_sequence<J...>) SYMACT_NN_LAMBDA_INLINE {
            ((b = maxout_takes(xg[J + 1], b) ? xg[J + 1] : b), ...);
        }(std::make_index_sequence<K - 1>{});
        y[g] = b;
    }
}
template <std::size_t K, class T>
void maxout_dense_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t groups) {
    for (std::size_t g = 0; g < groups; ++g) {
        const T* xg = x + g * K;
        T b = xg[0];
        index_t<T> arg = 0;
        [&]<std::size_t... J>(std::index_sequence<J...>) SYMACT_NN_LAMBDA_INLINE {
            (([&]() SYMACT_NN_LAMBDA_INLINE {
                 const bool take = maxout_takes(xg[J + 1], b);
                 b = take ? xg[J + 1] : b;
                 arg = take ? index_t<T>(J + 1) : arg;
             }()),
             ...);
        }(std::make_index_sequence<K - 1>{});
        [&]<std::size_t... J>(std::index_sequence<J...>) SYMACT_NN_LAMBDA_INLINE {
            ((dx[g * K + J] = arg == index_t<T>(J) ? dy[g] : T(0)), ...);
        }(std::make_index_sequence<K>{});
    }
}

// Raw kernels: shapes already checked, k divides c. The forward keeps its running max in y.
template <class T>
void maxout_forward(const T* __restrict x, T* __restrict y, std::size_t n, std::size_t c, std::size_t inner,
                    std::size_t k) {
    const std::size_t groups = n * (c / k);
    if (inner == 1 && k >= 2 && k <= 4) {
        if (k == 2) return maxout_dense_forward<2>(x, y, groups);
        if (k == 3) return maxout_dense_forward<3>(x, y, groups);
        return maxout_dense_forward<4>(x, y, groups);
    }
    for (std::size_t g = 0; g < groups; ++g) {
        const T* xg = x + g * k * inner;
        T* yg = y + g * inner;
        if (k == 1) {
            for (std::size_t i = 0; i < inner; ++i) yg[i] = xg[i];
            continue;
        }
        for (std::size_t i = 0; i < inner; ++i) {
            const T b = xg[i], v = xg[inner + i];
            yg[i] = maxout_takes(v, b) ? v : b;
        }
        for (std::size_t j = 2; j < k; ++j) {
            const T* xj = xg + j * inner;
            for (std::size_t i = 0; i < inner; ++i) {
                const T v = xj[i], b = yg[i];
                yg[i] = maxout_takes(v, b) ? v : b;
            }
        }
    }
}

template <class T>
void maxout_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t n,
                     std::size_t c, std::size_t inner, std::size_t k) {
    const std::size_t groups = n * (c / k);
    if (inner == 1 && k >= 2 && k <= 4) {
        if (k == 2) return maxout_dense_backward<2>(x, dy, dx, groups);
        if (k == 3) return maxout_dense_backward<3>(x, dy, dx, groups);
        return maxout_dense_backward<4>(x, dy, dx, groups);
    }
    alignas(64) T best[maxout_block];
    alignas(64) index_t<T> idx[maxout_block];
    for (std::size_t g = 0; g < groups; ++g) {
        const T* xg = x + g * k * inner;
        const T* dyg = dy + g * inner;
        T* dxg = dx + g * k * inner;
        if (k == 1) {  // identity
            for (std::size_t i = 0; i < inner; ++i) dxg[i] = dyg[i];
            continue;
        }
        for (std::size_t b = 0; b < inner; b += maxout_block) {
            const std::size_t len = inner - b < maxout_block ? inner - b : maxout_block;
            maxout_scan(xg + b, inner, k, len, best, idx);
            for (std::size_t j = 0; j < k; ++j) {
                const auto jj = index_t<T>(j);
                T* dxj = dxg + j * inner + b;
                for (std::size_t i = 0; i < len; ++i) dxj[i] = idx[i] == jj ? dyg[b + i] : T(0);
            }
        }
    }
}

inline void maxout_check(shape3 s, std::size_t k) {
    if (k == 0) throw error("maxout: k = 0 pieces; k must be at least 1");
    if (s.c % k != 0)
        throw error(fmt::format("maxout: C = {} channels is not divisible by k = {} pieces", s.c, k));
    if (k > (std::size_t(1) << 30)) throw error(fmt::format("maxout: k = {} pieces is too large", k));
}

}  // namespace detail

// Output elements of maxout for a shape: N * (C/k) * inner.
inline std::size_t maxout_output_size(shape3 s, std::size_t k) {
    detail::maxout_check(s, k);
    return s.size("maxout") / k;
}

// y = maxout(x); x has s.n*s.c*s.inner elements, y s.n*(s.c/k)*s.inner.
template <class T>
void maxout_forward(std::span<const T> x, std::span<T> y, shape3 s, std::size_t k) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "maxout: float or double");
    const std::size_t out = maxout_output_size(s, k);
    detail::check_size("maxout", "x", x.size(), s.size("maxout"));
    detail::check_size("maxout", "y", y.size(), out);
    detail::maxout_forward(x.data(), y.data(), s.n, s.c, s.inner, k);
}

// dx = the vector-Jacobian product of maxout at x with dy (dx has x's shape).
template <class T>
void maxout_backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx, shape3 s, std::size_t k) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "maxout: float or double");
    const std::size_t out = maxout_output_size(s, k);
    detail::check_size("maxout", "x", x.size(), s.size("maxout"));
    detail::check_size("maxout", "dy", dy.size(), out);
    detail::check_size("maxout", "dx", dx.size(), x.size());
    detail::maxout_backward(x.data(), dy.data(), dx.data(), s.n, s.c, s.inner, k);
}

}  // namespace symact::nn
