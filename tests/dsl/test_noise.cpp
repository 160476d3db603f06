// Noise ops in the compile-time kernels: uniform(lit<k>) and normal(lit<k>) draw the reference
// evaluator's numbers (so the JIT's) for element offset + i under noise{seed, offset}, in
// float and double, at any length and offset (across a 2^32 boundary of the index too), in
// place, per channel and on threads; backward regenerates the forward's draws.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <symact/codegen/eval.hpp>
#include <symact/codegen/function.hpp>
#include <symact/codegen/print.hpp>
#include <symact/dsl.hpp>
#include <symact/dsl/aot.hpp>
#include <symact/dsl/catalog.hpp>
#include <symact/dsl/names.hpp>
#include <symact/dsl/reflect.hpp>
#include <symact/error.hpp>
#include <symact/nn/noisy.hpp>

using namespace symact::dsl;
namespace cg = symact::codegen;

namespace {

inline constexpr auto lower = param<"lower">;
inline constexpr auto upper = param<"upper">;
inline constexpr auto rrelu_train = where(x >= 0, x, (lower + (upper - lower) * uniform(lit<0>)) * x);
inline constexpr auto drift = x + normal(lit<3>);
inline constexpr auto draw_u = x * 0 + uniform(lit<5>);  // = uniform(5): x*0 simplifies away

template <class T> std::vector<T> ramp(std::size_t n) {
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = T(-3) + T(6) * T(i) / T(n);
    return v;
}

// The reference evaluator on the string form: f, f' and df/dparam per element.
template <class T>
std::vector<std::vector<T>> reference(const char* text, const std::vector<T>& xs, noise nz,
                                      const cg::ParamValues& p = {}) {
    cg::Function fn(text);
    std::vector<cg::Expr> roots{fn.f(), fn.derivative("x")};
    for (const auto& name : fn.params()) roots.push_back(fn.derivative(name));
    return cg::evaluate<T>(roots, xs, p, cg::NoiseKey{nz.seed, nz.offset});
}

template <class T> bool close(T a, T b) {
    const T tol = sizeof(T) == 4 ? T(2e-6) : T(1e-14);
    return std::abs(a - b) <= tol * (1 + std::abs(b));
}

template <class T> void check_against_reference() {
    const auto ku = kernel(draw_u);
    const auto kn = kernel(drift);
    const auto kr = kernel(rrelu_train);
    const cg::ParamValues p{{"lower", 0.125}, {"upper", 1.0 / 3}};
    for (std::size_t n : {std::size_t{1}, std::size_t{17}, std::size_t{1000}, std::size_t{4099}}) {
        for (noise nz : {noise{0, 0}, noise{12345, 7}, noise{~0ull, (1ull << 32) - 5}, noise{3, 1ull << 40}}) {
            INFO("n ", n, " seed ", nz.seed, " offset ", nz.offset, sizeof(T) == 4 ? " float" : " double");
            const auto xs = ramp<T>(n);
            std::vector<T> y(n), dy(n, T(1)), dx(n);
            ku.forward(std::span<const T>(xs), std::span<T>(y), nz);
            CHECK(y == reference<T>("uniform(5)", xs, nz)[0]);  // bit for bit
            kn.forward(std::span<const T>(xs), std::span<T>(y), nz);
            auto rn = reference<T>("x + normal(3)", xs, nz);
            for (std::size_t i = 0; i < n; ++i) CHECK(close(y[i], rn[0][i]));

            auto g = kr.forward_backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(y),
                                         std::span<T>(dx), lower = 0.125, upper = 1.0 / 3, nz);
            auto rr = reference<T>("where(x >= 0, x, (lower + (upper - lower)*uniform(0))*x)", xs, nz, p);
            double glo = 0, gup = 0;
            for (std::size_t i = 0; i < n; ++i) {
                CHECK(close(y[i], rr[0][i]));
                CHECK(close(dx[i], rr[1][i]));
                glo += static_cast<double>(rr[2][i]);  // params sorted: lower, upper
                gup += static_cast<double>(rr[3][i]);
            }
            CHECK(g[lower] == doctest::Approx(glo).epsilon(1e-5));
            CHECK(g[upper] == doctest::Approx(gup).epsilon(1e-5));
        }
    }
}

}  // namespace

