// symact's compile-time front end: activation functions as C++ expressions, differentiated,
// simplified and fused into kernels at compile time. See docs/DSL.md.
//   #include <symact/dsl.hpp>
//   using namespace symact::dsl;
//   inline constexpr auto alpha = param<"alpha">;
//   inline constexpr auto elu = where(x > 0, x, alpha * (exp(x) - 1));
//   auto k = symact::kernel(elu);
//   k.forward(xs, ys, alpha = 1.0);
#pragma once
#include "symact/dsl/core.hpp"
#include "symact/dsl/build.hpp"
#include "symact/dsl/diff.hpp"
#include "symact/dsl/plan.hpp"
#include "symact/dsl/eval.hpp"
#include "symact/dsl/params.hpp"
#include "symact/dsl/kernel.hpp"
#include "symact/dsl/concat_kernel.hpp"
