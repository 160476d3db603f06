// Row functions: rowmax/rowsum, softmax and log_softmax, their symbolic vector-Jacobian
// products (reverse mode) against long double finite differences, stability at +-1000,
// and the errors of elementwise-only paths.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "symact/codegen/diff.hpp"
#include "symact/codegen/vjp.hpp"

using namespace symact::codegen;

namespace {

template <class T>
std::vector<std::vector<T>> rows(std::span<const Expr> roots, const std::vector<T>& x,
                                 const std::vector<T>& dy, std::size_t cols, const ParamValues& p = {}) {
    return evaluate_rows<T>(roots, x, dy, cols, p);
}

// L(x) = sum_i dy_i f_i(x) in long double; dL/dx_j by a Richardson central difference.
std::vector<long double> fd_vjp(Expr f, const std::vector<double>& x, const std::vector<double>& dy,
                                std::size_t cols) {
    Expr roots[] = {f};
    std::vector<long double> xl(x.begin(), x.end()), dl(dy.begin(), dy.end());
    auto L = [&](const std::vector<long double>& v) {
        auto y = rows<long double>(roots, v, {}, cols)[0];
        long double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += dl[i] * y[i];
        return s;
    };
    std::vector<long double> out(x.size());
    for (std::size_t j = 0; j < x.size(); ++j) {
        auto D = [&](long double h) {
            auto a = xl, b = xl;
            a[j] += h, b[j] -= h;
            return (L(a) - L(b)) / (2 * h);
        };
        long double h = 1e-3L;
        out[j] = (4 * D(h / 2) - D(h)) / 3;
    }
    return out;
}

std::vector<double> random_values(std::mt19937_64& rng, std::size_t n, double lo, double hi) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> v(n);
    for (auto& x : v) x = u(rng);
    return v;
}

std::size_t count_op(Expr e, Op op) {
    Expr roots[] = {e};
    std::size_t n = 0;
    for (auto id : topological_order(roots)) n += e.g->node(id).op == op;
    return n;
}

}  // namespace

TEST_CASE("rowmax and rowsum parse, print, and softmax / log_softmax expand to them") {
    Function a("exp(x - rowmax(x)) / rowsum(exp(x - rowmax(x)))");
    Function b("softmax");
    Function c("softmax(x)");
    CHECK(to_string(a.f()) == to_string(b.f()));
    CHECK(to_string(b.f()) == to_string(c.f()));
    CHECK(to_string(a.f()) == "exp(x - rowmax(x))/rowsum(exp(x - rowmax(x)))");
    Function d("log_softmax");
    CHECK(to_string(d.f()) == to_string(Function("x - rowmax(x) - log(rowsum(exp(x - rowmax(x))))").f()));
    CHECK(a.is_row_function());
    CHECK(!Function("x*sigmoid(x)").is_row_function());
    CHECK(!Function("rowmax(2) + x").is_row_function());  // simplified away
    CHECK(test::parse_error("rowmax(x, 1)").find("rowmax takes 1 argument, got 2") != std::string::npos);
    CHECK(test::parse_error("softmax(x, 2)").find("softmax takes 1 argument, got 2") != std::string::npos);
    CHECK(test::parse_error("softmx(x)").find("did you mean 'softmax'") != std::string::npos);
}

TEST_CASE("softmax of -5..5 rounded to 3 decimals (the issue's reference values)") {
    Function fn("softmax");
    std::vector<double> x;
    for (int i = -5; i <= 5; ++i) x.push_back(i);
    Expr roots[] = {fn.f()};
    auto y = rows<double>(roots, x, {}, x.size())[0];
    const double want[] = {0.0, 0.0, 0.0, 0.001, 0.002, 0.004, 0.012, 0.031, 0.086, 0.233, 0.632};
    for (std::size_t i = 0; i < x.size(); ++i) {
        CAPTURE(i);
        CHECK(std::fabs(std::round(y[i] * 1000) / 1000 - want[i]) < 1e-12);
    }
}

