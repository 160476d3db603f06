// Compile-time properties of the DSL: simplification, derivatives as types, CSE plans.
#include <doctest/doctest.h>

#include <symact/dsl.hpp>
#include <symact/dsl/catalog.hpp>

namespace {
using namespace symact::dsl;
using symact::lit;
namespace o = symact::ops;

// T occurs in E
template <class E, class T> constexpr bool contains() {
    if constexpr (std::is_same_v<E, T>) return true;
    else if constexpr (E::k == kind::add || E::k == kind::mul)
        return contains<decltype(E{}.lhs()), T>() || contains<decltype(E{}.rhs()), T>();
    else if constexpr (E::k == kind::call)
        return []<class Op, class... A>(call<Op, A...>*) { return (false || ... || contains<A, T>()); }((E*)nullptr);
    else return false;
}
// a product with a factor 0 or 1, or a sum with a term 0
template <class E> constexpr bool trivial() {
    if constexpr (E::k == kind::add || E::k == kind::mul) {
        using A = decltype(E{}.lhs());
        using B = decltype(E{}.rhs());
        constexpr bool bad = std::is_same_v<A, zero_t> || std::is_same_v<B, zero_t> ||
                             (E::k == kind::mul && (std::is_same_v<A, one_t> || std::is_same_v<B, one_t>));
        return bad || trivial<A>() || trivial<B>();
    } else if constexpr (E::k == kind::call)
        return []<class Op, class... A>(call<Op, A...>*) { return (false || ... || trivial<A>()); }((E*)nullptr);
    else return false;
}

// ---- simplification by the smart constructors ----
static_assert(std::is_same_v<decltype(x * pow(x, lit<-1>)), one_t>);
static_assert(std::is_same_v<decltype(x / x), one_t>);
static_assert(std::is_same_v<decltype(x - x), zero_t>);
static_assert(std::is_same_v<decltype(lit<2> * x + lit<3> * x), decltype(lit<5> * x)>);
static_assert(std::is_same_v<decltype(lit<1, 3> * x + lit<1, 6> * x), decltype(lit<1, 2> * x)>);
static_assert(std::is_same_v<decltype(x / lit<3> + lit<1, 6> * x), decltype(x / lit<2>)>);
static_assert(std::is_same_v<decltype(x * lit<1>), var_t>);
static_assert(std::is_same_v<decltype(x + lit<0>), var_t>);
static_assert(std::is_same_v<decltype(x * lit<0>), zero_t>);
static_assert(std::is_same_v<decltype(x * x), decltype(pow(x, lit<2>))>);
static_assert(std::is_same_v<decltype(where(x > lit<0>, x, x)), var_t>);
static_assert(std::is_same_v<decltype(exp(lit<0>)), one_t>);
static_assert(std::is_same_v<decltype(x * exp(x)), decltype(exp(x) * x)>);    // canonical order
static_assert(std::is_same_v<decltype(tanh(-x)), decltype(-tanh(x))>);        // odd: one sign kept
static_assert(std::is_same_v<decltype(abs(-x)), decltype(abs(x))>);           // even
static_assert(std::is_empty_v<decltype(act::mish)> && std::is_empty_v<decltype(act::gelu_tanh)>);

// ---- derivatives as types ----
// relu' is a where of constants
static_assert(std::is_same_v<decltype(d(act::relu, x)),
                             call<o::Where, call<o::Gt, var_t, zero_t>, one_t, zero_t>>);
// sigmoid' reuses sigmoid(x): sigmoid(x) * sigmoid(-x)
static_assert(contains<decltype(d(act::sigmoid, x)), call<o::Sigmoid, var_t>>());
static_assert(std::is_same_v<decltype(d(act::sigmoid, x)),
                             decltype(sigmoid(x) * sigmoid(-x))>);
// tanh' = sech2 (the accurate form), exp' = exp, x^3' = 3x^2, d/dalpha
static_assert(std::is_same_v<decltype(d(tanh(x), x)), decltype(sech2(x))>);
static_assert(std::is_same_v<decltype(d(exp(x), x)), decltype(exp(x))>);
static_assert(std::is_same_v<decltype(d(pow(x, lit<3>), x)), decltype(lit<3> * pow(x, lit<2>))>);
static_assert(std::is_same_v<decltype(d(act::elu, act::alpha)),
                             decltype(where(x > lit<0>, lit<0>, expm1(x)))>);
static_assert(std::is_same_v<decltype(d(act::prelu, x)), decltype(where(x > lit<0>, lit<1>, act::a))>);

// no multiplication by 0 or 1 (and no + 0) survives in any derivative of the catalog
#define SYMACT_NO_TRIVIAL(n)                                                                     \
    static_assert(!trivial<decltype(d(act::n, x))>(), #n ": trivial factor in d/dx");           \
    static_assert(!trivial<std::remove_cvref_t<decltype(act::n)>>(), #n ": trivial factor");
SYMACT_DSL_CATALOG(SYMACT_NO_TRIVIAL)
static_assert(!trivial<decltype(d(act::mpelu, act::beta))>());
static_assert(!trivial<decltype(d(act::celu, act::alpha))>());

// ---- CSE: the fused plan of mish shares f and f' --------------------------------------
template <class... R> using plan_t = plan_of<names_of<std::tuple<>>, R...>;
using mish_t = std::remove_cvref_t<decltype(act::mish)>;
using mish_fused = plan_t<mish_t, decltype(d(act::mish, x))>;
constexpr int count(const auto& p, sk k) {
    int n = 0;
    for (const auto& s : p.steps) n += s.live && s.k == k;
    return n;
}
// one exp(-|x|) feeds softplus-tanh, softplus-sech2 and sigmoid; softplus itself is dead
static_assert(count(mish_fused::value, sk::sig_t) == 1);
static_assert(count(mish_fused::value, sk::tanh_t) == 0);
static_assert(count(mish_fused::value, sk::softplus) == 0);
static_assert(count(mish_fused::value, sk::tanh_sp) == 1 && count(mish_fused::value, sk::sech2_sp) == 1);
// sigmoid(x) and sigmoid(-x) share q, computed from x (no t: nothing else reads it)
using sig_fused = plan_t<std::remove_cvref_t<decltype(act::sigmoid)>, decltype(d(act::sigmoid, x))>;
static_assert(count(sig_fused::value, sk::sig_t) == 0 && count(sig_fused::value, sk::sig_qu) == 1 &&
              count(sig_fused::value, sk::sig_q) == 0);
// mish's sigmoid keeps reading the t that tanh(softplus) needs
static_assert(count(mish_fused::value, sk::sig_q) == 1 && count(mish_fused::value, sk::sig_qu) == 0);
// elu: exp (f') and expm1 (f) share one range reduction
using elu_fused = plan_of<names_of<std::tuple<par<"alpha">>>, std::remove_cvref_t<decltype(act::elu)>,
                          decltype(d(act::elu, x))>;
static_assert(count(elu_fused::value, sk::exp_red) == 1);
// identical subexpressions are one step: x appears once
static_assert(count(mish_fused::value, sk::var) == 1);
// plans of arithmetic and selects only get the unrolled (memory-bound) loop
static_assert(cheap_plan<plan_t<std::remove_cvref_t<decltype(act::relu)>>>);
static_assert(cheap_plan<plan_t<std::remove_cvref_t<decltype(act::hardswish)>, decltype(d(act::hardswish, x))>>);
static_assert(!cheap_plan<sig_fused> && !cheap_plan<mish_fused>);
}  // namespace

TEST_CASE("the user's example compiles: mixed arithmetic with plain numbers") {
    constexpr auto alpha = param<"alpha">;
    constexpr auto beta = param<"beta">;
    constexpr auto mpelu = where(x > 0, x, alpha * (exp(beta * x) - 1));
    auto k = symact::kernel(mpelu);
    float xs[] = {-2.0f, 1.0f}, y[2], dy[] = {1.0f, 1.0f}, dx[2];
    auto g = k.forward_backward(xs, dy, y, dx, alpha = 1.5, beta = 0.5);
    CHECK(y[0] == doctest::Approx(1.5 * (std::exp(-1.0) - 1)));
    CHECK(y[1] == 1.0f);
    CHECK(dx[0] == doctest::Approx(0.75 * std::exp(-1.0)));
    CHECK(g[alpha] == doctest::Approx(std::exp(-1.0) - 1));
    CHECK(g[beta] == doctest::Approx(1.5 * -2 * std::exp(-1.0)));
    // a plain number is stored, not a type: x*2 and x*3 are the same type, different values
    auto k2 = symact::kernel(x * 2 + exp(x * 3));
    double v[] = {0.5}, out[1];
    k2.forward(v, out);
    CHECK(out[0] == doctest::Approx(1 + std::exp(1.5)));
}
