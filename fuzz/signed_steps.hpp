// The fuzzer's rounding perturbations: a fixed sequence of signs (a small LCG), so runs are
// reproducible and perturbations do not cancel by symmetry. Shared by the naive reader and
// the perturbed DAG evaluator.
#pragma once
#include <cstdint>

namespace fuzz {

struct SignedSteps {
    std::uint64_t state = 0x9e3779b97f4a7c15ull;
    // +by or -by, the next sign of the sequence
    long double next(long double by) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 63) ? by : -by;
    }
};

}  // namespace fuzz
