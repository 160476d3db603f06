// Parameters at the kernel's edge: the parameter list of an expression (a type list of
// par<"name">), values bound by name at the call (`alpha = 1.5`, or per channel
// `a = per_channel(values, grads)`), the optional layout and thread count, and the
// returned parameter gradients, indexed by the parameter itself (`g[alpha]`).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>

#include "symact/dsl/core.hpp"

namespace symact::dsl {

// ---- the parameters of an expression, sorted by name ----------------------------------------
namespace detail {
template <class T, class L> struct prepend;
template <class T, class... P> struct prepend<T, std::tuple<P...>> { using type = std::tuple<T, P...>; };
template <class L, class E> struct insert_sorted { using type = std::tuple<E>; };
template <class P0, class... P, class E> struct insert_sorted<std::tuple<P0, P...>, E> {
    using type = typename std::conditional_t<(E::name < P0::name), std::type_identity<std::tuple<E, P0, P...>>,
                                             prepend<P0, typename insert_sorted<std::tuple<P...>, E>::type>>::type;
};
// sorted by name: one documented order (kernels, aot, strings)
template <class L, class E> struct params_add { using type = L; };
template <class... P, fixed_string N> struct params_add<std::tuple<P...>, par<N>> {
    using type = typename std::conditional_t<(std::is_same_v<P, par<N>> || ...), std::type_identity<std::tuple<P...>>,
                                             insert_sorted<std::tuple<P...>, par<N>>>::type;
};
template <class L, class A, class B> struct params_add<L, add<A, B>> {
    using type = typename params_add<typename params_add<L, A>::type, B>::type;
};
template <class L, class A, class B> struct params_add<L, mul<A, B>> {
    using type = typename params_add<typename params_add<L, A>::type, B>::type;
};
template <class L, red R, class A> struct params_add<L, row<R, A>> { using type = typename params_add<L, A>::type; };
template <class L, class Op> struct params_add<L, call<Op>> { using type = L; };
template <class L, class Op, class A, class... R> struct params_add<L, call<Op, A, R...>> {
    using type = typename params_add<typename params_add<L, A>::type, call<Op, R...>>::type;
};
}  // namespace detail
template <class E> using params_of = typename detail::params_add<std::tuple<>, E>::type;

template <class L> struct names_of;
template <class... P> struct names_of<std::tuple<P...>> {
    static constexpr std::array<std::string_view, sizeof...(P)> value{P::name...};
};

// ---- values at the call -------------------------------------------------------------------
// Per channel: one value per channel c of an (N, C, inner) layout; its gradient
// sum over n and inner of df/dp * dy is written to `grad` (if not empty).
template <class S>
struct per_channel_t {
    std::span<const S> value;
    std::span<S> grad;
};
template <class S>
per_channel_t<S> per_channel(std::span<const S> value, std::span<S> grad = {}) { return {value, grad}; }
template <class S, class A>
per_channel_t<S> per_channel(const A& value, std::span<S> grad) { return {std::span<const S>(value), grad}; }

template <fixed_string Name, class T>
struct binding {
    static constexpr std::string_view name = Name.view();
    T value;
};

template <fixed_string Name>
template <class T>
constexpr auto par<Name>::operator=(T v) const {
    if constexpr (std::is_arithmetic_v<T>) return binding<Name, double>{static_cast<double>(v)};
    else return binding<Name, T>{v};
}

struct layout {  // an (N, C, inner) tensor: channel c of row n is [(n*C + c)*inner, +inner)
    std::size_t n = 1, c = 1, inner = 0;
};
struct threads {  // split the work over this many threads (0: hardware concurrency)
    unsigned n = 0;
};

// What the noise ops (uniform(lit<k>), normal(lit<k>)) draw from: element x[i] is number
// offset + i (below 2^48) of the stream keyed by seed, as in the JIT (jit::Noise) and the
// reference evaluator. A chunk of a larger array passes its offset; a backward pass the
// forward's noise, to see the same draws. Default {0, 0}.
struct noise {
    std::uint64_t seed = 0, offset = 0;
};

template <class T> inline constexpr bool is_binding = false;
template <fixed_string N, class T> inline constexpr bool is_binding<binding<N, T>> = true;
template <class T> inline constexpr bool is_option =
    std::is_same_v<T, layout> || std::is_same_v<T, threads> || std::is_same_v<T, noise>;

// ---- parameter gradients: g[alpha] ------------------------------------------------------
template <class L> struct grads;
template <class... P> struct grads<std::tuple<P...>> {
    std::array<double, sizeof...(P)> g{};  // per-tensor sums (0 for per-channel parameters)
    template <fixed_string N> double operator[](par<N>) const {
        constexpr std::size_t i = index<N>();
        static_assert(i < sizeof...(P), "symact::kernel: this parameter is not in the expression");
        if constexpr (i < sizeof...(P)) return g[i]; else return 0;
    }
    template <fixed_string N> static constexpr std::size_t index() {
        constexpr bool hit[] = {std::is_same_v<P, par<N>>..., false};
        std::size_t i = 0;
        while (i < sizeof...(P) && !hit[i]) ++i;
        return i;
    }
};

}  // namespace symact::dsl
