// inspect's answers for the activations people compare (written as expressions, so they do
// not depend on the catalog).
#include <cmath>
#include <string_view>

#include <doctest/doctest.h>

#include "symact/analysis/inspect.hpp"
#include "symact/analysis/report.hpp"
#include "symact/codegen/function.hpp"
#include "symact/error.hpp"

using namespace symact::analysis;
using symact::codegen::Function;
using symact::codegen::ParamValues;

namespace {

Report run(std::string_view text, const ParamValues& p = {}) {
    Function fn(text);
    InspectOptions o;
    o.speed = false;  // the JIT's timing is not what these tests check
    return inspect(fn, p, o);
}

bool finite_limit(const Limit& l, double v) {
    return l.kind == Limit::Kind::finite && std::fabs(l.value - v) < 1e-12;
}

}  // namespace

TEST_CASE("sigmoid: soft on both sides, max |f'| = 1/4 at 0, range (0, 1)") {
    auto r = run("sigmoid(x)");
    CHECK(r.left.saturation == Saturation::soft);
    CHECK(r.right.saturation == Saturation::soft);
    CHECK(finite_limit(r.left.f, 0));
    CHECK(finite_limit(r.right.f, 1));
    CHECK(r.left.df.is_zero());
    CHECK(r.max_slope.value == doctest::Approx(0.25).epsilon(1e-14));
    CHECK(r.max_slope.where.lo == 0);
    CHECK(r.max_slope.where.hi == 0);
    CHECK(std::pow(r.max_slope.value, 10) == doctest::Approx(9.5367431640625e-07));
    CHECK(r.range.lo == 0);
    CHECK(r.range.hi == 1);
    CHECK_FALSE(r.range.lo_closed);
    CHECK_FALSE(r.range.hi_closed);
    CHECK(r.monotonic == Monotonic::increasing);
    CHECK(r.dead.empty());  // f' underflows far out, but is never exactly 0
    CHECK(r.kinks.empty());
    CHECK_FALSE(r.zero_centred);
    CHECK(r.f0 == 0.5);
    CHECK(r.gaussian_mean == doctest::Approx(0.5).epsilon(1e-9));
    CHECK(r.ops_forward == 1);
}

TEST_CASE("tanh: soft on both sides, max |f'| = 1, zero-centred") {
    auto r = run("tanh(x)");
    CHECK(r.left.saturation == Saturation::soft);
    CHECK(r.right.saturation == Saturation::soft);
    CHECK(r.max_slope.value == doctest::Approx(1).epsilon(1e-14));
    CHECK(r.max_slope.where.lo == 0);
    CHECK(r.range.lo == -1);
    CHECK(r.range.hi == 1);
    CHECK(r.zero_centred);
    CHECK(std::fabs(r.gaussian_mean) < 1e-12);
    CHECK(r.monotonic == Monotonic::increasing);
}

TEST_CASE("relu: hard on the left from 0, none on the right, dead below 0, a kink at 0") {
    auto r = run("where(x > 0, x, 0)");
    CHECK(r.left.saturation == Saturation::hard);
    CHECK(r.left.hard_from == 0);
    CHECK(r.left.hard_closed);  // relu'(0) = 0 (the convention of docs/CONVENTIONS.md)
    CHECK(r.right.saturation == Saturation::none);
    CHECK(r.right.f.kind == Limit::Kind::plus_infinity);
    CHECK(finite_limit(r.right.df, 1));
    REQUIRE(r.dead.size() == 1);
    CHECK(r.dead[0].lo == -inf);
    CHECK(r.dead[0].hi == 0);
    CHECK(r.dead[0].hi_closed);
    REQUIRE(r.kinks.size() == 1);
    CHECK(r.kinks[0].x == 0);
    CHECK_FALSE(r.kinks[0].jump);
    CHECK(r.kinks[0].df_left == doctest::Approx(0));
    CHECK(r.kinks[0].df_right == doctest::Approx(1));
    CHECK(r.range.lo == 0);
    CHECK(r.range.lo_closed);
    CHECK(r.range.hi == inf);
    CHECK(r.monotonic == Monotonic::non_decreasing);
    CHECK_FALSE(r.zero_centred);  // f(0) = 0, but f is never negative
    CHECK(r.max_slope.value == 1);
    CHECK(r.max_slope.where.lo == 0);
    CHECK_FALSE(r.max_slope.where.lo_closed);
    CHECK(r.max_slope.where.hi == inf);
    CHECK(r.gaussian_mean == doctest::Approx(1 / std::sqrt(2 * M_PI)).epsilon(1e-6));
}

