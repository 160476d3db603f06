// bench_jit_aot: every catalog activation's JIT kernels against its compile-time (DSL)
// kernels, float32, one thread, side by side: for each activation and mode the two are
// timed alternately, many rounds, and each keeps its fastest round, so that a loaded or
// drifting machine affects both alike. Each timed call follows an untimed call of the same
// kernel: at N = 65,536 the four arrays fill the L2 cache, and a kernel timed right after
// another would otherwise inherit that one's cache state (the order favoured the later one).
// Prints a Markdown table (bench/RESULTS.md).
//   bench_jit_aot [N=65536] [rounds=60] [activation...]   (default: the whole catalog)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <symact/dsl/aot.hpp>
#include <symact/dsl/names.hpp>

#include "symact/jit/jit.hpp"

namespace {

using namespace symact;
using Clock = std::chrono::steady_clock;

// Seconds of one call of f, right after an untimed one.
template <class F> double seconds(F&& f) {
    f();
    auto t = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Pair {
    double aot = 1e300, jit = 1e300;  // fastest round, ns per element
};

}  // namespace

int main(int argc, char** argv) {
    auto count = [&](int i, unsigned long long dflt) {
        if (argc <= i) return dflt;
        char* end = nullptr;
        unsigned long long v = std::strtoull(argv[i], &end, 10);
        if (end == argv[i] || *end || v == 0 || argv[i][0] == '-') {
            std::fprintf(stderr, "usage: bench_jit_aot [N=65536] [rounds=60] [activation...]\n"
                                 "bench_jit_aot: '%s' is not a positive count\n", argv[i]);
            std::exit(2);
        }
        return v;
    };
    const std::size_t n = count(1, 65536);
    const int rounds = static_cast<int>(std::min<unsigned long long>(count(2, 60), 1000000));
    const std::vector<std::string> only(argv + std::min(argc, 3), argv + argc);
    codegen::set_default_parse_options(dsl::catalog_parse_options());

    std::vector<float> x(n), dy(n), y(n), dx(n);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-6.f, 6.f);
    for (auto& v : x) v = u(rng);
    for (auto& v : dy) v = u(rng);
    const std::span<const float> cx(x), cdy(dy);

    std::printf("N = %zu float32, one thread, fastest of %d alternating rounds (ns/element)\n\n", n, rounds);
    std::printf("| activation | forward DSL | forward JIT | JIT/DSL | backward DSL | backward JIT | JIT/DSL "
                "| fused DSL | fused JIT | JIT/DSL |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    double worst = 0;
    std::string worst_name;
    for (const auto& a : dsl::aot_kernels()) {
        if (!only.empty() && std::find(only.begin(), only.end(), a.name) == only.end()) continue;
        jit::Kernel k;
        try {
            k = jit::compile(a.name);
        } catch (const error& e) {
            std::printf("| %s | JIT compile failed: %s |\n", std::string(a.name).c_str(), e.what());
            continue;
        }
        const std::vector<double> p = a.bind({});
        jit::ParamValues pv;
        for (std::size_t i = 0; i < a.params.size(); ++i) pv[std::string(a.params[i].name)] = {p[i]};
        std::vector<double> dp(p.size() + 1);
        Pair fwd, bwd, fused;
        const double per = 1e9 / static_cast<double>(n);
        for (int r = 0; r < rounds; ++r) {
            fwd.aot = std::min(fwd.aot, per * seconds([&] { a.f32.forward(x.data(), y.data(), n, p.data()); }));
            fwd.jit = std::min(fwd.jit, per * seconds([&] { k.forward(cx, std::span<float>(y), pv); }));
            bwd.aot = std::min(bwd.aot, per * seconds([&] {
                                   a.f32.backward(x.data(), dy.data(), dx.data(), n, p.data(), dp.data());
                               }));
            bwd.jit = std::min(bwd.jit, per * seconds([&] {
                                   k.backward(cx, cdy, std::span<float>(dx), pv);
                               }));
            fused.aot = std::min(fused.aot, per * seconds([&] {
                                     a.f32.fused(x.data(), dy.data(), y.data(), dx.data(), n, p.data(), dp.data());
                                 }));
            fused.jit = std::min(fused.jit, per * seconds([&] {
                                     k.forward_backward(cx, cdy, std::span<float>(y), std::span<float>(dx), pv);
                                 }));
        }
        const double rf = fwd.jit / fwd.aot, rb = bwd.jit / bwd.aot, rx = fused.jit / fused.aot;
        for (auto [ratio, mode] : {std::pair{rf, "forward"}, std::pair{rb, "backward"}, std::pair{rx, "fused"}})
            if (ratio > worst) worst = ratio, worst_name = std::string(a.name) + " " + mode;
        std::printf("| %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f |\n",
                    std::string(a.name).c_str(), fwd.aot, fwd.jit, rf, bwd.aot, bwd.jit, rb, fused.aot, fused.jit, rx);
    }
    std::printf("\nlargest JIT/DSL ratio: %.2f (%s)\n", worst, worst_name.c_str());
    return 0;
}
