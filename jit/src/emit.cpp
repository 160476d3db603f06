// The IR primitives (ir_value.hpp) are found by argument-dependent lookup: ops.hpp,
// lower.hpp and math/ call them unqualified.
#include "symact/jit/ir_value.hpp"

#include "emit.hpp"
#include "schedule.hpp"

#include <map>
#include <vector>

#include <llvm/IR/Function.h>
#include <llvm/IR/Intrinsics.h>

#include "symact/codegen/lower.hpp"

namespace symact::jit::detail {

namespace {

using codegen::Expr;
using llvm::Value;

// The leaves lower() asks for: x (this block's vector), parameters (splats loaded before
// the loops), constants (rounded once to S, as the reference evaluator does).
template <class S> struct Leaves {
    ir::Val<S> xv;
    std::map<std::string, ir::Val<S>, std::less<>> params;
    llvm::IRBuilder<>* b = nullptr;
    unsigned width = 0;
    Value *index = nullptr, *seed = nullptr, *offset = nullptr;  // i64: block start, call's seed, offset
    ir::Val<S> x() { return xv; }
    ir::Val<S> param(std::string_view n) { return params.find(n)->second; }
    ir::Val<S> constant(const codegen::Number& c) { return ir::Val<S>::splat(c.as<S>()); }
    // The noise ops' counter and key (lower.hpp): words of 32 bits in lanes of S's width.
    // The caller splits a call where the index's low word would wrap (kernel.cpp), so the
    // high word is the call's and the low word is offset + i + lane with no carry: float
    // kernels count in 32-bit lanes (a 64-bit index vector cost 1.2x the DSL's RReLU).
    std::pair<ir::UInt<S>, ir::UInt<S>> noise_index() {
        llvm::Type* lane = sizeof(S) == 8 ? b->getInt64Ty() : b->getInt32Ty();
        std::vector<llvm::Constant*> iota;
        for (unsigned l = 0; l < width; ++l) iota.push_back(llvm::ConstantInt::get(lane, l));
        Value* first = b->CreateZExtOrTrunc(b->CreateAnd(b->CreateAdd(offset, index), 0xFFFFFFFFull), lane);
        Value* lo = b->CreateAdd(b->CreateVectorSplat(width, first), llvm::ConstantVector::get(iota));
        Value* hi = b->CreateVectorSplat(width, b->CreateZExtOrTrunc(b->CreateLShr(offset, 32), lane));
        return {{lo}, {hi}};
    }
    std::pair<ir::UInt<S>, ir::UInt<S>> noise_seed() {  // split as scalars, then splat
        llvm::Type* lane = sizeof(S) == 8 ? b->getInt64Ty() : b->getInt32Ty();
        Value* lo = b->CreateZExtOrTrunc(b->CreateAnd(seed, 0xFFFFFFFFull), lane);
        Value* hi = b->CreateZExtOrTrunc(b->CreateLShr(seed, 32), lane);
        return {{b->CreateVectorSplat(width, lo)}, {b->CreateVectorSplat(width, hi)}};
    }
};

// Blocks of W lanes per iteration of the unmasked main loop, from the size of one block's
// computation (instructions as emitted, before EarlyCSE). Cheap bodies run at cache
// bandwidth, where the loop's own cost (index, compare, branch) showed: 2 blocks per
// iteration brought them from 1.2-1.6x to 0.9-1.0x the compile-time kernels' time, and 4
// measured no faster (bench_jit_aot) but compiled slower. Dear ones are emitted once (0: one
// body shared by full blocks and the tail): a second copy measured no faster and costs
// compile time (mish: 61, 61 and 29 instructions, compiled as before).
unsigned unroll_for(std::size_t body_instructions) { return body_instructions <= 24 ? 2 : 0; }

// Kernel structure (W lanes per block, U from unroll_for):
//   U >= 1: main:  U unmasked blocks per iteration while a whole U*W run remains;
//           then the masked loop over what is left (fewer than U*W elements).
//   U = 0:  one loop whose block is full (plain loads and stores) or the tail (masked),
//           both through one emitted body (phis), as bodies this dear are emitted once.
// The masked body is emitted first, and its size decides U.
template <class S>
void emit_kernel(llvm::Module& m, Mode mode, codegen::Function& fn, const EmitTarget& t) {
    auto& ctx = m.getContext();
    llvm::IRBuilder<> b(ctx);
    ir::Context cx{b, t.width};
    ir::Scope scope(cx);

    const unsigned W = t.width;
    const bool has_f = mode != Mode::backward, has_d = mode != Mode::forward;
    const auto& pnames = fn.params();
    const std::size_t P = has_d ? pnames.size() : 0;  // gradient accumulators
    std::vector<Expr> roots;
    if (has_f) roots.push_back(fn.f());
    if (has_d) {
        roots.push_back(fn.derivative("x"));
        for (const auto& p : pnames) roots.push_back(fn.derivative(p));
    }

    llvm::Type* st = ir::scalar_type<S>();
    auto* vt = llvm::cast<llvm::FixedVectorType>(ir::vector_type<S>());
    auto* dvt = llvm::FixedVectorType::get(b.getDoubleTy(), W);
    llvm::Type* ptr = b.getPtrTy();
    llvm::Type* i64 = b.getInt64Ty();
    auto* ft = llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, ptr, ptr, i64, ptr, ptr, i64, i64}, false);
    auto* f = llvm::Function::Create(ft, llvm::Function::ExternalLinkage,
                                     symbol_names[static_cast<int>(mode)], m);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    f->addFnAttr("target-cpu", t.cpu);
    f->addFnAttr("target-features", t.features);
    // Without these the x86 backend splits 512-bit vectors on CPUs tuned for 256 bits.
    f->addFnAttr("prefer-vector-width", std::to_string(t.prefer_bits));
    f->addFnAttr("min-legal-vector-width", std::to_string(W * 8 * sizeof(S)));
    // x/y and dy/dx may be the same array (in place), so they are not noalias; each
    // iteration loads all its blocks before it stores any, which makes exact aliasing safe.
    for (unsigned i : {0u, 1u, 2u, 3u, 5u, 6u}) f->addParamAttr(i, llvm::Attribute::NoCapture);
    for (unsigned i : {5u, 6u}) f->addParamAttr(i, llvm::Attribute::NoAlias);
    for (unsigned i : {0u, 1u, 5u}) f->addParamAttr(i, llvm::Attribute::ReadOnly);
    Value *ax = f->getArg(0), *ady = f->getArg(1), *ay = f->getArg(2), *adx = f->getArg(3),
          *an = f->getArg(4), *ap = f->getArg(5), *adp = f->getArg(6);

