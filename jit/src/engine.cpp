#include "engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/Scalar/ADCE.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/LICM.h>
#include <llvm/Transforms/Scalar/LoopPassManager.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "abi.hpp"
#include "symact/error.hpp"

namespace symact::jit::detail {

namespace {
[[noreturn]] void fail(const char* what, llvm::Error e) {
    throw error(fmt::format("jit: {}: {}", what, llvm::toString(std::move(e))));
}
template <class T> T check(const char* what, llvm::Expected<T> v) {
    if (!v) fail(what, v.takeError());
    return std::move(*v);
}
}  // namespace

struct Engine::Impl {
    std::unique_ptr<llvm::orc::LLJIT> jit;
    llvm::orc::JITTargetMachineBuilder jtmb{llvm::Triple()};
    // TargetMachines are not thread-safe; compiles borrow one from this pool.
    std::mutex pool_mu;
    std::vector<std::unique_ptr<llvm::TargetMachine>> pool;
    std::atomic<unsigned> next_id{0};

    std::unique_ptr<llvm::TargetMachine> take() {
        {
            std::lock_guard lk(pool_mu);
            if (!pool.empty()) {
                auto tm = std::move(pool.back());
                pool.pop_back();
                return tm;
            }
        }
        return check("target machine", jtmb.createTargetMachine());
    }
    void give(std::unique_ptr<llvm::TargetMachine> tm) {
        std::lock_guard lk(pool_mu);
        pool.push_back(std::move(tm));
    }
};

Engine& Engine::get() {
    // Leaked on purpose: kernels held in static caches are released after main returns,
    // and must still find their JIT.
    static Engine* e = new Engine();
    return *e;
}

Engine::Engine() : impl_(std::make_unique<Impl>()) {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    impl_->jtmb = check("host detection", llvm::orc::JITTargetMachineBuilder::detectHost());
    impl_->jtmb.setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
    impl_->jit = check("LLJIT", llvm::orc::LLJITBuilder()
                                    .setJITTargetMachineBuilder(impl_->jtmb)
                                    .create());
    host_.triple = impl_->jtmb.getTargetTriple().str();
    host_.cpu = impl_->jtmb.getCPU();
    host_.features = impl_->jtmb.getFeatures().getString();
    std::vector<std::string> on;
    for (const auto& f : impl_->jtmb.getFeatures().getFeatures())
        if (!f.empty() && f[0] == '+') on.push_back(f.substr(1));
    std::sort(on.begin(), on.end());
    for (const auto& f : on) host_.key_features += (host_.key_features.empty() ? "" : ",") + f;
    auto has = [&](std::string_view f) { return std::find(on.begin(), on.end(), f) != on.end(); };
    host_.vector_bits = has("avx512f") ? 512 : has("avx") ? 256 : 128;
}

namespace {
// The IR passes for opt_level 1, the default: the emitter already writes explicit vectors,
// one loop, no allocas, and the graph has CSE'd the expression; what is left is the
// shared pieces of the inlined math functions (tanh and sech^2 of the same u both expand
// exp(-2|u|)), which EarlyCSE merges, and what that leaves dead. The full O2 pipeline
// finds nothing more on our kernels (same speed, measured in bench/RESULTS.md) and costs
// as much as code generation.
// hoist adds LICM, for kernels with loop-invariant work the emitter cannot place outside
// the loop itself (the noise generator's key schedule, written once in math/random.hpp;
// the caller decides where it pays: compile.cpp).
void run_lean_pipeline(llvm::Module& m, llvm::TargetMachine& tm, bool hoist) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(&tm);
    pb.registerFunctionAnalyses(fam);
    if (hoist) {
        pb.registerModuleAnalyses(mam);
        pb.registerCGSCCAnalyses(cgam);
        pb.registerLoopAnalyses(lam);
        pb.crossRegisterProxies(lam, fam, cgam, mam);
    }
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/false));
    if (hoist)
        fpm.addPass(llvm::createFunctionToLoopPassAdaptor(llvm::LICMPass(llvm::LICMOptions()), /*UseMemorySSA=*/true));
    fpm.addPass(llvm::ADCEPass());
    for (auto& f : m)
        if (!f.isDeclaration()) fpm.run(f, fam);
}

void run_default_pipeline(llvm::Module& m, llvm::TargetMachine& tm, unsigned level) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(&tm);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    pb.buildPerModuleDefaultPipeline(level >= 3 ? llvm::OptimizationLevel::O3 : llvm::OptimizationLevel::O2)
        .run(m, mam);
}

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

std::unique_ptr<llvm::MemoryBuffer> Engine::compile(llvm::Module& m, unsigned opt_level,
                                                   std::string* ir_out, CompileTimes* times, bool hoist) {
    {
        std::string msg;
        llvm::raw_string_ostream os(msg);
        if (llvm::verifyModule(m, &os)) throw error("jit: internal error: invalid IR: " + msg);
    }
    auto tm = impl_->take();
    m.setDataLayout(tm->createDataLayout());
    m.setTargetTriple(tm->getTargetTriple().str());
    auto t = std::chrono::steady_clock::now();
    // The IR pipeline runs with this TargetMachine, so cost models see the host's vector ISA.
    if (opt_level == 1) run_lean_pipeline(m, *tm, hoist);
    else if (opt_level >= 2) run_default_pipeline(m, *tm, opt_level);
    if (times) times->optimize += ms_since(t);
    if (ir_out) {
        llvm::raw_string_ostream os(*ir_out);
        m.print(os, nullptr);
    }
    t = std::chrono::steady_clock::now();
    // Machine-level optimisation: "Less" generates kernels as fast as "Default" on ours
    // (the scheduling and register allocation that matter run at both) in less time;
    // O0's fast instruction selector and register allocator cost 10-15% of kernel speed.
    tm->setOptLevel(opt_level >= 3 ? llvm::CodeGenOptLevel::Aggressive
                    : opt_level == 2 ? llvm::CodeGenOptLevel::Default
                                     : llvm::CodeGenOptLevel::Less);
    llvm::orc::SimpleCompiler cc(*tm);
    auto obj = check("codegen", cc(m));
    impl_->give(std::move(tm));
    if (times) times->codegen += ms_since(t);
    return obj;
}

Loaded Engine::load(std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects) {
    auto& jit = *impl_->jit;
    auto& es = jit.getExecutionSession();
    Loaded l;
    // A JITDylib per kernel: every kernel object defines the same symbol names (so the
    // disk cache can store objects as they are), and one kernel's code can be dropped alone.
    l.jd = &es.createBareJITDylib(fmt::format("symact_kernel_{}", impl_->next_id++));
    if (auto proc = jit.getProcessSymbolsJITDylib()) l.jd->addToLinkOrder(*proc);
    l.rt = l.jd->createResourceTracker();
    for (auto& object : objects)
        if (auto e = jit.addObjectFile(l.rt, std::move(object))) {
            unload(l);
            fail("loading the kernel object", std::move(e));
        }
    for (int k = 0; k < 3; ++k) {
        auto a = jit.lookup(*l.jd, symbol_names[k]);
        if (!a) {
            unload(l);
            fail("looking up the kernel", a.takeError());
        }
        l.fn[k] = a->toPtr<void*>();
    }
    return l;
}

void Engine::unload(Loaded& l) noexcept {
    if (!l.jd) return;
    if (l.rt) llvm::consumeError(l.rt->remove());
    llvm::consumeError(impl_->jit->getExecutionSession().removeJITDylib(*l.jd));
    l.jd = nullptr;
    l.rt.reset();
    l.fn = {};
}

}  // namespace symact::jit::detail
