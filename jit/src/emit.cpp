// The IR primitives (ir_value.hpp) are found by argument-dependent lookup: ops.hpp,
// lower.hpp and math/ call them unqualified.
#include "symact/jit/ir_value.hpp"

#include "emit.hpp"

#include <map>
#include <vector>

#include <llvm/IR/Function.h>
#include <llvm/IR/Intrinsics.h>

#include "symact/codegen/lower.hpp"

namespace symact::jit::detail {

namespace {

using codegen::Expr;

// The leaves lower() asks for: x (this iteration's vector), parameters (splats loaded
// before the loop), constants (rounded once to S, as the reference evaluator does).
template <class S> struct Leaves {
    ir::Val<S> xv;
    std::map<std::string, ir::Val<S>, std::less<>> params;
    ir::Val<S> x() { return xv; }
    ir::Val<S> param(std::string_view n) { return params.find(n)->second; }
    ir::Val<S> constant(const codegen::Number& c) { return ir::Val<S>::splat(c.as<S>()); }
};

template <class S>
void emit_kernel(llvm::Module& m, Mode mode, codegen::Function& fn, const EmitTarget& t) {
    using llvm::Value;
    auto& ctx = m.getContext();
    llvm::IRBuilder<> b(ctx);
    ir::Context cx{b, t.width};
    ir::Scope scope(cx);

    const unsigned W = t.width;
    const bool has_f = mode != Mode::backward, has_d = mode != Mode::forward;
    const auto& pnames = fn.params();
    const std::size_t P = pnames.size();
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
    auto* ft = llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, ptr, ptr, i64, ptr, ptr}, false);
    auto* f = llvm::Function::Create(ft, llvm::Function::ExternalLinkage,
                                     symbol_names[static_cast<int>(mode)], m);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    f->addFnAttr("target-cpu", t.cpu);
    f->addFnAttr("target-features", t.features);
    // Without these the x86 backend splits 512-bit vectors on CPUs tuned for 256 bits.
    f->addFnAttr("prefer-vector-width", std::to_string(t.prefer_bits));
    f->addFnAttr("min-legal-vector-width", std::to_string(W * 8 * sizeof(S)));
    // x/y and dy/dx may be the same array (in place), so they are not noalias; each
    // iteration loads its block before storing it, which makes exact aliasing safe.
    for (unsigned i : {0u, 1u, 2u, 3u, 5u, 6u}) f->addParamAttr(i, llvm::Attribute::NoCapture);
    for (unsigned i : {5u, 6u}) f->addParamAttr(i, llvm::Attribute::NoAlias);
    for (unsigned i : {0u, 1u, 5u}) f->addParamAttr(i, llvm::Attribute::ReadOnly);
    Value *ax = f->getArg(0), *ady = f->getArg(1), *ay = f->getArg(2), *adx = f->getArg(3),
          *an = f->getArg(4), *ap = f->getArg(5), *adp = f->getArg(6);

    auto* entry = llvm::BasicBlock::Create(ctx, "entry", f);
    auto* header = llvm::BasicBlock::Create(ctx, "header", f);
    auto* body = llvm::BasicBlock::Create(ctx, "body", f);
    auto* lfull = llvm::BasicBlock::Create(ctx, "load.full", f);
    auto* ltail = llvm::BasicBlock::Create(ctx, "load.tail", f);
    auto* compute = llvm::BasicBlock::Create(ctx, "compute", f);
    auto* sfull = llvm::BasicBlock::Create(ctx, "store.full", f);
    auto* stail = llvm::BasicBlock::Create(ctx, "store.tail", f);
    auto* latch = llvm::BasicBlock::Create(ctx, "latch", f);
    auto* exit = llvm::BasicBlock::Create(ctx, "exit", f);

    // entry: parameters are loaded and splatted once.
    b.SetInsertPoint(entry);
    Leaves<S> leaves;
    for (std::size_t k = 0; k < P; ++k) {
        Value* p = b.CreateLoad(st, b.CreateConstInBoundsGEP1_64(st, ap, k));
        leaves.params.emplace(pnames[k], ir::Val<S>{b.CreateVectorSplat(W, p)});
    }
    b.CreateBr(header);

