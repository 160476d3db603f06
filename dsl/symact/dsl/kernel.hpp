// symact::kernel(f): fused elementwise kernels of a DSL expression.
//   k.forward(x, y, params...)                  y = f(x)
//   k.backward(x, dy, dx, params...)            dx = f'(x) dy; returns sum(df/dp dy) per param
//   k.forward_backward(x, dy, y, dx, params...) both in one pass, sharing subexpressions
// float or double spans of one length (any length). y may be x and dx may be dy (in place);
// other overlaps are not allowed. params: `alpha = 1.5` per tensor, `a = per_channel(v, g)`
// per channel with a `layout{N, C, inner}`, and optionally `threads{n}` and, for
// expressions that draw noise, `noise{seed, offset}` (params.hpp).
#pragma once
#include <algorithm>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

#include "symact/dsl/diff.hpp"
#include "symact/dsl/eval.hpp"
#include "symact/dsl/params.hpp"

namespace symact::dsl {

enum class mode { forward, backward, fused };

namespace detail {

inline constexpr std::size_t block = 256;  // elements per gradient block
inline constexpr std::size_t lanes = 16;   // independent partial sums (vectorizable)

// One contiguous run of elements with fixed parameter values, no aliasing. G = number of
// parameter gradient roots.
// flatten: every op's eval (ops.hpp) and the math under it are inlined into the loop, which
// is what lets it vectorize (g++ otherwise keeps e.g. ops::Erf::eval<float> as a call).
// Noise (noisy plans only): element i of a run is number (hi << 32) + lo + i of the stream
// keyed by (k0, k1); a run never crosses a multiple of 2^32 (run_any splits it), so the
// counter's low word is lo + i.
struct noise_at {
    std::uint32_t lo = 0, hi = 0, k0 = 0, k1 = 0;
};

template <class Plan, mode Mo, std::size_t G, class S>
SYMACT_DSL_FLATTEN void run(const S* __restrict xs, const S* __restrict dys, S* __restrict ys, S* __restrict dxs,
                            std::size_t n, const S* __restrict pv, const S* __restrict nv, double* __restrict gsum,
                            noise_at nz) {
    constexpr std::size_t F = Mo == mode::fused ? 1 : 0;  // index of f' among the roots
    auto one = [&](std::size_t i, S& gout0, S* gout) SYMACT_DSL_INLINE_LAMBDA {
        machine<Plan, S> m;
        m.pv = pv;
        m.nv = nv;
        if constexpr (noisy_plan<Plan>) {
            using U = math::uscalar_t<S>;
            m.nlo = static_cast<U>(static_cast<U>(nz.lo) + static_cast<U>(i));
            m.nhi = nz.hi;
            m.nk0 = nz.k0;
            m.nk1 = nz.k1;
        } else
            (void)nz;
        m(xs[i]);
        if constexpr (Mo == mode::forward) {
            ys[i] = m.template root<0>();
            (void)gout0, (void)gout;
        } else {
            S dy = dys[i];
            if constexpr (Mo == mode::fused) ys[i] = m.template root<0>();
            dxs[i] = m.template root<F>() * dy;
            [&]<std::size_t... J>(std::index_sequence<J...>) {
                ((gout[J] = m.template root<F + 1 + J>() * dy), ...);
            }(std::make_index_sequence<G>{});
            (void)gout0;
        }
    };
    if constexpr (Mo == mode::forward || G == 0) {
        S dummy = 0;
        if constexpr (cheap_plan<Plan>) {
            // one vector per iteration leaves relu at 1.5x the streaming time in cache
#pragma GCC unroll 4
            for (std::size_t i = 0; i < n; ++i) one(i, dummy, nullptr);
        } else {
            for (std::size_t i = 0; i < n; ++i) one(i, dummy, nullptr);
        }
    } else {
        double acc[G][lanes] = {};
        for (std::size_t b0 = 0; b0 < n; b0 += block) {
            const std::size_t m = std::min(block, n - b0);
            S tmp[G][block];
            for (std::size_t i = 0; i < m; ++i) {
                S g[G];
                S dummy = 0;
                one(b0 + i, dummy, g);
                for (std::size_t j = 0; j < G; ++j) tmp[j][i] = g[j];
            }
            for (std::size_t j = 0; j < G; ++j) {
                std::size_t i = 0;
                for (; i + lanes <= m; i += lanes)
                    for (std::size_t l = 0; l < lanes; ++l) acc[j][l] += tmp[j][i + l];
                for (; i < m; ++i) acc[j][0] += tmp[j][i];
            }
        }
        for (std::size_t j = 0; j < G; ++j) {
            double s = 0;
            for (std::size_t l = 0; l < lanes; ++l) s += acc[j][l];
            gsum[j] += s;
        }
    }
}

// In place (y is x, or dx is dy): the aliased input goes through a small buffer, so one
// restrict-qualified loop serves every case (fewer instantiations: faster to compile).
// nz: the noise of element 0 (noisy plans).
template <class Plan, mode Mo, std::size_t G, class S>
void run_any(const S* x, const S* dy, S* y, S* dx, std::size_t n, const S* pv, const S* nv, double* g, noise nz) {
    if constexpr (noisy_plan<Plan>) {  // split where the index's low word wraps
        const std::uint64_t room = ops::noise_room(nz.offset);
        if (n > room) {
            const std::size_t r = static_cast<std::size_t>(room);
            run_any<Plan, Mo, G, S>(x, dy, y, dx, r, pv, nv, g, nz);
            return run_any<Plan, Mo, G, S>(x + r, dy ? dy + r : nullptr, y ? y + r : nullptr, dx ? dx + r : nullptr,
                                           n - r, pv, nv, g, noise{nz.seed, nz.offset + room});
        }
    }
    const noise_at at{static_cast<std::uint32_t>(nz.offset), static_cast<std::uint32_t>(nz.offset >> 32),
                      static_cast<std::uint32_t>(nz.seed), static_cast<std::uint32_t>(nz.seed >> 32)};
    const bool xy = y && y == x, dd = dx && dx == dy;
    if (!xy && !dd) return run<Plan, Mo, G, S>(x, dy, y, dx, n, pv, nv, g, at);
    constexpr std::size_t chunk = 1024;
    alignas(64) S xb[chunk], db[chunk];
    for (std::size_t i = 0; i < n; i += chunk) {
        const std::size_t m = std::min(chunk, n - i);
        if (xy) std::copy(x + i, x + i + m, xb);
        if (dd) std::copy(dy + i, dy + i + m, db);
        noise_at ai = at;
        ai.lo += static_cast<std::uint32_t>(i);
        run<Plan, Mo, G, S>(xy ? xb : x + i, dy ? (dd ? db : dy + i) : nullptr, y ? y + i : nullptr,
                            dx ? dx + i : nullptr, m, pv, nv, g, ai);
    }
}

// The thread pool of a call: work(t) for t in [0, T), joined. Not a template: instantiated
// once per TU, not once per kernel.
inline void parallel(unsigned T, void (*work)(void*, unsigned), void* ctx) {
    std::vector<std::thread> pool;
    pool.reserve(T);
    for (unsigned t = 0; t < T; ++t) pool.emplace_back(work, ctx, t);
    for (auto& th : pool) th.join();
}

template <class B, class P> inline constexpr bool binds = false;
template <fixed_string N, class T, fixed_string M> inline constexpr bool binds<binding<N, T>, par<M>> =
    N.view() == M.view();

template <class B, class... P> inline constexpr bool known_binding = !is_binding<B> || (binds<B, P> || ...);
template <class P, class... B> inline constexpr std::size_t times_bound = (std::size_t{binds<B, P>} + ... + 0);

}  // namespace detail

template <class F, class L = params_of<F>> class kernel_t;

template <class F, class... P>
class kernel_t<F, std::tuple<P...>> {
public:
    using params = std::tuple<P...>;
    using names = names_of<params>;
    static constexpr std::size_t np = sizeof...(P);
    using DX = decltype(d(F{}, x));
    using fwd_plan = plan_of<names, F>;
    using bwd_plan = plan_of<names, DX, decltype(d(F{}, P{}))...>;
    using fused_plan = plan_of<names, F, DX, decltype(d(F{}, P{}))...>;

