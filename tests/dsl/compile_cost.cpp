// Compile-cost probe (docs/DSL.md): one new activation, its three kernels, float32 and
// float64. Not part of the build; time it with
//   /usr/bin/time -f %U g++ -std=c++20 -O2 -march=native -fno-math-errno \
//     -Idsl -Icodegen -Imath -c tests/dsl/compile_cost.cpp -o /dev/null
#include <symact/dsl.hpp>

using namespace symact::dsl;
using symact::lit;

inline constexpr auto alpha = param<"alpha">;
inline constexpr auto beta = param<"beta">;
inline constexpr auto act = where(x > lit<0>, x, alpha * expm1(beta * x));

template <class S>
double all(std::span<const S> x, std::span<const S> dy, std::span<S> y, std::span<S> dx) {
    const auto k = symact::kernel(act);
    k.forward(x, y, alpha = 1.5, beta = 0.5);
    double g = k.backward(x, dy, dx, alpha = 1.5, beta = 0.5)[alpha];
    return g + k.forward_backward(x, dy, y, dx, alpha = 1.5, beta = 0.5)[beta];
}
template double all<float>(std::span<const float>, std::span<const float>, std::span<float>, std::span<float>);
template double all<double>(std::span<const double>, std::span<const double>, std::span<double>, std::span<double>);
