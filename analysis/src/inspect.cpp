#include "symact/analysis/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>
#include <symact/codegen/print.hpp>

#include "symact/analysis/piecewise.hpp"
#include "symact/analysis/report.hpp"
#include "symact/analysis/speed.hpp"

namespace symact::analysis {

using codegen::Expr;

namespace {

constexpr std::size_t F = 0, D = 1;  // the evaluator's roots: f, f'
// A run of f' = 0 that reaches +-infinity but starts farther out than this is underflow
// (e^-x below 1e-4951 in long double), not a dead region: exact zeros of piecewise
// activations start at their breakpoints, which are moderate.
constexpr real underflow_from = 100;

real snap(real b, std::span<const real> candidates) {
    for (real c : candidates)
        if (std::fabs(c - b) <= 1e-9L * std::max<real>(1, std::fabs(c))) return c;
    return b;
}

// x rounded to 7 significant digits (or to 0) when |f'| there is still the maximum: golden
// section finds a flat maximum only to ~1e-9; 2.5e-10 would be noise in the output.
real prettify(real x, real best, const Evaluator& ev) {
    for (real q : {1e-7L * std::max<real>(1, std::fabs(x)), 1e-5L * std::max<real>(1, std::fabs(x))}) {
        real r = std::round(x / q) * q;
        if (std::fabs(ev.one(D, r)) >= best * (1 - 1e-12L)) x = r;
    }
    return x;
}

struct Scan {
    std::vector<real> x, f, d;
    std::vector<real> candidates;  // exact switch points
    std::size_t n() const { return x.size(); }
};

// Maximal runs of f' = 0 (at least two grid points), kept when f' is the constant 0 there
// symbolically (its pieces resolved on the run); other runs are underflow or cancellation
// (sigmoid' far out, 1 + tanh(u) for u << 0) and only noted.
std::vector<Interval> dead_regions(const Scan& s, const Evaluator& ev, Expr df,
                                   const codegen::ParamValues& params, std::vector<std::string>& notes) {
    std::vector<Interval> out;
    const std::size_t n = s.n();
    std::size_t numeric_zero = 0;
    std::string example;
    for (std::size_t i = 0; i < n;) {
        if (s.d[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j + 1 < n && s.d[j + 1] == 0) ++j;
        if (j > i) {
            Interval iv;
            auto zero = [&](real x) { return ev.one(D, x) == 0; };
            if (i > 0) {
                real b = snap(boundary(zero, s.x[i - 1], s.x[i]), s.candidates);
                iv.lo = static_cast<double>(b);
                iv.lo_closed = ev.one(D, b) == 0;
            }
            if (j + 1 < n) {
                real b = snap(boundary([&](real x) { return !zero(x); }, s.x[j], s.x[j + 1]), s.candidates);
                iv.hi = static_cast<double>(b);
                iv.hi_closed = ev.one(D, b) == 0;
            }
            std::vector<real> inside;  // up to 65 grid points of the run, ends included
            for (std::size_t k = 0; k <= 64; ++k) inside.push_back(s.x[i + (j - i) * k / 64]);
            if (resolve_pieces(df, inside, params).is_number(0)) {
                out.push_back(iv);
            } else if (numeric_zero++ == 0) {
                example = to_string(iv);
            }
        }
        i = j + 1;
    }
    if (numeric_zero)
        notes.push_back(fmt::format("f' evaluates to 0 on {} stretch{} (e.g. x in {}) where it is not 0 "
                                    "symbolically: underflow or cancellation, not counted as dead",
                                    numeric_zero, numeric_zero == 1 ? "" : "es", example));
    return out;
}

// Local extrema: where f' changes sign (zeros in between skipped), refined by bisection.
std::vector<Extremum> extrema(const Scan& s, const Evaluator& ev, std::vector<std::string>& notes) {
    std::vector<Extremum> out;
    auto sgn = [](real v) { return v > 0 ? 1 : v < 0 ? -1 : 0; };
    int last = 0;
    std::size_t last_i = 0;
    for (std::size_t i = 0; i < s.n(); ++i) {
        int g = std::isnan(s.d[i]) ? 0 : sgn(s.d[i]);
        if (g == 0) continue;
        // f equal at both ends and midway: flat to rounding, a noise flip of f' (a cheap test first)
        if (last != 0 && g != last &&
            !(s.f[last_i] == s.f[i] && ev.one(F, (s.x[last_i] + s.x[i]) / 2) == s.f[i])) {
            if (out.size() == 20) {
                notes.push_back("more than 20 local extrema; the first 20 are listed");
                break;
            }
            int a = last;
            real b = boundary([&](real x) { return sgn(ev.one(D, x)) != a; }, s.x[last_i], s.x[last_i + 1]);
            b = snap(b, s.candidates);
            if (std::fabs(b) < 1e-300L) b = 0;
            // f must show it too: a sign change of f' where f is flat to rounding is noise
            // (cancellation in f' far out, e.g. softsign's at 1e29)
            real fb = ev.one(F, b), fl = s.f[last_i], fr = s.f[i];
            real tol = 64 * std::numeric_limits<real>::epsilon() * std::max({std::fabs(fb), std::fabs(fl), std::fabs(fr)});
            bool real_one = a < 0 ? (fb < fl - tol && fb < fr - tol) : (fb > fl + tol && fb > fr + tol);
            if (real_one) out.push_back({static_cast<double>(b), static_cast<double>(fb), a < 0});
        }
        last = g;
        last_i = i;
    }
    return out;
}

// Candidates confirmed as kinks or jumps: the one-sided difference quotients (or the
// one-sided values of f) still differ as the step shrinks 100-fold.
std::vector<Kink> kinks(const Scan& s, const Evaluator& ev) {
    std::vector<Kink> out;
    for (real c : s.candidates) {
        real h1 = 1e-5L * std::max<real>(1, std::fabs(c)), h2 = h1 / 100;
        const real xs[] = {c - h1, c - h2, c, c + h2, c + h1};
        auto v = ev.at(xs);
        const auto& f = v[F];
        if (std::any_of(f.begin(), f.end(), [](real y) { return !std::isfinite(y); })) continue;  // domain edge
        real jump1 = std::fabs(f[4] - f[0]), jump2 = std::fabs(f[3] - f[1]);
        bool jump = jump2 > 1e-6L * (1 + std::fabs(f[2])) && jump2 > 0.5L * jump1;
        real ql1 = (f[2] - f[0]) / h1, qr1 = (f[4] - f[2]) / h1;
        real ql2 = (f[2] - f[1]) / h2, qr2 = (f[3] - f[2]) / h2;
        real gap1 = std::fabs(qr1 - ql1), gap2 = std::fabs(qr2 - ql2);
        bool kink = gap2 > 1e-5L * (1 + std::fabs(ql2) + std::fabs(qr2)) && gap2 > 0.5L * gap1;
        if (!jump && !kink) continue;
        out.push_back({static_cast<double>(c), jump, static_cast<double>(f[2]), static_cast<double>(f[1]), static_cast<double>(f[3]),
                       static_cast<double>(ql2), static_cast<double>(qr2)});
    }
    return out;
}

double limit_value(const Limit& l) {
    switch (l.kind) {
    case Limit::Kind::finite: return l.value;
    case Limit::Kind::plus_infinity: return inf;
    case Limit::Kind::minus_infinity: return -inf;
    default: return std::nan("");
    }
}

// inf and sup of f: limits at +-inf (not attained) against values at finite points
// (extrema, kinks, dead regions: attained); the scan's own min/max as a fallback.
Interval range_of(const Report& r, const Scan& s) {
    std::vector<double> attained;
    for (const auto& e : r.extrema) attained.push_back(e.f);
    for (const auto& k : r.kinks) attained.push_back(k.f);
    for (const auto& iv : r.dead) {
        // f is constant on a dead region: take it at a scan point inside
        for (std::size_t i = 0; i < s.n(); ++i)
            if (s.x[i] > iv.lo && s.x[i] < iv.hi) {
                attained.push_back(static_cast<double>(s.f[i]));
                break;
            }
    }
    std::vector<double> limits = {limit_value(r.left.f), limit_value(r.right.f)};
    real gmin = inf, gmax = -inf;
    for (real y : s.f)
        if (!std::isnan(y)) gmin = std::min(gmin, y), gmax = std::max(gmax, y);
    Interval iv;
    auto tol = [](double v) { return 1e-12 * (1 + std::fabs(v)); };
    // lower end
    double lo = inf, lo_att = inf, hi = -inf, hi_att = -inf;
    for (double v : attained) lo_att = std::min(lo_att, v), hi_att = std::max(hi_att, v);
    for (double v : limits)
        if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (static_cast<double>(gmin) < std::min(lo, lo_att) - tol(static_cast<double>(gmin))) lo_att = static_cast<double>(gmin);
    if (static_cast<double>(gmax) > std::max(hi, hi_att) + tol(static_cast<double>(gmax))) hi_att = static_cast<double>(gmax);
    iv.lo = std::min(lo, lo_att);
    iv.lo_closed = std::isfinite(iv.lo) && lo_att <= iv.lo + tol(iv.lo);
    iv.hi = std::max(hi, hi_att);
    iv.hi_closed = std::isfinite(iv.hi) && hi_att >= iv.hi - tol(iv.hi);
    return iv;
}

MaxSlope max_slope(const Report& r, const Scan& s, const Evaluator& ev, Expr df,
                   const codegen::ParamValues& params) {
    MaxSlope m;
    for (const Limit* l : {&r.left.df, &r.right.df})
        if (l->kind == Limit::Kind::plus_infinity || l->kind == Limit::Kind::minus_infinity) {
            m.unbounded = true;
            m.value = inf;
            m.at_infinity = true;
            m.side = l == &r.left.df ? -1 : 1;
            return m;
        }
    std::size_t best = 0;
    real M = -1;
    for (std::size_t i = 0; i < s.n(); ++i)
        if (!std::isnan(s.d[i]) && std::fabs(s.d[i]) > M) M = std::fabs(s.d[i]), best = i;
    if (M < 0) return m;
    if (std::isinf(M)) {
        m.unbounded = true;
        m.value = inf;
        m.where = {static_cast<double>(s.x[best]), static_cast<double>(s.x[best]), true, true};
        return m;
    }
    auto top = [&](real x) { return std::fabs(ev.one(D, x)) >= M * (1 - 1e-15L); };
    std::size_t p0 = best, p1 = best;
    while (p0 > 0 && std::fabs(s.d[p0 - 1]) >= M * (1 - 1e-15L)) --p0;
    while (p1 + 1 < s.n() && std::fabs(s.d[p1 + 1]) >= M * (1 - 1e-15L)) ++p1;
    m.value = static_cast<double>(M);
    if (p0 == 0 || p1 + 1 == s.n()) {  // reaches the end of the scan
        int side = p0 == 0 ? -1 : 1;
        Expr far = far_side(df, side, params);
        if (depends_on_x(far)) {  // tends to M, never exactly M
            m.at_infinity = true;
            bool both = std::fabs(s.d.front()) >= M * (1 - 1e-15L) && std::fabs(s.d.back()) >= M * (1 - 1e-15L);
            m.side = both ? 0 : side;
            return m;
        }
    }
    if (p0 == p1) {  // an isolated maximum: refine
        real lo = s.x[best > 0 ? best - 1 : 0], hi = s.x[best + 1 < s.n() ? best + 1 : best];
        real x = golden_max([&](real t) { return std::fabs(ev.one(D, t)); }, lo, hi);
        real v = std::fabs(ev.one(D, x));
        if (v < M) x = s.x[best], v = M;
        x = snap(x, s.candidates);
        v = std::max(v, std::fabs(ev.one(D, x)));
        x = prettify(x, v, ev);
        if (std::fabs(x) < 1e-300L) x = 0;
        m.value = static_cast<double>(v);
        m.where = {static_cast<double>(x), static_cast<double>(x), true, true};
        return m;
    }
    Interval iv;  // a plateau
    if (p0 > 0) {
        real b = snap(boundary(top, s.x[p0 - 1], s.x[p0]), s.candidates);
        iv.lo = static_cast<double>(b);
        iv.lo_closed = top(b);
    }
    if (p1 + 1 < s.n()) {
        real b = snap(boundary([&](real x) { return !top(x); }, s.x[p1], s.x[p1 + 1]), s.candidates);
        iv.hi = static_cast<double>(b);
        iv.hi_closed = top(b);
    }
    m.where = iv;
    return m;
}

void saturation(Side& side, const std::vector<Interval>& dead, int s) {
    for (const auto& iv : dead)
        if ((s < 0 && iv.lo == -inf) || (s > 0 && iv.hi == inf)) {
            side.hard_from = s < 0 ? iv.hi : iv.lo;  // +-inf: f' = 0 everywhere
            side.hard_closed = s < 0 ? iv.hi_closed : iv.lo_closed;
            side.saturation = Saturation::hard;
            return;
        }
    side.saturation = side.df.is_zero() ? Saturation::soft : Saturation::none;
}

// E[f(z)], z ~ N(0, 1): trapezoid rule on [-12, 12] (the tails beyond weigh < 1e-32).
double gaussian_mean(const Evaluator& ev) {
    constexpr int n = 24000;
    std::vector<real> xs(n + 1);
    for (int i = 0; i <= n; ++i) xs[i] = -12 + 24.0L * i / n;
    auto v = ev.at(xs);
    real h = 24.0L / n, sum = 0;
    for (int i = 0; i <= n; ++i) {
        real w = (i == 0 || i == n) ? h / 2 : h;
        sum += w * v[F][i] * std::exp(-xs[i] * xs[i] / 2);
    }
    return static_cast<double>(sum / std::sqrt(2 * std::numbers::pi_v<real>));
}

}  // namespace

Report inspect(codegen::Function& fn, const codegen::ParamValues& params, const InspectOptions& opts) {
    fn.require_no_noise("symact inspect (saturation, range and gradient analyses of a deterministic f)");
    Report r;
    r.layers = opts.layers;
    Expr f = fn.f(), df = fn.derivative("x");
    r.expression = codegen::to_string(f);
    r.derivatives.push_back({"x", codegen::to_string(df)});
    std::vector<Expr> backward{df}, fused{f, df};
    for (const auto& p : fn.params()) {
        Expr d = fn.derivative(p);
        r.derivatives.push_back({p, codegen::to_string(d)});
        backward.push_back(d);
        fused.push_back(d);
    }
    Expr fwd[] = {f};
    r.ops_forward = codegen::op_count(fwd);
    r.ops_backward = codegen::op_count(backward);
    r.ops_fused = codegen::op_count(fused);
    for (const auto& p : fn.params()) r.params[p] = params.count(p) ? params.at(p) : 0;

    Evaluator ev({f, df}, params);  // throws for a parameter without a value
    Scan s;
    auto base = scan_grid(opts.grid);
    s.candidates = switch_points(switching_functions(f), params, base);
    r.kink_candidates = s.candidates.size();
    s.x = scan_grid(opts.grid, s.candidates);
    auto v = ev.at(s.x);
    s.f = std::move(v[F]);
    s.d = std::move(v[D]);

    r.left.f = limit_at(ev, F, -1);
    r.left.df = limit_at(ev, D, -1);
    r.right.f = limit_at(ev, F, 1);
    r.right.df = limit_at(ev, D, 1);

    r.dead = dead_regions(s, ev, df, params, r.notes);
    saturation(r.left, r.dead, -1);
    saturation(r.right, r.dead, 1);
    r.extrema = extrema(s, ev, r.notes);
    r.kinks = kinks(s, ev);

    // monotonic: no confirmed local extremum and no jump against the direction, which is
    // the sign of f' where |f'| is largest (isolated sign flips of f' where f is flat to
    // rounding are noise, see extrema())
    real big = 0;
    for (real d : s.d)
        if (!std::isnan(d) && std::fabs(d) > std::fabs(big)) big = d;
    bool up = big >= 0, against = false;
    for (const auto& k : r.kinks)
        if (k.jump) against = against || (up ? k.f_right < k.f_left : k.f_right > k.f_left);
    bool flat = !r.dead.empty();
    r.monotonic = !r.extrema.empty() || against ? Monotonic::no
                  : up ? (flat ? Monotonic::non_decreasing : Monotonic::increasing)
                       : (flat ? Monotonic::non_increasing : Monotonic::decreasing);

    r.range = range_of(r, s);
    r.f0 = static_cast<double>(ev.one(F, 0));
    r.takes_both_signs = r.range.lo < 0 && r.range.hi > 0;
    r.zero_centred = std::fabs(r.f0) <= 1e-12 && r.takes_both_signs;
    r.gaussian_mean = gaussian_mean(ev);
    r.max_slope = max_slope(r, s, ev, df, params);

    r.method = fmt::format(
        "numeric: f and f' scanned in long double at {} plus {} exact switch points; local extrema "
        "by bisection on the sign of f', region ends by bisection, max |f'| by golden-section "
        "search; kinks confirmed by one-sided difference quotients (h = 1e-7, 1e-5); limits from "
        "{} in double; E[f(z)] by the trapezoid rule on [-12, 12]",
        describe(opts.grid), s.candidates.size(), limit_points);
    if (opts.speed) r.speed = measure_speed(r.expression, params);
    return r;
}

}  // namespace symact::analysis
