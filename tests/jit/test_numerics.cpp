// JIT kernels against the scalar path: codegen::lower<float/double>, which runs the same
// math (ops.hpp eval, math/) through the same lowering. Same operations in the same order,
// so the two may differ by at most 1 ULP (in practice they are bit-identical).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include <fmt/format.h>

#include "helpers.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/lower.hpp"
#include "symact/jit/jit.hpp"

namespace {

using namespace symact;

const char* const expressions[] = {
    "x", "-x", "x^2", "x^3 - 2*x^2", "1/x", "x^-2", "sqrt(x)", "abs(x)", "sign(x)",
    "exp(x)", "log(x)", "log1p(x)", "expm1(x)", "tanh(x)", "sech2(x)", "sinh(x)", "cosh(x)",
    "sin(x)", "cos(x)", "atan(x)", "erf(x)", "erfc(x)", "sigmoid(x)", "softplus(x)",
    "max(x, 0)", "min(x, 0.5)", "where(x > 0, x, 0.01*x)", "where(x >= 1, x^2, exp(x))",
    "x*tanh(softplus(x))",                                     // mish
    "x*sigmoid(x)",                                            // silu
    "0.5*x*(1 + erf(x/sqrt(2)))",                              // gelu
    "0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))",         // gelu (tanh)
    "where(x > 0, x, alpha*(exp(x) - 1))",                     // elu
    "lambda_*where(x > 0, x, alpha*expm1(x))",                 // selu-like
    "x/(1 + abs(x))", "log(1 + exp(x))", "1/(1 + exp(-x))",
    "x*(1 + alpha*x^2)^(-0.5)", "(1 + x^2)^p", "(x + sqrt(x^2 + b))/2",
    "max(x, alpha*x)", "x*sigmoid(beta*x)", "pi*x + e",
};

const std::map<std::string, double, std::less<>> param_values = {
    {"alpha", 1.5}, {"lambda_", 1.0507}, {"p", 0.75}, {"b", 4.0}, {"beta", 1.702}};

template <class T> void check_expression(const char* text) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    auto k = jit::compile(text, o);
    codegen::Function fn(text);
    std::vector<codegen::Expr> roots{fn.f(), fn.derivative("x")};
    for (const auto& p : fn.params()) roots.push_back(fn.derivative(p));

    auto xs = test::test_points<T>();
    const std::size_t n = xs.size();
    std::vector<T> dy(n), y(n), dx(n), dp(n);
    for (std::size_t i = 0; i < n; ++i) dy[i] = static_cast<T>(0.75 + 0.001 * static_cast<double>(i % 7));
    jit::ParamValues pv, per_point;
    test::ScalarLeaves<T> leaves;
    for (const auto& p : fn.params()) {
        double v = param_values.at(p);
        pv[p] = {v};
        per_point[p] = std::vector<double>(n, v);
        leaves.params[p] = static_cast<T>(v);
    }
    k.forward_backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx), pv);
    auto each = k.backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(dp), per_point,
                           jit::Layout{n, 1});
    std::uint64_t worst = 0;
    std::string where;
    for (std::size_t i = 0; i < n; ++i) {
        leaves.xv = xs[i];
        auto ref = codegen::lower<T>(roots, leaves);
        auto cmp = [&](const char* what, T got, T want) {
            auto d = test::ulp_distance(got, want);
            if (d > worst) {
                worst = d;
                where = fmt::format("{} at x = {}: jit {} scalar {}", what, xs[i], got, want);
            }
        };
        cmp("f", y[i], ref[0]);
        cmp("dx", dx[i], ref[1] * dy[i]);
        for (std::size_t j = 0; j < fn.params().size(); ++j)
            cmp("dparam", static_cast<T>(each[fn.params()[j]][i]), ref[2 + j] * dy[i]);
    }
    INFO(text, " (", sizeof(T) == 4 ? "f32" : "f64", "): ", where);
    CHECK(worst <= 1);
}

}  // namespace

TEST_CASE("JIT kernels match the scalar lowering within 1 ULP (f64)") {
    for (const char* e : expressions) check_expression<double>(e);
}

TEST_CASE("JIT kernels match the scalar lowering within 1 ULP (f32)") {
    for (const char* e : expressions) check_expression<float>(e);
}

TEST_CASE("forward and backward alone agree with fused, for every length (tails)") {
    jit::Options o;
    o.disk_cache = false;
    auto k = jit::compile("where(x > 0, x, alpha*expm1(x))", o);
    jit::ParamValues pv{{"alpha", {1.25}}};
    for (std::size_t n = 0; n <= 70; ++n) {
        std::vector<float> x(n), dy(n), y1(n), y2(n), dx1(n), dx2(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = 0.3f * float(i) - 7.f, dy[i] = 1.f + float(i % 3);
        k.forward(std::span<const float>(x), std::span<float>(y1), pv);
        auto g1 = k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(dx1), pv);
        auto g2 = k.forward_backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y2),
                                     std::span<float>(dx2), pv);
        CHECK(y1 == y2);
        CHECK(dx1 == dx2);
        CHECK(g1.at("alpha")[0] == g2.at("alpha")[0]);
        double want = 0;
        for (std::size_t i = 0; i < n; ++i) want += x[i] > 0 ? 0.0 : double(float(std::expm1(double(x[i])) * dy[i]));
        CHECK(g1.at("alpha")[0] == doctest::Approx(want).epsilon(1e-6));
    }
}

TEST_CASE("in place: y may be x, dx may be dy") {
    jit::Options o;
    o.disk_cache = false;
    auto k = jit::compile("x*sigmoid(x)", o);
    std::vector<float> x(1000), y(1000), dy(1000), dx(1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i) * 0.01f - 5.f, dy[i] = 0.5f;
    k.forward_backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(y), std::span<float>(dx));
    auto xi = x, dyi = dy;
    k.forward(std::span<const float>(xi), std::span<float>(xi));
    CHECK(xi == y);
    xi = x;
    k.forward_backward(std::span<const float>(xi), std::span<const float>(dyi), std::span<float>(xi),
                       std::span<float>(dyi));
    CHECK(xi == y);
    CHECK(dyi == dx);
}

TEST_CASE("a kernel prints its derivatives") {
    auto k = jit::compile("where(x > 0, x, alpha*(exp(x) - 1))");
    CHECK(k.expression() == "where(x > 0, x, alpha*expm1(x))");
    CHECK(k.derivative("x") == "where(x > 0, 1, alpha*exp(x))");
    CHECK(k.derivative("alpha") == "where(x > 0, 0, expm1(x))");
    CHECK(k.params() == std::vector<std::string>{"alpha"});
    CHECK_THROWS_AS(k.derivative("beta"), symact::error);
}
