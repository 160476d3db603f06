// The LLVM backend of symact::math and codegen::lower(): a value type whose arithmetic
// emits IR. Val<S> is a vector of W lanes of S (float or double), Mask<S> the W-lane i1
// result of a comparison, UInt<S> the same-width unsigned vector (as_uint); widen /
// narrow convert W lanes of float to W lanes of double and back. Every
// primitive of math/symact/math/primitives.hpp is one IR instruction here, emitted
// without fast-math flags (the math code relies on exact IEEE evaluation order).
//
// The primitives are free functions found by ADL and value_traits<Val<S>>::splat takes no
// context, so the builder of the function being emitted is reached through a thread-local
// pointer, installed for the duration of one emission by Scope.
#pragma once
#include <cstdint>
#include <type_traits>
#include <utility>

#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/Intrinsics.h>

#include <symact/math/primitives.hpp>

namespace symact::jit::ir {

struct Context {
    llvm::IRBuilder<>& b;
    unsigned width;  // lanes
};

inline thread_local Context* current = nullptr;

// Installs a Context for the current thread while it lives.
class Scope {
public:
    explicit Scope(Context& c) : prev_(current) { current = &c; }
    ~Scope() { current = prev_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

private:
    Context* prev_;
};

inline llvm::IRBuilder<>& builder() { return current->b; }

template <class S> using uint_of = std::conditional_t<sizeof(S) == 4, std::uint32_t, std::uint64_t>;

template <class S> llvm::Type* scalar_type() {
    auto& c = builder().getContext();
    if constexpr (sizeof(S) == 4) return llvm::Type::getFloatTy(c);
    else return llvm::Type::getDoubleTy(c);
}
template <class S> llvm::Type* vector_type() {
    return llvm::FixedVectorType::get(scalar_type<S>(), current->width);
}
template <class S> llvm::Type* uvector_type() {
    return llvm::FixedVectorType::get(builder().getIntNTy(8 * sizeof(S)), current->width);
}

inline bool is_minus_one(llvm::Value* v) {
    auto* c = llvm::dyn_cast<llvm::Constant>(v);
    if (!c) return false;
    auto* f = llvm::dyn_cast<llvm::ConstantFP>(c);
    if (!f && c->getType()->isVectorTy()) f = llvm::dyn_cast_or_null<llvm::ConstantFP>(c->getSplatValue());
    return f && f->isExactlyValue(-1.0);
}

template <class S> struct Mask { llvm::Value* v; };
template <class S> struct UInt;

template <class S> struct Val {
    llvm::Value* v;

    static Val splat(S c) { return {llvm::ConstantFP::get(vector_type<S>(), c)}; }

    friend Val operator+(Val a, Val b) { return {builder().CreateFAdd(a.v, b.v)}; }
    friend Val operator-(Val a, Val b) { return {builder().CreateFSub(a.v, b.v)}; }
    // x * -1 is -x exactly: as fneg, abs(-u) below can see through it (sigmoid(u) and
    // sigmoid(-u) then share exp(-|u|) after EarlyCSE).
    // A square of copysign(m, s) is m*m: the sign does not matter (tanh(u)^2, whose float32
    // tanh ends in a copysign: one operation off the longest chain of noisy_hardsigmoid).
    friend Val operator*(Val a, Val b) {
        if (is_minus_one(b.v)) return {builder().CreateFNeg(a.v)};
        if (is_minus_one(a.v)) return {builder().CreateFNeg(b.v)};
        if (a.v == b.v)
            if (auto* c = llvm::dyn_cast<llvm::IntrinsicInst>(a.v); c && c->getIntrinsicID() == llvm::Intrinsic::copysign)
                return {builder().CreateFMul(c->getArgOperand(0), c->getArgOperand(0))};
        return {builder().CreateFMul(a.v, b.v)};
    }
    friend Val operator/(Val a, Val b) { return {builder().CreateFDiv(a.v, b.v)}; }
    friend Val operator-(Val a) { return {builder().CreateFNeg(a.v)}; }
    // V op S and S op V: the scalar becomes a splat constant (IRBuilder folds constants).
    friend Val operator+(Val a, S c) { return a + splat(c); }
    friend Val operator-(Val a, S c) { return a - splat(c); }
    friend Val operator*(Val a, S c) { return a * splat(c); }
    friend Val operator/(Val a, S c) { return a / splat(c); }
    friend Val operator+(S c, Val a) { return splat(c) + a; }
    friend Val operator-(S c, Val a) { return splat(c) - a; }
    friend Val operator*(S c, Val a) { return splat(c) * a; }
    friend Val operator/(S c, Val a) { return splat(c) / a; }

    // Ordered comparisons: false when either side is NaN.
    friend Mask<S> operator<(Val a, Val b) { return {builder().CreateFCmpOLT(a.v, b.v)}; }
    friend Mask<S> operator<=(Val a, Val b) { return {builder().CreateFCmpOLE(a.v, b.v)}; }
    friend Mask<S> operator>(Val a, Val b) { return {builder().CreateFCmpOGT(a.v, b.v)}; }
    friend Mask<S> operator>=(Val a, Val b) { return {builder().CreateFCmpOGE(a.v, b.v)}; }
    friend Mask<S> operator==(Val a, Val b) { return {builder().CreateFCmpOEQ(a.v, b.v)}; }
    friend Mask<S> operator<(Val a, S c) { return a < splat(c); }
    friend Mask<S> operator<=(Val a, S c) { return a <= splat(c); }
    friend Mask<S> operator>(Val a, S c) { return a > splat(c); }
    friend Mask<S> operator>=(Val a, S c) { return a >= splat(c); }
    friend Mask<S> operator==(Val a, S c) { return a == splat(c); }
};

template <class S> struct UInt {
    llvm::Value* v;
    using US = uint_of<S>;

    static UInt splat(US c) { return {llvm::ConstantInt::get(uvector_type<S>(), c)}; }

    friend UInt operator+(UInt a, UInt b) { return {builder().CreateAdd(a.v, b.v)}; }
    friend UInt operator-(UInt a, UInt b) { return {builder().CreateSub(a.v, b.v)}; }
    friend UInt operator&(UInt a, UInt b) { return {builder().CreateAnd(a.v, b.v)}; }
    friend UInt operator|(UInt a, UInt b) {
        if (llvm::Value* r = rotate(a.v, b.v)) return {r};
        return {builder().CreateOr(a.v, b.v)};
    }
    friend UInt operator^(UInt a, UInt b) { return {builder().CreateXor(a.v, b.v)}; }
    friend UInt operator+(UInt a, US c) { return a + splat(c); }
    friend UInt operator-(UInt a, US c) { return a - splat(c); }
    friend UInt operator&(UInt a, US c) { return a & splat(c); }
    friend UInt operator|(UInt a, US c) { return a | splat(c); }
    friend UInt operator^(UInt a, US c) { return a ^ splat(c); }
    friend UInt operator<<(UInt a, int n) { return a.shl(n); }
    friend UInt operator>>(UInt a, int n) { return a.lshr(n); }

    UInt shl(int n) const { return {builder().CreateShl(v, splat(US(n)).v)}; }
    UInt lshr(int n) const { return {builder().CreateLShr(v, splat(US(n)).v)}; }

    // (u << n) | (u >> (w - n)) is a rotate: emitted as llvm.fshl (one vprold) because the
    // lean pipeline has no InstCombine to find it and instruction selection did not: the
    // generator (math/random.hpp, 20 rotates per number) ran 12% slower as shifts and or.
    static llvm::Value* rotate(llvm::Value* a, llvm::Value* b) {
        auto* sa = llvm::dyn_cast<llvm::BinaryOperator>(a);
        auto* sb = llvm::dyn_cast<llvm::BinaryOperator>(b);
        if (!sa || !sb) return nullptr;
        if (sa->getOpcode() == llvm::Instruction::LShr) std::swap(sa, sb);
        if (sa->getOpcode() != llvm::Instruction::Shl || sb->getOpcode() != llvm::Instruction::LShr ||
            sa->getOperand(0) != sb->getOperand(0))
            return nullptr;
        auto* ca = llvm::dyn_cast<llvm::Constant>(sa->getOperand(1));
        auto* cb = llvm::dyn_cast<llvm::Constant>(sb->getOperand(1));
        auto* na = ca ? llvm::dyn_cast_or_null<llvm::ConstantInt>(ca->getSplatValue()) : nullptr;
        auto* nb = cb ? llvm::dyn_cast_or_null<llvm::ConstantInt>(cb->getSplatValue()) : nullptr;
        constexpr unsigned w = 8 * sizeof(US);
        if (!na || !nb || na->getZExtValue() + nb->getZExtValue() != w) return nullptr;
        return builder().CreateIntrinsic(llvm::Intrinsic::fshl, {a->getType()},
                                         {sa->getOperand(0), sa->getOperand(0), sa->getOperand(1)});
    }
};

template <class S> llvm::Value* call(llvm::Intrinsic::ID id, std::initializer_list<llvm::Value*> args) {
    return builder().CreateIntrinsic(id, {vector_type<S>()}, args);
}

template <class S> Val<S> fma(Val<S> a, Val<S> b, Val<S> c) { return {call<S>(llvm::Intrinsic::fma, {a.v, b.v, c.v})}; }
template <class S> Val<S> sqrt(Val<S> a) { return {call<S>(llvm::Intrinsic::sqrt, {a.v})}; }
// |-u| = |u|: the same value (the graph keeps one sign of u, but -u appears as a product).
template <class S> Val<S> abs(Val<S> a) {
    llvm::Value* u = a.v;
    if (auto* neg = llvm::dyn_cast<llvm::UnaryOperator>(u); neg && neg->getOpcode() == llvm::Instruction::FNeg)
        u = neg->getOperand(0);
    return {call<S>(llvm::Intrinsic::fabs, {u})};
}
template <class S> Val<S> copysign(Val<S> m, Val<S> s) { return {call<S>(llvm::Intrinsic::copysign, {m.v, s.v})}; }
template <class S> Mask<S> is_nan(Val<S> a) { return {builder().CreateFCmpUNO(a.v, a.v)}; }
template <class S> Mask<S> mask_and(Mask<S> a, Mask<S> b) { return {builder().CreateAnd(a.v, b.v)}; }
template <class S> Mask<S> mask_or(Mask<S> a, Mask<S> b) { return {builder().CreateOr(a.v, b.v)}; }
template <class S> Mask<S> mask_not(Mask<S> a) { return {builder().CreateNot(a.v)}; }
template <class S> Val<S> select(Mask<S> m, Val<S> a, Val<S> b) { return {builder().CreateSelect(m.v, a.v, b.v)}; }
template <class S> UInt<S> as_uint(Val<S> a) { return {builder().CreateBitCast(a.v, uvector_type<S>())}; }
template <class S> Val<S> as_float(UInt<S> a) { return {builder().CreateBitCast(a.v, vector_type<S>())}; }
// float32 lanes <-> float64 lanes, same lane count (fpext is exact; fptrunc rounds once).
inline Val<double> widen(Val<float> a) { return {builder().CreateFPExt(a.v, vector_type<double>())}; }
inline Val<float> narrow(Val<double> a) { return {builder().CreateFPTrunc(a.v, vector_type<float>())}; }

}  // namespace symact::jit::ir

template <class S> struct symact::math::value_traits<symact::jit::ir::Val<S>> {
    using scalar = S;
    using uscalar = symact::jit::ir::uint_of<S>;
    using wide = symact::jit::ir::Val<double>;  // used for S = float only
    static symact::jit::ir::Val<S> splat(S c) { return symact::jit::ir::Val<S>::splat(c); }
    static symact::jit::ir::UInt<S> usplat(uscalar c) { return symact::jit::ir::UInt<S>::splat(c); }
};
