// Concatenation kernels: activations with several outputs per input, such as CReLU
// (crelu(u) = concat(relu(u), relu(-u)), Shang et al. 2016). Each of the K parts is an
// elementwise kernel (compile(), with its caches); along the channel axis, sample n of an
// (N, C, inner) input gives K blocks of C*inner outputs:
//   y[(n*K + k)*C*inner + j] = part_k(x[n*C*inner + j])
// so the output is (N, K*C, inner), and dy has that shape too. The backward adds the parts'
// contributions, dx = sum_k part_k'(x) * dy_k, and their parameter gradients.
//
//   auto k = symact::jit::compile_concat("crelu");
//   k.forward(x, y, {}, {.channels = C, .inner = H*W});   // y has 2*x.size() elements
//
// Parts run one after another over each sample's block of x (which stays in cache between
// them); the backward sums them through one sample-sized buffer. Outputs must not overlap the
// inputs (y is larger than x, and each dy block is read after dx is first written).
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "symact/jit/jit.hpp"

namespace symact::jit {

class ConcatKernel {
public:
    ConcatKernel() = default;

    // y = concat_k part_k(x): y.size() == parts() * x.size(). Parameters by name (each part
    // gets the ones it uses), one value or one per channel, as for Kernel. Noise: part k of
    // x[i] draws at element index offset + i, the index the elementwise kernel would use.
    void forward(std::span<const float> x, std::span<float> y, const ParamValues& p = {},
                 Layout l = {}, Noise n = {}) const;
    void forward(std::span<const double> x, std::span<double> y, const ParamValues& p = {},
                 Layout l = {}, Noise n = {}) const;
    // dx = sum_k part_k'(x) * dy_k, dy.size() == parts() * x.size(); returns the parameter
    // gradients summed over the parts.
    ParamGrads backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                        const ParamValues& p = {}, Layout l = {}, Noise n = {}) const;
    ParamGrads backward(std::span<const double> x, std::span<const double> dy,
                        std::span<double> dx, const ParamValues& p = {}, Layout l = {},
                        Noise n = {}) const;
    // Both, each part's forward and backward in one pass.
    ParamGrads forward_backward(std::span<const float> x, std::span<const float> dy,
                                std::span<float> y, std::span<float> dx,
                                const ParamValues& p = {}, Layout l = {}, Noise n = {}) const;
    ParamGrads forward_backward(std::span<const double> x, std::span<const double> dy,
                                std::span<double> y, std::span<double> dx,
                                const ParamValues& p = {}, Layout l = {}, Noise n = {}) const;

    std::size_t parts() const { return parts_.size(); }
    const Kernel& part(std::size_t k) const { return parts_.at(k); }
    const std::vector<std::string>& params() const { return params_; }  // of all parts, sorted
    std::string expression() const;  // concat(part, ...) in canonical forms
    DType dtype() const;
    explicit operator bool() const { return !parts_.empty(); }

private:
    friend ConcatKernel compile_concat(std::string_view, const Options&);
    std::vector<Kernel> parts_;
    std::vector<std::string> params_;
};

// Compiles each part of `expr`: concat(e1, ..., eK), crelu(u) or crelu; any elementwise
// expression is a concatenation of one part. Throws symact::error with a caret under `expr`
// (a part's parse error is reported where the part stands in `expr`).
ConcatKernel compile_concat(std::string_view expr, const Options& opts = {});

}  // namespace symact::jit
