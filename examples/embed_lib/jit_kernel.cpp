// symact::jit: an activation given as a string at run time, compiled by LLVM for this CPU;
// forward, backward with the parameter's gradient, checked against the formula. Exit
// status 0 when they agree.
#include <cmath>
#include <cstdio>
#include <vector>

#include <symact/jit/jit.hpp>

int main() {
    symact::jit::Options o;
    o.dtype = symact::jit::DType::f64;
    o.disk_cache = false;  // nothing written outside the build
    auto k = symact::jit::compile("where(x > 0, x, alpha*(exp(x) - 1))", o);

    const std::size_t n = 1001;
    std::vector<double> xs(n), y(n), dy(n, 1.0), dx(n);
    for (std::size_t i = 0; i < n; ++i) xs[i] = -10.0 + 20.0 * static_cast<double>(i) / n;
    const double alpha = 1.5;
    k.forward(xs, y, {{"alpha", {alpha}}});
    auto g = k.backward(xs, dy, dx, {{"alpha", {alpha}}});

    int bad = 0;
    double want_da = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = xs[i];
        const double f = v > 0 ? v : alpha * std::expm1(v), df = v > 0 ? 1.0 : alpha * std::exp(v);
        want_da += v > 0 ? 0.0 : std::expm1(v);
        if (std::fabs(y[i] - f) > 1e-14 * (1 + std::fabs(f)) || std::fabs(dx[i] - df) > 1e-14 * (1 + df)) ++bad;
    }
    if (std::fabs(g.at("alpha").at(0) - want_da) > 1e-12 * std::fabs(want_da)) ++bad;

    // Bad input is an exception with a message, not a crash.
    bool threw = false;
    try {
        symact::jit::compile("x*tanh(", o);
    } catch (const symact::error&) {
        threw = true;
    }
    if (!threw) ++bad;

    std::printf("jit: %s, elu(x=-5; alpha=1.5) = %.15f, sum df/dalpha = %.12f, %d mismatches\n",
                k.expression().c_str(), y[n / 4], g.at("alpha").at(0), bad);
    return bad == 0 ? 0 : 1;
}
