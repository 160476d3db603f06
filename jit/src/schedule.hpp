// Instruction order inside a kernel's loop body: longest latency chain first.
#pragma once

namespace llvm {
class BasicBlock;
}

namespace symact::jit::detail {

// Reorders the instructions of bb (which must have its terminator) by a list schedule
// that issues, among the instructions whose operands are ready, the one with the longest
// chain of latencies still below it in bb (its "height"). Memory operations keep their
// order, phis stay first and the terminator last: bb computes the same values.
void schedule_critical_path(llvm::BasicBlock& bb);

}  // namespace symact::jit::detail
