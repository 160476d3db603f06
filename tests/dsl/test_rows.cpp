// Row reductions (rowmax, rowsum), their compile-time vector-Jacobian products and the row
// kernels: softmax and log_softmax against direct long-double formulas and long-double
// central finite differences, rows summing to 1 (dx rows to 0), stability at +-1000, rowmax
// ties (split evenly, like the runtime), NaN, errors; strided rows (the middle axis of an
// (outer, cols, inner) array) against the same formulas.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <symact/codegen/graph.hpp>
#include <symact/dsl.hpp>
#include <symact/codegen/parse.hpp>
#include <symact/dsl/catalog.hpp>
#include <symact/dsl/names.hpp>
#include <symact/dsl/reflect.hpp>
#include <symact/dsl/row_kernel.hpp>
#include <symact/error.hpp>

using namespace symact::dsl;
using symact::lit;

namespace {
using LD = long double;

// direct formulas, one row, long double
std::vector<LD> softmax_ld(const std::vector<LD>& x) {
    LD m = -INFINITY, s = 0;
    for (LD v : x) m = std::max(m, v);
    for (LD v : x) s += std::exp(v - m);
    std::vector<LD> y;
    for (LD v : x) y.push_back(std::exp(v - m) / s);
    return y;
}
std::vector<LD> log_softmax_ld(const std::vector<LD>& x) {
    LD m = -INFINITY, s = 0;
    for (LD v : x) m = std::max(m, v);
    for (LD v : x) s += std::exp(v - m);
    std::vector<LD> y;
    for (LD v : x) y.push_back(v - m - std::log(s));
    return y;
}
// sum_i dy_i d y_i / d x_j by central differences of f in long double
template <class F> std::vector<LD> fd_vjp(F f, const std::vector<LD>& x, const std::vector<LD>& dy) {
    std::vector<LD> out(x.size());
    for (std::size_t j = 0; j < x.size(); ++j) {
        const LD h = 1e-6L * std::max(LD(1), std::fabs(x[j]));
        auto xp = x, xm = x;
        xp[j] += h;
        xm[j] -= h;
        auto fp = f(xp), fm = f(xm);
        LD s = 0;
        for (std::size_t i = 0; i < x.size(); ++i) s += dy[i] * (fp[i] - fm[i]);
        out[j] = s / (2 * h);
    }
    return out;
}

template <class S> std::vector<S> random_row(std::size_t n, unsigned seed, double scale) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> u(-scale, scale);
    std::vector<S> v(n);
    for (auto& e : v) e = static_cast<S>(u(g));
    return v;
}
}  // namespace

TEST_CASE_TEMPLATE("softmax of -5..5", S, float, double) {
    const auto k = symact::row_kernel(act::softmax);
    std::vector<S> x(11), y(11);
    for (int i = 0; i < 11; ++i) x[i] = static_cast<S>(i - 5);
    k.forward(1, 11, x, y);
    const double want[] = {0.0, 0.0, 0.0, 0.001, 0.002, 0.004, 0.012, 0.031, 0.086, 0.233, 0.632};
    for (int i = 0; i < 11; ++i) CHECK(std::round(static_cast<double>(y[i]) * 1000) / 1000 == want[i]);
}

