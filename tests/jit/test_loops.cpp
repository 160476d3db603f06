// The kernels' loop structure (jit/src/emit.cpp): an unrolled, unmasked main loop for cheap
// bodies and a masked loop for what it leaves, one shared body for dear ones (float
// gradients summed per chunk of 16 blocks), memmove for pure copies. Every length around the block and unroll boundaries, float32 and float64,
// several vector widths, in place, per-channel gradients, and nothing written past n.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>

#include <fmt/format.h>

#include "helpers.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/lower.hpp"
#include "symact/jit/jit.hpp"

namespace {

using namespace symact;

// memcmp of n elements; n = 0 is equal (memcmp's pointers must not be null even then, and an
// empty vector's data() may be)
template <class T> bool same_bytes(const T* a, const T* b, std::size_t n) {
    return n == 0 || std::memcmp(a, b, n * sizeof(T)) == 0;
}

// Cheap (unrolled), medium, dear (one body), copies (memmove), with and without parameters.
const char* const loop_expressions[] = {
    "where(x > 0, x, a*x)",             // prelu: cheap, a parameter
    "min(max(x, 0), 6)",                // relu6
    "x*tanh(softplus(x))",              // mish: dear
    "s*where(x > 0, x, a*expm1(x))",    // two parameters, dear
    "x",                                // every kernel a copy
    "x + 0.5",                          // backward a copy (f' = 1), forward a loop
    "x + b",                            // f' = 1 but a gradient to sum: a loop
};

const std::map<std::string, double, std::less<>> values = {{"a", 0.25}, {"s", 1.5}, {"b", -0.75}};

template <class T> constexpr T guard = T(12345.5);  // what lies past n, never written

template <class T> std::vector<T> inputs(std::size_t n, double phase) {
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<T>(3 * std::sin(0.37 * double(i) + phase));
    return v;
}

// Arrays of n elements followed by guard values.
template <class T> struct Buf {
    std::vector<T> v;
    std::size_t n;
    explicit Buf(std::size_t n_, std::size_t pad) : v(n_ + pad, guard<T>), n(n_) {}
    std::span<T> span() { return {v.data(), n}; }
    std::span<const T> cspan() const { return {v.data(), n}; }
    bool tail_untouched() const {
        for (std::size_t i = n; i < v.size(); ++i)
            if (v[i] != guard<T>) return false;
        return true;
    }
};

template <class T> void check_lengths(const char* text, unsigned width, unsigned opt_level = 1) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.vector_width = width;
    o.opt_level = opt_level;
    o.disk_cache = false;
    auto k = jit::compile(text, o);
    const std::size_t W = k.vector_width();
    codegen::Function fn(text);
    std::vector<codegen::Expr> roots{fn.f(), fn.derivative("x")};
    for (const auto& p : fn.params()) roots.push_back(fn.derivative(p));
    jit::ParamValues pv;
    test::ScalarLeaves<T> leaves;
    for (const auto& p : fn.params()) {
        pv[p] = {values.at(p)};
        leaves.params[p] = static_cast<T>(values.at(p));
    }

    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 8 * W + 3; ++n) lengths.push_back(n);
    for (std::size_t n : {std::size_t(1000), 64 * W - 1, 64 * W, 64 * W + 1}) lengths.push_back(n);
    // dear float32 bodies with parameters sum their gradients in chunks of 16 blocks
    for (std::size_t n : {16 * W - 1, 16 * W, 16 * W + 1, 32 * W + 5, 48 * W - 1}) lengths.push_back(n);
    const std::size_t pad = 2 * W + 1;
    for (std::size_t n : lengths) {
        INFO(text, " ", sizeof(T) == 4 ? "f32" : "f64", " W = ", W, " O", opt_level, " n = ", n);
        const auto x = inputs<T>(n, 0.1), dy = inputs<T>(n, 1.3);
        Buf<T> y1(n, pad), y2(n, pad), dx1(n, pad), dx2(n, pad);
        k.forward(std::span<const T>(x), y1.span(), pv);
        auto g1 = k.backward(std::span<const T>(x), std::span<const T>(dy), dx1.span(), pv);
        auto g2 = k.forward_backward(std::span<const T>(x), std::span<const T>(dy), y2.span(), dx2.span(), pv);
        CHECK(y1.tail_untouched());
        CHECK(y2.tail_untouched());
        CHECK(dx1.tail_untouched());
        CHECK(dx2.tail_untouched());

        // Against the scalar lowering, element by element; the gradient sums in the kernel's
        // order (W double lanes, element i in lane i % W, lanes summed in order).
        std::uint64_t worst = 0;
        std::vector<std::vector<double>> lanes(fn.params().size(), std::vector<double>(W));
        std::vector<double> scale(fn.params().size());
        for (std::size_t i = 0; i < n; ++i) {
            leaves.xv = x[i];
            auto ref = codegen::lower<T>(roots, leaves);
            worst = std::max({worst, test::ulp_distance(y1.v[i], ref[0]), test::ulp_distance(dx1.v[i], T(ref[1] * dy[i]))});
            for (std::size_t j = 0; j < lanes.size(); ++j) {
                const T g = ref[2 + j] * dy[i];
                lanes[j][i % W] += double(g);
                scale[j] += std::abs(double(g));
            }
        }
        CHECK(worst <= 1);
        CHECK(y1.v == y2.v);
        CHECK(dx1.v == dx2.v);
        for (std::size_t j = 0; j < lanes.size(); ++j) {
            const auto& p = fn.params()[j];
            double want = 0;
            for (double l : lanes[j]) want += l;
            CHECK(g1.at(p)[0] == g2.at(p)[0]);  // one accumulation order for every kernel
            CHECK(std::abs(g1.at(p)[0] - want) <= (sizeof(T) == 4 ? 1e-6 : 1e-13) * scale[j] + 1e-300);
        }

        // In place: y = x, dx = dy, the same results and the same sums.
        auto xi = x, dyi = dy;
        k.forward(std::span<const T>(xi), std::span<T>(xi), pv);
        CHECK(same_bytes(xi.data(), y1.v.data(), n));
        xi = x;
        auto gi = k.forward_backward(std::span<const T>(xi), std::span<const T>(dyi), std::span<T>(xi),
                                     std::span<T>(dyi), pv);
        CHECK(same_bytes(xi.data(), y2.v.data(), n));
        CHECK(same_bytes(dyi.data(), dx2.v.data(), n));
        CHECK(gi == g2);
        dyi = dy;
        gi = k.backward(std::span<const T>(x), std::span<const T>(dyi), std::span<T>(dyi), pv);
        CHECK(same_bytes(dyi.data(), dx1.v.data(), n));
        CHECK(gi == g1);
    }
}

