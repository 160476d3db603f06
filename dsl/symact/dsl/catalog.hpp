// The activation catalog, each entry defined once, here, in the DSL. Constants are exact
// (lit<N, D>) so they fold; parameters are named (kernels take them by name, strings as
// trailing arguments: names.hpp; the aot registry's defaults: src/aot.cpp). Kinks follow
// PyTorch (docs/CONVENTIONS.md): the comparison in each `where` is chosen so the branch
// autograd uses is the one selected.
// Registry functions are called qualified (dsl::tanh): the entries' own names would hide them.
#pragma once
#include "symact/dsl/build.hpp"
#include "symact/dsl/row.hpp"
#include "symact/dsl/concat.hpp"

namespace symact::dsl::act {

using symact::lit;
using dsl::x;

inline constexpr auto slope = param<"slope">;      // leaky_relu
inline constexpr auto a = param<"a">;              // prelu
inline constexpr auto lower = param<"lower">;      // rrelu
inline constexpr auto upper = param<"upper">;
inline constexpr auto alpha = param<"alpha">;      // elu, celu, mpelu
inline constexpr auto beta = param<"beta">;        // mpelu, swish, softplus
inline constexpr auto lambda = param<"lambda">;    // softshrink, hardshrink
inline constexpr auto b = param<"b">;              // squareplus
inline constexpr auto c = param<"c">;              // noisy_*: the noise's scale
inline constexpr auto p = param<"p">;              // noisy_*: the slope inside its sigmoid

inline constexpr auto identity = x;
inline constexpr auto binary_step = where(x >= lit<0>, lit<1>, lit<0>);       // f(0) = 1, f' = 0
inline constexpr auto sigmoid = dsl::sigmoid(x);
inline constexpr auto tanh = dsl::tanh(x);
inline constexpr auto relu = where(x > lit<0>, x, lit<0>);                    // relu'(0) = 0
inline constexpr auto relu6 = where(x <= lit<0>, lit<0>, where(x >= lit<6>, lit<6>, x));  // 0 at 0, 6
inline constexpr auto leaky_relu = where(x > lit<0>, x, slope * x);           // slope at 0
inline constexpr auto prelu = where(x > lit<0>, x, a * x);                    // a at 0
inline constexpr auto rrelu = where(x > lit<0>, x, (lower + upper) / lit<2> * x);  // inference
inline constexpr auto elu = where(x > lit<0>, x, alpha * expm1(x));           // alpha at 0
inline constexpr auto selu = lit<1050700987355480493, 1000000000000000000> *
                             where(x > lit<0>, x, lit<1673263242354377284, 1000000000000000000> * expm1(x));
inline constexpr auto celu = max(lit<0>, x) + min(lit<0>, alpha * expm1(x / alpha));  // ties split
inline constexpr auto mpelu = where(x > lit<0>, x, alpha * expm1(beta * x));
// gelu = x (1 + erf(x/sqrt2))/2 and gelu_tanh = x (1 + tanh(u))/2, written in the forms the
// runtime's stability rewrites give (codegen/rewrite.cpp; the DSL does not rewrite):
// 1 + erf(v) = erfc(-v) and 1 + tanh(u) = 2 sigmoid(2u) do not cancel to 0 in the left tail
// (gelu(-10) = -7.6e-23, not -0, in float32), and erfc, sigmoid decay (gelu(-inf) = 0).
inline constexpr auto gelu = lit<1, 2> * x * erfc(-x / dsl::sqrt(lit<2>));
inline constexpr auto gelu_tanh =
    x * dsl::sigmoid(lit<2> * dsl::sqrt(lit<2> / constants::pi) * (x + lit<44715, 1000000> * pow(x, lit<3>)));
inline constexpr auto silu = x * dsl::sigmoid(x);
inline constexpr auto swish = x * dsl::sigmoid(beta * x);
inline constexpr auto mish = x * dsl::tanh(dsl::softplus(x));
// softplus(beta x)/beta, written as max(x, 0) + softplus(-|beta x|)/beta (min for beta < 0):
// the same function and cost, but df/dbeta is -(|x| sigmoid(-|beta x|)/beta +
// softplus(-|beta x|)/beta^2), which neither cancels for large beta x nor is inf - inf at +inf.
inline constexpr auto softplus =
    where(beta > lit<0>, max(x, lit<0>), min(x, lit<0>)) + dsl::softplus(-abs(beta * x)) / beta;
// x/(1 + |x|) is inf/inf at +-inf; past |x| = 1, 1 - 1/(1 + x) (and its mirror) has the
// limits 1 and 0 for f and f' and does not cancel (f >= 1/2 there).
inline constexpr auto softsign =
    where(abs(x) <= lit<1>, x / (lit<1> + abs(x)),
          where(x > lit<0>, lit<1> - lit<1> / (lit<1> + x), lit<1> / (lit<1> - x) - lit<1>));
inline constexpr auto hardsigmoid = where(x <= lit<-3>, lit<0>, where(x >= lit<3>, lit<1>, x / lit<6> + lit<1, 2>));
inline constexpr auto hardswish = where(x < lit<-3>, lit<0>, where(x > lit<3>, x, x * (x + lit<3>) / lit<6>));
inline constexpr auto hardtanh = where(x <= lit<-1>, lit<-1>, where(x >= lit<1>, lit<1>, x));
inline constexpr auto logsigmoid = -dsl::softplus(-x);
inline constexpr auto tanhshrink = x - dsl::tanh(x);
inline constexpr auto softshrink = where(x > lambda, x - lambda, where(x < -lambda, x + lambda, lit<0>));
inline constexpr auto hardshrink = where(x > lambda, x, where(x < -lambda, x, lit<0>));
// (x + sqrt(x^2 + b))/2, kept from overflowing (x^2) and cancelling (x < 0): for x < 0 the
// rationalized b/(2 (sqrt(x^2 + b) - x)); where x^2 > 2^60 b, the asymptote x + b/(4x) or
// -b/(4x), exact to double precision, so f, f' and df/db have their limits at +-max, +-inf.
inline constexpr auto squareplus =
    where(x * x > lit<1152921504606846976> * b, where(x > lit<0>, x + b / lit<4> / x, -(b / lit<4>) / x),
          where(x >= lit<0>, (x + dsl::sqrt(x * x + b)) / lit<2>, b / lit<2> / (dsl::sqrt(x * x + b) - x)));
inline constexpr auto serf = x * erf(dsl::softplus(x));

// ---- noise: `_train` entries draw (uniform(k), normal(k); the kernels' noise{seed, offset});
// the plain names are the inference forms ----
// RReLU in training (Xu et al., 2015): the negative slope drawn from U(lower, upper) per element.
inline constexpr auto rrelu_train = where(x > lit<0>, x, (lower + (upper - lower) * uniform(lit<0>)) * x);

// Noisy activations (Gulcehre, Moczulski, Denil, Bengio, ICML 2016), for a hard unit h with
// its linearization u at 0: alpha h + (1 - alpha) u + d sigma eps, with Delta = h - u (0
// where h is linear), d = -sgn(x) sgn(1 - alpha) and sigma = c (sigmoid(p Delta) - 1/2)^2,
// written c tanh(p Delta / 2)^2 / 4: the same function, without the cancellation near
// Delta = 0. Inference replaces eps by its mean: 0 for N(0, 1) (hard-tanh), sqrt(2/pi) for
// |N(0, 1)| (hard-sigmoid; the authors' reference code's choices, as nn/noisy.hpp).
namespace parts {
inline constexpr auto hardsigmoid4 =  // the paper's hard-sigmoid, slope 1/4 (h' = 0 at the kinks)
    where(x <= lit<-2>, lit<0>, where(x >= lit<2>, lit<1>, x / lit<4> + lit<1, 2>));
inline constexpr auto sigmoid4_lin = x / lit<4> + lit<1, 2>;
inline constexpr auto direction = -dsl::sign(x) * dsl::sign(lit<1> - alpha);
template <class H, class U> constexpr auto scale(H h, U u) {
    return c / lit<4> * pow(dsl::tanh(p * (h - u) / lit<2>), lit<2>);
}
inline constexpr auto tanh_mean = alpha * hardtanh + (lit<1> - alpha) * x;
inline constexpr auto sigmoid_mean = alpha * hardsigmoid4 + (lit<1> - alpha) * sigmoid4_lin;
}  // namespace parts
inline constexpr auto noisy_hardtanh = parts::tanh_mean;  // E[eps] = 0: c and p drop out
inline constexpr auto noisy_hardtanh_train =
    parts::tanh_mean + parts::direction * parts::scale(hardtanh, x) * normal(lit<0>);
inline constexpr auto noisy_hardsigmoid =
    parts::sigmoid_mean + parts::direction * parts::scale(parts::hardsigmoid4, parts::sigmoid4_lin) *
                              dsl::sqrt(lit<2> / constants::pi);
inline constexpr auto noisy_hardsigmoid_train =
    parts::sigmoid_mean +
    parts::direction * parts::scale(parts::hardsigmoid4, parts::sigmoid4_lin) * abs(normal(lit<0>));

// Row entries (row_kernel.hpp: reductions over the last axis of a (rows, cols) array).
// Shifting by the row's max keeps exp from overflowing (1000 and -1000 are fine).
inline constexpr auto softmax = exp(x - rowmax(x)) / rowsum(exp(x - rowmax(x)));
inline constexpr auto log_softmax = x - rowmax(x) - log(rowsum(exp(x - rowmax(x))));

// Concatenations (concat.hpp: K outputs per input along the channel axis; strings: the core's
// concat.cpp has the same parts). CReLU (Shang et al., 2016): relu(x) and relu(-x).
inline constexpr auto crelu = concat(relu, where(-x > lit<0>, -x, lit<0>));

}  // namespace symact::dsl::act

// X(name): every catalog entry, for the registries built from it (aot.hpp, names.hpp).
#define SYMACT_DSL_CATALOG(X)                                                                    \
    X(identity) X(binary_step) X(sigmoid) X(tanh) X(relu) X(relu6) X(leaky_relu) X(prelu)       \
    X(rrelu) X(elu) X(selu) X(celu) X(mpelu) X(gelu) X(gelu_tanh) X(silu) X(swish) X(mish)     \
    X(softplus) X(softsign) X(hardsigmoid) X(hardswish) X(hardtanh) X(logsigmoid)              \
    X(tanhshrink) X(softshrink) X(hardshrink) X(squareplus) X(serf) X(rrelu_train)             \
    X(noisy_hardtanh) X(noisy_hardtanh_train) X(noisy_hardsigmoid) X(noisy_hardsigmoid_train)

// X(name): the row entries (not elementwise: symact::row_kernel; the aot registry's row
// table, aot_row_kernels()). Their string names are the core's (codegen/row_functions.cpp).
#define SYMACT_DSL_ROW_CATALOG(X) X(softmax) X(log_softmax)
