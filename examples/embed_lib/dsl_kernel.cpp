// symact::dsl: squareplus with a parameter b, written in C++; its fused forward+backward
// kernel (with the gradient for b) checked against the formula. Exit status 0 when they agree.
#include <cmath>
#include <cstdio>
#include <vector>

#include <symact/dsl.hpp>

using namespace symact::dsl;

inline constexpr auto b = param<"b">;
inline constexpr auto squareplus = (x + sqrt(x * x + b)) / 2;

int main() {
    const std::size_t n = 1003;  // not a multiple of the vector width: the tail runs too
    std::vector<float> xs(n), y(n), dy(n, 1.0f), dx(n);
    for (std::size_t i = 0; i < n; ++i) xs[i] = -20.0f + 40.0f * static_cast<float>(i) / n;

    const double bv = 4.0;
    auto k = symact::kernel(squareplus);
    auto g = k.forward_backward(xs, dy, y, dx, b = bv);

    int bad = 0;
    double want_db = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = xs[i], s = std::sqrt(v * v + bv);
        const double f = (v + s) / 2, df = (1 + v / s) / 2;
        want_db += 1 / (4 * s);
        if (std::fabs(y[i] - f) > 1e-6 * (1 + std::fabs(f)) || std::fabs(dx[i] - df) > 1e-6) ++bad;
    }
    if (std::fabs(g[b] - want_db) > 1e-5 * std::fabs(want_db)) ++bad;
    std::printf("dsl: squareplus(%g; b=4) = %.7f, sum df/db = %.6f (want %.6f), %d mismatches\n",
                static_cast<double>(xs[n - 1]), static_cast<double>(y[n - 1]), g[b], want_db, bad);
    return bad == 0 ? 0 : 1;
}
