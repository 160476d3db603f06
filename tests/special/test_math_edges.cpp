// Edges of math/ found by the special-value tables and fuzz_jit, checked directly on the
// scalar functions (the JIT and generated headers run the same source).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <symact/math/all.hpp>

TEST_CASE_TEMPLATE("expm1 of a subnormal is the subnormal itself", T, float, double) {
    using L = std::numeric_limits<T>;
    for (T x : {L::denorm_min(), T(3) * L::denorm_min(), L::min() / T(3), L::min()}) {
        CAPTURE(x);
        CHECK(symact::math::expm1(x) == x);
        CHECK(symact::math::expm1(-x) == -x);
    }
}

TEST_CASE_TEMPLATE("sin and cos stay in [-1, 1] for every finite argument", T, float, double) {
    using L = std::numeric_limits<T>;
    // past the reduction's range the values mean nothing, but they are finite and bounded
    // (sin(1e10f) was -2.4e18, cos(FLT_MAX) -inf)
    for (T m = T(1e4); m < L::max() / T(7); m *= T(7.3)) {
        for (T x : {m, -m, std::nextafter(m, L::max())}) {
            CAPTURE(x);
            T s = symact::math::sin(x), c = symact::math::cos(x);
            CHECK(std::isfinite(s));
            CHECK(std::fabs(s) <= T(1));
            CHECK(std::isfinite(c));
            CHECK(std::fabs(c) <= T(1));
        }
    }
    for (T x : {L::max(), -L::max()}) {
        CHECK(std::fabs(symact::math::sin(x)) <= T(1));
        CHECK(std::fabs(symact::math::cos(x)) <= T(1));
    }
    CHECK(std::isnan(symact::math::sin(L::infinity())));
    CHECK(std::isnan(symact::math::cos(-L::infinity())));
    CHECK(std::isnan(symact::math::sin(L::quiet_NaN())));
    // inside the documented range nothing changed: a few values against libm
    for (T x : {T(0.5), T(-3), T(100), T(131000)}) {
        CHECK(symact::math::sin(x) == doctest::Approx(std::sin(double(x))).epsilon(1e-6));
        CHECK(symact::math::cos(x) == doctest::Approx(std::cos(double(x))).epsilon(1e-6));
    }
}
