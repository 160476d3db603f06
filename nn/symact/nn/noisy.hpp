// Noisy activation functions (Gulcehre, Moczulski, Denil, Bengio, "Noisy Activation Functions",
// ICML 2016), elementwise, for the hard-sigmoid and the hard-tanh:
//     phi(x, xi) = alpha*h(x) + (1 - alpha)*u(x) + d(x)*sigma(x)*eps
//     h: the hard function    hard-sigmoid h = clamp(x/4 + 1/2, 0, 1), hard-tanh h = clamp(x, -1, 1)
//     u: its linearization    at 0:         u = x/4 + 1/2,                       u = x
//     Delta = h - u           (0 where the unit is not saturated)
//     d(x) = -sgn(x)*sgn(1 - alpha)
//     sigma(x) = c*(sigmoid(p*Delta) - 1/2)^2
//     eps ~ N(0, 1), or |N(0, 1)| (half-normal option)
// training: eps from Philox4x32-10 keyed by (seed, offset + i) (Box-Muller), so the backward
//           regenerates the forward's noise;
// inference: eps replaced by its expectation: 0, or sqrt(2/pi) for the half-normal.
// Derivative at fixed eps (h', u' as PyTorch's hardtanh: 0 at the kinks):
//     dphi/dx = alpha*h' + (1 - alpha)*u' + d*eps*2c*(s - 1/2)*s*(1 - s)*p*(h' - u'),  s = sigmoid(p*Delta)
//     dphi/dp = d*eps*2c*(s - 1/2)*s*(1 - s)*Delta
// docs/NN.md has the parameters and their defaults.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <symact/nn/random.hpp>
#include <symact/nn/shape.hpp>

