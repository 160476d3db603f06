// RReLU: direct loops, determinism, chunking, backward = the forward's slopes, and the slope
// distribution (Kolmogorov-Smirnov against U(lower, upper), mean, variance, lag-1 correlation).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <symact/nn/rrelu.hpp>

using namespace symact::nn;

namespace {

// Element i's slope written out from the definition, independently of the layer's helpers:
// Philox call index/4 (float: word index%4) or index/2 (double: words 2*(index%2) and the next).
template <class T>
T slope_by_hand(std::uint64_t seed, std::uint64_t index, double lower, double upper) {
    const std::uint64_t per = sizeof(T) == 4 ? 4 : 2, call = index / per, w = index % per;
    const philox_ctr r = philox4x32_10({std::uint32_t(call), std::uint32_t(call >> 32), 0x52524C55u, 0u},
                                       {std::uint32_t(seed), std::uint32_t(seed >> 32)});
    T u;
    if constexpr (sizeof(T) == 4)
        u = T(r[w] >> 8) / T(16777216);
    else
        u = T((std::uint64_t(r[2 * w]) << 21) | (r[2 * w + 1] >> 11)) / T(9007199254740992.0);
    return std::fma(T(upper) - T(lower), u, T(lower));
}

template <class T>
std::vector<T> inputs(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> d(-3, 3);
    std::vector<T> v(n);
    for (auto& x : v) x = T(d(gen));
    if (n > 3) v[1] = 0, v[2] = T(-0.0);
    return v;
}

}  // namespace

TEST_CASE_TEMPLATE("rrelu training matches a direct loop; backward uses the forward's slopes", T, float, double) {
    for (std::size_t n : {1, 2, 3, 7, 64, 1001})
      for (std::uint64_t offset : {0ull, 1ull, 2ull, 3ull, 77ull, 0xfffffffeull}) {
        rrelu_options o;
        o.training = true;
        o.seed = 12345;
        o.offset = offset;
        const auto x = inputs<T>(n, unsigned(n));
        const auto dy = inputs<T>(n, unsigned(n + 1));
        std::vector<T> y(n), dx(n), a(n);
        rrelu_forward<T>(x, y, o);
        rrelu_backward<T>(x, dy, dx, o);
        rrelu_slopes<T>(a, o);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const T s = slope_by_hand<T>(o.seed, o.offset + i, o.lower, o.upper);
            if (a[i] != s) ++bad;
            if (y[i] != (x[i] > 0 ? x[i] : s * x[i])) ++bad;
            if (dx[i] != (x[i] > 0 ? dy[i] : s * dy[i])) ++bad;
            // what the forward did, read back from its output
            if (x[i] < 0 && y[i] / x[i] != s && std::abs(y[i] / x[i] - s) > 4 * std::numeric_limits<T>::epsilon())
                ++bad;
        }
        CHECK(bad == 0);
      }
}

TEST_CASE_TEMPLATE("rrelu inference uses (lower + upper)/2", T, float, double) {
    rrelu_options o;
    o.lower = 0.1;
    o.upper = 0.3;
    const auto x = inputs<T>(33, 5);
    const auto dy = inputs<T>(33, 6);
    std::vector<T> y(33), dx(33);
    rrelu_forward<T>(x, y, o);
    rrelu_backward<T>(x, dy, dx, o);
    const T s = T(0.2);
    for (std::size_t i = 0; i < x.size(); ++i) {
        CHECK(y[i] == (x[i] > 0 ? x[i] : s * x[i]));
        CHECK(dx[i] == (x[i] > 0 ? dy[i] : s * dy[i]));
    }
}