    auto block = [&](const char* name) { return llvm::BasicBlock::Create(ctx, name, f); };
    auto* entry = block("entry");
    auto* header = block("header");    // i, accumulators; i < n ?
    auto* dispatch = block("block");   // full block or tail (U = 0 only)
    auto* lfull = block("load.full");  // (U = 0 only)
    auto* ltail = block("load.tail");
    auto* compute = block("compute");
    auto* latch = block("latch");
    auto* exit = block("exit");

    // entry: parameters are loaded and splatted once.
    b.SetInsertPoint(entry);
    Leaves<S> leaves;
    leaves.b = &b;
    leaves.width = W;
    leaves.seed = f->getArg(7);
    leaves.offset = f->getArg(8);
    for (std::size_t k = 0; k < pnames.size(); ++k) {
        Value* p = b.CreateLoad(st, b.CreateConstInBoundsGEP1_64(st, ap, k));
        leaves.params.emplace(pnames[k], ir::Val<S>{b.CreateVectorSplat(W, p)});
    }
    const llvm::Align al(sizeof(S));
    Value* zero = llvm::ConstantFP::get(vt, 0.0);
    Value* dzero = llvm::ConstantFP::get(dvt, 0.0);
    std::vector<Value*> outs;  // where the results go, in order: y, dx
    if (has_f) outs.push_back(ay);
    if (has_d) outs.push_back(adx);

    // A kernel whose every output is a copy of an input (y = x, dx = 1*dy: the identity's)
    // and that sums no gradient is one memmove per output, as g++ makes of such a loop:
    // faster at cache bandwidth than any loop of vector loads and stores. memmove, since
    // y may be x and dx may be dy.
    if (P == 0 && (!has_f || fn.f().op() == codegen::Op::Var) && (!has_d || fn.derivative("x").is_number(1))) {
        auto* copy = block("copy");
        b.CreateCondBr(b.CreateICmpSGT(an, b.getInt64(0)), copy, exit);
        b.SetInsertPoint(copy);
        Value* bytes = b.CreateMul(an, b.getInt64(sizeof(S)));
        if (has_f) b.CreateMemMove(ay, al, ax, al, bytes);
        if (has_d) b.CreateMemMove(adx, al, ady, al, bytes);
        b.CreateBr(exit);
        b.SetInsertPoint(exit);
        b.CreateRetVoid();
        for (auto* bb : {header, dispatch, lfull, ltail, compute, latch}) bb->eraseFromParent();
        return;
    }

