// One definition per op: the reference evaluator's scalar form (ref) and the builder form
// every kernel path uses (eval: JIT, DSL, generated headers) give the same bits, signed
// zeros and ties included.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "symact/codegen/ops.hpp"

using namespace symact::codegen;

namespace {

template <class T> bool same(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    return std::bit_cast<U>(a) == std::bit_cast<U>(b);
}

template <class Op, class T> void check_pairs() {
    const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    const T vs[] = {T(0), -T(0), T(1), T(-1), inf, -inf, nan, std::numeric_limits<T>::denorm_min()};
    for (T a : vs)
        for (T b : vs) {
            INFO(Op::name, "(", a, ", ", b, ") ", sizeof(T) == 4 ? "float" : "double");
            CHECK(same(Op::template ref<T>(a, b), Op::template eval<T>(a, b)));
        }
}

template <class Op, class T> void check_values() {
    const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    const T vs[] = {T(0), -T(0), T(1), T(-1), inf, -inf, nan, -std::numeric_limits<T>::denorm_min()};
    for (T a : vs) {
        INFO(Op::name, "(", a, ") ", sizeof(T) == 4 ? "float" : "double");
        CHECK(same(Op::template ref<T>(a), Op::template eval<T>(a)));
    }
}

}  // namespace

TEST_CASE("sign and abs: ref and eval agree bit for bit") {
    check_values<symact::ops::Sign, float>();
    check_values<symact::ops::Sign, double>();
    check_values<symact::ops::Abs, float>();
    check_values<symact::ops::Abs, double>();
}

TEST_CASE("max and min: ref and eval agree bit for bit (signed zeros, ties, NaN, inf)") {
    check_pairs<symact::ops::Max, float>();
    check_pairs<symact::ops::Max, double>();
    check_pairs<symact::ops::Min, float>();
    check_pairs<symact::ops::Min, double>();
}

TEST_CASE("the zero a tie of max/min gives decides the sign of a quotient the same way everywhere") {
    // fuzz finding: 1/min(0, x) at x = -0 was +inf in the reference and -inf in the JIT
    Graph g;
    Expr e[] = {parse(g, "1/min(0, x)"), parse(g, "1/max(0, x)")};
    float xs[] = {-0.0f, 0.0f};
    auto v = evaluate<float>(e, xs, {});
    const auto& M = symact::ops::Min::eval<float>;
    const auto& X = symact::ops::Max::eval<float>;
    CHECK(same(v[0][0], 1.0f / M(0.0f, -0.0f)));
    CHECK(same(v[0][1], 1.0f / M(0.0f, 0.0f)));
    CHECK(same(v[1][0], 1.0f / X(0.0f, -0.0f)));
    CHECK(same(v[1][1], 1.0f / X(0.0f, 0.0f)));
}