TEST_CASE("leaky relu (slope 0.2): no saturation, no dead region, a kink at 0") {
    auto r = run("where(x > 0, x, 0.2*x)");
    CHECK(r.left.saturation == Saturation::none);
    CHECK(r.right.saturation == Saturation::none);
    CHECK(r.dead.empty());
    REQUIRE(r.kinks.size() == 1);
    CHECK(r.kinks[0].df_left == doctest::Approx(0.2));
    CHECK(r.kinks[0].df_right == doctest::Approx(1));
    CHECK(r.range.lo == -inf);
    CHECK(r.range.hi == inf);
    CHECK(r.monotonic == Monotonic::increasing);
    CHECK(r.zero_centred);
}

TEST_CASE("elu: soft on the left; a kink at 0 unless alpha = 1") {
    const char* elu = "where(x > 0, x, alpha*(exp(x) - 1))";
    auto r2 = run(elu, {{"alpha", 2}});
    CHECK(r2.left.saturation == Saturation::soft);
    CHECK(r2.right.saturation == Saturation::none);
    CHECK(finite_limit(r2.left.f, -2));
    CHECK(r2.range.lo == -2);
    CHECK_FALSE(r2.range.lo_closed);
    REQUIRE(r2.kinks.size() == 1);
    CHECK(r2.kinks[0].df_left == doctest::Approx(2).epsilon(1e-6));
    CHECK(r2.max_slope.value == doctest::Approx(2));
    auto r1 = run(elu, {{"alpha", 1}});
    CHECK(r1.kinks.empty());  // C1 at 0: f'(0-) = f'(0+) = 1
    CHECK(r1.kink_candidates == 1);
    CHECK(r1.derivatives.size() == 2);  // f' and df/dalpha
}

TEST_CASE("gelu and mish are not monotonic: one minimum each") {
    auto g = run("0.5*x*(1 + erf(x/sqrt(2)))");
    CHECK(g.monotonic == Monotonic::no);
    REQUIRE(g.extrema.size() == 1);
    CHECK(g.extrema[0].minimum);
    CHECK(g.extrema[0].x == doctest::Approx(-0.751791524693564).epsilon(1e-9));
    CHECK(g.range.lo == doctest::Approx(g.extrema[0].f));
    CHECK(g.range.lo_closed);
    CHECK(g.left.saturation == Saturation::soft);
    CHECK(g.right.saturation == Saturation::none);
    CHECK(g.max_slope.value == doctest::Approx(1.128904145).epsilon(1e-8));
    CHECK(g.max_slope.value > 1);

    auto m = run("x*tanh(softplus(x))");
    CHECK(m.monotonic == Monotonic::no);
    REQUIRE(m.extrema.size() == 1);
    CHECK(m.extrema[0].x == doctest::Approx(-1.1924312146).epsilon(1e-8));
    CHECK(m.extrema[0].f == doctest::Approx(-0.3088434130).epsilon(1e-8));
    CHECK(m.left.saturation == Saturation::soft);
}

