// Row kernels by both paths against one reference: the compile-time DSL (symact::row_kernel)
// and the JIT (jit::compile_rows) against the reference evaluator (codegen::evaluate_rows in
// double, on the same inputs), forward and backward (VJP with a random dy), f32 and f64,
// row lengths with every kind of tail up to 1024, continuous inputs and integer inputs
// (many rowmax ties: both paths split the adjoint evenly, docs/CONVENTIONS.md), and the same
// rows strided (the middle axis of an (outer, cols, inner) array).
//
// Bound: |got - ref| <= K eps_T (|ref| + s): K ULP of the row's scale s, K = 8 for f32
// (measured worst ~2.6) and 32 for f64 (measured ~13: the double reference rounds too). Relative to the
// row, not to each element, because x - log(rowsum(exp x)) is a difference and backward
// (softmax: dx = y (dy - sum(dy y))) cancels. s is the row's largest |ref|; for dx at
// least max|dy| max(1, max|y|) of the row, the size of the terms that cancel.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/function.hpp>
#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>
#include <symact/dsl/row_kernel.hpp>
#include <symact/jit/rows.hpp>

namespace dsl = symact::dsl;
namespace codegen = symact::codegen;
namespace jit = symact::jit;

namespace {

template <class T> constexpr double ulp_bound = sizeof(T) == 4 ? 8 : 32;
constexpr std::size_t row_lengths[] = {1, 2, 7, 16, 17, 33, 255, 256, 257, 1024};

struct Worst {
    double ulps = 0;  // in units of eps_T times the row's scale
};

// Checks got against ref row by row; NaN only where the reference is NaN.
template <class T>
void check_rows(const char* what, const char* path, std::span<const T> got, std::span<const double> ref,
                std::size_t cols, Worst& worst, std::span<const T> dy = {}, std::span<const double> y = {}) {
    const double eps = std::numeric_limits<T>::epsilon();
    auto row_max = [&](auto v, std::size_t r0) {
        double m = 0;
        for (std::size_t j = r0; j < r0 + cols; ++j)
            if (std::isfinite(double(v[j]))) m = std::max(m, std::fabs(double(v[j])));
        return m;
    };
    for (std::size_t r0 = 0; r0 < ref.size(); r0 += cols) {
        double s = row_max(ref, r0);
        if (!dy.empty()) s = std::max(s, row_max(dy, r0) * std::max(1.0, row_max(y, r0)));
        for (std::size_t j = r0; j < r0 + cols; ++j) {
            CAPTURE(std::string(what));
            CAPTURE(std::string(path));
            CAPTURE(cols);
            CAPTURE(j);
            CAPTURE(double(got[j]));
            CAPTURE(ref[j]);
            if (std::isnan(ref[j])) {
                CHECK(std::isnan(got[j]));
                continue;
            }
            REQUIRE(std::isfinite(double(got[j])));
            const double diff = std::fabs(double(got[j]) - ref[j]);
            const double e = diff == 0 ? 0 : diff / (eps * (std::fabs(ref[j]) + s));
            worst.ulps = std::max(worst.ulps, e);
            CHECK(e <= ulp_bound<T>);
        }
    }
}

// One expression: its DSL form F and its string form, which must be the same function.
template <class T, class F>
void compare(const char* text, const F& f, std::uint64_t seed, bool ties, Worst& worst) {
    const auto dk = symact::row_kernel(f);
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    const auto jk = jit::compile_rows(text, o);
    codegen::Function fn(text);
    const codegen::Expr roots[] = {fn.f(), fn.vjp()};
    const std::size_t rows = 3;
    for (std::size_t cols : row_lengths) {
        std::mt19937_64 rng(seed * 1000 + cols);
        std::uniform_real_distribution<double> u(-8, 8), d(-2, 2);
        std::uniform_int_distribution<int> q(-3, 3);
        const std::size_t n = rows * cols;
        std::vector<T> x(n), dy(n);
        for (auto& v : x) v = ties ? static_cast<T>(q(rng)) : static_cast<T>(u(rng));
        for (auto& v : dy) v = static_cast<T>(d(rng));
        // the reference in double on the very same (rounded) inputs
        std::vector<double> xd(x.begin(), x.end()), dyd(dy.begin(), dy.end());
        const auto ref = codegen::evaluate_rows<double>(roots, xd, dyd, cols, {});

        std::vector<T> y(n), dx(n), y1(n), dx1(n);
        dk.forward_backward(rows, cols, std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx));
        dk.forward(rows, cols, std::span<const T>(x), std::span<T>(y1));
        dk.backward(rows, cols, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx1));
        check_rows<T>(text, "dsl forward_backward y", y, ref[0], cols, worst);
        check_rows<T>(text, "dsl forward_backward dx", dx, ref[1], cols, worst, dy, ref[0]);
        check_rows<T>(text, "dsl forward", y1, ref[0], cols, worst);
        check_rows<T>(text, "dsl backward", dx1, ref[1], cols, worst, dy, ref[0]);

