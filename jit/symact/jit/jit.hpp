// symact::jit: an activation written as a string at run time becomes forward, backward and
// fused forward+backward kernels, compiled by LLVM ORC for the host CPU (AVX-512 where
// present). See docs/JIT.md for the kernel ABI, the caches and the options.
//
//   auto k = symact::jit::compile("x*tanh(softplus(x))");
//   k.forward(x, y);                               // y = f(x)
//   auto g = k.forward_backward(x, dy, y, dx);     // y = f(x), dx = f'(x)*dy, g = dparams
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "symact/error.hpp"  // what every failure throws

namespace symact::jit {

enum class DType { f32, f64 };

struct Options {
    DType dtype = DType::f32;
    // Lanes per vector (a power of two, 1..64); 0: the host's widest register
    // (16 float / 8 double lanes with AVX-512, 8 / 4 with AVX2, 4 / 2 otherwise).
    unsigned vector_width = 0;
    // 0: no IR passes; 1: the lean pipeline (EarlyCSE, dead code), machine level "Less";
    // 2, 3: LLVM's new-PM O2/O3 pipelines, machine level Default/Aggressive. The emitter
    // writes explicit vectors already, so 1 gives kernels as fast as 2 in half the time.
    unsigned opt_level = 1;
    bool memory_cache = true;  // reuse kernels already compiled in this process
    bool disk_cache = true;    // also off when the environment has SYMACT_CACHE=off
    // Empty: $SYMACT_CACHE_DIR, else $XDG_CACHE_HOME/symact, else $HOME/.cache/symact.
    std::string cache_dir;
    bool keep_ir = false;  // keep the optimised LLVM IR (Kernel::ir()); always compiles
};

// Parameter values by name: one value (per tensor) or one per channel.
using ParamValues = std::map<std::string, std::vector<double>, std::less<>>;
// Parameter gradients by name, sum(dy * df/dp) per tensor or per channel (as given).
using ParamGrads = ParamValues;

// How a flat array is seen: (N, channels, inner), N = size / (channels * inner).
// Per-channel parameter c applies to the `inner` elements of every channel-c slice.
// inner = 0 means size / channels (N = 1).
struct Layout {
    std::size_t channels = 1;
    std::size_t inner = 0;
};

// What the noise ops (uniform(k), normal(k)) draw from: the numbers are a function of the
// seed and of each element's global index, offset + i for x[i] (below 2^48). Give a chunk
// of a larger array its offset to draw what one call over the whole array would; give the
// backward the forward's Noise to regenerate the forward's draws.
struct Noise {
    std::uint64_t seed = 0;
    std::uint64_t offset = 0;
};

enum class Origin { compiled, disk, memory };

// Where a kernel's compile time went, in ms. The kernels are compiled as two modules on
// two threads: `backend` is the wall time of that, `optimize` and `codegen` the time
// spent in each step summed over both threads. A disk hit has only parse and load.
struct CompileTimes {
    double parse = 0;     // parse, simplify, differentiate (wall)
    double ir = 0;        // lower to LLVM IR, both modules (wall)
    double optimize = 0;  // the IR pass pipeline (summed over threads)
    double codegen = 0;   // instruction selection, register allocation, object emission (summed)
    double backend = 0;   // optimize + codegen of both modules in parallel (wall)
    double load = 0;      // link the objects into the kernel's JITDylib, look up symbols (wall)
};

namespace detail { struct KernelImpl; }

// A handle to compiled kernels; copies share the code, which is freed with the last handle
// (the in-process cache holds one handle while it keeps the kernel).
class Kernel {
public:
    Kernel() = default;

    // y = f(x). y may be x (in place). Throws symact::error on a length or dtype mismatch
    // or a missing / unknown parameter.
    void forward(std::span<const float> x, std::span<float> y, const ParamValues& p = {},
                 Layout l = {}, Noise n = {}) const;
    void forward(std::span<const double> x, std::span<double> y, const ParamValues& p = {},
                 Layout l = {}, Noise n = {}) const;
    // dx = f'(x)*dy (dx may be dy); returns sum(dy*df/dp) for each parameter.
    ParamGrads backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                        const ParamValues& p = {}, Layout l = {}, Noise n = {}) const;
    ParamGrads backward(std::span<const double> x, std::span<const double> dy,
                        std::span<double> dx, const ParamValues& p = {}, Layout l = {},
                        Noise n = {}) const;
    // Both in one pass over x and dy.
    ParamGrads forward_backward(std::span<const float> x, std::span<const float> dy,
                                std::span<float> y, std::span<float> dx,
                                const ParamValues& p = {}, Layout l = {}, Noise n = {}) const;
    ParamGrads forward_backward(std::span<const double> x, std::span<const double> dy,
                                std::span<double> y, std::span<double> dx,
                                const ParamValues& p = {}, Layout l = {}, Noise n = {}) const;

    // The untyped entry (the C API's): mode 0 forward, 1 backward, 2 fused; data of the
    // kernel's dtype; params[k] points to counts[k] values (1 or channels) in params()
    // order, grads[k] receives as many sums (may be null in forward mode).
    void run(int mode, const void* x, const void* dy, void* y, void* dx, std::size_t size,
             Layout l, const double* const* params, const std::size_t* counts,
             double* const* grads, Noise n = {}) const;

    const std::vector<std::string>& params() const;  // sorted
    std::string expression() const;                  // the canonical form that was compiled
    std::string derivative(std::string_view wrt = "x") const;  // printed, parses back
    DType dtype() const;
    unsigned vector_width() const;  // lanes
    Origin origin() const;          // how this kernel was first obtained
    std::size_t object_size() const;  // bytes of machine code object
    const std::string& ir() const;   // optimised IR if Options::keep_ir, else empty
    const CompileTimes& compile_times() const;  // of the request that built it

    explicit operator bool() const { return impl_ != nullptr; }
    bool same_as(const Kernel& o) const { return impl_ == o.impl_; }

private:
    friend Kernel compile(std::string_view, const Options&);
    std::shared_ptr<const detail::KernelImpl> impl_;
};

// Parses, differentiates, lowers and compiles `expr`, or returns the kernel from the
// in-process or disk cache. Thread-safe; concurrent requests for one key compile it once.
// Throws symact::error (with a caret) for a bad expression.
Kernel compile(std::string_view expr, const Options& opts = {});

struct Stats {
    std::size_t compiles = 0, disk_hits = 0, memory_hits = 0, disk_writes = 0, disk_rejects = 0;
};
Stats stats();                 // counters since the process started
void clear_memory_cache();     // drops the cache's handles (kernels in use stay alive)
// The disk cache folder `opts` resolves to, or empty when the disk cache is off.
std::filesystem::path cache_directory(const Options& opts = {});
unsigned default_vector_width(DType t);
std::string host_cpu();       // LLVM's name of the host CPU
std::string host_features();  // enabled features, sorted, comma-separated
std::string version();        // symact and LLVM versions

}  // namespace symact::jit
