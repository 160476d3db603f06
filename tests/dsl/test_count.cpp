// How many elementary-function evaluations a kernel does per element: a counting value type
// V runs the same plan (through ops' eval and symact::math), and explicit specializations of
// math's exp range reductions (the whole cost of exp, expm1, exp_neg), log, log1p, erf and
// erfc count.
#include <symact/math/primitives.hpp>

#include <bit>
#include <cmath>
#include <cstdint>

namespace cnt {
struct CV {
    double v = 0;
};
struct CU {  // the same-width unsigned (distinct from uint64_t, so as_float overloads)
    std::uint64_t u = 0;
};
#define CU_OP(OP)                                                                             \
    inline CU operator OP(CU a, CU b) { return {a.u OP b.u}; }                                \
    inline CU operator OP(CU a, std::uint64_t b) { return {a.u OP b}; }
CU_OP(+) CU_OP(-) CU_OP(&) CU_OP(|) CU_OP(^)
#undef CU_OP
inline CU operator<<(CU a, int n) { return {a.u << n}; }
inline CU operator>>(CU a, int n) { return {a.u >> n}; }
inline int n_exp = 0, n_log = 0, n_log1p = 0, n_erf = 0;
inline CV operator+(CV a, CV b) { return {a.v + b.v}; }
inline CV operator-(CV a, CV b) { return {a.v - b.v}; }
inline CV operator*(CV a, CV b) { return {a.v * b.v}; }
inline CV operator/(CV a, CV b) { return {a.v / b.v}; }
inline CV operator-(CV a) { return {-a.v}; }
inline CV operator+(CV a, double b) { return {a.v + b}; }
inline CV operator-(CV a, double b) { return {a.v - b}; }
inline CV operator*(CV a, double b) { return {a.v * b}; }
inline CV operator/(CV a, double b) { return {a.v / b}; }
inline CV operator+(double a, CV b) { return {a + b.v}; }
inline CV operator-(double a, CV b) { return {a - b.v}; }
inline CV operator*(double a, CV b) { return {a * b.v}; }
inline CV operator/(double a, CV b) { return {a / b.v}; }
inline bool operator<(CV a, CV b) { return a.v < b.v; }
inline bool operator<=(CV a, CV b) { return a.v <= b.v; }
inline bool operator>(CV a, CV b) { return a.v > b.v; }
inline bool operator>=(CV a, CV b) { return a.v >= b.v; }
inline bool operator==(CV a, CV b) { return a.v == b.v; }
inline bool operator<(CV a, double b) { return a.v < b; }
inline bool operator<=(CV a, double b) { return a.v <= b; }
inline bool operator>(CV a, double b) { return a.v > b; }
inline bool operator>=(CV a, double b) { return a.v >= b; }
inline bool operator==(CV a, double b) { return a.v == b; }
}  // namespace cnt

namespace symact::math {  // the backend primitives for CV (before ops.hpp and math use them)
template <> struct value_traits<cnt::CV> {
    using scalar = double;
    using uscalar = std::uint64_t;
    static cnt::CV splat(double c) { return {c}; }
    static cnt::CU usplat(std::uint64_t c) { return {c}; }
};
inline cnt::CV fma(cnt::CV a, cnt::CV b, cnt::CV c) { return {std::fma(a.v, b.v, c.v)}; }
inline cnt::CV sqrt(cnt::CV a) { return {std::sqrt(a.v)}; }
inline cnt::CV abs(cnt::CV a) { return {std::fabs(a.v)}; }
inline cnt::CV copysign(cnt::CV a, cnt::CV b) { return {std::copysign(a.v, b.v)}; }
inline bool is_nan(cnt::CV a) { return a.v != a.v; }
inline cnt::CV select(bool m, cnt::CV a, cnt::CV b) { return m ? a : b; }
inline cnt::CU as_uint(cnt::CV a) { return {std::bit_cast<std::uint64_t>(a.v)}; }
inline cnt::CV as_float(cnt::CU u) { return {std::bit_cast<double>(u.u)}; }
}  // namespace symact::math

#include <doctest/doctest.h>

#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>

