#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "commands.hpp"
#include "eval_concat.hpp"
#include "numbers.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/error.hpp"
#ifdef SYMACT_HAVE_CATALOG
#include <symact/dsl/aot.hpp>
#endif
#include "symact/jit/jit.hpp"
#include "symact/jit/rows.hpp"

namespace symact::cli {

namespace {
constexpr const char* help = R"(usage: symact eval [options] [--] EXPR

Evaluates EXPR (and with --grad its derivatives) at the given points. A row function
(rowmax, rowsum, softmax, log_softmax, ...) is evaluated over rows: --at is one row,
--rows=R rows of equal length, or with --shape an (N, C, INNER) array whose rows run along
its middle axis (softmax over the channels of NCHW data: INNER = H*W), and the output is f
and dx = J^T dy (the vector-Jacobian product for the given --dy) for each element. A
concatenation (concat(e1, ..., eK), crelu) gives K outputs per point, in the (N, K*C, INNER)
layout of an (N, C, INNER) input, and dx = sum_k dy_k*part_k'(x); --dy then has one value
per output.

  --at=X1,X2,...           the points (required)
  --rows=R                 split --at into R rows of equal length (row functions; default 1)
  --shape=N,C,INNER        --at's layout, row-major: a concatenation's input (default
                           1,COUNT,1); for a row function (instead of --rows) rows along
                           the middle axis: row n*INNER + i is x[n, 0..C, i], and the
                           table shows each element's row and its column c in the row
  --param=NAME=VALUE[,...] parameter values (repeatable)
  --grad                   also print df/dx and df/dNAME for each parameter
  --dy=Y1,Y2,...           upstream gradient (default all ones): df_dx[i] = dy[i]*f'(x[i]),
                           df_dparam[NAME][i] = dy[i]*df/dNAME(x[i]), dparam[NAME] = its sum
  --seed=S, --offset=O     what the noise ops uniform(k), normal(k) draw from: the numbers
                           depend on S and on each point's index O + i (default 0, 0)
  --dtype=f64|f32          precision of the evaluation (default f64)
  --engine=jit|ref|aot     jit (default): the compiled fused kernels (LLVM, vectorized);
                           ref: the reference evaluator (scalar libm, each node once);
                           aot: a catalog entry's compile-time (DSL) kernels: EXPR is its
                           name (elu, gelu, mish, ...; softmax, log_softmax with --rows);
                           parameters default to PyTorch's (noisy_*: the authors')
  --json                   print {"f":[..], "df_dx":[..], "df_dparam":{..}, "dparam":{..}}
                           (row functions: {"rows":R, "cols":C, "f":[..], "df_dx":[..]}, flat
                           row-major, with "df_dparam" and "dparam" under --grad; with
                           --shape also "shape":[N,C,INNER], values in --at's order)

example: symact eval --at=-1,0,1 --grad --param=alpha=1.5 -- 'where(x > 0, x, alpha*expm1(x))'
         symact eval --at=1,2,3,1,1,1 --rows=2 --dy=1,0,0,0,1,0 -- softmax
         symact eval --at=1,2,3,1,1,1 --shape=1,3,2 -- softmax   # rows (1,3,1) and (2,1,1)
         symact eval --at=1,-2,3,0 --shape=2,2,1 -- crelu
)";
constexpr OptionSpec spec[] = {{"at", true},    {"param", true, true}, {"grad", false},
                               {"dy", true},    {"dtype", true},       {"engine", true},
                               {"json", false}, {"help", false}, {"rows", true},
                               {"seed", true},  {"offset", true}, {"shape", true}};

struct Request {
    std::vector<double> at, dy;
    codegen::ParamValues params;
    bool grad = false, json = false;
    std::string text;
    std::size_t rows = 1;             // rows of the (rows, cols) or (outer, cols, inner) array
    std::size_t inner = 1;            // --shape's INNER (rows along the middle axis)
    bool shaped = false;              // --shape given
    std::uint64_t seed = 0, offset = 0;  // noise ops
};

// f, then with --grad dy*f' and dy*df/dparam per point (rows), and the sums of the latter.
template <class T> struct Values {
    std::vector<std::vector<T>> rows;
    std::vector<double> sums;
};

template <class T>
Values<T> eval_ref(codegen::Function& fn, const Request& rq) {
    std::vector<codegen::Expr> roots{fn.f()};
    if (rq.grad) {
        roots.push_back(fn.derivative("x"));
        for (const auto& p : fn.params()) roots.push_back(fn.derivative(p));
    }
    std::vector<T> xs(rq.at.begin(), rq.at.end());
    Values<T> v{codegen::evaluate<T>(roots, xs, rq.params, {rq.seed, rq.offset}), {}};
    // Scale the derivatives by dy in T, as a kernel's backward pass would.
    for (std::size_t r = 1; r < v.rows.size(); ++r)
        for (std::size_t i = 0; i < xs.size(); ++i) v.rows[r][i] = static_cast<T>(rq.dy[i]) * v.rows[r][i];
    for (std::size_t r = 2; r < v.rows.size(); ++r) {
        double s = 0;
        for (T x : v.rows[r]) s += static_cast<double>(x);
        v.sums.push_back(s);
    }
    return v;
}

// The JIT: the fused kernel gives f, dy*f' and the parameter sums (its own reduction);
// the per-point dy*df/dparam come from the per-channel path with one channel per point.
template <class T>
Values<T> eval_jit(const codegen::Function& fn, const Request& rq) {
    jit::Options o;
    o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
    auto k = jit::compile(rq.text, o);
    const std::size_t n = rq.at.size();
    std::vector<T> xs(rq.at.begin(), rq.at.end()), dy(rq.dy.begin(), rq.dy.end()), y(n), dx(n);
    jit::ParamValues pv, per_point;
    const jit::Noise noise{rq.seed, rq.offset};
    for (const auto& [name, v] : rq.params) {
        pv[name] = {v};
        per_point[name] = std::vector<double>(n, v);
    }
    Values<T> v;
    if (!rq.grad) {
        k.forward(std::span<const T>(xs), std::span<T>(y), pv, {}, noise);
        v.rows.push_back(y);
        return v;
    }
    auto sums = k.forward_backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(y),
                                   std::span<T>(dx), pv, {}, noise);
    v.rows = {y, dx};
    if (fn.params().empty() || n == 0) return v;
    std::vector<T> scratch(n);
    auto each = k.backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(scratch),
                           per_point, jit::Layout{n, 1}, noise);
    for (const auto& p : fn.params()) {
        v.rows.emplace_back(each[p].begin(), each[p].end());
        v.sums.push_back(sums[p][0]);
    }
    return v;
}

