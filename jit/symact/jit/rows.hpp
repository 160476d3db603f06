// Row kernels: a row function (rowmax, rowsum, softmax, log_softmax, ...: docs/SYNTAX.md)
// over the last axis of a (rows, cols) row-major array, or over the middle axis of an
// (outer, cols, inner) one (softmax over the channels of NCHW data), compiled by the JIT in
// the passes its reductions need. Each reduction of nesting depth k is computed in pass k (all reductions of one depth
// share the pass), then one map pass writes the outputs; every pass is a loop over W-lane
// vectors of the row with a masked tail. Backward is the symbolic vector-Jacobian product
// (codegen/vjp.hpp), so softmax forward is max | exp+sum | scale, and forward+backward is
// max | exp+sum+dot(dy, exp) | y and dx together.
//
//   auto k = symact::jit::compile_rows("softmax");
//   k.forward_backward(x, dy, y, dx, 1024);   // rows of 1024
//   k.forward(x, y, C, H * W);                // NCHW: softmax over the channels (dim = 1)
#pragma once
#include <concepts>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "symact/jit/jit.hpp"

namespace symact::jit {

namespace detail { struct RowKernelImpl; }

class RowKernel {
public:
    RowKernel() = default;

    // y = f(x) row by row; x.size() must be a multiple of cols. y may be x. Parameters: one
    // value each (per tensor). Throws symact::error on a size, dtype or parameter mismatch.
    void forward(std::span<const float> x, std::span<float> y, std::size_t cols,
                 const ParamValues& p = {}) const;
    void forward(std::span<const double> x, std::span<double> y, std::size_t cols,
                 const ParamValues& p = {}) const;
    // dx = J^T dy row by row (dx may be dy).
    void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                  std::size_t cols, const ParamValues& p = {}) const;
    void backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx,
                  std::size_t cols, const ParamValues& p = {}) const;
    // Both, sharing the reduction passes.
    void forward_backward(std::span<const float> x, std::span<const float> dy, std::span<float> y,
                          std::span<float> dx, std::size_t cols, const ParamValues& p = {}) const;
    void forward_backward(std::span<const double> x, std::span<const double> dy,
                          std::span<double> y, std::span<double> dx, std::size_t cols,
                          const ParamValues& p = {}) const;

    // Strided rows: x is a row-major (outer, cols, inner) array and the reduction axis is the
    // middle one (channels of NCHW data: inner = H*W); each row is the cols values
    // x[(o*cols + c)*inner + i] for one (o, i). x.size() must be a multiple of cols*inner;
    // inner = 1 is the calls above. Rows are gathered in tiles into a contiguous block and
    // run through the same compiled kernel (docs/JIT.md); in place works as above. (inner is
    // a template so that a braced `{}` after cols still means no parameters.)
    template <std::integral I>
    void forward(std::span<const float> x, std::span<float> y, std::size_t cols, I inner,
                 const ParamValues& p = {}) const {
        strided_forward(x, y, cols, checked_inner(inner), p);
    }
    template <std::integral I>
    void forward(std::span<const double> x, std::span<double> y, std::size_t cols, I inner,
                 const ParamValues& p = {}) const {
        strided_forward(x, y, cols, checked_inner(inner), p);
    }
    template <std::integral I>
    void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                  std::size_t cols, I inner, const ParamValues& p = {}) const {
        strided_backward(x, dy, dx, cols, checked_inner(inner), p);
    }
    template <std::integral I>
    void backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx,
                  std::size_t cols, I inner, const ParamValues& p = {}) const {
        strided_backward(x, dy, dx, cols, checked_inner(inner), p);
    }
    template <std::integral I>
    void forward_backward(std::span<const float> x, std::span<const float> dy, std::span<float> y,
                          std::span<float> dx, std::size_t cols, I inner,
                          const ParamValues& p = {}) const {
        strided_forward_backward(x, dy, y, dx, cols, checked_inner(inner), p);
    }
    template <std::integral I>
    void forward_backward(std::span<const double> x, std::span<const double> dy,
                          std::span<double> y, std::span<double> dx, std::size_t cols, I inner,
                          const ParamValues& p = {}) const {
        strided_forward_backward(x, dy, y, dx, cols, checked_inner(inner), p);
    }

    const std::vector<std::string>& params() const;  // sorted
    std::string expression() const;                  // canonical form
    std::string vjp() const;                         // dx, printed; the upstream gradient is @dy
    // Passes over each row: 0 forward, 1 backward, 2 forward_backward (reduction depths + 1).
    int passes(int mode) const;
    DType dtype() const;
    unsigned vector_width() const;
    Origin origin() const;  // compiled or loaded from the disk cache
    // The same compiled kernel (the memory cache hands out one per key).
    bool same_as(const RowKernel& o) const { return impl_ == o.impl_; }

    explicit operator bool() const { return impl_ != nullptr; }

private:
    friend RowKernel compile_rows(std::string_view, const Options&);
    template <class I> static std::size_t checked_inner(I inner) {
        if constexpr (std::is_signed_v<I>)
            if (inner < 0) throw error("row kernel: inner = " + std::to_string(inner) + " is negative");
        return static_cast<std::size_t>(inner);
    }
    void strided_forward(std::span<const float> x, std::span<float> y, std::size_t cols, std::size_t inner,
                         const ParamValues& p) const;
    void strided_forward(std::span<const double> x, std::span<double> y, std::size_t cols, std::size_t inner,
                         const ParamValues& p) const;
    void strided_backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                          std::size_t cols, std::size_t inner, const ParamValues& p) const;
    void strided_backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx,
                          std::size_t cols, std::size_t inner, const ParamValues& p) const;
    void strided_forward_backward(std::span<const float> x, std::span<const float> dy, std::span<float> y,
                                  std::span<float> dx, std::size_t cols, std::size_t inner,
                                  const ParamValues& p) const;
    void strided_forward_backward(std::span<const double> x, std::span<const double> dy, std::span<double> y,
                                  std::span<double> dx, std::size_t cols, std::size_t inner,
                                  const ParamValues& p) const;
    std::shared_ptr<const detail::RowKernelImpl> impl_;
};

// Parses, takes the VJP, and compiles the three row kernels of `expr` (a row function or
// an elementwise one). Options and caches as for compile(): the memory cache builds each
// (text or canonical form, options) once, also under concurrent calls; the disk cache keeps
// the object (its key is the elementwise one plus "kind rows"); jit::stats() counts both.
RowKernel compile_rows(std::string_view expr, const Options& opts = {});

}  // namespace symact::jit
