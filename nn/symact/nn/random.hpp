// Uniform and Gaussian numbers from Philox words, per element, in the precision of the layer.
//   float:  uniform from the top 24 bits of one word (every float in [0, 1) step 2^-24);
//   double: uniform from 53 bits of two words.
// Gaussian: Box-Muller's cosine branch, z = sqrt(-2 log u1) cos(2 pi u2), u1 in (0, 1] so
// log never sees 0; |z| is then at most 5.77 (float) or 8.58 (double).
// Everything is branch-free and call-free (symact::math's log/cos) so loops vectorize.
#pragma once
#include <cstdint>
#include <type_traits>

#include <symact/math/all.hpp>
#include <symact/nn/philox.hpp>

namespace symact::nn {

// Uniform on [0, 1) from the words of one Philox call.
template <class T>
SYMACT_NN_INLINE T uniform01(std::uint32_t w0, std::uint32_t w1) {
    if constexpr (std::is_same_v<T, float>) {
        (void)w1;
        return float(std::int32_t(w0 >> 8)) * 0x1p-24f;
    } else {
        const std::uint64_t m = (std::uint64_t(w0) << 21) | (w1 >> 11);
        return double(std::int64_t(m)) * 0x1p-53;
    }
}

// Uniform on (0, 1]: the same grid shifted by one step.
template <class T>
SYMACT_NN_INLINE T uniform01_open0(std::uint32_t w0, std::uint32_t w1) {
    if constexpr (std::is_same_v<T, float>) {
        (void)w1;
        return float(std::int32_t(w0 >> 8) + 1) * 0x1p-24f;
    } else {
        const std::uint64_t m = (std::uint64_t(w0) << 21) | (w1 >> 11);
        return double(std::int64_t(m) + 1) * 0x1p-53;
    }
}

// Standard normal from the four words of one Philox call.
template <class T>
SYMACT_NN_INLINE T normal_from(const philox_ctr& r) {
    const T u1 = uniform01_open0<T>(r[0], r[1]);
    const T u2 = uniform01<T>(r[2], r[3]);
    const T radius = math::sqrt(T(-2) * math::log(u1));
    return radius * math::cos(T(6.283185307179586476925286766559) * u2);
}

}  // namespace symact::nn
