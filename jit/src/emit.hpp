// Builds the LLVM module of one kernel: the three functions of abi.hpp, each a loop over
// W-lane vectors whose body is codegen::lower() of the kernel's roots.
#pragma once
#include <memory>
#include <span>
#include <string>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "abi.hpp"
#include "symact/codegen/function.hpp"

namespace symact::jit::detail {

struct EmitTarget {
    bool f64;
    unsigned width;           // lanes per vector
    unsigned prefer_bits;     // host's widest vector register (prefer-vector-width)
    std::string cpu, features;
};

// A module with the kernels of `modes` (the kernel's code may be split into modules that
// compile in parallel). Reads fn's graph only: f and its derivatives must exist already.
std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext& ctx, codegen::Function& fn,
                                          const EmitTarget& t, std::span<const Mode> modes);

}  // namespace symact::jit::detail