#ifdef SYMACT_HAVE_CATALOG
// The compile-time kernels of a catalog entry (dsl/aot.hpp): f and dy*f' from the fused
// kernel, per-point dy*df/dparam from the backward kernel one point at a time.
template <class T>
Values<T> eval_aot(const codegen::Function& fn, const Request& rq) {
    const dsl::aot_kernel* k = dsl::find_aot(rq.text);
    if (!k) {
        std::vector<std::string_view> names;
        for (const auto& e : dsl::aot_kernels()) names.push_back(e.name);
        throw error(fmt::format("eval --engine=aot: '{}' is not a catalog entry (entries: {})", rq.text,
                                fmt::join(names, ", ")));
    }
    const auto& fns = [&]() -> const dsl::aot_fns<T>& {
        if constexpr (sizeof(T) == 4) return k->f32; else return k->f64;
    }();
    std::vector<double> p = k->bind(rq.params);
    const std::size_t n = rq.at.size(), np = k->params.size();
    std::vector<T> xs(rq.at.begin(), rq.at.end()), dy(rq.dy.begin(), rq.dy.end()), y(n), dx(n);
    const dsl::noise nz{rq.seed, rq.offset};
    Values<T> v;
    if (!rq.grad) {
        fns.forward(xs.data(), y.data(), n, p.data(), nz);
        v.rows.push_back(y);
        return v;
    }
    std::vector<double> dp(np, 0.0);
    fns.fused(xs.data(), dy.data(), y.data(), dx.data(), n, p.data(), dp.data(), nz);
    v.rows = {y, dx};
    for (const auto& name : fn.params()) {  // the output's order: sorted names
        std::size_t j = 0;
        while (j < np && k->params[j].name != name) ++j;
        std::vector<T> row(n);
        for (std::size_t i = 0; i < n; ++i) {
            std::vector<double> one(np, 0.0);
            T scratch;
            fns.backward(&xs[i], &dy[i], &scratch, 1, p.data(), one.data(), {rq.seed, rq.offset + i});
            row[i] = static_cast<T>(one[j]);
        }
        v.rows.push_back(row);
        v.sums.push_back(dp[j]);
    }
    return v;
}
#endif

