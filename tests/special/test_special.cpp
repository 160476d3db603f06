// Special values (+-0, +-denormal, +-max, +-inf, NaN) of every catalog activation and every
// elementary function, f, f' and df/dparam, against the expectations of docs/SPECIAL.md, in
// the three paths: JIT kernels, compile-time DSL kernels, generated headers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <symact/dsl.hpp>
#include <symact/dsl/aot.hpp>
#include <symact/dsl/names.hpp>

#include "symact/codegen/function.hpp"
#include "symact/codegen/graph.hpp"
#include "symact/codegen/print.hpp"
#include "symact/jit/jit.hpp"
#include "table.hpp"

using namespace special;
using namespace symact;

namespace {

const std::vector<Entry>& entries() {
    static const std::vector<Entry> e = load(SYMACT_SPECIAL_DOC);
    return e;
}

// The entry as text in the plain expression syntax (catalog entries expanded from their DSL
// definition, so `softplus` is the catalog's softplus(beta*x)/beta, not the op).
std::string text_of(const Entry& e) {
    if (e.kind == "op") return e.name;
    codegen::Graph g;
    codegen::Expr x[] = {g.var()};
    auto ex = dsl::expand_catalog(g, e.name, x);
    REQUIRE_MESSAGE(ex.has_value(), "not a catalog entry: " << e.name);
    return codegen::to_string(*ex);
}

// Parameter names (sorted) and values: the aot registry's defaults for catalog entries.
struct Params {
    std::vector<std::string> names;
    std::vector<double> values;
};
Params params_of(const Entry& e) {
    Params p;
    if (e.kind != "catalog") return p;
    const auto* k = dsl::find_aot(e.name);
    REQUIRE(k != nullptr);
    for (const auto& q : k->params) p.names.emplace_back(q.name), p.values.push_back(q.default_value);
    std::vector<std::size_t> idx(p.names.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return p.names[a] < p.names[b]; });
    Params s;
    for (auto i : idx) s.names.push_back(p.names[i]), s.values.push_back(p.values[i]);
    return s;
}

template <class T> bool same(T a, T b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0; }

// ---- jit --------------------------------------------------------------------------------
template <class T> Results<T> run_jit(const Entry& e) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    auto k = jit::compile(text_of(e), o);
    const Params p = params_of(e);
    REQUIRE(k.params() == p.names);
    const auto xs = inputs<T>();
    std::vector<T> dy(ncols, T(1)), y(ncols), dx(ncols), y1(ncols), dx1(ncols);
    // one channel per point: the parameter sums are then per point
    jit::ParamValues pv;
    for (std::size_t i = 0; i < p.names.size(); ++i) pv[p.names[i]] = std::vector<double>(ncols, p.values[i]);
    jit::Layout l{ncols, 1};
    auto g = k.forward_backward(std::span<const T>(xs), dy, y, dx, pv, l);
    k.forward(std::span<const T>(xs), y1, pv, l);
    k.backward(std::span<const T>(xs), dy, dx1, pv, l);
    Results<T> r;
    for (std::size_t i = 0; i < ncols; ++i) {
        CHECK_MESSAGE(same(y[i], y1[i]), "jit " << e.name << ": forward and fused kernels differ at " << columns[i]);
        CHECK_MESSAGE(same(dx[i], dx1[i]), "jit " << e.name << ": backward and fused kernels differ at " << columns[i]);
        r.f[i] = y[i], r.df[i] = dx[i];
    }
    for (const auto& n : p.names)
        for (std::size_t i = 0; i < ncols; ++i) r.dp[n][i] = g[n][i];
    return r;
}