TEST_CASE("DSL noise kernels draw the reference evaluator's numbers (float, double)") {
    check_against_reference<float>();
    check_against_reference<double>();
}

TEST_CASE("DSL RReLU in training: backward uses the forward's slopes; chunks, in place, threads, channels") {
    const auto k = kernel(rrelu_train);
    const std::size_t n = 20000;
    const auto xs = ramp<float>(n);
    const noise key{99, 1000};
    std::vector<float> y(n), dy(n, 1.f), dx(n);
    k.forward_backward(std::span<const float>(xs), std::span<const float>(dy), std::span<float>(y),
                       std::span<float>(dx), lower = 0.125, upper = 1.0 / 3, key);
    for (std::size_t i = 0; i < n; ++i) {
        if (xs[i] >= 0) {
            CHECK(y[i] == xs[i]);
            CHECK(dx[i] == 1.f);
        } else {
            REQUIRE(dx[i] >= 0.125f);
            REQUIRE(dx[i] <= float(1.0 / 3));
            REQUIRE(y[i] == dx[i] * xs[i]);  // the slope the forward drew
        }
    }
    SUBCASE("backward alone and forward alone see the same draws") {
        std::vector<float> y1(n), dx1(n);
        k.forward(std::span<const float>(xs), std::span<float>(y1), lower = 0.125, upper = 1.0 / 3, key);
        k.backward(std::span<const float>(xs), std::span<const float>(dy), std::span<float>(dx1), lower = 0.125,
                   upper = 1.0 / 3, key);
        CHECK(y1 == y);
        CHECK(dx1 == dx);
    }
    SUBCASE("chunks with their offsets = one call") {
        std::vector<float> yc(n);
        for (std::size_t a = 0; a < n; a += 777) {
            const std::size_t m = std::min<std::size_t>(777, n - a);
            k.forward(std::span<const float>(xs.data() + a, m), std::span<float>(yc.data() + a, m), lower = 0.125,
                      upper = 1.0 / 3, noise{key.seed, key.offset + a});
        }
        CHECK(yc == y);
    }
    SUBCASE("in place") {
        std::vector<float> v = xs;
        k.forward(std::span<const float>(v), std::span<float>(v), lower = 0.125, upper = 1.0 / 3, key);
        CHECK(v == y);
    }
    SUBCASE("threads") {
        std::vector<float> yt(n), dxt(n);
        k.forward_backward(std::span<const float>(xs), std::span<const float>(dy), std::span<float>(yt),
                           std::span<float>(dxt), lower = 0.125, upper = 1.0 / 3, key, threads{2});
        CHECK(yt == y);
        CHECK(dxt == dx);
    }
    SUBCASE("per channel: element (n, c, i) keeps its flat index") {
        const std::vector<float> lo{0.125f, 0.125f, 0.125f, 0.125f}, up{float(1.0 / 3), float(1.0 / 3),
                                                                          float(1.0 / 3), float(1.0 / 3)};
        std::vector<float> yp(n);
        k.forward(std::span<const float>(xs), std::span<float>(yp), lower = per_channel<float>(lo, {}),
                  upper = per_channel<float>(up, {}), layout{5, 4, 1000}, key);
        CHECK(yp == y);
    }
    SUBCASE("another seed draws other slopes") {
        std::vector<float> y2(n);
        k.forward(std::span<const float>(xs), std::span<float>(y2), lower = 0.125, upper = 1.0 / 3,
                  noise{100, 1000});
        std::size_t same = 0;
        for (std::size_t i = 0; i < n / 2; ++i) same += y2[i] == y[i];
        CHECK(same < n / 200);
    }
}

