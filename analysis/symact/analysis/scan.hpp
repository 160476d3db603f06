// The numerical side of inspect: the scan grid, root and boundary refinement, extremum
// refinement, limits at +-infinity. Every number these produce is labelled "numeric" in
// the output (docs/INSPECT.md says how each is found).
#pragma once
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "symact/analysis/evaluator.hpp"

namespace symact::analysis {

// The grid: x = scale*sinh(t), t uniform, covering |x| <= extent. Dense near 0 (spacing
// about scale*dt) and of constant relative spacing (about dt) for |x| >> scale.
struct GridSpec {
    std::size_t points = 200001;  // odd: x = 0 is a grid point
    real scale = 0.01L;
    real extent = 1e30L;
};
// The grid plus `extra` points (exact kink candidates, ...), sorted, without duplicates.
std::vector<real> scan_grid(const GridSpec& spec, std::span<const real> extra = {});
std::string describe(const GridSpec& spec);  // "200001 points, x = 0.01*sinh(t), |x| <= 1e30"

// The boundary between lo (where inside(lo) is false) and hi (true), to the last bit:
// returns the point on the `inside` side next to it.
real boundary(const std::function<bool(real)>& inside, real lo, real hi);
// The maximum of a unimodal g on [lo, hi] by golden-section search: its abscissa.
real golden_max(const std::function<real(real)>& g, real lo, real hi);

// A limit at +-infinity as the evaluator sees it.
struct Limit {
    enum class Kind { finite, plus_infinity, minus_infinity, none } kind = Kind::none;
    double value = 0;  // finite only
    bool is_zero() const { return kind == Kind::finite && value == 0; }
};
// lim of root `root` as x -> side*inf, from its values in double at x = side*{1e8, 1e15,
// 1e30, 1e100, 1e300, inf}: the farthest values agree -> that value (tiny -> 0); they grow
// without bound with one sign -> +-inf; else none (oscillates or NaN).
Limit limit_at(const Evaluator& ev, std::size_t root, int side);
inline constexpr const char* limit_points = "x = +-1e8, 1e15, 1e30, 1e100, 1e300, inf";

}  // namespace symact::analysis
