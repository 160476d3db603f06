// Runs a plan (plan.hpp) for one element with a backend value type V (float, double, an
// instrumented counter, ...): each live step once, in order, into registers. Registry ops
// run their own ops::S::eval; the split families (plan.hpp) run the symact::math pieces
// that ops' eval is made of, so the shared work is done once.
#pragma once
#include <bit>

#include <symact/math/all.hpp>

#include "symact/dsl/plan.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define SYMACT_DSL_INLINE inline __attribute__((always_inline))
#define SYMACT_DSL_INLINE_LAMBDA __attribute__((always_inline))
#define SYMACT_DSL_FLATTEN __attribute__((flatten, noinline))
#else
#define SYMACT_DSL_FLATTEN
#define SYMACT_DSL_INLINE inline
#define SYMACT_DSL_INLINE_LAMBDA
#endif

namespace symact::dsl {

// Pass (row kernels, row_kernel.hpp): which steps one pass over a row computes; void: the
// plan's own liveness (elementwise kernels).
template <class Plan, class V, class Pass = void>
struct machine {
    using S = math::scalar_t<V>;
    using M = decltype(std::declval<V>() < std::declval<V>());
    static constexpr auto& P = Plan::value;
    static constexpr std::size_t N = P.size;

    V v[N];
    M m[N];
    math::exp_reduced<V> r[N];
    const S* pv;  // parameter values
    const S* nv;  // stored numbers
    // row kernels only: dy of this element, the row's reductions (by step)
    V dyv;
    const S* rv;
    // noise ops only (kernel.hpp): this element's index, as counter words (the low one per
    // element, the high one fixed for a run), and the seed's two words
    using UV = decltype(math::KU<V>(0));
    UV nlo{};
    std::uint32_t nhi = 0, nk0 = 0, nk1 = 0;

    template <std::size_t I> static constexpr bool live() {
        if constexpr (std::is_void_v<Pass>) return P.steps[I].live;
        else return Pass::live[I];
    }
    // row kernels: a value known for the whole row (a reduction, or computed from them)
    template <std::size_t I> static constexpr bool loaded() {
        if constexpr (std::is_void_v<Pass>) return false;
        else return Pass::load[I];
    }

    // A step's value; a comparison used as a number is 1 or 0.
    template <int J> SYMACT_DSL_INLINE V val() const {
        if constexpr (P.steps[J].mask) return math::select(m[J], math::K<V>(1), math::K<V>(0));
        else return v[J];
    }
    template <int J> SYMACT_DSL_INLINE M cond() const {
        if constexpr (P.steps[J].mask) return m[J];
        else return !(v[J] == S(0));
    }
    // a^K by squaring, unrolled at compile time (|K| >= 2: 0 and 1 are simplified away)
    template <int K> static SYMACT_DSL_INLINE V powu(V a) {
        if constexpr (K == 1) return a;
        else if constexpr (K % 2 == 0) { V h = powu<K / 2>(a); return h * h; }
        else return powu<K - 1>(a) * a;
    }
    template <int K> static SYMACT_DSL_INLINE V powi(V a) {
        if constexpr (K < 0) return math::K<V>(1) / powu<-K>(a); else return powu<K>(a);
    }

    // a * d where d decays (plan.hpp): a decayed 0 wins over an inf a, as in the runtime
    // (decay.hpp); a NaN a still gives NaN. A product (a replaced by 1 where d is 0), the 1
    // chosen by a bitwise blend: with `c ? 1 : a` g++ moves the product into the select,
    // then contracts a different a*b + c into an FMA in the fused kernel than in the
    // separate ones, and they no longer round alike.
    static SYMACT_DSL_INLINE V decay_mul(V a, V d) {
        using math::is_nan, math::mask_and, math::mask_not, math::select;
        const auto c = mask_and(d == S(0), mask_not(is_nan(a)));
        if constexpr (std::is_floating_point_v<V>) {  // a blend g++ cannot move the product into
            using U = math::uscalar_t<V>;
            const U m = U(0) - static_cast<U>(c);
            return std::bit_cast<V>((std::bit_cast<U>(a) & ~m) | (std::bit_cast<U>(V(1)) & m)) * d;
        } else
            return select(c, math::K<V>(1), a) * d;
    }

