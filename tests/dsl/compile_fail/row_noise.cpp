#include <symact/dsl.hpp>
#include <symact/dsl/row_kernel.hpp>
using namespace symact::dsl;
inline constexpr auto noisy_softmax = exp(x + uniform(lit<0>)) / rowsum(exp(x + uniform(lit<0>)));
void f(std::span<const float> x, std::span<float> y) { symact::row_kernel(noisy_softmax).forward(1, x.size(), x, y); }
