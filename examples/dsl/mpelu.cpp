// Define an activation in C++, get its fused kernels. Build: target dsl_example.
#include <cstdio>
#include <vector>

#include <symact/dsl.hpp>

using namespace symact::dsl;

inline constexpr auto alpha = param<"alpha">;
inline constexpr auto beta = param<"beta">;
inline constexpr auto mpelu = where(x > 0, x, alpha * (exp(beta * x) - 1));

int main() {
    auto k = symact::kernel(mpelu);
    std::vector<float> xs{-2.0f, -0.5f, 0.0f, 1.5f}, y(4), dy(4, 1.0f), dx(4);

    k.forward(xs, y, alpha = 1.5, beta = 0.5);                          // y = f(x)
    auto g = k.forward_backward(xs, dy, y, dx, alpha = 1.5, beta = 0.5);  // y, dx = f'(x) dy
    for (std::size_t i = 0; i < xs.size(); ++i) std::printf("f(%g) = %g   f'(%g) = %g\n", xs[i], y[i], xs[i], dx[i]);
    std::printf("sum df/dalpha dy = %g, sum df/dbeta dy = %g\n", g[alpha], g[beta]);
}
