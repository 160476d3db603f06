// The C/C++-source backend of symact::math and codegen::lower(): a value type whose
// operations append SSA statements ("const float t12 = std::fma(t3, t4, t5);") to a
// buffer. Val<S> is one S (float or double) element, Mask<S> a comparison result, UInt<S>
// the same-width unsigned integer (as_uint). Every primitive of
// math/symact/math/primitives.hpp is one statement; operations whose operands are all
// literals are folded here in S arithmetic (IEEE, so the numbers are the ones the
// statement would compute, as LLVM's constant folder does for the JIT).
//
// As in the JIT's ir_value.hpp, value_traits<Val<S>>::splat has no context, so the buffer
// of the body being emitted is reached through a thread-local pointer installed by Scope.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <symact/math/primitives.hpp>

namespace symact::codegen::emit {

enum class Lang { cpp, c };

// The statements of one body, with a table of right-hand sides already emitted so that a
// repeated computation (the math code repeats constants and masks) reuses its temporary.
struct Body {
    Lang lang = Lang::cpp;
    std::string prefix;  // prefix of the header's helper functions (bit casts, sqrt)

    // "const T tN = rhs;" unless rhs was emitted before; returns the temporary's name.
    std::string stmt(const std::string& type, const std::string& rhs);
    // The statements the given expressions need (dead ones dropped: the math code computes
    // values a folded select then discards, which would warn as unused), one per line.
    std::string render(std::initializer_list<std::string> uses, const std::string& indent) const;
    std::string render(const std::vector<std::string>& uses, const std::string& indent) const;

private:
    struct Stmt {
        std::string type, name, rhs;
        std::vector<std::size_t> deps;  // statements whose temporaries rhs reads
    };
    std::vector<Stmt> stmts_;
    std::unordered_map<std::string, std::string> seen_;    // "type rhs" -> temporary
    std::unordered_map<std::string, std::size_t> index_;  // temporary -> statement
};

inline thread_local Body* current = nullptr;

// Installs a Body for the current thread while it lives.
class Scope {
public:
    explicit Scope(Body& b) : prev_(current) { current = &b; }
    ~Scope() { current = prev_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

private:
    Body* prev_;
};

template <class S> using uint_of = std::conditional_t<sizeof(S) == 4, std::uint32_t, std::uint64_t>;

// Spellings that depend on the language and the element type.
std::string type_name(Lang l, bool f32);                 // float / double
std::string utype_name(Lang l, bool f32);                // std::uint32_t / uint64_t / ...
std::string float_literal(Lang l, double v, bool f32);   // exact; inf and NaN spelled portably
std::string uint_literal(std::uint64_t v, bool f32);
std::string libm(Lang l, const char* fn, bool f32);       // std::fma / fmaf / fma
inline std::string fmt_bool_cpp(const std::string& u, const std::string& cond) {
    return "0u - static_cast<" + u + ">(" + cond + ")";
}

template <class S> struct Mask {
    std::string e;
    std::optional<bool> k;  // known at generation time
};

template <class S> struct UInt {
    using US = uint_of<S>;
    std::string e;
    std::optional<US> k;

    static UInt splat(US c) { return {uint_literal(c, sizeof(S) == 4), c}; }
};

template <class S> struct Val {
    std::string e;           // a temporary's name or a literal
    std::optional<S> k;      // the value when it is a literal

    static Val splat(S c) { return {float_literal(current ? current->lang : Lang::cpp, c, sizeof(S) == 4), c}; }
};

namespace detail {
template <class S> constexpr bool f32 = sizeof(S) == 4;
template <class S> std::string T() { return type_name(current->lang, f32<S>); }
template <class S> std::string U() { return utype_name(current->lang, f32<S>); }
template <class S> Val<S> val(const std::string& rhs) { return {current->stmt(T<S>(), rhs), {}}; }
// A mask is an unsigned integer of the element's width, all ones or zero, so that the
// vectoriser sees bitwise operations and no branch (select in source_value.cpp).
template <class S> Mask<S> mask(const std::string& rhs) { return {current->stmt(U<S>(), rhs), {}}; }
template <class S> std::string from_bool(const std::string& cond) {
    return current->lang == Lang::cpp ? fmt_bool_cpp(U<S>(), cond) : "0u - (" + U<S>() + ")(" + cond + ")";
}
template <class S> UInt<S> uint(const std::string& rhs) { return {current->stmt(U<S>(), rhs), {}}; }
template <class S> Val<S> bin(const Val<S>& a, const char* op, const Val<S>& b, S (*f)(S, S)) {
    if (a.k && b.k) return Val<S>::splat(f(*a.k, *b.k));
    return val<S>(a.e + " " + op + " " + b.e);
}
template <class S> Mask<S> cmp(const Val<S>& a, const char* op, const Val<S>& b, bool (*f)(S, S)) {
    if (a.k && b.k) return {uint_literal(f(*a.k, *b.k) ? ~uint_of<S>(0) : 0, f32<S>), f(*a.k, *b.k)};
    return mask<S>(from_bool<S>(a.e + " " + op + " " + b.e));
}
template <class S> UInt<S> ubin(const UInt<S>& a, const char* op, const UInt<S>& b,
                                 uint_of<S> (*f)(uint_of<S>, uint_of<S>)) {
    if (a.k && b.k) return UInt<S>::splat(f(*a.k, *b.k));
    // u | 0, u ^ 0, u + 0 (the noise counter's word under stream 0) are u, as LLVM's builder folds them
    const std::string o = op;
    if (b.k && *b.k == 0 && (o == "|" || o == "^" || o == "+" || o == "-")) return a;
    if (a.k && *a.k == 0 && (o == "|" || o == "^" || o == "+")) return b;
    return uint<S>(a.e + " " + op + " " + b.e);
}
}  // namespace detail

#define SYMACT_EMIT_ARITH(OP)                                                                      \
    template <class S> Val<S> operator OP(const Val<S>& a, const Val<S>& b) {                      \
        return detail::bin<S>(a, #OP, b, [](S x, S y) -> S { return x OP y; });                    \
    }                                                                                              \
    template <class S> Val<S> operator OP(const Val<S>& a, std::type_identity_t<S> c) { return a OP Val<S>::splat(c); } \
    template <class S> Val<S> operator OP(std::type_identity_t<S> c, const Val<S>& a) { return Val<S>::splat(c) OP a; }
SYMACT_EMIT_ARITH(+) SYMACT_EMIT_ARITH(-) SYMACT_EMIT_ARITH(*) SYMACT_EMIT_ARITH(/)
#undef SYMACT_EMIT_ARITH

template <class S> Val<S> operator-(const Val<S>& a) {
    if (a.k) return Val<S>::splat(-*a.k);
    return detail::val<S>("-" + a.e);
}

#define SYMACT_EMIT_CMP(OP)                                                                        \
    template <class S> Mask<S> operator OP(const Val<S>& a, const Val<S>& b) {                     \
        return detail::cmp<S>(a, #OP, b, [](S x, S y) { return x OP y; });                         \
    }                                                                                              \
    template <class S> Mask<S> operator OP(const Val<S>& a, std::type_identity_t<S> c) { return a OP Val<S>::splat(c); }
SYMACT_EMIT_CMP(<) SYMACT_EMIT_CMP(<=) SYMACT_EMIT_CMP(>) SYMACT_EMIT_CMP(>=) SYMACT_EMIT_CMP(==)
#undef SYMACT_EMIT_CMP

#define SYMACT_EMIT_UOP(OP)                                                                        \
    template <class S> UInt<S> operator OP(const UInt<S>& a, const UInt<S>& b) {                   \
        return detail::ubin<S>(a, #OP, b, [](uint_of<S> x, uint_of<S> y) -> uint_of<S> { return x OP y; }); \
    }                                                                                              \
    template <class S> UInt<S> operator OP(const UInt<S>& a, std::type_identity_t<uint_of<S>> c) { \
        return a OP UInt<S>::splat(c);                                                             \
    }
SYMACT_EMIT_UOP(+) SYMACT_EMIT_UOP(-) SYMACT_EMIT_UOP(&) SYMACT_EMIT_UOP(|) SYMACT_EMIT_UOP(^)
#undef SYMACT_EMIT_UOP

template <class S> UInt<S> operator<<(const UInt<S>& a, int n) {
    if (a.k) return UInt<S>::splat(static_cast<uint_of<S>>(*a.k << n));
    return detail::uint<S>(a.e + " << " + std::to_string(n));
}
template <class S> UInt<S> operator>>(const UInt<S>& a, int n) {
    if (a.k) return UInt<S>::splat(static_cast<uint_of<S>>(*a.k >> n));
    return detail::uint<S>(a.e + " >> " + std::to_string(n));
}

// The functions: defined in source_value.cpp for float and double.
template <class S> Val<S> fma(const Val<S>& a, const Val<S>& b, const Val<S>& c);
template <class S> Val<S> sqrt(const Val<S>& a);
template <class S> Val<S> abs(const Val<S>& a);
template <class S> Val<S> copysign(const Val<S>& m, const Val<S>& s);
template <class S> Mask<S> is_nan(const Val<S>& a);
template <class S> Mask<S> mask_and(const Mask<S>& a, const Mask<S>& b);
template <class S> Mask<S> mask_or(const Mask<S>& a, const Mask<S>& b);
template <class S> Mask<S> mask_not(const Mask<S>& a);
template <class S> Val<S> select(const Mask<S>& m, const Val<S>& a, const Val<S>& b);
template <class S> UInt<S> as_uint(const Val<S>& a);
template <class S> Val<S> as_float(const UInt<S>& a);
// float <-> double of one element (fpext / fptrunc: a cast, one rounding for narrow).
Val<double> widen(const Val<float>& a);
Val<float> narrow(const Val<double>& a);

}  // namespace symact::codegen::emit

template <class S> struct symact::math::value_traits<symact::codegen::emit::Val<S>> {
    using scalar = S;
    using uscalar = symact::codegen::emit::uint_of<S>;
    using wide = symact::codegen::emit::Val<double>;  // used for S = float only
    static symact::codegen::emit::Val<S> splat(S c) { return symact::codegen::emit::Val<S>::splat(c); }
    static symact::codegen::emit::UInt<S> usplat(uscalar c) { return symact::codegen::emit::UInt<S>::splat(c); }
};
