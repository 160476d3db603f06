// Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors,
// "philox4x32 10" lines: counter[4] key[2] -> output[4]), and the Gaussian built on it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <symact/nn/random.hpp>

using namespace symact::nn;

// The generator is constexpr: the vectors are checked at compile time too.
static_assert(philox4x32_10({0, 0, 0, 0}, {0, 0}) == philox_ctr{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});

TEST_CASE("philox4x32-10 known answers (Random123 kat_vectors)") {
    CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) == philox_ctr{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
    CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
          philox_ctr{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
    CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
          philox_ctr{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("philox_element: counter = (index lo, index hi, stream, 0), key = seed") {
    const std::uint64_t seed = 0x0123456789abcdefull, index = 0xfedcba9876543210ull;
    CHECK(philox_element(seed, stream::rrelu, index) ==
          philox4x32_10({0x76543210u, 0xfedcba98u, 0x52524C55u, 0}, {0x89abcdefu, 0x01234567u}));
    CHECK(philox_element(seed, stream::rrelu, index) != philox_element(seed, stream::noisy, index));
}

TEST_CASE("uniform01: [0, 1) on the 2^-24 / 2^-53 grid, open-at-0 variant in (0, 1]") {
    CHECK(uniform01<float>(0, 0) == 0.0f);
    CHECK(uniform01<float>(0xffffffffu, 0) == 1.0f - 0x1p-24f);
    CHECK(uniform01<double>(0, 0) == 0.0);
    CHECK(uniform01<double>(0xffffffffu, 0xffffffffu) == 1.0 - 0x1p-53);
    CHECK(uniform01_open0<float>(0, 0) == 0x1p-24f);
    CHECK(uniform01_open0<float>(0xffffffffu, 0) == 1.0f);
    CHECK(uniform01_open0<double>(0, 0) == 0x1p-53);
    CHECK(uniform01_open0<double>(0xffffffffu, 0xffffffffu) == 1.0);
}

namespace {
// Kolmogorov-Smirnov statistic of a sample against a continuous CDF.
template <class F>
double ks_statistic(std::vector<double> v, F cdf) {
    std::sort(v.begin(), v.end());
    const double n = double(v.size());
    double d = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double f = cdf(v[i]);
        d = std::max({d, f - double(i) / n, double(i + 1) / n - f});
    }
    return d;
}
}  // namespace

TEST_CASE("normal_from: Kolmogorov-Smirnov, mean and variance of 200000 draws (seed 7)") {
    constexpr std::size_t n = 200000;
    for (int prec = 0; prec < 2; ++prec) {
        std::vector<double> z(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto r = philox_element(7, stream::noisy, i);
            z[i] = prec == 0 ? double(normal_from<float>(r)) : normal_from<double>(r);
        }
        // D_n > 1.95/sqrt(n) has probability 0.001 under the null hypothesis
        const double d = ks_statistic(z, [](double t) { return 0.5 * std::erfc(-t / std::sqrt(2.0)); });
        CHECK(d < 1.95 / std::sqrt(double(n)));
        double mean = 0, m2 = 0;
        for (double t : z) mean += t;
        mean /= n;
        for (double t : z) m2 += (t - mean) * (t - mean);
        const double var = m2 / (n - 1);
        CHECK(std::abs(mean) < 5 / std::sqrt(double(n)));          // 5 standard errors
        CHECK(std::abs(var - 1) < 5 * std::sqrt(2.0 / double(n)));  // Var(s^2) = 2/n for N(0,1)
    }
}
