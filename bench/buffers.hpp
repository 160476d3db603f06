// Benchmark inputs shared by the benches: x uniform in [-8, 8] (every activation's interesting
// range and both saturated tails), dy in [-1, 1], fixed seed so runs compare.
#pragma once
#include <cstddef>
#include <random>
#include <vector>

namespace bench {

struct buffers {
    std::vector<float> x, dy, y, dx;
    explicit buffers(std::size_t n) : x(n), dy(n), y(n), dx(n) {
        std::mt19937 rng(42);
        std::uniform_real_distribution<float> d(-8.0f, 8.0f);
        for (auto& v : x) v = d(rng);
        for (auto& v : dy) v = d(rng) / 8;
    }
};

}  // namespace bench
