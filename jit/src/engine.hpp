// The process's one LLJIT (created on first use, thread-safe, never destroyed: kernels in
// static caches may outlive any destruction order) and the steps of a compile: new-PM O2
// with the host TargetMachine, codegen to an object buffer, loading an object buffer into
// a kernel's own JITDylib through the LLJIT object layer.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>

#include "symact/jit/jit.hpp"

namespace symact::jit::detail {

struct HostInfo {
    std::string triple, cpu;
    std::string features;        // the full +/- list, as the TargetMachine gets it
    std::string key_features;    // the enabled ones, sorted (for cache keys)
    unsigned vector_bits = 128;  // widest vector register: 512 with AVX-512F, 256 with AVX
};

// Code loaded for one kernel: its JITDylib, the ResourceTracker that owns its memory,
// and the addresses of symbol_names[] (emit.hpp).
struct Loaded {
    llvm::orc::JITDylib* jd = nullptr;
    llvm::orc::ResourceTrackerSP rt;
    std::array<void*, 3> fn{};
};

class Engine {
public:
    static Engine& get();  // creates the LLJIT on first call; throws symact::error on failure

    const HostInfo& host() const { return host_; }
    // The IR pipeline for opt_level (0 none, 1 lean, 2/3 new-PM O2/O3), then codegen;
    // returns the object file. Thread-safe (each call uses its own TargetMachine).
    // Adds to times->optimize and times->codegen. hoist: the lean pipeline also runs LICM
    // (kernels that draw noise: the generator's key schedule is loop-invariant).
    std::unique_ptr<llvm::MemoryBuffer> compile(llvm::Module& m, unsigned opt_level, std::string* ir_out,
                                                CompileTimes* times, bool hoist = false);
    // Links the objects (one kernel's parts, compiled in parallel) into one JITDylib.
    Loaded load(std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects);
    void unload(Loaded& l) noexcept;

private:
    Engine();
    struct Impl;
    std::unique_ptr<Impl> impl_;
    HostInfo host_;
};

}  // namespace symact::jit::detail
