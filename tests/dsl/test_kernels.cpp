// Kernel API: lengths and tails, in place, per-channel parameters, threads.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>

using namespace symact::dsl;

namespace {
template <class S> std::vector<S> random_vec(std::size_t n, unsigned seed, double lo = -6, double hi = 6) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<S> v(n);
    for (auto& e : v) e = static_cast<S>(u(g));
    return v;
}
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
}  // namespace

TEST_CASE_TEMPLATE("lengths 0, 1, 17, 1000: vector body and tails agree with one-element calls", S, float, double) {
    const auto k = symact::kernel(act::mpelu);
    for (std::size_t n : {0u, 1u, 17u, 1000u}) {
        CAPTURE(n);
        auto xs = random_vec<S>(n, 1), dy = random_vec<S>(n, 2);
        std::vector<S> y(n), dx(n), y1(n), dx1(n);
        auto g = k.forward_backward(xs, dy, y, dx, act::alpha = 0.75, act::beta = 1.25);
        double ga = 0, gb = 0;
        for (std::size_t i = 0; i < n; ++i) {
            auto gi = k.forward_backward(std::span<const S>(&xs[i], 1), std::span<const S>(&dy[i], 1),
                                         std::span<S>(&y1[i], 1), std::span<S>(&dx1[i], 1), act::alpha = 0.75,
                                         act::beta = 1.25);
            ga += gi[act::alpha];
            gb += gi[act::beta];
            CHECK(same(y[i], y1[i]));
            CHECK(same(dx[i], dx1[i]));
        }
        CHECK(g[act::alpha] == doctest::Approx(ga).epsilon(1e-6));
        CHECK(g[act::beta] == doctest::Approx(gb).epsilon(1e-6));
    }
}

TEST_CASE_TEMPLATE("in place: y aliasing x, dx aliasing dy", S, float, double) {
    const auto k = symact::kernel(act::mish);
    const std::size_t n = 1000;
    auto xs = random_vec<S>(n, 3), dy = random_vec<S>(n, 4);
    std::vector<S> y(n), dx(n);
    k.forward_backward(xs, dy, y, dx);
    auto a = xs, b = dy;
    k.forward_backward(a, b, a, b);  // both in place
    for (std::size_t i = 0; i < n; ++i) CHECK((a[i] == y[i] && b[i] == dx[i]));
    auto c = xs;
    k.forward(c, c);
    for (std::size_t i = 0; i < n; ++i) CHECK(c[i] == y[i]);
    auto e = dy;
    k.backward(xs, e, e);
    for (std::size_t i = 0; i < n; ++i) CHECK(e[i] == dx[i]);
}

TEST_CASE("per-channel PReLU: (N, C, inner) with C slopes, gradients per channel") {
    const auto k = symact::kernel(act::prelu);
    const std::size_t N = 3, C = 4, inner = 37, n = N * C * inner;
    auto xs = random_vec<float>(n, 5), dy = random_vec<float>(n, 6);
    std::vector<float> slope = {0.1f, 0.2f, 0.25f, -0.5f}, dslope(C), y(n), dx(n);
    auto g = k.forward_backward(xs, dy, y, dx, layout{N, C, inner},
                                act::a = per_channel<float>(slope, std::span<float>(dslope)));
    std::vector<double> want(C, 0.0);
    for (std::size_t r = 0; r < N * C; ++r)
        for (std::size_t i = 0; i < inner; ++i) {
            std::size_t c = r % C, j = r * inner + i;
            float xv = xs[j];
            CHECK(y[j] == (xv > 0 ? xv : slope[c] * xv));
            CHECK(dx[j] == (xv > 0 ? 1.0f : slope[c]) * dy[j]);
            want[c] += (xv > 0 ? 0.0 : static_cast<double>(xv)) * dy[j];
        }
    for (std::size_t c = 0; c < C; ++c) CHECK(dslope[c] == doctest::Approx(want[c]).epsilon(1e-5));
    CHECK(g[act::a] == 0.0);  // per-channel gradients go to the span
    // mixed: per-channel slope with a threaded run gives the same
    std::vector<float> dslope2(C), y2(n), dx2(n);
    k.forward_backward(xs, dy, y2, dx2, layout{N, C, inner}, threads{3},
                       act::a = per_channel<float>(slope, std::span<float>(dslope2)));
    CHECK(y2 == y);
    CHECK(dx2 == dx);
    for (std::size_t c = 0; c < C; ++c) CHECK(dslope2[c] == doctest::Approx(dslope[c]).epsilon(1e-6));
}