    explicit kernel_t(const F& f)
        : f_(f),
          nums_fwd_(fwd_plan::numbers(f)),
          nums_bwd_(bwd_plan::numbers(d(f, x), d(f, P{})...)),
          nums_fused_(fused_plan::numbers(f, d(f, x), d(f, P{})...)) {}

    // Type-erased entry (the aot registry): parameter values in the order of `names`,
    // per tensor; gradients (if not null) written in the same order.
    template <mode Mo, class S>
    void run_raw(const S* x, const S* dy, S* y, S* dx, std::size_t n, const double* pv, double* gout,
                 unsigned nthreads = 1, noise nz = {}) const {
        call_args<S> a;
        for (std::size_t i = 0; i < np; ++i) a.pv[i] = static_cast<S>(pv[i]);
        a.lay.inner = n;
        a.nthreads = nthreads;
        a.nz = nz;
        grads<params> out;
        dispatch<Mo>(a, x, dy, y, dx, out);
        if (gout)
            for (std::size_t i = 0; i < np; ++i) gout[i] = out.g[i];
    }

    // y = f(x)
    template <class... B> void forward(std::span<const float> x, std::span<float> y, const B&... b) const {
        exec<mode::forward, typename decltype(x)::value_type>(x.data(), nullptr, y.data(), nullptr, sizes(x, y), b...);
    }
    template <class... B> void forward(std::span<const double> x, std::span<double> y, const B&... b) const {
        exec<mode::forward, typename decltype(x)::value_type>(x.data(), nullptr, y.data(), nullptr, sizes(x, y), b...);
    }
    // dx = f'(x) dy; returns the per-tensor parameter gradients sum(df/dp dy)
    template <class... B>
    grads<params> backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx, const B&... b) const {
        return exec<mode::backward, typename decltype(x)::value_type>(x.data(), dy.data(), nullptr, dx.data(), sizes(x, dy, dx), b...);
    }
    template <class... B>
    grads<params> backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx, const B&... b) const {
        return exec<mode::backward, typename decltype(x)::value_type>(x.data(), dy.data(), nullptr, dx.data(), sizes(x, dy, dx), b...);
    }
    // both in one pass
    template <class... B>
    grads<params> forward_backward(std::span<const float> x, std::span<const float> dy, std::span<float> y,
                                   std::span<float> dx, const B&... b) const {
        return exec<mode::fused, typename decltype(x)::value_type>(x.data(), dy.data(), y.data(), dx.data(), sizes(x, dy, y, dx), b...);
    }
    template <class... B>
    grads<params> forward_backward(std::span<const double> x, std::span<const double> dy, std::span<double> y,
                                   std::span<double> dx, const B&... b) const {
        return exec<mode::fused, typename decltype(x)::value_type>(x.data(), dy.data(), y.data(), dx.data(), sizes(x, dy, y, dx), b...);
    }

    const F& expression() const { return f_; }