namespace symact::nn {

enum class noisy_kind { hard_sigmoid, hard_tanh };

struct noisy_options {
    double alpha = 1.15;  // mix of the hard function and its linearization; != 1 gives the noise a direction
    double c = 0.5;       // scale of the noise's standard deviation
    double p = 1.0;       // slope inside the sigmoid of sigma (learned per unit in the paper)
    bool half_normal = false;  // eps = |N(0,1)| instead of N(0,1)
    bool training = false;
    std::uint64_t seed = 0;
    std::uint64_t offset = 0;  // index of element 0 (for chunked calls)
};

// Defaults of the authors' reference code (github.com/caglar/noisy_units, NTanhP/NSigmoidP).
inline noisy_options noisy_hardtanh_defaults() { return {1.15, 0.5, 1.0, false}; }
inline noisy_options noisy_hardsigmoid_defaults() { return {1.1, 0.15, 1.0, true}; }

inline std::string_view noisy_name(noisy_kind k) {
    return k == noisy_kind::hard_sigmoid ? "noisy_hardsigmoid" : "noisy_hardtanh";
}

namespace detail {

// The per-element constants in the layer's precision.
template <class T>
struct noisy_consts {
    T alpha, one_minus_alpha, c2;  // c2 = 2c (the derivative's factor); c itself below
    T c, p;
    T dir;      // -sgn(1 - alpha): d(x) = sgn(x)*dir
    T eps_det;  // inference noise: E[eps]
    bool half_normal;
    std::uint64_t seed, offset;
};

template <class T>
noisy_consts<T> noisy_make(const noisy_options& o) {
    const double s1a = (1 - o.alpha) > 0 ? 1.0 : (1 - o.alpha) < 0 ? -1.0 : 0.0;
    return {T(o.alpha),
            T(1 - o.alpha),
            T(2 * o.c),
            T(o.c),
            T(o.p),
            T(-s1a),
            o.half_normal ? T(0.79788456080286535587989211986876) : T(0),  // sqrt(2/pi)
            o.half_normal,
            o.seed,
            o.offset};
}

// h, u, h', u' of one element.
template <noisy_kind K, class T>
struct hard_parts {
    T h, u, dh, du;
};
template <noisy_kind K, class T>
SYMACT_NN_INLINE hard_parts<K, T> hard_eval(T x) {
    if constexpr (K == noisy_kind::hard_sigmoid) {
        const T u = math::fma(T(0.25), x, T(0.5));
        const T h = u < T(0) ? T(0) : (u > T(1) ? T(1) : u);  // NaN passes through
        const T dh = ((x > T(-2)) & (x < T(2))) ? T(0.25) : T(0);
        return {h, u, dh, T(0.25)};
    } else {
        const T h = x < T(-1) ? T(-1) : (x > T(1) ? T(1) : x);
        const T dh = ((x > T(-1)) & (x < T(1))) ? T(1) : T(0);
        return {h, x, dh, T(1)};
    }
}

template <class T>
SYMACT_NN_INLINE T sgn(T x) {
    return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
}

template <class T, bool Half>
SYMACT_NN_INLINE T noisy_eps(std::uint64_t seed, std::uint64_t index) {
    const T z = normal_from<T>(philox_element(seed, stream::noisy, index));
    if constexpr (Half)
        return math::abs(z);
    else
        return z;
}

// y (and with Grad, dy/dx and dy/dp) of one element at noise eps.
template <noisy_kind K, class T>
struct noisy_point {
    T y, dydx, dydp;
};
template <noisy_kind K, class T>
SYMACT_NN_INLINE noisy_point<K, T> noisy_eval(T x, T eps, const noisy_consts<T>& k) {
    const hard_parts<K, T> hp = hard_eval<K>(x);
    const T delta = hp.h - hp.u;
    const T pd = k.p * delta;
    const T q = math::sigmoid_q(math::sigmoid_t(pd));  // sigmoid(-|p*Delta|)
    const T s = math::sigmoid_from(pd, q);
    const T sh = s - T(0.5);
    const T d = sgn(x) * k.dir;
    const T noise = d * k.c * sh * sh * eps;
    // Explicit fmas, no a*b + c left to the compiler: contracting it in the vector body but
    // not in the scalar tail would make a value depend on where a chunk boundary falls.
    const T y = math::fma(k.alpha, hp.h, math::fma(k.one_minus_alpha, hp.u, noise));
    const T common = d * eps * k.c2 * sh * math::dsigmoid_from(q);  // d*eps*dsigma/d(p*Delta)
    const T dydx = math::fma(k.alpha, hp.dh, math::fma(k.one_minus_alpha, hp.du, common * k.p * (hp.dh - hp.du)));
    return {y, dydx, common * delta};
}

// Training loops: one per noise law, every constant a scalar local, so the loop vectorizes.
template <noisy_kind K, bool Half, class T>
void noisy_train_forward(const T* __restrict x, T* __restrict y, std::size_t n, const noisy_consts<T> k) {
    const std::uint64_t seed = k.seed, offset = k.offset;
    for (std::size_t i = 0; i < n; ++i) y[i] = noisy_eval<K>(x[i], noisy_eps<T, Half>(seed, offset + i), k).y;
}
template <noisy_kind K, bool Half, class T>
void noisy_train_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t n,
                          const noisy_consts<T> k) {
    const std::uint64_t seed = k.seed, offset = k.offset;
    for (std::size_t i = 0; i < n; ++i)
        dx[i] = dy[i] * noisy_eval<K>(x[i], noisy_eps<T, Half>(seed, offset + i), k).dydx;
}

template <noisy_kind K, class T>
void noisy_forward(const T* __restrict x, T* __restrict y, std::size_t n, const noisy_consts<T>& k,
                   bool training) {
    if (!training) {
        const noisy_consts<T> kk = k;
        for (std::size_t i = 0; i < n; ++i) y[i] = noisy_eval<K>(x[i], kk.eps_det, kk).y;
    } else if (k.half_normal) {
        noisy_train_forward<K, true>(x, y, n, k);
    } else {
        noisy_train_forward<K, false>(x, y, n, k);
    }
}

template <noisy_kind K, class T>
void noisy_backward(const T* __restrict x, const T* __restrict dy, T* __restrict dx, std::size_t n,
                    const noisy_consts<T>& k, bool training) {
    if (!training) {
        const noisy_consts<T> kk = k;
        for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * noisy_eval<K>(x[i], kk.eps_det, kk).dydx;
    } else if (k.half_normal) {
        noisy_train_backward<K, true>(x, dy, dx, n, k);
    } else {
        noisy_train_backward<K, false>(x, dy, dx, n, k);
    }
}

template <class T>
void noisy_check(noisy_kind kind, const noisy_options& o) {
    // finite in T, which the kernels compute in (2c and 1 - alpha included)
    if (!std::isfinite(T(o.alpha)) || !std::isfinite(T(1 - o.alpha)) || !std::isfinite(T(2 * o.c)) ||
        !std::isfinite(T(o.p)))
        throw error(fmt::format("{}: alpha = {}, c = {} and p = {} must be finite in {}", noisy_name(kind), o.alpha,
                                o.c, o.p, sizeof(T) == 4 ? "float32" : "float64"));
    if (o.c < 0) throw error(fmt::format("{}: c = {} is negative (it scales a standard deviation)", noisy_name(kind), o.c));
}

}  // namespace detail