    // One block's computation from its x and dy: the roots, dx = f'*dy, and dy*df/dp
    // rounded in S (as dx is) added to the double accumulators in acc (lanes off `mask`
    // add 0). Returns the values to store, in outs order.
    std::vector<Value*> grads;  // the last body's dy*df/dp (lanes off `mask` 0), in S
    auto body = [&](Value* index, Value* x, Value* dy, Value* mask, std::vector<Value*>& acc) {
        grads.clear();
        leaves.xv = {x};
        leaves.index = index;
        auto out = codegen::lower<ir::Val<S>>(roots, leaves);
        std::vector<Value*> vals;
        std::size_t r = 0;
        if (has_f) vals.push_back(out[r++].v);
        if (has_d) {
            vals.push_back(b.CreateFMul(out[r++].v, dy));
            for (std::size_t k = 0; k < P; ++k) {
                Value* g = b.CreateFMul(out[r++].v, dy);
                if (mask) g = b.CreateSelect(mask, g, zero);
                grads.push_back(g);
                if (sizeof(S) == 4) g = b.CreateFPExt(g, dvt);
                acc[k] = b.CreateFAdd(acc[k], g);
            }
        }
        return vals;
    };
    auto load = [&](Value* i, Value* base, Value* mask) -> Value* {
        Value* p = b.CreateInBoundsGEP(st, base, i);
        if (!mask) return b.CreateAlignedLoad(vt, p, al);
        return b.CreateMaskedLoad(vt, p, al, mask, zero);
    };
    auto store = [&](Value* i, const std::vector<Value*>& vals, Value* mask) {
        for (std::size_t o = 0; o < outs.size(); ++o) {
            Value* p = b.CreateInBoundsGEP(st, outs[o], i);
            if (mask) b.CreateMaskedStore(vals[o], p, al, mask);
            else b.CreateAlignedStore(vals[o], p, al);
        }
    };

    // header: i and the gradient accumulators (W lanes of double each).
    b.SetInsertPoint(header);
    auto* i = b.CreatePHI(i64, 3, "i");
    std::vector<llvm::PHINode*> acc_in;
    for (std::size_t k = 0; k < P; ++k) acc_in.push_back(b.CreatePHI(dvt, 3, "acc"));
    b.CreateCondBr(b.CreateICmpSLT(i, an), dispatch, exit);

    // compute: the block's inputs arrive through phis (from load.full and/or load.tail).
    b.SetInsertPoint(compute);
    auto* xin = b.CreatePHI(vt, 2, "x");
    auto* dyin = has_d ? b.CreatePHI(vt, 2, "dy") : nullptr;
    auto* maskin = b.CreatePHI(llvm::FixedVectorType::get(b.getInt1Ty(), W), 2, "mask");
    std::vector<Value*> acc(acc_in.begin(), acc_in.end());
    auto vals = body(i, xin, dyin, maskin, acc);
    std::size_t size = 0;
    for (const auto& ins : *compute) size += !llvm::isa<llvm::PHINode>(ins);
    const unsigned U = unroll_for(size);

    // Float gradients of a dear body are summed in chunks, as the compile-time kernels do:
    // the body stores dy*df/dp of each block into a buffer of C blocks, and a small loop
    // adds the buffer to the double accumulators at the end of each chunk (and of the
    // array). The float -> double conversions (two per 16 lanes, and a cross-lane extract)
    // in the body itself had cost mpelu's backward 10 % against the compile-time kernel.
    // The same values are added to the same lanes in the same order: the sums are
    // unchanged, bit for bit.
    const bool chunked = U == 0 && P > 0 && sizeof(S) == 4;
    constexpr unsigned C = 16;  // blocks per chunk (W = 16: 256 elements, 1 KB a parameter)
    std::vector<Value*> bufs;
    Value* slot = nullptr;
    if (chunked) {
        b.SetInsertPoint(entry, entry->begin());
        auto* chunk_t = llvm::ArrayType::get(vt, C);
        for (std::size_t k = 0; k < P; ++k) {
            auto* a = b.CreateAlloca(chunk_t);
            a->setAlignment(llvm::Align(64));
            bufs.push_back(a);
        }
        b.SetInsertPoint(compute);
        // i / W mod C: i is a multiple of W, a power of two
        slot = b.CreateAnd(b.CreateLShr(i, b.getInt64(llvm::Log2_32(W))), b.getInt64(C - 1));
        for (std::size_t k = 0; k < P; ++k) {
            auto* add = llvm::cast<llvm::Instruction>(acc[k]);
            Value* ext = add->getOperand(1);
            add->eraseFromParent();
            if (auto* e = llvm::dyn_cast<llvm::Instruction>(ext); e && e->use_empty()) e->eraseFromParent();
            acc[k] = acc_in[k];
            b.CreateAlignedStore(grads[k], b.CreateInBoundsGEP(chunk_t, bufs[k], {b.getInt64(0), slot}),
                                 llvm::Align(64));
        }
    }
    for (std::size_t k = 0; k < P; ++k) acc_in[k]->addIncoming(acc[k], latch);