// ---- aot: the catalog's registry, and the elementary functions as DSL kernels ------------
using fused_fn = void (*)(const void* x, const void* dy, void* y, void* dx, std::size_t n);
template <const auto& E> struct dsl_kernel {
    static const auto& k() {
        static const auto kk = symact::kernel(E);
        return kk;
    }
    template <class S> static void fused(const void* x, const void* dy, void* y, void* dx, std::size_t n) {
        k().template run_raw<dsl::mode::fused, S>(static_cast<const S*>(x), static_cast<const S*>(dy),
                                                   static_cast<S*>(y), static_cast<S*>(dx), n, nullptr, nullptr);
    }
};
namespace ops_dsl {
using dsl::x;
using symact::lit;
inline constexpr auto exp_ = dsl::exp(x);
inline constexpr auto expm1_ = dsl::expm1(x);
inline constexpr auto log_ = dsl::log(x);
inline constexpr auto log1p_ = dsl::log1p(x);
inline constexpr auto sqrt_ = dsl::sqrt(x);
inline constexpr auto abs_ = dsl::abs(x);
inline constexpr auto sign_ = dsl::sign(x);
inline constexpr auto tanh_ = dsl::tanh(x);
inline constexpr auto sech2_ = dsl::sech2(x);
inline constexpr auto sinh_ = dsl::sinh(x);
inline constexpr auto cosh_ = dsl::cosh(x);
inline constexpr auto sin_ = dsl::sin(x);
inline constexpr auto cos_ = dsl::cos(x);
inline constexpr auto atan_ = dsl::atan(x);
inline constexpr auto erf_ = dsl::erf(x);
inline constexpr auto erfc_ = dsl::erfc(x);
inline constexpr auto sigmoid_ = dsl::sigmoid(x);
inline constexpr auto softplus_ = dsl::softplus(x);
inline constexpr auto cube_ = dsl::pow(x, lit<3>);
inline constexpr auto recip_ = dsl::pow(x, lit<-1>);
inline constexpr auto pow15_ = dsl::pow(x, lit<3, 2>);
}  // namespace ops_dsl
struct dsl_op {
    std::string_view expr;
    fused_fn f32, f64;
};
#define SYMACT_OP(text, v) {text, &dsl_kernel<ops_dsl::v>::fused<float>, &dsl_kernel<ops_dsl::v>::fused<double>}
const dsl_op dsl_ops[] = {
    SYMACT_OP("exp(x)", exp_),       SYMACT_OP("expm1(x)", expm1_),     SYMACT_OP("log(x)", log_),
    SYMACT_OP("log1p(x)", log1p_),   SYMACT_OP("sqrt(x)", sqrt_),       SYMACT_OP("abs(x)", abs_),
    SYMACT_OP("sign(x)", sign_),     SYMACT_OP("tanh(x)", tanh_),       SYMACT_OP("sech2(x)", sech2_),
    SYMACT_OP("sinh(x)", sinh_),     SYMACT_OP("cosh(x)", cosh_),       SYMACT_OP("sin(x)", sin_),
    SYMACT_OP("cos(x)", cos_),       SYMACT_OP("atan(x)", atan_),       SYMACT_OP("erf(x)", erf_),
    SYMACT_OP("erfc(x)", erfc_),     SYMACT_OP("sigmoid(x)", sigmoid_), SYMACT_OP("softplus(x)", softplus_),
    SYMACT_OP("x^3", cube_),         SYMACT_OP("x^-1", recip_),         SYMACT_OP("x^1.5", pow15_),
};
#undef SYMACT_OP

template <class T> Results<T> run_aot(const Entry& e) {
    const auto xs = inputs<T>();
    std::vector<T> dy(ncols, T(1)), y(ncols), dx(ncols);
    Results<T> r;
    if (e.kind == "op") {
        auto it = std::find_if(std::begin(dsl_ops), std::end(dsl_ops), [&](const dsl_op& o) { return o.expr == e.name; });
        REQUIRE_MESSAGE(it != std::end(dsl_ops), "no DSL kernel in the test for " << e.name);
        (sizeof(T) == 4 ? it->f32 : it->f64)(xs.data(), dy.data(), y.data(), dx.data(), ncols);
    } else {
        const auto* k = dsl::find_aot(e.name);
        REQUIRE(k != nullptr);
        std::vector<double> p = k->bind({});
        const auto& fns = [&]() -> const auto& {
            if constexpr (sizeof(T) == 4) return k->f32;
            else return k->f64;
        }();
        std::vector<T> y1(ncols), dx1(ncols);
        fns.fused(xs.data(), dy.data(), y.data(), dx.data(), ncols, p.data(), nullptr);
        fns.forward(xs.data(), y1.data(), ncols, p.data());
        fns.backward(xs.data(), dy.data(), dx1.data(), ncols, p.data(), nullptr);
        for (std::size_t i = 0; i < ncols; ++i) {
            CHECK_MESSAGE(same(y[i], y1[i]), "aot " << e.name << ": forward and fused differ at " << columns[i]);
            CHECK_MESSAGE(same(dx[i], dx1[i]), "aot " << e.name << ": backward and fused differ at " << columns[i]);
        }
        // per point parameter gradients: one call per point
        for (std::size_t i = 0; i < ncols; ++i) {
            std::vector<double> dp(k->params.size(), 0.0);
            T yi, dxi;
            fns.fused(&xs[i], &dy[i], &yi, &dxi, 1, p.data(), dp.data());
            for (std::size_t j = 0; j < k->params.size(); ++j) r.dp[std::string(k->params[j].name)][i] = dp[j];
        }
    }
    for (std::size_t i = 0; i < ncols; ++i) r.f[i] = y[i], r.df[i] = dx[i];
    return r;
}

