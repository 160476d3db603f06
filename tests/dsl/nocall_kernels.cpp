// Compiled to assembly by check_no_calls.cmake (test dsl_no_calls): the loops of DSL kernels
// (forward, backward with parameter gradients, fused) contain no call and are vectorized.
#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>

using namespace symact::dsl;

void mish_fb(std::span<const float> x, std::span<const float> dy, std::span<float> y, std::span<float> dx) {
    symact::kernel(act::mish).forward_backward(x, dy, y, dx);
}
double elu_b(std::span<const float> x, std::span<const float> dy, std::span<float> dx) {
    return symact::kernel(act::elu).backward(x, dy, dx, act::alpha = 1.0)[act::alpha];
}
void gelu_f(std::span<const double> x, std::span<double> y) { symact::kernel(act::gelu).forward(x, y); }
void relu_f(std::span<const float> x, std::span<float> y) { symact::kernel(act::relu).forward(x, y); }
void gelu_fb32(std::span<const float> x, std::span<const float> dy, std::span<float> y, std::span<float> dx) {
    symact::kernel(act::gelu).forward_backward(x, dy, y, dx);
}
void gelu_tanh_f32(std::span<const float> x, std::span<float> y) { symact::kernel(act::gelu_tanh).forward(x, y); }
double celu_fb(std::span<const float> x, std::span<const float> dy, std::span<float> y, std::span<float> dx) {
    return symact::kernel(act::celu).forward_backward(x, dy, y, dx, act::alpha = 1.0)[act::alpha];
}
// row kernels: every reduction pass and the map pass
#include <symact/dsl/row_kernel.hpp>
void softmax_fb(std::size_t rows, std::size_t cols, std::span<const float> x, std::span<const float> dy,
                std::span<float> y, std::span<float> dx) {
    symact::row_kernel(act::softmax).forward_backward(rows, cols, x, dy, y, dx);
}
void log_softmax_f(std::size_t rows, std::size_t cols, std::span<const double> x, std::span<double> y) {
    symact::row_kernel(act::log_softmax).forward(rows, cols, x, y);
}
// noise ops: the counter-based generator is add/rotate/xor, inlined and vectorized
inline constexpr auto rrelu_train = where(x >= 0, x, (param<"lower"> + (param<"upper"> - param<"lower">) * uniform(lit<0>)) * x);
double rrelu_train_fb(std::span<const float> x, std::span<const float> dy, std::span<float> y, std::span<float> dx) {
    return symact::kernel(rrelu_train)
        .forward_backward(x, dy, y, dx, param<"lower"> = 0.125, param<"upper"> = 0.25, noise{7, 0})[param<"lower">];
}
void normal_f64(std::span<const double> xs, std::span<double> y) {
    symact::kernel(x + normal(lit<1>)).forward(xs, y, noise{7, 0});
}