// Per-channel parameters on (N, C, inner) with inner around the block sizes: each channel's
// gradient is the sum of its slices, each slice one kernel call with that channel's values.
template <class T> void check_channels(const char* text) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    auto k = jit::compile(text, o);
    const std::size_t W = k.vector_width(), N = 2, C = 3;
    for (std::size_t inner : {std::size_t(1), W - 1, W, W + 1, 4 * W - 1, 4 * W + 1, 9 * W + 5}) {
        INFO(text, " ", sizeof(T) == 4 ? "f32" : "f64", " inner = ", inner);
        const std::size_t n = N * C * inner;
        const auto x = inputs<T>(n, 0.4), dy = inputs<T>(n, 2.1);
        jit::ParamValues pv;
        for (const auto& p : k.params()) pv[p] = {values.at(p) * 0.5, values.at(p), values.at(p) * 2};
        std::vector<T> y(n), dx(n);
        auto g = k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx),
                                    pv, jit::Layout{C, inner});
        std::map<std::string, std::vector<double>> want;
        for (const auto& p : k.params()) want[p].assign(C, 0.0);
        for (std::size_t b = 0; b < N; ++b)
            for (std::size_t c = 0; c < C; ++c) {
                const std::size_t off = (b * C + c) * inner;
                jit::ParamValues one;
                for (const auto& p : k.params()) one[p] = {pv[p][c]};
                std::vector<T> ys(inner), dxs(inner);
                auto gs = k.forward_backward(std::span<const T>(x.data() + off, inner),
                                             std::span<const T>(dy.data() + off, inner), std::span<T>(ys),
                                             std::span<T>(dxs), one);
                CHECK(same_bytes(ys.data(), y.data() + off, inner));
                CHECK(same_bytes(dxs.data(), dx.data() + off, inner));
                for (const auto& p : k.params()) want[p][c] += gs.at(p)[0];
            }
        for (const auto& p : k.params()) CHECK(g.at(p) == want[p]);
    }
}

}  // namespace

TEST_CASE("loops: every length around the block and unroll boundaries (f32, f64, widths)") {
    for (const char* e : loop_expressions) {
        check_lengths<float>(e, 0);
        check_lengths<double>(e, 0);
        check_lengths<float>(e, 4);
        check_lengths<float>(e, 1);
    }
}

TEST_CASE("loops: the same at every IR pipeline level (0: no passes, 3: LLVM's O3)") {
    for (const char* e : {"where(x > 0, x, a*x)", "x*tanh(softplus(x))", "s*where(x > 0, x, a*expm1(x))", "x"})
        for (unsigned level : {0u, 3u}) check_lengths<float>(e, 0, level);
}

