// Constant subexpressions (sqrt(3), 1/sqrt(3), 2*sqrt(2/pi)) are folded in long double and
// rounded once, in both kernel paths: the JIT's lowering (codegen/lower.hpp) and the DSL's
// plan (dsl/plan.hpp). So x/sqrt(3) is one multiplication by 1/sqrt(3) correctly rounded,
// within 1 ulp of the true quotient, with the same bits in both paths and no division in
// the loop; a divisor with a parameter still divides.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include <symact/dsl.hpp>
#include <symact/jit/jit.hpp>

#include "helpers.hpp"

namespace dsl = symact::dsl;
namespace jit = symact::jit;
using symact::test::ulp_distance;

namespace {

template <class T> jit::Options options() {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    o.keep_ir = true;
    return o;
}

std::string forward_ir(const jit::Kernel& k) {
    const std::string& ir = k.ir();
    const auto at = ir.find("define void @symact_forward(");
    REQUIRE(at != std::string::npos);
    return ir.substr(at, ir.find("\n}", at) - at);
}

// y = x * c for the true constant c (long double): the JIT and the DSL give the same bits,
// c rounded once (y(1) = c as rounded to double, then T), every y within 1 ulp of x c
// correctly rounded, IEEE results at 0, inf, NaN; no division in the forward loop.
template <class T, class E> void check(const char* text, const E& expr, long double c) {
    CAPTURE(text);
    CAPTURE(sizeof(T));
    auto xs = symact::test::test_points<T>();
    xs.push_back(T(1));
    const std::size_t n = xs.size();
    std::vector<T> yj(n), yd(n);
    auto j = jit::compile(text, options<T>());
    j.forward(std::span<const T>(xs), std::span<T>(yj));
    auto k = symact::kernel(expr);
    k.forward(std::span<const T>(xs), std::span<T>(yd));
    const T rounded = static_cast<T>(static_cast<double>(c));
    CHECK(yj[n - 1] == rounded);
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(xs[i]);
        CHECK(ulp_distance(yj[i], yd[i]) == 0);
        CHECK(std::signbit(yj[i]) == std::signbit(yd[i]));
        const T want = static_cast<T>(static_cast<long double>(xs[i]) * c);
        CHECK(ulp_distance(yj[i], want) <= 1);
        if (!std::isnan(xs[i])) CHECK(std::signbit(yj[i]) == std::signbit(want));
    }
    CHECK(forward_ir(j).find("fdiv") == std::string::npos);
}

}  // namespace

TEST_CASE("constant folding: once, in long double, the same in the JIT and the DSL") {
    using dsl::lit;
    using dsl::x;
    const long double pi = std::numbers::pi_v<long double>;
    for (int dtype = 0; dtype < 2; ++dtype) {
        auto run = [&](const char* text, const auto& expr, long double c) {
            if (dtype == 0) check<float>(text, expr, c);
            else check<double>(text, expr, c);
        };
        run("x/sqrt(3)", x / dsl::sqrt(lit<3>), 1 / std::sqrt(3.0L));
        run("x/(2*sqrt(5) + 1)", x / (lit<2> * dsl::sqrt(lit<5>) + lit<1>), 1 / (2 * std::sqrt(5.0L) + 1));
        run("x*sqrt(2/pi)", x * dsl::sqrt(lit<2> / dsl::constants::pi), std::sqrt(2 / pi));
        run("x/(sqrt(2)*pi)", x / (dsl::sqrt(lit<2>) * dsl::constants::pi), 1 / (std::sqrt(2.0L) * pi));
    }
}

TEST_CASE("constant folding: a divisor with a parameter still divides") {
    auto j = jit::compile("x/a", options<float>());
    CHECK(forward_ir(j).find("fdiv") != std::string::npos);
    const std::vector<float> xs = symact::test::test_points<float>();
    std::vector<float> yj(xs.size()), yd(xs.size());
    j.forward(std::span<const float>(xs), std::span<float>(yj), {{"a", {3.0}}});
    constexpr auto a = dsl::param<"a">;
    auto k = symact::kernel(dsl::x / a);
    k.forward(std::span<const float>(xs), std::span<float>(yd), a = 3.0);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        CAPTURE(xs[i]);
        if (std::isnan(xs[i])) continue;
        CHECK(yj[i] == xs[i] / 3.0f);
        CHECK(yd[i] == xs[i] / 3.0f);
    }
}

TEST_CASE("constant folding: a non-finite constant is left to the kernel's own numerics") {
    // log(0) = -inf is not folded (lower.hpp); the kernel computes it: x + log(0) = -inf
    auto j = jit::compile("x + log(0)", options<float>());
    const std::vector<float> xs = {0.0f, 1.0f, -5.0f};
    std::vector<float> y(xs.size());
    j.forward(std::span<const float>(xs), std::span<float>(y));
    for (float v : y) CHECK(v == -std::numeric_limits<float>::infinity());
}
