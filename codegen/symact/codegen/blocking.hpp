// How kernels that reorder data cut it into blocks, one rule for the DSL's and the JIT's
// kernels (so both give the same bits and the same cache behaviour):
// - strided rows (the reduction axis in the middle of an (outer, cols, inner) array): tiles of
//   rows gathered, transposed, into a contiguous (tile, cols) block and scattered back;
// - concatenations: the input run through each part in chunks of whole samples.
#pragma once
#include <algorithm>
#include <cstddef>

namespace symact::codegen::blocking {

// Rows per strided tile: about 32 KB per block buffer (it stays in L1/L2), at least 8 rows
// (8 block rows written at stride cols, often a power of two, map to one cache set and L1
// keeps 8 lines of a set), at most 4 MB unless one row alone is larger; never more than inner.
inline std::size_t strided_tile(std::size_t cols, std::size_t inner, std::size_t elem) {
    constexpr std::size_t target = 32 * 1024, limit = 4 << 20;
    std::size_t t = std::max<std::size_t>(target / (cols * elem), 8);
    t = std::min(t, std::max<std::size_t>(1, limit / (cols * elem)));
    return std::min(t, inner);
}

// n rows of the (outer, cols, inner) array starting at element `base` (one outer index,
// consecutive inner positions) into / out of the row-major (n, cols) block `blk`.
template <class T>
void gather_rows(const T* src, T* blk, std::size_t base, std::size_t n, std::size_t cols, std::size_t inner) {
    for (std::size_t c = 0; c < cols; ++c) {
        const T* s = src + base + c * inner;
        for (std::size_t t = 0; t < n; ++t) blk[t * cols + c] = s[t];
    }
}
template <class T>
void scatter_rows(const T* blk, T* dst, std::size_t base, std::size_t n, std::size_t cols, std::size_t inner) {
    for (std::size_t c = 0; c < cols; ++c) {
        T* d = dst + base + c * inner;
        for (std::size_t t = 0; t < n; ++t) d[t] = blk[t * cols + c];
    }
}

// Samples per part call of a concatenation with `samples` samples of `block` inputs: about
// 4096 inputs (16 KB of float per buffer), so small samples share a call; 1 means a sample is
// large enough to be read and written in place.
inline std::size_t concat_samples(std::size_t samples, std::size_t block) {
    constexpr std::size_t chunk = 4096;
    return std::max<std::size_t>(1, std::min(samples, chunk / block));
}

}  // namespace symact::codegen::blocking
