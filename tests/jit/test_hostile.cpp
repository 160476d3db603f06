// Hostile but legal inputs through the JIT: compiled in bounded time, correct kernels; and
// the inputs past the limits fail with the parser's clear error, not inside LLVM.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "symact/jit/jit.hpp"

using namespace symact;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

TEST_CASE("jit: x^1000000 compiles to a correct kernel") {
    jit::Options o;
    o.dtype = jit::DType::f64;
    o.disk_cache = false;
    auto t0 = std::chrono::steady_clock::now();
    auto k = jit::compile("x^1000000", o);
    std::vector<double> x = {1, -1, 0.5, 1.0000001, 0, 2}, dy(x.size(), 1.0), y(x.size()), dx(x.size());
    k.forward_backward(std::span<const double>(x), dy, y, dx);
    CHECK(y[0] == 1);
    CHECK(dx[0] == 1000000);
    CHECK(y[1] == 1);  // even power
    CHECK(dx[1] == -1000000);
    CHECK(y[2] == 0);  // underflows
    CHECK(y[3] == doctest::Approx(std::pow(1.0000001, 1000000)).epsilon(1e-9));
    CHECK(y[4] == 0);
    CHECK(dx[4] == 0);
    CHECK(std::isinf(y[5]));
    CHECK(seconds_since(t0) < 60);  // a hang guard on a loaded machine, not a speed test
}

TEST_CASE("jit: a sum of 10,000 terms compiles to a correct kernel") {
    std::string sum = "x";
    for (int i = 1; i < 10000; ++i) sum += fmt::format("+{}*x^{}", i % 7, i % 50);
    jit::Options o;
    o.dtype = jit::DType::f64;
    o.disk_cache = false;
    auto t0 = std::chrono::steady_clock::now();
    auto k = jit::compile(sum, o);
    // the same sum, term by term
    const std::vector<double> x = {0.5, -0.75, 1.0};
    std::vector<double> y(x.size()), dy(x.size(), 1.0), dx(x.size());
    k.forward_backward(std::span<const double>(x), dy, y, dx);
    for (std::size_t j = 0; j < x.size(); ++j) {
        double f = x[j], d = 1;
        for (int i = 1; i < 10000; ++i) {
            f += (i % 7) * std::pow(x[j], i % 50);
            if (i % 50) d += (i % 7) * (i % 50) * std::pow(x[j], i % 50 - 1);
        }
        CHECK(y[j] == doctest::Approx(f).epsilon(1e-12));
        CHECK(dx[j] == doctest::Approx(d).epsilon(1e-12));
    }
    CHECK(seconds_since(t0) < 60);
}

TEST_CASE("jit: inputs past the limits get the parser's clear error") {
    jit::Options o;
    o.disk_cache = false;
    auto message = [&](const std::string& text) {
        try {
            jit::compile(text, o);
        } catch (const symact::error& e) {
            return std::string(e.what());
        }
        return std::string("(compiled)");
    };
    CHECK(message(std::string(100000, '(') + "x" + std::string(100000, ')')).starts_with("expression too long"));
    CHECK(message(std::string(49999, '(') + "x" + std::string(49999, ')'))
              .starts_with("expression nested too deeply (limit 256 levels)"));
    CHECK(message("1e999999*x").starts_with("number '1e999999' is out of range"));
    CHECK(message(std::string(1 << 20, 'x')).starts_with("expression too long"));
}
