// The cache machinery compile() (elementwise kernels) and compile_rows() (row kernels)
// share: the counters behind jit::stats(), the option and disk keys, and the in-process cache
// (expression text or canonical form + options -> handle, each key built once even under
// concurrent requests). One memory cache per handle type (Kernel, RowKernel).
#pragma once
#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "symact/jit/jit.hpp"

namespace symact::jit::detail {

struct Counters {
    std::atomic<std::size_t> compiles{0}, disk_hits{0}, memory_hits{0}, disk_writes{0}, disk_rejects{0};
};
Counters& counters();

// The vector width `o` asks for (0: the host's); throws on a bad width or opt level.
unsigned resolve_width(const Options& o);
// The options a kernel depends on, for the memory cache keys.
std::string options_key(const Options& o, unsigned width);
// Everything the object code depends on; stored whole in each disk entry. `kind` marks
// kernels of another shape for the same canonical text ("rows"; empty for elementwise).
std::string disk_key(const std::string& canonical, const Options& o, unsigned width, std::string_view kind = {});

template <class H> struct MemoryCache {
    std::mutex mu;
    std::unordered_map<std::string, H> by_text;
    std::unordered_map<std::string, std::shared_future<H>> by_canonical;

    void clear() {
        std::unordered_map<std::string, H> t;
        std::unordered_map<std::string, std::shared_future<H>> c;
        {
            std::lock_guard lk(mu);
            t.swap(by_text);
            c.swap(by_canonical);
        }
        // The handles go here, outside the lock (a last handle unloads code).
    }
};
template <class H> MemoryCache<H>& memory_cache() {
    static auto* m = new MemoryCache<H>();  // leaked: see Engine::get()
    return *m;
}

// The memory cache around a build: prepare() parses (throwing symact::error on bad text) and
// returns {canonical form, build}; build() is the cold path (disk cache or compile) -> H.
// With use_memory false, every call prepares and builds.
template <class H, class Prepare>
H cached(std::string_view expr, bool use_memory, const std::string& okey, Prepare&& prepare) {
    auto& mc = memory_cache<H>();
    std::string tkey;
    if (use_memory) {
        tkey.reserve(expr.size() + okey.size() + 1);
        tkey.append(expr).append(1, '\0').append(okey);
        std::lock_guard lk(mc.mu);
        if (auto it = mc.by_text.find(tkey); it != mc.by_text.end()) {
            ++counters().memory_hits;
            return it->second;
        }
    }
    auto [canonical, build] = prepare();
    if (!use_memory) return build();

    // One build per canonical key: the first request builds, the others wait for it.
    std::string ckey = canonical + '\0' + okey;
    std::promise<H> promise;
    std::shared_future<H> future;
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
    H handle;
    if (!builder) {
        handle = future.get();  // rethrows the builder's error
        ++counters().memory_hits;
    } else {
        try {
            handle = build();
        } catch (...) {
            {
                std::lock_guard lk(mc.mu);
                mc.by_canonical.erase(ckey);  // a later request tries again
            }
            promise.set_exception(std::current_exception());
            throw;
        }
        promise.set_value(handle);
    }
    std::lock_guard lk(mc.mu);
    mc.by_text.emplace(std::move(tkey), handle);
    return handle;
}

}  // namespace symact::jit::detail
