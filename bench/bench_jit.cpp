// bench_jit: what the JIT costs and what it buys (bench/RESULTS.md (JIT section)).
//   compile/cold      mish forward+backward+fused from text, no cache (median over reps)
//   compile/disk_hit  the same from the disk cache (memory cache off)
//   compile/memory_hit
//   kernel/ACT/MODE/N ns per element of the JIT kernels, float32, one thread
//   muparser/ACT/N    muparser's bulk mode (double, one OpenMP thread) on the same formula
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "symact/jit/jit.hpp"
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

void compile_cold(benchmark::State& s) {
    jit::compile("x", no_cache());  // the LLJIT exists before timing
    for (auto _ : s) benchmark::DoNotOptimize(jit::compile(mish, no_cache()));
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
        ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(20)->ReportAggregatesOnly(false);
    benchmark::RegisterBenchmark("compile/disk_hit/mish", compile_disk_hit)->Unit(benchmark::kMicrosecond)
        ->Repetitions(5)->ReportAggregatesOnly(true);
    benchmark::RegisterBenchmark("compile/memory_hit/mish", compile_memory_hit)->Unit(benchmark::kNanosecond);
    const char* modes[] = {"forward", "backward", "fused"};
    for (const auto& a : acts)
        for (int m = 0; m < 3; ++m)
            benchmark::RegisterBenchmark((std::string("kernel/") + a.name + "/" + modes[m]).c_str(),
                                         [&a, m](benchmark::State& s) { kernel(s, a, m); })
                ->Arg(65536)->Arg(16777216)->Unit(benchmark::kMicrosecond);
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