// Row functions: f and dx = J^T dy per element, then with --grad each parameter's
// per-element share of dL/dparam (reference evaluator only) and its sum.
// (outer, cols, inner) <-> (outer*inner, cols): strided rows made contiguous, and back.
template <class T>
std::vector<T> gather_rows(const std::vector<T>& v, std::size_t cols, std::size_t inner, bool back) {
    std::vector<T> t(v.size());
    for (std::size_t o = 0; o < v.size() / (cols * inner); ++o)
        for (std::size_t c = 0; c < cols; ++c)
            for (std::size_t i = 0; i < inner; ++i) {
                const std::size_t s = (o * cols + c) * inner + i, d = (o * inner + i) * cols + c;
                if (back) t[s] = v[d]; else t[d] = v[s];
            }
    return t;
}

template <class T>
Values<T> eval_rows(codegen::Function& fn, const Request& rq, const std::string& engine, std::size_t cols) {
    std::vector<T> xs(rq.at.begin(), rq.at.end()), dy(rq.dy.begin(), rq.dy.end());
    Values<T> v;
    if (rq.inner > 1 && engine != "jit") {  // the JIT takes strided rows; ref and aot contiguous ones
        Request flat = rq;
        flat.at = gather_rows(rq.at, cols, rq.inner, false);
        flat.dy = gather_rows(rq.dy, cols, rq.inner, false);
        flat.inner = 1;
        v = eval_rows<T>(fn, flat, engine, cols);
        for (auto& r : v.rows) r = gather_rows(r, cols, rq.inner, true);
        return v;
    }
    if (engine == "jit") {
        if (rq.grad && !fn.params().empty())
            throw error("eval: parameter gradients of row functions need --engine=ref (the JIT's row "
                        "kernels compute f and dx)");
        jit::Options o;
        o.dtype = sizeof(T) == 4 ? jit::DType::f32 : jit::DType::f64;
        auto k = jit::compile_rows(rq.text, o);
        jit::ParamValues pv;
        for (const auto& [name, value] : rq.params) pv[name] = {value};
        std::vector<T> y(xs.size()), dx(xs.size());
        k.forward_backward(std::span<const T>(xs), std::span<const T>(dy), std::span<T>(y), std::span<T>(dx),
                           cols, rq.inner, pv);
        v.rows = {y, dx};
        return v;
    }
#ifdef SYMACT_HAVE_CATALOG
    if (engine == "aot") {  // the DSL's row kernels of a row catalog entry
        const dsl::aot_row_kernel* k = dsl::find_aot_rows(rq.text);
        if (!k) {
            std::vector<std::string_view> names;
            for (const auto& e : dsl::aot_row_kernels()) names.push_back(e.name);
            throw error(fmt::format("eval --engine=aot: '{}' is not a row catalog entry (row entries: {}; "
                                    "other row functions run on --engine=jit or ref)",
                                    rq.text, fmt::join(names, ", ")));
        }
        if (!rq.params.empty()) throw error(fmt::format("eval --engine=aot: '{}' has no parameters", rq.text));
        const auto& fns = [&]() -> const dsl::aot_row_fns<T>& {
            if constexpr (sizeof(T) == 4) return k->f32; else return k->f64;
        }();
        std::vector<T> y(xs.size()), dx(xs.size());
        fns.fused(xs.size() / cols, cols, xs.data(), dy.data(), y.data(), dx.data());
        v.rows = {y, dx};
        return v;
    }
#endif
    if (engine != "ref")
        throw error(fmt::format("eval --engine={}: row functions run on --engine=ref, jit or aot", engine));
    std::vector<codegen::Expr> roots{fn.f(), fn.vjp("x")};
    if (rq.grad)
        for (const auto& p : fn.params()) roots.push_back(fn.vjp(p));
    v.rows = codegen::evaluate_rows<T>(roots, xs, dy, cols, rq.params);
    for (std::size_t r = 2; r < v.rows.size(); ++r) {
        double s = 0;
        for (T x : v.rows[r]) s += static_cast<double>(x);
        v.sums.push_back(s);
    }
    return v;
}

