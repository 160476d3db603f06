// Explicit limits and hostile inputs: clear errors, no crash, no hang, bounded memory.
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "symact/codegen/limits.hpp"

using namespace symact::codegen;
namespace limits = symact::limits;

TEST_CASE("input length limit") {
    std::string s = "x";
    while (s.size() <= limits::max_input_length) s += "+x";
    CHECK(test::parse_error(s).starts_with("expression too long: 100001 characters (limit 100000)"));
    std::string mb(1 << 20, 'x');
    CHECK(test::parse_error(mb).starts_with("expression too long"));
}

TEST_CASE("nesting depth limit") {
    auto nest = [](std::size_t n) { return std::string(n, '(') + "x" + std::string(n, ')'); };
    CHECK(test::parse_error(nest(100)) == "");
    CHECK(test::parse_error(nest(256)) == "");
    CHECK(test::parse_error(nest(257)).starts_with("expression nested too deeply (limit 256 levels) (at column 257)"));
    CHECK(test::parse_error(nest(49000)).starts_with("expression nested too deeply (limit 256 levels)"));
    std::string calls;
    for (int i = 0; i < 1000; ++i) calls += "exp(";
    calls += "x" + std::string(1000, ')');
    CHECK(test::parse_error(calls).starts_with("expression nested too deeply"));
    CHECK(test::parse_error(std::string(5000, '-') + "x").starts_with("expression nested too deeply"));
}

TEST_CASE("node count limit") {
    Graph g;
    CHECK_THROWS_WITH_AS(
        [&] {
            for (std::size_t i = 0; i <= limits::max_nodes; ++i) g.param(fmt::format("p{}", i));
        }(),
        doctest::Contains("expression too large: more than 250000 distinct nodes"), symact::error);
}

TEST_CASE("hostile but legal inputs stay fast and small") {
    auto t0 = std::chrono::steady_clock::now();
    {
        Function fn("x^1000000");
        CHECK(to_string(fn.derivative()) == "1000000*x^999999");
        CHECK(test::eval1(fn.f(), 1.0) == 1.0);
    }
    {
        std::string sum = "x";
        for (int i = 1; i < 10000; ++i) sum += fmt::format("+{}*x^{}", i % 7, i % 50);
        Function fn(sum);  // 10,000 terms collect into 50 like terms
        Expr roots[] = {fn.f()};
        CHECK(op_count(roots) < 200);
        fn.derivative();
    }
    {
        Function fn("2^1000000*x");  // does not fold to inf: stays symbolic
        CHECK(to_string(fn.f()) == "x*2^1000000");
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(seconds < 10);  // generous: this is a hang guard, not a speed test
}

TEST_CASE("the hostile inputs of issue 9: a clear error or a correct result, quickly") {
    auto t0 = std::chrono::steady_clock::now();
    // 100,000 nested parentheses: longer than the length limit; just under it, too deep
    std::string deep = std::string(100000, '(') + "x" + std::string(100000, ')');
    CHECK(test::parse_error(deep).starts_with("expression too long: 200001 characters (limit 100000)"));
    deep = std::string(49999, '(') + "x" + std::string(49999, ')');
    CHECK(test::parse_error(deep).starts_with("expression nested too deeply (limit 256 levels) (at column 257)"));
    // 1e999999: out of range, with its text
    CHECK(test::parse_error("1e999999").starts_with("number '1e999999' is out of range"));
    CHECK(test::parse_error("x + 1e999999*x").starts_with("number '1e999999' is out of range"));
    // a 1 MB string of a valid-looking expression
    std::string mb;
    while (mb.size() < (1u << 20)) mb += "x+";
    mb += "x";
    CHECK(test::parse_error(mb).starts_with("expression too long"));
    // a sum of 10,000 distinct terms: 10,000 powers of x, all kept, correct value and derivative
    std::string sum = "x";
    for (int i = 2; i <= 10000; ++i) sum += fmt::format("+x^{}", i);  // 68,894 characters
    Function fn(sum);
    Expr roots[] = {fn.f(), fn.derivative()};
    CHECK(op_count(roots) >= 10000);
    double xs[] = {0.5};
    auto v = evaluate<double>(roots, xs, {});
    double f = 0, d = 0;
    for (int i = 1; i <= 10000; ++i) f += std::pow(0.5, i), d += i * std::pow(0.5, i - 1);
    CHECK(v[0][0] == doctest::Approx(f).epsilon(1e-13));  // x/(1 - x) = 1
    CHECK(v[1][0] == doctest::Approx(d).epsilon(1e-13));  // 1/(1 - x)^2 = 4
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(seconds < 20);  // a hang guard (sanitizer builds, loaded machine), not a speed test
}

TEST_CASE("evaluation errors") {
    Function fn("alpha*x");
    Expr roots[] = {fn.f()};
    double xs[] = {1.0};
    CHECK_THROWS_WITH_AS(evaluate<double>(roots, xs, {}),
                         "parameter 'alpha' has no value (give it with --param=alpha=VALUE)",
                         symact::error);
}
