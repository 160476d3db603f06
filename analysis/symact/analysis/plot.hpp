// `symact plot`: activations (and their derivatives) drawn as a grid of panels, one per
// activation, in SVG: axes through the origin, grid lines, tick labels, titles, axis
// labels; y-range from the data with outliers clipped; NaN/inf and jumps break the curve.
#pragma once
#include <string>
#include <vector>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/parse.hpp>

namespace symact::analysis {

struct PanelSpec {
    // An expression or catalog name; "d/dx EXPR" plots only the derivative of EXPR.
    std::string text;
    std::string title;  // empty: the expression as understood
};

struct PlotOptions {
    double lo = -5, hi = 5;   // x-range
    bool derivative = false;  // f' as a second (dashed) curve in every panel
    int columns = 0;          // 0: min(panels, 3)
    double panel_width = 320, panel_height = 250;
    std::size_t samples = 801;
    codegen::ParamValues params;
    codegen::ParseOptions parse;
};

// The figure as an SVG document. Throws symact::error for a bad expression or range.
std::string plot_svg(const std::vector<PanelSpec>& panels, const PlotOptions& opts);

// "Nice" tick positions (1, 2, 5 times a power of ten) covering [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace symact::analysis
