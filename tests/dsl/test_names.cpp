// Reflection into the runtime DAG and catalog names in strings.
#include <doctest/doctest.h>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/function.hpp>
#include <symact/codegen/print.hpp>
#include <symact/dsl.hpp>
#include <symact/dsl/aot.hpp>
#include <symact/dsl/catalog.hpp>
#include <symact/dsl/names.hpp>
#include <symact/dsl/reflect.hpp>
#include <symact/error.hpp>

using namespace symact;
using namespace symact::dsl;

namespace {
double eval1(codegen::Expr e, double xv, const codegen::ParamValues& p = {}) {
    double xs[] = {xv};
    codegen::Expr r[] = {e};
    return codegen::evaluate<double>(r, xs, p)[0][0];
}
}  // namespace

TEST_CASE("every catalog entry reflects into a Graph that evaluates like the kernel") {
    for (const auto& k : aot_kernels()) {
        CAPTURE(k.name);
        codegen::Graph g;
        auto e = expand_catalog(g, k.name, std::array{g.var()});
        REQUIRE(e.has_value());
        codegen::ParamValues pv;
        std::vector<double> p;
        for (const auto& q : k.params) {
            pv[std::string(q.name)] = q.default_value;
            p.push_back(q.default_value);
        }
        for (double xv : {-2.5, -0.3, 0.7, 4.0}) {
            double y;
            k.f64.forward(&xv, &y, 1, p.data());
            CHECK(eval1(*e, xv, pv) == doctest::Approx(y).epsilon(1e-12));
        }
    }
}

TEST_CASE("to_graph: a user expression with plain numbers") {
    constexpr auto alpha = param<"alpha">;
    codegen::Graph g;
    auto e = to_graph(g, where(x > 0, x, alpha * (exp(x) - 1)));
    CHECK(eval1(e, -1.0, {{"alpha", 2.0}}) == doctest::Approx(2 * (std::exp(-1.0) - 1)));
    CHECK(codegen::parameters(std::array{e}) == std::vector<std::string>{"alpha"});
}

TEST_CASE("catalog names in strings") {
    const auto opts = catalog_parse_options();
    codegen::Function f("gelu(x) + 0.1*x", opts);
    CHECK(eval1(f.f(), 1.0) == doctest::Approx(0.5 * (1 + std::erf(1 / std::sqrt(2.0))) + 0.1));
    // trailing parameter arguments are optional; omitted ones stay named parameters
    codegen::Function l("leaky_relu(x, 0.2)", opts);
    CHECK(l.params().empty());
    CHECK(eval1(l.f(), -1.0) == doctest::Approx(-0.2));
    codegen::Function p("prelu(x)", opts);
    CHECK(p.params() == std::vector<std::string>{"a"});
    CHECK(eval1(p.f(), -2.0, {{"a", 0.25}}) == doctest::Approx(-0.5));
    codegen::Function m("mpelu(2*x, 1.5)", opts);  // alpha given, beta named
    CHECK(m.params() == std::vector<std::string>{"beta"});
    CHECK(eval1(m.f(), -0.5, {{"beta", 2.0}}) == doctest::Approx(1.5 * std::expm1(-2.0)));
    // derivatives of expanded names come from the runtime differentiator
    codegen::Function s("mish(x)", opts);
    CHECK(eval1(s.derivative(), 0.0) == doctest::Approx(0.6));
    CHECK_THROWS_AS(codegen::Function("leaky_relu(x, 0.2, 3)", opts), symact::error);
    CHECK_THROWS_AS(codegen::Function("mihs(x)", opts), symact::error);
}

TEST_CASE("aot registry: names, parameters, defaults") {
    const auto* k = find_aot("elu");
    REQUIRE(k);
    REQUIRE(k->params.size() == 1);
    CHECK(k->params[0].name == "alpha");
    CHECK(k->bind({}) == std::vector<double>{1.0});
    CHECK(k->bind({{"alpha", 2.0}}) == std::vector<double>{2.0});
    CHECK_THROWS_AS(k->bind({{"beta", 2.0}}), symact::error);
    CHECK(find_aot("nope") == nullptr);
    double xv[] = {-1.0, 2.0}, y[2], dy[] = {1.0, 1.0}, dx[2], dp[1];
    auto p = k->bind({{"alpha", 2.0}});
    k->f64.fused(xv, dy, y, dx, 2, p.data(), dp);
    CHECK(y[0] == doctest::Approx(2 * std::expm1(-1.0)));
    CHECK(dx[0] == doctest::Approx(2 * std::exp(-1.0)));
    CHECK(dp[0] == doctest::Approx(std::expm1(-1.0)));
}
