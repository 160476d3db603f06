#include "symact/analysis/evaluator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "symact/error.hpp"

namespace symact::analysis {

Evaluator::Evaluator(std::vector<codegen::Expr> roots, codegen::ParamValues params)
    : roots_(std::move(roots)), params_(std::move(params)) {
    for (const auto& name : codegen::parameters(roots_))
        if (!params_.count(name))
            throw error(fmt::format("the parameter '{}' needs a value: --param={}=VALUE", name, name));
}

std::vector<std::vector<real>> Evaluator::at(std::span<const real> xs) const {
    constexpr std::size_t chunk = 8192;  // every node holds a value per point of a chunk
    std::vector<std::vector<real>> out(roots_.size());
    for (auto& v : out) v.reserve(xs.size());
    for (std::size_t b = 0; b < xs.size(); b += chunk) {
        auto part = xs.subspan(b, std::min(chunk, xs.size() - b));
        auto v = codegen::evaluate<real>(roots_, part, params_);
        for (std::size_t r = 0; r < roots_.size(); ++r) out[r].insert(out[r].end(), v[r].begin(), v[r].end());
    }
    return out;
}

real Evaluator::one(std::size_t root, real x) const {
    codegen::Expr r[] = {roots_[root]};
    real xs[] = {x};
    return codegen::evaluate<real>(r, xs, params_)[0][0];
}

std::vector<double> Evaluator::in_double(std::size_t root, std::span<const double> xs) const {
    codegen::Expr r[] = {roots_[root]};
    return codegen::evaluate<double>(r, xs, params_)[0];
}

}  // namespace symact::analysis