private:
    F f_;
    decltype(fwd_plan::numbers(F{})) nums_fwd_;
    decltype(bwd_plan::numbers(DX{}, decltype(d(F{}, P{})){}...)) nums_bwd_;
    decltype(fused_plan::numbers(F{}, DX{}, decltype(d(F{}, P{})){}...)) nums_fused_;

    template <class... A> static std::size_t sizes(const A&... a) {
        std::size_t n = std::get<0>(std::tie(a...)).size();
        if (((a.size() != n) || ...)) throw std::invalid_argument("symact::kernel: arrays of different lengths");
        return n;
    }

    template <mode Mo> const auto& numbers() const {
        if constexpr (Mo == mode::forward) return nums_fwd_;
        else if constexpr (Mo == mode::backward) return nums_bwd_;
        else return nums_fused_;
    }

    template <class S> struct call_args {
        S pv[np + 1]{};
        const S* chan[np + 1]{};  // per-channel values, or null
        S* gchan[np + 1]{};       // per-channel gradient outputs, or null
        layout lay{};
        unsigned nthreads = 1;
        noise nz{};
    };

    template <class S, class Bd> static void take(call_args<S>& a, const Bd& b) {
        if constexpr (std::is_same_v<Bd, layout>) a.lay = b;
        else if constexpr (std::is_same_v<Bd, threads>) a.nthreads = b.n ? b.n : std::max(1u, std::thread::hardware_concurrency());
        else if constexpr (std::is_same_v<Bd, noise>) a.nz = b;
    }

    template <class S, class Bd> static void bind_one(call_args<S>& a, const Bd& b, std::size_t i) {
        if constexpr (std::is_same_v<decltype(b.value), double>) {
            a.pv[i] = static_cast<S>(b.value);
        } else {
            static_assert(std::is_same_v<decltype(b.value), per_channel_t<S>>,
                          "symact::kernel: per-channel values must be per_channel(span of the kernel's element type)");
            a.chan[i] = b.value.value.data();
            a.gchan[i] = b.value.grad.empty() ? nullptr : b.value.grad.data();
        }
    }

    template <mode Mo, class S, class... B>
    grads<params> exec(const S* x, const S* dy, S* y, S* dx, std::size_t n, const B&... b) const {
        constexpr bool args_ok = ((is_binding<B> || is_option<B>) && ...);
        constexpr bool names_ok = (detail::known_binding<B, P...> && ...);
        constexpr bool all_bound = ((detail::times_bound<P, B...> >= 1) && ...);
        constexpr bool once = ((detail::times_bound<P, B...> <= 1) && ...);
        static_assert(args_ok, "symact::kernel: an argument after the arrays is neither a parameter value nor an "
                               "option; pass parameters as name = value (alpha = 1.5)");
        static_assert(!args_ok || names_ok, "symact::kernel: a parameter passed by name is not in the expression "
                                            "(misspelled?); pass only the expression's parameters");
        static_assert(!args_ok || !names_ok || all_bound, "symact::kernel: a parameter of the expression has no "
                                                          "value; pass it as name = value (e.g. alpha = 1.5)");
        static_assert(!args_ok || !names_ok || once, "symact::kernel: a parameter is given twice");
        grads<params> out;
        if constexpr (args_ok && names_ok && all_bound && once) {
            call_args<S> a;
            (take(a, b), ...);
            // bind each parameter P_i from the binding with its name
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                (([&] {
                     auto pick = [&](const auto& bd) {
                         using Bd = std::remove_cvref_t<decltype(bd)>;
                         if constexpr (detail::binds<Bd, std::tuple_element_t<I, params>>) bind_one(a, bd, I);
                     };
                     (pick(b), ...);
                 }()),
                 ...);
            }(std::make_index_sequence<np>{});
            if (a.lay.inner == 0 && a.lay.n * a.lay.c == 1) a.lay.inner = n;
            if (a.lay.n * a.lay.c * a.lay.inner != n)
                throw std::invalid_argument("symact::kernel: layout{N, C, inner} does not match the array length");
            for (std::size_t i = 0; i < np; ++i)
                if (a.chan[i] && a.lay.c == 0) throw std::invalid_argument("symact::kernel: no channels");
            dispatch<Mo>(a, x, dy, y, dx, out);
        }
        return out;
    }

    template <mode Mo, class S>
    void dispatch(call_args<S>& a, const S* x, const S* dy, S* y, S* dx, grads<params>& out) const {
        using Plan = std::conditional_t<Mo == mode::forward, fwd_plan,
                                        std::conditional_t<Mo == mode::backward, bwd_plan, fused_plan>>;
        (void)a;
        constexpr std::size_t G = Mo == mode::forward ? 0 : np;
        const auto& dnums = numbers<Mo>();
        std::array<S, std::tuple_size_v<std::remove_cvref_t<decltype(dnums)>> + 1> nv{};
        for (std::size_t i = 0; i < dnums.size(); ++i) nv[i] = static_cast<S>(dnums[i]);
        const std::size_t rows = a.lay.n * a.lay.c, inner = a.lay.inner, C = a.lay.c;
        bool per_channel = false;
        for (std::size_t i = 0; i < np; ++i) per_channel |= a.chan[i] != nullptr;
        if constexpr (noisy_plan<Plan>)
            if (!ops::noise_in_range(a.nz.offset, rows * inner))
                throw std::invalid_argument("symact::kernel: noise{seed, offset}: offset + length is beyond "
                                            "2^48 elements, the noise ops' index range");

        // Work on rows [r0, r1) (per channel) or elements [e0, e1) of a single row.
        auto work = [&](std::size_t r0, std::size_t r1, std::size_t e0, std::size_t e1, double* gs,
                        double* gc /* [np][C] */) {
            S pv[np + 1] = {};
            for (std::size_t i = 0; i < np; ++i) pv[i] = a.pv[i];
            for (std::size_t r = r0; r < r1; ++r) {
                const std::size_t c = r % (C ? C : 1);
                for (std::size_t i = 0; i < np; ++i)
                    if (a.chan[i]) pv[i] = a.chan[i][c];
                const std::size_t off = r * inner + e0, len = e1 - e0;
                double g[np + 1] = {};
                detail::run_any<Plan, Mo, G, S>(x + off, dy ? dy + off : nullptr, y ? y + off : nullptr,
                                                dx ? dx + off : nullptr, len, pv, nv.data(), g,
                                                noise{a.nz.seed, a.nz.offset + off});
                for (std::size_t i = 0; i < np; ++i) {
                    if (a.chan[i]) gc[i * C + c] += g[i];
                    else gs[i] += g[i];
                }
            }
        };

        const unsigned T = a.nthreads;
        std::vector<double> gs((np + 1) * T, 0.0), gc((np * C + 1) * T, 0.0);
        const std::size_t stride_c = np * C + 1;
        if (T <= 1 || rows * inner < 4096) {
            if (rows == 1) work(0, 1, 0, inner, gs.data(), gc.data());
            else work(0, rows, 0, inner, gs.data(), gc.data());
        } else {
            auto one = [&](unsigned t) {
                if (rows == 1) {  // split the elements (multiples of 64 keep vectors aligned)
                    std::size_t per = (inner + T - 1) / T;
                    per = (per + 63) / 64 * 64;
                    std::size_t e0 = std::min<std::size_t>(inner, t * per), e1 = std::min(inner, e0 + per);
                    if (e0 < e1) work(0, 1, e0, e1, gs.data() + t * (np + 1), gc.data() + t * stride_c);
                } else {
                    std::size_t r0 = rows * t / T, r1 = rows * (t + 1) / T;
                    work(r0, r1, 0, inner, gs.data() + t * (np + 1), gc.data() + t * stride_c);
                }
            };
            detail::parallel(T, [](void* c, unsigned t) { (*static_cast<decltype(one)*>(c))(t); }, &one);
        }
        // combine partial sums (in thread order: deterministic for a given thread count)
        for (std::size_t i = 0; i < np; ++i) {
            double s = 0;
            for (unsigned t = 0; t < T; ++t) s += gs[t * (np + 1) + i];
            out.g[i] = s;
            if (a.gchan[i])
                for (std::size_t c = 0; c < C; ++c) {
                    double sc = 0;
                    for (unsigned t = 0; t < T; ++t) sc += gc[t * stride_c + i * C + c];
                    a.gchan[i][c] = static_cast<S>(sc);
                }
        }
    }
};

// The kernels of an expression.
template <class F> constexpr auto kernel(const F& f) {
    static_assert(expr<F>, "symact::kernel(f): f is not a symact::dsl expression");
    return kernel_t<F>(f);
}

}  // namespace symact::dsl

namespace symact {
using dsl::kernel;
}
