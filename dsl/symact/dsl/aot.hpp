// The catalog's compile-time kernels, type-erased: by name, function pointers for float32
// and float64 forward, backward and fused forward+backward, with parameter values by name.
// Built once in the symact_dsl_catalog library (dsl/src/aot.cpp), for the CLI's
// `symact eval --engine=aot NAME --param=...` and for tests.
#pragma once
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "symact/dsl/params.hpp"

namespace symact::dsl {

struct aot_param {
    std::string_view name;
    double default_value;  // PyTorch's default, used when a value is not given
};

// p: parameter values in the order of aot_kernel::params; dp (may be null): sum(df/dp dy);
// nz: what the noise ops draw from (entries with `noise`; ignored by the others).
template <class S>
struct aot_fns {
    void (*fwd)(const S* x, S* y, std::size_t n, const double* p, noise nz);
    void (*bwd)(const S* x, const S* dy, S* dx, std::size_t n, const double* p, double* dp, noise nz);
    void (*fus)(const S* x, const S* dy, S* y, S* dx, std::size_t n, const double* p, double* dp, noise nz);

    void forward(const S* x, S* y, std::size_t n, const double* p, noise nz = {}) const { fwd(x, y, n, p, nz); }
    void backward(const S* x, const S* dy, S* dx, std::size_t n, const double* p, double* dp, noise nz = {}) const {
        bwd(x, dy, dx, n, p, dp, nz);
    }
    void fused(const S* x, const S* dy, S* y, S* dx, std::size_t n, const double* p, double* dp,
               noise nz = {}) const {
        fus(x, dy, y, dx, n, p, dp, nz);
    }
};

struct aot_kernel {
    std::string_view name;
    std::span<const aot_param> params;
    bool noise;  // draws random numbers (uniform, normal): results depend on the noise argument
    aot_fns<float> f32;
    aot_fns<double> f64;

    // Parameter values in order: given ones by name, the others at their defaults. Throws
    // symact::error for a name this entry does not have.
    std::vector<double> bind(const std::map<std::string, double, std::less<>>& values) const;
};

// Every catalog entry, in catalog order.
std::span<const aot_kernel> aot_kernels();
// The entry called `name`, or nullptr.
const aot_kernel* find_aot(std::string_view name);

// The row entries (softmax, log_softmax: symact::row_kernel, row_kernel.hpp) over a
// row-major (rows, cols) array; no parameters. Lengths are rows*cols; no in-place.
template <class S>
struct aot_row_fns {
    void (*forward)(std::size_t rows, std::size_t cols, const S* x, S* y);
    void (*backward)(std::size_t rows, std::size_t cols, const S* x, const S* dy, S* dx);
    void (*fused)(std::size_t rows, std::size_t cols, const S* x, const S* dy, S* y, S* dx);
};

struct aot_row_kernel {
    std::string_view name;
    aot_row_fns<float> f32;
    aot_row_fns<double> f64;
};

// Every row entry, in catalog order, and the one called `name` (or nullptr).
std::span<const aot_row_kernel> aot_row_kernels();
const aot_row_kernel* find_aot_rows(std::string_view name);

}  // namespace symact::dsl