TEST_CASE("multi-threaded variant equals single-threaded") {
    const auto k = symact::kernel(act::swish);
    const std::size_t n = 300001;
    auto xs = random_vec<float>(n, 7), dy = random_vec<float>(n, 8);
    std::vector<float> y1(n), dx1(n), y4(n), dx4(n);
    auto g1 = k.forward_backward(xs, dy, y1, dx1, act::beta = 1.5);
    auto g4 = k.forward_backward(xs, dy, y4, dx4, act::beta = 1.5, threads{4});
    CHECK(y1 == y4);
    CHECK(dx1 == dx4);
    CHECK(g4[act::beta] == doctest::Approx(g1[act::beta]).epsilon(1e-9));
    std::vector<float> yf(n);
    k.forward(xs, yf, act::beta = 1.5, threads{2});
    CHECK(yf == y1);
}

TEST_CASE("errors at run time: lengths and layout") {
    const auto k = symact::kernel(act::relu);
    std::vector<float> a(10), b(9);
    CHECK_THROWS_AS(k.forward(a, b), std::invalid_argument);
    std::vector<float> c(10);
    CHECK_THROWS_AS(k.forward(a, c, layout{2, 2, 3}), std::invalid_argument);
}

TEST_CASE("powers: integer (multiplications), 1/2 and -1/2 (sqrt), real (ops' Pow::eval)") {
    constexpr auto p = param<"p">;
    const auto k = symact::kernel(pow(symact::lit<1> + x * x, p) + pow(x, symact::lit<3>) +
                                  pow(symact::lit<2> + x * x, symact::lit<-1, 2>));
    std::vector<double> xs{-2.0, -0.5, 0.0, 0.75, 3.0}, y(5), dy(5, 1.0), dx(5);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        double v = xs[i], g;
        auto gr = k.forward_backward(std::span<const double>(&xs[i], 1), std::span<const double>(&dy[i], 1),
                                     std::span<double>(&y[i], 1), std::span<double>(&dx[i], 1), p = 0.75);
        g = gr[p];
        double u = 1 + v * v, w = 2 + v * v;
        CHECK(y[i] == doctest::Approx(std::pow(u, 0.75) + v * v * v + 1 / std::sqrt(w)).epsilon(1e-13));
        CHECK(dx[i] == doctest::Approx(0.75 * std::pow(u, -0.25) * 2 * v + 3 * v * v - v * std::pow(w, -1.5))
                           .epsilon(1e-12));
        CHECK(g == doctest::Approx(std::pow(u, 0.75) * std::log(u)).epsilon(1e-12));
    }
}

TEST_CASE("softplus(beta)'s stable form is softplus(beta x)/beta for either sign of beta") {
    // the catalog writes it max(x, 0) (min for beta < 0) + softplus(-|beta x|)/beta
    const auto k = symact::kernel(act::softplus);
    const std::vector<double> xs = {-30, -3, -0.5, -1e-3, 0, 1e-3, 0.5, 3, 30};
    for (double beta : {-2.0, -0.5, 0.5, 1.0, 3.0}) {
        std::vector<double> y(xs.size()), dy(xs.size(), 1.0), dx(xs.size()), y2(xs.size());
        auto g = k.forward_backward(std::span<const double>(xs), std::span<const double>(dy), std::span<double>(y),
                                    std::span<double>(dx), act::beta = beta);
        double dbeta = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const long double u = static_cast<long double>(beta) * xs[i];
            const long double sp = u > 0 ? u + std::log1p(std::exp(-u)) : std::log1p(std::exp(u));
            const long double sig = 1 / (1 + std::exp(-u));
            INFO("beta=", beta, " x=", xs[i]);
            CHECK(y[i] == doctest::Approx(static_cast<double>(sp / beta)).epsilon(1e-13));
            CHECK(dx[i] == doctest::Approx(static_cast<double>(sig)).epsilon(1e-13));
            dbeta += static_cast<double>(xs[i] * sig / beta - sp / (static_cast<long double>(beta) * beta));
        }
        CHECK(g[act::beta] == doctest::Approx(dbeta).epsilon(1e-9));
    }
}
