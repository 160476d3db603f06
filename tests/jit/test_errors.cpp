// Bad input: symact::error with a clear message, never an abort.
#include <doctest/doctest.h>

#include <string>

#include "symact/error.hpp"
#include "helpers.hpp"
#include "symact/jit/jit.hpp"

using namespace symact;

using test::message_of;

TEST_CASE("bad expressions throw with a caret") {
    auto m = message_of([] { jit::compile("x*softpluss(x)"); });
    CHECK(m.find("unknown function 'softpluss'") != std::string::npos);
    CHECK(m.find('^') != std::string::npos);
    CHECK(message_of([] { jit::compile("x +"); }) != "(no error)");
}

TEST_CASE("kernel calls check lengths, parameters and dtype") {
    auto k = jit::compile("where(x > 0, x, alpha*x)");
    std::vector<float> x(10), y(9), dy(10), dx(10);
    std::vector<double> xd(10), yd(10);
    jit::ParamValues p{{"alpha", {0.1}}};
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), p); })
              .find("x has 10 elements but y has 9") != std::string::npos);
    y.resize(10);
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y)); })
              .find("parameter 'alpha' has no value") != std::string::npos);
    CHECK(message_of([&] { k.forward(std::span<const float>(x), std::span<float>(y), {{"alpha", {1}}, {"beta", {2}}}); })
              .find("'beta' is not a parameter") != std::string::npos);
    CHECK(message_of([&] { k.forward(std::span<const double>(xd), std::span<double>(yd), p); })
              .find("compiled for float32 but called with float64") != std::string::npos);
    CHECK(message_of([&] {
              k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(dx),
                         {{"alpha", {1, 2, 3}}}, jit::Layout{2, 5});
          }).find("give 1 (per tensor) or 2 (one per channel)") != std::string::npos);
    CHECK(message_of([&] {
              k.backward(std::span<const float>(x), std::span<const float>(dy), std::span<float>(dx), p,
                         jit::Layout{3, 0});
          }).find("do not form") != std::string::npos);
    CHECK(message_of([] { jit::Kernel().forward(std::span<const float>(), std::span<float>()); })
              .find("empty kernel") != std::string::npos);
    // Empty arrays are fine.
    auto g = k.backward(std::span<const float>(), std::span<const float>(), std::span<float>(), p);
    CHECK(g.at("alpha")[0] == 0.0);
}
