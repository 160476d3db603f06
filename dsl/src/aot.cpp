// The catalog's kernels, instantiated once (float32 and float64; forward, backward, fused)
// and type-erased for the aot registry (aot.hpp). This TU is the "whole catalog" compile.
#include <algorithm>
#include <array>

#include <symact/dsl/aot.hpp>
#include <symact/dsl/catalog.hpp>
#include <symact/dsl/kernel.hpp>
#include <symact/dsl/row_kernel.hpp>
#include <symact/error.hpp>

namespace symact::dsl {
namespace {

// PyTorch's defaults, for parameters the caller does not set; for the noisy activations,
// those of the authors' reference code (NTanhP, NSigmoidP in github.com/caglar/noisy_units).
constexpr double default_of(std::string_view entry, std::string_view p) {
    if (entry.starts_with("noisy_hardtanh")) {
        if (p == "alpha") return 1.15;
        if (p == "c") return 0.5;
    }
    if (entry.starts_with("noisy_hardsigmoid")) {
        if (p == "alpha") return 1.1;
        if (p == "c") return 0.15;
    }
    if (p == "slope") return 0.01;
    if (p == "a") return 0.25;
    if (p == "lower") return 1.0 / 8;
    if (p == "upper") return 1.0 / 3;
    if (p == "lambda") return 0.5;
    if (p == "b") return 4.0;
    return 1.0;  // alpha, beta, p
}

template <const auto& E>
struct entry {
    using K = decltype(kernel(E));
    static const K& k() {
        static const K kk = kernel(E);
        return kk;
    }
    static inline std::array<aot_param, K::np> params{};  // filled by make(): defaults by entry
    template <class S> static void fwd(const S* x, S* y, std::size_t n, const double* p, noise nz) {
        k().template run_raw<mode::forward, S>(x, nullptr, y, nullptr, n, p, nullptr, 1, nz);
    }
    template <class S>
    static void bwd(const S* x, const S* dy, S* dx, std::size_t n, const double* p, double* dp, noise nz) {
        k().template run_raw<mode::backward, S>(x, dy, nullptr, dx, n, p, dp, 1, nz);
    }
    template <class S>
    static void fused(const S* x, const S* dy, S* y, S* dx, std::size_t n, const double* p, double* dp, noise nz) {
        k().template run_raw<mode::fused, S>(x, dy, y, dx, n, p, dp, 1, nz);
    }
    static aot_kernel make(std::string_view name) {
        for (std::size_t i = 0; i < K::np; ++i) params[i] = {K::names::value[i], default_of(name, K::names::value[i])};
        return {name, params, noisy_plan<typename K::fused_plan>, {&fwd<float>, &bwd<float>, &fused<float>},
                {&fwd<double>, &bwd<double>, &fused<double>}};
    }
};

const std::vector<aot_kernel>& table() {
    static const std::vector<aot_kernel> t = {
#define SYMACT_X(n) entry<act::n>::make(#n),
        SYMACT_DSL_CATALOG(SYMACT_X)
#undef SYMACT_X
    };
    return t;
}

// A row entry: its row kernels, built once, behind plain function pointers.
template <const auto& E>
struct row_entry {
    using K = decltype(row_kernel(E));
    static const K& k() {
        static const K kk = row_kernel(E);
        return kk;
    }
    template <class S> static void fwd(std::size_t rows, std::size_t cols, const S* x, S* y) {
        const std::size_t n = rows * cols;
        k().forward(rows, cols, std::span<const S>(x, n), std::span<S>(y, n));
    }
    template <class S> static void bwd(std::size_t rows, std::size_t cols, const S* x, const S* dy, S* dx) {
        const std::size_t n = rows * cols;
        k().backward(rows, cols, std::span<const S>(x, n), std::span<const S>(dy, n), std::span<S>(dx, n));
    }
    template <class S>
    static void fused(std::size_t rows, std::size_t cols, const S* x, const S* dy, S* y, S* dx) {
        const std::size_t n = rows * cols;
        k().forward_backward(rows, cols, std::span<const S>(x, n), std::span<const S>(dy, n), std::span<S>(y, n),
                             std::span<S>(dx, n));
    }
    static aot_row_kernel make(std::string_view name) {
        return {name, {&fwd<float>, &bwd<float>, &fused<float>}, {&fwd<double>, &bwd<double>, &fused<double>}};
    }
};

const std::vector<aot_row_kernel>& row_table() {
    static const std::vector<aot_row_kernel> t = {
#define SYMACT_X(n) row_entry<act::n>::make(#n),
        SYMACT_DSL_ROW_CATALOG(SYMACT_X)
#undef SYMACT_X
    };
    return t;
}

}  // namespace

std::span<const aot_row_kernel> aot_row_kernels() { return row_table(); }
const aot_row_kernel* find_aot_rows(std::string_view name) {
    for (const auto& k : row_table())
        if (k.name == name) return &k;
    return nullptr;
}

std::vector<double> aot_kernel::bind(const std::map<std::string, double, std::less<>>& values) const {
    std::vector<double> out;
    for (const auto& p : params) {
        auto it = values.find(p.name);
        out.push_back(it == values.end() ? p.default_value : it->second);
    }
    for (const auto& [k, v] : values) {
        if (std::none_of(params.begin(), params.end(), [&](const aot_param& p) { return p.name == k; })) {
            std::string msg = "'";
            msg.append(name).append("' has no parameter '").append(k).append("'");
            if (params.empty()) msg.append(" (it has none)");
            for (std::size_t i = 0; i < params.size(); ++i)
                msg.append(i ? ", " : " (it has: ").append(params[i].name);
            if (!params.empty()) msg.append(")");
            throw error(msg);
        }
    }
    return out;
}

std::span<const aot_kernel> aot_kernels() { return table(); }

const aot_kernel* find_aot(std::string_view name) {
    for (const auto& k : table())
        if (k.name == name) return &k;
    return nullptr;
}

}  // namespace symact::dsl