TEST_CASE("loops: per-channel gradients with inner sizes around the block boundaries") {
    for (const char* e : {"where(x > 0, x, a*x)", "s*where(x > 0, x, a*expm1(x))", "x + b"}) {
        check_channels<float>(e);
        check_channels<double>(e);
    }
}

// The structure itself, in the IR (width 16 asked for, so any host emits the same shape).
namespace {
std::string kernel_ir(const char* expr, const char* fn) {
    jit::Options o;
    o.vector_width = 16;
    o.keep_ir = true;
    o.disk_cache = false;
    auto k = jit::compile(expr, o);
    const std::string& ir = k.ir();
    auto start = ir.find(std::string("define void @") + fn + "(");
    REQUIRE(start != std::string::npos);
    return ir.substr(start, ir.find("\n}", start) - start);
}
std::size_t count(const std::string& s, const std::string& what) {
    std::size_t c = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++c;
    return c;
}
}  // namespace

TEST_CASE("loops: cheap bodies are unrolled without masks, dear ones emitted once, copies are memmove") {
    // leaky ReLU's forward: several unmasked blocks per iteration, then one masked body.
    auto cheap = kernel_ir("where(x > 0, x, 0.01*x)", "symact_forward");
    CHECK(count(cheap, "= load <16 x float>") >= 2);
    CHECK(count(cheap, "store <16 x float>") == count(cheap, "= load <16 x float>"));
    CHECK(count(cheap, "@llvm.masked.load") == 1);
    CHECK(count(cheap, "@llvm.masked.store") == 1);
    // mish's fused kernel: one body (one plain and one masked load of x and of dy).
    auto dear = kernel_ir("x*tanh(softplus(x))", "symact_fused");
    CHECK(count(dear, "= load <16 x float>") == 2);
    CHECK(count(dear, "@llvm.masked.load") == 2);
    // Its float gradients: stored per block into a chunk buffer, converted to double and
    // summed by a loop of their own (one fpext per parameter, none in the body); a cheap
    // body's (prelu) are summed in the loop, two unmasked blocks and the masked one.
    auto chunked = kernel_ir("s*where(x > 0, x, a*expm1(x))", "symact_backward");
    CHECK(count(chunked, "\nsum:") == 1);
    CHECK(count(chunked, "alloca [16 x <16 x float>]") == 2);
    CHECK(count(chunked, "fpext") == 2);
    auto inline_sum = kernel_ir("where(x > 0, x, a*x)", "symact_backward");
    CHECK(count(inline_sum, "\nsum:") == 0);
    CHECK(count(inline_sum, "fpext") == 3);
    // double kernels add their gradients as they come
    jit::Options o64;
    o64.dtype = jit::DType::f64;
    o64.vector_width = 8;
    o64.keep_ir = true;
    o64.disk_cache = false;
    const std::string ir64 = jit::compile("s*where(x > 0, x, a*expm1(x))", o64).ir();
    CHECK(count(ir64, "\nsum:") == 0);
    CHECK(count(ir64, "alloca") == 0);
    // The identity: copies, no loop.
    for (const char* fn : {"symact_forward", "symact_backward", "symact_fused"}) {
        auto copy = kernel_ir("x", fn);
        CHECK(count(copy, "@llvm.memmove") == (std::string(fn) == "symact_fused" ? 2 : 1));
        CHECK(count(copy, "<16 x float>") == 0);
    }
}

TEST_CASE("loops: a dear body starts with its longest latency chain (schedule.cpp)") {
    // gelu's derivative x exp(-x^2/2)/sqrt(2 pi) + erfc(-x/sqrt(2))/2 as lowered begins with
    // exp(-x^2/2); its longest chain begins with x/sqrt(2), a multiplication by the folded
    // constant 1/sqrt(2) (lower.hpp; then 1/(1 + |z|), erfc's polynomial and exp(-z^2)),
    // which the scheduled body issues first.
    auto bwd = kernel_ir("x*erfc(-x/sqrt(2))/2", "symact_backward");
    const auto compute = bwd.find("\ncompute:");
    REQUIRE(compute != std::string::npos);
    auto first = [&](const char* what) { return bwd.find(what, compute); };
    const auto mul = first("fmul <16 x float> <float 0x3FE6A09E60000000");  // 1/sqrt(2) in float
    REQUIRE(mul != std::string::npos);
    CHECK(mul < first("fdiv"));
    CHECK(mul < first("@llvm.fma"));
    CHECK(mul < first("fmul <16 x float> %x, %x"));
    // no division by the constant sqrt(2) is left
    CHECK(first("fdiv <16 x float> %x,") == std::string::npos);
    // The body still computes the same values (every length: the test above; the catalog
    // against the compile-time kernels: test_numerics.cpp).
}
