// Strided row kernels (jit/symact/jit/rows.hpp): the reduction axis in the middle of an
// (outer, cols, inner) row-major array, e.g. softmax over the channels of NCHW data. softmax
// and log_softmax against a direct double-precision loop (forward and VJP), the same bits as
// the transposed data through inner = 1, in place, +-1000, several tiles, concurrent calls
// (each thread its own block buffer), and the errors.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "symact/error.hpp"
#include "helpers.hpp"
#include "symact/jit/rows.hpp"

using namespace symact;

namespace {

using test::message_of;

template <class T> jit::Options options() {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    return o;
}

// softmax or log_softmax over the middle axis and their VJPs, in double, row by row.
template <class T>
void reference(bool log, const std::vector<T>& x, const std::vector<T>& dy, std::size_t cols,
               std::size_t inner, std::vector<double>& y, std::vector<double>& dx) {
    y.assign(x.size(), 0);
    dx.assign(x.size(), 0);
    const std::size_t outer = x.size() / (cols * inner);
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) {
            auto at = [&](std::size_t c) { return (o * cols + c) * inner + i; };
            double m = -std::numeric_limits<double>::infinity(), s = 0, sdy = 0, dot = 0;
            for (std::size_t c = 0; c < cols; ++c) m = std::max(m, double(x[at(c)]));
            for (std::size_t c = 0; c < cols; ++c) s += std::exp(double(x[at(c)]) - m);
            for (std::size_t c = 0; c < cols; ++c) {
                const double p = std::exp(double(x[at(c)]) - m) / s;
                sdy += double(dy[at(c)]);
                dot += double(dy[at(c)]) * p;
            }
            for (std::size_t c = 0; c < cols; ++c) {
                const double p = std::exp(double(x[at(c)]) - m) / s;
                y[at(c)] = log ? double(x[at(c)]) - m - std::log(s) : p;
                dx[at(c)] = log ? double(dy[at(c)]) - p * sdy : p * (double(dy[at(c)]) - dot);
            }
        }
}

template <class T>
void check_softmax(const char* text, std::size_t outer, std::size_t cols, std::size_t inner, double scale) {
    CAPTURE(text);
    CAPTURE(sizeof(T));
    CAPTURE(outer);
    CAPTURE(cols);
    CAPTURE(inner);
    const auto k = jit::compile_rows(text, options<T>());
    const std::size_t n = outer * cols * inner;
    std::mt19937_64 rng(n * 7 + cols);
    std::uniform_real_distribution<double> u(-scale, scale), d(-2, 2);
    std::vector<T> x(n), dy(n), y(n), dx(n), y2(n), dx2(n);
    for (auto& v : x) v = static_cast<T>(u(rng));
    for (auto& v : dy) v = static_cast<T>(d(rng));
    k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx), cols, inner);
    k.forward(std::span<const T>(x), std::span<T>(y2), cols, inner);
    k.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx2), cols, inner);
    std::vector<double> ry, rdx;
    reference(std::string(text) == "log_softmax", x, dy, cols, inner, ry, rdx);
    const double tol = sizeof(T) == 4 ? 3e-5 : 1e-12;
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool ok = std::isfinite(y[i]) && std::isfinite(dx[i]) &&
                        std::fabs(double(y[i]) - ry[i]) <= tol * (1 + std::fabs(ry[i])) &&
                        std::fabs(double(dx[i]) - rdx[i]) <= tol * (1 + std::fabs(rdx[i])) && y2[i] == y[i] &&
                        dx2[i] == dx[i];
        if (!ok && bad++ < 3) {
            CAPTURE(i);
            CHECK(double(y[i]) == doctest::Approx(ry[i]));
            CHECK(double(dx[i]) == doctest::Approx(rdx[i]));
            CHECK(y2[i] == y[i]);
            CHECK(dx2[i] == dx[i]);
        }
    }
    CHECK(bad == 0);
}

// (outer, cols, inner) -> (outer*inner, cols): each strided row made contiguous.
template <class T> std::vector<T> transpose(const std::vector<T>& v, std::size_t cols, std::size_t inner) {
    std::vector<T> t(v.size());
    const std::size_t outer = v.size() / (cols * inner);
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t c = 0; c < cols; ++c)
            for (std::size_t i = 0; i < inner; ++i) t[(o * inner + i) * cols + c] = v[(o * cols + c) * inner + i];
    return t;
}

}  // namespace

TEST_CASE("strided rows: softmax and log_softmax over the middle axis = a direct double loop") {
    for (const char* text : {"softmax", "log_softmax"})
        for (std::size_t inner : {1u, 3u, 17u, 100u})
            for (std::size_t cols : {1u, 2u, 5u, 1024u}) {
                const std::size_t outer = cols * inner > 4096 ? 1 : 3;
                check_softmax<float>(text, outer, cols, inner, 8);
                check_softmax<double>(text, outer, cols, inner, 8);
            }
}

