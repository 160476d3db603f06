// Row kernels (rows.hpp): the pass plan of a row function and its LLVM IR. A row's passes
// run back to back while the row is in cache: pass k folds the arguments of the depth-k
// reductions into W-lane accumulators, reduces the lanes to one value per reduction and
// broadcasts it; the last pass maps the row to the outputs with codegen::lower(), which
// takes the reductions' values from the leaves.
#include "symact/jit/ir_value.hpp"

#include "symact/jit/rows.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "symact/codegen/blocking.hpp"
#include <llvm/IR/Function.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "abi.hpp"
#include "cache.hpp"
#include "disk_cache.hpp"
#include "engine.hpp"
#include "symact/codegen/eval.hpp"
#include "symact/codegen/function.hpp"
#include "symact/codegen/lower.hpp"
#include "symact/codegen/print.hpp"
#include "symact/codegen/vjp.hpp"

namespace symact::jit {

namespace detail {

struct RowKernelImpl {
    std::unique_ptr<codegen::Function> fn;
    std::vector<std::string> params;
    std::string canonical, vjp;
    DType dtype = DType::f32;
    unsigned width = 0;
    int passes[3] = {0, 0, 0};
    Origin origin = Origin::compiled;
    Loaded code;

    RowKernelImpl() = default;
    RowKernelImpl(const RowKernelImpl&) = delete;
    RowKernelImpl& operator=(const RowKernelImpl&) = delete;
    ~RowKernelImpl() { Engine::get().unload(code); }
};

// void NAME(const S* x, const S* dy, S* y, S* dx, int64 rows, int64 cols, const S* params)
using RowFn = void (*)(const void*, const void*, void*, void*, std::int64_t, std::int64_t, const void*);

}  // namespace detail

namespace {

using codegen::Expr;
using codegen::Op;

// The reductions of `roots` by nesting depth: stages[k] are computed in pass k + 1, from
// the values of the shallower ones.
std::vector<std::vector<Expr>> reduction_stages(std::span<const Expr> roots) {
    std::vector<std::vector<Expr>> stages;
    if (roots.empty()) return stages;
    codegen::Graph& g = *roots[0].g;
    std::map<std::uint32_t, std::size_t> depth;  // deepest reduction at or below a node
    for (auto id : codegen::topological_order(roots)) {
        std::size_t d = 0;
        for (auto a : g.args(id)) d = std::max(d, depth[a]);
        if (codegen::is_reduction(g.node(id).op)) {
            ++d;
            if (stages.size() < d) stages.resize(d);
            stages[d - 1].push_back({&g, id});
        }
        depth[id] = d;
    }
    return stages;
}

template <class S> struct Leaves {
    ir::Val<S> xv, dyv;
    std::map<std::string, ir::Val<S>, std::less<>> params;
    std::map<std::uint32_t, ir::Val<S>> known_;  // computed once per row
    ir::Val<S> x() { return xv; }
    ir::Val<S> param(std::string_view n) {
        if (n == codegen::upstream_name) return dyv;
        return params.find(n)->second;
    }
    ir::Val<S> constant(const codegen::Number& c) { return ir::Val<S>::splat(c.as<S>()); }
    const ir::Val<S>* known(std::uint32_t id) const {
        auto it = known_.find(id);
        return it == known_.end() ? nullptr : &it->second;
    }
};

template <class S> class RowEmitter {
public:
    RowEmitter(llvm::Module& m, codegen::Function& fn, unsigned width, const detail::HostInfo& h)
        : m_(m), fn_(fn), W(width), h_(h) {}

    // One kernel: the passes of `roots` (f and/or dx), outputs in the order y, dx.
    void emit(const char* name, std::vector<Expr> roots, bool has_y, bool has_dx) {
        auto& ctx = m_.getContext();
        llvm::IRBuilder<> b(ctx);
        b_ = &b;
        ir::Context cx{b, W};
        ir::Scope scope(cx);
        st_ = ir::scalar_type<S>();
        vt_ = llvm::cast<llvm::FixedVectorType>(ir::vector_type<S>());
        llvm::Type* ptr = b.getPtrTy();
        llvm::Type* i64 = b.getInt64Ty();
        auto* ft = llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, ptr, ptr, i64, i64, ptr}, false);
        f_ = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, name, m_);
        f_->addFnAttr(llvm::Attribute::NoUnwind);
        f_->addFnAttr("target-cpu", h_.cpu);
        f_->addFnAttr("target-features", h_.features);
        f_->addFnAttr("prefer-vector-width", std::to_string(h_.vector_bits));
        f_->addFnAttr("min-legal-vector-width", std::to_string(W * 8 * sizeof(S)));
        llvm::Value *ax = f_->getArg(0), *ady = f_->getArg(1), *ay = f_->getArg(2), *adx = f_->getArg(3),
                    *arows = f_->getArg(4), *ap = f_->getArg(6);
        cols_ = f_->getArg(5);

