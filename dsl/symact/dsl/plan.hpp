// Compile-time CSE and scheduling: one consteval pass flattens the roots of a kernel (f, f',
// df/dparam, ...) into a fixed-size array of SSA steps. A pure subexpression is one step
// however often it occurs (found by its structural hash); a subexpression holding a stored
// number (`num`) gets a step per occurrence. Ops whose numerics share work in symact::math
// are split here into the shared part and the rest, so that work is shared too:
//   tanh(u), sech2(u)          from t2 = exp(-2|u|)                     (math::tanh_t)
//   sigmoid(+-u), softplus(u)  from t = exp(-|u|), q = t/(1+t)          (math::sigmoid_t/_q)
//   tanh(softplus(u)), sech2(softplus(u))  from the same t = exp(-|u|)  (math/tanh_softplus.hpp)
//   exp(u), expm1(u)           from one range reduction                 (math::exp_reduce)
// A product (a chain of binary mul nodes) is flattened like the runtime's n-ary Mul: the
// factors that decay (decay.hpp: 0 only where something decayed exponentially, from ops'
// `decay` field) are multiplied apart, and the final product makes a decayed 0 win over an
// inf of the other factors (gelu'(-inf) = 0, not NaN); factors b^-1 divide at the end.
// Steps nobody reads (softplus(u) once tanh(softplus(u)) is fused) are marked dead.
#pragma once
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "symact/dsl/build.hpp"

namespace symact::dsl {

enum class sk : std::uint8_t {
    var, cst, num, par,       // leaves
    add, mul, div, powi, rsqrt, sqrt, call,  // arithmetic and registry ops
    exp_red, exp, expm1,      // exp and expm1 of one argument share a range reduction
    sig_t, sig_q, sig_qu, sigmoid, softplus,  // sigmoid/softplus family (sig_qu: q from u, no t)
    tanh_t, tanh, sech2, tanh_sp, sech2_sp,   // tanh/sech2 family, and fused with softplus
    dy, rmax, rsum            // row kernels (row.hpp): the adjoint dy, reductions
};

struct step {
    sk k = sk::var;
    int op = -1;               // registry index (sk::call)
    int a[3] = {-1, -1, -1};   // argument steps
    int n = 0;                 // number of arguments
    ratio c{};                 // sk::cst
    int idx = -1;              // sk::par: parameter index; sk::num: number index; sk::powi: k
    std::uint64_t key = 0;     // dedupe key (0: never shared)
    bool mask = false;         // produces a comparison mask
    bool reduced = false;      // produces an exp range reduction
    bool decays = false;       // a factor that is 0 only by exponential decay (decay.hpp)
    bool live = false;
};

// The registry as a type list, for op indices.
using op_list = std::tuple<
#define SYMACT_X(S, n) ops::S,
    SYMACT_FUNCTION_OPS(SYMACT_X)
#undef SYMACT_X
    void>;
template <class Op, std::size_t I = 0> consteval int op_index() {
    if constexpr (std::is_same_v<std::tuple_element_t<I, op_list>, Op>) return static_cast<int>(I);
    else return op_index<Op, I + 1>();
}

namespace detail {

template <class T> inline constexpr bool is_neg1_mul = false;
template <class R> inline constexpr bool is_neg1_mul<mul<cst_t<-1>, R>> = true;
// c*r with c < 0: the same argument up to its sign as (-c)*r (sigmoid(-2u) and sigmoid(2u))
template <class T> inline constexpr bool is_negc_mul = false;
template <ratio C, class R> inline constexpr bool is_negc_mul<mul<cst<C>, R>> = C.num < 0;
template <class T> constexpr auto negated(const T& t) { return mk_neg(t); }

struct builder {
    std::vector<step> steps;
    std::vector<std::string_view> params;  // fixed order, given by the caller
    std::vector<double> nums;              // stored numbers, in visiting order
    std::vector<int> roots;

