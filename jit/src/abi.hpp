// The kernel ABI shared by the emitter, the loader and the callers: three functions per
// kernel object, one signature (unused arguments are ignored):
//   void NAME(const T* x, const T* dy, T* y, T* dx, int64_t n, const T* params,
//             double* dparam, uint64_t seed, uint64_t offset)
// params: one T per parameter (Function::params() order); dparam[k] += sum(dy*df/dp_k);
// seed, offset: what the noise ops draw from (x[i] is element offset + i).
#pragma once
#include <cstdint>

namespace symact::jit::detail {

enum class Mode { forward = 0, backward = 1, fused = 2 };
inline constexpr const char* symbol_names[] = {"symact_forward", "symact_backward", "symact_fused"};
using KernelFn = void (*)(const void* x, const void* dy, void* y, void* dx, std::int64_t n,
                          const void* params, double* dparam, std::uint64_t seed,
                          std::uint64_t offset);
// Bump when the ABI or the emitted code changes in a way the cache key does not see.
inline constexpr int abi_version = 3;

}  // namespace symact::jit::detail