TEST_CASE_TEMPLATE("softmax and log_softmax: values, row sums, VJPs against finite differences", S, float, double) {
    const auto sm = symact::row_kernel(act::softmax);
    const auto lsm = symact::row_kernel(act::log_softmax);
    const double tol = sizeof(S) == 4 ? 2e-6 : 1e-12;  // relative to the row's scale
    for (std::size_t cols : {1u, 2u, 7u, 16u, 33u, 257u, 1024u}) {
        CAPTURE(cols);
        const std::size_t rows = 3, n = rows * cols;
        auto x = random_row<S>(n, static_cast<unsigned>(cols), 6.0);
        auto dy = random_row<S>(n, static_cast<unsigned>(cols) + 99, 1.0);
        std::vector<S> y(n), dx(n), y2(n), dx2(n), ly(n), ldx(n);
        sm.forward_backward(rows, cols, x, dy, y, dx);
        sm.forward(rows, cols, x, y2);
        sm.backward(rows, cols, x, dy, dx2);
        lsm.forward_backward(rows, cols, x, dy, ly, ldx);
        for (std::size_t r = 0; r < rows; ++r) {
            std::vector<LD> xr(x.begin() + r * cols, x.begin() + (r + 1) * cols);
            std::vector<LD> dr(dy.begin() + r * cols, dy.begin() + (r + 1) * cols);
            const auto ys = softmax_ld(xr), yl = log_softmax_ld(xr);
            const auto gs = fd_vjp(softmax_ld, xr, dr), gl = fd_vjp(log_softmax_ld, xr, dr);
            LD sum_y = 0, sum_dx = 0, gscale = 0, lscale = 0;
            for (std::size_t j = 0; j < cols; ++j) {
                gscale = std::max(gscale, std::fabs(gs[j]));
                lscale = std::max(lscale, std::fabs(gl[j]));
            }
            gscale = std::max(gscale, LD(1e-3));
            lscale = std::max(lscale, LD(1));
            int bad = 0;
            auto expect = [&](bool ok, const char* what, std::size_t j, LD got, LD want) {
                if (ok) return;
                ++bad;
                MESSAGE(std::string(what) << " row " << r << " col " << j << ": got " << static_cast<double>(got) << ", want "
                             << static_cast<double>(want));
            };
            for (std::size_t j = 0; j < cols; ++j) {
                const std::size_t i = r * cols + j;
                sum_y += y[i];
                sum_dx += dx[i];
                expect(std::fabs(y[i] - ys[j]) <= 4 * tol * ys[j], "softmax", j, y[i], ys[j]);
                expect(std::fabs(ly[i] - yl[j]) <= tol * std::max(LD(1), std::fabs(yl[j])), "log_softmax", j, ly[i], yl[j]);
                expect(std::fabs(dx[i] - gs[j]) <= (sizeof(S) == 4 ? 1e-6 * gscale + 4e-7 : 1e-9 * gscale),
                       "softmax vjp", j, dx[i], gs[j]);
                expect(std::fabs(ldx[i] - gl[j]) <= (sizeof(S) == 4 ? 3e-6 : 1e-9) * lscale, "log_softmax vjp", j,
                       ldx[i], gl[j]);
                // forward and backward alone agree with the fused pass
                expect(std::fabs(y2[i] - y[i]) <= tol * y[i], "forward alone", j, y2[i], y[i]);
                expect(std::fabs(dx2[i] - dx[i]) <= tol * gscale, "backward alone", j, dx2[i], dx[i]);
            }
            CHECK(bad == 0);
            CHECK(static_cast<double>(std::fabs(sum_y - 1)) <= (sizeof(S) == 4 ? 1e-5 : 1e-13) * std::sqrt(double(cols)));
            CHECK(static_cast<double>(std::fabs(sum_dx)) <= (sizeof(S) == 4 ? 1e-6 : 1e-15) * std::sqrt(double(cols)));
        }
    }
}

TEST_CASE_TEMPLATE("large inputs: no overflow, no NaN", S, float, double) {
    const auto sm = symact::row_kernel(act::softmax);
    const auto lsm = symact::row_kernel(act::log_softmax);
    const S big = std::numeric_limits<S>::max() / 4;
    std::vector<S> x = {1000, -1000, 0, 999, 1000, -big, big / 2, 3};
    const std::size_t n = x.size();
    std::vector<S> dy(n, S(0.5)), y(n), dx(n), ly(n), ldx(n);
    dy[0] = 1;
    sm.forward_backward(1, n, x, dy, y, dx);
    lsm.forward_backward(1, n, x, dy, ly, ldx);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(std::isfinite(y[i]));
        CHECK(std::isfinite(dx[i]));
        CHECK(std::isfinite(ly[i]));
        CHECK(std::isfinite(ldx[i]));
    }
    // the max is big/2: every other element's softmax is 0, its log_softmax finite
    CHECK(y[6] == 1);
    CHECK(ly[6] == 0);
    // 1000 vs -1000 alone: [1, 0], log [0, -2000]
    std::vector<S> x2 = {1000, -1000}, y2(2), l2(2);
    sm.forward(1, 2, x2, y2);
    lsm.forward(1, 2, x2, l2);
    CHECK(y2[0] == 1);
    CHECK(y2[1] == 0);
    CHECK(l2[0] == 0);
    CHECK(l2[1] == -2000);
}

