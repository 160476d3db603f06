#include "symact/codegen/emit/source_value.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace symact::codegen::emit {

namespace {
// The identifiers of a piece of source text.
template <class F> void identifiers(const std::string& s, F&& f) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::size_t i = 0; i < s.size();) {
        if (!word(s[i])) { ++i; continue; }
        std::size_t j = i;
        while (j < s.size() && word(s[j])) ++j;
        f(s.substr(i, j - i));
        i = j;
    }
}
}  // namespace

std::string Body::stmt(const std::string& type, const std::string& rhs) {
    auto key = type + ' ' + rhs;
    if (auto it = seen_.find(key); it != seen_.end()) return it->second;
    Stmt s{type, fmt::format("t{}", stmts_.size()), rhs, {}};
    identifiers(rhs, [&](const std::string& id) {
        if (auto it = index_.find(id); it != index_.end()) s.deps.push_back(it->second);
    });
    index_.emplace(s.name, stmts_.size());
    seen_.emplace(std::move(key), s.name);
    stmts_.push_back(std::move(s));
    return stmts_.back().name;
}

std::string Body::render(std::initializer_list<std::string> uses, const std::string& indent) const {
    return render(std::vector<std::string>(uses), indent);
}

std::string Body::render(const std::vector<std::string>& uses, const std::string& indent) const {
    std::vector<char> live(stmts_.size(), 0);
    std::vector<std::size_t> work;
    for (const auto& u : uses)
        identifiers(u, [&](const std::string& id) {
            if (auto it = index_.find(id); it != index_.end()) work.push_back(it->second);
        });
    while (!work.empty()) {
        std::size_t i = work.back();
        work.pop_back();
        if (live[i]) continue;
        live[i] = 1;
        for (auto d : stmts_[i].deps) work.push_back(d);
    }
    std::string out;
    for (std::size_t i = 0; i < stmts_.size(); ++i)
        if (live[i]) out += fmt::format("{}const {} {} = {};\n", indent, stmts_[i].type, stmts_[i].name, stmts_[i].rhs);
    return out;
}

std::string type_name(Lang, bool f32) { return f32 ? "float" : "double"; }

std::string utype_name(Lang l, bool f32) {
    const char* t = f32 ? "uint32_t" : "uint64_t";
    return l == Lang::cpp ? fmt::format("std::{}", t) : t;
}

std::string float_literal(Lang l, double v, bool f32) {
    const char* suffix = f32 ? "f" : "";
    if (std::isnan(v)) {
        if (l == Lang::cpp) return fmt::format("std::numeric_limits<{}>::quiet_NaN()", f32 ? "float" : "double");
        return f32 ? "NAN" : "((double)NAN)";
    }
    if (std::isinf(v)) {
        std::string inf = l == Lang::cpp ? fmt::format("std::numeric_limits<{}>::infinity()", f32 ? "float" : "double")
                                         : (f32 ? "HUGE_VALF" : "HUGE_VAL");
        return v < 0 ? "(-" + inf + ")" : inf;
    }
    // The shortest decimal that reads back as the same value of the element type.
    char buf[64];
    auto r = f32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                 : std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    else if (s.find('.') == std::string::npos && s.find('e') != std::string::npos) {
        // "1e-45" is a valid literal already; keep it
    }
    s += suffix;
    return std::signbit(v) ? "(" + s + ")" : s;
}

std::string uint_literal(std::uint64_t v, bool f32) {
    return f32 ? fmt::format("0x{:x}u", v) : fmt::format("0x{:x}ull", v);
}

std::string libm(Lang l, const char* fn, bool f32) {
    if (l == Lang::cpp) return fmt::format("std::{}", fn);
    return f32 ? fmt::format("{}f", fn) : fn;
}

namespace {
template <class S> bool f32() { return sizeof(S) == 4; }
template <class S> std::string call(const char* fn, std::initializer_list<std::string> args) {
    return fmt::format("{}({})", libm(current->lang, fn, f32<S>()), fmt::join(args, ", "));
}
template <class S> Mask<S> known(bool b) {
    return {uint_literal(b ? ~uint_of<S>(0) : 0, f32<S>()), b};
}
template <class S> std::string helper(const char* what) {
    return fmt::format("{}{}_{}", current->prefix, what, f32<S>() ? "f32" : "f64");
}
}  // namespace

