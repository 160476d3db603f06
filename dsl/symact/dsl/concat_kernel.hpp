// The kernels of a concatenation (concat.hpp), symact::kernel(concat(e1, ..., eK)). Along the
// channel axis of an (N, C, inner) input (layout{N, C, inner}; default one sample), sample n's
// output is K blocks of C*inner values, y[(n*K + k)*C*inner + j] = e_k(x[n*C*inner + j]), so y
// is (N, K*C, inner) and dy has y's shape:
//   k.forward(x, y, params...)                   y.size() == K * x.size()
//   k.backward(x, dy, dx, params...)             dx = sum_k e_k'(x) dy_k; parameter gradients
//   k.forward_backward(x, dy, y, dx, params...)  summed over the parts
// Each part is an elementwise kernel (kernel.hpp, fused and vectorized) run over chunks of
// about 4096 inputs (whole samples; buffered when samples are smaller), which stay in cache
// between the parts; the backward adds the parts through one chunk-sized buffer. Parameters as for kernel(): name = value or per_channel(values, grads),
// each part getting the ones it uses; noise{seed, offset}: x[i] draws at offset + i in every
// part, as the JIT's concatenation kernels (jit/concat.hpp). Outputs must not overlap inputs.
#pragma once
#include <algorithm>
#include <array>
#include <functional>
#include <span>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <symact/codegen/blocking.hpp>

#include "symact/dsl/concat.hpp"
#include "symact/dsl/kernel.hpp"

namespace symact::dsl {

namespace detail {
template <class L, class... E> struct params_all { using type = L; };
template <class L, class E0, class... E> struct params_all<L, E0, E...> {
    using type = typename params_all<typename params_add<L, E0>::type, E...>::type;
};
template <class P, class L> inline constexpr std::size_t index_in = 0;
template <class P, class... Q> inline constexpr std::size_t index_in<P, std::tuple<Q...>> = [] {
    constexpr bool hit[] = {std::is_same_v<P, Q>..., false};
    std::size_t i = 0;
    while (i < sizeof...(Q) && !hit[i]) ++i;
    return i;
}();
template <class B> struct binding_par;
template <fixed_string N, class T> struct binding_par<binding<N, T>> { using type = par<N>; };
}  // namespace detail

template <class... E> class concat_kernel_t {
public:
    static constexpr std::size_t K = sizeof...(E);
    using params = typename detail::params_all<std::tuple<>, E...>::type;  // of all parts, sorted

    explicit concat_kernel_t(const concat_t<E...>& c)
        : parts_(std::apply([](const E&... e) { return std::tuple<kernel_t<E>...>(kernel_t<E>(e)...); }, c.parts)) {}

    template <class... B> void forward(std::span<const float> x, std::span<float> y, const B&... b) const {
        run<mode::forward, float>(x, {}, y, {}, b...);
    }
    template <class... B> void forward(std::span<const double> x, std::span<double> y, const B&... b) const {
        run<mode::forward, double>(x, {}, y, {}, b...);
    }
    template <class... B>
    grads<params> backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx, const B&... b) const {
        return run<mode::backward, float>(x, dy, {}, dx, b...);
    }
    template <class... B>
    grads<params> backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx,
                           const B&... b) const {
        return run<mode::backward, double>(x, dy, {}, dx, b...);
    }
    template <class... B>
    grads<params> forward_backward(std::span<const float> x, std::span<const float> dy, std::span<float> y,
                                   std::span<float> dx, const B&... b) const {
        return run<mode::fused, float>(x, dy, y, dx, b...);
    }
    template <class... B>
    grads<params> forward_backward(std::span<const double> x, std::span<const double> dy, std::span<double> y,
                                   std::span<double> dx, const B&... b) const {
        return run<mode::fused, double>(x, dy, y, dx, b...);
    }

    template <std::size_t I> const auto& part() const { return std::get<I>(parts_); }

