#include "engine.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
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

std::unique_ptr<llvm::MemoryBuffer> Engine::compile(llvm::Module& m, unsigned opt_level,
                                                   std::string* ir_out) {
    {
        std::string msg;
        llvm::raw_string_ostream os(msg);
        if (llvm::verifyModule(m, &os)) throw error("jit: internal error: invalid IR: " + msg);
    }
    auto tm = impl_->take();
    m.setDataLayout(tm->createDataLayout());
    m.setTargetTriple(tm->getTargetTriple().str());
    {
        // The new-PM pipeline (O2 by default) with this TargetMachine, so cost models see
        // the host's vector ISA. The emitted code is explicit vectors already, CSE'd by the
        // graph; O2 adds IR-level CSE of the math functions' shared pieces.
        llvm::LoopAnalysisManager lam;
        llvm::FunctionAnalysisManager fam;
        llvm::CGSCCAnalysisManager cgam;
        llvm::ModuleAnalysisManager mam;
        llvm::PassBuilder pb(tm.get());
        pb.registerModuleAnalyses(mam);
        pb.registerCGSCCAnalyses(cgam);
        pb.registerFunctionAnalyses(fam);
        pb.registerLoopAnalyses(lam);
        pb.crossRegisterProxies(lam, fam, cgam, mam);
        const llvm::OptimizationLevel levels[] = {llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
                                                  llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
        if (opt_level > 0) pb.buildPerModuleDefaultPipeline(levels[std::min(opt_level, 3u)]).run(m, mam);
    }
    if (ir_out) {
        llvm::raw_string_ostream os(*ir_out);
        m.print(os, nullptr);
    }
    llvm::orc::SimpleCompiler cc(*tm);
    auto obj = check("codegen", cc(m));
    impl_->give(std::move(tm));
    return obj;
}

Loaded Engine::load(std::unique_ptr<llvm::MemoryBuffer> object) {
    auto& jit = *impl_->jit;
    auto& es = jit.getExecutionSession();
    Loaded l;
    // A JITDylib per kernel: every kernel object defines the same symbol names (so the
    // disk cache can store objects as they are), and one kernel's code can be dropped alone.
    l.jd = &es.createBareJITDylib(fmt::format("symact_kernel_{}", impl_->next_id++));
    if (auto proc = jit.getProcessSymbolsJITDylib()) l.jd->addToLinkOrder(*proc);
    l.rt = l.jd->createResourceTracker();
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
