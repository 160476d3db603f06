#include "symact/analysis/scan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace symact::analysis {

std::vector<real> scan_grid(const GridSpec& spec, std::span<const real> extra) {
    std::vector<real> xs;
    xs.reserve(spec.points + extra.size());
    const real tmax = std::asinh(spec.extent / spec.scale);
    const std::size_t n = spec.points - 1;
    for (std::size_t i = 0; i <= n; ++i) {
        // symmetric: t(i) = -t(n - i) exactly, so the grid is symmetric and holds 0
        real t = tmax * (static_cast<real>(2 * static_cast<long long>(i) - static_cast<long long>(n)) / n);
        xs.push_back(spec.scale * std::sinh(t));
    }
    xs.front() = -spec.extent;
    xs.back() = spec.extent;
    for (real e : extra)
        if (std::isfinite(e) && std::fabs(e) <= spec.extent) xs.push_back(e);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    return xs;
}

std::string describe(const GridSpec& spec) {
    auto g = [](real v) {  // 1e30, not 1e+30
        std::string s = fmt::format("{:g}", static_cast<double>(v));
        if (auto p = s.find("e+"); p != std::string::npos) s.erase(p + 1, 1);
        return s;
    };
    return fmt::format("{} points, x = {}*sinh(t), |x| <= {}", spec.points, g(spec.scale), g(spec.extent));
}

real boundary(const std::function<bool(real)>& inside, real lo, real hi) {
    // bisection on the value; 200 halvings reach adjacent long doubles from any bracket
    for (int i = 0; i < 200; ++i) {
        real mid = lo + (hi - lo) / 2;
        if (mid == lo || mid == hi) break;
        (inside(mid) ? hi : lo) = mid;
    }
    return hi;
}

real golden_max(const std::function<real(real)>& g, real lo, real hi) {
    const real r = (std::sqrt(5.0L) - 1) / 2;
    real a = lo, b = hi;
    real c = b - r * (b - a), d = a + r * (b - a);
    real gc = g(c), gd = g(d);
    for (int i = 0; i < 200 && b - a > 4 * std::numeric_limits<real>::epsilon() * (1 + std::fabs(a)); ++i) {
        if (gc >= gd) {
            b = d, d = c, gd = gc;
            c = b - r * (b - a), gc = g(c);
        } else {
            a = c, c = d, gc = gd;
            d = a + r * (b - a), gd = g(d);
        }
    }
    return gc >= gd ? c : d;
}

Limit limit_at(const Evaluator& ev, std::size_t root, int side) {
    const double inf = std::numeric_limits<double>::infinity();
    const double far[] = {1e8, 1e15, 1e30, 1e100, 1e300, inf};
    std::vector<double> xs;
    for (double a : far) xs.push_back(side * a);
    auto v = ev.in_double(root, xs);
    // the two farthest non-NaN values
    std::vector<double> ok;
    for (double y : v)
        if (!std::isnan(y)) ok.push_back(y);
    Limit l;
    if (ok.size() < 2) return l;
    // unbounded: the values keep one sign and grow in magnitude past any scale
    bool grows = std::fabs(ok.back()) >= 1e12;
    for (std::size_t i = 1; i < ok.size(); ++i)
        grows = grows && (ok[i] > 0) == (ok[0] > 0) && std::fabs(ok[i]) >= std::fabs(ok[i - 1]);
    if (grows) {
        l.kind = ok.back() > 0 ? Limit::Kind::plus_infinity : Limit::Kind::minus_infinity;
        return l;
    }
    // settled: the farthest two neighbours that agree (farther ones may have overflowed
    // inside the expression, x^2 at 1e300)
    for (std::size_t i = ok.size() - 1; i > 0; --i) {
        double a = ok[i - 1], b = ok[i];
        if (std::isfinite(a) && std::isfinite(b) && std::fabs(b - a) <= 1e-9 * std::max(1.0, std::fabs(a))) {
            l.kind = Limit::Kind::finite;
            l.value = std::fabs(b) < 1e-12 ? 0.0 : b;
            return l;
        }
    }
    return l;
}

}  // namespace symact::analysis