        auto* entry = block("entry");
        auto* rowhdr = block("row");
        auto* rowbody = block("row.body");
        auto* exit = block("exit");
        b.SetInsertPoint(entry);
        const auto& pnames = fn_.params();
        for (std::size_t k = 0; k < pnames.size(); ++k) {
            llvm::Value* p = b.CreateLoad(st_, b.CreateConstInBoundsGEP1_64(st_, ap, k));
            leaves_.params.emplace(pnames[k], ir::Val<S>{b.CreateVectorSplat(W, p)});
        }
        b.CreateBr(rowhdr);

        b.SetInsertPoint(rowhdr);
        auto* r = b.CreatePHI(i64, 2, "r");
        r->addIncoming(b.getInt64(0), entry);
        b.CreateCondBr(b.CreateICmpSLT(r, arows), rowbody, exit);

        b.SetInsertPoint(rowbody);
        llvm::Value* base = b.CreateMul(r, cols_);
        x_ = b.CreateInBoundsGEP(st_, ax, base);
        dy_ = has_dx ? b.CreateInBoundsGEP(st_, ady, base) : nullptr;
        leaves_.known_.clear();
        auto stages = reduction_stages(roots);
        for (const auto& stage : stages) reduce_pass(stage);
        std::vector<llvm::Value*> outs;
        if (has_y) outs.push_back(b.CreateInBoundsGEP(st_, ay, base));
        if (has_dx) outs.push_back(b.CreateInBoundsGEP(st_, adx, base));
        map_pass(roots, outs);
        r->addIncoming(b.CreateAdd(r, b.getInt64(1)), b.GetInsertBlock());
        b.CreateBr(rowhdr);

        b.SetInsertPoint(exit);
        b.CreateRetVoid();
    }