TEST_CASE("softmax rows sum to 1, their dx rows to 0; rows are independent") {
    Function fn("softmax");
    Expr roots[] = {fn.f(), fn.vjp()};
    std::mt19937_64 rng(7);
    const std::size_t R = 5, C = 9;
    auto x = random_values(rng, R * C, -6, 6), dy = random_values(rng, R * C, -2, 2);
    auto v = rows<double>(roots, x, dy, C);
    for (std::size_t r = 0; r < R; ++r) {
        double s = 0, ds = 0;
        for (std::size_t i = 0; i < C; ++i) s += v[0][r * C + i], ds += v[1][r * C + i];
        CAPTURE(r);
        CHECK(s == doctest::Approx(1).epsilon(1e-14));
        CHECK(std::fabs(ds) < 1e-14);
        // the same row alone gives the same values
        std::vector<double> xr(x.begin() + r * C, x.begin() + (r + 1) * C),
            dr(dy.begin() + r * C, dy.begin() + (r + 1) * C);
        auto one = rows<double>(roots, xr, dr, C);
        for (std::size_t i = 0; i < C; ++i) CHECK(one[1][i] == v[1][r * C + i]);
    }
}

TEST_CASE("VJPs agree with long double finite differences") {
    const char* exprs[] = {
        "softmax", "log_softmax",
        "x - rowmax(x)",                      // rowmax's adjoint does not cancel here
        "x^2 * rowsum(sin(x)) + tanh(x)",     // a reduction times an elementwise factor
        "exp(x) / rowsum(exp(x))",            // softmax without the shift
        "log(rowsum(exp(x - rowmax(x)))) + rowmax(x)",  // logsumexp, broadcast
        "softmax(2*x + rowsum(x^2)/10)",      // nested reductions inside softmax
        "sigmoid(x - rowsum(x)/rowsum(1))",   // centring by the row mean
    };
    std::mt19937_64 rng(11);
    for (const char* text : exprs) {
        Function fn(text);
        Expr d = fn.vjp();
        Expr roots[] = {d};
        for (std::size_t cols : {1u, 4u, 7u}) {
            const std::size_t R = 3;
            auto x = random_values(rng, R * cols, -3, 3), dy = random_values(rng, R * cols, -1.5, 1.5);
            auto got = rows<long double>(roots, std::vector<long double>(x.begin(), x.end()),
                                         std::vector<long double>(dy.begin(), dy.end()), cols)[0];
            auto want = fd_vjp(fn.f(), x, dy, cols);
            for (std::size_t j = 0; j < x.size(); ++j) {
                CAPTURE(text);
                CAPTURE(cols);
                CAPTURE(j);
                CHECK(std::fabs(static_cast<double>(got[j] - want[j])) <=
                      1e-9 * (1 + std::fabs(static_cast<double>(want[j]))));
            }
        }
    }
}

TEST_CASE("the rowmax adjoint of softmax and log_softmax cancels symbolically") {
    for (const char* text : {"softmax", "log_softmax"}) {
        Function fn(text);
        Expr d = fn.vjp();
        CAPTURE(text);
        CAPTURE(to_string(d));
        CHECK(count_op(d, Op::Ge) == 0);       // no arg-max indicator
        CHECK(count_op(d, Op::RowMax) == 1);   // only the forward shift
        CHECK(count_op(d, Op::RowSum) == 2);   // rowsum(exp(..)) and one dot with dy
    }
    Function s("softmax");
    CHECK(to_string(s.vjp()).find("rowsum(@dy*exp(x - rowmax(x)))") != std::string::npos);
    Function l("log_softmax");
    CHECK(to_string(l.vjp()).find("rowsum(@dy)") != std::string::npos);
}

