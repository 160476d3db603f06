// The generated headers' sqrt is IEEE sqrt, bit for bit (codegen/emit/header.cpp,
// sqrt_helper): array and scalar kernels of `sqrt(x)` from the C++ and the C header against
// std::sqrt, on every float in [1, 4) (every mantissa, both exponent parities), a stride
// over all float bit patterns, and doubles: random bit patterns, squares and their
// neighbours, subnormals, powers of two, specials. Compiled without -fno-math-errno, so
// with g++ this is the arithmetic path (the one that keeps the loops call-free).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "exact_sqrt.hpp"

#if defined(__GNUC__) && !defined(__clang__) && defined(__NO_MATH_ERRNO__)
#error "compile without -fno-math-errno: the test is for the header's arithmetic sqrt"
#endif

extern "C" void c_sqrt_f32(const float* x, float* y, std::size_t n);    // sqrt_exact_c.c
extern "C" void c_sqrt_f64(const double* x, double* y, std::size_t n);

namespace {
template <class T, class U> U bits(T v) { U u; std::memcpy(&u, &v, sizeof u); return u; }

long bad = 0;
template <class T, class U> void check(const std::vector<T>& x) {
    std::vector<T> y(x.size()), yc(x.size());
    exact_sqrt::forward(x.data(), y.data(), x.size());
    if constexpr (sizeof(T) == 4) c_sqrt_f32(x.data(), yc.data(), x.size());
    else c_sqrt_f64(x.data(), yc.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T want = std::sqrt(x[i]);
        const T got[] = {y[i], yc[i], i % 97 == 0 ? exact_sqrt::f(x[i]) : y[i]};
        for (T g : got) {
            const bool ok = std::isnan(want) ? std::isnan(g) : bits<T, U>(g) == bits<T, U>(want);
            if (!ok && bad++ < 10)
                std::printf("sqrt(%a) = %a, expected %a\n", static_cast<double>(x[i]), static_cast<double>(g),
                            static_cast<double>(want));
        }
    }
}
}  // namespace

int main() {
    std::vector<float> xf;
    auto flush_f = [&] { check<float, std::uint32_t>(xf); xf.clear(); };
    for (std::uint32_t u = 0x3f800000u; u < 0x40800000u; ++u) {  // [1, 4)
        float v;
        std::memcpy(&v, &u, sizeof v);
        xf.push_back(v);
        if (xf.size() == 1u << 16) flush_f();
    }
    for (std::uint64_t u = 0; u < (1ull << 32); u += 61) {  // all exponents, signs, NaNs
        const std::uint32_t b = static_cast<std::uint32_t>(u);
        float v;
        std::memcpy(&v, &b, sizeof v);
        xf.push_back(v);
        if (xf.size() == 1u << 16) flush_f();
    }
    for (float v : {0.0f, -0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                    std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min(),
                    std::numeric_limits<float>::min(), std::numeric_limits<float>::max(), -1.0f, -0.0f})
        xf.push_back(v);
    flush_f();

    std::mt19937_64 rng(6);
    std::vector<double> xd;
    auto flush_d = [&] { check<double, std::uint64_t>(xd); xd.clear(); };
    auto from = [](std::uint64_t u) { double v; std::memcpy(&v, &u, sizeof v); return v; };
    for (int i = 0; i < 4000000; ++i) {
        xd.push_back(from(rng()));                                   // anything
        xd.push_back(from(rng() & 0x000fffffffffffffull));           // subnormal
        const double s = from((rng() & 0x000fffffffffffffull) | ((1023ull - 480 + rng() % 960) << 52));
        xd.push_back(from(bits<double, std::uint64_t>(s * s) + rng() % 5 - 2));  // near a square
        const std::uint64_t e = rng() % 2047, m = rng() % 3 == 0 ? 0 : rng() % 2 ? 0x000fffffffffffffull : 1;
        xd.push_back(from((e << 52) | m));                            // powers of two and neighbours
        if (xd.size() >= 1u << 16) flush_d();
    }
    for (double v : {0.0, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
                     std::numeric_limits<double>::min(), std::numeric_limits<double>::max(), -1.0})
        xd.push_back(v);
    flush_d();

    std::printf("%ld results differ from std::sqrt\n", bad);
    return bad == 0 ? 0 : 1;
}
