// Kernel calls: argument checks, then one call of the compiled loop per contiguous run of
// elements that share parameter values (the whole array when every parameter is per
// tensor; each (n, c) slice of `inner` elements otherwise).
#include <algorithm>

#include <fmt/format.h>

#include "abi.hpp"
#include "kernel_impl.hpp"
#include "symact/codegen/ops.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"

namespace symact::jit {

using detail::KernelFn;
using detail::Mode;

namespace {
constexpr const char* mode_name[] = {"forward", "backward", "forward_backward"};

template <class T> struct Typed;
template <> struct Typed<float> { static constexpr DType t = DType::f32; };
template <> struct Typed<double> { static constexpr DType t = DType::f64; };

// Calls machine code made by LLVM at run time: it has no type-signature prefix, which
// clang's -fsanitize=function (part of "undefined") reads before an indirect call's target
// (a SEGV when the code starts a page). Not checked here, on purpose.
#if defined(__clang__)
#define SYMACT_CALLS_JIT_CODE __attribute__((no_sanitize("function")))
#else
#define SYMACT_CALLS_JIT_CODE
#endif

// One call of the code over n elements, element 0 at index `offset`. A noisy kernel counts
// the index's low 32 bits without carry (emit.cpp), so its call is split where they wrap;
// dparam accumulates across the pieces.
template <class T>
SYMACT_CALLS_JIT_CODE void call_code(KernelFn fn, bool noisy, const T* x, const T* dy, T* y, T* dx, std::size_t n,
                                     const T* pv, double* acc, std::uint64_t seed, std::uint64_t offset) {
    while (noisy && n > 0) {
        const std::uint64_t room = ops::noise_room(offset);
        if (n <= room) break;
        const std::size_t m = static_cast<std::size_t>(room);
        fn(x, dy, y, dx, static_cast<std::int64_t>(m), pv, acc, seed, offset);
        x += m, dy = dy ? dy + m : nullptr, y = y ? y + m : nullptr, dx = dx ? dx + m : nullptr;
        n -= m, offset += m;
    }
    fn(x, dy, y, dx, static_cast<std::int64_t>(n), pv, acc, seed, offset);
}

template <class T>
SYMACT_CALLS_JIT_CODE void run_typed(const detail::KernelImpl& k, Mode mode, const T* x, const T* dy, T* y, T* dx,
               std::size_t size, Layout l, const double* const* params,
               const std::size_t* counts, double* const* grads, Noise noise) {
    const std::size_t P = k.params.size();
    auto fn = reinterpret_cast<KernelFn>(k.code.fn[static_cast<int>(mode)]);
    const bool noisy = k.fn && k.fn->has_noise();
    const bool grad = mode != Mode::forward;
    std::vector<T> pv(P);
    std::vector<double> acc(P);
    bool per_channel = false;
    for (std::size_t j = 0; j < P; ++j) {
        per_channel = per_channel || counts[j] != 1;
        pv[j] = static_cast<T>(params[j][0]);
        if (grad) std::fill(grads[j], grads[j] + counts[j], 0.0);
    }
    if (!per_channel) {
        call_code(fn, noisy, x, dy, y, dx, size, pv.data(), acc.data(), noise.seed, noise.offset);
        if (grad)
            for (std::size_t j = 0; j < P; ++j) grads[j][0] = acc[j];
        return;
    }
    const std::size_t C = l.channels, inner = l.inner ? l.inner : size / C;
    const std::size_t N = size / (C * inner);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t c = 0; c < C; ++c) {
            for (std::size_t j = 0; j < P; ++j) {
                pv[j] = static_cast<T>(params[j][counts[j] == 1 ? 0 : c]);
                acc[j] = 0;
            }
            std::size_t off = (n * C + c) * inner;
            call_code(fn, noisy, x + off, dy ? dy + off : nullptr, y ? y + off : nullptr, dx ? dx + off : nullptr,
                      inner, pv.data(), acc.data(), noise.seed, noise.offset + off);
            if (grad)
                for (std::size_t j = 0; j < P; ++j) grads[j][counts[j] == 1 ? 0 : c] += acc[j];
        }
}

void run_checked(const detail::KernelImpl& k, Mode mode, DType t, const void* x, const void* dy,
                 void* y, void* dx, std::size_t size, Layout l, const double* const* params,
                 const std::size_t* counts, double* const* grads, Noise noise) {
    const char* what = mode_name[static_cast<int>(mode)];
    auto tn = [](DType d) { return d == DType::f32 ? "float32" : "float64"; };
    if (t != k.dtype)
        throw error(fmt::format("{}: the kernel was compiled for {} but called with {} data", what,
                                tn(k.dtype), tn(t)));
    const std::size_t C = l.channels;
    if (C == 0) throw error(fmt::format("{}: layout with 0 channels", what));
    const std::size_t inner = l.inner ? l.inner : size / C;
    if (size != 0 && (inner == 0 || size % (C * inner) != 0))
        throw error(fmt::format("{}: {} elements do not form (N, {} channels, {} inner)", what, size,
                                C, l.inner ? l.inner : size / C));
    for (std::size_t j = 0; j < k.params.size(); ++j) {
        if (!params || !params[j] || !counts)
            throw error(fmt::format("{}: parameter '{}' has no value", what, k.params[j]));
        if (counts[j] != 1 && counts[j] != C)
            throw error(fmt::format("{}: parameter '{}' has {} values; give 1 (per tensor) or {} "
                                    "(one per channel)", what, k.params[j], counts[j], C));
        if (mode != Mode::forward && (!grads || !grads[j]))
            throw error(fmt::format("{}: no room for the gradient of '{}'", what, k.params[j]));
    }
    if ((mode != Mode::backward && (!x || !y) && size) || (mode != Mode::forward && (!x || !dy || !dx) && size))
        throw error(fmt::format("{}: null data pointer", what));
    if (k.fn && k.fn->has_noise() && !ops::noise_in_range(noise.offset, size))
        throw error(fmt::format("{}: noise offset {} + {} elements is beyond 2^48, the noise ops' index range",
                                what, noise.offset, size));
    if (size == 0) {
        if (mode != Mode::forward)
            for (std::size_t j = 0; j < k.params.size(); ++j) std::fill(grads[j], grads[j] + counts[j], 0.0);
        return;
    }
    if (k.dtype == DType::f32)
        run_typed<float>(k, mode, static_cast<const float*>(x), static_cast<const float*>(dy),
                         static_cast<float*>(y), static_cast<float*>(dx), size, l, params, counts, grads,
                         noise);
    else
        run_typed<double>(k, mode, static_cast<const double*>(x), static_cast<const double*>(dy),
                          static_cast<double*>(y), static_cast<double*>(dx), size, l, params, counts, grads,
                          noise);
}

// The typed entries: name-keyed parameters -> positional arrays, checks, run().
template <class T>
ParamGrads call(const detail::KernelImpl* k, Mode mode, std::span<const T> x, std::span<const T> dy,
                std::span<T> y, std::span<T> dx, const ParamValues& p, Layout l, Noise noise) {
    const char* what = mode_name[static_cast<int>(mode)];
    if (!k) throw error(fmt::format("{}: empty kernel handle", what));
    auto len = [&](const char* name, std::size_t n) {
        if (n != x.size())
            throw error(fmt::format("{}: x has {} elements but {} has {}", what, x.size(), name, n));
    };
    if (mode != Mode::backward) len("y", y.size());
    if (mode != Mode::forward) {
        len("dy", dy.size());
        len("dx", dx.size());
    }
    for (const auto& [name, v] : p)
        if (std::find(k->params.begin(), k->params.end(), name) == k->params.end())
            throw error(k->params.empty()
                            ? fmt::format("{}: '{}' is not a parameter (the expression has none)", what, name)
                            : fmt::format("{}: '{}' is not a parameter (its parameters: {})", what, name,
                                          fmt::join(k->params, ", ")));
    std::vector<const double*> pv;
    std::vector<std::size_t> counts;
    for (const auto& name : k->params) {
        auto it = p.find(name);
        if (it == p.end()) throw error(fmt::format("{}: parameter '{}' has no value", what, name));
        pv.push_back(it->second.data());
        counts.push_back(it->second.size());
    }
    ParamGrads g;
    std::vector<double*> gp;
    if (mode != Mode::forward)
        for (std::size_t j = 0; j < k->params.size(); ++j) {
            auto& v = g[k->params[j]];
            v.resize(counts[j]);
            gp.push_back(v.data());
        }
    run_checked(*k, mode, Typed<T>::t, x.data(), dy.data(), y.data(), dx.data(), x.size(), l,
                pv.data(), counts.data(), gp.data(), noise);
    return g;
}
}  // namespace

