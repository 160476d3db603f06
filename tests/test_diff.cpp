// Differentiation: each op's rule against high-precision finite differences, parameter
// derivatives, and the conventions at kinks.
#include <cmath>
#include <limits>
#include <map>

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "symact/codegen/diff.hpp"

using namespace symact::codegen;

namespace {

// Richardson-extrapolated central difference in long double: error ~1e-13 relative.
long double finite_difference(Expr f, long double x, const ParamValues& p, long double h) {
    auto D = [&](long double s) { return (test::eval1l(f, x + s, p) - test::eval1l(f, x - s, p)) / (2 * s); };
    return (4 * D(h / 2) - D(h)) / 3;
}

struct RuleCase {
    const char* expr;
    std::vector<double> points;
};

// One case per op of the registry (checked below), each with an inner function so the
// chain rule is exercised too.
const std::map<std::string, RuleCase> rule_cases = {
    {"pow", {"(1 + x^2)^(0.75*x)", {-2, -0.5, 0.3, 1.7}}},
    {"exp", {"exp(0.5*x^2)", {-2, -0.1, 0.7, 2}}},
    {"log", {"log(1 + x^2)", {-3, -0.2, 0.4, 5}}},
    {"log1p", {"log1p(x^2/3)", {-3, -0.2, 0.4, 5}}},
    {"expm1", {"expm1(-x/2)", {-3, -0.2, 0.4, 5}}},
    {"sqrt", {"sqrt(2 + sin(x))", {-3, 0.1, 1, 4}}},
    {"sign", {"x*sign(x - 1)", {-1, 0.5, 2}}},
    {"abs", {"abs(x^3 - 1)", {-2, 0.5, 1.5}}},
    {"tanh", {"tanh(1.5*x)", {-3, -0.4, 0.2, 2.5}}},
    {"sech2", {"sech2(x/2)", {-3, -0.4, 0.2, 2.5}}},
    {"sinh", {"sinh(x/3)", {-3, -0.4, 0.2, 2.5}}},
    {"cosh", {"cosh(x/3)", {-3, -0.4, 0.2, 2.5}}},
    {"sin", {"sin(2*x)", {-3, -0.4, 0.2, 2.5}}},
    {"cos", {"cos(2*x)", {-3, -0.4, 0.2, 2.5}}},
    {"atan", {"atan(x^2)", {-3, -0.4, 0.2, 2.5}}},
    {"erf", {"erf(x/2)", {-3, -0.4, 0.2, 2.5}}},
    {"erfc", {"erfc(x/2)", {-3, -0.4, 0.2, 2.5}}},
    {"sigmoid", {"sigmoid(3*x)", {-3, -0.4, 0.2, 2.5}}},
    {"softplus", {"softplus(-2*x)", {-3, -0.4, 0.2, 2.5}}},
    {"max", {"max(x^2, x + 1)", {-2, 0, 2}}},
    {"min", {"min(x^2, x + 1)", {-2, 0, 2}}},
    {"where", {"where(x > 1, x^2, 2*x - 1/x)", {-2, 0.5, 1.5, 3}}},
    // noise: a constant of x at a fixed element (these points are element 0)
    {"uniform", {"x*uniform(0) + x^2", {-2, 0.5, 3}}},
    {"normal", {"sin(x)*normal(1)", {-2, 0.5, 3}}},
};

}  // namespace

TEST_CASE("every op with a derivative has a rule case here") {
    for (auto name : function_names()) {
        if (name == "pi" || name == "e") continue;
        if (name == "rowmax" || name == "rowsum") continue;  // no elementwise derivative: test_rows.cpp
        CAPTURE(name);
        CHECK(rule_cases.count(std::string(name)) == 1);
    }
}

TEST_CASE("each derivative rule agrees with high-precision finite differences") {
    for (const auto& [name, c] : rule_cases) {
        Function fn(c.expr);
        Expr d = fn.derivative();
        for (double x : c.points) {
            long double fd = finite_difference(fn.f(), x, {}, 1e-3L * std::max(1.0, std::fabs(x)));
            double got = test::eval1(d, x);
            CAPTURE(name);
            CAPTURE(x);
            CHECK(got == doctest::Approx(static_cast<double>(fd)).epsilon(1e-9).scale(1e-12));
        }
    }
}

