// Noise ops (uniform, normal): the generator's known answers, the syntax's checks, the
// reference evaluator's draws (deterministic, chunk-invariant, distributed as stated), and
// lower()'s builder form against the reference, in float and double.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/lower.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"

using namespace symact::codegen;

namespace {

std::vector<double> draw(const char* text, std::size_t n, NoiseKey key) {
    Function fn(text);
    Expr roots[] = {fn.f()};
    std::vector<double> xs(n, 0.5);
    return evaluate<double>(roots, xs, {}, key)[0];
}

std::string parse_error(const char* text) {
    try {
        Function fn(text);
    } catch (const symact::error& e) {
        return e.what();
    }
    return "";
}

// lower() with plain scalars: element `index` of a call with `seed`.
template <class T> struct NoiseLeaves {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    T xv;
    std::uint64_t index, seed;
    T x() { return xv; }
    T param(std::string_view) { return T(0); }
    T constant(const Number& c) { return c.as<T>(); }
    std::pair<U, U> noise_index() { return {U(std::uint32_t(index)), U(std::uint32_t(index >> 32))}; }
    std::pair<U, U> noise_seed() { return {U(std::uint32_t(seed)), U(std::uint32_t(seed >> 32))}; }
};

}  // namespace

TEST_CASE("Threefry-2x32-20 known answers (Random123 kat_vectors), 32- and 64-bit lanes") {
    struct Kat { std::uint32_t c0, c1, k0, k1, r0, r1; };
    const Kat kats[] = {
        {0, 0, 0, 0, 0x6b200159, 0x99ba4efe},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x1cb996fc, 0xbb002be7},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xc4923a9c, 0x483df7a0},
    };
    for (const Kat& k : kats) {
        auto w = symact::math::threefry2x32<false>(k.c0, k.c1, k.k0, k.k1);
        CHECK(w.w0 == k.r0);
        CHECK(w.w1 == k.r1);
        auto v = symact::math::threefry2x32<true>(std::uint64_t{k.c0}, std::uint64_t{k.c1},
                                                  std::uint64_t{k.k0}, std::uint64_t{k.k1});
        CHECK(v.w0 == k.r0);
        CHECK(v.w1 == k.r1);
    }
}

TEST_CASE("noise syntax: the stream is an integer constant, the caret points at it") {
    CHECK(parse_error("uniform(0) + normal(3)").empty());
    for (const char* bad : {"x*uniform(x)", "uniform(-1)", "uniform(0.5)", "normal(40000)", "uniform(a)"}) {
        INFO(bad);
        std::string e = parse_error(bad);
        CHECK(e.find("integer constant from 0 to 32767") != std::string::npos);
        CHECK(e.find('^') != std::string::npos);
    }
    CHECK(parse_error("uniform()").find("takes 1 argument") != std::string::npos);
    Function fn("x*uniform(0)");
    CHECK(fn.has_noise());
    CHECK_THROWS_WITH_AS(fn.require_no_noise("symact plot"),
                         doctest::Contains("uniform draws random numbers: symact plot cannot"), symact::error);
    CHECK_FALSE(Function("x + 0*uniform(0)").has_noise());  // simplified away
}

TEST_CASE("noise derivatives are 0: backward regenerates the forward's draws") {
    Function rrelu("where(x >= 0, x, (lower + (upper - lower)*uniform(0))*x)");
    CHECK(to_string(rrelu.derivative("x")) == "where(x >= 0, 1, lower + uniform(0)*(upper - lower))");
    Function noisy("x + 0.5*normal(1)");
    CHECK(noisy.derivative("x").is_number(1));
}

TEST_CASE("uniform: deterministic per (seed, index, stream), chunk-invariant, [0, 1)") {
    const std::size_t n = 4096;
    auto a = draw("uniform(0)", n, {42, 0});
    CHECK(a == draw("uniform(0)", n, {42, 0}));
    CHECK(a != draw("uniform(0)", n, {43, 0}));
    CHECK(a != draw("uniform(1)", n, {42, 0}));
    auto tail = draw("uniform(0)", n - 1000, {42, 1000});  // a chunk starting at element 1000
    CHECK(std::equal(tail.begin(), tail.end(), a.begin() + 1000));
    for (double v : a) REQUIRE((v >= 0 && v < 1));
    // indices above 2^32 use the counter's high word
    auto hi = draw("uniform(0)", 8, {42, (std::uint64_t{1} << 32)});
    CHECK(std::vector<double>(a.begin(), a.begin() + 8) != hi);
}