TEST_CASE("strided rows: the same bits as the transposed data through inner = 1 (several tiles)") {
    // (cols, inner): one tile, a tile and a partial one, many tiles of long rows
    const std::pair<std::size_t, std::size_t> shapes[] = {{5, 7}, {2, 5000}, {300, 40}, {1024, 33}};
    for (const char* text : {"softmax", "x^2*rowsum(sin(x)) + tanh(x) - rowmax(x)"})
        for (auto [cols, inner] : shapes) {
            CAPTURE(text);
            CAPTURE(cols);
            CAPTURE(inner);
            const auto k = jit::compile_rows(text, options<float>());
            const std::size_t n = 2 * cols * inner;
            std::mt19937 rng(static_cast<unsigned>(n));
            std::uniform_real_distribution<float> u(-4, 4);
            std::vector<float> x(n), dy(n), y(n), dx(n);
            for (auto& v : x) v = u(rng);
            for (auto& v : dy) v = u(rng);
            k.forward_backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y),
                               std::span<float>(dx), cols, inner);
            auto xt = transpose(x, cols, inner), dyt = transpose(dy, cols, inner);
            std::vector<float> yt(n), dxt(n);
            k.forward_backward(std::span<const float>(xt), std::span<const float>(dyt), std::span<float>(yt),
                               std::span<float>(dxt), cols, 1);
            CHECK(transpose(y, cols, inner) == yt);
            CHECK(transpose(dx, cols, inner) == dxt);
        }
    // inner = 1 is the (rows, cols) call
    const auto k = jit::compile_rows("log_softmax", options<double>());
    std::vector<double> x(60), a(60), b(60);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(double(i));
    k.forward(std::span<const double>(x), std::span<double>(a), 12);
    k.forward(std::span<const double>(x), std::span<double>(b), 12, 1);
    CHECK(a == b);
}

TEST_CASE("strided rows: in place (y = x, dx = dy), and +-1000 gives no NaN") {
    const std::size_t cols = 6, inner = 50, n = 3 * cols * inner;
    for (const char* text : {"softmax", "log_softmax"}) {
        CAPTURE(text);
        const auto k = jit::compile_rows(text, options<double>());
        std::vector<double> x(n), dy(n), y(n), dx(n);
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = i % 7 == 0 ? 1000.0 : i % 5 == 0 ? -1000.0 : std::cos(double(i)) * 999;
            dy[i] = 0.25 * double(i % 9) - 1;
        }
        k.forward_backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(y),
                           std::span<double>(dx), cols, inner);
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(std::isfinite(y[i]));
            REQUIRE(std::isfinite(dx[i]));
        }
        auto x2 = x, dy2 = dy, x3 = x, dy3 = dy;
        k.forward(std::span<const double>(x2), std::span<double>(x2), cols, inner);
        k.backward(std::span<const double>(x), std::span<const double>(dy2), std::span<double>(dy2), cols, inner);
        CHECK(x2 == y);
        CHECK(dy2 == dx);
        k.forward_backward(std::span<const double>(x3), std::span<const double>(dy3), std::span<double>(x3),
                           std::span<double>(dy3), cols, inner);
        CHECK(x3 == y);
        CHECK(dy3 == dx);
    }
}

TEST_CASE("strided rows: size errors") {
    const auto k = jit::compile_rows("softmax", options<float>());
    std::vector<float> x(24), y(24), dy(23);
    auto fwd = [&](std::size_t cols, std::size_t inner) {
        return message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), cols, inner); });
    };
    CHECK(fwd(5, 2).find("forward: 24 values do not split into (outer, cols = 5, inner = 2) blocks of 10") !=
          std::string::npos);
    CHECK(fwd(5, 1).find("forward: 24 values do not split into rows of 5") != std::string::npos);
    CHECK(fwd(4, 0).find("forward: inner = 0") != std::string::npos);
    CHECK(fwd(0, 3).find("forward: rows of 0 columns") != std::string::npos);
    const std::size_t big = std::numeric_limits<std::size_t>::max() / 2;
    CHECK(fwd(big, 3).find("forward: cols * inner = " + std::to_string(big) + " * 3 overflows") != std::string::npos);
    CHECK(message_of([&] {
              k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y), 4, 3);
          }).find("backward: x has 24 elements but dy has 23") != std::string::npos);
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), 4, -2); })
              .find("inner = -2 is negative") != std::string::npos);
    // a braced {} after cols is still "no parameters" (inner is an integer template argument)
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), 4, {}); }) == "(no error)");
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), 4, 3u, {}); }) == "(no error)");
    CHECK(fwd(4, 3) == "(no error)");
    CHECK(fwd(24, 1) == "(no error)");
    CHECK(fwd(1, 24) == "(no error)");  // rows of one
}

TEST_CASE("strided rows: concurrent calls on one kernel give each thread's single-threaded bits") {
    const auto k = jit::compile_rows("log_softmax", options<float>());
    const std::size_t cols = 24, inner = 300, n = 2 * cols * inner;
    constexpr int threads = 4;
    std::vector<std::vector<float>> x(threads, std::vector<float>(n)), want(threads, std::vector<float>(n)),
        got(threads, std::vector<float>(n));
    for (int t = 0; t < threads; ++t) {
        for (std::size_t e = 0; e < n; ++e) x[t][e] = std::sin(float(e) * 0.01f * float(t + 1));
        k.forward(std::span<const float>(x[t]), std::span<float>(want[t]), cols, inner);
    }
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            for (int rep = 0; rep < 3; ++rep)
                k.forward(std::span<const float>(x[t]), std::span<float>(got[t]), cols, inner);
        });
    for (auto& th : ts) th.join();
    for (int t = 0; t < threads; ++t) CHECK(got[t] == want[t]);
}