TEST_CASE("hardtanh: kinks at -1 and 1, range [-1, 1], hard on both sides") {
    auto r = run("where(x <= -1, -1, where(x >= 1, 1, x))");
    REQUIRE(r.kinks.size() == 2);
    CHECK(r.kinks[0].x == -1);
    CHECK(r.kinks[1].x == 1);
    CHECK(r.range.lo == -1);
    CHECK(r.range.hi == 1);
    CHECK(r.range.lo_closed);
    CHECK(r.range.hi_closed);
    CHECK(r.left.saturation == Saturation::hard);
    CHECK(r.right.saturation == Saturation::hard);
    CHECK(r.left.hard_from == -1);
    CHECK(r.right.hard_from == 1);
    CHECK(r.dead.size() == 2);
    CHECK(r.max_slope.value == 1);
    CHECK(r.max_slope.where.lo == -1);
    CHECK(r.max_slope.where.hi == 1);
    CHECK(r.monotonic == Monotonic::non_decreasing);
}

TEST_CASE("max/min spelling: the same kinks as where") {
    auto r = run("max(-1, min(1, x))");
    REQUIRE(r.kinks.size() == 2);
    CHECK(r.kinks[0].x == -1);
    CHECK(r.kinks[1].x == 1);
    CHECK(r.left.saturation == Saturation::hard);
}

TEST_CASE("jumps, abs, smooth pieces") {
    auto step = run("where(x > 0, 1, 0)");
    REQUIRE(step.kinks.size() == 1);
    CHECK(step.kinks[0].jump);
    CHECK(step.kinks[0].f_left == 0);
    CHECK(step.kinks[0].f_right == 1);
    CHECK(step.monotonic == Monotonic::non_decreasing);

    auto a = run("abs(x)");
    REQUIRE(a.kinks.size() == 1);
    CHECK(a.kinks[0].df_left == doctest::Approx(-1));
    CHECK(a.kinks[0].df_right == doctest::Approx(1));
    CHECK(a.range.lo == 0);
    CHECK(a.range.lo_closed);
    CHECK(a.monotonic == Monotonic::no);

    auto smooth = run("where(x > 0, x^2, 0)");  // C1 at 0: a candidate, not a kink
    CHECK(smooth.kinks.empty());
    CHECK(smooth.kink_candidates == 1);
}

TEST_CASE("sup |f'| at infinity, unbounded, missing parameters") {
    auto sp = run("softplus(x)");
    CHECK(sp.max_slope.at_infinity);
    CHECK(sp.max_slope.side == 1);
    CHECK(sp.max_slope.value == doctest::Approx(1));
    CHECK(sp.range.lo == 0);
    CHECK_FALSE(sp.range.lo_closed);

    auto sq = run("x^2");
    CHECK(sq.max_slope.unbounded);
    CHECK(sq.left.f.kind == Limit::Kind::plus_infinity);

    CHECK_THROWS_AS(run("where(x > 0, x, alpha*x)"), symact::error);
}

TEST_CASE("the text report says what was numeric") {
    auto r = run("sigmoid(x)");
    auto t = to_text(r);
    CHECK(t.find("numeric") != std::string::npos);
    CHECK(t.find("0.25^10 = 9.53674e-07") != std::string::npos);
    auto j = to_json(r);
    CHECK(j.find(R"("monotonic": "increasing")") != std::string::npos);
}

TEST_CASE("far-tail rounding is not structure: no dead regions or extrema from cancellation") {
    auto s = run("x/(1 + abs(x))");  // f' cancels to 0 or noise around |x| = 1e29
    CHECK(s.monotonic == Monotonic::increasing);
    CHECK(s.extrema.empty());
    CHECK(s.dead.empty());
    CHECK(s.left.saturation == Saturation::soft);
    auto g = run("0.5*x*(1 + tanh(0.7978845608*(x + 0.044715*x^3)))");  // 1 + tanh(u) = 0 for u << 0
    CHECK(g.dead.empty());
    CHECK(g.left.saturation == Saturation::soft);
    CHECK_FALSE(g.notes.empty());
}