template <class T>
int run_rows(codegen::Function& fn, const Request& rq, const std::string& engine) {
    const std::size_t n = rq.at.size(), cols = n / rq.rows;  // rows = outer*inner
    auto [vals, sums] = eval_rows<T>(fn, rq, engine, cols);
    std::vector<std::string> params;
    if (rq.grad) params = fn.params();
    if (rq.json) {
        auto list = [&](const std::vector<T>& v) {
            std::string s = "[";
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i) s += ", ";
                s += num(v[i]);
            }
            return s + "]";
        };
        std::string out = rq.shaped ? fmt::format("{{\"shape\": [{}, {}, {}], ", rq.rows / rq.inner, cols, rq.inner)
                                    : std::string("{");
        out += fmt::format("\"rows\": {}, \"cols\": {}, \"f\": {}, \"df_dx\": {}", rq.rows, cols, list(vals[0]),
                           list(vals[1]));
        if (rq.grad) {
            out += ", \"df_dparam\": {";
            for (std::size_t k = 0; k < params.size(); ++k)
                out += fmt::format("{}\"{}\": {}", k ? ", " : "", params[k], list(vals[2 + k]));
            out += "}, \"dparam\": {";
            for (std::size_t k = 0; k < params.size(); ++k)
                out += fmt::format("{}\"{}\": {}", k ? ", " : "", params[k], num(static_cast<T>(sums[k])));
            out += "}";
        }
        fmt::print("{}}}\n", out);
        return 0;
    }
    // with --shape: element (o, c, i) is in row o*inner + i at column c
    std::vector<std::string> head{"row", "x", "dy", "f", "dx"};
    if (rq.shaped) head.insert(head.begin() + 1, "col");
    for (const auto& p : params) head.push_back("dL/d" + p + " share");
    fmt::print("{}\n", fmt::join(head, "\t"));
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t o = i / (cols * rq.inner), c = i / rq.inner % cols, r = o * rq.inner + i % rq.inner;
        std::vector<std::string> row{std::to_string(r)};
        if (rq.shaped) row.push_back(std::to_string(c));
        row.push_back(plain(static_cast<T>(rq.at[i])));
        row.push_back(plain(static_cast<T>(rq.dy[i])));
        for (const auto& v : vals) row.push_back(plain(v[i]));
        fmt::print("{}\n", fmt::join(row, "\t"));
    }
    for (std::size_t k = 0; k < params.size(); ++k)
        fmt::print("dL/d{} = {}\n", params[k], plain(static_cast<T>(sums[k])));
    return 0;
}

