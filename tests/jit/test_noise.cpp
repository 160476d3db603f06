// Noise ops through the JIT: the kernels draw the reference evaluator's numbers (uniform bit
// for bit, normal to a few ulp) in float and double, at any length and offset, per channel
// too; backward regenerates the forward's draws; the loop stays vectorized and call-free.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/jit/jit.hpp"
#include "symact/jit/rows.hpp"

using namespace symact;

namespace {

jit::Options opts(jit::DType t) {
    jit::Options o;
    o.dtype = t;
    o.disk_cache = false;
    return o;
}

template <class T> std::vector<T> reference(const char* e, const std::vector<T>& x, jit::Noise n,
                                            const codegen::ParamValues& p = {}) {
    codegen::Function fn(e);
    codegen::Expr roots[] = {fn.f()};
    return codegen::evaluate<T>(roots, x, p, {n.seed, n.offset})[0];
}

template <class T> std::vector<T> ramp(std::size_t n) {
    std::vector<T> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = T(-3) + T(6) * T(i) / T(n);
    return x;
}

template <class T> void check_draws() {
    const auto dt = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    for (std::size_t n : {std::size_t{1}, std::size_t{17}, std::size_t{1000}, std::size_t{4099}}) {
        for (jit::Noise key : {jit::Noise{0, 0}, jit::Noise{12345, 7}, jit::Noise{~0ull, (1ull << 32) - 5}}) {
            INFO("n ", n, " seed ", key.seed, " offset ", key.offset, sizeof(T) == 4 ? " float" : " double");
            auto x = ramp<T>(n);
            std::vector<T> y(n);
            jit::compile("uniform(0)", opts(dt)).forward(std::span<const T>(x), std::span<T>(y), {}, {}, key);
            CHECK(y == reference<T>("uniform(0)", x, key));
            jit::compile("x + normal(3)", opts(dt)).forward(std::span<const T>(x), std::span<T>(y), {}, {}, key);
            auto r = reference<T>("x + normal(3)", x, key);
            for (std::size_t i = 0; i < n; ++i)
                CHECK(std::abs(y[i] - r[i]) <= T(sizeof(T) == 4 ? 2e-6 : 1e-14) * (1 + std::abs(r[i])));
        }
    }
}

}  // namespace

TEST_CASE("JIT noise kernels draw the reference evaluator's numbers (float, double)") {
    check_draws<float>();
    check_draws<double>();
}

TEST_CASE("JIT RReLU in training: backward uses the forward's slopes; chunks = one call") {
    const char* rrelu = "where(x >= 0, x, (lower + (upper - lower)*uniform(0))*x)";
    auto k = jit::compile(rrelu, opts(jit::DType::f32));
    const jit::ParamValues p{{"lower", {0.125}}, {"upper", {1.0 / 3}}};
    const std::size_t n = 3001;
    auto x = ramp<float>(n);
    std::vector<float> y(n), dy(n, 1.f), dx(n), y2(n), dx2(n);
    const jit::Noise key{99, 1000};
    k.forward_backward(std::span<const float>(x), dy, y, dx, p, {}, key);
    for (std::size_t i = 0; i < n; ++i) {
        INFO("i ", i, " x ", x[i]);
        if (x[i] >= 0) {
            CHECK(y[i] == x[i]);
            CHECK(dx[i] == 1.f);
        } else {
            CHECK(dx[i] >= 0.125f);
            CHECK(dx[i] <= float(1.0 / 3));
            CHECK(y[i] == dx[i] * x[i]);  // the slope the backward used is the forward's
        }
    }
    // the backward alone regenerates them
    k.backward(std::span<const float>(x), dy, dx2, p, {}, key);
    CHECK(dx2 == dx);
    // two chunks with their offsets draw what one call drew
    const std::size_t cut = 1237;
    k.forward(std::span<const float>(x).first(cut), std::span<float>(y2).first(cut), p, {}, key);
    k.forward(std::span<const float>(x).subspan(cut), std::span<float>(y2).subspan(cut), p, {},
              {key.seed, key.offset + cut});
    CHECK(y2 == y);
    // another seed, other slopes
    k.forward(std::span<const float>(x), y2, p, {}, {100, 1000});
    CHECK(y2 != y);
}

TEST_CASE("JIT noise per channel: each (n, c) slice gets its own element indices") {
    auto k = jit::compile("a*x + uniform(1)", opts(jit::DType::f64));
    const std::size_t N = 3, C = 4, inner = 37, n = N * C * inner;
    auto x = ramp<double>(n);
    std::vector<double> per_channel(n), per_tensor(n);
    k.forward(std::span<const double>(x), per_channel, {{"a", {2.0, 2.0, 2.0, 2.0}}}, {C, inner}, {5, 11});
    k.forward(std::span<const double>(x), per_tensor, {{"a", {2.0}}}, {}, {5, 11});
    CHECK(per_channel == per_tensor);
}

TEST_CASE("JIT noise: the kernel loop is vectorized and call-free (AVX-512 hosts)") {
    if (jit::default_vector_width(jit::DType::f32) < 16) {
        MESSAGE("skipped: this host has no AVX-512 (cpu " << jit::host_cpu() << ")");
        return;
    }
    jit::Options o = opts(jit::DType::f32);
    o.keep_ir = true;
    auto k = jit::compile("where(x >= 0, x, x*normal(0)*uniform(1))", o);
    const std::string& ir = k.ir();
    REQUIRE(!ir.empty());
    CHECK(ir.find("<16 x i32>") != std::string::npos);  // the generator runs on 16 lanes
    CHECK(test::non_intrinsic_calls(ir).empty());
}

TEST_CASE("noise is refused with a caret where it cannot run yet") {
    CHECK_THROWS_WITH_AS(jit::compile_rows("uniform(0)*x - rowmax(x)"),
                         doctest::Contains("jit::compile_rows cannot compute it yet"), symact::error);
}

TEST_CASE("JIT noise: the element index stays below 2^48") {
    auto k = jit::compile("x + normal(0)", opts(jit::DType::f32));
    std::vector<float> x(10), y(10);
    CHECK_THROWS_WITH_AS(k.forward(std::span<const float>(x), std::span<float>(y), {}, {}, jit::Noise{1, (1ull << 48) - 5}),
                         doctest::Contains("beyond 2^48"), symact::error);
    k.forward(std::span<const float>(x), std::span<float>(y), {}, {}, jit::Noise{1, (1ull << 48) - 10});
    // deterministic kernels take any offset
    jit::compile("2*x", opts(jit::DType::f32))
        .forward(std::span<const float>(x), std::span<float>(y), {}, {}, jit::Noise{1, ~0ull});
}
