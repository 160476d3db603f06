// Concatenations in the compile-time DSL (symact::kernel(concat(...)), the catalog's crelu):
// against the CReLU layer, the JIT's concatenation kernels (bit for bit), direct loops for
// parameters per tensor and per channel, and the elementwise kernels' noise.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "symact/codegen/concat.hpp"
#include "symact/codegen/parse.hpp"
#include "symact/dsl.hpp"
#include "symact/dsl/catalog.hpp"
#include "symact/dsl/reflect.hpp"
#include "symact/jit/concat.hpp"
#include "symact/nn/crelu.hpp"

using namespace symact;
using namespace symact::dsl;

namespace {

template <class T> std::vector<T> inputs(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-3, 3);
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i % 5 == 2 ? T(0) : static_cast<T>(u(rng));
    return v;
}

jit::Options opts(bool f32) {
    jit::Options o;
    o.disk_cache = false;
    o.dtype = f32 ? jit::DType::f32 : jit::DType::f64;
    return o;
}

// The JIT and the DSL's kernels agree to a few ULP (FMA contraction may differ; docs/JIT.md).
template <class T> double max_rel(const std::vector<T>& p, const std::vector<T>& q) {
    double m = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        m = std::max(m, std::abs(double(p[i]) - double(q[i])) / std::max(1.0, std::abs(double(q[i]))));
    return m;
}
template <class T> constexpr double ulps(int n) { return n * double(std::numeric_limits<T>::epsilon()); }

inline constexpr auto a = param<"a">;
inline constexpr auto b = param<"b">;

}  // namespace

TEST_CASE("the DSL's crelu has the parts of the string crelu") {
    auto parts = codegen::split_concat("crelu");
    REQUIRE(parts);
    REQUIRE(parts->size() == 2);
    codegen::Graph g;
    CHECK(to_graph(g, std::get<0>(act::crelu.parts)) == codegen::parse(g, (*parts)[0].text));
    CHECK(to_graph(g, std::get<1>(act::crelu.parts)) == codegen::parse(g, (*parts)[1].text));
}

TEST_CASE_TEMPLATE("DSL crelu equals the CReLU layer and the JIT's crelu", T, float, double) {
    auto k = symact::kernel(act::crelu);
    auto j = jit::compile_concat("crelu", opts(std::is_same_v<T, float>));
    struct Shape {
        std::size_t n, c, inner;
    };
    for (Shape s : {Shape{1, 1, 1}, Shape{1, 5, 1}, Shape{3, 4, 7}, Shape{4, 1, 33}, Shape{2, 8, 40}, Shape{300, 4, 5}, Shape{2, 3, 1000}}) {
        CAPTURE(s.n);
        CAPTURE(s.c);
        CAPTURE(s.inner);
        const std::size_t size = s.n * s.c * s.inner;
        auto x = inputs<T>(size, static_cast<unsigned>(size));
        auto dy = inputs<T>(2 * size, static_cast<unsigned>(size + 3));
        std::vector<T> y(2 * size), dx(size), fy(2 * size), fdx(size), ry(2 * size), rdx(size), jy(2 * size), jdx(size);
        const layout lay{s.n, s.c, s.inner};
        k.forward(std::span<const T>(x), std::span<T>(y), lay);
        k.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx), lay);
        k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(fy), std::span<T>(fdx), lay);
        nn::crelu_forward<T>(x, ry, {s.n, s.c, s.inner});
        nn::crelu_backward<T>(x, dy, rdx, {s.n, s.c, s.inner});
        j.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(jy), std::span<T>(jdx), {},
                           {s.c, s.inner});
        CHECK(y == ry);
        CHECK(dx == rdx);
        CHECK(fy == ry);
        CHECK(fdx == rdx);
        CHECK(jy == y);
        CHECK(jdx == dx);
    }
}