private:
    llvm::BasicBlock* block(const char* name) { return llvm::BasicBlock::Create(m_.getContext(), name, f_); }

    // Loads x (and dy) at column i into the leaves: a full vector, or the first `mask` lanes.
    void load(llvm::Value* i, llvm::Value* mask) {
        auto& b = *b_;
        const llvm::Align al(sizeof(S));
        auto ld = [&](llvm::Value* base) -> llvm::Value* {
            llvm::Value* p = b.CreateInBoundsGEP(st_, base, i);
            if (!mask) return b.CreateAlignedLoad(vt_, p, al);
            return b.CreateMaskedLoad(vt_, p, al, mask, llvm::ConstantFP::get(vt_, 0.0));
        };
        leaves_.xv = {ld(x_)};
        leaves_.dyv = dy_ ? ir::Val<S>{ld(dy_)} : ir::Val<S>::splat(S(0));
    }

    llvm::Value* tail_mask(llvm::Value* rem) {
        auto& b = *b_;
        std::vector<llvm::Constant*> iota;
        for (unsigned l = 0; l < W; ++l) iota.push_back(b.getInt32(l));
        return b.CreateICmpULT(llvm::ConstantVector::get(iota),
                               b.CreateVectorSplat(W, b.CreateTrunc(rem, b.getInt32Ty())));
    }

    // The loop skeleton of a pass: full vectors, then one masked tail. body(i, mask) emits
    // one step (mask null for full vectors) and returns the loop-carried values' next state.
    template <class Body>
    std::vector<llvm::Value*> loop(const std::vector<llvm::Value*>& init, Body&& body) {
        auto& b = *b_;
        llvm::Type* i64 = b.getInt64Ty();
        auto* pre = b.GetInsertBlock();
        auto* hdr = block("pass");
        auto* full = block("pass.full");
        auto* check = block("pass.check");
        auto* tail = block("pass.tail");
        auto* done = block("pass.done");
        b.CreateBr(hdr);

        b.SetInsertPoint(hdr);
        auto* i = b.CreatePHI(i64, 2, "i");
        i->addIncoming(b.getInt64(0), pre);
        std::vector<llvm::PHINode*> carried;
        for (auto* v : init) {
            carried.push_back(b.CreatePHI(v->getType(), 2));
            carried.back()->addIncoming(v, pre);
        }
        llvm::Value* next = b.CreateAdd(i, b.getInt64(W));
        b.CreateCondBr(b.CreateICmpSLE(next, cols_), full, check);

        b.SetInsertPoint(full);
        std::vector<llvm::Value*> cur(carried.begin(), carried.end());
        auto stepped = body(i, nullptr, cur);
        i->addIncoming(next, b.GetInsertBlock());
        for (std::size_t k = 0; k < carried.size(); ++k) carried[k]->addIncoming(stepped[k], b.GetInsertBlock());
        b.CreateBr(hdr);

        b.SetInsertPoint(check);
        llvm::Value* rem = b.CreateSub(cols_, i);
        b.CreateCondBr(b.CreateICmpSGT(rem, b.getInt64(0)), tail, done);

        b.SetInsertPoint(tail);
        auto tailed = body(i, tail_mask(rem), cur);
        auto* tail_end = b.GetInsertBlock();
        b.CreateBr(done);

        b.SetInsertPoint(done);
        std::vector<llvm::Value*> out;
        for (std::size_t k = 0; k < carried.size(); ++k) {
            auto* p = b.CreatePHI(carried[k]->getType(), 2);
            p->addIncoming(carried[k], check);
            p->addIncoming(tailed[k], tail_end);
            out.push_back(p);
        }
        return out;
    }

    template <class F> static auto visit_reduction(Op op, F&& f) {
        return op == Op::RowMax ? f(ops::RowMax{}) : f(ops::RowSum{});
    }

    // One per row: depends on x and dy only through values already known for this row.
    bool invariant(Expr e, std::map<std::uint32_t, bool>& memo) {
        if (leaves_.known(e.id)) return true;
        if (auto it = memo.find(e.id); it != memo.end()) return it->second;
        bool r = e.op() != Op::Var && !codegen::is_upstream(e);
        for (std::size_t i = 0; i < e.nargs() && r; ++i) r = invariant(e.arg(i), memo);
        memo.emplace(e.id, r);
        return r;
    }

    // A division by a one-per-row value (1/rowsum(..) in softmax) becomes a multiplication by
    // its reciprocal, computed here once per row: one division per row instead of one per
    // element (at most one more rounding; docs/JIT.md).
    void hoist_reciprocals(const std::vector<Expr>& roots) {
        std::map<std::uint32_t, bool> memo;
        std::vector<std::uint32_t> seen;
        auto visit = [&](auto& self, Expr e) -> void {
            if (leaves_.known(e.id) || std::find(seen.begin(), seen.end(), e.id) != seen.end()) return;
            seen.push_back(e.id);
            if (e.op() == Op::Mul)
                for (std::size_t i = 0; i < e.nargs(); ++i) {
                    Expr f = e.arg(i);
                    if (f.op() == Op::Pow && f.arg(1).is_number(-1) && !f.arg(0).is_const() &&
                        !leaves_.known(f.id) && invariant(f.arg(0), memo)) {
                        Expr den[] = {f.arg(0)};
                        auto v = codegen::lower<ir::Val<S>>(den, leaves_);
                        leaves_.known_.emplace(f.id, ir::Val<S>::splat(S(1)) / v[0]);
                    }
                }
            for (std::size_t i = 0; i < e.nargs(); ++i) self(self, e.arg(i));
        };
        for (Expr r : roots) visit(visit, r);
    }

    void reduce_pass(const std::vector<Expr>& stage) {
        auto& b = *b_;
        std::vector<Expr> args;
        std::vector<llvm::Value*> init;
        for (Expr r : stage) args.push_back(r.arg(0));
        hoist_reciprocals(args);
        for (Expr r : stage) {
            init.push_back(visit_reduction(r.op(), [](auto o) {
                return ir::Val<S>::splat(decltype(o)::template identity<S>()).v;
            }));
        }
        auto acc = loop(init, [&](llvm::Value* i, llvm::Value* mask, const std::vector<llvm::Value*>& cur) {
            load(i, mask);
            auto vals = codegen::lower<ir::Val<S>>(args, leaves_);
            std::vector<llvm::Value*> next;
            for (std::size_t k = 0; k < stage.size(); ++k) {
                llvm::Value* v = vals[k].v;
                next.push_back(visit_reduction(stage[k].op(), [&](auto o) {
                    using O = decltype(o);
                    if (mask)  // lanes past the row add the identity
                        v = b.CreateSelect(mask, v, ir::Val<S>::splat(O::template identity<S>()).v);
                    return O::eval(ir::Val<S>{cur[k]}, ir::Val<S>{v}).v;
                }));
            }
            return next;
        });
        for (std::size_t k = 0; k < stage.size(); ++k) {
            llvm::Value* s = stage[k].op() == Op::RowMax
                                 ? b.CreateFPMaximumReduce(acc[k])  // NaN propagates, as RowMax::ref
                                 : b.CreateFAddReduce(llvm::ConstantFP::get(st_, 0.0), acc[k]);
            leaves_.known_.insert_or_assign(stage[k].id, ir::Val<S>{b.CreateVectorSplat(W, s)});
        }
    }

    void map_pass(const std::vector<Expr>& roots, const std::vector<llvm::Value*>& outs) {
        auto& b = *b_;
        hoist_reciprocals(roots);
        loop({}, [&](llvm::Value* i, llvm::Value* mask, const std::vector<llvm::Value*>&) {
            load(i, mask);
            auto vals = codegen::lower<ir::Val<S>>(roots, leaves_);
            const llvm::Align al(sizeof(S));
            for (std::size_t k = 0; k < outs.size(); ++k) {
                llvm::Value* p = b.CreateInBoundsGEP(st_, outs[k], i);
                if (mask) b.CreateMaskedStore(vals[k].v, p, al, mask);
                else b.CreateAlignedStore(vals[k].v, p, al);
            }
            return std::vector<llvm::Value*>{};
        });
    }

    llvm::Module& m_;
    codegen::Function& fn_;
    const unsigned W;
    const detail::HostInfo& h_;
    llvm::IRBuilder<>* b_ = nullptr;
    llvm::Function* f_ = nullptr;
    llvm::Type* st_ = nullptr;
    llvm::FixedVectorType* vt_ = nullptr;
    llvm::Value *cols_ = nullptr, *x_ = nullptr, *dy_ = nullptr;
    Leaves<S> leaves_;
};

