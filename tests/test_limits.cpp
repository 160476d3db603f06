// Explicit limits and hostile inputs: clear errors, no crash, no hang, bounded memory.
#include <chrono>

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

TEST_CASE("evaluation errors") {
    Function fn("alpha*x");
    Expr roots[] = {fn.f()};
    double xs[] = {1.0};
    CHECK_THROWS_WITH_AS(evaluate<double>(roots, xs, {}),
                         "parameter 'alpha' has no value (give it with --param=alpha=VALUE)",
                         symact::error);
}
