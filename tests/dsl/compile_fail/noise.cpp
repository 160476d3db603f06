#include <symact/dsl.hpp>
using namespace symact::dsl;
inline constexpr auto noisy = x + cst<ratio{1, 2}>{} * normal(cst<ratio{0, 1}>{});
void f(std::span<const float> x, std::span<float> y) {
    symact::kernel(noisy).forward(x, y);  // noise ops are JIT-only so far
}