constexpr int F = static_cast<int>(detail::Mode::forward), B = static_cast<int>(detail::Mode::backward),
              FB = static_cast<int>(detail::Mode::fused);

template <class S>
void emit_rows(llvm::Module& m, detail::RowKernelImpl& k, const detail::HostInfo& h) {
    codegen::Function& fn = *k.fn;
    Expr f = fn.f(), dx = fn.vjp("x");
    RowEmitter<S>(m, fn, k.width, h).emit(detail::symbol_names[F], {f}, true, false);
    RowEmitter<S>(m, fn, k.width, h).emit(detail::symbol_names[B], {dx}, false, true);
    RowEmitter<S>(m, fn, k.width, h).emit(detail::symbol_names[FB], {f, dx}, true, true);
}

// The passes each kernel makes over a row (the emitter's: one per reduction depth, then the
// map), known without emitting, for kernels loaded from the disk cache too.
void count_passes(detail::RowKernelImpl& k) {
    Expr f = k.fn->f(), dx = k.fn->vjp("x");
    const Expr both[] = {f, dx};
    k.passes[F] = static_cast<int>(reduction_stages(std::span(&f, 1)).size()) + 1;
    k.passes[B] = static_cast<int>(reduction_stages(std::span(&dx, 1)).size()) + 1;
    k.passes[FB] = static_cast<int>(reduction_stages(both).size()) + 1;
}