TEST_CASE("DSL noise: the slopes are U(lower, upper) (Kolmogorov-Smirnov), normal has its moments") {
    const std::size_t n = 200000;
    std::vector<double> xs(n, -1.0), y(n);
    kernel(rrelu_train).forward(std::span<const double>(xs), std::span<double>(y), lower = 0.125,
                                upper = 1.0 / 3, noise{2024, 0});
    std::vector<double> a(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = (-y[i] - 0.125) / (1.0 / 3 - 0.125);  // U[0, 1)
    std::sort(a.begin(), a.end());
    double d = 0;
    for (std::size_t i = 0; i < n; ++i)
        d = std::max({d, std::abs(a[i] - double(i) / n), std::abs(a[i] - double(i + 1) / n)});
    CHECK(d < 1.95 / std::sqrt(double(n)));  // the 0.1% critical value

    std::vector<float> z(n), zero(n, 0.f);
    kernel(drift).forward(std::span<const float>(zero), std::span<float>(z), noise{7, 0});
    double m = 0, v = 0;
    for (float t : z) m += t;
    m /= n;
    for (float t : z) v += (t - m) * (t - m);
    v /= n - 1;
    CHECK(std::abs(m) < 5 / std::sqrt(double(n)));
    CHECK(std::abs(v - 1) < 5 * std::sqrt(2.0 / n));
}

TEST_CASE("DSL noise: index range and reflection") {
    std::vector<float> xs(10), y(10);
    CHECK_THROWS_AS(kernel(drift).forward(std::span<const float>(xs), std::span<float>(y), noise{1, (1ull << 48) - 5}),
                    std::invalid_argument);
    kernel(drift).forward(std::span<const float>(xs), std::span<float>(y), noise{1, (1ull << 48) - 10});
    // deterministic expressions ignore noise{}
    kernel(x * 2).forward(std::span<const float>(xs), std::span<float>(y), noise{1, ~0ull});
    // the runtime form keeps the stream
    cg::Graph g;
    CHECK(cg::to_string(to_graph(g, rrelu_train)).find("uniform(0)") != std::string::npos);
    CHECK(cg::to_string(to_graph(g, drift)).find("normal(3)") != std::string::npos);
}

// ---- the catalog's noise entries ------------------------------------------------------------
namespace {

template <class T> std::vector<T> grid() {  // -6..6, the kinks and their neighbours
    std::vector<T> v;
    for (int i = -240; i <= 240; ++i) v.push_back(T(i) / T(40));
    for (T k : {T(-2), T(-1), T(1), T(2)}) {
        v.push_back(std::nextafter(k, T(-10)));
        v.push_back(std::nextafter(k, T(10)));
    }
    return v;
}

// The paper's formulas in double, with std:: functions and eps given: y, dy/dx and
// dy/dalpha, dy/dc, dy/dp (sigma in the sigmoid form, not the catalog's tanh form).
struct paper {
    double y, dx, dalpha, dc, dp;
};
paper noisy_paper(bool tanh_unit, double x, double alpha, double c, double p, double eps) {
    double h, u, hp, up;
    if (tanh_unit) {
        h = std::clamp(x, -1.0, 1.0), u = x, up = 1;
        hp = (x > -1 && x < 1) ? 1 : 0;
    } else {
        u = x / 4 + 0.5, up = 0.25;
        h = std::clamp(u, 0.0, 1.0);
        hp = (x > -2 && x < 2) ? 0.25 : 0;
    }
    const double delta = h - u, s = 1 / (1 + std::exp(-p * delta));
    const double sgn = x > 0 ? 1 : x < 0 ? -1 : 0, sa = 1 - alpha > 0 ? 1 : 1 - alpha < 0 ? -1 : 0;
    const double d = -sgn * sa, sigma = c * (s - 0.5) * (s - 0.5);
    const double ds = 2 * c * (s - 0.5) * s * (1 - s);  // dsigma / d(p Delta)
    return {alpha * h + (1 - alpha) * u + d * sigma * eps, alpha * hp + (1 - alpha) * up + d * eps * ds * p * (hp - up),
            h - u, d * (s - 0.5) * (s - 0.5) * eps, d * eps * ds * delta};
}

template <class T> bool near(double got, double want, double scale = 1) {
    const double tol = sizeof(T) == 4 ? 4e-6 : 1e-12;
    return std::abs(got - want) <= tol * (scale + std::abs(want));
}

// One entry through the aot registry, point by point (so parameter gradients are per point),
// against the paper's formulas with eps = the reference evaluator's normal(0) (or its
// expectation) at that point's index.
template <class T> void check_noisy(const char* name, bool tanh_unit, bool train, bool half) {
    const auto* k = find_aot(name);
    REQUIRE(k != nullptr);
    CHECK(k->noise == train);
    const std::vector<double> pv = k->bind({});
    auto val = [&](std::string_view n) {
        for (std::size_t j = 0; j < k->params.size(); ++j)
            if (k->params[j].name == n) return pv[j];
        return std::nan("");
    };
    const double alpha = val("alpha"), c = train || half ? val("c") : 0.5, p = train || half ? val("p") : 1.0;
    CHECK(alpha == (tanh_unit ? 1.15 : 1.1));  // the authors' defaults
    const auto xs = grid<T>();
    const noise nz{77, 5000};
    const auto eps = reference<T>("normal(0)", std::vector<T>(xs.size(), T(0)), nz)[0];
    const auto& fns = [&]() -> const aot_fns<T>& {
        if constexpr (sizeof(T) == 4) return k->f32; else return k->f64;
    }();
    int bad = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        double e = train ? static_cast<double>(eps[i]) : 0.0;
        if (half) e = train ? std::abs(e) : std::sqrt(2 / 3.14159265358979323846);
        const paper want = noisy_paper(tanh_unit, static_cast<double>(xs[i]), alpha, c, p, e);
        T y, dx, one = 1;
        std::vector<double> g(k->params.size());
        fns.fused(&xs[i], &one, &y, &dx, 1, pv.data(), g.data(), noise{nz.seed, nz.offset + i});
        bool ok = near<T>(y, want.y) && near<T>(dx, want.dx) && near<T>(g[0], want.dalpha);
        if (k->params.size() == 3) ok = ok && near<T>(g[1], want.dc) && near<T>(g[2], want.dp);
        if (!ok && ++bad < 5)
            MESSAGE(name << " at x=" << xs[i] << ": y " << y << " (" << want.y << "), dx " << dx << " (" << want.dx
                         << "), dalpha " << g[0] << " (" << want.dalpha << ")"
                         << (k->params.size() == 3 ? " dc " + std::to_string(g[1]) + " (" + std::to_string(want.dc) +
                                                         "), dp " + std::to_string(g[2]) + " (" +
                                                         std::to_string(want.dp) + ")"
                                                   : ""));
    }
    CHECK(bad == 0);
}

}  // namespace