namespace symact::math {
// exp's range reduction is its whole cost; exp, expm1, exp_neg (and so sigmoid_t, tanh_t)
// all go through one of these two. The bodies are math's own (values stay right).
template <> exp_reduced<cnt::CV> exp_reduce<cnt::CV>(cnt::CV x) {
    ++cnt::n_exp;
    return detail::exp_reduce_impl<false, false>(x, x);
}
template <> exp_reduced<cnt::CV> exp_reduce_neg<cnt::CV>(cnt::CV x) {
    ++cnt::n_exp;
    return detail::exp_reduce_impl<true, false>(x, x);
}
template <> cnt::CV log<cnt::CV>(cnt::CV x) { ++cnt::n_log; return {log(x.v)}; }
template <> cnt::CV log1p<cnt::CV>(cnt::CV x) { ++cnt::n_log1p; return {log1p(x.v)}; }
template <> cnt::CV log1p_unit<cnt::CV>(cnt::CV x) { ++cnt::n_log1p; return {log1p(x.v)}; }  // softplus's
template <> cnt::CV erf<cnt::CV>(cnt::CV x) { ++cnt::n_erf; return {erf(x.v)}; }
template <> cnt::CV erfc<cnt::CV>(cnt::CV x) { ++cnt::n_erf; return {erfc(x.v)}; }
}  // namespace symact::math

namespace {
using namespace symact::dsl;
struct counts { int exp, log, log1p, erf; double f, df; };

// f and f' of one element through the fused plan, with counting
template <const auto& E> counts fused_counts(double xv) {
    using F = std::remove_cvref_t<decltype(E)>;
    using P = plan_of<names_of<std::tuple<>>, F, decltype(d(F{}, x))>;
    cnt::n_exp = cnt::n_log = cnt::n_log1p = cnt::n_erf = 0;
    machine<P, cnt::CV> m;
    m.pv = nullptr;
    const auto nums = P::numbers(F{}, decltype(d(F{}, x)){});  // folded constants (plan.hpp)
    m.nv = nums.data();
    m(cnt::CV{xv});
    return {cnt::n_exp, cnt::n_log, cnt::n_log1p, cnt::n_erf, m.template root<0>().v, m.template root<1>().v};
}
}  // namespace

TEST_CASE("elementary-function evaluations per element, forward+backward") {
    // mish: tanh(softplus(x)) and sech2(softplus(x)) from softplus's exp(-|x|), sigmoid too
    auto m = fused_counts<act::mish>(0.7);
    CHECK(m.exp == 1);
    CHECK(m.log1p == 0);
    CHECK(m.log == 0);
    const double sp = std::log1p(std::exp(0.7)), th = std::tanh(sp);
    CHECK(m.f == doctest::Approx(0.7 * th));
    CHECK(m.df == doctest::Approx(th + 0.7 * (1 - th * th) / (1 + std::exp(-0.7))));
    // sigmoid: sigmoid(x) * sigmoid(-x) share exp(-|x|)
    CHECK(fused_counts<act::sigmoid>(1.5).exp == 1);
    CHECK(fused_counts<act::silu>(1.5).exp == 1);
    // tanh + sech2 share exp(-2|x|)
    CHECK(fused_counts<act::tanh>(0.3).exp == 1);
    CHECK(fused_counts<act::tanhshrink>(0.3).exp == 1);
    // softplus-based: softplus + sigmoid share exp(-|x|); one log1p for softplus itself
    auto ls = fused_counts<act::logsigmoid>(-2.0);
    CHECK(ls.exp == 1);
    CHECK(ls.log1p == 1);
    // selu: expm1(x) (f) and exp(x) (f') share one range reduction
    CHECK(fused_counts<act::selu>(-0.5).exp == 1);
    // gelu: erf(x/sqrt2) and exp(-x^2/2) in f'
    auto g = fused_counts<act::gelu>(0.5);
    MESSAGE("gelu: exp " << g.exp << ", erf " << g.erf);
    CHECK(g.erf == 1);
    // gelu_tanh (x sigmoid(2u)): sigmoid(2u) and sigmoid(-2u) share one exp
    CHECK(fused_counts<act::gelu_tanh>(0.5).exp == 1);
}
