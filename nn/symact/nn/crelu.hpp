// CReLU (Shang et al., 2016): relu(x) and relu(-x) concatenated along the channel axis,
//     y[n, c, i] = relu(x[n, c, i]),  y[n, C + c, i] = relu(-x[n, c, i])     (N, 2C, inner)
//     dx = dy[n, c, i]*[x > 0] - dy[n, C + c, i]*[x < 0]
// relu'(0) = 0 as everywhere in symact (docs/CONVENTIONS.md). A NaN input gives NaN in both
// halves (torch.relu propagates NaN) and dx = 0 there (torch's threshold backward).
#pragma once
#include <cstddef>
#include <span>
#include <type_traits>

#include <symact/nn/shape.hpp>

namespace symact::nn {

namespace detail {

template <class T>
void crelu_forward(const T* __restrict x, T* __restrict y, std::size_t n, std::size_t c, std::size_t inner) {
    const std::size_t plane = c * inner;  // one sample's input
    for (std::size_t s = 0; s < n; ++s) {
        const T* xs = x + s * plane;
        T* pos = y + 2 * s * plane;
        T* neg = pos + plane;
        for (std::size_t i = 0; i < plane; ++i) {
            const T v = xs[i];
            const bool nan = v != v;
            pos[i] = ((v > T(0)) | nan) ? v : T(0);
            neg[i] = ((v < T(0)) | nan) ? -v : T(0);
        }
    }
}

template <class T>
void crelu_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t n,
                    std::size_t c, std::size_t inner) {
    const std::size_t plane = c * inner;
    for (std::size_t s = 0; s < n; ++s) {
        const T* xs = x + s * plane;
        const T* dpos = dy + 2 * s * plane;
        const T* dneg = dpos + plane;
        T* dxs = dx + s * plane;
        for (std::size_t i = 0; i < plane; ++i) {
            const T v = xs[i];
            dxs[i] = v > T(0) ? dpos[i] : (v < T(0) ? -dneg[i] : T(0));
        }
    }
}

}  // namespace detail

// y = crelu(x); y has twice x's elements.
template <class T>
void crelu_forward(std::span<const T> x, std::span<T> y, shape3 s) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "crelu: float or double");
    const std::size_t size = s.size("crelu");
    detail::check_size("crelu", "x", x.size(), size);
    if (size > (std::size_t(-1)) / 2) throw error("crelu: the output has more elements than size_t holds");
    detail::check_size("crelu", "y", y.size(), 2 * size);
    detail::crelu_forward(x.data(), y.data(), s.n, s.c, s.inner);
}

// dx from dy (dy has the output's 2*N*C*inner elements).
template <class T>
void crelu_backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx, shape3 s) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "crelu: float or double");
    const std::size_t size = s.size("crelu");
    detail::check_size("crelu", "x", x.size(), size);
    if (size > (std::size_t(-1)) / 2) throw error("crelu: the output has more elements than size_t holds");
    detail::check_size("crelu", "dy", dy.size(), 2 * size);
    detail::check_size("crelu", "dx", dx.size(), size);
    detail::crelu_backward(x.data(), dy.data(), dx.data(), s.n, s.c, s.inner);
}

}  // namespace symact::nn
