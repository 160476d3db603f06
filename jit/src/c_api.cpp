// The C API (symact/symact.h): C++ exceptions become error codes and a thread-local message.
#include "symact/symact.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "symact/codegen/concat.hpp"
#include "symact/error.hpp"
#include "symact/jit/concat.hpp"
#include "symact/jit/jit.hpp"

// An elementwise kernel, or a concatenation's (c has the parts; k is then empty).
struct symact_kernel {
    symact::jit::Kernel k;
    symact::jit::ConcatKernel c;
    std::mutex mu;
    std::map<std::string, std::string, std::less<>> derivatives;  // keeps returned strings alive
};

namespace {
thread_local std::string last_error;

template <class F> int guard(F&& f) {
    try {
        last_error.clear();
        f();
        return SYMACT_OK;
    } catch (const symact::error& e) {
        last_error = e.what();
        return e.position() != symact::error::npos ? SYMACT_ERR_EXPR : SYMACT_ERR_ARG;
    } catch (const std::exception& e) {
        last_error = std::string("internal error: ") + e.what();
        return SYMACT_ERR_INTERNAL;
    } catch (...) {
        last_error = "internal error";
        return SYMACT_ERR_INTERNAL;
    }
}

const symact::jit::Kernel& kernel(const symact_kernel* k) {
    if (!k) throw symact::error("null kernel handle");
    return k->k;
}

// Packed per-parameter arrays -> pointers and counts.
struct Packed {
    std::vector<const double*> p;
    std::vector<double*> g;
    std::vector<size_t> counts;
};
Packed pack(const symact::jit::Kernel& k, const double* params, const size_t* counts, double* dparams,
            bool grad) {
    Packed r;
    size_t P = k.params().size(), off = 0;
    if (P && !params) throw symact::error("params is NULL but the expression has parameters");
    if (P && grad && !dparams) throw symact::error("dparams is NULL but the expression has parameters");
    for (size_t j = 0; j < P; ++j) {
        size_t c = counts ? counts[j] : 1;
        r.p.push_back(params + off);
        r.g.push_back(grad ? dparams + off : nullptr);
        r.counts.push_back(c);
        off += c;
    }
    return r;
}

// A concatenation through its typed entry: parameters by name, outputs K times n.
template <class T>
void run_concat(const symact::jit::ConcatKernel& c, int mode, const void* x, const void* dy, void* y, void* dx,
                size_t n, size_t channels, size_t inner, const double* params, const size_t* counts,
                double* dparams, uint64_t seed, uint64_t offset) {
    const auto& names = c.params();
    if (!names.empty() && !params) throw symact::error("params is NULL but the expression has parameters");
    if (!names.empty() && mode != 0 && !dparams) throw symact::error("dparams is NULL but the expression has parameters");
    symact::jit::ParamValues pv;
    for (size_t j = 0, off = 0; j < names.size(); ++j) {
        const size_t cnt = counts ? counts[j] : 1;
        pv[names[j]].assign(params + off, params + off + cnt);
        off += cnt;
    }
    const size_t K = c.parts();
    if (n != 0 && ((mode != 1 && !y) || (mode != 0 && (!dy || !dx)) || !x))
        throw symact::error("null data pointer");
    if (n > SIZE_MAX / K) throw symact::error("n times the number of parts overflows size_t");
    std::span<const T> xs(static_cast<const T*>(x), x ? n : 0), dys(static_cast<const T*>(dy), dy ? K * n : 0);
    std::span<T> ys(static_cast<T*>(y), y ? K * n : 0), dxs(static_cast<T*>(dx), dx ? n : 0);
    const symact::jit::Layout l{channels, inner};
    const symact::jit::Noise nz{seed, offset};
    symact::jit::ParamGrads g;
    if (mode == 0) c.forward(xs, ys, pv, l, nz);
    else if (mode == 1) g = c.backward(xs, dys, dxs, pv, l, nz);
    else if (mode == 2) g = c.forward_backward(xs, dys, ys, dxs, pv, l, nz);
    else throw symact::error("run: mode " + std::to_string(mode) + " (0 forward, 1 backward, 2 fused)");
    if (mode != 0)
        for (size_t j = 0, off = 0; j < names.size(); ++j) {
            const auto& v = g[names[j]];
            std::copy(v.begin(), v.end(), dparams + off);
            off += v.size();
        }
}

int run(const symact_kernel* h, int mode, const void* x, const void* dy, void* y, void* dx, size_t n,
        size_t channels, size_t inner, const double* params, const size_t* counts, double* dparams,
        uint64_t seed = 0, uint64_t offset = 0) {
    return guard([&] {
        if (h && h->c) {
            if (h->c.dtype() == symact::jit::DType::f32)
                run_concat<float>(h->c, mode, x, dy, y, dx, n, channels, inner, params, counts, dparams, seed, offset);
            else
                run_concat<double>(h->c, mode, x, dy, y, dx, n, channels, inner, params, counts, dparams, seed, offset);
            return;
        }
        const auto& k = kernel(h);
        auto pk = pack(k, params, counts, dparams, mode != 0);
        k.run(mode, x, dy, y, dx, n, {channels, inner}, pk.p.data(), pk.counts.data(), pk.g.data(),
              {seed, offset});
    });
}
const std::vector<std::string>& names(const symact_kernel* k) { return k->c ? k->c.params() : k->k.params(); }

// A concatenation's derivative is the concatenation of its parts' (0 for a part without wrt).
std::string derivative(const symact_kernel& k, const char* wrt) {
    if (!k.c) return kernel(&k).derivative(wrt);
    const std::string w = wrt;
    const auto& all = k.c.params();
    if (w != "x" && std::find(all.begin(), all.end(), w) == all.end())
        throw symact::error("'" + w + "' is not a parameter of the concatenation");
    std::string s = "concat(";
    for (size_t i = 0; i < k.c.parts(); ++i) {
        const auto& part = k.c.part(i);
        const auto& ps = part.params();
        const bool has = w == "x" || std::find(ps.begin(), ps.end(), w) != ps.end();
        if (i) s += ", ";
        s += has ? part.derivative(w) : std::string("0");
    }
    return s + ")";
}
}  // namespace