    // load.tail: lanes l < n - i; the others read 0. Here n - i < U*W (with U = 0, < W),
    // so it fits 32 bits.
    b.SetInsertPoint(dispatch);
    Value* rem = b.CreateSub(an, i);
    b.SetInsertPoint(ltail);
    std::vector<llvm::Constant*> iota;
    for (unsigned l = 0; l < W; ++l) iota.push_back(b.getInt32(l));
    Value* tmask = b.CreateICmpULT(llvm::ConstantVector::get(iota),
                                   b.CreateVectorSplat(W, b.CreateTrunc(rem, b.getInt32Ty())));
    xin->addIncoming(load(i, ax, tmask), ltail);
    if (dyin) dyin->addIncoming(load(i, ady, tmask), ltail);
    maskin->addIncoming(tmask, ltail);
    b.CreateBr(compute);

    b.SetInsertPoint(latch);
    Value* inext = b.CreateAdd(i, b.getInt64(W));
    i->addIncoming(inext, latch);
    if (!chunked) {
        b.CreateBr(header);
    } else {
        // latch: a chunk ends where i + W is a multiple of C*W or reaches n; then
        // sum: acc += the chunk's blocks 0 ..= slot, in order, and on to the header.
        auto* sum = block("sum");
        Value* chunk_end = b.CreateICmpEQ(b.CreateAnd(inext, b.getInt64(std::uint64_t(C) * W - 1)), b.getInt64(0));
        b.CreateCondBr(b.CreateOr(chunk_end, b.CreateICmpSGE(inext, an)), sum, header);
        b.SetInsertPoint(sum);
        auto* s = b.CreatePHI(i64, 2, "s");
        s->addIncoming(b.getInt64(0), latch);
        std::vector<llvm::PHINode*> sacc;
        auto* chunk_t = llvm::ArrayType::get(vt, C);
        for (std::size_t k = 0; k < P; ++k) {
            sacc.push_back(b.CreatePHI(dvt, 2, "acc.sum"));
            sacc[k]->addIncoming(acc_in[k], latch);
        }
        Value* snext = b.CreateAdd(s, b.getInt64(1));
        for (std::size_t k = 0; k < P; ++k) {
            Value* g = b.CreateAlignedLoad(vt, b.CreateInBoundsGEP(chunk_t, bufs[k], {b.getInt64(0), s}),
                                           llvm::Align(64));
            Value* a = b.CreateFAdd(sacc[k], b.CreateFPExt(g, dvt));
            sacc[k]->addIncoming(a, sum);
            acc_in[k]->addIncoming(a, sum);
        }
        s->addIncoming(snext, sum);
        i->addIncoming(inext, sum);
        b.CreateCondBr(b.CreateICmpULE(snext, slot), sum, header);
    }