template <class T>
int run(codegen::Function& fn, const Request& rq, const std::string& engine) {
    if (fn.is_row_function()) return run_rows<T>(fn, rq, engine);
    auto [vals, sums] = engine == "jit" ? eval_jit<T>(fn, rq)
#ifdef SYMACT_HAVE_CATALOG
                        : engine == "aot" ? eval_aot<T>(fn, rq)
#endif
                                          : eval_ref<T>(fn, rq);
    std::vector<T> xs(rq.at.begin(), rq.at.end());
    std::size_t n = xs.size();
    const auto& params = fn.params();
    auto sum = [&](std::size_t r) { return static_cast<T>(sums[r - 2]); };
    if (rq.json) {
        auto list = [&](const std::vector<T>& v) {
            std::string s = "[";
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i) s += ", ";
                s += num(v[i]);
            }
            return s + "]";
        };
        std::string out = "{\"f\": " + list(vals[0]);
        if (rq.grad) {
            out += ", \"df_dx\": " + list(vals[1]) + ", \"df_dparam\": {";
            for (std::size_t k = 0; k < params.size(); ++k)
                out += fmt::format("{}\"{}\": {}", k ? ", " : "", params[k], list(vals[2 + k]));
            out += "}, \"dparam\": {";
            for (std::size_t k = 0; k < params.size(); ++k)
                out += fmt::format("{}\"{}\": {}", k ? ", " : "", params[k], num(sum(2 + k)));
            out += "}";
        }
        fmt::print("{}}}\n", out);
        return 0;
    }
    std::vector<std::string> head{"x", "f"};
    if (rq.grad) {
        head.push_back("df/dx");
        for (const auto& p : params) head.push_back("df/d" + p);
    }
    fmt::print("{}\n", fmt::join(head, "\t"));
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::string> row{plain(xs[i])};
        for (const auto& v : vals) row.push_back(plain(v[i]));
        fmt::print("{}\n", fmt::join(row, "\t"));
    }
    if (rq.grad)
        for (std::size_t k = 0; k < params.size(); ++k)
            fmt::print("sum df/d{} = {}\n", params[k], plain(sum(2 + k)));
    return 0;
}
// --shape=N,C,INNER: three whole numbers from 1 whose product is --at's count.
std::array<std::size_t, 3> parse_shape(const std::string& s, std::size_t count) {
    const auto v = parse_list(s, "shape");
    if (v.size() != 3) throw error(fmt::format("eval: --shape={}: expected N,C,INNER", s));
    for (double d : v)
        if (!(d >= 1) || d != std::floor(d) || d > 1e9)
            throw error(fmt::format("eval: --shape={}: sizes must be whole numbers from 1", s));
    if (v[0] * v[1] * v[2] != static_cast<double>(count))
        throw error(fmt::format("eval: --shape={} has {} elements but --at has {} values", s, v[0] * v[1] * v[2],
                                count));
    return {static_cast<std::size_t>(v[0]), static_cast<std::size_t>(v[1]), static_cast<std::size_t>(v[2])};
}

// A concatenation: --shape=N,C,INNER (default 1,COUNT,1), dy one per output.
int run_concat(const Args& a, const Request& rq, std::vector<codegen::ConcatPart> parts,
               const std::string& engine, bool f32) {
    if (a.get("rows")) throw error("eval: --rows is for row functions; a concatenation takes --shape=N,C,INNER");
    ConcatRequest c;
    c.text = a.positional()[0];
    c.engine = engine;
    c.parts = std::move(parts);
    c.at = rq.at;
    c.json = rq.json;
    c.seed = rq.seed;
    c.offset = rq.offset;
    c.channels = rq.at.size();
    if (auto s = a.get("shape")) {
        const auto dims = parse_shape(*s, rq.at.size());
        c.channels = dims[1];
        c.inner = dims[2];
    }
    const std::size_t outputs = c.parts.size() * rq.at.size();
    c.dy = a.get("dy") ? parse_list(*a.get("dy"), "dy") : std::vector<double>(outputs, 1.0);
    if (c.dy.size() != outputs)
        throw error(fmt::format("eval: --dy has {} values but the concatenation has {} outputs ({} parts of {})",
                                c.dy.size(), outputs, c.parts.size(), rq.at.size()));
    for (const auto& text : a.all("param"))
        for (auto& [k, v] : parse_assignments(text, "param")) c.params[k] = v;
    return eval_concat(c, f32);
}
}  // namespace