TEST_CASE_TEMPLATE("DSL concat with parameters per tensor and per channel, against the JIT and a loop", T, float,
                   double) {
    constexpr auto f = concat(a * x, x * b + a, sin(x));
    auto k = symact::kernel(f);
    static_assert(std::is_same_v<decltype(k)::params, std::tuple<par<"a">, par<"b">>>);
    auto j = jit::compile_concat("concat(a*x, x*b + a, sin(x))", opts(std::is_same_v<T, float>));
    // one chunk of samples, several chunks, one sample per call in place
    for (auto [N, inner] : {std::pair<std::size_t, std::size_t>{3, 21}, {100, 21}, {2, 700}}) {
    CAPTURE(N);
    const std::size_t C = 4, block = C * inner, size = N * block;
    auto x = inputs<T>(size, 21);
    auto dy = inputs<T>(3 * size, 22);
    const std::vector<T> bv = {T(0.5), T(-1), T(2), T(3)};
    std::vector<T> gb(C, T(-7)), y(3 * size), dx(size), jy(3 * size), jdx(size);
    auto g = k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx),
                                a = 1.5, b = per_channel(std::span<const T>(bv), std::span<T>(gb)), layout{N, C, inner});
    auto jg = j.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(jy), std::span<T>(jdx),
                                 {{"a", {1.5}}, {"b", {bv.begin(), bv.end()}}}, {C, inner});
    CHECK(max_rel(jy, y) <= ulps<T>(2));
    CHECK(max_rel(jdx, dx) <= ulps<T>(8));
    const double tol = std::is_same_v<T, float> ? 2e-6 : 1e-13;
    CHECK(g[a] == doctest::Approx(jg["a"][0]).epsilon(tol));
    double ga = 0;
    std::vector<double> wb(C, 0.0);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t i = 0; i < block; ++i) {
            const double v = x[n * block + i], d0 = dy[3 * n * block + i], d1 = dy[(3 * n + 1) * block + i],
                         d2 = dy[(3 * n + 2) * block + i];
            const std::size_t c = i / inner;
            CHECK(y[(3 * n + 1) * block + i] == doctest::Approx(v * bv[c] + 1.5).epsilon(tol));
            CHECK(dx[n * block + i] == doctest::Approx(1.5 * d0 + bv[c] * d1 + std::cos(v) * d2).epsilon(tol).scale(4));
            ga += v * d0 + d1;
            wb[c] += v * d1;
        }
    CHECK(g[a] == doctest::Approx(ga).epsilon(tol));
    for (std::size_t c = 0; c < C; ++c) {
        CHECK(gb[c] == doctest::Approx(wb[c]).epsilon(tol).scale(10));
        CHECK(gb[c] == doctest::Approx(jg["b"][c]).epsilon(tol).scale(10));
    }
    // backward alone: the same dx and gradients
    std::vector<T> dx2(size), gb2(C);
    auto g2 = k.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx2), a = 1.5,
                         b = per_channel(std::span<const T>(bv), std::span<T>(gb2)), layout{N, C, inner});
    CHECK(dx2 == dx);
    CHECK(gb2 == gb);
    CHECK(g2[a] == g[a]);
    }
}

TEST_CASE("DSL concat parts draw the elementwise kernel's noise at each element's index") {
    constexpr auto u = uniform(lit<0>) * x;
    auto k = symact::kernel(concat(u, x + normal(lit<1>)));
    auto e0 = symact::kernel(u);
    auto e1 = symact::kernel(x + normal(lit<1>));
    const std::size_t N = 300, block = 37, size = N * block;  // 3 chunks of samples
    auto xv = inputs<float>(size, 5);
    const noise nz{42, (std::uint64_t{1} << 32) - 5000};  // crosses a 2^32 wrap
    std::vector<float> y(2 * size), y0(size), y1(size), jy(2 * size);
    k.forward(std::span<const float>(xv), std::span<float>(y), layout{N, block, 1}, nz);
    e0.forward(std::span<const float>(xv), std::span<float>(y0), nz);
    e1.forward(std::span<const float>(xv), std::span<float>(y1), nz);
    auto j = jit::compile_concat("concat(uniform(0)*x, x + normal(1))", opts(true));
    j.forward(std::span<const float>(xv), std::span<float>(jy), {}, {block, 1}, {nz.seed, nz.offset});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t i = 0; i < block; ++i) {
            CHECK(y[2 * n * block + i] == y0[n * block + i]);
            CHECK(y[(2 * n + 1) * block + i] == y1[n * block + i]);
        }
    CHECK(max_rel(jy, y) <= 2e-6);  // uniform draws bit for bit, normal ones within 2e-6 (docs/DSL.md)
}

TEST_CASE("DSL concat call errors") {
    auto k = symact::kernel(act::crelu);
    std::vector<float> x(6, 1.0f), y(12), small(11), dy(12), dx(6);
    CHECK_THROWS_AS(k.forward(std::span<const float>(x), std::span<float>(small)), std::invalid_argument);
    CHECK_THROWS_AS(k.forward(std::span<const float>(x), std::span<float>(y), layout{1, 4, 1}), std::invalid_argument);
    CHECK_THROWS_AS(k.forward(std::span<const float>(y.data(), 6), std::span<float>(y)), std::invalid_argument);
    CHECK_THROWS_AS(k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(dy.data() + 2, 6)),
                    std::invalid_argument);
    std::vector<float> none;
    k.forward(std::span<const float>(none), std::span<float>(none));  // nothing to do
}