        jk.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx), cols);
        jk.forward(std::span<const T>(x), std::span<T>(y1), cols);
        jk.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx1), cols);
        check_rows<T>(text, "jit forward_backward y", y, ref[0], cols, worst);
        check_rows<T>(text, "jit forward_backward dx", dx, ref[1], cols, worst, dy, ref[0]);
        check_rows<T>(text, "jit forward", y1, ref[0], cols, worst);
        check_rows<T>(text, "jit backward", dx1, ref[1], cols, worst, dy, ref[0]);

        // the same rows strided: an (1, cols, rows) array reduced over its middle axis
        auto to_strided = [&](const std::vector<T>& v) {
            std::vector<T> t(n);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t c = 0; c < cols; ++c) t[c * rows + r] = v[r * cols + c];
            return t;
        };
        auto from_strided = [&](const std::vector<T>& t) {
            std::vector<T> v(n);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t c = 0; c < cols; ++c) v[r * cols + c] = t[c * rows + r];
            return v;
        };
        const auto xs = to_strided(x), dys = to_strided(dy);
        std::vector<T> ys(n), dxs(n);
        dk.forward_backward(1, cols, rows, std::span<const T>(xs), std::span<const T>(dys), std::span<T>(ys),
                            std::span<T>(dxs));
        check_rows<T>(text, "dsl strided y", from_strided(ys), ref[0], cols, worst);
        check_rows<T>(text, "dsl strided dx", from_strided(dxs), ref[1], cols, worst, dy, ref[0]);
        jk.forward_backward(std::span<const T>(xs), std::span<const T>(dys), std::span<T>(ys), std::span<T>(dxs),
                            cols, rows);
        check_rows<T>(text, "jit strided y", from_strided(ys), ref[0], cols, worst);
        check_rows<T>(text, "jit strided dx", from_strided(dxs), ref[1], cols, worst, dy, ref[0]);
    }
}

template <class T> void all_expressions(bool ties) {
    using namespace symact::dsl;
    Worst w;
    std::uint64_t seed = ties ? 7 : 3;
    compare<T>("softmax", act::softmax, seed++, ties, w);
    compare<T>("log_softmax", act::log_softmax, seed++, ties, w);
    // unshifted log-softmax (inputs stay within exp's range)
    compare<T>("x - log(rowsum(exp(x)))", x - log(rowsum(exp(x))), seed++, ties, w);
    compare<T>("x / rowsum(abs(x))", x / rowsum(abs(x)), seed++, ties, w);
    // rowmax-centred, with rowmax's adjoint not cancelling: ties matter here
    compare<T>("tanh(x - rowmax(x)) + x * rowmax(x)", tanh(x - rowmax(x)) + x * rowmax(x), seed++, ties, w);
    compare<T>("rowmax(x)", rowmax(x), seed++, ties, w);
    const std::string msg = std::string(sizeof(T) == 4 ? "f32" : "f64") +
                            (ties ? " integer inputs (ties)" : " continuous inputs") + ": worst error " +
                            std::to_string(w.ulps) + " eps of the row's scale (bound " +
                            std::to_string(ulp_bound<T>) + ")";
    MESSAGE(msg);
}

}  // namespace

TEST_CASE("row kernels: DSL and JIT agree with the reference rows, continuous inputs") {
    all_expressions<float>(false);
    all_expressions<double>(false);
}

TEST_CASE("row kernels: DSL and JIT agree with the reference rows, ties (integer inputs)") {
    all_expressions<float>(true);
    all_expressions<double>(true);
}

TEST_CASE("row kernels: a tie splits rowmax's adjoint evenly on both paths") {
    using namespace symact::dsl;
    const auto dk = symact::row_kernel(rowmax(x));
    const auto jk = jit::compile_rows("rowmax(x)", {});
    const std::vector<float> xs = {1, 4, 4, -2, 4, 0}, dy = {1, 1, 1, 1, 1, 1};
    std::vector<float> a(6), b(6);
    dk.backward(1, 6, std::span<const float>(xs), std::span<const float>(dy), std::span<float>(a));
    jk.backward(std::span<const float>(xs), std::span<const float>(dy), std::span<float>(b), 6);
    const std::vector<float> want = {0, 2, 2, 0, 2, 0};
    CHECK(a == want);
    CHECK(b == want);
}
