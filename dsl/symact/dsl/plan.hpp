// Compile-time CSE and scheduling: one consteval pass flattens the roots of a kernel (f, f',
// df/dparam, ...) into a fixed-size array of SSA steps. A pure subexpression is one step
// however often it occurs (found by its structural hash); a subexpression holding a stored
// number (`num`) gets a step per occurrence. Ops whose numerics share work in symact::math
// are split here into the shared part and the rest, so that work is shared too:
//   tanh(u), sech2(u)          from t2 = exp(-2|u|)                     (math::tanh_t)
//   sigmoid(+-u), softplus(u)  from t = exp(-|u|), q = t/(1+t)          (math::sigmoid_t/_q)
//   tanh(softplus(u)), sech2(softplus(u))  from the same t = exp(-|u|)  (fused.hpp)
//   exp(u), expm1(u)           from one range reduction                 (math::exp_reduce)
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
    sig_t, sig_q, sigmoid, softplus,          // sigmoid/softplus family
    tanh_t, tanh, sech2, tanh_sp, sech2_sp    // tanh/sech2 family, and fused with softplus
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
    constexpr int param_index(std::string_view name) const {
        for (std::size_t i = 0; i < params.size(); ++i)
            if (params[i] == name) return static_cast<int>(i);
        return -1;
    }
};

template <class T> constexpr std::uint64_t key_of() { if constexpr (T::pure) return T::hash; else return 0; }

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
    if constexpr (E::k == kind::var) {
        s.k = sk::var;
    } else if constexpr (E::k == kind::cst) {
        s.k = sk::cst;
        s.c = E::value;
    } else if constexpr (E::k == kind::num) {
        s.k = sk::num;
        s.idx = static_cast<int>(b.nums.size());
        b.nums.push_back(e.v);
    } else if constexpr (E::k == kind::par) {
        s.k = sk::par;
        s.idx = b.param_index(E::name);
    } else if constexpr (E::k == kind::add) {
        s.k = sk::add;
        s.n = 2;
        s.a[0] = collect(e.lhs(), b);
        s.a[1] = collect(e.rhs(), b);
    } else if constexpr (E::k == kind::mul) {
        using A = decltype(e.lhs());
        using B = decltype(e.rhs());
        s.n = 2;
        s.k = sk::mul;
        // a * b^-1 divides (one rounding instead of two)
        if constexpr (split_pow<B>::is && split_pow<B>::e == ratio{-1, 1}) {
            s.k = sk::div;
            s.a[0] = collect(e.lhs(), b);
            s.a[1] = collect(e.rhs().template arg<0>(), b);
        } else if constexpr (split_pow<A>::is && split_pow<A>::e == ratio{-1, 1}) {
            s.k = sk::div;
            s.a[0] = collect(e.rhs(), b);
            s.a[1] = collect(e.lhs().template arg<0>(), b);
        } else {
            s.a[0] = collect(e.lhs(), b);
            s.a[1] = collect(e.rhs(), b);
        }
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
    for (int r : b.roots) b.steps[static_cast<std::size_t>(r)].live = true;
    for (std::size_t i = b.steps.size(); i-- > 0;) {
        const step& s = b.steps[i];
        if (!s.live) continue;
        for (int j = 0; j < s.n; ++j) b.steps[static_cast<std::size_t>(s.a[j])].live = true;
    }
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

}  // namespace symact::dsl