template <class T>
void noisy_forward(noisy_kind kind, std::span<const T> x, std::span<T> y, const noisy_options& o) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "noisy activations: float or double");
    detail::noisy_check<T>(kind, o);
    detail::check_size(noisy_name(kind), "y", y.size(), x.size());
    const auto k = detail::noisy_make<T>(o);
    if (kind == noisy_kind::hard_sigmoid)
        detail::noisy_forward<noisy_kind::hard_sigmoid>(x.data(), y.data(), x.size(), k, o.training);
    else
        detail::noisy_forward<noisy_kind::hard_tanh>(x.data(), y.data(), x.size(), k, o.training);
}

// dx = dy * dphi/dx at the noise the forward with the same options drew.
template <class T>
void noisy_backward(noisy_kind kind, std::span<const T> x, std::span<const T> dy, std::span<T> dx,
                    const noisy_options& o) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "noisy activations: float or double");
    detail::noisy_check<T>(kind, o);
    detail::check_size(noisy_name(kind), "dy", dy.size(), x.size());
    detail::check_size(noisy_name(kind), "dx", dx.size(), x.size());
    const auto k = detail::noisy_make<T>(o);
    if (kind == noisy_kind::hard_sigmoid)
        detail::noisy_backward<noisy_kind::hard_sigmoid>(x.data(), dy.data(), dx.data(), x.size(), k, o.training);
    else
        detail::noisy_backward<noisy_kind::hard_tanh>(x.data(), dy.data(), dx.data(), x.size(), k, o.training);
}

// sum_i dy[i] * dphi/dp(x[i]) (p shared by the elements; accumulated in double).
template <class T>
double noisy_grad_p(noisy_kind kind, std::span<const T> x, std::span<const T> dy, const noisy_options& o) {
    detail::noisy_check<T>(kind, o);
    detail::check_size(noisy_name(kind), "dy", dy.size(), x.size());
    const auto k = detail::noisy_make<T>(o);
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T eps = !o.training    ? k.eps_det
                      : o.half_normal ? detail::noisy_eps<T, true>(o.seed, o.offset + i)
                                      : detail::noisy_eps<T, false>(o.seed, o.offset + i);
        const T g = kind == noisy_kind::hard_sigmoid ? detail::noisy_eval<noisy_kind::hard_sigmoid>(x[i], eps, k).dydp
                                                      : detail::noisy_eval<noisy_kind::hard_tanh>(x[i], eps, k).dydp;
        sum += double(dy[i]) * double(g);
    }
    return sum;
}

}  // namespace symact::nn
