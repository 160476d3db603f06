// symact eval of a concatenation (concat(e1, ..., eK), crelu): the output (N, K*C, inner) of an
// (N, C, inner) input, and dx = sum_k part_k'(x) dy_k for dy of the output's shape, by the
// JIT's concatenation kernel or by the reference evaluator over each part.
#include "eval_concat.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "numbers.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/error.hpp"
#include "symact/jit/concat.hpp"

namespace symact::cli {

namespace {


struct Out {
    std::vector<double> y, dx;  // in T, widened for printing
    std::map<std::string, double> dparam;
};

template <class T> Out by_jit(const ConcatRequest& rq) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    auto k = jit::compile_concat(rq.text, o);
    const std::size_t n = rq.at.size(), K = k.parts();
    std::vector<T> x(rq.at.begin(), rq.at.end()), dy(rq.dy.begin(), rq.dy.end()), y(K * n), dx(n);
    jit::ParamValues pv;
    for (const auto& [name, v] : rq.params) pv[name] = {v};
    auto g = k.forward_backward(std::span<const T>(x), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx),
                                pv, {rq.channels, rq.inner}, {rq.seed, rq.offset});
    Out out{{y.begin(), y.end()}, {dx.begin(), dx.end()}, {}};
    for (const auto& [name, v] : g) out.dparam[name] = v[0];
    return out;
}

// The reference evaluator, part by part: f_k, f_k' and df_k/dp at every point, in T.
template <class T> Out by_ref(const ConcatRequest& rq) {
    const std::size_t n = rq.at.size(), K = rq.parts.size(), block = rq.channels * rq.inner;
    std::vector<T> x(rq.at.begin(), rq.at.end());
    Out out{std::vector<double>(K * n), std::vector<double>(n), {}};
    std::vector<T> dx(n, T(0));
    for (std::size_t k = 0; k < K; ++k) {
        const auto& part = rq.parts[k];
        try {
            codegen::Function fn(part.text);
            std::vector<codegen::Expr> roots{fn.f(), fn.derivative("x")};
            for (const auto& p : fn.params()) roots.push_back(fn.derivative(p));
            codegen::ParamValues pv;
            for (const auto& p : fn.params()) pv[p] = rq.params.at(p);
            auto v = codegen::evaluate<T>(roots, x, pv, {rq.seed, rq.offset});
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t o = (i / block * K + k) * block + i % block;
                const T d = static_cast<T>(rq.dy[o]);
                out.y[o] = v[0][i];
                dx[i] += d * v[1][i];
                for (std::size_t j = 0; j < fn.params().size(); ++j)
                    out.dparam[fn.params()[j]] += static_cast<double>(d * v[2 + j][i]);
            }
        } catch (const error& e) {
            if (e.input() != part.text) throw;
            codegen::rethrow_in_input(e, part, rq.text);
        }
    }
    out.dx.assign(dx.begin(), dx.end());
    return out;
}

template <class T> int print(const ConcatRequest& rq) {
    const Out o = rq.engine == "jit" ? by_jit<T>(rq) : by_ref<T>(rq);
    const std::size_t n = rq.at.size(), K = rq.parts.size(), block = rq.channels * rq.inner;
    auto list = [](const std::vector<double>& v) {
        std::vector<std::string> s;
        for (double d : v) s.push_back(num(static_cast<T>(d)));
        return fmt::format("[{}]", fmt::join(s, ", "));
    };
    if (rq.json) {
        std::vector<std::string> dp;
        for (const auto& [name, v] : o.dparam) dp.push_back(fmt::format("\"{}\": {}", name, num(static_cast<T>(v))));
        fmt::print("{{\"parts\": {}, \"shape\": [{}, {}, {}], \"f\": {}, \"df_dx\": {}, \"dparam\": {{{}}}}}\n", K,
                   n / block, rq.channels, rq.inner, list(o.y), list(o.dx), fmt::join(dp, ", "));
        return 0;
    }
    // one line per input point: its K outputs, their dy, and dx
    std::vector<std::string> head{"n", "x"};
    for (std::size_t k = 1; k <= K; ++k) head.push_back(fmt::format("f{}", k));
    for (std::size_t k = 1; k <= K; ++k) head.push_back(fmt::format("dy{}", k));
    head.push_back("dx");
    fmt::print("{}\n", fmt::join(head, "\t"));
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::string> row{std::to_string(i / block), plain(static_cast<T>(rq.at[i]))};
        const std::size_t base = (i / block * K) * block + i % block;
        for (std::size_t k = 0; k < K; ++k) row.push_back(plain(static_cast<T>(o.y[base + k * block])));
        for (std::size_t k = 0; k < K; ++k) row.push_back(plain(static_cast<T>(rq.dy[base + k * block])));
        row.push_back(plain(static_cast<T>(o.dx[i])));
        fmt::print("{}\n", fmt::join(row, "\t"));
    }
    for (const auto& [name, v] : o.dparam) fmt::print("dL/d{} = {}\n", name, plain(static_cast<T>(v)));
    return 0;
}

}  // namespace

int eval_concat(const ConcatRequest& rq, bool f32) {
    if (rq.engine != "jit" && rq.engine != "ref")
        throw error(fmt::format("eval --engine={}: concatenations run on --engine=jit or ref", rq.engine));
    std::vector<std::string> names;  // the parts' parameters
    for (const auto& part : rq.parts) {
        try {
            codegen::Function fn(part.text);
            names.insert(names.end(), fn.params().begin(), fn.params().end());
        } catch (const error& e) {
            if (e.input() != part.text) throw;
            codegen::rethrow_in_input(e, part, rq.text);
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& [k, v] : rq.params)
        if (std::find(names.begin(), names.end(), k) == names.end())
            throw error(names.empty() ? fmt::format("eval: --param {}: the expression has no parameters", k)
                                      : fmt::format("eval: --param {}: not a parameter of the expression "
                                                    "(its parameters: {})",
                                                    k, fmt::join(names, ", ")));
    for (const auto& p : names)
        if (!rq.params.count(p))
            throw error(fmt::format("parameter '{}' has no value (give it with --param={}=VALUE)", p, p));
    return f32 ? print<float>(rq) : print<double>(rq);
}

}  // namespace symact::cli