TEST_CASE("parameter derivatives agree with finite differences in the parameter") {
    struct C { const char* expr; const char* wrt; ParamValues p; };
    const C cases[] = {
        {"where(x > 0, x, alpha*(exp(beta*x) - 1))", "alpha", {{"alpha", 0.75}, {"beta", 1.25}}},
        {"where(x > 0, x, alpha*(exp(beta*x) - 1))", "beta", {{"alpha", 0.75}, {"beta", 1.25}}},
        {"x*sigmoid(beta*x)", "beta", {{"beta", 1.5}}},
        {"(1 + x^2)^p", "p", {{"p", 0.75}}},
        {"softplus(beta*x)/beta", "beta", {{"beta", 2}}},
        {"x*(1 + alpha*x^2)^(-0.5)", "alpha", {{"alpha", 1.5}}},
    };
    for (const auto& c : cases) {
        Function fn(c.expr);
        Expr d = fn.derivative(c.wrt);
        for (double x : {-2.0, -0.3, 0.6, 1.9}) {
            auto g = [&](long double v) {
                ParamValues q = c.p;
                q[c.wrt] = static_cast<double>(v);
                return test::eval1l(fn.f(), x, q);
            };
            long double p0 = c.p.at(c.wrt), h = 1e-4L;
            long double fd = (g(p0 + h) - g(p0 - h)) / (2 * h);
            CAPTURE(c.expr);
            CAPTURE(c.wrt);
            CAPTURE(x);
            CHECK(test::eval1(d, x, c.p) == doctest::Approx(static_cast<double>(fd)).epsilon(1e-6));
        }
    }
}

TEST_CASE("conventions at kinks follow PyTorch autograd") {
    auto d_at = [](const char* e, double x, ParamValues p = {}) {
        Function fn(e);
        return test::eval1(fn.derivative(), x, p);
    };
    CHECK(d_at("where(x > 0, x, 0)", 0) == 0);                 // relu'(0) = 0
    CHECK(d_at("max(x, 0)", 0) == 0.5);                        // a tie splits half-half
    CHECK(d_at("min(x, 0)", 0) == 0.5);
    CHECK(d_at("abs(x)", 0) == 0);                             // abs'(0) = 0
    CHECK(std::isinf(d_at("sqrt(x)", 0)));                     // sqrt'(0) = +inf
    CHECK(d_at("where(x > 0, x, 0.2*x)", 0) == doctest::Approx(0.2));
    // where differentiates the selected branch only: no NaN from exp(1000)*0
    CHECK(d_at("where(x > 0, x, alpha*(exp(x) - 1))", 1000, {{"alpha", 1}}) == 1);
    CHECK(d_at("where(x < 0, log(-x), x)", 2) == 1);           // log(-2) is NaN, not selected
    CHECK(d_at("where(x >= 0, 1, 0)", 0) == 0);                // binary step
}

TEST_CASE("differentiating a comparison is an error, not a crash") {
    Graph g;
    Expr c = g.apply(Op::Gt, std::vector<Expr>{g.var(), g.constant(0)});
    CHECK_THROWS_WITH_AS(diff(c, g.var()), doctest::Contains("has no derivative"), symact::error);
    Function fn("alpha*x");
    CHECK_THROWS_WITH_AS(fn.derivative("beta"),
                         "'beta' is not a parameter of alpha*x (its parameters: alpha)", symact::error);
}

TEST_CASE("at +-inf, exponential decay beats polynomial growth (no inf*0 NaN)") {
    const double inf = std::numeric_limits<double>::infinity();
    auto at = [](const char* e, double x) {
        Function fn(e);
        return std::pair{test::eval1(fn.f(), x), test::eval1(fn.derivative(), x)};
    };
    auto gelu = "0.5*x*(1 + erf(x/sqrt(2)))", gelu_tanh = "0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))";
    auto mish = "x*tanh(softplus(x))", silu = "x*sigmoid(x)";
    CHECK(at(gelu, -inf) == std::pair{0.0, 0.0});
    CHECK(at(gelu, inf) == std::pair{inf, 1.0});
    CHECK(at(gelu_tanh, -inf) == std::pair{0.0, 0.0});
    CHECK(at(gelu_tanh, inf) == std::pair{inf, 1.0});
    CHECK(at(mish, -inf) == std::pair{0.0, 0.0});
    CHECK(at(mish, inf) == std::pair{inf, 1.0});
    CHECK(at(silu, -inf) == std::pair{0.0, 0.0});
    CHECK(at(silu, inf) == std::pair{inf, 1.0});
    CHECK(at("x*exp(-x^2)", inf).first == 0);
    // not a decay: inf*0 from two exponentials stays NaN (the honest IEEE answer)
    CHECK(std::isnan(at("exp(x)*exp(-x)", 1000).first));
    // NaN in, NaN out
    CHECK(std::isnan(at(gelu, std::nan("")).first));
    CHECK(std::isnan(at(mish, std::nan("")).second));
    // the left tail of gelu keeps its relative accuracy (1 + erf(u) cancels; erfc(-u) does not)
    CHECK(at(gelu, -10).first == doctest::Approx(-7.619853024160526e-23).epsilon(1e-12));
}
