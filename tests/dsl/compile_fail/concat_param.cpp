#include <symact/dsl.hpp>
using namespace symact::dsl;
inline constexpr auto a = param<"a">;
void f(std::span<const float> xs, std::span<float> ys) {
    symact::kernel(concat(a * x, sin(x))).forward(xs, ys, a = 1.0, param<"b"> = 2.0);  // b: in no part
}