// The cold path: the disk cache (one object, key marked "rows"), else emit, compile, store.
std::shared_ptr<detail::RowKernelImpl> build_rows(std::unique_ptr<codegen::Function> fn, std::string canonical,
                                                  const Options& o, unsigned w) {
    auto& engine = detail::Engine::get();
    auto k = std::make_shared<detail::RowKernelImpl>();
    k->fn = std::move(fn);
    k->params = k->fn->params();
    k->canonical = std::move(canonical);
    k->vjp = codegen::to_string(k->fn->vjp("x"));
    k->dtype = o.dtype;
    k->width = w;
    count_passes(*k);

    std::filesystem::path file;
    std::string key;
    if (auto dir = cache_directory(o); !dir.empty() && !o.keep_ir) {
        key = detail::disk_key(k->canonical, o, w, "rows");
        file = detail::entry_path(dir, key);
        std::vector<std::string> objs;
        switch (detail::read_entry(file, key, objs)) {
        case detail::DiskRead::hit: {
            std::vector<std::unique_ptr<llvm::MemoryBuffer>> bufs;
            for (const auto& obj : objs) bufs.push_back(llvm::MemoryBuffer::getMemBufferCopy(obj, "symact_rows"));
            k->code = engine.load(std::move(bufs));
            k->origin = Origin::disk;
            ++detail::counters().disk_hits;
            return k;
        }
        case detail::DiskRead::rejected: ++detail::counters().disk_rejects; break;
        case detail::DiskRead::missing: break;
        }
    }

    llvm::LLVMContext ctx;
    auto m = std::make_unique<llvm::Module>("symact_rows", ctx);
    if (o.dtype == DType::f64) emit_rows<double>(*m, *k, engine.host());
    else emit_rows<float>(*m, *k, engine.host());
    std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
    objects.push_back(engine.compile(*m, o.opt_level, nullptr, nullptr));
    ++detail::counters().compiles;
    if (!file.empty() && detail::write_entry(file, key, {objects[0]->getBuffer()})) ++detail::counters().disk_writes;
    k->code = engine.load(std::move(objects));
    return k;
}

template <class T> constexpr DType dtype_of = sizeof(T) == 4 ? DType::f32 : DType::f64;

// Strided rows (inner > 1): tiles of up to `tile` rows (consecutive inner positions of one
// outer index) are gathered, transposed, into a contiguous (tile, cols) block, run through
// the compiled row function, and scattered back. The function runs in place on the blocks
// (y into x's block, dx into dy's block: rows.hpp allows both), so a tile reads all its
// inputs before writing its outputs, and tiles touch disjoint elements: y may be x and dx
// may be dy here too.
struct Tiling {
    std::size_t tile;   // rows per block
    std::size_t block;  // elements per block buffer (tile * cols)
};

Tiling tiling(std::size_t cols, std::size_t inner, std::size_t elem) {
    const std::size_t t = codegen::blocking::strided_tile(cols, inner, elem);  // the DSL's rule too
    return {t, t * cols};
}

