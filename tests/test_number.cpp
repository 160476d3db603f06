// Exact constants at the edges of int64: no overflow (UBSan runs this suite), exact while the
// value fits, a double once it does not.
#include <cmath>
#include <cstdint>
#include <limits>

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "symact/codegen/number.hpp"

using namespace symact::codegen;

namespace {
constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
}  // namespace

TEST_CASE("INT64_MIN as a numerator: reduced, converted and printed without overflow") {
    Number m = Number::rational(lo, 1);
    CHECK(m.is_exact());
    CHECK(m.num() == lo);
    CHECK(m.to_double() == -0x1p63);
    CHECK(m.to_float() == -0x1p63f);
    CHECK(m.to_string() == "-9223372036854775808");

    Number h = Number::rational(lo, 6);  // gcd(2^63, 6) = 2
    CHECK(h.num() == lo / 2);
    CHECK(h.den() == 3);
    CHECK(h.to_double() == doctest::Approx(-0x1p63 / 6));

    // a negative denominator with INT64_MIN cannot be normalised in int64: a double
    Number d = Number::rational(lo, -1);
    CHECK_FALSE(d.is_exact());
    CHECK(d.to_double() == 0x1p63);
    CHECK(Number::rational(1, lo).to_double() == -0x1p-63);
}

TEST_CASE("arithmetic that reaches INT64_MIN stays exact, and past it becomes a double") {
    auto p = mul(Number(-(std::int64_t{1} << 62)), Number(2));
    REQUIRE(p);
    CHECK(p->is_exact());
    CHECK(p->num() == lo);

    auto q = mul(Number::rational(lo, 1), Number::rational(1, 4));  // cancels by gcd with 4
    REQUIRE(q);
    CHECK(q->num() == lo / 4);
    CHECK(q->den() == 1);

    auto s = add(Number(lo), Number(-1));  // overflows int64: a double
    REQUIRE(s);
    CHECK_FALSE(s->is_exact());
    CHECK(s->to_double() == -0x1p63);

    auto t = add(Number(lo), Number(hi));
    REQUIRE(t);
    CHECK(t->is_exact());
    CHECK(t->num() == -1);

    CHECK_FALSE(Number(lo).neg().is_exact());  // -INT64_MIN does not fit
    CHECK(Number(lo).neg().to_double() == 0x1p63);
    CHECK(Number(hi).neg().num() == -hi);
    CHECK(Number(lo).compare(Number(hi)) == -1);
}

TEST_CASE("powers and huge literals at the int64 edge (fuzz_expr regression)") {
    // 2^62 * -2 is INT64_MIN; (-2)^63 likewise; one more factor is not exact
    auto p = Number(-2).pow(Number(63));
    REQUIRE(p);
    CHECK(p->is_exact());
    CHECK(p->num() == lo);
    auto r = Number(-2).pow(Number(-63));
    REQUIRE(r);
    CHECK(r->to_double() == -0x1p-63);
    auto big = Number(-2).pow(Number(64));
    CHECK((!big || !big->is_exact()));

    // the input fuzz_expr found (UBSan: negating INT64_MIN in gcd) parses, or fails cleanly
    for (const char* text : {"04^30.5*x*(1 + tanh(-x^000000000002876764011528395887-3440*x))",
                             "-9223372036854775807 - 1 + x*(-4611686018427387904*2)"}) {
        CAPTURE(text);
        CHECK_NOTHROW((void)test::parse_error(text));
    }
    Graph g;
    Expr e = parse(g, "(-4611686018427387904*2)/x");
    CHECK(test::eval1(e, 1.0) == -0x1p63);
    CHECK(test::eval1(e, -4.0) == 0x1p61);
}

TEST_CASE("a product that underflows is not folded to zero (fuzz_expr regression)") {
    // 16/3.08e17 is exact, 3.08e-312 a double: their product, 1.6e-328, is below the
    // smallest double. It used to fold to the exact 0, so x/308e15*16*x*308e-314 became the
    // product 0*x^2, which printed and read back as 0.
    CHECK_FALSE(mul(Number::rational(16, 308000000000000000), Number::real(3.08e-312)));
    CHECK_FALSE(mul(Number::real(1e-200), Number::real(1e-200)));
    auto z = mul(Number(0), Number::real(1e-200));  // a true zero stays zero
    REQUIRE(z);
    CHECK(z->is_zero());
    auto sub = mul(Number::real(1e-300), Number::real(1e-10));  // subnormal, not zero: folds
    REQUIRE(sub);
    CHECK(sub->to_double() == 1e-300 * 1e-10);
    CHECK(test::parse_error("x/308e15*16*x*308e-314").starts_with("constant arithmetic overflows or underflows"));
}
