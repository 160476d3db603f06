// bench_dsl: the DSL's compile-time kernels vs oneDNN's eltwise primitives vs a hand-written
// fused loop with libm vs the memory-streaming limit of the same shape. Single thread,
// float32, N = 65,536 (in cache) and 16,777,216. Names: MODE/FUNCTION/IMPL/N with
//   MODE  fwd (y = f(x)) or fb (y = f(x) and dx = f'(x) dy; oneDNN: forward then backward)
//   IMPL  dsl, onednn, libm; stream/fwd (read x, write y), stream/fb (read x, dy; write y, dx)
// Results and the command: bench/RESULTS.md (DSL section).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>
#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>

#include "buffers.hpp"

namespace {
using namespace symact::dsl;
using symact::lit;

using bench::buffers;
buffers& bufs(std::size_t n) {
    static buffers small(65536), big(16777216);
    return n == small.x.size() ? small : big;
}

void finish(benchmark::State& st, std::size_t n) {
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
    st.counters["ns/elem"] =
        benchmark::Counter(double(st.iterations() * n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ---- the DSL: catalog kernels (parameters bound as oneDNN's constants) ----
template <class K, class... B> void fwd_dsl(benchmark::State& st, K k, B... b) {
    auto n = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(n);
    for (auto _ : st) {
        k.forward(std::span<const float>(m.x), std::span<float>(m.y), b...);
        benchmark::ClobberMemory();
    }
    finish(st, n);
}
template <class K, class... B> void fb_dsl(benchmark::State& st, K k, B... b) {
    auto n = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(n);
    for (auto _ : st) {
        k.forward_backward(std::span<const float>(m.x), std::span<const float>(m.dy), std::span<float>(m.y),
                           std::span<float>(m.dx), b...);
        benchmark::ClobberMemory();
    }
    finish(st, n);
}

// ---- oneDNN eltwise (2.x API), forward_training + backward_data ----
struct onednn {
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
};
onednn& dnn() {
    static onednn o;
    return o;
}
void dnnl_run(benchmark::State& st, dnnl::algorithm alg, float alpha, float beta, bool fb) {
    auto n = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(n);
    auto& o = dnn();
    dnnl::memory::desc md({static_cast<dnnl::memory::dim>(n)}, dnnl::memory::data_type::f32,
                          dnnl::memory::format_tag::a);
    dnnl::eltwise_forward::primitive_desc fpd({dnnl::prop_kind::forward_training, alg, md, alpha, beta}, o.eng);
    dnnl::eltwise_backward::primitive_desc bpd({alg, md, md, alpha, beta}, o.eng, fpd);
    dnnl::memory src(md, o.eng, m.x.data()), dst(md, o.eng, m.y.data()), ddst(md, o.eng, m.dy.data()),
        dsrc(md, o.eng, m.dx.data());
    dnnl::eltwise_forward fwd(fpd);
    dnnl::eltwise_backward bwd(bpd);
    for (auto _ : st) {
        fwd.execute(o.strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        if (fb) bwd.execute(o.strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_SRC, dsrc}});
        o.strm.wait();
        benchmark::ClobberMemory();
    }
    finish(st, n);
}

// ---- hand-written fused loops with libm (what one writes without symact) ----
struct libm_fn {
    float (*f)(float);
    void (*fb)(float x, float dy, float& y, float& dx);
};
float sig(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float sp(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }
const libm_fn libm_relu{[](float x) { return x > 0 ? x : 0.0f; },
                        [](float x, float dy, float& y, float& dx) { y = x > 0 ? x : 0.0f; dx = x > 0 ? dy : 0.0f; }};
const libm_fn libm_leaky{[](float x) { return x > 0 ? x : 0.01f * x; },
                         [](float x, float dy, float& y, float& dx) { y = x > 0 ? x : 0.01f * x; dx = x > 0 ? dy : 0.01f * dy; }};
const libm_fn libm_elu{[](float x) { return x > 0 ? x : std::expm1(x); },
                       [](float x, float dy, float& y, float& dx) {
                           float e = std::exp(x);
                           y = x > 0 ? x : e - 1;
                           dx = x > 0 ? dy : e * dy;
                       }};
const libm_fn libm_sigmoid{sig, [](float x, float dy, float& y, float& dx) { y = sig(x); dx = y * (1 - y) * dy; }};
const libm_fn libm_tanh{[](float x) { return std::tanh(x); },
                        [](float x, float dy, float& y, float& dx) { y = std::tanh(x); dx = (1 - y * y) * dy; }};
const libm_fn libm_gelu{[](float x) { return 0.5f * x * (1 + std::erf(x * 0.70710678f)); },
                        [](float x, float dy, float& y, float& dx) {
                            float c = 0.5f * (1 + std::erf(x * 0.70710678f));
                            y = x * c;
                            dx = (c + x * 0.39894228f * std::exp(-0.5f * x * x)) * dy;
                        }};
const libm_fn libm_gelu_tanh{[](float x) { return 0.5f * x * (1 + std::tanh(0.79788456f * (x + 0.044715f * x * x * x))); },
                             [](float x, float dy, float& y, float& dx) {
                                 float t = std::tanh(0.79788456f * (x + 0.044715f * x * x * x));
                                 y = 0.5f * x * (1 + t);
                                 dx = (0.5f * (1 + t) + 0.5f * x * (1 - t * t) * 0.79788456f * (1 + 3 * 0.044715f * x * x)) * dy;
                             }};
const libm_fn libm_swish{[](float x) { return x * sig(x); },
                         [](float x, float dy, float& y, float& dx) { float s = sig(x); y = x * s; dx = (s + y * (1 - s)) * dy; }};
const libm_fn libm_mish{[](float x) { return x * std::tanh(sp(x)); },
                        [](float x, float dy, float& y, float& dx) {
                            float t = std::tanh(sp(x));
                            y = x * t;
                            dx = (t + x * (1 - t * t) * sig(x)) * dy;
                        }};
const libm_fn libm_softplus{sp, [](float x, float dy, float& y, float& dx) { y = sp(x); dx = sig(x) * dy; }};
const libm_fn libm_hardswish{[](float x) { return x < -3 ? 0.0f : x > 3 ? x : x * (x + 3) / 6; },
                             [](float x, float dy, float& y, float& dx) {
                                 y = x < -3 ? 0.0f : x > 3 ? x : x * (x + 3) / 6;
                                 dx = (x < -3 ? 0.0f : x > 3 ? 1.0f : (2 * x + 3) / 6) * dy;
                             }};
void libm_run(benchmark::State& st, const libm_fn& fn, bool fb) {
    auto n = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(n);
    const float* __restrict x = m.x.data();
    const float* __restrict dy = m.dy.data();
    float* __restrict y = m.y.data();
    float* __restrict dx = m.dx.data();
    for (auto _ : st) {
        if (fb)
            for (std::size_t i = 0; i < n; ++i) fn.fb(x[i], dy[i], y[i], dx[i]);
        else
            for (std::size_t i = 0; i < n; ++i) y[i] = fn.f(x[i]);
        benchmark::ClobberMemory();
    }
    finish(st, n);
}

void fwd_onednn(benchmark::State& st, dnnl::algorithm alg, float a, float b) { dnnl_run(st, alg, a, b, false); }
void fb_onednn(benchmark::State& st, dnnl::algorithm alg, float a, float b) { dnnl_run(st, alg, a, b, true); }
void fwd_libm(benchmark::State& st, const libm_fn& fn) { libm_run(st, fn, false); }
void fb_libm(benchmark::State& st, const libm_fn& fn) { libm_run(st, fn, true); }

// ---- the memory-streaming limit of the same shapes ----
void stream_run(benchmark::State& st, bool fb) {
    auto n = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(n);
    float* __restrict y = m.y.data();
    float* __restrict dx = m.dx.data();
    const float* __restrict x = m.x.data();
    const float* __restrict dy = m.dy.data();
    for (auto _ : st) {
        for (std::size_t i = 0; i < n; ++i) y[i] = x[i];
        if (fb)
            for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i];
        benchmark::ClobberMemory();
    }
    finish(st, n);
}
void fwd_stream(benchmark::State& st) { stream_run(st, false); }
void fb_stream(benchmark::State& st) { stream_run(st, true); }

// Entries oneDNN has, with its constant parameters (leaky 0.01, elu 1, swish 1, soft_relu 1).
constexpr auto leaky01 = where(x > lit<0>, x, lit<1, 100> * x);
constexpr auto elu1 = where(x > lit<0>, x, expm1(x));
constexpr auto softplus1 = softplus(x);

#define SYMACT_SIZES ->Arg(65536)->Arg(16777216)->Unit(benchmark::kMicrosecond)
#define SYMACT_PEER(name, kern, alg, a, b, lfn)                                                       \
    BENCHMARK_CAPTURE(fwd_dsl, name, symact::kernel(kern)) SYMACT_SIZES;                              \
    BENCHMARK_CAPTURE(fwd_onednn, name, dnnl::algorithm::alg, a, b) SYMACT_SIZES;                     \
    BENCHMARK_CAPTURE(fwd_libm, name, lfn) SYMACT_SIZES;                                              \
    BENCHMARK_CAPTURE(fb_dsl, name, symact::kernel(kern)) SYMACT_SIZES;                               \
    BENCHMARK_CAPTURE(fb_onednn, name, dnnl::algorithm::alg, a, b) SYMACT_SIZES;                      \
    BENCHMARK_CAPTURE(fb_libm, name, lfn) SYMACT_SIZES;
#define SYMACT_PEERS(X)                                                                               \
    X(relu, act::relu, eltwise_relu, 0.0f, 0.0f, libm_relu)                                          \
    X(leaky_relu, leaky01, eltwise_relu, 0.01f, 0.0f, libm_leaky)                                    \
    X(elu, elu1, eltwise_elu, 1.0f, 0.0f, libm_elu)                                                  \
    X(sigmoid, act::sigmoid, eltwise_logistic, 0.0f, 0.0f, libm_sigmoid)                             \
    X(tanh, act::tanh, eltwise_tanh, 0.0f, 0.0f, libm_tanh)                                          \
    X(gelu, act::gelu, eltwise_gelu_erf, 0.0f, 0.0f, libm_gelu)                                      \
    X(gelu_tanh, act::gelu_tanh, eltwise_gelu_tanh, 0.0f, 0.0f, libm_gelu_tanh)                      \
    X(swish, act::silu, eltwise_swish, 1.0f, 0.0f, libm_swish)                                       \
    X(mish, act::mish, eltwise_mish, 0.0f, 0.0f, libm_mish)                                          \
    X(softplus, softplus1, eltwise_soft_relu, 0.0f, 0.0f, libm_softplus)                             \
    X(hardswish, act::hardswish, eltwise_hardswish, 0.0f, 0.0f, libm_hardswish)
SYMACT_PEERS(SYMACT_PEER)
BENCHMARK(fwd_stream) SYMACT_SIZES;
BENCHMARK(fb_stream) SYMACT_SIZES;

// The rest of the catalog (no oneDNN counterpart), with its parameters at PyTorch's defaults.
#define SYMACT_ALONE(name, ...)                                                                      \
    BENCHMARK_CAPTURE(fwd_dsl, name, symact::kernel(act::name) __VA_OPT__(, ) __VA_ARGS__) SYMACT_SIZES; \
    BENCHMARK_CAPTURE(fb_dsl, name, symact::kernel(act::name) __VA_OPT__(, ) __VA_ARGS__) SYMACT_SIZES;
SYMACT_ALONE(selu)
SYMACT_ALONE(celu, act::alpha = 1.0)
SYMACT_ALONE(prelu, act::a = 0.25)
SYMACT_ALONE(softsign)
SYMACT_ALONE(hardsigmoid)
SYMACT_ALONE(logsigmoid)
SYMACT_ALONE(squareplus, act::b = 4.0)
SYMACT_ALONE(serf)

}  // namespace

int main(int argc, char** argv) {
    setenv("OMP_NUM_THREADS", "1", 1);  // oneDNN single-threaded, like the others
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
