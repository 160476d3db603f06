// CReLU against a direct loop; relu'(0) = 0; NaN propagates in y, dx = 0 there.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include <symact/nn/crelu.hpp>

using namespace symact::nn;

TEST_CASE_TEMPLATE("crelu matches a direct loop (odd sizes, zeros)", T, float, double) {
    const shape3 shapes[] = {{1, 1, 1}, {3, 5, 7}, {2, 3, 129}, {4, 17, 1}, {0, 3, 3}};
    for (const shape3 s : shapes) {
        const std::size_t size = s.n * s.c * s.inner, plane = s.c * s.inner;
        std::mt19937 gen{unsigned(size)};
        std::uniform_int_distribution<int> level(-4, 4);
        std::vector<T> x(size), dy(2 * size), y(2 * size), dx(size);
        for (auto& v : x) v = T(level(gen)) * T(0.75);  // many exact zeros
        for (auto& v : dy) v = T(level(gen)) + T(0.5);
        crelu_forward<T>(x, y, s);
        crelu_backward<T>(x, dy, dx, s);
        std::size_t bad = 0;
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t i = 0; i < plane; ++i) {
                const T v = x[n * plane + i];
                const T pos = y[2 * n * plane + i], neg = y[2 * n * plane + plane + i];
                if (pos != (v > 0 ? v : T(0)) || neg != (v < 0 ? -v : T(0))) ++bad;
                T want = 0;
                if (v > 0) want = dy[2 * n * plane + i];
                if (v < 0) want = -dy[2 * n * plane + plane + i];
                if (dx[n * plane + i] != want) ++bad;
            }
        CHECK(bad == 0);
    }
}

TEST_CASE("crelu: values at 0 and NaN, errors") {
    const std::vector<double> x = {0.0, -0.0, std::nan(""), 2.0};
    std::vector<double> y(8), dx(4);
    const std::vector<double> dy = {1, 1, 1, 1, 1, 1, 1, 1};
    crelu_forward<double>(x, y, {1, 4, 1});
    crelu_backward<double>(x, dy, dx, {1, 4, 1});
    CHECK(y[0] == 0);
    CHECK(y[4] == 0);
    CHECK(std::isnan(y[2]));
    CHECK(std::isnan(y[6]));
    CHECK(dx == std::vector<double>{0, 0, 0, 1});
    CHECK_THROWS_WITH(crelu_forward<double>(x, std::span<double>(y).first(4), {1, 4, 1}),
                      "crelu: y has 4 elements, expected 8");
    CHECK_THROWS_WITH(crelu_backward<double>(x, std::span<const double>(dy).first(4), dx, {1, 4, 1}),
                      "crelu: dy has 4 elements, expected 8");
    CHECK_THROWS_WITH(crelu_forward<double>(x, y, {1, 3, 1}), "crelu: x has 4 elements, expected 3");
}
