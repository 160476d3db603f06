// Concatenation kernels (jit::compile_concat; codegen::split_concat): CReLU against this
// library's layer (nn::crelu_*), parameters per tensor and per channel and noise against
// direct loops over the parts' elementwise kernels, and the errors with their carets.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "symact/codegen/concat.hpp"
#include "symact/error.hpp"
#include "symact/jit/concat.hpp"
#include "symact/nn/crelu.hpp"

using namespace symact;

namespace {

jit::Options no_disk() {
    jit::Options o;
    o.disk_cache = false;
    return o;
}

// The error's message and caret position for `text`.
std::pair<std::string, std::size_t> error_of(const std::string& text) {
    try {
        jit::compile_concat(text, no_disk());
    } catch (const error& e) {
        return {e.message(), e.position()};
    }
    return {"", error::npos};
}

template <class T> std::vector<T> inputs(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-3, 3);
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i % 7 == 3 ? T(0) : static_cast<T>(u(rng));
    return v;
}

}  // namespace

TEST_CASE("split_concat: parts, where each comes from, and what is not a concatenation") {
    auto p = codegen::split_concat(" concat(where(x > 0, x, 1), -x) ");
    REQUIRE(p);
    REQUIRE(p->size() == 2);
    CHECK((*p)[0].text == "where(x > 0, x, 1)");
    CHECK((*p)[1].text == " -x");
    CHECK((*p)[1].input_position(1) == 28);  // the '-'
    auto c = codegen::split_concat("crelu(2*x)");
    REQUIRE(c);
    REQUIRE(c->size() == 2);
    CHECK((*c)[0].text == "where((2*x) > 0, (2*x), 0)");
    CHECK((*c)[1].text == "where(-(2*x) > 0, -(2*x), 0)");
    CHECK((*c)[1].input_position(8) == 6);  // the first copy of u: "2*x" starts at 6
    CHECK((*c)[1].input_position(0) == 0);  // not a copy: the name
    CHECK(codegen::split_concat("crelu")->size() == 2);
    CHECK(!codegen::split_concat("x + 1"));
    CHECK(!codegen::split_concat("concat(x, x) + 1"));  // the parser reports it
    CHECK(!codegen::split_concat("relu(x)"));
}

TEST_CASE("concatenation errors point at the input") {
    CHECK(error_of("concat()") == std::pair<std::string, std::size_t>{"concat needs at least one part: concat(e1, ..., eK)", 7});
    CHECK(error_of("concat(x, )").first == "empty part of concat");
    CHECK(error_of("concat(x, )").second == 9);
    CHECK(error_of("crelu(x, x)").first.find("crelu takes one argument, not 2") == 0);
    CHECK(error_of("concat(x, tanh(x)").second == 6);
    CHECK(error_of("concat").first.find("concat needs its parts") == 0);
    // inside an expression: a parse error at the name
    auto in = error_of("x + crelu(x)");
    CHECK(in.second == 4);
    CHECK(in.first.find("several outputs") != std::string::npos);
    CHECK(error_of("concat(concat(x), x)").second == 7);
    CHECK(error_of("concat(x, x + concat(x))").second == 14);
    // a part's own error, moved to where the part stands
    auto bad = error_of("concat(x, sin(x) + )");
    CHECK(bad.second == 19);
    CHECK(error_of("crelu(x + foo(x))").second == 10);  // unknown function, in u's first copy
    CHECK(error_of("concat(x, rowmax(x))").second == 10);  // not elementwise
    std::string many = "concat(x";
    for (std::size_t i = 1; i <= codegen::max_concat_parts; ++i) many += ", x";
    many += ")";
    CHECK(error_of(many).first.find("the limit is 64") != std::string::npos);
}

TEST_CASE_TEMPLATE("crelu equals the CReLU layer (nn::crelu_*)", T, float, double) {
    jit::Options o = no_disk();
    o.dtype = std::is_same_v<T, float> ? jit::DType::f32 : jit::DType::f64;
    auto k = jit::compile_concat("crelu", o);
    REQUIRE(k.parts() == 2);
    CHECK(k.params().empty());
    CHECK(k.expression() == jit::compile_concat("concat(where(x > 0, x, 0), where(-x > 0, -x, 0))", o).expression());
    struct Shape {
        std::size_t n, c, inner;
    };
    for (Shape s : {Shape{1, 5, 1}, Shape{3, 4, 7}, Shape{2, 3, 1}, Shape{4, 1, 33}, Shape{2, 16, 20}, Shape{300, 4, 5}, Shape{2, 3, 1000}}) {
        CAPTURE(s.n);
        CAPTURE(s.c);
        CAPTURE(s.inner);
        const std::size_t size = s.n * s.c * s.inner;
        auto x = inputs<T>(size, static_cast<unsigned>(size));
        auto dy = inputs<T>(2 * size, static_cast<unsigned>(size + 1));
        std::vector<T> y(2 * size), dx(size), ry(2 * size), rdx(size), fy(2 * size), fdx(size);
        const jit::Layout l{s.c, s.inner};
        k.forward(std::span<const T>(x), std::span<T>(y), {}, l);
        k.backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx), {}, l);
        k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(fy), std::span<T>(fdx), {}, l);
        nn::crelu_forward<T>(x, ry, {s.n, s.c, s.inner});
        nn::crelu_backward<T>(x, dy, rdx, {s.n, s.c, s.inner});
        CHECK(y == ry);
        CHECK(dx == rdx);
        CHECK(fy == ry);
        CHECK(fdx == rdx);
    }
}

