// libFuzzer target: any bytes as an expression, through the whole JIT path. parse -> rewrite
// -> differentiate -> symact::jit::compile (f32 and f64) -> forward, backward and fused
// kernels on special values (+-0, +-denormal, +-max, +-inf, NaN) and ordinary points.
// Invariants:
//  - parsing and compiling either succeed or throw symact::error; no crash, no hang;
//  - the three kernels agree bit for bit (forward's y = fused's y, backward's dx and
//    parameter sums = fused's), and every copy of a point gives the same bits whatever its
//    lane (the input repeats the points so full vectors and the masked tail both occur);
//  - at ordinary points where the reference is well-conditioned, f, f' and the parameter
//    sums agree with the reference evaluator (codegen/eval, long double) within a tolerance;
//  - at special values, f and f' are NaN / +-inf / finite as the reference evaluator in the
//    same precision says, or as the long double reference rounded to that precision says.
// Compiles cost milliseconds: inputs are limited in length and size, the disk cache is off,
// and the in-memory cache is cleared now and then so its code does not pile up.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"
#include "symact/jit/jit.hpp"

using namespace symact;
using codegen::Expr;

namespace {

constexpr std::size_t max_text = 512;  // bytes of one input
constexpr std::size_t max_ops = 200;   // distinct operations of f, f' and df/dp together
constexpr double param_value = 0.75;
constexpr int copies = 3;  // each point appears this many times (lanes, tail)

std::string current;  // the input, for messages

std::string fmt_g(long double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.17Lg", v);
    return b;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "invariant broken: %s\n  input: %s\n  %s\n", what, current.c_str(), detail.c_str());
    std::abort();
}

template <class T> bool same_bits(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}

enum class Cls { nan, inf_pos, inf_neg, finite };
template <class V> Cls classify(V v) {
    if (std::isnan(v)) return Cls::nan;
    if (std::isinf(v)) return v > 0 ? Cls::inf_pos : Cls::inf_neg;
    return Cls::finite;
}
const char* name(Cls c) {
    switch (c) {
    case Cls::nan: return "NaN";
    case Cls::inf_pos: return "+inf";
    case Cls::inf_neg: return "-inf";
    default: return "finite";
    }
}

template <class T> std::vector<T> special_points() {
    using L = std::numeric_limits<T>;
    return {T(0), -T(0), L::denorm_min(), -L::denorm_min(), L::max(), -L::max(),
            L::infinity(), -L::infinity(), L::quiet_NaN()};
}
const long double ordinary[] = {-2.5L, -0.75L, 0.3L, 1.25L, 3.5L};

// The largest operand of any sum in the roots' DAG at x (long double): the scale of the
// absolute error cancellation can leave, whatever the result.
long double sum_scale(Expr e, long double x, const codegen::ParamValues& pv) {
    Expr r[] = {e};
    std::vector<Expr> all;
    for (auto id : codegen::topological_order(r)) all.push_back({e.g, id});
    long double xs[] = {x};
    auto vals = codegen::evaluate<long double>(all, xs, pv);
    long double s = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].op() != codegen::Op::Add) continue;
        for (auto a : all[i].arg_ids()) {
            auto it = std::find_if(all.begin(), all.end(), [&](const Expr& n) { return n.id == a; });
            long double v = vals[it - all.begin()][0];
            if (std::isfinite(v)) s = std::fmax(s, std::fabs(v));
        }
    }
    return s;
}

// Does some sin or cos get an argument past the documented accurate range (docs/ACCURACY.md:
// 2^17 float32, 2^25 float64) at x? There the values only promise [-1, 1], so signs and
// zeros that follow from them (1e308*x*cos(x) at +max: +inf or -inf) say nothing.
bool trig_out_of_range(std::span<const Expr> roots, long double x, const codegen::ParamValues& pv,
                       long double limit) {
    std::vector<Expr> all;
    for (auto id : codegen::topological_order(roots)) all.push_back({roots[0].g, id});
    long double xs[] = {x};
    auto vals = codegen::evaluate<long double>(all, xs, pv);
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].op() != codegen::Op::Sin && all[i].op() != codegen::Op::Cos) continue;
        auto a = all[i].arg_ids()[0];
        auto it = std::find_if(all.begin(), all.end(), [&](const Expr& n) { return n.id == a; });
        long double v = vals[it - all.begin()][0];
        if (!(std::fabs(v) <= limit)) return true;  // NaN too
    }
    return false;
}

