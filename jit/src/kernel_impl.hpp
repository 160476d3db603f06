// What a Kernel handle points to: the loaded code (freed in the destructor) and what is
// needed to describe it (the parsed Function, kept for printing derivatives).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine.hpp"
#include "symact/codegen/function.hpp"
#include "symact/jit/jit.hpp"

namespace symact::jit::detail {

struct KernelImpl {
    std::string canonical;
    std::vector<std::string> params;
    DType dtype = DType::f32;
    unsigned width = 0;
    Origin origin = Origin::compiled;
    std::size_t object_size = 0;
    CompileTimes times;
    std::string ir;
    Loaded code;
    mutable std::mutex fn_mu;  // Function::derivative() builds nodes
    std::unique_ptr<codegen::Function> fn;

    KernelImpl() = default;
    KernelImpl(const KernelImpl&) = delete;
    KernelImpl& operator=(const KernelImpl&) = delete;
    ~KernelImpl() { Engine::get().unload(code); }
};

}  // namespace symact::jit::detail
