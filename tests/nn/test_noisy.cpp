// Noisy hard-sigmoid / hard-tanh (Gulcehre et al. 2016): inference = the deterministic formula,
// training noise only where the unit saturates and scaled by sigma(x), per-seed determinism,
// backward = finite differences of the forward at fixed noise, dp likewise.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <symact/nn/noisy.hpp>

using namespace symact::nn;

namespace {

struct hard {
    double h, u;
};
hard hard_parts(noisy_kind k, double x) {
    if (k == noisy_kind::hard_sigmoid) return {std::clamp(0.25 * x + 0.5, 0.0, 1.0), 0.25 * x + 0.5};
    return {std::clamp(x, -1.0, 1.0), x};
}
double sgn(double v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }

// The paper's phi with a given eps, in double with std:: functions.
double phi(noisy_kind k, const noisy_options& o, double x, double eps) {
    const hard p = hard_parts(k, x);
    const double delta = p.h - p.u;
    const double s = 1 / (1 + std::exp(-o.p * delta)) - 0.5;
    return o.alpha * p.h + (1 - o.alpha) * p.u - sgn(x) * sgn(1 - o.alpha) * o.c * s * s * eps;
}
double sigma(noisy_kind k, const noisy_options& o, double x) {
    const hard p = hard_parts(k, x);
    const double s = 1 / (1 + std::exp(-o.p * (p.h - p.u))) - 0.5;
    return o.c * s * s;
}

const noisy_kind kinds[] = {noisy_kind::hard_sigmoid, noisy_kind::hard_tanh};
noisy_options defaults(noisy_kind k) {
    return k == noisy_kind::hard_sigmoid ? noisy_hardsigmoid_defaults() : noisy_hardtanh_defaults();
}
double edge(noisy_kind k) { return k == noisy_kind::hard_sigmoid ? 2.0 : 1.0; }  // where saturation starts

std::vector<double> grid(double lo, double hi, std::size_t n) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * double(i) / double(n - 1);
    return v;
}

}  // namespace

TEST_CASE_TEMPLATE("noisy inference equals the deterministic formula (eps = E[eps])", T, float, double) {
    for (noisy_kind k : kinds)
        for (bool half : {false, true})
            for (double alpha : {0.9, 1.0, 1.15}) {
                noisy_options o = defaults(k);
                o.half_normal = half;
                o.alpha = alpha;
                o.p = 1.7;
                const auto xd = grid(-9, 9, 181);
                std::vector<T> x(xd.begin(), xd.end()), y(x.size());
                noisy_forward<T>(k, x, y, o);
                const double e = half ? std::sqrt(2 / M_PI) : 0;
                const double tol = sizeof(T) == 4 ? 2e-6 : 1e-14;
                for (std::size_t i = 0; i < x.size(); ++i) {
                    const double want = phi(k, o, double(x[i]), e);
                    CHECK(std::abs(double(y[i]) - want) <= tol * (1 + std::abs(want)));
                }
            }
}

