// bench_jit: what the JIT costs and what it buys (bench/RESULTS.md (JIT section)).
//   compile/cold      mish forward+backward+fused from text, no cache: the wall time of
//                     jit::compile() alone, once per repetition (21, as `symact jit --bench`),
//                     each shown, with median, min, p90, max; counters: main-thread and
//                     whole-process CPU ms (both compile threads), to tell waiting from work
//   compile/unload    dropping that kernel's code (not part of a compile)
//   compile/disk_hit  the same from the disk cache (memory cache off)
//   compile/memory_hit
//   kernel/ACT/MODE/N ns per element of the JIT kernels, float32, one thread
//   muparser/ACT/N    muparser's bulk mode (double, one OpenMP thread) on the same formula
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "symact/jit/jit.hpp"
#include <symact/nn/rrelu.hpp>
#ifdef SYMACT_BENCH_MUPARSER
#include <muParser.h>
#endif

namespace {

using namespace symact;

const char* const mish = "x*tanh(softplus(x))";

struct Act {
    const char* name;
    const char* expr;      // symact syntax
    const char* muparser;  // the same function in muparser's syntax
};
const Act acts[] = {
    {"sigmoid", "sigmoid(x)", "1/(1+exp(-x))"},
    {"tanh", "tanh(x)", "tanh(x)"},
    {"relu", "max(x, 0)", "x > 0 ? x : 0"},
    {"gelu", "0.5*x*(1 + erf(x/sqrt(2)))", "0.5*x*(1+erf(x/sqrt(2)))"},
    {"mish", "x*tanh(softplus(x))", "x*tanh(ln(1+exp(x)))"},
    {"silu", "x*sigmoid(x)", "x/(1+exp(-x))"},
    {"elu", "where(x > 0, x, expm1(x))", "x > 0 ? x : exp(x)-1"},
};

jit::Options no_cache() {
    jit::Options o;
    o.memory_cache = o.disk_cache = false;
    return o;
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double cpu_ms(clockid_t which) {
    timespec t{};
    clock_gettime(which, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// The LLJIT is created by the first compile of the process: before any timing.
void create_jit() {
    static const bool once = (jit::compile("x", no_cache()), true);
    (void)once;
}

// Manual time: jit::compile() alone. The kernel is dropped after the clock stops
// (compile/unload times that), as `symact jit --bench` does.
void compile_cold(benchmark::State& s) {
    create_jit();
    double cpu_main = 0, cpu_all = 0;
    for (auto _ : s) {
        const double m0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID), a0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
        const auto t = Clock::now();
        jit::Kernel k = jit::compile(mish, no_cache());
        s.SetIterationTime(seconds_since(t));
        cpu_main += cpu_ms(CLOCK_THREAD_CPUTIME_ID) - m0;
        cpu_all += cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - a0;
    }
    s.counters["cpu_main_ms"] = benchmark::Counter(cpu_main, benchmark::Counter::kAvgIterations);
    s.counters["cpu_all_ms"] = benchmark::Counter(cpu_all, benchmark::Counter::kAvgIterations);
}

// The repetitions' Q-th percentile (0 min, 100 max), for ComputeStatistics.
template <int Q> double quantile(const std::vector<double>& v) {
    auto w = v;
    std::sort(w.begin(), w.end());
    return w[std::min(w.size() - 1, w.size() * Q / 100)];
}

void compile_unload(benchmark::State& s) {
    create_jit();
    for (auto _ : s) {
        s.PauseTiming();
        jit::Kernel k = jit::compile(mish, no_cache());
        s.ResumeTiming();
        k = jit::Kernel{};
    }
}

void compile_disk_hit(benchmark::State& s) {
    auto dir = std::filesystem::temp_directory_path() / "symact-bench-jit-cache";
    std::filesystem::remove_all(dir);
    jit::Options o = no_cache();
    o.disk_cache = true;
    o.cache_dir = dir.string();
    jit::compile(mish, o);  // fills the entry
    for (auto _ : s) benchmark::DoNotOptimize(jit::compile(mish, o));
    std::filesystem::remove_all(dir);
}

void compile_memory_hit(benchmark::State& s) {
    jit::Options o;
    o.disk_cache = false;
    auto keep = jit::compile(mish, o);
    for (auto _ : s) benchmark::DoNotOptimize(jit::compile(mish, o));
}

std::vector<float> inputs(std::size_t n) {
    std::vector<float> x(n);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-6.f, 6.f);
    for (auto& v : x) v = u(rng);
    return x;
}

void kernel(benchmark::State& s, const Act& a, int mode) {
    const auto n = static_cast<std::size_t>(s.range(0));
    auto k = jit::compile(a.expr, jit::Options{});
    auto x = inputs(n);
    std::vector<float> dy(n, 1.f), y(n), dx(n);
    std::span<const float> cx(x), cdy(dy);
    for (auto _ : s) {
        if (mode == 0) k.forward(cx, std::span<float>(y));
        else if (mode == 1) k.backward(cx, cdy, std::span<float>(dx));
        else k.forward_backward(cx, cdy, std::span<float>(y), std::span<float>(dx));
        benchmark::ClobberMemory();
    }
    s.SetItemsProcessed(static_cast<std::int64_t>(s.iterations() * n));
    s.counters["ns_per_elem"] = benchmark::Counter(static_cast<double>(s.iterations() * n),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    s.counters["lanes"] = k.vector_width();
}

// RReLU in training: the JIT's noise ops (Threefry, regenerated by the backward) against
// symact::nn's hand-written loop (Philox, compiled with the project's flags), float32.
const char* const rrelu_train = "where(x >= 0, x, (lower + (upper - lower)*uniform(0))*x)";

void noise_jit(benchmark::State& s, int mode) {
    const auto n = static_cast<std::size_t>(s.range(0));
    auto k = jit::compile(rrelu_train, jit::Options{});
    const jit::ParamValues p{{"lower", {0.125}}, {"upper", {1.0 / 3}}};
    auto x = inputs(n);
    std::vector<float> dy(n, 1.f), y(n), dx(n);
    std::span<const float> cx(x), cdy(dy);
    for (auto _ : s) {
        if (mode == 0) k.forward(cx, std::span<float>(y), p, {}, {42, 0});
        else k.forward_backward(cx, cdy, std::span<float>(y), std::span<float>(dx), p, {}, {42, 0});
        benchmark::ClobberMemory();
    }
    s.counters["ns_per_elem"] = benchmark::Counter(static_cast<double>(s.iterations() * n),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void noise_nn(benchmark::State& s, int mode) {
    const auto n = static_cast<std::size_t>(s.range(0));
    nn::rrelu_options o{.lower = 0.125, .upper = 1.0 / 3, .training = true, .seed = 42, .offset = 0};
    auto x = inputs(n);
    std::vector<float> dy(n, 1.f), y(n), dx(n);
    for (auto _ : s) {
        nn::rrelu_forward<float>(x, y, o);
        if (mode == 1) nn::rrelu_backward<float>(x, dy, dx, o);
        benchmark::ClobberMemory();
    }
    s.counters["ns_per_elem"] = benchmark::Counter(static_cast<double>(s.iterations() * n),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

#ifdef SYMACT_BENCH_MUPARSER
double mu_erf(double v) { return std::erf(v); }

void muparser(benchmark::State& s, const Act& a) {
    const auto n = static_cast<std::size_t>(s.range(0));
    auto xf = inputs(n);
    std::vector<double> x(xf.begin(), xf.end()), y(n);
    mu::Parser p;
    p.DefineFun("erf", mu_erf);
    p.DefineVar("x", x.data());  // bulk mode: x is an array, Eval fills y
    p.SetExpr(a.muparser);
    for (auto _ : s) {
        p.Eval(y.data(), static_cast<int>(n));
        benchmark::ClobberMemory();
    }
    s.SetItemsProcessed(static_cast<std::int64_t>(s.iterations() * n));
    s.counters["ns_per_elem"] = benchmark::Counter(static_cast<double>(s.iterations() * n),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
#endif

void register_all() {
    benchmark::RegisterBenchmark("compile/cold/mish", compile_cold)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1)->Repetitions(21)
        ->ReportAggregatesOnly(false)
        ->ComputeStatistics("min", quantile<0>)->ComputeStatistics("p90", quantile<90>)
        ->ComputeStatistics("max", quantile<100>);
    benchmark::RegisterBenchmark("compile/unload/mish", compile_unload)->Unit(benchmark::kMicrosecond)
        ->Iterations(20)->Repetitions(3)->ReportAggregatesOnly(true);
    benchmark::RegisterBenchmark("compile/disk_hit/mish", compile_disk_hit)->Unit(benchmark::kMicrosecond)
        ->Repetitions(5)->ReportAggregatesOnly(true);
    benchmark::RegisterBenchmark("compile/memory_hit/mish", compile_memory_hit)->Unit(benchmark::kNanosecond);
    const char* modes[] = {"forward", "backward", "fused"};
    for (const auto& a : acts)
        for (int m = 0; m < 3; ++m)
            benchmark::RegisterBenchmark((std::string("kernel/") + a.name + "/" + modes[m]).c_str(),
                                         [&a, m](benchmark::State& s) { kernel(s, a, m); })
                ->Arg(65536)->Arg(16777216)->Unit(benchmark::kMicrosecond);
    for (int m = 0; m < 2; ++m) {
        const char* mode = m ? "fused" : "forward";
        benchmark::RegisterBenchmark((std::string("noise/rrelu_train/jit/") + mode).c_str(),
                                     [m](benchmark::State& s) { noise_jit(s, m); })
            ->Arg(65536)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark((std::string("noise/rrelu_train/nn/") + (m ? "forward+backward" : "forward")).c_str(),
                                     [m](benchmark::State& s) { noise_nn(s, m); })
            ->Arg(65536)->Unit(benchmark::kMicrosecond);
    }
#ifdef SYMACT_BENCH_MUPARSER
    for (const auto& a : acts)
        benchmark::RegisterBenchmark((std::string("muparser/") + a.name + "/forward").c_str(),
                                     [&a](benchmark::State& s) { muparser(s, a); })
            ->Arg(65536)->Arg(16777216)->Unit(benchmark::kMicrosecond);
#endif
}

}  // namespace

int main(int argc, char** argv) {
    // muparser's bulk mode runs on OpenMP threads, and libgomp reads OMP_NUM_THREADS when it
    // is loaded (before main): compare one thread by restarting with it set.
    if (const char* t = std::getenv("OMP_NUM_THREADS"); !t || std::string(t) != "1") {
        ::setenv("OMP_NUM_THREADS", "1", 1);
        ::execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
    }
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