TEST_CASE("rowmax routes the gradient to the arg-max; ties split it evenly") {
    Function fn("rowmax(x)");
    Expr roots[] = {fn.f(), fn.vjp()};
    std::vector<double> x{1, 3, 3, -2, 5, 0}, dy{0.5, 1, 2, 4, 0.25, 1};
    auto v = rows<double>(roots, x, dy, 3);
    // row 0: total dy = 3.5 shared by the two 3s; row 1: total 5.25 to the 5
    std::vector<double> f{3, 3, 3, 5, 5, 5}, dx{0, 1.75, 1.75, 0, 5.25, 0};
    CHECK(v[0] == f);
    CHECK(v[1] == dx);
}

TEST_CASE("large inputs: no NaN or inf in softmax, log_softmax and their VJPs") {
    for (const char* text : {"softmax", "log_softmax"}) {
        Function fn(text);
        Expr roots[] = {fn.f(), fn.vjp()};
        const std::vector<std::vector<double>> cases = {
            {1000, -1000, 0}, {1000, 1000, 1000}, {-1000, -1000, -1000}, {1000, 999, -1000}, {-1e300, 1e300, 0}};
        for (const auto& x : cases) {
            std::vector<double> dy{0.3, -1, 2};
            for (bool f32 : {false, true}) {
                std::vector<double> y, dx;
                if (f32) {
                    if (std::fabs(x[1]) > 1e30) continue;  // not a float
                    auto v = rows<float>(roots, std::vector<float>(x.begin(), x.end()),
                                         std::vector<float>(dy.begin(), dy.end()), 3);
                    y.assign(v[0].begin(), v[0].end()), dx.assign(v[1].begin(), v[1].end());
                } else {
                    auto v = rows<double>(roots, x, dy, 3);
                    y = v[0], dx = v[1];
                }
                for (std::size_t i = 0; i < 3; ++i) {
                    CAPTURE(text);
                    CAPTURE(x[0]);
                    CAPTURE(f32);
                    CHECK(std::isfinite(y[i]));
                    CHECK(std::isfinite(dx[i]));
                }
                if (std::string(text) == "softmax") {
                    double s = y[0] + y[1] + y[2];
                    CHECK(s == doctest::Approx(1).epsilon(1e-6));
                }
            }
        }
    }
    Function sm("softmax");
    Expr roots[] = {sm.f()};
    auto y = rows<double>(roots, {1000, -1000, 0}, {}, 3)[0];
    CHECK(y[0] == 1.0);
    CHECK(y[1] == 0.0);
}

TEST_CASE("elementwise-only paths reject row functions, naming the op with a caret") {
    Function fn("x + 2*rowsum(x)");
    try {
        fn.derivative();
        FAIL("no error");
    } catch (const symact::error& e) {
        CHECK(e.message().find("rowsum is a row reduction") != std::string::npos);
        CHECK(e.position() == 6);
        CHECK(std::string(e.what()).find("\n        ^") != std::string::npos);
    }
    Function sm("0.5*softmax(x)");
    try {
        sm.require_elementwise("symact gen");
        FAIL("no error");
    } catch (const symact::error& e) {
        CHECK(e.message().find("softmax is a row function: symact gen needs an elementwise") !=
              std::string::npos);
        CHECK(e.position() == 4);
    }
    CHECK_NOTHROW(Function("x*tanh(x)").require_elementwise("symact gen"));
    // the evaluator and diff() themselves refuse too (no text: no caret, the op is named)
    Expr roots[] = {fn.f()};
    double xs[] = {1, 2};
    CHECK_THROWS_WITH_AS(evaluate<double>(roots, xs, {}), doctest::Contains("rowsum is a row reduction"),
                         symact::error);
    CHECK_THROWS_WITH_AS(diff(fn.f(), fn.graph().var()), doctest::Contains("rowsum is a row reduction"),
                         symact::error);
    // rows that do not split evenly
    CHECK_THROWS_WITH_AS(evaluate_rows<double>(roots, xs, {}, 3, {}),
                         doctest::Contains("2 values do not split into rows of 3"), symact::error);
}