#define SYMACT_TYPED(T)                                                                          \
    void Kernel::forward(std::span<const T> x, std::span<T> y, const ParamValues& p, Layout l,  \
                         Noise n) const {                                                        \
        call<T>(impl_.get(), Mode::forward, x, {}, y, {}, p, l, n);                              \
    }                                                                                            \
    ParamGrads Kernel::backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx,   \
                                const ParamValues& p, Layout l, Noise n) const {                 \
        return call<T>(impl_.get(), Mode::backward, x, dy, {}, dx, p, l, n);                     \
    }                                                                                            \
    ParamGrads Kernel::forward_backward(std::span<const T> x, std::span<const T> dy,            \
                                        std::span<T> y, std::span<T> dx, const ParamValues& p,  \
                                        Layout l, Noise n) const {                               \
        return call<T>(impl_.get(), Mode::fused, x, dy, y, dx, p, l, n);                         \
    }
SYMACT_TYPED(float)
SYMACT_TYPED(double)
#undef SYMACT_TYPED

void Kernel::run(int mode, const void* x, const void* dy, void* y, void* dx, std::size_t size,
                 Layout l, const double* const* params, const std::size_t* counts,
                 double* const* grads, Noise noise) const {
    if (!impl_) throw error("run: empty kernel handle");
    if (mode < 0 || mode > 2) throw error(fmt::format("run: mode {} (0 forward, 1 backward, 2 fused)", mode));
    run_checked(*impl_, static_cast<Mode>(mode), impl_->dtype, x, dy, y, dx, size, l, params,
                counts, grads, noise);
}

namespace {
const detail::KernelImpl& get(const std::shared_ptr<const detail::KernelImpl>& p) {
    if (!p) throw error("empty kernel handle");
    return *p;
}
}  // namespace

const std::vector<std::string>& Kernel::params() const { return get(impl_).params; }
std::string Kernel::expression() const { return get(impl_).canonical; }
std::string Kernel::derivative(std::string_view wrt) const {
    const auto& k = get(impl_);
    std::lock_guard lk(k.fn_mu);
    return codegen::to_string(k.fn->derivative(wrt));
}
DType Kernel::dtype() const { return get(impl_).dtype; }
unsigned Kernel::vector_width() const { return get(impl_).width; }
Origin Kernel::origin() const { return get(impl_).origin; }
std::size_t Kernel::object_size() const { return get(impl_).object_size; }
const CompileTimes& Kernel::compile_times() const { return get(impl_).times; }
const std::string& Kernel::ir() const { return get(impl_).ir; }

}  // namespace symact::jit