TEST_CASE("uniform: Kolmogorov-Smirnov against U[0, 1), mean, lag-1 correlation") {
    const std::size_t n = 200000;
    auto u = draw("uniform(5)", n, {2024, 0});
    double mean = 0, lag = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mean += u[i];
        if (i) lag += (u[i] - 0.5) * (u[i - 1] - 0.5);
    }
    mean /= n;
    lag /= (n - 1) * (1.0 / 12);
    CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::abs(lag) < 5 / std::sqrt(double(n)));
    std::sort(u.begin(), u.end());
    double d = 0;
    for (std::size_t i = 0; i < n; ++i)
        d = std::max({d, std::abs(u[i] - double(i) / n), std::abs(double(i + 1) / n - u[i])});
    CHECK(d < 1.95 / std::sqrt(double(n)));  // the 0.1% critical value
}

TEST_CASE("normal: moments of N(0, 1), independent of uniform of the same stream") {
    const std::size_t n = 200000;
    auto z = draw("normal(0)", n, {7, 0});
    auto u = draw("uniform(0)", n, {7, 0});
    double m1 = 0, m2 = 0, m4 = 0, cu = 0;
    for (std::size_t i = 0; i < n; ++i) {
        m1 += z[i], m2 += z[i] * z[i], m4 += z[i] * z[i] * z[i] * z[i];
        cu += z[i] * (u[i] - 0.5);
    }
    m1 /= n, m2 /= n, m4 /= n, cu /= n;
    CHECK(std::abs(m1) < 5 / std::sqrt(double(n)));
    CHECK(std::abs(m2 - 1) < 5 * std::sqrt(2.0 / n));
    CHECK(std::abs(m4 - 3) < 5 * std::sqrt(96.0 / n));
    CHECK(std::abs(cu) < 5 * std::sqrt(1.0 / 12 / n));
}

TEST_CASE("float and double draw the same numbers, up to float's resolution") {
    Function fn("uniform(2) + 10*normal(2)");
    Expr roots[] = {fn.f()};
    std::vector<float> xf(1000, 0.f);
    std::vector<double> xd(1000, 0.0);
    auto f = evaluate<float>(roots, xf, {}, {9, 77})[0];
    auto d = evaluate<double>(roots, xd, {}, {9, 77})[0];
    for (std::size_t i = 0; i < f.size(); ++i) CHECK(std::abs(f[i] - d[i]) < 1e-4 * (1 + std::abs(d[i])));
}

TEST_CASE("lower(): the builder form draws the reference's numbers") {
    Function fn("x*uniform(0) + normal(4)");
    Expr roots[] = {fn.f()};
    const std::uint64_t seed = 0x0123456789abcdefull;
    for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{1} << 33, (std::uint64_t{1} << 47) + 3}) {
        INFO("index ", index);
        double xd[] = {1.5};
        float xf[] = {1.5f};
        double ref_d = evaluate<double>(roots, xd, {}, {seed, index})[0][0];
        float ref_f = evaluate<float>(roots, xf, {}, {seed, index})[0][0];
        NoiseLeaves<double> ld{1.5, index, seed};
        NoiseLeaves<float> lf{1.5f, index, seed};
        double fast_d = lower<double>(roots, ld)[0];
        float fast_f = lower<float>(roots, lf)[0];
        CHECK(std::abs(fast_d - ref_d) <= 1e-14 * (1 + std::abs(ref_d)));
        CHECK(std::abs(fast_f - ref_f) <= 4e-6f * (1 + std::abs(ref_f)));
        // uniform alone: the same bits
        Function u("uniform(3)");
        Expr ur[] = {u.f()};
        NoiseLeaves<float> lu{0.f, index, seed};
        CHECK(lower<float>(ur, lu)[0] == evaluate<float>(ur, xf, {}, {seed, index})[0][0]);
        NoiseLeaves<double> lud{0.0, index, seed};
        CHECK(lower<double>(ur, lud)[0] == evaluate<double>(ur, xd, {}, {seed, index})[0][0]);
    }
}
