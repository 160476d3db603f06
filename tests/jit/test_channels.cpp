// Per-channel parameters on an (N, C, inner) layout, against direct loops.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "symact/jit/jit.hpp"

using namespace symact;

namespace {
template <class T> void prelu_case(std::size_t N, std::size_t C, std::size_t inner) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    auto k = jit::compile("where(x > 0, x, a*x)", o);  // PReLU
    const std::size_t n = N * C * inner;
    std::vector<T> x(n), dy(n), y(n), dx(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = static_cast<T>(std::sin(0.7 * double(i)) * 3);
        dy[i] = static_cast<T>(0.5 + double(i % 5) * 0.25);
    }
    std::vector<double> a(C);
    for (std::size_t c = 0; c < C; ++c) a[c] = 0.05 * double(c + 1);
    auto g = k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx),
                                {{"a", a}}, jit::Layout{C, inner});
    REQUIRE(g.at("a").size() == C);
    std::vector<double> want(C);
    for (std::size_t b = 0; b < N; ++b)
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t i = 0; i < inner; ++i) {
                std::size_t j = (b * C + c) * inner + i;
                T ac = static_cast<T>(a[c]);
                CHECK(y[j] == (x[j] > 0 ? x[j] : ac * x[j]));
                CHECK(dx[j] == (x[j] > 0 ? T(1) : ac) * dy[j]);
                want[c] += x[j] > 0 ? 0.0 : double(x[j] * dy[j]);
            }
    for (std::size_t c = 0; c < C; ++c) CHECK(g.at("a")[c] == doctest::Approx(want[c]).epsilon(1e-12));
}
}  // namespace

TEST_CASE("PReLU: per-channel slopes and their gradients") {
    prelu_case<float>(3, 4, 37);
    prelu_case<double>(2, 5, 16);
    prelu_case<float>(8, 16, 1);  // (N, C) tensors: inner = 1
}

TEST_CASE("per-tensor and per-channel parameters mixed") {
    jit::Options o;
    o.disk_cache = false;
    auto k = jit::compile("s*where(x > 0, x, a*expm1(x))", o);
    const std::size_t N = 2, C = 3, inner = 20, n = N * C * inner;
    std::vector<float> x(n), dy(n, 1.f), dx(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = float(i % 11) - 5.f;
    auto g = k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(dx),
                        {{"a", {0.5, 1.0, 2.0}}, {"s", {1.5}}}, jit::Layout{C, inner});
    REQUIRE(g.at("a").size() == 3);
    REQUIRE(g.at("s").size() == 1);
    double ws = 0;
    std::vector<double> wa(C);
    for (std::size_t j = 0; j < n; ++j) {
        std::size_t c = (j / inner) % C;
        float a = float(std::vector<double>{0.5, 1.0, 2.0}[c]);
        float em = std::expm1(x[j]);
        ws += x[j] > 0 ? x[j] : a * em;
        wa[c] += x[j] > 0 ? 0.0 : 1.5f * em;
    }
    CHECK(g.at("s")[0] == doctest::Approx(ws).epsilon(1e-6));
    for (std::size_t c = 0; c < C; ++c) CHECK(g.at("a")[c] == doctest::Approx(wa[c]).epsilon(1e-6));
}
