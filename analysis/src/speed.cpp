#include "symact/analysis/speed.hpp"

#if SYMACT_ANALYSIS_HAS_JIT
#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include <symact/jit/jit.hpp>
#endif

namespace symact::analysis {

#if SYMACT_ANALYSIS_HAS_JIT
namespace {

// ns per element of run(), repeated until 40 ms have passed (the best of the batches).
template <class F> double time_per_element(F&& run, std::size_t n) {
    using clock = std::chrono::steady_clock;
    run();  // warm the caches and the code
    double best = 1e300;
    auto start = clock::now();
    do {
        auto t0 = clock::now();
        for (int i = 0; i < 4; ++i) run();
        double ns = std::chrono::duration<double, std::nano>(clock::now() - t0).count() / (4.0 * n);
        best = std::min(best, ns);
    } while (clock::now() - start < std::chrono::milliseconds(40));
    return best;
}

}  // namespace

std::optional<Speed> measure_speed(std::string_view expr, const codegen::ParamValues& params) {
    jit::Options o;
    o.dtype = jit::DType::f32;
    jit::Kernel k = jit::compile(expr, o);
    jit::ParamValues p;
    for (const auto& name : k.params()) p[name] = {params.at(name)};
    constexpr std::size_t n = 1 << 16;
    std::vector<float> x(n), dy(n, 1.0f), y(n), dx(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = -6.0f + 12.0f * static_cast<float>(i) / n;  // where activations work
    Speed s;
    s.dtype = "f32";
    s.lanes = k.vector_width();
    s.forward = time_per_element([&] { k.forward(x, y, p); }, n);
    s.backward = time_per_element([&] { k.backward(x, dy, dx, p); }, n);
    s.fused = time_per_element([&] { k.forward_backward(x, dy, y, dx, p); }, n);
    return s;
}
#else
std::optional<Speed> measure_speed(std::string_view, const codegen::ParamValues&) { return std::nullopt; }
#endif

}  // namespace symact::analysis