    // header: i and the parameter-gradient accumulators (W lanes of double each).
    b.SetInsertPoint(header);
    auto* i = b.CreatePHI(i64, 2, "i");
    i->addIncoming(b.getInt64(0), entry);
    std::vector<llvm::PHINode*> acc;
    if (has_d)
        for (std::size_t k = 0; k < P; ++k) {
            acc.push_back(b.CreatePHI(dvt, 2, "acc"));
            acc.back()->addIncoming(llvm::ConstantFP::get(dvt, 0.0), entry);
        }
    b.CreateCondBr(b.CreateICmpSLT(i, an), body, exit);

    // body: a full block of W elements, or the tail (masked loads and stores).
    b.SetInsertPoint(body);
    Value* rem = b.CreateSub(an, i);
    Value* full = b.CreateICmpSGE(rem, b.getInt64(W));
    b.CreateCondBr(full, lfull, ltail);
    const llvm::Align al(sizeof(S));
    auto at = [&](Value* base) { return b.CreateInBoundsGEP(st, base, i); };

    b.SetInsertPoint(lfull);
    Value* xf = b.CreateAlignedLoad(vt, at(ax), al);
    Value* dyf = has_d ? b.CreateAlignedLoad(vt, at(ady), al) : nullptr;
    b.CreateBr(compute);

    b.SetInsertPoint(ltail);
    std::vector<llvm::Constant*> iota;
    for (unsigned l = 0; l < W; ++l) iota.push_back(b.getInt32(l));
    Value* tmask = b.CreateICmpULT(llvm::ConstantVector::get(iota),
                                   b.CreateVectorSplat(W, b.CreateTrunc(rem, b.getInt32Ty())));
    Value* zero = llvm::ConstantFP::get(vt, 0.0);
    Value* xt = b.CreateMaskedLoad(vt, at(ax), al, tmask, zero);
    Value* dyt = has_d ? b.CreateMaskedLoad(vt, at(ady), al, tmask, zero) : nullptr;
    b.CreateBr(compute);

    b.SetInsertPoint(compute);
    auto phi2 = [&](Value* a, Value* c) {
        auto* p = b.CreatePHI(a->getType(), 2);
        p->addIncoming(a, lfull);
        p->addIncoming(c, ltail);
        return p;
    };
    leaves.xv = {phi2(xf, xt)};
    Value* dyv = has_d ? phi2(dyf, dyt) : nullptr;
    Value* mask = phi2(llvm::ConstantInt::getTrue(tmask->getType()), tmask);
    auto out = codegen::lower<ir::Val<S>>(roots, leaves);
    std::vector<std::pair<Value*, Value*>> stores;  // (value, pointer)
    std::size_t r = 0;
    if (has_f) stores.emplace_back(out[r++].v, at(ay));
    if (has_d) {
        stores.emplace_back(b.CreateFMul(out[r++].v, dyv), at(adx));
        for (std::size_t k = 0; k < P; ++k) {
            // dy*df/dp in S (as a kernel's dx), summed in double; lanes past n add 0.
            Value* g = b.CreateSelect(mask, b.CreateFMul(out[r++].v, dyv), zero);
            if (sizeof(S) == 4) g = b.CreateFPExt(g, dvt);
            Value* next = b.CreateFAdd(acc[k], g);
            acc[k]->addIncoming(next, latch);
        }
    }
    b.CreateCondBr(full, sfull, stail);

    b.SetInsertPoint(sfull);
    for (auto [v, p] : stores) b.CreateAlignedStore(v, p, al);
    b.CreateBr(latch);
    b.SetInsertPoint(stail);
    for (auto [v, p] : stores) b.CreateMaskedStore(v, p, al, mask);
    b.CreateBr(latch);

    b.SetInsertPoint(latch);
    Value* inext = b.CreateAdd(i, b.getInt64(W));
    i->addIncoming(inext, latch);
    b.CreateBr(header);

    // exit: dparam[k] += the ordered sum of the lanes.
    b.SetInsertPoint(exit);
    for (std::size_t k = 0; k < acc.size(); ++k) {
        Value* s = b.CreateFAddReduce(llvm::ConstantFP::get(b.getDoubleTy(), 0.0), acc[k]);
        Value* slot = b.CreateConstInBoundsGEP1_64(b.getDoubleTy(), adp, k);
        b.CreateStore(b.CreateFAdd(b.CreateLoad(b.getDoubleTy(), slot), s), slot);
    }
    b.CreateRetVoid();
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
