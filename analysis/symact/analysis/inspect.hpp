// `symact inspect`: what an activation does, as numbers a person choosing one looks at.
// Symbolic where it can be (derivatives, op counts, kink candidates, exact saturation);
// numeric elsewhere, and labelled so (docs/INSPECT.md: definitions and methods).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/function.hpp>

#include "symact/analysis/scan.hpp"

namespace symact::analysis {

inline constexpr double inf = std::numeric_limits<double>::infinity();

// An interval of the real line; lo = -inf / hi = inf for rays (never closed there).
struct Interval {
    double lo = -inf, hi = inf;
    bool lo_closed = false, hi_closed = false;
};

enum class Saturation { none, soft, hard };

struct Side {
    Limit f, df;  // limits of f and f' as x -> side*infinity
    Saturation saturation = Saturation::none;
    double hard_from = 0;     // hard: f' = 0 for all x beyond this point
    bool hard_closed = false;  // ... and at it
};

// A point where f is not differentiable (a kink) or not continuous (a jump).
struct Kink {
    double x = 0;
    bool jump = false;
    double f = 0;                      // f(x)
    double f_left = 0, f_right = 0;    // f(x-), f(x+)
    double df_left = 0, df_right = 0;  // one-sided derivatives
};

struct Extremum {
    double x = 0, f = 0;
    bool minimum = false;
};

enum class Monotonic { increasing, non_decreasing, decreasing, non_increasing, no };

// sup |f'| over the reals and where it is reached.
struct MaxSlope {
    double value = 0;
    bool unbounded = false;
    Interval where;          // a point (lo == hi), a plateau, or a ray
    bool at_infinity = false;  // approached as x -> side*inf, not attained
    int side = 0;
};

struct Speed {  // the JIT's kernels, ns per element
    std::string dtype;
    unsigned lanes = 0;
    double forward = 0, backward = 0, fused = 0;
};

struct Report {
    std::string expression;  // the understood form
    std::vector<std::pair<std::string, std::string>> derivatives;  // {"x", f'}, {"alpha", df/dalpha}
    codegen::ParamValues params;
    std::size_t ops_forward = 0, ops_backward = 0, ops_fused = 0;

    Interval range;
    Side left, right;
    double f0 = 0;                 // f(0)
    bool takes_both_signs = false;
    bool zero_centred = false;     // f(0) = 0 and f takes both signs
    double gaussian_mean = 0;      // E[f(z)], z ~ N(0, 1)
    Monotonic monotonic = Monotonic::no;
    std::vector<Extremum> extrema;  // local, where f' changes sign
    std::vector<Kink> kinks;
    std::size_t kink_candidates = 0;
    std::vector<Interval> dead;    // intervals where f' = 0 exactly
    MaxSlope max_slope;
    int layers = 10;               // for the "through n layers" bound
    std::optional<Speed> speed;
    std::string method;            // how the numeric answers were found
    std::vector<std::string> notes;
};

struct InspectOptions {
    GridSpec grid;
    int layers = 10;
    bool speed = true;  // time the JIT's kernels (when symact was built with the JIT)
};

// Throws symact::error if a parameter has no value.
Report inspect(codegen::Function& fn, const codegen::ParamValues& params, const InspectOptions& opts = {});

}  // namespace symact::analysis