template <class T>
void run_strided(detail::RowFn fn, detail::Mode mode, const T* x, const T* dy, T* y, T* dx, std::size_t outer,
                 std::size_t cols, std::size_t inner, const T* pv) {
    const Tiling tl = tiling(cols, inner, sizeof(T));
    const bool has_dy = mode != detail::Mode::forward;
    const std::size_t need = tl.block * (has_dy ? 2 : 1);
    // One buffer per thread, kept between calls (no allocation per call) unless it is large.
    constexpr std::size_t keep = (8u << 20) / sizeof(T);
    thread_local std::vector<T> kept;
    std::vector<T> once;
    std::vector<T>& buf = need <= keep ? kept : once;
    if (buf.size() < need) buf.resize(need);
    T* xb = buf.data();
    T* db = has_dy ? xb + tl.block : nullptr;

    auto gather = [&](const T* src, T* blk, std::size_t base, std::size_t n) {
        codegen::blocking::gather_rows(src, blk, base, n, cols, inner);
    };
    auto scatter = [&](const T* blk, T* dst, std::size_t base, std::size_t n) {
        codegen::blocking::scatter_rows(blk, dst, base, n, cols, inner);
    };

    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i0 = 0; i0 < inner; i0 += tl.tile) {
            const std::size_t n = std::min(tl.tile, inner - i0), base = o * cols * inner + i0;
            gather(x, xb, base, n);
            if (has_dy) gather(dy, db, base, n);
            fn(xb, db, xb, db, static_cast<std::int64_t>(n), static_cast<std::int64_t>(cols), pv);
            if (mode != detail::Mode::backward) scatter(xb, y, base, n);
            if (has_dy) scatter(db, dx, base, n);
        }
}

template <class T>
void run(const detail::RowKernelImpl* k, detail::Mode mode, const char* what, std::span<const T> x,
         std::span<const T> dy, std::span<T> y, std::span<T> dx, std::size_t cols, std::size_t inner,
         const ParamValues& p) {
    if (!k) throw error(fmt::format("{}: empty row kernel handle", what));
    if (k->dtype != dtype_of<T>)
        throw error(fmt::format("{}: the kernel was compiled for {} but called with {} data", what,
                                k->dtype == DType::f32 ? "f32" : "f64", sizeof(T) == 4 ? "f32" : "f64"));
    if (cols == 0) throw error(fmt::format("{}: rows of 0 columns", what));
    if (inner == 0)
        throw error(fmt::format("{}: inner = 0 (the layout is (outer, cols, inner) with inner >= 1; "
                                "1 for rows along the last axis)", what));
    if (cols > std::numeric_limits<std::size_t>::max() / inner)
        throw error(fmt::format("{}: cols * inner = {} * {} overflows", what, cols, inner));
    if (inner == 1 && x.size() % cols != 0)
        throw error(fmt::format("{}: {} values do not split into rows of {}", what, x.size(), cols));
    if (x.size() % (cols * inner) != 0)
        throw error(fmt::format("{}: {} values do not split into (outer, cols = {}, inner = {}) blocks of {}",
                                what, x.size(), cols, inner, cols * inner));
    auto same = [&](std::size_t n, const char* name) {
        if (n != x.size())
            throw error(fmt::format("{}: x has {} elements but {} has {}", what, x.size(), name, n));
    };
    if (mode != detail::Mode::forward) same(dy.size(), "dy"), same(dx.size(), "dx");
    if (mode != detail::Mode::backward) same(y.size(), "y");
    std::vector<T> pv;
    for (const auto& [name, v] : p)
        if (std::find(k->params.begin(), k->params.end(), name) == k->params.end())
            throw error(k->params.empty()
                            ? fmt::format("{}: '{}' is not a parameter (the kernel has none)", what, name)
                            : fmt::format("{}: '{}' is not a parameter (parameters: {})", what, name,
                                          fmt::join(k->params, ", ")));
    for (const auto& name : k->params) {
        auto it = p.find(name);
        if (it == p.end()) throw error(fmt::format("{}: parameter '{}' has no value", what, name));
        if (it->second.size() != 1)
            throw error(fmt::format("{}: parameter '{}' has {} values; row kernels take one per tensor",
                                    what, name, it->second.size()));
        pv.push_back(static_cast<T>(it->second[0]));
    }
    if (x.empty()) return;
    auto fn = reinterpret_cast<detail::RowFn>(k->code.fn[static_cast<int>(mode)]);
    if (inner == 1)  // rows along the last axis: the compiled loop over the array itself
        fn(x.data(), dy.data(), y.data(), dx.data(), static_cast<std::int64_t>(x.size() / cols),
           static_cast<std::int64_t>(cols), pv.data());
    else
        run_strided<T>(fn, mode, x.data(), dy.data(), y.data(), dx.data(), x.size() / (cols * inner), cols,
                       inner, pv.data());
}

}  // namespace