private:
    std::tuple<kernel_t<E>...> parts_;

    template <class S> static bool overlap(std::span<const S> a, std::span<const S> b) {
        if (a.empty() || b.empty()) return false;
        std::less<const S*> lt;
        return lt(a.data(), b.data() + b.size()) && lt(b.data(), a.data() + a.size());
    }

    template <mode Mo, class S, class... B>
    grads<params> run(std::span<const S> x, std::span<const S> dy, std::span<S> y, std::span<S> dx,
                      const B&... b) const {
        constexpr bool args_ok = ((is_binding<B> || is_option<B>) && ...);
        static_assert(args_ok, "symact::kernel(concat(...)): an argument after the arrays is neither a parameter "
                               "value nor an option; pass parameters as name = value (alpha = 1.5)");
        grads<params> out;
        constexpr auto ok = checks<B...>(static_cast<params*>(nullptr));
        static_assert(!args_ok || ok[0], "symact::kernel(concat(...)): a parameter passed by name is not in any part "
                                         "(misspelled?)");
        static_assert(!args_ok || !ok[0] || ok[1], "symact::kernel(concat(...)): a parameter of a part has no value; "
                                                   "pass it as name = value");
        static_assert(!args_ok || !ok[0] || !ok[1] || ok[2], "symact::kernel(concat(...)): a parameter is given twice");
        if constexpr (args_ok && ok[0] && ok[1] && ok[2]) {
            constexpr bool fwd = Mo != mode::backward, bwd = Mo != mode::forward;
            const std::size_t size = x.size();
            if ((fwd && y.size() != K * size) || (bwd && (dy.size() != K * size || dx.size() != size)))
                throw std::invalid_argument("symact::kernel(concat(...)): y and dy need K times x's length, dx x's");
            std::span<const S> cy(y.data(), y.size()), cdx(dx.data(), dx.size());
            if (overlap(x, cy) || overlap(x, cdx) || overlap(dy, cy) || overlap(dy, cdx) || overlap(cy, cdx))
                throw std::invalid_argument("symact::kernel(concat(...)): an output overlaps an input or the other "
                                            "output (a concatenation cannot run in place)");
            layout lay{1, 1, 0};
            noise nz{};
            auto take = [&](const auto& o) {
                using O = std::remove_cvref_t<decltype(o)>;
                if constexpr (std::is_same_v<O, layout>) lay = o;
                else if constexpr (std::is_same_v<O, noise>) nz = o;
            };
            (take(b), ...);
            if (lay.inner == 0 && lay.n * lay.c == 1) lay.inner = size;
            if (lay.n * lay.c * lay.inner != size)
                throw std::invalid_argument("symact::kernel(concat(...)): layout{N, C, inner} does not match the "
                                            "array length");
            if (size == 0) return out;
            const std::size_t C = lay.c, block = C * lay.inner;
            // Per-channel gradients: each part's per-sample sums land here, then are added up.
            std::array<std::vector<S>, std::tuple_size_v<params> + 1> scratch;
            std::array<std::span<S>, std::tuple_size_v<params> + 1> user;
            bool per_channel = false;
            auto prepare = [&](const auto& bd) {
                using Bd = std::remove_cvref_t<decltype(bd)>;
                if constexpr (is_binding<Bd>) {
                    if constexpr (!std::is_same_v<decltype(bd.value), double>) {
                        per_channel = true;
                        constexpr std::size_t i = detail::index_in<typename detail::binding_par<Bd>::type, params>;
                        if (bd.value.value.size() != C)
                            throw std::invalid_argument("symact::kernel(concat(...)): a per-channel parameter needs "
                                                        "one value per channel of the layout");
                        if (!bd.value.grad.empty()) {
                            if (bd.value.grad.size() != C)
                                throw std::invalid_argument("symact::kernel(concat(...)): a per-channel gradient "
                                                            "needs one slot per channel");
                            user[i] = bd.value.grad;
                            std::fill(user[i].begin(), user[i].end(), S(0));
                            scratch[i].assign(C, S(0));
                        }
                    }
                }
            };
            (prepare(b), ...);
            // Chunks of whole samples, the JIT's rule too (symact/codegen/blocking.hpp):
            // several small samples per part call through buffers, a large one in place.
            const std::size_t m = codegen::blocking::concat_samples(lay.n, block);
            const bool direct = m == 1;
            std::vector<S> ty(fwd && !direct ? m * block : 0), tdy(bwd && !direct ? m * block : 0),
                tmp(bwd && K > 1 ? m * block : 0);
            for (std::size_t n0 = 0; n0 < lay.n; n0 += m) {
                const std::size_t count = std::min(m, lay.n - n0), len = count * block;
                // per-channel values need the channels; otherwise one run over the chunk
                const layout part_lay = per_channel ? layout{count, C, lay.inner} : layout{1, 1, len};
                const noise snz{nz.seed, nz.offset + n0 * block};
                auto at = [&](std::size_t s, std::size_t k) { return ((n0 + s) * K + k) * block; };
                auto step = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
                    const S* dyk = nullptr;
                    S* yk = nullptr;
                    if (bwd) {
                        if (direct) dyk = dy.data() + at(0, I);
                        else {
                            for (std::size_t s = 0; s < count; ++s)
                                std::copy_n(dy.data() + at(s, I), block, tdy.data() + s * block);
                            dyk = tdy.data();
                        }
                    }
                    if (fwd) yk = direct ? y.data() + at(0, I) : ty.data();
                    one_part<I, Mo>(x.data() + n0 * block, dyk, yk, bwd ? dx.data() + n0 * block : nullptr, tmp.data(),
                                    len, part_lay, snz, scratch, user, out, b...);
                    if (fwd && !direct)
                        for (std::size_t s = 0; s < count; ++s)
                            std::copy_n(ty.data() + s * block, block, y.data() + at(s, I));
                };
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    (step(std::integral_constant<std::size_t, I>{}), ...);
                }(std::make_index_sequence<K>{});
            }
        }
        return out;
    }

    // Every name bound is a parameter of some part; each part's parameters are all bound; once.
    template <class... B, class... P> static constexpr std::array<bool, 3> checks(std::tuple<P...>*) {
        return {(detail::known_binding<B, P...> && ...), ((detail::times_bound<P, B...> >= 1) && ...),
                ((detail::times_bound<P, B...> <= 1) && ...)};
    }

    // Part I over a chunk of `len` inputs: its own bindings (per-channel gradients into scratch),
    // then its dx added to the first part's and its parameter gradients to the concatenation's.
    template <std::size_t I, mode Mo, class S, class Scratch, class User, class... B>
    void one_part(const S* x, const S* dy, S* y, S* dx_chunk, S* tmp, std::size_t len, layout lay, noise nz,
                  Scratch& scratch, User& user, grads<params>& out, const B&... b) const {
        S* dx = I == 0 ? dx_chunk : tmp;
        const auto& k = std::get<I>(parts_);
        using PK = typename std::tuple_element_t<I, std::tuple<kernel_t<E>...>>::params;
        auto mine = [&](const auto& bd) {
            using Bd = std::remove_cvref_t<decltype(bd)>;
            if constexpr (!is_binding<Bd>) {
                return std::tuple<>{};
            } else {
                using P = typename detail::binding_par<Bd>::type;
                if constexpr (detail::index_in<P, PK> == std::tuple_size_v<PK>) {
                    return std::tuple<>{};
                } else if constexpr (std::is_same_v<decltype(bd.value), double>) {
                    return std::tuple<Bd>{bd};
                } else {
                    constexpr std::size_t i = detail::index_in<P, params>;
                    Bd copy = bd;
                    copy.value.grad = scratch[i].empty() ? std::span<S>() : std::span<S>(scratch[i]);
                    return std::tuple<Bd>{copy};
                }
            }
        };
        (void)mine;  // unused when no parameters are passed
        auto args = std::tuple_cat(mine(b)...);
        const std::span<const S> xs(x, len);
        grads<PK> g;
        std::apply(
            [&](const auto&... a) {
                if constexpr (Mo == mode::forward) k.forward(xs, std::span<S>(y, len), a..., lay, nz);
                else if constexpr (Mo == mode::backward)
                    g = k.backward(xs, std::span<const S>(dy, len), std::span<S>(dx, len), a..., lay, nz);
                else
                    g = k.forward_backward(xs, std::span<const S>(dy, len), std::span<S>(y, len),
                                           std::span<S>(dx, len), a..., lay, nz);
            },
            args);
        if constexpr (Mo != mode::forward) {
            if constexpr (I > 0)
                for (std::size_t j = 0; j < len; ++j) dx_chunk[j] += tmp[j];
            [&]<std::size_t... J>(std::index_sequence<J...>) {
                ((out.g[detail::index_in<std::tuple_element_t<J, PK>, params>] += g.g[J]), ...);
                (([&] {
                     constexpr std::size_t i = detail::index_in<std::tuple_element_t<J, PK>, params>;
                     if (!user[i].empty())
                         for (std::size_t c = 0; c < user[i].size(); ++c) user[i][c] += scratch[i][c];
                 }()),
                 ...);
            }(std::make_index_sequence<std::tuple_size_v<PK>>{});
        }
    }
};

// The kernels of a concatenation.
template <class... E> auto kernel(const concat_t<E...>& c) { return concat_kernel_t<E...>(c); }

}  // namespace symact::dsl

namespace symact {
using dsl::kernel;  // again: a using-declaration sees only the overloads declared before it
}