int cmd_eval(std::span<char*> argv) {
    Args a(argv, spec, "eval");
    if (a.flag("help")) {
        std::fputs(help, stdout);
        return 0;
    }
    if (a.positional().size() != 1)
        throw error(a.positional().empty() ? "eval: no expression given (see symact eval --help)"
                                           : "eval: give one expression (quote it if it has spaces)");
    std::string engine = a.get("engine").value_or("jit");
#ifdef SYMACT_HAVE_CATALOG
    if (engine != "ref" && engine != "jit" && engine != "aot")
        throw error(fmt::format("eval: unknown engine '{}' (available: jit, ref, aot)", engine));
#else
    if (engine != "ref" && engine != "jit")
        throw error(fmt::format("eval: unknown engine '{}' (available: jit, ref)", engine));
#endif
    std::string dtype = a.get("dtype").value_or("f64");
    if (dtype != "f64" && dtype != "f32")
        throw error(fmt::format("eval: unknown dtype '{}' (f64 or f32)", dtype));
    if (!a.get("at")) throw error("eval: no points given; use --at=X1,X2,...");

    Request rq;
    rq.at = parse_list(*a.get("at"), "at");
    rq.grad = a.flag("grad");
    rq.seed = a.get_uint("seed", 0);
    rq.offset = a.get_uint("offset", 0);
    rq.json = a.flag("json");
    if (auto parts = codegen::split_concat(a.positional()[0]))
        return run_concat(a, rq, std::move(*parts), engine, dtype == "f32");
    rq.dy = a.get("dy") ? parse_list(*a.get("dy"), "dy") : std::vector<double>(rq.at.size(), 1.0);
    if (rq.dy.size() != rq.at.size())
        throw error(fmt::format("eval: --dy has {} values but --at has {} points", rq.dy.size(),
                                rq.at.size()));
    if (auto r = a.get("rows")) {
        auto v = parse_list(*r, "rows");
        if (v.size() != 1 || !(v[0] >= 1) || v[0] != std::floor(v[0]) || v[0] > 1e9)
            throw error(fmt::format("eval: --rows={} is not a positive whole number", *r));
        rq.rows = static_cast<std::size_t>(v[0]);
        if (rq.at.size() % rq.rows != 0)
            throw error(fmt::format("eval: --at has {} points, which do not split into {} rows of equal length",
                                    rq.at.size(), rq.rows));
    }
    if (auto s = a.get("shape")) {  // a row function's (N, C, INNER): rows along the middle axis
        if (a.get("rows")) throw error("eval: give --rows or --shape, not both");
        const auto dims = parse_shape(*s, rq.at.size());
        rq.rows = dims[0] * dims[2];
        rq.inner = dims[2];
        rq.shaped = true;
    }
    for (const auto& text : a.all("param"))
        for (auto& [k, v] : parse_assignments(text, "param")) rq.params[k] = v;

    codegen::Function fn(a.positional()[0]);
    if (rq.shaped && !fn.is_row_function())
        throw error("eval: --shape is for concatenations (concat(...), crelu) and row functions (softmax, ...)");
    for (const auto& [k, v] : rq.params)
        if (std::find(fn.params().begin(), fn.params().end(), k) == fn.params().end())
            throw error(fn.params().empty()
                            ? fmt::format("eval: --param {}: the expression has no parameters", k)
                            : fmt::format("eval: --param {}: not a parameter of the expression "
                                          "(its parameters: {})", k, fmt::join(fn.params(), ", ")));
    for (const auto& p : fn.params())  // (aot: catalog entries have PyTorch's defaults)
        if (!rq.params.count(p) && engine != "aot")
            throw error(fmt::format("parameter '{}' has no value (give it with --param={}=VALUE)", p, p));
    rq.text = a.positional()[0];
    return dtype == "f32" ? run<float>(fn, rq, engine) : run<double>(fn, rq, engine);
}

}  // namespace symact::cli
