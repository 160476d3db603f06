#include <symact/dsl.hpp>
using namespace symact::dsl;
inline constexpr auto alpha = param<"alpha">;
inline constexpr auto elu = where(x > 0, x, alpha * (exp(x) - 1));
void f(std::span<const float> x, std::span<float> y) {
    symact::kernel(elu).forward(x, y, 1.0);  // a bare value: which parameter?
}
