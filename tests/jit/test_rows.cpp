// Row kernels (jit/symact/jit/rows.hpp) against the reference evaluator's rows, the pass
// counts of softmax and log_softmax, stability at +-1000, and their errors.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/error.hpp"
#include "helpers.hpp"
#include "symact/jit/rows.hpp"

using namespace symact;

namespace {

using test::message_of;

// The JIT's y and dx against the reference evaluator in the same precision T.
template <class T>
void check_against_ref(const char* text, std::size_t rows, std::size_t cols, double lo, double hi,
                       const codegen::ParamValues& p = {}) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    auto k = jit::compile_rows(text, o);
    jit::ParamValues jp;
    for (const auto& [n, v] : p) jp[n] = {v};
    std::mt19937_64 rng(cols * 131 + rows);
    std::uniform_real_distribution<double> u(lo, hi), d(-2, 2);
    const std::size_t n = rows * cols;
    std::vector<T> x(n), dy(n), y(n), dx(n), y2(n), dx2(n);
    for (auto& v : x) v = static_cast<T>(u(rng));
    for (auto& v : dy) v = static_cast<T>(d(rng));
    k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx), cols, jp);
    k.forward(std::span<const T>(x), std::span<T>(y2), cols, jp);
    k.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx2), cols, jp);

    codegen::Function fn(text);
    codegen::Expr roots[] = {fn.f(), fn.vjp()};
    auto ref = codegen::evaluate_rows<T>(roots, x, dy, cols, p);
    const double tol = sizeof(T) == 4 ? 2e-5 : 1e-12;
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(text);
        CAPTURE(cols);
        CAPTURE(i);
        CHECK(std::isfinite(y[i]));
        CHECK(std::isfinite(dx[i]));
        CHECK(std::fabs(double(y[i]) - double(ref[0][i])) <= tol * (1 + std::fabs(double(ref[0][i]))));
        CHECK(std::fabs(double(dx[i]) - double(ref[1][i])) <= tol * (1 + std::fabs(double(ref[1][i]))));
        CHECK(y2[i] == y[i]);    // forward alone computes the same
        CHECK(dx2[i] == dx[i]);  // backward alone too
    }
}

}  // namespace

TEST_CASE("row kernels agree with the reference rows, every tail length, f32 and f64") {
    const char* exprs[] = {"softmax", "log_softmax", "x - rowmax(x)", "x^2*rowsum(sin(x)) + tanh(x)",
                           "softmax(2*x + rowsum(x^2)/10)", "rowmax(x)"};
    for (const char* e : exprs)
        for (std::size_t cols : {1u, 3u, 7u, 8u, 9u, 16u, 17u, 33u, 100u}) {
            check_against_ref<float>(e, 3, cols, -5, 5);
            check_against_ref<double>(e, 3, cols, -5, 5);
        }
    check_against_ref<float>("softmax", 4, 1024, -8, 8);
    check_against_ref<double>("log_softmax", 2, 1024, -8, 8);
    check_against_ref<double>("softmax(x/t)", 3, 21, -5, 5, {{"t", 0.7}});
}

TEST_CASE("softmax of -5..5 in the JIT, rows summing to 1 and dx rows to 0") {
    auto k = jit::compile_rows("softmax", {});
    std::vector<float> x, dy, y(22), dx(22);
    for (int r = 0; r < 2; ++r)
        for (int i = -5; i <= 5; ++i) x.push_back(float(i)), dy.push_back(float(i * i) / 7 - 1);
    k.forward_backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y),
                       std::span<float>(dx), 11);
    const double want[] = {0.0, 0.0, 0.0, 0.001, 0.002, 0.004, 0.012, 0.031, 0.086, 0.233, 0.632};
    for (int r = 0; r < 2; ++r) {
        double s = 0, ds = 0;
        for (int i = 0; i < 11; ++i) {
            CHECK(std::fabs(std::round(y[r * 11 + i] * 1000.0) / 1000 - want[i]) < 1e-9);
            s += y[r * 11 + i], ds += dx[r * 11 + i];
        }
        CHECK(std::fabs(s - 1) < 1e-6);
        CHECK(std::fabs(ds) < 1e-6);
    }
}

