// Instruction order inside a kernel's loop body: longest latency chain first.
#pragma once

namespace llvm {
class BasicBlock;
class Function;
}

namespace symact::jit::detail {

// Reorders the instructions of bb (which must have its terminator) by a list schedule
// that issues, among the instructions whose operands are ready, the one with the longest
// chain of latencies still below it in bb (its "height"). Memory operations keep their
// order, phis stay first and the terminator last: bb computes the same values.
void schedule_critical_path(llvm::BasicBlock& bb);

// Moves the loop-invariant computations of f's blocks into its entry block (which must
// have its terminator): instructions without memory access or side effects whose operands
// are constants, arguments or values of the entry block, taken in order, so chains move
// whole. What parameters alone decide (1 - alpha, c*sign(1 - alpha)) is then computed
// once per call; the instruction selector's own hoisting (MachineLICM) left such products
// in noisy_hardsigmoid's loop.
void hoist_invariants(llvm::Function& f);

}  // namespace symact::jit::detail
