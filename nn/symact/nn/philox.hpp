// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3",
// SC'11): a counter-based generator. The output is a pure function of a 128-bit counter and a
// 64-bit key, so element i of a tensor gets its own numbers from counter i without any state,
// backward regenerates what forward drew, and SIMD lanes are independent counters.
//
// Written from the paper's definition: 10 rounds of
//     (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2          (32x32 -> 64-bit products)
//     c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
// with the key bumped by the Weyl constants (W0, W1) between rounds.
#pragma once
#include <array>
#include <cstdint>

#include <symact/nn/config.hpp>

namespace symact::nn {

using philox_ctr = std::array<std::uint32_t, 4>;
using philox_key = std::array<std::uint32_t, 2>;

namespace philox_const {
inline constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;  // multipliers
inline constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;  // key increments
}  // namespace philox_const

// One round with the round's key (k0, k1).
constexpr SYMACT_NN_INLINE philox_ctr philox_round(const philox_ctr& c, std::uint32_t k0, std::uint32_t k1) {
    using namespace philox_const;
    const std::uint64_t p0 = std::uint64_t(M0) * c[0];
    const std::uint64_t p1 = std::uint64_t(M1) * c[2];
    return {std::uint32_t(p1 >> 32) ^ c[1] ^ k0, std::uint32_t(p1), std::uint32_t(p0 >> 32) ^ c[3] ^ k1,
            std::uint32_t(p0)};
}

// The ten rounds unrolled by recursion, not a loop: clang vectorizes innermost loops only, and
// a rounds loop left inside an element loop keeps that loop scalar. Round r's key is the key
// bumped r times: k + r*W (mod 2^32).
template <std::uint32_t R = 0>
constexpr SYMACT_NN_INLINE philox_ctr philox_rounds(const philox_ctr& c, const philox_key& k) {
    using namespace philox_const;
    const philox_ctr next = philox_round(c, k[0] + R * W0, k[1] + R * W1);
    if constexpr (R + 1 < 10)
        return philox_rounds<R + 1>(next, k);
    else
        return next;
}

constexpr SYMACT_NN_INLINE philox_ctr philox4x32_10(const philox_ctr& c, const philox_key& k) {
    return philox_rounds(c, k);
}

// Streams keep the draws of different layers apart for one seed (counter word 2).
enum class stream : std::uint32_t { rrelu = 0x52524C55u /* "RRLU" */, noisy = 0x4E4F4953u /* "NOIS" */ };

// The four words for element `index` of a layer keyed by `seed`.
constexpr SYMACT_NN_INLINE philox_ctr philox_element(std::uint64_t seed, stream s, std::uint64_t index) {
    return philox4x32_10({std::uint32_t(index), std::uint32_t(index >> 32), std::uint32_t(s), 0u},
                         {std::uint32_t(seed), std::uint32_t(seed >> 32)});
}

}  // namespace symact::nn
