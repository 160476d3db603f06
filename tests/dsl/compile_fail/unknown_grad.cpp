#include <symact/dsl.hpp>
using namespace symact::dsl;
inline constexpr auto alpha = param<"alpha">;
inline constexpr auto elu = where(x > 0, x, alpha * (exp(x) - 1));
double f(std::span<const float> x, std::span<const float> dy, std::span<float> dx) {
    return symact::kernel(elu).backward(x, dy, dx, alpha = 1.0)[param<"beta">];
}