TEST_CASE("rrelu: deterministic per seed, different across seeds, chunk-invariant") {
    const std::size_t n = 4096;
    const std::vector<double> x(n, -1.0);
    rrelu_options o;
    o.training = true;
    o.seed = 42;
    std::vector<double> y1(n), y2(n), y3(n), chunked(n);
    rrelu_forward<double>(x, y1, o);
    rrelu_forward<double>(x, y2, o);
    CHECK(y1 == y2);
    o.seed = 43;
    rrelu_forward<double>(x, y3, o);
    std::size_t same = 0;
    for (std::size_t i = 0; i < n; ++i) same += y1[i] == y3[i];
    CHECK(same == 0);
    // two chunks with offsets reproduce the whole call
    o.seed = 42;
    // splits inside a Philox call (999 = 2*499 + 1, 1001), at one (1000), with 1-element chunks
    for (std::size_t cut : {1, 999, 1000, 1001, 4095}) {
        std::fill(chunked.begin(), chunked.end(), 0.0);
        o.offset = 0;
        rrelu_forward<double>(std::span(x).first(cut), std::span(chunked).first(cut), o);
        o.offset = cut;
        rrelu_forward<double>(std::span(x).subspan(cut), std::span(chunked).subspan(cut), o);
        CHECK(chunked == y1);
    }
    std::vector<float> xf(4096, -1.0f), yf(4096), chunked_f(4096);
    o.offset = 0;
    rrelu_forward<float>(xf, yf, o);
    for (std::size_t cut : {1, 3, 5, 1022, 4093}) {
        o.offset = 0;
        rrelu_forward<float>(std::span(xf).first(cut), std::span(chunked_f).first(cut), o);
        o.offset = cut;
        rrelu_forward<float>(std::span(xf).subspan(cut), std::span(chunked_f).subspan(cut), o);
        CHECK(chunked_f == yf);
    }
}

TEST_CASE_TEMPLATE("rrelu slopes are U(lower, upper): KS, mean, variance, lag-1 correlation (200000, seed 2024)",
                   T, float, double) {
    constexpr std::size_t n = 200000;
    rrelu_options o;
    o.training = true;
    o.seed = 2024;
    o.lower = 0.1;
    o.upper = 0.4;
    std::vector<T> a(n);
    rrelu_slopes<T>(a, o);
    const double lo = o.lower, w = o.upper - o.lower;
    std::vector<double> v(a.begin(), a.end());
    CHECK(*std::min_element(v.begin(), v.end()) >= lo);
    CHECK(*std::max_element(v.begin(), v.end()) <= o.upper);
    std::sort(v.begin(), v.end());
    double d = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double f = (v[i] - lo) / w;
        d = std::max({d, f - double(i) / n, double(i + 1) / n - f});
    }
    // Kolmogorov-Smirnov: D_n > 1.95/sqrt(n) has probability 0.001 for a true U(lower, upper)
    CHECK(d < 1.95 / std::sqrt(double(n)));
    double mean = 0;
    for (T s : a) mean += s;
    mean /= n;
    double m2 = 0, lag = 0;
    for (std::size_t i = 0; i < n; ++i) {
        m2 += (a[i] - mean) * (a[i] - mean);
        if (i > 0) lag += (a[i] - mean) * (a[i - 1] - mean);
    }
    const double var = m2 / (n - 1), want_var = w * w / 12;
    // 5 standard errors: sd(mean) = w/sqrt(12n); sd(s^2) = sqrt((mu4 - sigma^4)/n), mu4 = w^4/80
    CHECK(std::abs(mean - (o.lower + o.upper) / 2) < 5 * w / std::sqrt(12.0 * n));
    CHECK(std::abs(var - want_var) < 5 * std::sqrt((std::pow(w, 4) / 80 - want_var * want_var) / n));
    CHECK(std::abs(lag / m2) < 5 / std::sqrt(double(n)));
}

TEST_CASE("rrelu: bad options and sizes are clear errors") {
    std::vector<float> x(4), y(4), dx(3);
    rrelu_options o;
    o.lower = 0.5;
    o.upper = 0.25;
    CHECK_THROWS_WITH(rrelu_forward<float>(x, y, o), "rrelu: lower = 0.5 is greater than upper = 0.25");
    o.lower = std::nan("");
    CHECK_THROWS_WITH(rrelu_forward<float>(x, y, o), "rrelu: lower = nan and upper = 0.25 must be finite");
    CHECK_THROWS_WITH(rrelu_backward<float>(x, y, dx, rrelu_options{}), "rrelu: dx has 3 elements, expected 4");
    o.lower = -1e39;
    o.upper = 0;
    CHECK_THROWS_WITH(rrelu_forward<float>(x, y, o), "rrelu: lower = -1e+39 and upper = 0 overflow float32");
    std::vector<double> xd(4), yd(4);
    CHECK_NOTHROW(rrelu_forward<double>(xd, yd, o));
}