TEST_CASE_TEMPLATE("noisy training: no noise where unsaturated, noise scaled by sigma(x) where saturated", T, float,
                   double) {
    for (noisy_kind k : kinds)
        for (bool half : {false, true}) {
            noisy_options o = defaults(k);
            o.half_normal = half;
            o.training = true;
            o.seed = 99;
            CAPTURE(noisy_name(k));
            CAPTURE(half);
            // unsaturated: exactly the noise-free value (sigma = 0)
            {
                const auto xd = grid(-edge(k) + 0.01, edge(k) - 0.01, 501);
                std::vector<T> x(xd.begin(), xd.end()), y(x.size()), ref(x.size());
                noisy_forward<T>(k, x, y, o);
                noisy_options det = o;
                det.training = false;
                det.half_normal = false;
                noisy_forward<T>(k, x, ref, det);
                CHECK(y == ref);
            }
            // saturated: 40000 draws at each of several x; (y - noise-free)/sigma has the moments of
            // eps times d(x) (d = sgn(x) for alpha > 1): std 1 (normal) or mean sqrt(2/pi) (half-normal)
            for (double xv : {edge(k) + 0.3, edge(k) + 2, edge(k) + 8, -edge(k) - 1, -edge(k) - 6}) {
                constexpr std::size_t n = 40000;
                std::vector<T> x(n, T(xv)), y(n);
                noisy_forward<T>(k, x, y, o);
                const double base = phi(k, o, double(T(xv)), 0), sd = sigma(k, o, double(T(xv)));
                REQUIRE(sd > 0);
                double m1 = 0, m2 = 0;
                std::size_t wrong_side = 0;
                for (T v : y) {
                    const double e = (double(v) - base) / (sd * sgn(xv));
                    m1 += e;
                    m2 += e * e;
                    wrong_side += half && e < (sizeof(T) == 4 ? -0.02 : -1e-6);  // float: y's rounding / sigma
                }
                m1 /= n;
                m2 /= n;
                CAPTURE(xv);
                if (half) {
                    CHECK(wrong_side == 0);
                    CHECK(std::abs(m1 - std::sqrt(2 / M_PI)) < 0.02);
                } else {
                    CHECK(std::abs(m1) < 0.03);
                }
                CHECK(std::abs(m2 - 1) < 0.05);  // E[eps^2] = 1 for both
            }
        }
}

TEST_CASE("noisy training is deterministic per seed, differs across seeds, and is chunk-invariant") {
    for (noisy_kind k : kinds) {
        noisy_options o = defaults(k);
        o.training = true;
        o.seed = 5;
        const auto x = grid(-9, 9, 1001);
        std::vector<double> a(1001), b(1001), c(1001), chunked(1001), dy(1001, 1.5), dx(1001), dx_chunked(1001);
        noisy_forward<double>(k, x, a, o);
        noisy_forward<double>(k, x, b, o);
        CHECK(a == b);
        o.seed = 6;
        noisy_forward<double>(k, x, c, o);
        std::size_t same = 0, saturated = 0;
        for (std::size_t i = 0; i < 1001; ++i) {
            const bool sat = std::abs(x[i]) > edge(k);
            saturated += sat;
            same += sat && a[i] == c[i];
        }
        CHECK(saturated > 500);
        CHECK(same == 0);
        // chunks at odd boundaries (vector body vs scalar tail) give the same bits
        o.seed = 5;
        noisy_backward<double>(k, x, dy, dx, o);
        for (std::size_t lo : {std::size_t(0), std::size_t(333), std::size_t(334)}) {
            const std::size_t hi = lo == 0 ? 333 : lo == 333 ? 334 : 1001;
            o.offset = lo;
            noisy_forward<double>(k, std::span(x).subspan(lo, hi - lo), std::span(chunked).subspan(lo, hi - lo), o);
            noisy_backward<double>(k, std::span(x).subspan(lo, hi - lo), std::span<const double>(dy).subspan(lo, hi - lo),
                                   std::span(dx_chunked).subspan(lo, hi - lo), o);
        }
        CHECK(chunked == a);
        CHECK(dx_chunked == dx);
    }
}