    constexpr int find(std::uint64_t key) const {
        if (key == 0) return -1;
        for (std::size_t i = 0; i < steps.size(); ++i)
            if (steps[i].key == key) return static_cast<int>(i);
        return -1;
    }
    constexpr int push(step s) {
        if (int i = find(s.key); i >= 0) return i;
        steps.push_back(s);
        return static_cast<int>(steps.size()) - 1;
    }
    constexpr int aux(sk k, int arg, std::uint64_t argkey, int extra = 0) {
        step s;
        s.k = k;
        s.a[0] = arg;
        s.n = 1;
        s.key = argkey ? mix(mix(0xa0 + static_cast<std::uint64_t>(k), argkey), extra) : 0;
        s.reduced = k == sk::exp_red;
        return push(s);
    }
    // s becomes a stored number with value v (kernel.hpp loads the numbers per call)
    constexpr void stored(step& s, double v) {
        s.k = sk::num;
        s.idx = static_cast<int>(nums.size());
        nums.push_back(v);
    }
    constexpr int param_index(std::string_view name) const {
        for (std::size_t i = 0; i < params.size(); ++i)
            if (params[i] == name) return static_cast<int>(i);
        return -1;
    }
};

template <class T> constexpr std::uint64_t key_of() { if constexpr (T::pure) return T::hash; else return 0; }

// decay.hpp's rule on DSL types: ops with Decay::Decays, Decay::Keeps ops of a decaying
// argument, positive constant powers of a decaying base. Sums and products never decay.
template <class E> inline constexpr bool decays_v = false;
template <class Op, class A0, class... A>
inline constexpr bool decays_v<call<Op, A0, A...>> = [] {
    if constexpr (std::is_same_v<Op, ops::Pow>) {
        using P = std::tuple_element_t<0, std::tuple<A...>>;
        if constexpr (is_cst_v<P>) return P::value.num > 0 && decays_v<A0>;
        else return false;
    } else if constexpr (requires { Op::decay; }) {
        if constexpr (Op::decay == ops::Decay::Decays) return true;
        else if constexpr (Op::decay == ops::Decay::Keeps) return decays_v<A0>;
        else return false;
    } else
        return false;
}();

template <class E> constexpr int collect(const E& e, builder& b);

// Constant subexpressions (made of exact constants and ops of them: sqrt(2), 1/sqrt(2*pi),
// 2*sqrt(2/pi)) are folded: their value is computed once in long double with the ops'
// reference numerics and rounded once (to double, then the element type), as the runtime's
// lowering does (lower.hpp). Computing them in the element type took several roundings, and
// a divisor such as gelu's sqrt(2) cost a division per element instead of a multiply.
// Leaves, comparisons, where and noise are not folded. A product's constant factors are
// folded together (product below).
template <class E> inline constexpr bool constant_v = false;
template <ratio C> inline constexpr bool constant_v<cst<C>> = true;
template <class A, class B> inline constexpr bool constant_v<add<A, B>> = constant_v<A> && constant_v<B>;
template <class A, class B> inline constexpr bool constant_v<mul<A, B>> = constant_v<A> && constant_v<B>;
template <class Op, class... A>
inline constexpr bool constant_v<call<Op, A...>> =
    !requires { Op::noise; } && !requires { Op::comparison; } && !std::is_same_v<Op, ops::Where> &&
    (true && ... && constant_v<A>);
template <class E> inline constexpr bool folded_v = constant_v<E> && E::k != kind::cst;

template <class E> long double constant_value(const E& e) {
    if constexpr (E::k == kind::cst) return static_cast<long double>(E::value.num) / E::value.den;
    else if constexpr (E::k == kind::add) return constant_value(e.lhs()) + constant_value(e.rhs());
    else if constexpr (E::k == kind::mul) return constant_value(e.lhs()) * constant_value(e.rhs());
    else
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return E::op::template ref<long double>(constant_value(e.template arg<I>())...);
        }(std::make_index_sequence<static_cast<std::size_t>(E::op::arity)>{});
}

// The factors of a chain of products, by kind (the runtime's Mul in eval.cpp / lower.hpp).
struct factors {
    std::vector<int> num, dec, den;
};
// The constant factors of a chain of products (constant_v leaves of gather's walk).
template <class E> constexpr int constant_factors() {
    if constexpr (E::k == kind::mul)
        return constant_factors<decltype(std::declval<const E&>().lhs())>() +
               constant_factors<decltype(std::declval<const E&>().rhs())>();
    else return constant_v<E> ? 1 : 0;
}
// Combine: two or more constant factors are one stored number, their product in long double
// rounded once (as lower.hpp does), placed first; cval accumulates it (run time only).
template <class E> constexpr void gather(const E& e, builder& b, factors& f, bool combine, long double& cval) {
    if constexpr (E::k == kind::mul) {
        gather(e.lhs(), b, f, combine, cval);
        gather(e.rhs(), b, f, combine, cval);
    } else if constexpr (constant_v<E>) {
        if (combine) {
            if (!std::is_constant_evaluated()) cval *= constant_value(e);
        } else {
            int i = collect(e, b);
            (b.steps[static_cast<std::size_t>(i)].decays ? f.dec : f.num).push_back(i);
        }
    } else if constexpr (split_pow<E>::is && split_pow<E>::e == ratio{-1, 1}) {
        f.den.push_back(collect(e.template arg<0>(), b));
    } else {
        int i = collect(e, b);
        (b.steps[static_cast<std::size_t>(i)].decays ? f.dec : f.num).push_back(i);
    }
}
// a * b as a step (shared when both are); the last one of a product carries the node's key.
constexpr int mul_step(builder& b, sk k, int x, int y, std::uint64_t key, bool dec) {
    step s;
    s.k = k;
    s.n = 2;
    s.a[0] = x;
    s.a[1] = y;
    s.decays = dec;
    const std::uint64_t kx = b.steps[static_cast<std::size_t>(x)].key, ky = b.steps[static_cast<std::size_t>(y)].key;
    s.key = key ? key : (kx && ky) ? mix(mix(0x9d0 + static_cast<std::uint64_t>(k), kx), ky) : 0;
    return b.push(s);
}
// v[0] * v[1] * ...; the last multiplication gets `key` if it is not 0.
constexpr int chain(builder& b, const std::vector<int>& v, bool dec, std::uint64_t key = 0) {
    int p = v[0];
    for (std::size_t i = 1; i < v.size(); ++i)
        p = mul_step(b, sk::mul, p, v[i], i + 1 == v.size() ? key : 0, key && i + 1 == v.size() ? false : dec);
    return p;
}
// (num * dec) / den, num * dec with the decay rule (eval.hpp); the node's own step (the last
// one) gets its key and does not decay (decay.hpp: a product never does).
template <class E> constexpr int product(const E& e, builder& b, std::uint64_t key) {
    factors f;
    constexpr bool combine = constant_factors<E>() >= 2;
    long double cval = 1;
    gather(e.lhs(), b, f, combine, cval);
    gather(e.rhs(), b, f, combine, cval);
    if constexpr (combine) {
        step c;
        b.stored(c, std::is_constant_evaluated() ? 0.0 : static_cast<double>(cval));
        f.num.insert(f.num.begin(), b.push(c));
    }
    const bool hn = !f.num.empty(), hd = !f.dec.empty(), hq = !f.den.empty();
    const std::uint64_t pk = hq ? 0 : key;
    int p;
    if (hn && hd) p = mul_step(b, sk::mul, chain(b, f.num, false), chain(b, f.dec, true), pk, false);
    else if (hn) p = chain(b, f.num, false, pk);
    else if (hd) p = chain(b, f.dec, true, pk);
    else {
        step one;
        one.k = sk::cst;
        one.c = ratio{1, 1};
        one.key = one_t::hash;
        p = b.push(one);
    }
    if (hq) p = mul_step(b, sk::div, p, chain(b, f.den, false), key, false);
    return p;
}

// Visits e (children first) and returns its step. The same code runs at compile time on
// E{} (structure) and at run time on the kernel's expression objects (stored numbers), so
// both see the numbers in one order.
template <class E> constexpr int collect(const E& e, builder& b) {
    constexpr std::uint64_t key = key_of<E>();
    if constexpr (E::pure) {
        if (int i = b.find(key); i >= 0) return i;
    }
    step s;
    s.key = key;
    s.decays = decays_v<E>;
    if constexpr (folded_v<E>) {  // a stored number, computed at run time (gather)
        b.stored(s, std::is_constant_evaluated() ? 0.0 : static_cast<double>(constant_value(e)));
    } else if constexpr (E::k == kind::var) {
        s.k = sk::var;
    } else if constexpr (E::k == kind::cst) {
        s.k = sk::cst;
        s.c = E::value;
    } else if constexpr (E::k == kind::num) {
        b.stored(s, e.v);
    } else if constexpr (E::k == kind::par) {
        s.k = sk::par;
        s.idx = b.param_index(E::name);
    } else if constexpr (E::k == kind::add) {
        s.k = sk::add;
        s.n = 2;
        s.a[0] = collect(e.lhs(), b);
        s.a[1] = collect(e.rhs(), b);
    } else if constexpr (E::k == kind::mul) {
        return product(e, b, key);
    } else if constexpr (E::k == kind::dy) {
        s.k = sk::dy;
    } else if constexpr (E::k == kind::row) {
        s.n = 1;
        s.k = E::r == red::max ? sk::rmax : sk::rsum;
        s.a[0] = collect(e.arg(), b);
    } else {
        using Op = typename E::op;
        constexpr int n = Op::arity;
        s.k = sk::call;
        s.op = op_index<Op>();
        s.n = n;
        s.mask = requires { Op::comparison; };
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((s.a[I] = collect(e.template arg<I>(), b)), ...);
        }(std::make_index_sequence<static_cast<std::size_t>(n)>{});
        if constexpr (n == 1 || std::is_same_v<Op, ops::Pow>) {
            using U = decltype(e.template arg<0>());
            // the argument up to its sign: sigmoid(-u) shares exp(-|u|) with sigmoid(u)
            int base = s.a[0];
            std::uint64_t bkey = key_of<U>();
            if constexpr (is_neg1_mul<U> && U::pure) {
                base = collect(e.template arg<0>().rhs(), b);
                bkey = decltype(e.template arg<0>().rhs())::hash;
            } else if constexpr (is_negc_mul<U> && U::pure && std::is_same_v<Op, ops::Sigmoid>) {
                using NU = decltype(negated(U{}));
                base = collect(NU{}, b);
                bkey = NU::hash;
            }
            if constexpr (std::is_same_v<Op, ops::Pow>) {
                using P = decltype(e.template arg<1>());
                if constexpr (is_cst_v<P>) {
                    constexpr ratio p = P::value;
                    if constexpr (p.den == 1 && p.num >= -16 && p.num <= 16) {
                        s.k = sk::powi;
                        s.idx = static_cast<int>(p.num);
                        s.n = 1;
                    } else if constexpr (p == ratio{1, 2} || p == ratio{-1, 2}) {
                        s.k = p.num > 0 ? sk::sqrt : sk::rsqrt;
                        s.n = 1;
                    }
                }
            } else if constexpr (std::is_same_v<Op, ops::Exp> || std::is_same_v<Op, ops::Expm1>) {
                int r = b.aux(sk::exp_red, s.a[0], key_of<U>());
                s.k = std::is_same_v<Op, ops::Exp> ? sk::exp : sk::expm1;
                s.a[1] = r;
                s.n = 2;
            } else if constexpr (std::is_same_v<Op, ops::Sigmoid>) {
                int t = b.aux(sk::sig_t, base, bkey);
                int q = b.aux(sk::sig_q, t, bkey ? mix(bkey, 0x51) : 0);
                s.k = sk::sigmoid;
                s.a[1] = q;
                s.n = 2;
            } else if constexpr (std::is_same_v<Op, ops::Softplus>) {
                s.k = sk::softplus;
                s.a[1] = b.aux(sk::sig_t, base, bkey);
                s.n = 2;
            } else if constexpr (std::is_same_v<Op, ops::Tanh> || std::is_same_v<Op, ops::Sech2>) {
                constexpr bool th = std::is_same_v<Op, ops::Tanh>;
                if constexpr (is_call_of<U, ops::Softplus>) {  // from softplus's own exp(-|w|)
                    using W = decltype(e.template arg<0>().template arg<0>());
                    int w = collect(e.template arg<0>().template arg<0>(), b);
                    int wb = w;
                    std::uint64_t wkey = key_of<W>();
                    if constexpr (is_neg1_mul<W> && W::pure) {
                        wb = collect(e.template arg<0>().template arg<0>().rhs(), b);
                        wkey = decltype(e.template arg<0>().template arg<0>().rhs())::hash;
                    }
                    s.k = th ? sk::tanh_sp : sk::sech2_sp;
                    s.a[0] = w;
                    s.a[1] = b.aux(sk::sig_t, wb, wkey);
                    s.n = 2;
                } else {
                    s.k = th ? sk::tanh : sk::sech2;
                    s.a[1] = b.aux(sk::tanh_t, base, bkey);
                    s.n = 2;
                }
            }
        }
    }
    return b.push(s);
}