RowKernel compile_rows(std::string_view expr, const Options& o) {
    const unsigned w = detail::resolve_width(o);
    return detail::cached<RowKernel>(expr, o.memory_cache, detail::options_key(o, w) + "|rows", [&] {
        auto fn = std::make_unique<codegen::Function>(expr);  // throws symact::error with a caret
        fn->require_no_noise("jit::compile_rows");
        std::string canonical = codegen::to_string(fn->f());
        auto build_it = [&o, w, canonical, fn = std::move(fn)]() mutable {
            RowKernel r;
            r.impl_ = build_rows(std::move(fn), canonical, o, w);
            return r;
        };
        return std::pair{std::move(canonical), std::move(build_it)};
    });
}

#define SYMACT_ROWS_ENTRIES(T)                                                                          \
    void RowKernel::forward(std::span<const T> x, std::span<T> y, std::size_t cols, const ParamValues& p) \
        const {                                                                                         \
        run<T>(impl_.get(), detail::Mode::forward, "forward", x, {}, y, {}, cols, 1, p);                \
    }                                                                                                   \
    void RowKernel::strided_forward(std::span<const T> x, std::span<T> y, std::size_t cols,              \
                                    std::size_t inner, const ParamValues& p) const {                    \
        run<T>(impl_.get(), detail::Mode::forward, "forward", x, {}, y, {}, cols, inner, p);            \
    }                                                                                                   \
    void RowKernel::backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx,              \
                             std::size_t cols, const ParamValues& p) const {                            \
        run<T>(impl_.get(), detail::Mode::backward, "backward", x, dy, {}, dx, cols, 1, p);             \
    }                                                                                                   \
    void RowKernel::strided_backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx,      \
                                     std::size_t cols, std::size_t inner, const ParamValues& p) const { \
        run<T>(impl_.get(), detail::Mode::backward, "backward", x, dy, {}, dx, cols, inner, p);         \
    }                                                                                                   \
    void RowKernel::forward_backward(std::span<const T> x, std::span<const T> dy, std::span<T> y,       \
                                     std::span<T> dx, std::size_t cols, const ParamValues& p) const {   \
        run<T>(impl_.get(), detail::Mode::fused, "forward_backward", x, dy, y, dx, cols, 1, p);         \
    }                                                                                                   \
    void RowKernel::strided_forward_backward(std::span<const T> x, std::span<const T> dy, std::span<T> y, \
                                             std::span<T> dx, std::size_t cols, std::size_t inner,      \
                                             const ParamValues& p) const {                              \
        run<T>(impl_.get(), detail::Mode::fused, "forward_backward", x, dy, y, dx, cols, inner, p);     \
    }
SYMACT_ROWS_ENTRIES(float)
SYMACT_ROWS_ENTRIES(double)
#undef SYMACT_ROWS_ENTRIES

namespace {
const detail::RowKernelImpl& get(const std::shared_ptr<const detail::RowKernelImpl>& p) {
    if (!p) throw error("empty row kernel handle");
    return *p;
}
}  // namespace

const std::vector<std::string>& RowKernel::params() const { return get(impl_).params; }
std::string RowKernel::expression() const { return get(impl_).canonical; }
std::string RowKernel::vjp() const { return get(impl_).vjp; }
int RowKernel::passes(int mode) const {
    if (mode < 0 || mode > 2) throw error(fmt::format("passes: mode {} (0 forward, 1 backward, 2 fused)", mode));
    return get(impl_).passes[mode];
}
DType RowKernel::dtype() const { return get(impl_).dtype; }
Origin RowKernel::origin() const { return get(impl_).origin; }
unsigned RowKernel::vector_width() const { return get(impl_).width; }

}  // namespace symact::jit