// ---- gen: headers written by `symact gen` at build time (CMakeLists.txt) ------------------
struct gen_case {
    std::string_view kind, name;
    std::size_t np;
    void (*f32)(const float*, const float*, float*, float*, std::size_t, const float*, double*);
    void (*f64)(const double*, const double*, double*, double*, std::size_t, const double*, double*);
};
#include "gen_cases.inc"

template <class T> Results<T> run_gen(const Entry& e) {
    auto it = std::find_if(std::begin(gen_cases), std::end(gen_cases),
                           [&](const gen_case& c) { return c.kind == e.kind && c.name == e.name; });
    REQUIRE_MESSAGE(it != std::end(gen_cases), "no generated header for " << e.kind << " " << e.name
                                                   << " (tests/special/CMakeLists.txt)");
    const Params p = params_of(e);
    REQUIRE(it->np == p.names.size());
    std::vector<T> pv(p.values.begin(), p.values.end());
    const auto xs = inputs<T>();
    Results<T> r;
    for (std::size_t i = 0; i < ncols; ++i) {
        T dy = 1, y, dx;
        std::vector<double> dp(p.names.size() + 1, 0.0);
        if constexpr (sizeof(T) == 4) it->f32(&xs[i], &dy, &y, &dx, 1, pv.data(), dp.data());
        else it->f64(&xs[i], &dy, &y, &dx, 1, pv.data(), dp.data());
        r.f[i] = y, r.df[i] = dx;
        for (std::size_t j = 0; j < p.names.size(); ++j) r.dp[p.names[j]][i] = dp[j];
    }
    return r;
}

template <class T, class Run> void check_path(std::string_view path, Run run) {
    std::size_t cells = 0;
    for (const auto& e : entries()) {
        CAPTURE(e.name);
        cells += check<T>(path, e, run(e));
    }
    MESSAGE(path << (sizeof(T) == 4 ? " f32: " : " f64: ") << cells << " cells checked");
    CHECK(cells > 700);
}

}  // namespace

TEST_CASE("special values: every catalog entry and elementary function has rows") {
    std::vector<std::string> need;
    for (const auto& k : dsl::aot_kernels()) need.push_back("catalog " + std::string(k.name));
    for (const auto& o : dsl_ops) need.push_back("op " + std::string(o.expr));
    for (const auto& n : need) {
        bool found = std::any_of(entries().begin(), entries().end(),
                                 [&](const Entry& e) { return e.kind + " " + e.name == n; });
        CHECK_MESSAGE(found, "docs/SPECIAL.md has no rows for " << n);
    }
    // every elementwise function op (not max, min, where, comparisons, constants, row
    // reductions) has a DSL kernel here
    for (auto fname : codegen::function_names()) {
        std::string s(fname);
        if (s == "max" || s == "min" || s == "where" || s == "lt" || s == "le" || s == "gt" || s == "ge" ||
            s == "pi" || s == "e" || s == "pow")
            continue;
        if (s == "rowmax" || s == "rowsum") continue;  // row reductions: tests/test_rows.cpp (+-1000, +-1e300)
        if (s == "uniform" || s == "normal") continue;  // noise: no x to be special (tests/test_noise.cpp)
        bool found = std::any_of(std::begin(dsl_ops), std::end(dsl_ops),
                                 [&](const dsl_op& o) { return o.expr == s + "(x)"; });
        CHECK_MESSAGE(found, "elementary function without special-value rows: " << s);
    }
    // every entry has f and f' rows, and a df/dp row per parameter
    for (const auto& e : entries()) {
        std::vector<std::string> rows;
        for (const auto& r : e.rows) rows.push_back(r.what);
        std::vector<std::string> want = {"f", "f'"};
        for (const auto& p : params_of(e).names) want.push_back("df/d" + p);
        CHECK_MESSAGE(rows == want, e.kind << " " << e.name << ": rows should be f, f' and df/d per parameter");
    }
}

TEST_CASE("special values: jit") {
    check_path<float>("jit", run_jit<float>);
    check_path<double>("jit", run_jit<double>);
}
TEST_CASE("special values: aot") {
    check_path<float>("aot", run_aot<float>);
    check_path<double>("aot", run_aot<double>);
}
TEST_CASE("special values: gen") {
    check_path<float>("gen", run_gen<float>);
    check_path<double>("gen", run_gen<double>);
}
