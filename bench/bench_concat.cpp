// bench_concat: CReLU three ways, side by side: the JIT's concatenation kernel
// (jit::compile_concat("crelu")), the DSL's (symact::kernel(act::crelu)) and this library's
// layer (nn::crelu_*, one fused loop), against the memory-streaming limit of the same shape.
// Single thread, float32, 65,536 inputs (131,072 outputs) as (N, C, inner) =
// (1, 64, 1024) (large per-sample blocks, NCHW) and (256, 256, 1) (small blocks, an MLP).
// Names: MODE/IMPL/N with MODE fwd (y) or fb (y and dx; symact: forward_backward; the layer:
// forward then backward). Results and the command: bench/RESULTS.md (concatenations).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>
#include <symact/jit/concat.hpp>
#include <symact/nn/crelu.hpp>

#include "buffers.hpp"

namespace {

constexpr std::size_t size = 65536;

struct data {
    bench::buffers in{2 * size};  // x: the first half; dy: all of it (the output's shape)
    std::vector<float> y = std::vector<float>(2 * size), dx = std::vector<float>(size);
    std::span<const float> x() const { return {in.x.data(), size}; }
    std::span<const float> dy() const { return {in.dy.data(), 2 * size}; }
};
data& buf() {
    static data d;
    return d;
}

struct Shape {
    std::size_t n, c, inner;
};
Shape shape(std::int64_t n) { return n == 1 ? Shape{1, 64, 1024} : Shape{256, 256, 1}; }

void finish(benchmark::State& st) {
    st.counters["ns/elem"] = benchmark::Counter(double(st.iterations() * size),
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void jit_crelu(benchmark::State& st, bool fb) {
    static const auto k = symact::jit::compile_concat("crelu");
    auto& d = buf();
    const Shape s = shape(st.range(0));
    for (auto _ : st) {
        if (fb) k.forward_backward(d.x(), d.dy(), std::span<float>(d.y), std::span<float>(d.dx), {}, {s.c, s.inner});
        else k.forward(d.x(), std::span<float>(d.y), {}, {s.c, s.inner});
        benchmark::ClobberMemory();
    }
    finish(st);
}

void dsl_crelu(benchmark::State& st, bool fb) {
    static const auto k = symact::kernel(symact::dsl::act::crelu);
    auto& d = buf();
    const Shape s = shape(st.range(0));
    const symact::dsl::layout lay{s.n, s.c, s.inner};
    for (auto _ : st) {
        if (fb) k.forward_backward(d.x(), d.dy(), std::span<float>(d.y), std::span<float>(d.dx), lay);
        else k.forward(d.x(), std::span<float>(d.y), lay);
        benchmark::ClobberMemory();
    }
    finish(st);
}

void layer_crelu(benchmark::State& st, bool fb) {
    auto& d = buf();
    const Shape s = shape(st.range(0));
    for (auto _ : st) {
        symact::nn::crelu_forward<float>(d.x(), std::span<float>(d.y), {s.n, s.c, s.inner});
        if (fb) symact::nn::crelu_backward<float>(d.x(), d.dy(), std::span<float>(d.dx), {s.n, s.c, s.inner});
        benchmark::ClobberMemory();
    }
    finish(st);
}

// About the bytes CReLU moves: x read (twice), y written; with fb both halves of dy read and dx
// written (twice). memcpy runs at the streaming limit.
void streaming(benchmark::State& st, bool fb) {
    auto& d = buf();
    for (auto _ : st) {
        std::memcpy(d.y.data(), d.in.x.data(), size * sizeof(float));
        std::memcpy(d.y.data() + size, d.in.x.data(), size * sizeof(float));
        if (fb) {
            std::memcpy(d.dx.data(), d.in.dy.data(), size * sizeof(float));
            std::memcpy(d.dx.data(), d.in.dy.data() + size, size * sizeof(float));
        }
        benchmark::ClobberMemory();
    }
    finish(st);
}

}  // namespace

BENCHMARK_CAPTURE(jit_crelu, fwd, false)->Arg(1)->Arg(256);
BENCHMARK_CAPTURE(dsl_crelu, fwd, false)->Arg(1)->Arg(256);
BENCHMARK_CAPTURE(layer_crelu, fwd, false)->Arg(1)->Arg(256);
BENCHMARK_CAPTURE(streaming, fwd, false)->Arg(1);
BENCHMARK_CAPTURE(jit_crelu, fb, true)->Arg(1)->Arg(256);
BENCHMARK_CAPTURE(dsl_crelu, fb, true)->Arg(1)->Arg(256);
BENCHMARK_CAPTURE(layer_crelu, fb, true)->Arg(1)->Arg(256);
BENCHMARK_CAPTURE(streaming, fb, true)->Arg(1);

BENCHMARK_MAIN();