TEST_CASE("rowmax splits the adjoint evenly among tied maxima; rowsum gives it to every element") {
    const auto km = symact::row_kernel(rowmax(x));
    std::vector<double> xs = {3, 1, 3, -2, 3, 0}, dy = {1, 2, 3, 4, 5, 6}, dx(6), y(6);
    km.forward_backward(2, 3, xs, dy, y, dx);
    CHECK(y == std::vector<double>{3, 3, 3, 3, 3, 3});
    CHECK(dx == std::vector<double>{3, 0, 3, 0, 15, 0});  // row 1: a tie, 6 split 3/3; row 2's max at 1
    // three tied maxima each get a third (docs/CONVENTIONS.md, like torch.amax)
    std::vector<double> x4 = {2, 2, -1, 2}, d4 = {1, 0, 0, 0.5}, y4(4), dx4(4);
    km.forward_backward(1, 4, x4, d4, y4, dx4);
    CHECK(dx4 == std::vector<double>{0.5, 0.5, 0, 0.5});
    std::vector<float> x4f = {2, 2, -1, 2}, d4f = {1, 0, 0, 0.5}, dx4f(4);
    km.backward(1, 4, x4f, d4f, dx4f);
    CHECK(dx4f == std::vector<float>{0.5f, 0.5f, 0, 0.5f});
    // d/dx of rowsum(x*x) = 2x * sum(dy)
    const auto ks = symact::row_kernel(rowsum(x * x));
    ks.forward_backward(2, 3, xs, dy, y, dx);
    CHECK(y[0] == 19);
    CHECK(y[5] == 13);
    CHECK(dx == std::vector<double>{36, 12, 36, -60, 90, 0});
    // all -inf: the max is -inf, every element ties
    std::vector<double> ni(3, -INFINITY), y3(3), d3(3), one(3, 1.0);
    km.forward_backward(1, 3, ni, one, y3, d3);
    CHECK(y3[0] == -INFINITY);
    CHECK(d3 == std::vector<double>{1, 1, 1});
}

TEST_CASE("stored numbers, a where inside rowsum, a scaled rowmax") {
    // y = 0.5 x S + M with S = sum(relu(x)), M = max(2x):
    // dx_j = 0.5 S dy_j + 0.5 [x_j > 0] sum(dy x) + 2 [j = argmax] sum(dy) (no tie here)
    const auto f = 0.5 * x * rowsum(where(x > 0, x, lit<0>)) + rowmax(x * 2.0);
    const auto k = symact::row_kernel(f);
    std::vector<double> xs{1, -2, 3, 0.5}, dy{1, 1, 1, 1}, y(4), dx(4);
    k.forward_backward(1, 4, xs, dy, y, dx);
    CHECK(y == std::vector<double>{8.25, 1.5, 12.75, 7.125});
    CHECK(dx == std::vector<double>{3.5, 2.25, 11.5, 3.5});
}

TEST_CASE("a composite with rows: VJP against finite differences") {
    // f = x * rowsum(exp(x)) + tanh(rowmax(x) - x), nothing softmax-specific
    constexpr auto f = x * rowsum(exp(x)) + tanh(rowmax(x) - x);
    const auto k = symact::row_kernel(f);
    auto direct = [](const std::vector<LD>& v) {
        LD s = 0, m = -INFINITY;
        for (LD e : v) s += std::exp(e), m = std::max(m, e);
        std::vector<LD> y;
        for (LD e : v) y.push_back(e * s + std::tanh(m - e));
        return y;
    };
    const std::size_t n = 37;
    auto xs = random_row<double>(n, 5, 2.0), dy = random_row<double>(n, 6, 1.0);
    std::vector<double> y(n), dx(n);
    k.forward_backward(1, n, xs, dy, y, dx);
    std::vector<LD> xl(xs.begin(), xs.end()), dl(dy.begin(), dy.end());
    const auto yr = direct(xl), g = fd_vjp(direct, xl, dl);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(y[i] == doctest::Approx(static_cast<double>(yr[i])).epsilon(1e-13));
        CHECK(dx[i] == doctest::Approx(static_cast<double>(g[i])).epsilon(1e-7).scale(1));
    }
}

