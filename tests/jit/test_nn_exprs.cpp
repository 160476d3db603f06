// Maxout and CReLU written with the expression language's kernels, against symact::nn's
// layers (docs/NN.md, "Maxout and CReLU from expression kernels"):
// - Maxout with k pieces over (N, C, inner) data is rowmax(x) over the middle axis of its
//   (N*C/k, k, inner) view, through the JIT's and the DSL's row kernels: rows of k along the
//   last axis for channels-last data (inner = 1), strided rows for NCHW (inner = H*W). The row kernel
//   writes the group's max to each of its k elements; the backward given dy at the row's
//   first element (0 elsewhere) routes it to the arg-max. Ties split the gradient evenly
//   (rowmax's rule) where the layer gives it all to the first index.
// - CReLU is the two elementwise kernels relu(x) and relu(-x) into the two halves of each
//   sample's channels; their backward contributions add.
#include <doctest/doctest.h>

#include <numeric>
#include <random>
#include <span>
#include <vector>

#include <symact/dsl.hpp>
#include <symact/dsl/row_kernel.hpp>
#include <symact/jit/jit.hpp>
#include <symact/jit/rows.hpp>
#include <symact/nn/crelu.hpp>
#include <symact/nn/maxout.hpp>

namespace jit = symact::jit;
namespace nn = symact::nn;

namespace {

template <class T> std::vector<T> distinct_values(std::size_t n, unsigned seed) {
    std::vector<T> v(n);
    std::iota(v.begin(), v.end(), T(0));
    std::mt19937 g(seed);
    std::shuffle(v.begin(), v.end(), g);
    for (T& t : v) t = t * T(0.37) - T(n) / 5;  // distinct, both signs
    return v;
}

// Maxout over (N, C, inner) data: rowmax(x) over the middle axis of the (N*C/k, k, inner)
// view (strided rows; for inner = 1, rows of k along the last axis).
template <class T> void check_maxout(std::size_t N, std::size_t C, std::size_t inner, std::size_t k) {
    CAPTURE(N);
    CAPTURE(C);
    CAPTURE(inner);
    CAPTURE(k);
    const std::size_t n = N * C * inner, outer = N * C / k, groups = outer * inner;
    const auto xv = distinct_values<T>(n, static_cast<unsigned>(n + k));
    std::vector<T> dyg(groups), y_nn(groups), dx_nn(n);
    for (std::size_t g = 0; g < groups; ++g) dyg[g] = T(1) + T(g % 5) / 4;
    nn::maxout_forward<T>(xv, y_nn, {N, C, inner}, k);
    nn::maxout_backward<T>(xv, dyg, dx_nn, {N, C, inner}, k);

    // y_nn[o, i] is group o's max at position i; its row is x[o, 0..k, i]. dy of a group at
    // its row's first element.
    std::vector<T> dy(n, T(0)), y(n), dx(n);
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) dy[o * k * inner + i] = dyg[o * inner + i];
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    auto jk = jit::compile_rows("rowmax(x)", o);
    jk.forward_backward(std::span<const T>(xv), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx), k, inner);
    using namespace symact::dsl;
    std::vector<T> y2(n), dx2(n), y3(n);
    const auto dk = symact::row_kernel(rowmax(x));
    dk.forward_backward(outer, k, inner, std::span<const T>(xv), std::span<const T>(dy), std::span<T>(y2),
                        std::span<T>(dx2));
    dk.forward(outer, k, inner, std::span<const T>(xv), std::span<T>(y3));
    for (std::size_t e = 0; e < n; ++e) {
        const std::size_t g = e / (k * inner) * inner + e % inner;  // (o, i) of element (o, j, i)
        REQUIRE(y[e] == y_nn[g]);
        REQUIRE(y2[e] == y_nn[g]);
        REQUIRE(y3[e] == y_nn[g]);
        REQUIRE(dx[e] == dx_nn[e]);
        REQUIRE(dx2[e] == dx_nn[e]);
    }
}

}  // namespace

TEST_CASE("Maxout = rowmax(x) over rows of k pieces (JIT and DSL row kernels) = nn::maxout, inner = 1") {
    for (std::size_t k : {1u, 2u, 3u, 4u, 8u}) {
        check_maxout<float>(7, 24, 1, k);
        check_maxout<double>(3, 48, 1, k);
    }
}