template <class S> Val<S> fma(const Val<S>& a, const Val<S>& b, const Val<S>& c) {
    if (a.k && b.k && c.k) return Val<S>::splat(std::fma(*a.k, *b.k, *c.k));
    return detail::val<S>(call<S>("fma", {a.e, b.e, c.e}));
}
// sqrt goes through a helper of the header's preamble (header.cpp says why).
template <class S> Val<S> sqrt(const Val<S>& a) {
    if (a.k) return Val<S>::splat(std::sqrt(*a.k));
    return detail::val<S>(fmt::format("{}({})", helper<S>("sqrt"), a.e));
}
template <class S> Val<S> abs(const Val<S>& a) {
    if (a.k) return Val<S>::splat(std::fabs(*a.k));
    return detail::val<S>(call<S>("fabs", {a.e}));
}
template <class S> Val<S> copysign(const Val<S>& m, const Val<S>& s) {
    if (m.k && s.k) return Val<S>::splat(std::copysign(*m.k, *s.k));
    return detail::val<S>(call<S>("copysign", {m.e, s.e}));
}
template <class S> Mask<S> is_nan(const Val<S>& a) {
    if (a.k) return known<S>(std::isnan(*a.k));
    return detail::mask<S>(detail::from_bool<S>(a.e + " != " + a.e));
}
template <class S> Mask<S> mask_and(const Mask<S>& a, const Mask<S>& b) {
    if (a.k && b.k) return known<S>(*a.k && *b.k);
    if ((a.k && !*a.k) || (b.k && !*b.k)) return known<S>(false);
    if (a.k) return b;
    if (b.k) return a;
    return detail::mask<S>(a.e + " & " + b.e);  // bitwise on 0/1: no branch
}
template <class S> Mask<S> mask_or(const Mask<S>& a, const Mask<S>& b) {
    if (a.k && b.k) return known<S>(*a.k || *b.k);
    if ((a.k && *a.k) || (b.k && *b.k)) return known<S>(true);
    if (a.k) return b;
    if (b.k) return a;
    return detail::mask<S>(a.e + " | " + b.e);
}
template <class S> Mask<S> mask_not(const Mask<S>& a) {
    if (a.k) return known<S>(!*a.k);
    return detail::mask<S>("~" + a.e);
}
template <class S> Val<S> select(const Mask<S>& m, const Val<S>& a, const Val<S>& b) {
    if (m.k) return *m.k ? a : b;
    if (a.e == b.e) return a;
    // A bitwise blend, not "m ? a : b": g++ turns a conditional expression into a branch
    // (jump threading) that it then cannot if-convert back without -fno-trapping-math, and
    // the loop stays scalar. Masks are all-ones or zero integers (detail::mask).
    auto ua = as_uint(a), ub = as_uint(b);
    return as_float(detail::uint<S>(fmt::format("({} & {}) | ({} & ~{})", ua.e, m.e, ub.e, m.e)));
}
template <class S> UInt<S> as_uint(const Val<S>& a) {
    if (a.k) return UInt<S>::splat(std::bit_cast<uint_of<S>>(*a.k));
    return detail::uint<S>(fmt::format("{}({})", helper<S>("bits"), a.e));
}
template <class S> Val<S> as_float(const UInt<S>& a) {
    if (a.k) return Val<S>::splat(std::bit_cast<S>(*a.k));
    return detail::val<S>(fmt::format("{}({})", helper<S>("from_bits"), a.e));
}

Val<double> widen(const Val<float>& a) {
    if (a.k) return Val<double>::splat(static_cast<double>(*a.k));
    const char* cast = current->lang == Lang::cpp ? "static_cast<double>({})" : "(double){}";
    return detail::val<double>(fmt::format(fmt::runtime(cast), a.e));
}
Val<float> narrow(const Val<double>& a) {
    if (a.k) return Val<float>::splat(static_cast<float>(*a.k));
    const char* cast = current->lang == Lang::cpp ? "static_cast<float>({})" : "(float){}";
    return detail::val<float>(fmt::format(fmt::runtime(cast), a.e));
}

#define SYMACT_EMIT_INSTANTIATE(S)                                                   \
    template Val<S> fma(const Val<S>&, const Val<S>&, const Val<S>&);                \
    template Val<S> sqrt(const Val<S>&);                                             \
    template Val<S> abs(const Val<S>&);                                              \
    template Val<S> copysign(const Val<S>&, const Val<S>&);                          \
    template Mask<S> is_nan(const Val<S>&);                                          \
    template Mask<S> mask_and(const Mask<S>&, const Mask<S>&);                       \
    template Mask<S> mask_or(const Mask<S>&, const Mask<S>&);                        \
    template Mask<S> mask_not(const Mask<S>&);                                       \
    template Val<S> select(const Mask<S>&, const Val<S>&, const Val<S>&);            \
    template UInt<S> as_uint(const Val<S>&);                                         \
    template Val<S> as_float(const UInt<S>&);
SYMACT_EMIT_INSTANTIATE(float)
SYMACT_EMIT_INSTANTIATE(double)
#undef SYMACT_EMIT_INSTANTIATE

}  // namespace symact::codegen::emit
