// compile(): the in-process cache (expression text or canonical form + options -> kernel,
// each key compiled once even under concurrent requests), the disk cache (object files),
// and the cold path: parse, differentiate, lower, O2, codegen, load.
#include <atomic>
#include <cstdlib>
#include <future>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/LLVMContext.h>

#include "build_id.hpp"
#include "disk_cache.hpp"
#include "emit.hpp"
#include "kernel_impl.hpp"
#include "symact/codegen/print.hpp"
#include "symact/error.hpp"

namespace symact::jit {

namespace {

struct Counters {
    std::atomic<std::size_t> compiles{0}, disk_hits{0}, memory_hits{0}, disk_writes{0}, disk_rejects{0};
};
Counters& counters() {
    static Counters c;
    return c;
}

struct MemoryCache {
    std::mutex mu;
    std::unordered_map<std::string, Kernel> by_text;
    std::unordered_map<std::string, std::shared_future<Kernel>> by_canonical;
};
MemoryCache& memory() {
    static MemoryCache* m = new MemoryCache();  // leaked: see Engine::get()
    return *m;
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

bool env_off(const char* name) {
    const char* v = std::getenv(name);
    if (!v) return false;
    std::string s(v);
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s == "off" || s == "0" || s == "false" || s == "no" || s == "disabled";
}

// Everything the object code depends on; stored whole in each disk entry.
std::string disk_key(const std::string& canonical, const Options& o, unsigned width) {
    const auto& h = detail::Engine::get().host();
    return fmt::format("symact {} build {} abi {}\nllvm {}\ntriple {}\ncpu {}\nfeatures {}\n"
                       "dtype {}\nwidth {}\nopt {}\nexpr {}\n",
                       SYMACT_JIT_VERSION, SYMACT_JIT_BUILD_ID, detail::abi_version,
                       LLVM_VERSION_STRING, h.triple, h.cpu, h.key_features,
                       o.dtype == DType::f32 ? "f32" : "f64", width, o.opt_level, canonical);
}

std::shared_ptr<detail::KernelImpl> build(std::unique_ptr<codegen::Function> fn,
                                          std::string canonical, const Options& o, unsigned width) {
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
        std::string obj;
        switch (detail::read_entry(file, key, obj)) {
        case detail::DiskRead::hit: {
            k->object_size = obj.size();
            k->code = engine.load(llvm::MemoryBuffer::getMemBufferCopy(obj, "symact_kernel"));
            k->origin = Origin::disk;
            k->fn = std::move(fn);
            ++counters().disk_hits;
            return k;
        }
        case detail::DiskRead::rejected: ++counters().disk_rejects; break;
        case detail::DiskRead::missing: break;
        }
    }

    llvm::LLVMContext ctx;
    const auto& h = engine.host();
    detail::EmitTarget t{o.dtype == DType::f64, width, h.vector_bits, h.cpu, h.features};
    auto module = detail::emit_module(ctx, *fn, t);
    auto obj = engine.compile(*module, o.opt_level, o.keep_ir ? &k->ir : nullptr);
    ++counters().compiles;
    k->object_size = obj->getBufferSize();
    if (!file.empty() && detail::write_entry(file, key, obj->getBuffer().str())) ++counters().disk_writes;
    k->code = engine.load(std::move(obj));
    k->origin = Origin::compiled;
    k->fn = std::move(fn);
    return k;
}

}  // namespace

Kernel compile(std::string_view expr, const Options& o) {
    const unsigned width = resolve_width(o);
    const std::string okey = options_key(o, width);
    auto& mc = memory();
    std::string tkey;
    if (o.memory_cache) {
        tkey.reserve(expr.size() + okey.size() + 1);
        tkey.append(expr).append(1, '\0').append(okey);
        std::lock_guard lk(mc.mu);
        if (auto it = mc.by_text.find(tkey); it != mc.by_text.end()) {
            ++counters().memory_hits;
            return it->second;
        }
    }

    auto fn = std::make_unique<codegen::Function>(expr);  // throws symact::error
    std::string canonical = codegen::to_string(fn->f());
    Kernel kernel;
    if (!o.memory_cache) {
        kernel.impl_ = build(std::move(fn), std::move(canonical), o, width);
        return kernel;
    }

    // One compile per canonical key: the first request builds, the others wait for it.
    std::string ckey = canonical + '\0' + okey;
    std::promise<Kernel> promise;
    std::shared_future<Kernel> future;
    bool builder = false;
    {
        std::lock_guard lk(mc.mu);
        if (auto it = mc.by_canonical.find(ckey); it != mc.by_canonical.end()) {
            future = it->second;
        } else {
            future = promise.get_future().share();
            mc.by_canonical.emplace(ckey, future);
            builder = true;
        }
    }
    if (!builder) {
        kernel = future.get();  // rethrows the builder's error
        ++counters().memory_hits;
    } else {
        try {
            kernel.impl_ = build(std::move(fn), std::move(canonical), o, width);
        } catch (...) {
            {
                std::lock_guard lk(mc.mu);
                mc.by_canonical.erase(ckey);  // a later request tries again
            }
            promise.set_exception(std::current_exception());
            throw;
        }
        promise.set_value(kernel);
    }
    std::lock_guard lk(mc.mu);
    mc.by_text.emplace(std::move(tkey), kernel);
    return kernel;
}

Stats stats() {
    auto& c = counters();
    return {c.compiles, c.disk_hits, c.memory_hits, c.disk_writes, c.disk_rejects};
}

void clear_memory_cache() {
    auto& mc = memory();
    std::unordered_map<std::string, Kernel> t;
    std::unordered_map<std::string, std::shared_future<Kernel>> c;
    {
        std::lock_guard lk(mc.mu);
        t.swap(mc.by_text);
        c.swap(mc.by_canonical);
    }
    // The handles go here, outside the lock (a last handle unloads code).
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