    if (U == 0) {
        // A full block or the tail, one body: the stores follow the loads' choice.
        b.SetInsertPoint(entry);
        b.CreateBr(header);
        i->addIncoming(b.getInt64(0), entry);
        for (auto* a : acc_in) a->addIncoming(dzero, entry);
        b.SetInsertPoint(dispatch);
        Value* full = b.CreateICmpSGE(rem, b.getInt64(W));
        b.CreateCondBr(full, lfull, ltail);
        b.SetInsertPoint(lfull);
        xin->addIncoming(load(i, ax, nullptr), lfull);
        if (dyin) dyin->addIncoming(load(i, ady, nullptr), lfull);
        maskin->addIncoming(llvm::ConstantInt::getTrue(tmask->getType()), lfull);
        b.CreateBr(compute);
        auto* sfull = block("store.full");
        auto* stail = block("store.tail");
        b.SetInsertPoint(compute);
        b.CreateCondBr(full, sfull, stail);
        b.SetInsertPoint(sfull);
        store(i, vals, nullptr);
        b.CreateBr(latch);
        b.SetInsertPoint(stail);
        store(i, vals, maskin);
        b.CreateBr(latch);
        // Longest latency chain first (schedule.cpp): gelu's derivative reaches its chain
        // of two divisions and erfc late in lower()'s order, which cost 14 % (bench_jit_aot).
        schedule_critical_path(*compute);
    } else {
        // The masked loop handles only what the main loop leaves (fewer than U*W).
        lfull->eraseFromParent();
        b.SetInsertPoint(dispatch);
        b.CreateBr(ltail);
        b.SetInsertPoint(compute);
        store(i, vals, maskin);
        b.CreateBr(latch);

        // main: U unmasked blocks per iteration over the first n - n % (U*W) elements (U*W
        // is a power of two: a mask). All loads come before any store (in place); one
        // accumulator per parameter, blocks added in order: the sums are the same, bit for
        // bit, whatever U is.
        auto* main = block("main");
        main->moveAfter(entry);
        const std::uint64_t step = std::uint64_t(U) * W;
        b.SetInsertPoint(entry);
        Value* nmain = b.CreateAnd(an, b.getInt64(~(step - 1)));
        b.CreateCondBr(b.CreateICmpSGT(nmain, b.getInt64(0)), main, header);
        i->addIncoming(b.getInt64(0), entry);
        for (auto* a : acc_in) a->addIncoming(dzero, entry);

        b.SetInsertPoint(main);
        auto* j = b.CreatePHI(i64, 2, "j");
        j->addIncoming(b.getInt64(0), entry);
        std::vector<llvm::PHINode*> macc;
        for (std::size_t k = 0; k < P; ++k) {
            macc.push_back(b.CreatePHI(dvt, 2, "acc.main"));
            macc.back()->addIncoming(dzero, entry);
        }
        std::vector<Value*> idx(U), xs(U), dys(U, nullptr);
        for (unsigned u = 0; u < U; ++u) {
            idx[u] = u ? b.CreateAdd(j, b.getInt64(std::uint64_t(u) * W)) : j;
            xs[u] = load(idx[u], ax, nullptr);
            if (has_d) dys[u] = load(idx[u], ady, nullptr);
        }
        std::vector<Value*> a(macc.begin(), macc.end());
        std::vector<std::vector<Value*>> mvals(U);
        for (unsigned u = 0; u < U; ++u) mvals[u] = body(idx[u], xs[u], dys[u], nullptr, a);
        for (unsigned u = 0; u < U; ++u) store(idx[u], mvals[u], nullptr);
        Value* jnext = b.CreateAdd(j, b.getInt64(step));
        j->addIncoming(jnext, main);
        for (std::size_t k = 0; k < P; ++k) {
            macc[k]->addIncoming(a[k], main);
            acc_in[k]->addIncoming(a[k], main);
        }
        i->addIncoming(jnext, main);
        b.CreateCondBr(b.CreateICmpSLT(jnext, nmain), main, header);
    }

    // exit: dparam[k] += the ordered sum of the lanes.
    b.SetInsertPoint(exit);
    for (std::size_t k = 0; k < P; ++k) {
        Value* s = b.CreateFAddReduce(llvm::ConstantFP::get(b.getDoubleTy(), 0.0), acc_in[k]);
        Value* slot = b.CreateConstInBoundsGEP1_64(b.getDoubleTy(), adp, k);
        b.CreateStore(b.CreateFAdd(b.CreateLoad(b.getDoubleTy(), slot), s), slot);
    }
    b.CreateRetVoid();
    // A fused noisy kernel keeps its invariants in the loop: hoisted, the noise generator's
    // key schedule costs registers there (compile.cpp: the same rule for LICM;
    // noisy_hardsigmoid_train fused 2.76 -> 3.41 ns/element with it hoisted).
    if (!(fn.has_noise() && mode == Mode::fused)) hoist_invariants(*f);
}

}  // namespace

std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext& ctx, codegen::Function& fn,
                                          const EmitTarget& t, std::span<const Mode> modes) {
    auto m = std::make_unique<llvm::Module>("symact_kernel", ctx);
    for (Mode mode : modes) {
        if (t.f64) emit_kernel<double>(*m, mode, fn, t);
        else emit_kernel<float>(*m, mode, fn, t);
    }
    return m;
}

}  // namespace symact::jit::detail
