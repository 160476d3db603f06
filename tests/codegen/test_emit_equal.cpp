// Generated headers (symact gen) compute what codegen::lower<float/double>() computes, i.e.
// what the JIT computes (tests/jit checks the JIT against the same lowering): scalar f, f'
// and df/dparam, and the array kernels (forward, backward, fused, tails, in place, per
// channel), on the conformance points and a dense sweep: bit-identical, since this target is
// compiled with -ffp-contract=off (the JIT never contracts a*b + c into an fma; g++ does by
// default, which moves results by an ULP or so, more where a sum cancels to about 0).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "symact/codegen/function.hpp"
#include "symact/codegen/lower.hpp"

#include "cases.inc"

namespace {

using symact::codegen::Expr;
using symact::codegen::Function;
using symact::codegen::Number;

template <class T> struct Leaves {
    T xv;
    std::map<std::string, T, std::less<>> p;
    T x() { return xv; }
    T param(std::string_view n) { return p.find(n)->second; }
    T constant(const Number& c) { return c.as<T>(); }
};

// Distance in representable values; 0 for two NaNs, huge for NaN vs number.
template <class T> std::uint64_t ulps(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : ~0ull >> 1;
    if (a == b) return 0;
    using I = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
    auto key = [](T v) {
        I i;
        std::memcpy(&i, &v, sizeof i);
        return i < 0 ? static_cast<std::int64_t>(std::numeric_limits<I>::min()) - i : static_cast<std::int64_t>(i);
    };
    std::int64_t d = key(a) - key(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

template <class T> std::vector<T> inputs(const std::vector<double>& conformance) {
    std::vector<T> xs;
    for (double v : conformance) xs.push_back(static_cast<T>(v));
    for (int i = 0; i <= 4000; ++i) xs.push_back(static_cast<T>(-60.0 + 120.0 * i / 4000.0));  // dense
    const T inf = std::numeric_limits<T>::infinity();
    for (T v : {T(0), -T(0), inf, -inf, std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::denorm_min(),
                std::numeric_limits<T>::min(), T(1e30), T(-1e30), T(88.5), T(-88.5), T(709.5), T(-745)})
        xs.push_back(v);
    return xs;
}

template <class C, class T> void check() {
    Function fn(C::expr);
    std::vector<Expr> roots{fn.f(), fn.derivative("x")};
    for (const auto& p : fn.params()) roots.push_back(fn.derivative(p));
    const std::vector<double> pv = C::params();
    REQUIRE(fn.params().size() == C::P);
    std::vector<T> p(pv.begin(), pv.end());
    Leaves<T> leaves{};
    for (std::size_t k = 0; k < C::P; ++k) leaves.p[fn.params()[k]] = p[k];

    const auto xs = inputs<T>(C::points());
    const std::size_t n = xs.size();
    std::vector<std::vector<T>> want(roots.size(), std::vector<T>(n));
    for (std::size_t i = 0; i < n; ++i) {
        leaves.xv = xs[i];
        auto v = symact::codegen::lower<T>(roots, leaves);
        for (std::size_t r = 0; r < roots.size(); ++r) want[r][i] = v[r];
    }
    std::uint64_t worst = 0;
    auto near = [&](T got, T exp, const char* what, T x) {
        auto u = ulps(got, exp);
        worst = std::max(worst, u);
        if (u > 0) FAIL_CHECK(std::string(C::name) << " " << std::string(what) << " at x = " << x << ": " << got << " vs " << exp);
    };
    // scalar functions
    for (std::size_t i = 0; i < n; ++i) {
        near(C::template f<T>(xs[i], p.data()), want[0][i], "f", xs[i]);
        near(C::template df<T>(xs[i], p.data()), want[1][i], "df/dx", xs[i]);
        for (std::size_t k = 0; k < C::P; ++k) near(C::template dp<T>(k, xs[i], p.data()), want[2 + k][i], "df/dp", xs[i]);
    }
    // arrays: n is not a multiple of the block, so the tail runs too
    std::vector<T> dy(n), y(n), dx(n), y2(n), dx2(n);
    for (std::size_t i = 0; i < n; ++i) dy[i] = static_cast<T>(0.25 + 0.001 * double(i % 97));
    std::vector<double> g1(C::P + 1, 0.0), g2(C::P + 1, 0.0);
    C::template forward<T>(xs.data(), y.data(), n, p.data());
    C::template backward<T>(xs.data(), dy.data(), dx.data(), n, p.data(), g1.data());
    C::template fused<T>(xs.data(), dy.data(), y2.data(), dx2.data(), n, p.data(), g2.data());
    std::vector<double> gsum(C::P, 0.0), gabs(C::P, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        near(y[i], want[0][i], "forward", xs[i]);
        near(y2[i], want[0][i], "fused y", xs[i]);
        T d = want[1][i] * dy[i];
        near(dx[i], d, "backward", xs[i]);
        near(dx2[i], d, "fused dx", xs[i]);
        for (std::size_t k = 0; k < C::P; ++k) {
            double t = static_cast<double>(static_cast<T>(want[2 + k][i] * dy[i]));
            gsum[k] += t;
            gabs[k] += std::fabs(t);
        }
    }
    for (std::size_t k = 0; k < C::P; ++k) {
        if (std::isnan(gsum[k])) {
            CHECK(std::isnan(g1[k]));
            continue;
        }
        // the same terms, summed in another order
        CHECK(std::fabs(g1[k] - gsum[k]) <= 1e-12 * gabs[k] + 1e-300);
        CHECK(g1[k] == g2[k]);
    }
    // in place: y = f(x) over x
    std::vector<T> inplace = xs;
    C::template forward<T>(inplace.data(), inplace.data(), n, p.data());
    for (std::size_t i = 0; i < n; ++i) CHECK(ulps(inplace[i], y[i]) == 0);
    // per channel: (N = 2, channels = 3, inner = 37), channel c's parameters scaled by (1 + c/4)
    if constexpr (C::channels) {
        const std::size_t Ch = 3, inner = 37, size = 2 * Ch * inner;
        std::vector<T> pc(C::P * Ch);
        for (std::size_t k = 0; k < C::P; ++k)
            for (std::size_t c = 0; c < Ch; ++c) pc[k * Ch + c] = static_cast<T>(p[k] * (1.0 + 0.25 * double(c)));
        std::vector<T> cx(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(size)), cy(size), cdx(size);
        std::vector<double> cg(C::P * Ch, 0.0);
        C::template fused_channels<T>(cx.data(), dy.data(), cy.data(), cdx.data(), size, Ch, inner, pc.data(), cg.data());
        for (std::size_t c = 0; c < Ch; ++c) {
            std::vector<T> pk(C::P);
            for (std::size_t k = 0; k < C::P; ++k) pk[k] = pc[k * Ch + c];
            std::vector<double> gk(C::P, 0.0);
            for (std::size_t b = 0; b < 2; ++b) {
                const std::size_t off = (b * Ch + c) * inner;
                std::vector<T> ey(inner), edx(inner);
                C::template fused<T>(cx.data() + off, dy.data() + off, ey.data(), edx.data(), inner, pk.data(), gk.data());
                for (std::size_t i = 0; i < inner; ++i) {
                    CHECK(ulps(cy[off + i], ey[i]) == 0);
                    CHECK(ulps(cdx[off + i], edx[i]) == 0);
                    near(ey[i], C::template f<T>(cx[off + i], pk.data()), "channel f", cx[off + i]);
                }
            }
            for (std::size_t k = 0; k < C::P; ++k)
                CHECK((cg[k * Ch + c] == gk[k] || (std::isnan(cg[k * Ch + c]) && std::isnan(gk[k]))));
        }
    }
    MESSAGE(std::string(C::name) << (sizeof(T) == 4 ? " f32" : " f64") << ": worst " << worst << " ULP over " << n << " points");
}

}  // namespace

TEST_CASE_TEMPLATE("generated header == lower<float>", C, SYMACT_EMIT_CASE_TYPES) { check<C, float>(); }
TEST_CASE_TEMPLATE("generated header == lower<double>", C, SYMACT_EMIT_CASE_TYPES) { check<C, double>(); }