template <class... R>
constexpr builder build(std::span<const std::string_view> params) {
    builder b;
    b.params.assign(params.begin(), params.end());
    (b.roots.push_back(collect(R{}, b)), ...);
    // liveness, from the roots back (steps are in topological order)
    auto liveness = [&] {
        for (auto& s : b.steps) s.live = false;
        for (int r : b.roots) b.steps[static_cast<std::size_t>(r)].live = true;
        for (std::size_t i = b.steps.size(); i-- > 0;) {
            const step& s = b.steps[i];
            if (!s.live) continue;
            for (int j = 0; j < s.n; ++j) b.steps[static_cast<std::size_t>(s.a[j])].live = true;
        }
    };
    liveness();
    // A t = exp(-|u|) that only sigmoid's q reads is not needed: q from u directly is one
    // multiply shorter (math::sigmoid_q_of). Softplus and tanh(softplus) keep sharing t.
    bool changed = false;
    for (std::size_t t = 0; t < b.steps.size(); ++t) {
        if (b.steps[t].k != sk::sig_t || !b.steps[t].live) continue;
        bool only_q = true;
        for (const step& s : b.steps)
            for (int j = 0; j < s.n; ++j)
                if (s.live && s.a[j] == static_cast<int>(t) && s.k != sk::sig_q) only_q = false;
        if (!only_q) continue;
        for (step& s : b.steps)
            if (s.live && s.k == sk::sig_q && s.a[0] == static_cast<int>(t)) {
                s.k = sk::sig_qu;
                s.a[0] = b.steps[t].a[0];
                changed = true;
            }
    }
    if (changed) liveness();
    return b;
}

}  // namespace detail

