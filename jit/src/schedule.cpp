// The order in which a loop body's instructions reach the backend matters on our dear
// bodies: instruction selection and LLVM's machine scheduler keep the IR's order almost
// unchanged, and the order lower() produces is the graph's (operands first, in the order
// the expression names them). gelu's derivative, for one, begins with the exp of
// exp(-x^2/2) and reaches the division x/sqrt(2) that starts erfc's long chain (division,
// division, polynomial, exp) only 30 instructions later; the compile-time kernel, whose
// derivative names x/sqrt(2) first, ran 14 % faster. Issuing the longest chain first lets
// the core overlap it with the short ones.
#include "schedule.hpp"

#include <algorithm>
#include <queue>
#include <vector>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/Analysis/ValueTracking.h>
#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>

namespace symact::jit::detail {

namespace {

// Weights: rough cycles from operands to result on current x86 cores (AVX-512 and AVX2
// alike), except divisions and square roots, weighted 40 rather than their 11-20 cycles
// of latency: they also hold the one divider for several cycles per vector, so the
// schedule issues them as early as their operands allow (gelu's backward: 1.00x the
// compile-time kernel with 11, 0.94-0.97x with 40; no other kernel moved).
constexpr unsigned divider = 40;
unsigned latency(const llvm::Instruction& i) {
    switch (i.getOpcode()) {
    case llvm::Instruction::FDiv:
    case llvm::Instruction::FRem: return divider;
    case llvm::Instruction::FAdd:
    case llvm::Instruction::FSub:
    case llvm::Instruction::FMul: return 3;
    case llvm::Instruction::FCmp: return 3;
    case llvm::Instruction::FNeg:
    case llvm::Instruction::BitCast: return 1;
    case llvm::Instruction::FPExt:
    case llvm::Instruction::FPTrunc:
    case llvm::Instruction::SIToFP:
    case llvm::Instruction::UIToFP:
    case llvm::Instruction::FPToSI:
    case llvm::Instruction::FPToUI: return 4;
    case llvm::Instruction::Load: return 6;
    case llvm::Instruction::Call:
        if (auto* ii = llvm::dyn_cast<llvm::IntrinsicInst>(&i)) {
            switch (ii->getIntrinsicID()) {
            case llvm::Intrinsic::sqrt: return divider;
            case llvm::Intrinsic::fma:
            case llvm::Intrinsic::fmuladd: return 4;
            case llvm::Intrinsic::fabs:
            case llvm::Intrinsic::copysign: return 1;
            case llvm::Intrinsic::masked_load: return 7;
            default: return 3;
            }
        }
        return 4;
    default: return 1;  // integer and mask arithmetic, selects, shuffles
    }
}

}  // namespace

void schedule_critical_path(llvm::BasicBlock& bb) {
    std::vector<llvm::Instruction*> ins;
    for (auto& i : bb)
        if (!llvm::isa<llvm::PHINode>(i) && !i.isTerminator()) ins.push_back(&i);
    const auto n = static_cast<unsigned>(ins.size());
    llvm::DenseMap<const llvm::Instruction*, unsigned> index;
    for (unsigned k = 0; k < n; ++k) index[ins[k]] = k;

    // Edges: operand -> user within the block, and memory operations in their order.
    std::vector<std::vector<unsigned>> users(n);
    std::vector<unsigned> waiting(n, 0);
    int last_memory = -1;
    for (unsigned k = 0; k < n; ++k) {
        for (const llvm::Use& op : ins[k]->operands())
            if (auto* d = llvm::dyn_cast<llvm::Instruction>(op.get()))
                if (auto it = index.find(d); it != index.end()) {
                    users[it->second].push_back(k);
                    ++waiting[k];
                }
        if (ins[k]->mayReadOrWriteMemory() || ins[k]->mayHaveSideEffects()) {
            if (last_memory >= 0) {
                users[static_cast<unsigned>(last_memory)].push_back(k);
                ++waiting[k];
            }
            last_memory = static_cast<int>(k);
        }
    }
    std::vector<unsigned> height(n, 0);
    for (unsigned k = n; k-- > 0;) {
        unsigned below = 0;
        for (unsigned u : users[k]) below = std::max(below, height[u]);
        height[k] = latency(*ins[k]) + below;
    }

    // Highest first; among equals, the original order (lower() emits operands first).
    auto later = [&](unsigned a, unsigned b) {
        return height[a] != height[b] ? height[a] < height[b] : a > b;
    };
    std::priority_queue<unsigned, std::vector<unsigned>, decltype(later)> ready(later);
    for (unsigned k = 0; k < n; ++k)
        if (!waiting[k]) ready.push(k);
    llvm::Instruction* end = bb.getTerminator();
    while (!ready.empty()) {
        const unsigned k = ready.top();
        ready.pop();
        ins[k]->moveBefore(end);
        for (unsigned u : users[k])
            if (--waiting[u] == 0) ready.push(u);
    }
}

void hoist_invariants(llvm::Function& f) {
    llvm::BasicBlock& entry = f.getEntryBlock();
    llvm::Instruction* end = entry.getTerminator();
    auto outside = [&](const llvm::Value* v) {
        if (auto* i = llvm::dyn_cast<llvm::Instruction>(v)) return i->getParent() == &entry;
        return llvm::isa<llvm::Constant>(v) || llvm::isa<llvm::Argument>(v);
    };
    for (llvm::BasicBlock& bb : f) {
        if (&bb == &entry) continue;
        for (llvm::Instruction& i : llvm::make_early_inc_range(bb)) {
            if (llvm::isa<llvm::PHINode>(i) || i.isTerminator() || i.mayReadOrWriteMemory() ||
                i.mayHaveSideEffects() || !llvm::isSafeToSpeculativelyExecute(&i))
                continue;
            if (std::all_of(i.op_begin(), i.op_end(), [&](const llvm::Use& u) { return outside(u.get()); }))
                i.moveBefore(end);
        }
    }
}

}  // namespace symact::jit::detail