// Strided rows: (outer, cols, inner) arrays reduced over the middle axis, against the row
// formulas in long double (VJPs: softmax dx = y (dy - sum(dy y)), log_softmax dx = dy -
// softmax sum(dy)) on the gathered rows.
TEST_CASE_TEMPLATE("strided rows: softmax and log_softmax over the middle axis", S, float, double) {
    const auto sm = symact::row_kernel(act::softmax);
    const auto lsm = symact::row_kernel(act::log_softmax);
    const double tol = sizeof(S) == 4 ? 8 * 1.2e-7 : 32 * 2.2e-16;  // 8 and 32 eps (as test_rows_paths.cpp)
    for (std::size_t inner : {1u, 3u, 17u, 100u})
        for (std::size_t cols : {1u, 2u, 5u, 1024u}) {
            CAPTURE(inner);
            CAPTURE(cols);
            const std::size_t outer = cols * inner > 4096 ? 1 : 3, n = outer * cols * inner;
            auto x = random_row<S>(n, static_cast<unsigned>(cols + inner), 8.0);
            auto dy = random_row<S>(n, static_cast<unsigned>(cols * inner), 2.0);
            std::vector<S> y(n), dx(n), ly(n), ldx(n), y1(n), ldx1(n);
            sm.forward_backward(outer, cols, inner, x, dy, y, dx);
            lsm.forward_backward(outer, cols, inner, x, dy, ly, ldx);
            sm.forward(outer, cols, inner, x, y1);
            lsm.backward(outer, cols, inner, x, dy, ldx1);
            // bound: tol (|ref| + s), s the row's scale of each quantity (the terms that cancel;
            // log_softmax's dx = dy - p sum(dy): p times the sum's error bound, sum |dy|)
            int bad = 0;
            for (std::size_t o = 0; o < outer; ++o)
                for (std::size_t i = 0; i < inner; ++i) {
                    std::vector<LD> xr(cols), dr(cols);
                    auto at = [&](std::size_t c) { return (o * cols + c) * inner + i; };
                    for (std::size_t c = 0; c < cols; ++c) xr[c] = x[at(c)], dr[c] = dy[at(c)];
                    const auto p = softmax_ld(xr), lp = log_softmax_ld(xr);
                    LD dot = 0, sdy = 0, sabs = 0, pmax = 0, lmax = 1, dmax = 0;
                    for (std::size_t c = 0; c < cols; ++c) {
                        dot += dr[c] * p[c], sdy += dr[c], sabs += std::fabs(dr[c]);
                        pmax = std::max(pmax, p[c]), lmax = std::max(lmax, std::fabs(lp[c]));
                        dmax = std::max(dmax, std::fabs(dr[c]));
                    }
                    const LD sdx = dmax * std::max(LD(1), pmax), sldx = dmax + pmax * sabs;
                    for (std::size_t c = 0; c < cols; ++c) {
                        const std::size_t e = at(c);
                        const LD gs = p[c] * (dr[c] - dot), gl = dr[c] - p[c] * sdy;
                        const bool ok = std::fabs(y[e] - p[c]) <= tol * (p[c] + pmax) &&
                                        std::fabs(ly[e] - lp[c]) <= tol * (std::fabs(lp[c]) + lmax) &&
                                        std::fabs(dx[e] - gs) <= tol * (std::fabs(gs) + sdx) &&
                                        std::fabs(ldx[e] - gl) <= tol * (std::fabs(gl) + sldx) && y1[e] == y[e] &&
                                        ldx1[e] == ldx[e];
                        if (!ok && bad++ < 3)
                            MESSAGE("(" << o << ", " << c << ", " << i << "): y " << double(y[e]) << " want "
                                        << double(p[c]) << ", dx " << double(dx[e]) << " want " << double(gs)
                                        << ", log y " << double(ly[e]) << " want " << double(lp[c]) << ", log dx "
                                        << double(ldx[e]) << " want " << double(gl));
                    }
                }
            CHECK(bad == 0);
            if (inner == 1) {  // the (rows, cols) calls compute the same
                std::vector<S> y0(n), dx0(n);
                sm.forward_backward(outer, cols, x, dy, y0, dx0);
                CHECK(y0 == y);
                CHECK(dx0 == dx);
            }
        }
}

