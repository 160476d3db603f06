#include "symact/analysis/plot.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <symact/codegen/function.hpp>

#include "symact/analysis/names.hpp"
#include "symact/analysis/piecewise.hpp"
#include "symact/analysis/svg.hpp"
#include "symact/error.hpp"

namespace symact::analysis {

namespace {

using Points = std::vector<std::pair<double, double>>;

struct Curve {
    std::vector<double> x, y;
    std::string label;
    svg::Stroke stroke;
};

struct Panel {
    std::string title, ylabel;
    std::vector<Curve> curves;
};

const svg::Stroke f_stroke{"#1f5fa8", 2.2, ""};
const svg::Stroke df_stroke{"#c62f2f", 2.0, "7 4"};
const svg::Stroke df_alone_stroke{"#c62f2f", 2.2, ""};

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// Samples f (and f') on [lo, hi]; switch points (kinks, jumps) are added with neighbours
// on both sides so corners are drawn sharp and jumps are seen as jumps.
Panel make_panel(const PanelSpec& spec, const PlotOptions& o) {
    std::string_view text = trim(spec.text);
    bool only_derivative = false;
    for (std::string_view prefix : {"d/dx ", "d/dx:"})
        if (text.starts_with(prefix)) only_derivative = true, text = trim(text.substr(prefix.size()));
    codegen::Function fn(expand_bare_name(text, o.parse), o.parse);
    fn.require_no_noise("symact plot");
    codegen::Expr f = fn.f(), df = fn.derivative("x");

    std::vector<double> xs;
    for (std::size_t i = 0; i < o.samples; ++i)
        xs.push_back(o.lo + (o.hi - o.lo) * static_cast<double>(i) / static_cast<double>(o.samples - 1));
    std::vector<real> grid;
    for (double x : xs) grid.push_back(x);
    auto sw = switching_functions(f);
    for (real c : switch_points(sw, o.params, grid)) {
        double d = 1e-9 * (o.hi - o.lo);
        for (double x : {static_cast<double>(c) - d, static_cast<double>(c), static_cast<double>(c) + d})
            if (x > o.lo && x < o.hi) xs.push_back(x);
    }
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());

    std::vector<codegen::Expr> roots;
    if (!only_derivative) roots.push_back(f);
    if (only_derivative || o.derivative) roots.push_back(df);
    auto v = codegen::evaluate<double>(roots, xs, o.params);