template <class T> struct Run {
    std::vector<T> x, dy, y, yf, dx, dxf;
    jit::ParamGrads gb, gf;
};

template <class T> void check(codegen::Function& fn, const std::vector<Expr>& roots, unsigned seed) {
    constexpr bool f32 = sizeof(T) == 4;
    jit::Options o;
    o.dtype = f32 ? jit::DType::f32 : jit::DType::f64;
    o.disk_cache = false;
    o.opt_level = seed % 4 == 0 ? 0 : 2;
    o.vector_width = (seed / 4) % 3 == 0 ? 1 : 0;
    jit::Kernel k;
    try {
        k = jit::compile(fn.text(), o);
    } catch (const symact::error&) {
        return;  // a clear error is an allowed outcome
    }
    const auto& params = fn.params();
    if (k.params() != params) fail("kernel parameters differ from the expression's", "");
    jit::ParamValues jp;
    codegen::ParamValues pv;
    for (const auto& p : params) jp[p] = {param_value}, pv[p] = param_value;

    // points: specials then ordinary ones, the whole list `copies` times
    std::vector<T> pts = special_points<T>();
    const std::size_t nspecial = pts.size();
    for (long double v : ordinary) pts.push_back(T(v));
    Run<T> r;
    for (int c = 0; c < copies; ++c) r.x.insert(r.x.end(), pts.begin(), pts.end());
    const std::size_t n = r.x.size();
    r.dy.assign(n, T(1));
    r.y.assign(n, T(0)), r.yf.assign(n, T(0)), r.dx.assign(n, T(0)), r.dxf.assign(n, T(0));
    k.forward(r.x, r.y, jp);
    r.gb = k.backward(r.x, r.dy, r.dx, jp);
    r.gf = k.forward_backward(r.x, r.dy, r.yf, r.dxf, jp);

    for (std::size_t i = 0; i < n; ++i) {
        if (!same_bits(r.y[i], r.yf[i]))
            fail("forward and fused kernels differ", "f at x=" + std::to_string(double(r.x[i])));
        if (!same_bits(r.dx[i], r.dxf[i]))
            fail("backward and fused kernels differ", "f' at x=" + std::to_string(double(r.x[i])));
        std::size_t j = i % pts.size();
        if (!same_bits(r.y[i], r.y[j]) || !same_bits(r.dx[i], r.dx[j]))
            fail("one point gives different results in different lanes", "x=" + std::to_string(double(r.x[i])));
    }
    for (const auto& p : params)
        if (!same_bits(r.gb[p][0], r.gf[p][0])) fail("backward and fused parameter sums differ", p);

    // the reference: the same DAG in T (libm per node) and in long double
    std::vector<T> xs_t(pts.begin(), pts.end());
    std::vector<long double> xs_l(pts.begin(), pts.end());
    auto ref_t = codegen::evaluate<T>(roots, xs_t, pv);
    auto ref_l = codegen::evaluate<long double>(roots, xs_l, pv);

    // special values: the same classification
    for (std::size_t i = 0; i < nspecial; ++i) {
        if (trig_out_of_range(roots, pts[i], pv, f32 ? 131072.0L : 33554432.0L)) continue;
        const T got[] = {r.y[i], r.dx[i]};
        for (int w = 0; w < 2; ++w) {
            Cls c = classify(got[w]);
            if (c == classify(ref_t[w][i]) || c == classify(T(ref_l[w][i]))) continue;
            fail(w ? "f' at a special value: JIT and reference classify differently"
                   : "f at a special value: JIT and reference classify differently",
                 std::string(f32 ? "f32" : "f64") + " x=" + std::to_string(double(pts[i])) + ": jit " +
                     name(c) + " (" + std::to_string(double(got[w])) + "), reference " +
                     name(classify(ref_t[w][i])) + " / long double " + name(classify(ref_l[w][i])));
        }
    }

    // ordinary points: values within tolerance where well-conditioned. The T reference
    // (every node rounded to T) close to the long double one means rounding errors of the
    // intermediate nodes are not amplified, so the JIT's (a few ULP per op) are not either.
    const long double eps = std::numeric_limits<T>::epsilon();
    const long double cond_tol = 64 * eps, tol = 1024 * eps;
    std::vector<long double> sum_terms(params.size(), 0), sum_abs(params.size(), 0);
    bool sums_ok = !params.empty();
    for (std::size_t i = nspecial; i < pts.size(); ++i) {
        long double x = pts[i];
        const T got[] = {r.y[i], r.dx[i]};
        for (std::size_t w = 0; w < roots.size(); ++w) {
            long double ref = ref_l[w][i];
            bool checked = false;
            long double scale = 0;
            if (std::isfinite(ref) && std::fabs(ref) < 1e30L && std::isfinite(ref_t[w][i])) {
                scale = std::fmax(std::fabs(ref), sum_scale(roots[w], x, pv));
                long double xs2[] = {x * (1 + 16 * eps), x * (1 - 16 * eps)};
                Expr one[] = {roots[w]};
                auto near = codegen::evaluate<long double>(one, xs2, pv);
                bool conditioned = std::fabs(ref_t[w][i] - ref) <= cond_tol * scale &&
                                   std::fabs(near[0][0] - ref) <= cond_tol * scale &&
                                   std::fabs(near[0][1] - ref) <= cond_tol * scale;
                if (conditioned) {
                    checked = true;
                    if (w < 2 && !(std::fabs(got[w] - ref) <= tol * scale))
                        fail(w ? "f' disagrees with the reference" : "f disagrees with the reference",
                             std::string(f32 ? "f32" : "f64") + " x=" + std::to_string(double(x)) + ": jit " +
                                 std::to_string(double(got[w])) + ", reference " + std::to_string(double(ref)) +
                                 " (" + codegen::to_string(roots[w]) + ")");
                }
            }
            if (w >= 2) {  // df/dp_k: summed below over the ordinary points
                if (!checked) sums_ok = false;
                // each term may be off by its point's tolerance, which is relative to its
                // scale (the largest sum operand), not to the term
                else sum_terms[w - 2] += T(ref), sum_abs[w - 2] += scale;
            }
        }
    }
    if (sums_ok) {
        // the kernel's sums over the ordinary points alone
        std::vector<T> xo(pts.begin() + nspecial, pts.end()), dyo(xo.size(), T(1)), dxo(xo.size());
        auto g = k.backward(xo, dyo, dxo, jp);
        for (std::size_t p = 0; p < params.size(); ++p) {
            long double got = g[params[p]][0];
            if (!(std::fabs(got - sum_terms[p]) <= tol * std::fmax(sum_abs[p], 1e-30L)))
                fail("parameter gradient sum disagrees with the reference",
                     params[p] + ": jit " + fmt_g(got) + ", reference " + fmt_g(sum_terms[p]) +
                         ", scale " + fmt_g(sum_abs[p]));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > max_text) return 0;
    current.assign(reinterpret_cast<const char*>(data), size);
    std::optional<codegen::Function> fn;
    std::vector<Expr> roots;
    try {
        fn.emplace(current);
        roots = {fn->f(), fn->derivative("x")};
        for (const auto& p : fn->params()) roots.push_back(fn->derivative(p));
    } catch (const symact::error&) {
        return 0;  // rejected cleanly (parse_expr's fuzzer checks the messages' side)
    }
    if (codegen::op_count(roots) > max_ops) return 0;
    unsigned seed = 0;
    for (char c : current) seed = seed * 31 + static_cast<unsigned char>(c);
    check<float>(*fn, roots, seed);
    check<double>(*fn, roots, seed);
    // keep the in-process cache from holding every kernel ever compiled
    static unsigned count = 0;
    if (++count % 64 == 0) jit::clear_memory_cache();
    return 0;
}
