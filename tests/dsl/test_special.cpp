// Special values through the compile-time kernels: every catalog entry's f, f' and df/dparam
// at +-0, +-denormals, +-max, +-inf and NaN agree with the runtime reference evaluator
// (codegen/eval.cpp on the entry reflected, rewritten and differentiated as
// codegen::Function does): the same NaN-ness, the same infinities, finite values within
// 4 ULP (float32) or 1e-9 relative (float64); differences below the smallest normal number
// are allowed (denormal results). The decay rule (codegen/decay.hpp) is what makes
// gelu'(-inf), mish'(+inf), silu(-inf) agree instead of being NaN.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <symact/codegen/diff.hpp>
#include <symact/codegen/eval.hpp>
#include <symact/codegen/graph.hpp>
#include <symact/codegen/rewrite.hpp>
#include <symact/dsl/aot.hpp>
#include <symact/dsl/names.hpp>

namespace {
using namespace symact;

std::int64_t ord(float f) {
    std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    return b >> 31 ? -static_cast<std::int64_t>(b & 0x7fffffffu) : static_cast<std::int64_t>(b);
}

template <class S> bool agree(S got, S ref) {
    if (std::isnan(ref) || std::isnan(got)) return std::isnan(ref) && std::isnan(got);
    if (std::isinf(ref) || std::isinf(got)) return got == ref;
    const double err = std::fabs(static_cast<double>(got) - static_cast<double>(ref));
    if (err <= std::numeric_limits<S>::min()) return true;  // below the smallest normal
    if constexpr (sizeof(S) == 4) return std::llabs(ord(got) - ord(ref)) <= 4;
    else return err <= 1e-9 * std::fabs(ref);
}

template <class S> std::vector<S> special_points() {
    using L = std::numeric_limits<S>;
    const S v[] = {S(0), S(-0.0), L::denorm_min(), -L::denorm_min(), L::min() / S(3), -L::min() / S(3),
                   L::max(), -L::max(), L::infinity(), -L::infinity(), L::quiet_NaN()};
    return {std::begin(v), std::end(v)};
}

// f, f', df/dparam... of the entry through the reference evaluator, in S
template <class S> std::vector<std::vector<S>> reference(const dsl::aot_kernel& k, const std::vector<double>& p,
                                                          const std::vector<S>& xs) {
    codegen::Graph g;
    auto e = dsl::expand_catalog(g, k.name, std::array{g.var()});
    REQUIRE(e.has_value());
    std::vector<codegen::Expr> roots{codegen::rewrite(*e)};
    roots.push_back(codegen::rewrite(codegen::diff(roots[0], g.var())));
    codegen::ParamValues pv;
    for (std::size_t i = 0; i < k.params.size(); ++i) {
        pv[std::string(k.params[i].name)] = p[i];
        roots.push_back(codegen::rewrite(codegen::diff(roots[0], g.param(k.params[i].name))));
    }
    return codegen::evaluate<S>(roots, xs, pv);
}

template <class S> int check_entry(const dsl::aot_kernel& k) {
    const auto& fns = [&]() -> const auto& {
        if constexpr (sizeof(S) == 4) return k.f32; else return k.f64;
    }();
    const std::vector<double> p = k.bind({});
    const std::vector<S> xs = special_points<S>();
    const std::size_t n = xs.size(), np = k.params.size();
    const auto ref = reference<S>(k, p, xs);
    std::vector<S> y(n), dx(n), y2(n), dx2(n), ones(n, S(1));
    fns.fused(xs.data(), ones.data(), y.data(), dx.data(), n, p.data(), nullptr);
    fns.forward(xs.data(), y2.data(), n, p.data());
    fns.backward(xs.data(), ones.data(), dx2.data(), n, p.data(), nullptr);
    int bad = 0;
    auto cmp = [&](const char* what, std::string_view param, std::size_t i, S got, S want) {
        if (agree(got, want)) return;
        ++bad;
        MESSAGE(k.name << (sizeof(S) == 4 ? " f32 " : " f64 ") << what << std::string(param) << " at x=" << xs[i]
                       << ": kernel " << got << ", reference " << want);
    };
    for (std::size_t i = 0; i < n; ++i) {
        cmp("fused f", "", i, y[i], ref[0][i]);
        cmp("forward f", "", i, y2[i], ref[0][i]);
        cmp("fused df/dx", "", i, dx[i], ref[1][i]);
        cmp("backward df/dx", "", i, dx2[i], ref[1][i]);
        // per point, so the parameter sums are df/dparam itself (a noisy entry's point i
        // draws as element i: offset i)
        std::vector<double> g1(np), g2(np);
        S one = 1, d1, f1;
        fns.backward(&xs[i], &one, &d1, 1, p.data(), g1.data(), dsl::noise{0, i});
        fns.fused(&xs[i], &one, &f1, &d1, 1, p.data(), g2.data(), dsl::noise{0, i});
        for (std::size_t j = 0; j < np; ++j) {
            cmp("backward df/d", k.params[j].name, i, static_cast<S>(g1[j]), ref[2 + j][i]);
            cmp("fused df/d", k.params[j].name, i, static_cast<S>(g2[j]), ref[2 + j][i]);
        }
    }
    return bad;
}
}  // namespace

TEST_CASE("special values: compile-time kernels agree with the reference evaluator") {
    for (const auto& k : dsl::aot_kernels()) {
        CAPTURE(k.name);
        CHECK(check_entry<double>(k) == 0);
        CHECK(check_entry<float>(k) == 0);
    }
}

TEST_CASE("decay beats growth at +-inf (issue #9's values)") {
    auto at = [](std::string_view name, double xv) {
        const auto* k = dsl::find_aot(name);
        REQUIRE(k != nullptr);
        const auto p = k->bind({});
        double y = 0, dx = 0, one = 1;
        k->f64.fused(&xv, &one, &y, &dx, 1, p.data(), nullptr);
        return std::array{y, dx};
    };
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(at("gelu", -inf) == std::array{0.0, 0.0});
    CHECK(at("gelu", inf) == std::array{inf, 1.0});
    CHECK(at("gelu_tanh", -inf) == std::array{0.0, 0.0});
    CHECK(at("mish", inf) == std::array{inf, 1.0});
    CHECK(at("mish", -inf) == std::array{0.0, 0.0});
    CHECK(at("silu", -inf) == std::array{0.0, 0.0});
    CHECK(at("silu", inf) == std::array{inf, 1.0});
    CHECK(at("serf", -inf) == std::array{0.0, 0.0});
    // NaN stays NaN
    CHECK(std::isnan(at("gelu", std::nan(""))[0]));
    CHECK(std::isnan(at("mish", std::nan(""))[1]));
    // the left tail of gelu in float32 (1 + erf(u) would cancel to 0)
    const auto* g = dsl::find_aot("gelu");
    float xv = -10, y = 0;
    g->f32.forward(&xv, &y, 1, nullptr);
    CHECK(y == doctest::Approx(-7.6198530241605e-23).epsilon(1e-5));
}