    Panel p;
    // default title: the text as typed (a catalog name stays a name)
    p.title = spec.title.empty() ? std::string(only_derivative ? "d/dx " : "") + std::string(text) : spec.title;
    p.ylabel = only_derivative ? "f\u2032(x)" : o.derivative ? "f(x), f\u2032(x)" : "f(x)";
    for (std::size_t r = 0; r < roots.size(); ++r) {
        bool is_df = roots[r] == df && (only_derivative || r == 1);
        p.curves.push_back({xs, v[r], is_df ? "f\u2032(x)" : "f(x)",
                            !is_df ? f_stroke : only_derivative ? df_alone_stroke : df_stroke});
    }
    return p;
}

// The y-range: the data's, with outliers clipped (beyond 4x the 1%..99% spread), 0
// included when it is near, padded 7%.
std::pair<double, double> y_range(const Panel& p) {
    std::vector<double> ys;
    for (const auto& c : p.curves)
        for (double y : c.y)
            if (std::isfinite(y)) ys.push_back(y);
    if (ys.empty()) return {-1, 1};
    std::sort(ys.begin(), ys.end());
    double lo = ys.front(), hi = ys.back();
    double q1 = ys[ys.size() / 100], q99 = ys[ys.size() - 1 - ys.size() / 100];
    double spread = q99 - q1;
    if (spread > 0 && hi - lo > 4 * spread) {
        lo = std::max(lo, q1 - 0.5 * spread);
        hi = std::min(hi, q99 + 0.5 * spread);
    }
    if (lo > 0 && lo < hi - lo) lo = 0;
    if (hi < 0 && -hi < hi - lo) hi = 0;
    if (hi - lo < 1e-12 * (1 + std::fabs(hi))) {
        double w = std::max(1.0, std::fabs(hi) * 0.5);
        lo -= w, hi += w;
    }
    double pad = 0.07 * (hi - lo);
    return {lo - pad, hi + pad};
}

std::string tick_label(double t, double step) {
    int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    std::string s = fmt::format("{:.{}f}", t, decimals);
    if (s.starts_with("-")) {
        if (s.find_first_not_of("-0.") == std::string::npos) return s.substr(1);  // -0.0
        s = "\u2212" + s.substr(1);  // a typographic minus
    }
    return s;
}

struct Frame {  // the plot area of a panel and its data window
    double px, py, pw, ph;
    double x0, x1, y0, y1;
    double X(double x) const { return px + (x - x0) / (x1 - x0) * pw; }
    double Y(double y) const { return py + (y1 - y) / (y1 - y0) * ph; }
};

void draw_curve(svg::Document& doc, const Frame& fr, const Curve& c) {
    const double span = fr.y1 - fr.y0, far = 50 * span;
    Points pts;
    auto flush = [&] {
        doc.polyline(pts, c.stroke);
        pts.clear();
    };
    for (std::size_t i = 0; i < c.x.size(); ++i) {
        double y = c.y[i];
        if (!std::isfinite(y) || y < fr.y0 - far || y > fr.y1 + far) {
            flush();
            continue;
        }
        if (i > 0 && !pts.empty()) {  // a jump: a tiny step in x, a big one in y
            double dx = c.x[i] - c.x[i - 1], dy = std::fabs(y - c.y[i - 1]);
            if (dx < 1e-6 * (fr.x1 - fr.x0) && dy > 1e-3 * span) flush();
        }
        pts.push_back({fr.X(c.x[i]), fr.Y(y)});
    }
    flush();
}

// The legend goes in whichever top corner the curves leave emptier.
void draw_legend(svg::Document& doc, const Frame& fr, const Panel& p) {
    const double w = 82, h = 14 + 17.0 * static_cast<double>(p.curves.size());
    auto crowd = [&](double lx) {
        int n = 0;
        for (const auto& c : p.curves)
            for (std::size_t i = 0; i < c.x.size(); ++i) {
                double X = fr.X(c.x[i]), Y = fr.Y(c.y[i]);
                n += X >= lx && X <= lx + w && Y >= fr.py && Y <= fr.py + h;
            }
        return n;
    };
    double left = fr.px + 8, right = fr.px + fr.pw - w - 8;
    double lx = crowd(left) <= crowd(right) ? left : right, ly = fr.py + 6;
    svg::Stroke border{"#cccccc", 0.8, ""};
    doc.rect(lx, ly, w, h - 4, "#ffffff", &border);
    for (std::size_t i = 0; i < p.curves.size(); ++i) {
        double y = ly + 14 + 17.0 * static_cast<double>(i);
        doc.line(lx + 8, y - 4, lx + 34, y - 4, p.curves[i].stroke);
        doc.text(lx + 40, y, p.curves[i].label, {12, "start", false, true});
    }
}

void draw_panel(svg::Document& doc, const Panel& p, double ox, double oy, const PlotOptions& o) {
    const double W = o.panel_width, H = o.panel_height;
    auto [y0, y1] = y_range(p);
    Frame fr{ox + 58, oy + 34, W - 58 - 16, H - 34 - 50, o.lo, o.hi, y0, y1};

    svg::Stroke frame_stroke{"#b0b0b0", 0.8, ""}, grid{"#e6e6e6", 0.8, ""}, axis{"#333333", 1.2, ""};
    doc.rect(fr.px, fr.py, fr.pw, fr.ph, "#ffffff", &frame_stroke);
    auto xt = nice_ticks(fr.x0, fr.x1, 5), yt = nice_ticks(fr.y0, fr.y1, 5);
    double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1, ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
    for (double t : xt) {
        doc.line(fr.X(t), fr.py, fr.X(t), fr.py + fr.ph, grid);
        doc.text(fr.X(t), fr.py + fr.ph + 17, tick_label(t, xstep), {11.5});
    }
    for (double t : yt) {
        doc.line(fr.px, fr.Y(t), fr.px + fr.pw, fr.Y(t), grid);
        doc.text(fr.px - 6, fr.Y(t) + 4, tick_label(t, ystep), {11.5, "end"});
    }
    // axes through the origin, where the origin is in view
    if (fr.y0 < 0 && fr.y1 > 0) doc.line(fr.px, fr.Y(0), fr.px + fr.pw, fr.Y(0), axis);
    if (fr.x0 < 0 && fr.x1 > 0) doc.line(fr.X(0), fr.py, fr.X(0), fr.py + fr.ph, axis);

    std::string clip = doc.clip(fr.px, fr.py, fr.pw, fr.ph);
    doc.begin_group(clip);
    for (const auto& c : p.curves) draw_curve(doc, fr, c);
    doc.end_group();
    if (p.curves.size() > 1) draw_legend(doc, fr, p);

    doc.text(fr.px + fr.pw / 2, oy + 22, p.title, {14.5});
    doc.text(fr.px + fr.pw / 2, fr.py + fr.ph + 37, "x", {13, "middle", false, true});
    doc.text(ox + 16, fr.py + fr.ph / 2, p.ylabel, {13, "middle", false, true, -90});
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
    std::vector<double> t;
    if (!(hi > lo) || !std::isfinite(hi - lo)) return t;
    double raw = (hi - lo) / target, mag = std::pow(10.0, std::floor(std::log10(raw))), r = raw / mag;
    double step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
    for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k += 1) t.push_back(k * step);
    return t;
}

std::string plot_svg(const std::vector<PanelSpec>& panels, const PlotOptions& o) {
    if (panels.empty()) throw error("nothing to plot: give one or more expressions");
    if (!(o.hi > o.lo) || !std::isfinite(o.lo) || !std::isfinite(o.hi))
        throw error(fmt::format("--range: needs LO < HI, both finite (got {}:{})", o.lo, o.hi));
    if (o.samples < 2) throw error("plot: at least 2 samples");
    std::vector<Panel> ps;
    for (const auto& spec : panels) ps.push_back(make_panel(spec, o));
    const int n = static_cast<int>(ps.size());
    const int cols = o.columns > 0 ? std::min(o.columns, n) : std::min(n, 3);
    const int rows = (n + cols - 1) / cols;
    svg::Document doc(cols * o.panel_width, rows * o.panel_height);
    doc.rect(0, 0, cols * o.panel_width, rows * o.panel_height, "#ffffff");
    for (int i = 0; i < n; ++i)
        draw_panel(doc, ps[i], (i % cols) * o.panel_width, (i / cols) * o.panel_height, o);
    return doc.str();
}

}  // namespace symact::analysis