template <std::size_t NS, std::size_t NR, std::size_t NN>
struct plan_data {
    std::array<step, NS> steps{};
    std::array<int, NR> roots{};
    static constexpr std::size_t size = NS, nroots = NR, nnums = NN;
};

// The plan of roots R... (types) with parameters named by Names (a fixed order).
template <class Names, class... R>
struct plan_of {
    static constexpr auto names = Names::value;
    static constexpr auto sizes = [] {
        auto b = detail::build<R...>(names);
        return std::array<std::size_t, 2>{b.steps.size(), b.nums.size()};
    }();
    static constexpr auto value = [] {
        auto b = detail::build<R...>(names);
        plan_data<sizes[0], sizeof...(R), sizes[1]> p;
        for (std::size_t i = 0; i < sizes[0]; ++i) p.steps[i] = b.steps[i];
        for (std::size_t i = 0; i < sizeof...(R); ++i) p.roots[i] = b.roots[i];
        return p;
    }();
    // The stored numbers of the root objects, in the plan's order (run time; once).
    static std::array<double, sizes[1]> numbers(const R&... r) {
        if constexpr (sizes[1] == 0) {
            ((void)r, ...);
            return {};
        } else
            return gather(r...);
    }
    [[gnu::noinline]] static std::array<double, sizes[1]> gather(const R&... r) {
        detail::builder b;
        b.params.assign(names.begin(), names.end());
        (collect(r, b), ...);
        std::array<double, sizes[1]> out{};
        for (std::size_t i = 0; i < sizes[1]; ++i) out[i] = b.nums[i];
        return out;
    }
};

