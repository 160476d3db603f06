// bench_softmax: the JIT's row kernels for softmax and log_softmax (written as strings,
// backward derived symbolically) vs oneDNN's softmax / logsoftmax primitives, side by side.
// Single thread, float32, rows of 1024 (axis 1 of a (rows, 1024) array); rows = 64 (256 KB
// per array, in cache) and 4096 (16 MB); and softmax over the channels of NCHW data
// (softmax_nchw: strided rows). Names: MODE/FUNCTION/IMPL/rows with
//   MODE  fwd (y = f(x)), bwd (dx from dy; symact: from x, oneDNN: from y), fb (both;
//         symact: one fused kernel, oneDNN: forward then backward)
//   IMPL  symact (jit::compile_rows), onednn
// Results and the command: bench/RESULTS.md (row reductions section).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>
#include <symact/jit/rows.hpp>

#include "buffers.hpp"

namespace {

constexpr std::size_t cols = 1024;

using bench::buffers;
buffers& bufs(std::size_t rows) {
    static buffers small(64 * cols), big(4096 * cols);
    return rows == 64 ? small : big;
}

void finish(benchmark::State& st, std::size_t n) {
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
    st.counters["ns/elem"] =
        benchmark::Counter(double(st.iterations() * n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

const symact::jit::RowKernel& kernel(const std::string& name) {
    static const auto sm = symact::jit::compile_rows("softmax", {});
    static const auto lsm = symact::jit::compile_rows("log_softmax", {});
    return name == "softmax" ? sm : lsm;
}

enum class Mode { fwd, bwd, fb };

void symact_run(benchmark::State& st, std::string name, Mode mode) {
    auto rows = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(rows);
    const auto& k = kernel(name);
    std::span<const float> x(m.x), dy(m.dy);
    for (auto _ : st) {
        switch (mode) {
        case Mode::fwd: k.forward(x, std::span<float>(m.y), cols); break;
        case Mode::bwd: k.backward(x, dy, std::span<float>(m.dx), cols); break;
        case Mode::fb: k.forward_backward(x, dy, std::span<float>(m.y), std::span<float>(m.dx), cols); break;
        }
        benchmark::ClobberMemory();
    }
    finish(st, rows * cols);
}

// ---- oneDNN 2.x softmax / logsoftmax, forward_training + backward_data ----
struct onednn {
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
};
onednn& dnn() {
    static onednn o;
    return o;
}

template <class Fwd, class Bwd>
void dnnl_run(benchmark::State& st, Mode mode) {
    auto rows = static_cast<std::size_t>(st.range(0));
    auto& m = bufs(rows);
    auto& o = dnn();
    dnnl::memory::desc md({static_cast<dnnl::memory::dim>(rows), static_cast<dnnl::memory::dim>(cols)},
                          dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab);
    typename Fwd::primitive_desc fpd({dnnl::prop_kind::forward_training, md, 1}, o.eng);
    typename Bwd::primitive_desc bpd({md, md, 1}, o.eng, fpd);
    dnnl::memory src(md, o.eng, m.x.data()), dst(md, o.eng, m.y.data()), ddst(md, o.eng, m.dy.data()),
        dsrc(md, o.eng, m.dx.data());
    Fwd fwd(fpd);
    Bwd bwd(bpd);
    if (mode == Mode::bwd) {  // backward reads the forward's y
        fwd.execute(o.strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        o.strm.wait();
    }
    for (auto _ : st) {
        if (mode != Mode::bwd) fwd.execute(o.strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        if (mode != Mode::fwd)
            bwd.execute(o.strm, {{DNNL_ARG_DST, dst}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_SRC, dsrc}});
        o.strm.wait();
        benchmark::ClobberMemory();
    }
    finish(st, rows * cols);
}

void sm_onednn(benchmark::State& st, Mode mode) { dnnl_run<dnnl::softmax_forward, dnnl::softmax_backward>(st, mode); }
void lsm_onednn(benchmark::State& st, Mode mode) {
    dnnl_run<dnnl::logsoftmax_forward, dnnl::logsoftmax_backward>(st, mode);
}

// ---- softmax over the channels of NCHW data (N = 4, C = 64, H*W = 256: 65,536 elements):
// symact's strided rows (cols = C, inner = H*W) vs oneDNN's softmax on axis 1 ----
constexpr std::size_t nchw_n = 4, nchw_c = 64, nchw_hw = 256;

void nchw_symact(benchmark::State& st, Mode mode) {
    auto& m = bufs(64);  // 64 * 1024 = N*C*HW elements
    const auto& k = kernel("softmax");
    std::span<const float> x(m.x), dy(m.dy);
    for (auto _ : st) {
        if (mode == Mode::fwd) k.forward(x, std::span<float>(m.y), nchw_c, nchw_hw);
        else k.forward_backward(x, dy, std::span<float>(m.y), std::span<float>(m.dx), nchw_c, nchw_hw);
        benchmark::ClobberMemory();
    }
    finish(st, nchw_n * nchw_c * nchw_hw);
}

void nchw_onednn(benchmark::State& st, Mode mode) {
    auto& m = bufs(64);
    auto& o = dnn();
    using dim = dnnl::memory::dim;
    dnnl::memory::desc md({dim(nchw_n), dim(nchw_c), dim(nchw_hw)}, dnnl::memory::data_type::f32,
                          dnnl::memory::format_tag::abc);
    dnnl::softmax_forward::primitive_desc fpd({dnnl::prop_kind::forward_training, md, 1}, o.eng);
    dnnl::softmax_backward::primitive_desc bpd({md, md, 1}, o.eng, fpd);
    dnnl::memory src(md, o.eng, m.x.data()), dst(md, o.eng, m.y.data()), ddst(md, o.eng, m.dy.data()),
        dsrc(md, o.eng, m.dx.data());
    dnnl::softmax_forward fwd(fpd);
    dnnl::softmax_backward bwd(bpd);
    for (auto _ : st) {
        fwd.execute(o.strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        if (mode != Mode::fwd)
            bwd.execute(o.strm, {{DNNL_ARG_DST, dst}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_SRC, dsrc}});
        o.strm.wait();
        benchmark::ClobberMemory();
    }
    finish(st, nchw_n * nchw_c * nchw_hw);
}

BENCHMARK_CAPTURE(nchw_symact, fb/softmax_nchw/symact, Mode::fb)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(nchw_onednn, fb/softmax_nchw/onednn, Mode::fb)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(nchw_symact, fwd/softmax_nchw/symact, Mode::fwd)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(nchw_onednn, fwd/softmax_nchw/onednn, Mode::fwd)->Unit(benchmark::kMicrosecond);

#define SYMACT_ROWS ->Arg(64)->Arg(4096)->Unit(benchmark::kMicrosecond)
#define SYMACT_BENCH(MODE)                                                                   \
    BENCHMARK_CAPTURE(symact_run, MODE/softmax/symact, "softmax", Mode::MODE) SYMACT_ROWS;   \
    BENCHMARK_CAPTURE(sm_onednn, MODE/softmax/onednn, Mode::MODE) SYMACT_ROWS;               \
    BENCHMARK_CAPTURE(symact_run, MODE/log_softmax/symact, "log_softmax", Mode::MODE) SYMACT_ROWS; \
    BENCHMARK_CAPTURE(lsm_onednn, MODE/log_softmax/onednn, Mode::MODE) SYMACT_ROWS;
SYMACT_BENCH(fb)
SYMACT_BENCH(fwd)
SYMACT_BENCH(bwd)

}  // namespace

BENCHMARK_MAIN();