TEST_CASE("noisy backward matches central differences of the forward at fixed noise (x and p)") {
    for (noisy_kind k : kinds)
        for (bool training : {false, true})
            for (bool half : {false, true})
                for (double alpha : {0.85, 1.15}) {
                    noisy_options o = defaults(k);
                    o.training = training;
                    o.half_normal = half;
                    o.alpha = alpha;
                    o.p = 1.3;
                    o.seed = 11;
                    // away from the kinks (0 and the saturation edges) by more than the step
                    std::vector<double> x;
                    for (double v : grid(-7.9, 7.9, 80))
                        if (std::abs(std::abs(v) - edge(k)) > 1e-3 && std::abs(v) > 1e-3) x.push_back(v);
                    const std::size_t n = x.size();
                    std::vector<double> dy(n), dx(n), yp(n), ym(n), xp(n), xm(n);
                    for (std::size_t i = 0; i < n; ++i) dy[i] = 0.5 + double(i % 3);
                    noisy_backward<double>(k, x, dy, dx, o);
                    const double h = 1e-6;
                    for (std::size_t i = 0; i < n; ++i) xp[i] = x[i] + h, xm[i] = x[i] - h;
                    noisy_forward<double>(k, xp, yp, o);
                    noisy_forward<double>(k, xm, ym, o);
                    std::size_t bad = 0;
                    double dp_fd = 0;
                    for (std::size_t i = 0; i < n; ++i) {
                        const double fd = dy[i] * (yp[i] - ym[i]) / (2 * h);
                        if (std::abs(fd - dx[i]) > 1e-6 * (1 + std::abs(fd))) ++bad;
                    }
                    CHECK(bad == 0);
                    // d/dp of sum(dy*phi)
                    noisy_options op = o, om = o;
                    op.p += h;
                    om.p -= h;
                    std::vector<double> y1(n), y2(n);
                    noisy_forward<double>(k, x, y1, op);
                    noisy_forward<double>(k, x, y2, om);
                    for (std::size_t i = 0; i < n; ++i) dp_fd += dy[i] * (y1[i] - y2[i]) / (2 * h);
                    const double dp = noisy_grad_p<double>(k, x, dy, o);
                    CHECK(std::abs(dp - dp_fd) <= 1e-6 * (1 + std::abs(dp_fd)));
                }
}

TEST_CASE("noisy float32 follows float64 (same counters, noise within float rounding)") {
    for (noisy_kind k : kinds) {
        noisy_options o = defaults(k);
        o.training = true;
        o.seed = 3;
        const auto xd = grid(-6, 6, 257);
        std::vector<float> xf(xd.begin(), xd.end()), yf(xd.size()), dyf(xd.size(), 1.0f), dxf(xd.size());
        std::vector<double> x(xf.begin(), xf.end()), y(x.size()), dy(x.size(), 1.0), dx(x.size());
        noisy_forward<float>(k, xf, yf, o);
        noisy_forward<double>(k, x, y, o);
        noisy_backward<float>(k, xf, dyf, dxf, o);
        noisy_backward<double>(k, x, dy, dx, o);
        for (std::size_t i = 0; i < x.size(); ++i) {
            CHECK(std::abs(double(yf[i]) - y[i]) < 1e-5 * (1 + std::abs(y[i])));
            CHECK(std::abs(double(dxf[i]) - dx[i]) < 1e-5 * (1 + std::abs(dx[i])));
        }
    }
}

TEST_CASE("noisy: NaN propagates, bad parameters are clear errors") {
    for (noisy_kind k : kinds) {
        noisy_options o = defaults(k);
        o.training = true;
        const std::vector<double> x = {std::nan("")};
        std::vector<double> y(1), dx(1);
        noisy_forward<double>(k, x, y, o);
        CHECK(std::isnan(y[0]));
        o.c = -1;
        CHECK_THROWS_WITH(noisy_forward<double>(k, x, y, o),
                          doctest::Contains("c = -1 is negative (it scales a standard deviation)"));
        o.c = 0.5;
        o.p = INFINITY;
        CHECK_THROWS_WITH(noisy_forward<double>(k, x, y, o), doctest::Contains("must be finite in float64"));
        o.p = 1e39;
        const std::vector<float> xf = {1.0f};
        std::vector<float> yf(1);
        CHECK_THROWS_WITH(noisy_forward<float>(k, xf, yf, o), doctest::Contains("must be finite in float32"));
        CHECK_THROWS_WITH(noisy_backward<double>(k, x, x, std::span<double>(dx).first(0), defaults(k)),
                          doctest::Contains("dx has 0 elements, expected 1"));
    }
}