// A plan of arithmetic, comparisons and selects only (relu, leaky_relu, hardswish, ...): its
// kernels are bound by memory, not by math, and run at the streaming speed only unrolled.
template <class Plan>
inline constexpr bool cheap_plan = [] {
    constexpr int cheap_calls[] = {op_index<ops::Sign>(), op_index<ops::Abs>(), op_index<ops::Max>(),
                                   op_index<ops::Min>(),  op_index<ops::Where>(), op_index<ops::Lt>(),
                                   op_index<ops::Le>(),   op_index<ops::Gt>(),  op_index<ops::Ge>()};
    for (const step& s : Plan::value.steps) {
        if (!s.live) continue;
        switch (s.k) {
        case sk::var: case sk::cst: case sk::num: case sk::par: case sk::add: case sk::mul: case sk::div:
        case sk::powi: case sk::dy: break;
        case sk::call: {
            bool ok = false;
            for (int c : cheap_calls) ok = ok || c == s.op;
            if (!ok) return false;
            break;
        }
        default: return false;
        }
    }
    return true;
}();

// A plan that draws random numbers (uniform, normal): its kernels need each element's index
// and the call's seed; the others do not pay for them.
namespace detail {
template <std::size_t I> consteval bool noise_op() {
    using O = std::tuple_element_t<I, op_list>;
    if constexpr (std::is_void_v<O>) return false;
    else return requires { O::noise; };
}
inline constexpr auto noise_ops = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<bool, sizeof...(I)>{noise_op<I>()...};
}(std::make_index_sequence<std::tuple_size_v<op_list>>{});
}  // namespace detail
template <class Plan>
inline constexpr bool noisy_plan = [] {
    for (const step& s : Plan::value.steps)
        if (s.live && s.k == sk::call && detail::noise_ops[static_cast<std::size_t>(s.op)]) return true;
    return false;
}();

}  // namespace symact::dsl
