// Concatenation kernels (symact/jit/concat.hpp): each sample's block of x through every part,
// through Kernel::run, the untyped entry, so the per-call work is pointer arithmetic.
#include "symact/jit/concat.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "symact/codegen/blocking.hpp"
#include "symact/codegen/concat.hpp"
#include "symact/error.hpp"

namespace symact::jit {

namespace {

constexpr const char* mode_name[] = {"forward", "backward", "forward_backward"};

template <class T> bool overlap(std::span<const T> a, std::span<const T> b) {
    if (a.empty() || b.empty()) return false;
    std::less<const T*> lt;  // a total order, also across arrays
    return lt(a.data(), b.data() + b.size()) && lt(b.data(), a.data() + a.size());
}

template <class T>
ParamGrads run(const std::vector<Kernel>& parts, const std::vector<std::string>& names, int mode,
               std::span<const T> x, std::span<const T> dy, std::span<T> y, std::span<T> dx,
               const ParamValues& p, Layout l, Noise noise) {
    const char* what = mode_name[mode];
    if (parts.empty()) throw error(fmt::format("{}: empty concatenation kernel handle", what));
    const DType t = std::is_same_v<T, float> ? DType::f32 : DType::f64;
    auto tn = [](DType d) { return d == DType::f32 ? "float32" : "float64"; };
    if (parts[0].dtype() != t)  // Kernel::run takes untyped data: check here
        throw error(fmt::format("{}: the kernel was compiled for {} but called with {} data", what,
                                tn(parts[0].dtype()), tn(t)));
    const std::size_t K = parts.size(), size = x.size();
    if (size > SIZE_MAX / K) throw error(fmt::format("{}: {} parts of {} elements overflow size_t", what, K, size));
    auto need = [&](const char* name, std::size_t got, std::size_t want) {
        if (got != want)
            throw error(fmt::format("{}: {} has {} elements; {} parts of x's {} need {}", what, name, got, K,
                                    size, want));
    };
    const bool fwd = mode != 1, bwd = mode != 0;
    if (fwd) need("y", y.size(), K * size);
    if (bwd) {
        need("dy", dy.size(), K * size);
        if (dx.size() != size)
            throw error(fmt::format("{}: x has {} elements but dx has {}", what, size, dx.size()));
    }
    std::span<const T> cy(y.data(), y.size()), cdx(dx.data(), dx.size());
    if (overlap(x, cy) || overlap(x, cdx) || overlap(dy, cy) || overlap(dy, cdx) || overlap(cy, cdx))
        throw error(fmt::format("{}: an output overlaps an input or the other output (a concatenation "
                                "cannot run in place)",
                                what));
    for (const auto& [name, v] : p)
        if (std::find(names.begin(), names.end(), name) == names.end())
            throw error(names.empty()
                            ? fmt::format("{}: '{}' is not a parameter (the expression has none)", what, name)
                            : fmt::format("{}: '{}' is not a parameter (its parameters: {})", what, name,
                                          fmt::join(names, ", ")));
    for (const auto& name : names)
        if (!p.count(name)) throw error(fmt::format("{}: parameter '{}' has no value", what, name));
    const std::size_t C = l.channels;
    if (C == 0) throw error(fmt::format("{}: layout with 0 channels", what));
    const std::size_t inner = l.inner ? l.inner : size / C;
    if (size != 0 && (inner == 0 || size % (C * inner) != 0))
        throw error(fmt::format("{}: {} elements do not form (N, {} channels, {} inner)", what, size, C,
                                l.inner ? l.inner : size / C));

    ParamGrads g;
    if (bwd)
        for (const auto& name : names) g[name].assign(p.find(name)->second.size(), 0.0);
    if (size == 0) return g;

    // Each part's parameters in its order, and room for its gradients.
    struct Args {
        std::vector<const double*> values;
        std::vector<std::size_t> counts;
        std::vector<std::vector<double>> grads;
        std::vector<double*> grad_ptrs;
    };
    std::vector<Args> args(K);
    for (std::size_t k = 0; k < K; ++k)
        for (const auto& name : parts[k].params()) {
            const auto& v = p.find(name)->second;
            args[k].values.push_back(v.data());
            args[k].counts.push_back(v.size());
            args[k].grads.emplace_back(v.size());
        }
    for (auto& a : args)
        for (auto& v : a.grads) a.grad_ptrs.push_back(v.data());

    // Samples go through the parts in chunks of about `chunk` elements, so that the per-call
    // work is amortised when samples are small (an MLP's (N, C)); a chunk of several samples is
    // written to a buffer and copied to its blocks (and dy gathered from them), a chunk of one
    // sample is read and written in place.
    const std::size_t block = C * inner, N = size / block;
    const std::size_t m = codegen::blocking::concat_samples(N, block);
    const bool direct = m == 1;
    std::vector<T> ty(fwd && !direct ? m * block : 0), tdy(bwd && !direct ? m * block : 0),
        tmp(bwd && K > 1 ? m * block : 0);
    const Layout part_layout{C, inner};
    for (std::size_t n0 = 0; n0 < N; n0 += m) {
        const std::size_t count = std::min(m, N - n0), len = count * block;
        const T* xs = x.data() + n0 * block;
        T* dxs = bwd ? dx.data() + n0 * block : nullptr;
        const Noise part_noise{noise.seed, noise.offset + n0 * block};
        auto out = [&](std::size_t s, std::size_t k) { return ((n0 + s) * K + k) * block; };
        for (std::size_t k = 0; k < K; ++k) {
            const T* dyk = nullptr;
            T* yk = nullptr;
            if (bwd) {
                if (direct) dyk = dy.data() + out(0, k);
                else {
                    for (std::size_t s = 0; s < count; ++s)
                        std::copy_n(dy.data() + out(s, k), block, tdy.data() + s * block);
                    dyk = tdy.data();
                }
            }
            if (fwd) yk = direct ? y.data() + out(0, k) : ty.data();
            parts[k].run(mode, xs, dyk, yk, bwd ? (k == 0 ? dxs : tmp.data()) : nullptr, len, part_layout,
                         args[k].values.data(), args[k].counts.data(), bwd ? args[k].grad_ptrs.data() : nullptr,
                         part_noise);
            if (fwd && !direct)
                for (std::size_t s = 0; s < count; ++s) std::copy_n(ty.data() + s * block, block, y.data() + out(s, k));
            if (!bwd) continue;
            if (k > 0)
                for (std::size_t j = 0; j < len; ++j) dxs[j] += tmp[j];
            const auto& pn = parts[k].params();
            for (std::size_t j = 0; j < pn.size(); ++j) {
                auto& acc = g[pn[j]];
                for (std::size_t c = 0; c < acc.size(); ++c) acc[c] += args[k].grads[j][c];
            }
        }
    }
    return g;
}

}  // namespace

#define SYMACT_TYPED(T)                                                                           \
    void ConcatKernel::forward(std::span<const T> x, std::span<T> y, const ParamValues& p, Layout l, \
                               Noise n) const {                                                   \
        run<T>(parts_, params_, 0, x, {}, y, {}, p, l, n);                                        \
    }                                                                                             \
    ParamGrads ConcatKernel::backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx, \
                                      const ParamValues& p, Layout l, Noise n) const {            \
        return run<T>(parts_, params_, 1, x, dy, {}, dx, p, l, n);                                \
    }                                                                                             \
    ParamGrads ConcatKernel::forward_backward(std::span<const T> x, std::span<const T> dy,       \
                                              std::span<T> y, std::span<T> dx,                    \
                                              const ParamValues& p, Layout l, Noise n) const {    \
        return run<T>(parts_, params_, 2, x, dy, y, dx, p, l, n);                                 \
    }
SYMACT_TYPED(float)
SYMACT_TYPED(double)
#undef SYMACT_TYPED

std::string ConcatKernel::expression() const {
    std::vector<std::string> e;
    for (const auto& k : parts_) e.push_back(k.expression());
    return fmt::format("concat({})", fmt::join(e, ", "));
}

DType ConcatKernel::dtype() const {
    if (parts_.empty()) throw error("empty concatenation kernel handle");
    return parts_[0].dtype();
}

ConcatKernel compile_concat(std::string_view expr, const Options& opts) {
    ConcatKernel k;
    auto split = codegen::split_concat(expr);
    if (!split) {
        k.parts_.push_back(compile(expr, opts));
    } else {
        for (const auto& part : *split) {
            try {
                k.parts_.push_back(compile(part.text, opts));
            } catch (const error& e) {
                codegen::rethrow_in_input(e, part, expr);
            }
        }
    }
    for (const auto& part : k.parts_) k.params_.insert(k.params_.end(), part.params().begin(), part.params().end());
    std::sort(k.params_.begin(), k.params_.end());
    k.params_.erase(std::unique(k.params_.begin(), k.params_.end()), k.params_.end());
    return k;
}

}  // namespace symact::jit
