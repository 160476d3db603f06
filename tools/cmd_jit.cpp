// symact jit: what the JIT makes of an expression (canonical form, derivatives, vector
// width, object size, optionally the optimised IR) and, with --bench, what it costs:
// compile times (cold, disk-cache hit, memory-cache hit) and ns/element of the kernels.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "args.hpp"
#include "commands.hpp"
#include "symact/error.hpp"
#include "symact/jit/jit.hpp"

namespace symact::cli {

namespace {
constexpr const char* help = R"(usage: symact jit [options] [--] EXPR

Compiles EXPR with the JIT (LLVM ORC, host CPU) and describes the kernels: canonical form,
derivatives, vector width, machine code size.

  --dtype=f32|f64          element type of the kernels (default f32)
  --width=N                lanes per vector (default: the host's widest)
  --opt=0|1|2|3            0: no IR passes; 1 (default): lean (EarlyCSE, dead code),
                           machine level Less; 2, 3: LLVM's O2/O3 pipelines
  --param=NAME=VALUE[,...] parameter values for --bench (default 1 each)
  --ir                     print the optimised LLVM IR
  --bench                  measure compile times (cold, disk-cache hit, memory-cache hit)
                           and ns/element of forward, backward and fused at N = 65,536 and
                           16,777,216 (single thread)
  --json                   with --bench: print the measurements as JSON

example: symact jit --bench -- 'x*tanh(softplus(x))'
)";
constexpr OptionSpec spec[] = {{"dtype", true},  {"width", true}, {"opt", true}, {"param", true, true},
                               {"ir", false},    {"bench", false}, {"json", false},
                               {"help", false}};

using clock = std::chrono::steady_clock;
double since(clock::time_point t0) { return std::chrono::duration<double>(clock::now() - t0).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Median seconds of f() over repetitions that take about `budget` seconds in all.
template <class F> double time_it(F&& f, double budget = 0.3, int min_reps = 3) {
    f();  // warm caches and page in memory
    std::vector<double> t;
    auto start = clock::now();
    while (static_cast<int>(t.size()) < min_reps || (since(start) < budget && t.size() < 1000)) {
        auto t0 = clock::now();
        f();
        t.push_back(since(t0));
    }
    return median(t);
}

struct Bench {
    double jit_init_ms, cold_ms, disk_ms, memory_us;
    std::vector<double> cold_all_ms;
    jit::CompileTimes cold_phases;  // of the median cold compile
    struct Row { std::size_t n; double fwd, bwd, fused; };
    std::vector<Row> rows;
};

template <class T>
std::vector<Bench::Row> bench_kernels(const jit::Kernel& k, const jit::ParamValues& pv) {
    std::vector<Bench::Row> rows;
    for (std::size_t n : {std::size_t(65536), std::size_t(16777216)}) {
        std::vector<T> x(n), dy(n), y(n), dx(n);
        std::mt19937 rng(1);
        std::uniform_real_distribution<double> u(-6, 6);
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<T>(u(rng)), dy[i] = T(1);
        std::span<const T> cx(x), cdy(dy);
        double budget = n > 1000000 ? 1.0 : 0.3;
        double f = time_it([&] { k.forward(cx, std::span<T>(y), pv); }, budget);
        double b = time_it([&] { k.backward(cx, cdy, std::span<T>(dx), pv); }, budget);
        double fb = time_it([&] { k.forward_backward(cx, cdy, std::span<T>(y), std::span<T>(dx), pv); }, budget);
        double ns = 1e9 / static_cast<double>(n);
        rows.push_back({n, f * ns, b * ns, fb * ns});
    }
    return rows;
}

Bench run_bench(const std::string& text, jit::Options o, const jit::ParamValues& pv) {
    Bench r{};
    // The first compile of the process creates the LLJIT: timed apart.
    auto t0 = clock::now();
    jit::Options warm = o;
    warm.memory_cache = warm.disk_cache = false;
    jit::compile("x", warm);
    r.jit_init_ms = since(t0) * 1e3;

    // Cold: no cache at all; each compile parses, differentiates, lowers, optimises and
    // generates code again.
    jit::Options cold = warm;
    std::vector<std::pair<double, jit::CompileTimes>> colds;
    for (int i = 0; i < 21; ++i) {
        auto t = clock::now();
        auto k = jit::compile(text, cold);
        colds.emplace_back(since(t) * 1e3, k.compile_times());
    }
    for (const auto& c : colds) r.cold_all_ms.push_back(c.first);
    std::sort(colds.begin(), colds.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    r.cold_ms = colds[colds.size() / 2].first;
    r.cold_phases = colds[colds.size() / 2].second;

    // Disk hit: a private cache folder, filled once, then read with the memory cache off.
    char tmpl[] = "/tmp/symact-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) throw error("jit --bench: cannot create a temporary folder");
    jit::Options disk = warm;
    disk.disk_cache = true;
    disk.cache_dir = tmpl;
    jit::compile(text, disk);
    r.disk_ms = time_it([&] { jit::compile(text, disk); }, 0.3, 10) * 1e3;

    // Memory hit: the same text again.
    jit::Options mem = o;
    mem.disk_cache = false;
    auto k = jit::compile(text, mem);
    r.memory_us = time_it([&] { jit::compile(text, mem); }, 0.1, 100) * 1e6;
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);

    r.rows = o.dtype == jit::DType::f32 ? bench_kernels<float>(k, pv) : bench_kernels<double>(k, pv);
    return r;
}
}  // namespace

int cmd_jit(std::span<char*> argv) {
    Args a(argv, spec, "jit");
    if (a.flag("help")) {
        std::fputs(help, stdout);
        return 0;
    }
    if (a.positional().size() != 1)
        throw error(a.positional().empty() ? "jit: no expression given (see symact jit --help)"
                                           : "jit: give one expression (quote it if it has spaces)");
    const std::string text = a.positional()[0];
    jit::Options o;
    std::string dtype = a.get("dtype").value_or("f32");
    if (dtype != "f32" && dtype != "f64") throw error(fmt::format("jit: unknown dtype '{}' (f32 or f64)", dtype));
    o.dtype = dtype == "f32" ? jit::DType::f32 : jit::DType::f64;
    if (auto w = a.get("width")) {
        char* end = nullptr;
        long v = std::strtol(w->c_str(), &end, 10);
        if (w->empty() || *end || v < 1) throw error(fmt::format("jit: --width={} is not a lane count", *w));
        o.vector_width = static_cast<unsigned>(v);
    }
    if (auto v = a.get("opt")) {
        if (v->size() != 1 || (*v)[0] < '0' || (*v)[0] > '3')
            throw error(fmt::format("jit: --opt={} (0, 1, 2 or 3)", *v));
        o.opt_level = static_cast<unsigned>((*v)[0] - '0');
    }
    o.keep_ir = a.flag("ir");

    auto k = jit::compile(text, o);
    jit::ParamValues pv;
    for (const auto& p : k.params()) pv[p] = {1.0};
    for (const auto& t : a.all("param"))
        for (auto& [name, v] : parse_assignments(t, "param")) {
            if (!pv.count(name))
                throw error(fmt::format("jit: --param {}: not a parameter of the expression", name));
            pv[name] = {v};
        }

    if (!a.flag("bench")) {
        fmt::print("expression      {}\n", text);
        fmt::print("canonical       {}\n", k.expression());
        fmt::print("d/dx            {}\n", k.derivative("x"));
        for (const auto& p : k.params()) fmt::print("d/d{:<12} {}\n", p, k.derivative(p));
        fmt::print("kernels         forward, backward, forward_backward ({}, {} lanes per vector)\n",
                   dtype, k.vector_width());
        fmt::print("machine code    {} bytes (object file)\n", k.object_size());
        fmt::print("host            {} ({})\n", jit::host_cpu(), jit::version());
        if (o.keep_ir) fmt::print("\n{}", k.ir());
        return 0;
    }

    Bench r = run_bench(text, o, pv);
    if (a.flag("json")) {
        std::string rows;
        for (const auto& row : r.rows)
            rows += fmt::format("{}{{\"n\": {}, \"forward_ns\": {:.4f}, \"backward_ns\": {:.4f}, \"fused_ns\": {:.4f}}}",
                                rows.empty() ? "" : ", ", row.n, row.fwd, row.bwd, row.fused);
        fmt::print("{{\"expression\": \"{}\", \"dtype\": \"{}\", \"vector_width\": {}, \"cpu\": \"{}\", "
                   "\"jit_init_ms\": {:.3f}, \"cold_compile_ms\": {:.3f}, \"cold_compile_all_ms\": [{:.3f}], "
                   "\"cold_phases_ms\": {{\"parse\": {:.3f}, \"ir\": {:.3f}, \"optimize\": {:.3f}, \"codegen\": {:.3f}, \"backend\": {:.3f}, \"load\": {:.3f}}}, "
                   "\"disk_hit_ms\": {:.4f}, \"memory_hit_us\": {:.4f}, \"ns_per_element\": [{}]}}\n",
                   k.expression(), dtype, k.vector_width(), jit::host_cpu(), r.jit_init_ms, r.cold_ms,
                   fmt::join(r.cold_all_ms, ", "), r.cold_phases.parse, r.cold_phases.ir, r.cold_phases.optimize,
                   r.cold_phases.codegen, r.cold_phases.backend, r.cold_phases.load, r.disk_ms, r.memory_us, rows);
        return 0;
    }
    fmt::print("expression      {}\n", k.expression());
    fmt::print("host            {}, {} {} lanes per vector ({} bits)\n", jit::host_cpu(), k.vector_width(),
               dtype, k.vector_width() * (dtype == "f32" ? 32 : 64));
    auto sorted = r.cold_all_ms;
    std::sort(sorted.begin(), sorted.end());
    const auto& ph = r.cold_phases;
    fmt::print("compile         cold {:.2f} ms median of {} (min {:.2f}, 90th percentile {:.2f}, max {:.2f});\n"
               "                LLJIT creation {:.1f} ms once per process\n",
               r.cold_ms, sorted.size(), sorted.front(), sorted[sorted.size() * 9 / 10], sorted.back(), r.jit_init_ms);
    fmt::print("                median cold = parse+diff {:.2f} + IR {:.2f} + optimise||codegen {:.2f} "
               "(on 2 threads: {:.2f} + {:.2f} ms of work) + load {:.2f} ms\n",
               ph.parse, ph.ir, ph.backend, ph.optimize, ph.codegen, ph.load);
    fmt::print("                disk-cache hit {:.3f} ms, memory-cache hit {:.3f} us\n", r.disk_ms, r.memory_us);
    fmt::print("\n{:>12}  {:>10}  {:>10}  {:>10}   (ns/element, single thread)\n", "N", "forward", "backward", "fused");
    for (const auto& row : r.rows)
        fmt::print("{:>12}  {:>10.3f}  {:>10.3f}  {:>10.3f}\n", row.n, row.fwd, row.bwd, row.fused);
    return 0;
}

}  // namespace symact::cli
