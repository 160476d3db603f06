// Uses two generated kernels: mish (no parameters) and elu (parameter alpha), forward and
// backward, and checks them against a plain formula. Exit status 0 when they agree.
#include <cmath>
#include <cstdio>
#include <vector>

#include "elu.hpp"
#include "mish.hpp"

int main() {
    const std::size_t n = 1000;
    std::vector<float> x(n), y(n), dy(n, 1.0f), dx(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = -8.0f + 16.0f * static_cast<float>(i) / n;

    acts::mish::forward_backward(x.data(), dy.data(), y.data(), dx.data(), n);
    int bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double v = x[i], sp = std::log1p(std::exp(v)), want = v * std::tanh(sp);
        if (std::fabs(y[i] - want) > 1e-5 * (1 + std::fabs(want))) ++bad;
    }

    const float alpha = 1.5f;
    double dalpha = 0.0;  // accumulates sum(dy * df/dalpha)
    elu::backward(x.data(), dy.data(), dx.data(), n, &alpha, &dalpha);
    double want_dalpha = 0.0;
    for (std::size_t i = 0; i < n; ++i) want_dalpha += x[i] > 0 ? 0.0 : std::expm1(double(x[i]));
    if (std::fabs(dalpha - want_dalpha) > 1e-4 * std::fabs(want_dalpha)) ++bad;

    std::printf("mish(1) = %.7f, mish'(1) = %.7f, elu sum dL/dalpha = %.6f, %d mismatches\n",
                acts::mish::f(1.0f), acts::mish::df(1.0f), dalpha, bad);
    return bad == 0 ? 0 : 1;
}