TEST_CASE_TEMPLATE("strided rows: +-1000 gives no NaN; several tiles; size errors", S, float, double) {
    const auto sm = symact::row_kernel(act::softmax);
    const auto lsm = symact::row_kernel(act::log_softmax);
    const std::size_t outer = 2, cols = 3, inner = 4000, n = outer * cols * inner;  // tiles of ~2700 rows
    std::vector<S> x(n), dy(n), y(n), dx(n), ly(n), ldx(n);
    for (std::size_t e = 0; e < n; ++e) {
        x[e] = e % 3 == 0 ? S(1000) : e % 5 == 0 ? S(-1000) : S(999.5);
        dy[e] = S(0.5) - S(e % 4);
    }
    sm.forward_backward(outer, cols, inner, x, dy, y, dx);
    lsm.forward_backward(outer, cols, inner, x, dy, ly, ldx);
    int bad = 0;
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) {
            S sum = 0;
            for (std::size_t c = 0; c < cols; ++c) {
                const std::size_t e = (o * cols + c) * inner + i;
                bad += !(std::isfinite(y[e]) && std::isfinite(dx[e]) && std::isfinite(ly[e]) && std::isfinite(ldx[e]));
                sum += y[e];
            }
            bad += std::fabs(double(sum) - 1) > 1e-6;
        }
    CHECK(bad == 0);

    std::vector<S> a(24), b(24), c(23);
    CHECK_THROWS_WITH_AS(sm.forward(2, 5, 2, a, b), "symact::row_kernel: an array has 24 elements, not outer * cols * "
                                                    "inner = 2 * 5 * 2 = 20", std::invalid_argument);
    CHECK_THROWS_WITH_AS(sm.forward(2, 4, 3, a, c), "symact::row_kernel: an array has 23 elements, not outer * cols * "
                                                    "inner = 2 * 4 * 3 = 24", std::invalid_argument);
    CHECK_THROWS_WITH_AS(sm.forward(6, 4, 0, a, b), doctest::Contains("inner = 0"), std::invalid_argument);
    const std::size_t big = std::numeric_limits<std::size_t>::max() / 2;
    const std::string overflow = "cols * inner = " + std::to_string(big) + " * 3 overflows";
    CHECK_THROWS_WITH_AS(sm.forward(1, big, 3, a, b), doctest::Contains(overflow.c_str()), std::invalid_argument);
    CHECK_THROWS_WITH_AS(sm.forward(big, 2, 3, a, b), "symact::row_kernel: outer * cols * inner overflows",
                         std::invalid_argument);
    CHECK_THROWS_AS(sm.forward(2, 4, 3, a, std::span<S>(a)), std::invalid_argument);  // in place
    CHECK_NOTHROW(sm.forward(2, 4, 3, a, b));
}

TEST_CASE("NaN in a row; bad arguments") {
    const auto sm = symact::row_kernel(act::softmax);
    std::vector<float> xs = {1, NAN, 2, 1, 2, 3}, y(6);
    sm.forward(2, 3, xs, y);
    for (int i = 0; i < 3; ++i) CHECK(std::isnan(y[i]));
    for (int i = 3; i < 6; ++i) CHECK(std::isfinite(y[i]));
    std::vector<float> short_y(5);
    CHECK_THROWS_AS(sm.forward(2, 3, xs, short_y), std::invalid_argument);
    CHECK_THROWS_AS(sm.forward(2, 3, xs, std::span<float>(xs)), std::invalid_argument);  // in place
    std::vector<float> dy(6), dx(6);
    CHECK_THROWS_AS(sm.forward_backward(2, 3, xs, dy, y, std::span<float>(y)), std::invalid_argument);
    CHECK_NOTHROW(sm.backward(0, 0, std::span<const float>(), std::span<const float>(), std::span<float>()));
}

TEST_CASE("reflection of row reductions: the DSL's softmax/log_softmax are the string names' DAGs") {
    static_assert(detail::runtime_op<symact::ops::RowMax> && detail::runtime_op<symact::ops::RowSum>,
                  "the runtime row ops exist: reflection of rowmax/rowsum must be on");
    // The graph is hash-consed: the same node means the same expression after the core's
    // simplification, so the DSL catalog and codegen/row_functions.cpp cannot drift apart.
    symact::codegen::Graph g;
    CHECK(to_graph(g, act::softmax) == symact::codegen::parse(g, "softmax(x)"));
    CHECK(to_graph(g, act::log_softmax) == symact::codegen::parse(g, "log_softmax(x)"));
    CHECK(to_graph(g, act::softmax) == symact::codegen::parse(g, "exp(x - rowmax(x)) / rowsum(exp(x - rowmax(x)))"));
    CHECK(to_graph(g, rowsum(x * x) + rowmax(x)) == symact::codegen::parse(g, "rowsum(x^2) + rowmax(x)"));
    CHECK_FALSE(to_graph(g, act::softmax) == symact::codegen::parse(g, "log_softmax(x)"));
    // the string name goes to the core's definition, with catalog options or without
    CHECK(symact::codegen::parse(g, "softmax(x)", catalog_parse_options()) == to_graph(g, act::softmax));
}