TEST_CASE("Maxout NCHW = rowmax(x) over the channel axis (strided rows, inner > 1) = nn::maxout") {
    // (N, C, inner): inner = H*W from 2 to a few tiles' worth, odd and power-of-two sizes
    const std::size_t shapes[][3] = {{2, 12, 2}, {3, 24, 7}, {1, 8, 64}, {2, 6, 100}, {1, 4, 3000}};
    for (const auto& s : shapes)
        for (std::size_t k : {1u, 2u, 3u, 4u})
            if (s[1] % k == 0) {
                check_maxout<float>(s[0], s[1], s[2], k);
                check_maxout<double>(s[0], s[1], s[2], k);
            }
}

TEST_CASE("Maxout via rowmax: ties split the gradient evenly; nn::maxout gives it to the first") {
    const std::vector<float> x{1, 3, 3, 0, 5, 2};  // rows of 3: a tie in the first
    std::vector<float> dy{1, 0, 0, 1, 0, 0}, y(6), dx(6);
    jit::Options o;
    o.disk_cache = false;
    const auto k = jit::compile_rows("rowmax(x)", o);
    k.forward_backward(std::span<const float>(x), dy, y, dx, 3);
    CHECK(dx == std::vector<float>{0, 0.5f, 0.5f, 0, 1, 0});
    std::vector<float> dyg{1, 1}, dx_nn(6);
    nn::maxout_backward<float>(x, dyg, dx_nn, {1, 6, 1}, 3);
    CHECK(dx_nn == std::vector<float>{0, 1, 0, 0, 1, 0});
    // the same with inner = 2, (1, 4, 2) and k = 2: the pieces of position 0 (1, 1) tie
    const std::vector<float> xs{1, 5, 1, 2, 4, 0, 3, 0};
    std::vector<float> dys{1, 1, 0, 0, 1, 1, 0, 0}, ys(8), dxs(8);
    k.forward_backward(std::span<const float>(xs), dys, ys, dxs, 2, 2);
    CHECK(dxs == std::vector<float>{0.5f, 1, 0.5f, 0, 1, 0.5f, 0, 0.5f});
    std::vector<float> dyg2{1, 1, 1, 1}, dx_nn2(8);
    nn::maxout_backward<float>(xs, dyg2, dx_nn2, {1, 4, 2}, 2);
    CHECK(dx_nn2 == std::vector<float>{1, 1, 0, 0, 1, 1, 0, 0});
}

TEST_CASE("CReLU = [relu(x), relu(-x)] from two elementwise kernels = nn::crelu") {
    const std::size_t N = 3, C = 5, inner = 37, half = C * inner;
    auto x = distinct_values<double>(N * half, 11);
    x[4] = 0;  // relu'(0) = 0 in both halves, as the layer
    std::vector<double> dy(2 * N * half), y_nn(2 * N * half), dx_nn(N * half);
    for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = 0.25 + double(i % 9) / 8;
    nn::crelu_forward<double>(x, y_nn, {N, C, inner});
    nn::crelu_backward<double>(x, dy, dx_nn, {N, C, inner});

    jit::Options o;
    o.dtype = jit::DType::f64;
    o.disk_cache = false;
    auto pos = jit::compile("where(x > 0, x, 0)", o), neg = jit::compile("where(-x > 0, -x, 0)", o);
    std::vector<double> y(2 * N * half), dx(N * half), dx_neg(half);
    for (std::size_t s = 0; s < N; ++s) {  // sample s: channels [0, C) then [C, 2C)
        std::span<const double> xs(x.data() + s * half, half);
        std::span<double> y_pos(y.data() + 2 * s * half, half), y_neg(y.data() + (2 * s + 1) * half, half);
        std::span<const double> dy_pos(dy.data() + 2 * s * half, half), dy_neg(dy.data() + (2 * s + 1) * half, half);
        pos.forward_backward(xs, dy_pos, y_pos, std::span<double>(dx.data() + s * half, half));
        neg.forward_backward(xs, dy_neg, y_neg, std::span<double>(dx_neg));
        for (std::size_t i = 0; i < half; ++i) dx[s * half + i] += dx_neg[i];
    }
    CHECK(y == y_nn);
    CHECK(dx == dx_nn);
}