TEST_CASE("catalog noisy activations: the paper's formulas at the drawn (or expected) noise") {
    for (bool f32 : {true, false}) {
        CAPTURE(f32);
        auto run = [&](auto... a) { f32 ? check_noisy<float>(a...) : check_noisy<double>(a...); };
        run("noisy_hardtanh", true, false, false);
        run("noisy_hardtanh_train", true, true, false);
        run("noisy_hardsigmoid", false, false, true);
        run("noisy_hardsigmoid_train", false, true, true);
    }
    CHECK(find_aot("noisy_hardtanh")->params.size() == 1);  // E[eps] = 0: c and p drop out
}

TEST_CASE("catalog noisy activations in inference = symact::nn's layers (an independent implementation)") {
    const auto xs = grid<double>();
    const std::size_t n = xs.size();
    std::vector<double> dy(n);
    for (std::size_t i = 0; i < n; ++i) dy[i] = 0.5 + double(i % 7) / 8;
    for (auto [name, kind, o] : {std::tuple{"noisy_hardtanh", symact::nn::noisy_kind::hard_tanh,
                                            symact::nn::noisy_hardtanh_defaults()},
                                 std::tuple{"noisy_hardsigmoid", symact::nn::noisy_kind::hard_sigmoid,
                                            symact::nn::noisy_hardsigmoid_defaults()}}) {
        CAPTURE(name);
        const auto* k = find_aot(name);
        const auto pv = k->bind({});
        std::vector<double> y(n), dx(n), yn(n), dxn(n), g(k->params.size());
        k->f64.fused(xs.data(), dy.data(), y.data(), dx.data(), n, pv.data(), g.data());
        symact::nn::noisy_forward<double>(kind, xs, yn, o);
        symact::nn::noisy_backward<double>(kind, xs, dy, dxn, o);
        for (std::size_t i = 0; i < n; ++i) {
            CHECK(near<double>(y[i], yn[i]));
            CHECK(near<double>(dx[i], dxn[i]));
        }
        if (k->params.size() == 3) CHECK(near<double>(g[2], symact::nn::noisy_grad_p<double>(kind, xs, dy, o), 10));
    }
}

