// Maxout against a direct scalar loop written differently (first NaN, else first index of the
// maximum), on odd shapes with ties and NaNs, float and double.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <symact/nn/maxout.hpp>

using namespace symact::nn;

namespace {

// Values from a small set so ties are common; about 2% NaN when with_nan.
template <class T>
std::vector<T> sample(std::size_t n, unsigned seed, bool with_nan) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> level(-3, 3), pct(0, 99);
    std::vector<T> v(n);
    for (auto& x : v)
        x = with_nan && pct(gen) < 2 ? std::numeric_limits<T>::quiet_NaN() : T(level(gen)) * T(0.5);
    return v;
}

// The group's winner: the first NaN if there is one, else the first index holding the maximum.
template <class T>
std::size_t reference_argmax(const std::vector<T>& x, std::size_t base, std::size_t stride, std::size_t k) {
    for (std::size_t j = 0; j < k; ++j)
        if (std::isnan(x[base + j * stride])) return j;
    T m = x[base];
    for (std::size_t j = 1; j < k; ++j) m = std::max(m, x[base + j * stride]);
    for (std::size_t j = 0; j < k; ++j)
        if (x[base + j * stride] == m) return j;
    return k;  // unreachable
}

template <class T>
void check_against_loop(shape3 s, std::size_t k, bool with_nan) {
    CAPTURE(s.n);
    CAPTURE(s.c);
    CAPTURE(s.inner);
    CAPTURE(k);
    const std::size_t size = s.n * s.c * s.inner, out = size / k;
    const auto x = sample<T>(size, unsigned(size + k), with_nan);
    auto dy = sample<T>(out, unsigned(size * 7 + k), false);
    for (std::size_t i = 0; i < out; ++i) dy[i] += T(i % 5) + T(1);  // distinct, nonzero
    std::vector<T> y(out), dx(size, T(-99));
    maxout_forward<T>(x, y, s, k);
    maxout_backward<T>(x, dy, dx, s, k);
    std::size_t mismatches = 0;
    for (std::size_t n = 0; n < s.n; ++n)
        for (std::size_t g = 0; g < s.c / k; ++g)
            for (std::size_t i = 0; i < s.inner; ++i) {
                const std::size_t base = (n * s.c + g * k) * s.inner + i;
                const std::size_t o = (n * (s.c / k) + g) * s.inner + i;
                const std::size_t arg = reference_argmax(x, base, s.inner, k);
                const T want = x[base + arg * s.inner];
                if (!(y[o] == want || (std::isnan(want) && std::isnan(y[o])))) ++mismatches;
                for (std::size_t j = 0; j < k; ++j)
                    if (dx[base + j * s.inner] != (j == arg ? dy[o] : T(0))) ++mismatches;
            }
    CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE_TEMPLATE("maxout matches a direct loop (ties, NaN, odd shapes, blocks of 256)", T, float, double) {
    const shape3 shapes[] = {{1, 6, 1}, {7, 12, 1}, {3, 4, 1}, {3, 6, 37}, {2, 12, 300}, {5, 9, 17}, {1, 4, 513}, {0, 6, 3}, {2, 1, 7}};
    for (const shape3 s : shapes)
        for (std::size_t k : {1, 2, 3, 4, 6, 9, 12})
            if (s.c % k == 0)
                for (bool with_nan : {false, true}) check_against_loop<T>(s, k, with_nan);
}

TEST_CASE("maxout: ties go to the first index, NaN wins and takes the gradient") {
    // one group of k = 4 per position; inner = 3 positions
    const std::vector<double> x = {1, 5, 2,   //
                                   3, 5, std::nan(""),
                                   3, 1, 7,
                                   0, std::nan(""), std::nan("")};
    std::vector<double> y(3), dx(12), dy = {10, 20, 30};
    maxout_forward<double>(x, y, {1, 4, 3}, 4);
    maxout_backward<double>(x, dy, dx, {1, 4, 3}, 4);
    CHECK(y[0] == 3);
    CHECK(std::isnan(y[1]));
    CHECK(std::isnan(y[2]));
    CHECK(dx == std::vector<double>{0, 0, 0, 10, 0, 30, 0, 0, 0, 0, 20, 0});
}

TEST_CASE("maxout: bad shapes and sizes are clear errors") {
    std::vector<float> x(14), y(7), dx(14);
    CHECK_THROWS_WITH(maxout_forward<float>(x, y, {1, 7, 2}, 2),
                      "maxout: C = 7 channels is not divisible by k = 2 pieces");
    CHECK_THROWS_WITH(maxout_forward<float>(x, y, {1, 7, 2}, 0), "maxout: k = 0 pieces; k must be at least 1");
    CHECK_THROWS_WITH(maxout_forward<float>(x, y, {1, 14, 1}, 7), "maxout: y has 7 elements, expected 2");
    CHECK_THROWS_WITH(maxout_forward<float>(x, y, {2, 14, 1}, 2), "maxout: x has 14 elements, expected 28");
    CHECK_THROWS_WITH(maxout_backward<float>(x, y, std::span<float>(dx).first(3), {1, 14, 1}, 2),
                      "maxout: dx has 3 elements, expected 14");
    const std::size_t big = std::size_t(1) << 40;
    CHECK_THROWS_WITH(maxout_forward<float>(x, y, {big, big, 1}, 1),
                      doctest::Contains("has more elements than size_t holds"));
}