TEST_CASE("passes: softmax is max | exp+sum | map, fused with backward; no rowmax adjoint") {
    auto s = jit::compile_rows("softmax", {});
    CHECK(s.passes(0) == 3);
    CHECK(s.passes(1) == 3);
    CHECK(s.passes(2) == 3);  // forward+backward share the max and the exp+sum+dot passes
    CHECK(s.vjp().find(">=") == std::string::npos);
    auto l = jit::compile_rows("log_softmax", {});
    CHECK(l.passes(2) == 3);  // max and rowsum(dy) | rowsum(exp) | map
    CHECK(jit::compile_rows("x*sigmoid(x)", {}).passes(2) == 1);  // elementwise: one pass
}

TEST_CASE("large inputs give no NaN or inf") {
    for (const char* text : {"softmax", "log_softmax"})
        for (auto dt : {jit::DType::f32, jit::DType::f64}) {
            jit::Options o;
            o.dtype = dt;
            auto k = jit::compile_rows(text, o);
            const std::vector<double> xs = {1000, -1000, 0, 1000, 1000, 1000, -1000, -1000, -1000, 1000, 999, -1000};
            const std::vector<double> dys = {0.3, -1, 2, 0.3, -1, 2, 0.3, -1, 2, 0.3, -1, 2};
            auto check = [&](auto zero) {
                using T = decltype(zero);
                std::vector<T> x(xs.begin(), xs.end()), dy(dys.begin(), dys.end()), y(12), dx(12);
                k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y),
                                   std::span<T>(dx), 3);
                for (std::size_t i = 0; i < 12; ++i) {
                    CAPTURE(text);
                    CAPTURE(i);
                    CHECK(std::isfinite(y[i]));
                    CHECK(std::isfinite(dx[i]));
                }
                if (std::string(text) == "softmax") {
                    CHECK(y[0] == T(1));
                    CHECK(y[1] == T(0));
                }
            };
            if (dt == jit::DType::f32) check(0.0f); else check(0.0);
        }
}

TEST_CASE("in place: y may be x and dx may be dy") {
    auto k = jit::compile_rows("softmax", {});
    std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, y(18), dy(18, 0.5f), dx(18);
    k.forward_backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y),
                       std::span<float>(dx), 9);
    auto x2 = x, dy2 = dy;
    k.forward(std::span<const float>(x2), std::span<float>(x2), 9);
    k.backward(std::span<const float>(x), std::span<const float>(dy2), std::span<float>(dy2), 9);
    CHECK(x2 == y);
    CHECK(dy2 == dx);
}

TEST_CASE("row kernel errors") {
    // the elementwise kernels refuse row functions, naming the op with a caret
    auto m = message_of([] { jit::compile("2*softmax(x)"); });
    CHECK(m.find("softmax is a row function: jit::compile needs") != std::string::npos);
    CHECK(m.find("\n    ^") != std::string::npos);
    m = message_of([] { jit::compile("x - rowmax(x)"); });
    CHECK(m.find("rowmax is a row reduction") != std::string::npos);
    auto k = jit::compile_rows("softmax(x/t)", {});
    std::vector<float> x(10), y(10), dy(9);
    jit::ParamValues p{{"t", {2.0}}};
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), 3, p); })
              .find("10 values do not split into rows of 3") != std::string::npos);
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), 0, p); })
              .find("rows of 0 columns") != std::string::npos);
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), 5); })
              .find("parameter 't' has no value") != std::string::npos);
    CHECK(message_of([&] {
              k.forward(std::span<const float>(x), std::span<float>(y), 5, {{"t", {1.0, 2.0}}});
          }).find("row kernels take one per tensor") != std::string::npos);
    CHECK(message_of([&] {
              k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y), 5, p);
          }).find("x has 10 elements but dy has 9") != std::string::npos);
    std::vector<double> xd(10), yd(10);
    CHECK(message_of([&] { k.forward(std::span<const double>(xd), std::span<double>(yd), 5, p); })
              .find("compiled for f32 but called with f64") != std::string::npos);
    CHECK(message_of([] { jit::compile_rows("softmax(", {}); }).find('^') != std::string::npos);
}