TEST_CASE("catalog noise entries: training noise is N(0, 1) (hard-tanh), |N(0, 1)| (hard-sigmoid), "
          "scaled by sigma where saturated and absent where not") {
    const std::size_t n = 100000;
    for (bool tanh_unit : {true, false}) {
        const auto* kt = find_aot(tanh_unit ? "noisy_hardtanh_train" : "noisy_hardsigmoid_train");
        const auto* ki = find_aot(tanh_unit ? "noisy_hardtanh" : "noisy_hardsigmoid");
        const auto pt = kt->bind({});
        std::vector<float> xs(n), yt(n), yi(n);
        for (std::size_t i = 0; i < n; ++i) xs[i] = -8 + 16 * float(i) / n;
        kt->f32.forward(xs.data(), yt.data(), n, pt.data(), noise{31, 0});
        ki->f32.forward(xs.data(), yi.data(), n, ki->bind({}).data());
        double m = 0, m2 = 0;
        std::size_t cnt = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double x = xs[i];
            const paper noiseless = noisy_paper(tanh_unit, x, pt[0], pt[1], pt[2], 0.0);
            const paper unit = noisy_paper(tanh_unit, x, pt[0], pt[1], pt[2], 1.0);  // d*sigma per unit eps
            const double dsig = unit.y - noiseless.y;
            if (std::abs(dsig) < 1e-3) {  // (almost) unsaturated: no noise at all where Delta = 0
                if ((tanh_unit && std::abs(x) < 1) || (!tanh_unit && std::abs(x) < 2)) CHECK(yt[i] == yi[i]);
                continue;
            }
            const double e = (yt[i] - noiseless.y) / dsig;
            m += e, m2 += e * e, ++cnt;
        }
        REQUIRE(cnt > n / 2);
        m /= cnt, m2 /= cnt;
        const double mean = tanh_unit ? 0 : std::sqrt(2 / 3.14159265358979323846);
        CAPTURE(tanh_unit);
        CHECK(std::abs(m - mean) < 5 / std::sqrt(double(cnt)));
        CHECK(std::abs(m2 - 1) < 5 * std::sqrt(2.0 / cnt));  // E[eps^2] = 1 for both laws
    }
}

TEST_CASE("catalog rrelu_train: slopes from the reference evaluator's uniform(0); default bounds") {
    const auto* k = find_aot("rrelu_train");
    REQUIRE(k != nullptr);
    CHECK(k->noise);
    const auto pv = k->bind({});  // lower 1/8, upper 1/3
    CHECK(pv == std::vector<double>{1.0 / 8, 1.0 / 3});
    const auto xs = grid<double>();
    const noise nz{5, 1ull << 33};
    const auto u = reference<double>("uniform(0)", xs, nz)[0];
    std::vector<double> y(xs.size());
    k->f64.forward(xs.data(), y.data(), xs.size(), pv.data(), nz);
    for (std::size_t i = 0; i < xs.size(); ++i)
        CHECK(y[i] == doctest::Approx(xs[i] > 0 ? xs[i] : (1.0 / 8 + (1.0 / 3 - 1.0 / 8) * u[i]) * xs[i]).epsilon(1e-14));
}

TEST_CASE("catalog noise entries in strings are noisy expressions (gen takes seed and offset, inspect refuses)") {
    const auto opts = catalog_parse_options();
    for (const char* text : {"rrelu_train", "noisy_hardtanh_train", "2*noisy_hardsigmoid_train(x, 1.1)"}) {
        CAPTURE(text);
        cg::Function fn(text, opts);
        CHECK(fn.has_noise());
        std::string what;
        try {
            fn.require_no_noise("symact inspect");
        } catch (const symact::error& e) {
            what = e.what();
        }
        CHECK(what.find("draws random numbers") != std::string::npos);
    }
    // the inference forms are deterministic
    for (const char* text : {"rrelu", "noisy_hardtanh", "noisy_hardsigmoid"}) CHECK_FALSE(cg::Function(text, opts).has_noise());
}