    template <std::size_t I> SYMACT_DSL_INLINE void run(const V& x) {
        constexpr step s = P.steps[I];
        constexpr int a0 = s.a[0], a1 = s.a[1], a2 = s.a[2];
        if constexpr (!live<I>()) return;
        else if constexpr (s.k == sk::var) v[I] = x;
        else if constexpr (s.k == sk::dy) v[I] = dyv;
        else if constexpr (loaded<I>()) {
            if constexpr (s.mask) m[I] = math::K<V>(rv[I]) != S(0);
            else v[I] = math::K<V>(rv[I]);
        }
        else if constexpr (s.k == sk::cst)
            v[I] = math::K<V>(static_cast<S>(static_cast<long double>(s.c.num) / s.c.den));
        else if constexpr (s.k == sk::num) v[I] = math::K<V>(nv[s.idx]);
        else if constexpr (s.k == sk::par) v[I] = math::K<V>(pv[s.idx]);
        else if constexpr (s.k == sk::add) v[I] = val<a0>() + val<a1>();
        else if constexpr (s.k == sk::mul) {
            if constexpr (P.steps[a1].decays && !P.steps[a0].decays) v[I] = decay_mul(val<a0>(), val<a1>());
            else v[I] = val<a0>() * val<a1>();
        }
        else if constexpr (s.k == sk::div) v[I] = val<a0>() / val<a1>();
        else if constexpr (s.k == sk::powi) v[I] = powi<s.idx>(val<a0>());
        else if constexpr (s.k == sk::sqrt) v[I] = ops::Sqrt::eval(val<a0>());
        else if constexpr (s.k == sk::rsqrt) v[I] = math::K<V>(1) / ops::Sqrt::eval(val<a0>());
        else if constexpr (s.k == sk::exp_red) r[I] = math::exp_reduce(val<a0>());
        else if constexpr (s.k == sk::exp) v[I] = math::exp_from(r[a1]);
        else if constexpr (s.k == sk::expm1) v[I] = math::keep_zero(val<a0>(), math::expm1_from(r[a1]));
        else if constexpr (s.k == sk::sig_t) v[I] = math::sigmoid_t(val<a0>());
        else if constexpr (s.k == sk::sig_q) {
            // float32: q from u (its exp reduction is t's, shared after CSE): the same bits
            // as a pass whose q is computed alone (sig_qu); float64 sigmoid_q(t) already is
            if constexpr (math::is_f32<V>) v[I] = math::sigmoid_q_of(val<P.steps[a0].a[0]>());
            else v[I] = math::sigmoid_q(val<a0>());
        }
        else if constexpr (s.k == sk::sig_qu) v[I] = math::sigmoid_q_of(val<a0>());
        else if constexpr (s.k == sk::sigmoid) v[I] = math::sigmoid_from(val<a0>(), val<a1>());
        else if constexpr (s.k == sk::softplus) v[I] = math::softplus_from(val<a0>(), val<a1>());
        else if constexpr (s.k == sk::tanh_t) v[I] = math::tanh_t(val<a0>());
        // float32 tanh and sech2 have their own form (math/tanh.hpp: (1 - t)/(1 + t) from
        // exp's s and p, one division, no polynomial select), which shares its reduction
        // after the compiler's CSE, as in the JIT; the shared t step is then dead code.
        else if constexpr (s.k == sk::tanh) {
            if constexpr (math::is_f32<V>) v[I] = math::tanh(val<a0>());
            else v[I] = math::tanh_from(val<a0>(), val<a1>());
        }
        else if constexpr (s.k == sk::sech2) {
            if constexpr (math::is_f32<V>) v[I] = math::sech2(val<a0>());
            else v[I] = math::sech2_from(val<a1>());
        }
        else if constexpr (s.k == sk::tanh_sp) v[I] = math::tanh_softplus_from(val<a0>(), val<a1>());
        else if constexpr (s.k == sk::sech2_sp) v[I] = math::sech2_softplus_from(val<a0>(), val<a1>());
        else {  // sk::call: the op's own numerics
            using Op = std::tuple_element_t<static_cast<std::size_t>(s.op), op_list>;
            if constexpr (s.mask) m[I] = Op::eval(val<a0>(), val<a1>());
            else if constexpr (std::is_same_v<Op, ops::Where>) v[I] = Op::eval(cond<a0>(), val<a1>(), val<a2>());
            else if constexpr (requires { Op::noise; }) {
                // the stream k is a constant (build.hpp checks it); as lower.hpp's kernels
                static_assert(P.steps[a0].k == sk::cst);
                constexpr auto stream = static_cast<std::uint32_t>(P.steps[a0].c.num);
                v[I] = Op::template eval<V>(nlo, math::KU<V>(nhi), math::KU<V>(nk0), math::KU<V>(nk1), stream);
            }
            else if constexpr (Op::arity == 0) v[I] = Op::template eval<V>();
            else if constexpr (Op::arity == 1) v[I] = Op::eval(val<a0>());
            else v[I] = Op::eval(val<a0>(), val<a1>());
        }
    }

    template <std::size_t... I> SYMACT_DSL_INLINE void run_all(const V& x, std::index_sequence<I...>) {
        (run<I>(x), ...);
    }
    SYMACT_DSL_INLINE void operator()(const V& x) { run_all(x, std::make_index_sequence<N>{}); }
    template <std::size_t R> SYMACT_DSL_INLINE V root() const { return val<P.roots[R]>(); }
};

}  // namespace symact::dsl
