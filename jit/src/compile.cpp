// compile(): the in-process cache (cache.hpp, shared with compile_rows), the disk cache
// (object files), and the cold path: parse, differentiate, lower, O2, codegen, load.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/LLVMContext.h>

#include "build_id.hpp"
#include "cache.hpp"
#include "disk_cache.hpp"
#include "emit.hpp"
#include "kernel_impl.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"
#include "symact/jit/rows.hpp"

namespace symact::jit {

namespace detail {

Counters& counters() {
    static Counters c;
    return c;
}

unsigned resolve_width(const Options& o) {
    if (o.opt_level > 3) throw error(fmt::format("jit: opt_level {} (0..3)", o.opt_level));
    if (o.vector_width == 0) return default_vector_width(o.dtype);
    unsigned w = o.vector_width;
    if (w > 64 || (w & (w - 1)) != 0)
        throw error(fmt::format("jit: vector_width {} is not a power of two in 1..64", w));
    return w;
}

std::string options_key(const Options& o, unsigned width) {
    return fmt::format("{}|w{}|O{}|ir{}", o.dtype == DType::f32 ? "f32" : "f64", width, o.opt_level,
                       o.keep_ir ? 1 : 0);
}

// Everything the object code depends on; stored whole in each disk entry.
std::string disk_key(const std::string& canonical, const Options& o, unsigned width, std::string_view kind) {
    const auto& h = Engine::get().host();
    return fmt::format("symact {} build {} abi {}\nllvm {}\ntriple {}\ncpu {}\nfeatures {}\n"
                       "dtype {}\nwidth {}\nopt {}\n{}expr {}\n",
                       SYMACT_JIT_VERSION, SYMACT_JIT_BUILD_ID, abi_version,
                       LLVM_VERSION_STRING, h.triple, h.cpu, h.key_features,
                       o.dtype == DType::f32 ? "f32" : "f64", width, o.opt_level,
                       kind.empty() ? std::string() : fmt::format("kind {}\n", kind), canonical);
}

}  // namespace detail

namespace {

using detail::counters;
using detail::disk_key;

bool env_off(const char* name) {
    const char* v = std::getenv(name);
    if (!v) return false;
    std::string s(v);
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s == "off" || s == "0" || s == "false" || s == "no" || s == "disabled";
}

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::shared_ptr<detail::KernelImpl> build(std::unique_ptr<codegen::Function> fn,
                                          std::string canonical, const Options& o, unsigned width,
                                          Clock::time_point t_parse) {
    auto& engine = detail::Engine::get();
    auto k = std::make_shared<detail::KernelImpl>();
    k->canonical = std::move(canonical);
    k->params = fn->params();
    k->dtype = o.dtype;
    k->width = width;

    std::filesystem::path file;
    std::string key;
    if (auto dir = cache_directory(o); !dir.empty() && !o.keep_ir) {
        key = disk_key(k->canonical, o, width);
        file = detail::entry_path(dir, key);
        std::vector<std::string> objs;
        switch (detail::read_entry(file, key, objs)) {
        case detail::DiskRead::hit: {
            k->times.parse = ms_since(t_parse);
            auto t = Clock::now();
            std::vector<std::unique_ptr<llvm::MemoryBuffer>> bufs;
            for (const auto& obj : objs) {
                k->object_size += obj.size();
                bufs.push_back(llvm::MemoryBuffer::getMemBufferCopy(obj, "symact_kernel"));
            }
            k->code = engine.load(std::move(bufs));
            k->times.load = ms_since(t);
            k->origin = Origin::disk;
            k->fn = std::move(fn);
            ++counters().disk_hits;
            return k;
        }
        case detail::DiskRead::rejected: ++counters().disk_rejects; break;
        case detail::DiskRead::missing: break;
        }
    }

    // The derivatives now (they are built lazily): the emitters below only read the graph,
    // and parse time includes them.
    fn->derivative("x");
    for (const auto& p : fn->params()) fn->derivative(p);
    k->times.parse = ms_since(t_parse);

    // Two modules, each in its own LLVMContext, optimised and compiled on two threads:
    // code generation is most of a cold compile, and fused ~ forward + backward in size.
    static constexpr detail::Mode part_modes[2][2] = {{detail::Mode::fused},
                                                      {detail::Mode::forward, detail::Mode::backward}};
    struct Part {
        std::span<const detail::Mode> modes;
        llvm::LLVMContext ctx;
        std::unique_ptr<llvm::Module> module;
        std::unique_ptr<llvm::MemoryBuffer> object;
        std::string ir;
        CompileTimes times;
        std::exception_ptr error;
    };
    Part parts[2];
    parts[0].modes = std::span(part_modes[0], 1);
    parts[1].modes = std::span(part_modes[1], 2);
    auto t = Clock::now();
    const auto& h = engine.host();
    detail::EmitTarget et{o.dtype == DType::f64, width, h.vector_bits, h.cpu, h.features};
    for (auto& p : parts) p.module = detail::emit_module(p.ctx, *fn, et, p.modes);
    const bool noisy = fn->has_noise();
    k->times.ir = ms_since(t);
    auto run = [&](Part& p) {
        try {
            // LICM (the generator's key schedule) pays in the forward+backward module only: in
            // the fused kernel the hoisted values cost registers (noisy_hardsigmoid_train fused
            // 2.68 -> 3.24 ns/element), in the forward they saved 6% (RReLU in training).
            const bool hoist = noisy && p.modes[0] != detail::Mode::fused;
            p.object = engine.compile(*p.module, o.opt_level, o.keep_ir ? &p.ir : nullptr, &p.times, hoist);
            p.module.reset();  // its context is destroyed on this thread's watch, before join
        } catch (...) {
            p.error = std::current_exception();
        }
    };
    t = Clock::now();
    if (std::thread::hardware_concurrency() > 1) {
        std::thread helper(run, std::ref(parts[1]));
        run(parts[0]);
        helper.join();
    } else {
        for (auto& p : parts) run(p);
    }
    k->times.backend = ms_since(t);
    std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
    std::vector<std::string_view> blobs;
    for (auto& p : parts) {
        if (p.error) std::rethrow_exception(p.error);
        k->times.optimize += p.times.optimize;
        k->times.codegen += p.times.codegen;
        k->ir += p.ir;
        k->object_size += p.object->getBufferSize();
        blobs.push_back(p.object->getBuffer());
        objects.push_back(std::move(p.object));
    }
    ++counters().compiles;
    if (!file.empty() && detail::write_entry(file, key, blobs)) ++counters().disk_writes;
    t = Clock::now();
    k->code = engine.load(std::move(objects));
    k->times.load = ms_since(t);
    k->origin = Origin::compiled;
    k->fn = std::move(fn);
    return k;
}

}  // namespace

Kernel compile(std::string_view expr, const Options& o) {
    const unsigned width = detail::resolve_width(o);
    return detail::cached<Kernel>(expr, o.memory_cache, detail::options_key(o, width), [&] {
        const auto t_parse = Clock::now();
        auto fn = std::make_unique<codegen::Function>(expr);  // throws symact::error
        fn->require_elementwise("jit::compile");
        std::string canonical = codegen::to_string(fn->f());
        auto build_it = [&o, width, t_parse, canonical, fn = std::move(fn)]() mutable {
            Kernel kernel;
            kernel.impl_ = build(std::move(fn), canonical, o, width, t_parse);
            return kernel;
        };
        return std::pair{std::move(canonical), std::move(build_it)};
    });
}

Stats stats() {
    auto& c = counters();
    return {c.compiles, c.disk_hits, c.memory_hits, c.disk_writes, c.disk_rejects};
}

void clear_memory_cache() {
    detail::memory_cache<Kernel>().clear();
    detail::memory_cache<RowKernel>().clear();
}

std::filesystem::path cache_directory(const Options& o) {
    if (!o.disk_cache || env_off("SYMACT_CACHE")) return {};
    if (!o.cache_dir.empty()) return o.cache_dir;
    if (const char* d = std::getenv("SYMACT_CACHE_DIR"); d && *d) return d;
    if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::filesystem::path(d) / "symact";
    if (const char* d = std::getenv("HOME"); d && *d) return std::filesystem::path(d) / ".cache" / "symact";
    return {};
}

unsigned default_vector_width(DType t) {
    return detail::Engine::get().host().vector_bits / (t == DType::f32 ? 32 : 64);
}
std::string host_cpu() { return detail::Engine::get().host().cpu; }
std::string host_features() { return detail::Engine::get().host().key_features; }
std::string version() { return fmt::format("symact {} (LLVM {})", SYMACT_JIT_VERSION, LLVM_VERSION_STRING); }

}  // namespace symact::jit