extern "C" {

void symact_options_init(symact_options* o) {
    if (o) *o = symact_options{SYMACT_F32, 0, 1, 1, nullptr};
}

int symact_compile(const char* expr, const symact_options* opts, symact_kernel** out) {
    return guard([&] {
        if (!expr) throw symact::error("expr is NULL");
        if (!out) throw symact::error("out is NULL");
        *out = nullptr;
        symact::jit::Options o;
        if (opts) {
            if (opts->dtype != SYMACT_F32 && opts->dtype != SYMACT_F64)
                throw symact::error("dtype must be SYMACT_F32 or SYMACT_F64");
            o.dtype = opts->dtype == SYMACT_F64 ? symact::jit::DType::f64 : symact::jit::DType::f32;
            o.vector_width = opts->vector_width;
            o.memory_cache = opts->memory_cache != 0;
            o.disk_cache = opts->disk_cache != 0;
            if (opts->cache_dir) o.cache_dir = opts->cache_dir;
        }
        auto h = std::make_unique<symact_kernel>();
        if (symact::codegen::split_concat(expr)) h->c = symact::jit::compile_concat(expr, o);
        else h->k = symact::jit::compile(expr, o);
        *out = h.release();
    });
}

void symact_release(symact_kernel* k) { delete k; }

const char* symact_last_error(void) { return last_error.c_str(); }


int symact_dtype(const symact_kernel* k) {
    if (!k) return SYMACT_F32;
    return (k->c ? k->c.dtype() : k->k.dtype()) == symact::jit::DType::f64 ? SYMACT_F64 : SYMACT_F32;
}
size_t symact_parts(const symact_kernel* k) { return k && k->c ? k->c.parts() : 1; }
size_t symact_param_count(const symact_kernel* k) { return k ? names(k).size() : 0; }
const char* symact_param_name(const symact_kernel* k, size_t i) {
    if (!k || i >= names(k).size()) return nullptr;
    return names(k)[i].c_str();
}

const char* symact_derivative(symact_kernel* k, const char* wrt) {
    const char* out = nullptr;
    guard([&] {
        if (!wrt) throw symact::error("wrt is NULL");
        if (!k) throw symact::error("null kernel handle");
        std::lock_guard lk(k->mu);
        auto it = k->derivatives.find(wrt);
        if (it == k->derivatives.end()) it = k->derivatives.emplace(wrt, derivative(*k, wrt)).first;
        out = it->second.c_str();
    });
    return out;
}

int symact_forward(const symact_kernel* k, const void* x, void* y, size_t n, const double* params) {
    return run(k, 0, x, nullptr, y, nullptr, n, 1, 0, params, nullptr, nullptr);
}
int symact_backward(const symact_kernel* k, const void* x, const void* dy, void* dx, size_t n,
                    const double* params, double* dparams) {
    return run(k, 1, x, dy, nullptr, dx, n, 1, 0, params, nullptr, dparams);
}
int symact_forward_backward(const symact_kernel* k, const void* x, const void* dy, void* y, void* dx,
                            size_t n, const double* params, double* dparams) {
    return run(k, 2, x, dy, y, dx, n, 1, 0, params, nullptr, dparams);
}
int symact_run(const symact_kernel* k, int mode, const void* x, const void* dy, void* y, void* dx,
               size_t n, size_t channels, size_t inner, const double* params, const size_t* counts,
               double* dparams) {
    return run(k, mode, x, dy, y, dx, n, channels, inner, params, counts, dparams);
}
int symact_run_seeded(const symact_kernel* k, int mode, const void* x, const void* dy, void* y,
                      void* dx, size_t n, size_t channels, size_t inner, const double* params,
                      const size_t* counts, double* dparams, uint64_t seed, uint64_t offset) {
    return run(k, mode, x, dy, y, dx, n, channels, inner, params, counts, dparams, seed, offset);
}

}  // extern "C"