TEST_CASE("concat with parameters per tensor and per channel against direct loops") {
    jit::Options f64 = no_disk();
    f64.dtype = jit::DType::f64;
    auto kd = jit::compile_concat("concat(a*x, x*b + a, sin(x))", f64);
    CHECK(kd.params() == std::vector<std::string>{"a", "b"});
    // one chunk of samples, several chunks (buffered), one sample per call (in place)
    for (auto [N, inner] : {std::pair<std::size_t, std::size_t>{3, 5}, {300, 5}, {2, 1000}}) {
    CAPTURE(N);
    const std::size_t C = 4, block = C * inner, size = N * block;
    auto x = inputs<double>(size, 11);
    auto dy = inputs<double>(3 * size, 12);
    const std::vector<double> b = {0.5, -1, 2, 3};
    const jit::ParamValues p = {{"a", {1.5}}, {"b", b}};
    std::vector<double> y(3 * size), dx(size);
    kd.forward(std::span<const double>(x), std::span<double>(y), p, {C, inner});
    auto g = kd.backward(std::span<const double>(x), std::span<const double>(dy), std::span<double>(dx), p, {C, inner});
    double ga = 0;
    std::vector<double> gb(C, 0.0);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < block; ++j) {
            const std::size_t c = j / inner, i = n * block + j;
            const double v = x[i], d0 = dy[(3 * n) * block + j], d1 = dy[(3 * n + 1) * block + j],
                         d2 = dy[(3 * n + 2) * block + j];
            CHECK(y[(3 * n) * block + j] == doctest::Approx(1.5 * v).epsilon(1e-15));
            CHECK(y[(3 * n + 1) * block + j] == doctest::Approx(v * b[c] + 1.5).epsilon(1e-15));
            CHECK(y[(3 * n + 2) * block + j] == doctest::Approx(std::sin(v)).epsilon(1e-15));
            CHECK(dx[i] == doctest::Approx(1.5 * d0 + b[c] * d1 + std::cos(v) * d2).epsilon(1e-13));
            ga += v * d0 + d1;
            gb[c] += v * d1;
        }
    REQUIRE(g.size() == 2);
    CHECK(g["a"][0] == doctest::Approx(ga).epsilon(1e-12));
    for (std::size_t c = 0; c < C; ++c) CHECK(g["b"][c] == doctest::Approx(gb[c]).epsilon(1e-12));
    }
}

TEST_CASE("concat parts draw the noise of the element index, as the elementwise kernel does") {
    auto k = jit::compile_concat("concat(uniform(0)*x, x + normal(1))", no_disk());
    auto e0 = jit::compile("uniform(0)*x", no_disk());
    auto e1 = jit::compile("x + normal(1)", no_disk());
    const std::size_t N = 300, block = 37, size = N * block;  // 3 chunks of samples
    auto x = inputs<float>(size, 5);
    const jit::Noise nz{42, (std::uint64_t{1} << 32) - 5000};  // crosses a 2^32 wrap
    std::vector<float> y(2 * size), y0(size), y1(size);
    k.forward(std::span<const float>(x), std::span<float>(y), {}, {block, 1}, nz);
    e0.forward(std::span<const float>(x), std::span<float>(y0), {}, {}, nz);
    e1.forward(std::span<const float>(x), std::span<float>(y1), {}, {}, nz);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < block; ++j) {
            CHECK(y[(2 * n) * block + j] == y0[n * block + j]);
            CHECK(y[(2 * n + 1) * block + j] == y1[n * block + j]);
        }
}

TEST_CASE("concatenation kernel call errors") {
    auto k = jit::compile_concat("concat(a*x, x)", no_disk());
    std::vector<float> x(6, 1.0f), y(12), dy(12, 1.0f), dx(6), small(11);
    const jit::ParamValues p = {{"a", {2.0}}};
    auto msg = [](auto f) {
        try {
            f();
        } catch (const error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(msg([&] { k.forward(std::span<const float>(x), std::span<float>(small), p); }).find("y has 11 elements; 2 parts of x's 6 need 12") != std::string::npos);
    CHECK(msg([&] { k.forward(std::span<const float>(x), std::span<float>(y)); }).find("parameter 'a' has no value") != std::string::npos);
    CHECK(msg([&] { k.forward(std::span<const float>(x), std::span<float>(y), {{"a", {1.0}}, {"z", {1.0}}}); }).find("'z' is not a parameter") != std::string::npos);
    CHECK(msg([&] { k.forward(std::span<const float>(x), std::span<float>(y), p, {4, 1}); }).find("do not form") != std::string::npos);
    CHECK(msg([&] { k.forward(std::span<const float>(y.data(), 6), std::span<float>(y), p); }).find("cannot run in place") != std::string::npos);
    CHECK(msg([&] { k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(dy.data() + 3, 6), p); }).find("cannot run in place") != std::string::npos);
    std::vector<double> xd(6), yd(12);
    CHECK(msg([&] { k.forward(std::span<const double>(xd), std::span<double>(yd), p); }).find("float32") != std::string::npos);
    CHECK(msg([] { jit::ConcatKernel{}.forward(std::span<const float>(), std::span<float>()); }).find("empty") != std::string::npos);
    // nothing to do: no error, zero gradients
    auto g = k.backward(std::span<const float>(), std::span<const float>(), std::span<float>(), p);
    CHECK(g["a"] == std::vector<double>{0.0});
}
