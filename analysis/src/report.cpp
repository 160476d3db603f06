#include "symact/analysis/report.hpp"

#include <cmath>

#include <fmt/format.h>

namespace symact::analysis {

namespace {

const char* name(Saturation s) {
    switch (s) {
    case Saturation::soft: return "soft";
    case Saturation::hard: return "hard";
    default: return "none";
    }
}

const char* name(Monotonic m) {
    switch (m) {
    case Monotonic::increasing: return "increasing";
    case Monotonic::non_decreasing: return "non-decreasing";
    case Monotonic::decreasing: return "decreasing";
    case Monotonic::non_increasing: return "non-increasing";
    default: return "no";
    }
}

std::string limit_text(const Limit& l) {
    switch (l.kind) {
    case Limit::Kind::finite: return num(l.value);
    case Limit::Kind::plus_infinity: return "inf";
    case Limit::Kind::minus_infinity: return "-inf";
    default: return "none (no limit found)";
    }
}

std::string side_text(const Side& s, int side) {
    switch (s.saturation) {
    case Saturation::hard:
        if (std::isinf(s.hard_from)) return "hard (f' = 0 everywhere)";
        return fmt::format("hard (f' = 0 for x {}{} {})", side < 0 ? "<" : ">", s.hard_closed ? "=" : "",
                           num(s.hard_from));
    case Saturation::soft: return "soft (f' -> 0, never exactly 0)";
    default: return fmt::format("none (f' -> {})", limit_text(s.df));
    }
}

std::string where_text(const MaxSlope& m) {
    if (m.at_infinity)
        return fmt::format("approached as x -> {}inf, not attained", m.side < 0 ? "-" : m.side > 0 ? "+" : "+-");
    if (m.where.lo == m.where.hi) return fmt::format("at x = {}", num(m.where.lo));
    return fmt::format("for x in {}", to_string(m.where));
}

// JSON ---------------------------------------------------------------------------------
std::string jnum(double v) {
    if (std::isnan(v)) return "\"nan\"";
    if (std::isinf(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
    if (v == 0) return "0";
    return fmt::format("{}", v);
}

std::string jstr(std::string_view s) {
    std::string o = "\"";
    for (char c : s) {
        switch (c) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) o += fmt::format("\\u{:04x}", c);
            else o += c;
        }
    }
    return o + "\"";
}

std::string jlimit(const Limit& l) {
    switch (l.kind) {
    case Limit::Kind::finite: return jnum(l.value);
    case Limit::Kind::plus_infinity: return "\"inf\"";
    case Limit::Kind::minus_infinity: return "\"-inf\"";
    default: return "null";
    }
}

std::string jinterval(const Interval& iv) {
    return fmt::format(R"({{"lo": {}, "hi": {}, "lo_closed": {}, "hi_closed": {}}})", jnum(iv.lo), jnum(iv.hi),
                       iv.lo_closed, iv.hi_closed);
}

std::string jside(const Side& s) {
    return fmt::format(R"({{"f": {}, "df": {}, "saturation": "{}"{}}})", jlimit(s.f), jlimit(s.df), name(s.saturation),
                       s.saturation == Saturation::hard ? fmt::format(R"(, "hard_from": {}, "hard_closed": {})", jnum(s.hard_from), s.hard_closed) : "");
}

}  // namespace

std::string num(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) return "0";
    return fmt::format("{:.6g}", v);
}

std::string to_string(const Interval& iv) {
    if (iv.lo == iv.hi) return fmt::format("{{{}}}", num(iv.lo));
    return fmt::format("{}{}, {}{}", iv.lo_closed ? '[' : '(', num(iv.lo), num(iv.hi), iv.hi_closed ? ']' : ')');
}

std::string to_text(const Report& r) {
    std::string o;
    auto row = [&](std::string_view key, const std::string& value) { o += fmt::format("{:<15} {}\n", key, value); };
    row("expression", r.expression);
    for (const auto& [wrt, d] : r.derivatives) row(wrt == "x" ? "f'" : fmt::format("df/d{}", wrt), d);
    if (!r.params.empty()) {
        std::string p;
        for (const auto& [k, v] : r.params) p += fmt::format("{}{} = {}", p.empty() ? "" : ", ", k, num(v));
        row("parameters", p);
    }
    row("operations", fmt::format("forward {}, backward {}, fused {}  (distinct ops per kernel)", r.ops_forward,
                                  r.ops_backward, r.ops_fused));
    row("numeric", "range .. max |f'| below are found numerically (how: the method line); kink candidates, "
                   "dead regions (f' exactly 0) and saturation kind are confirmed symbolically");
    row("range", to_string(r.range));
    row("limits", fmt::format("x -> -inf: f -> {}, f' -> {};  x -> +inf: f -> {}, f' -> {}", limit_text(r.left.f),
                              limit_text(r.left.df), limit_text(r.right.f), limit_text(r.right.df)));
    row("saturation", fmt::format("left {}; right {}", side_text(r.left, -1), side_text(r.right, 1)));
    std::string zc;
    if (r.zero_centred) zc = "yes: f(0) = 0 and f takes both signs";
    else if (std::fabs(r.f0) > 1e-12) zc = fmt::format("no: f(0) = {}", num(r.f0));
    else zc = "no: f(0) = 0 but f takes one sign only";
    row("zero-centred", fmt::format("{}; E[f(z)] = {} for z ~ N(0, 1)", zc, num(r.gaussian_mean)));
    std::string mono = name(r.monotonic);
    if (r.monotonic == Monotonic::increasing) mono += " (no local extremum, f' = 0 on no interval)";
    if (r.monotonic == Monotonic::decreasing) mono += " (no local extremum, f' = 0 on no interval)";
    if (r.monotonic == Monotonic::non_decreasing) mono += " (no local extremum; constant on the dead regions)";
    if (r.monotonic == Monotonic::non_increasing) mono += " (no local extremum; constant on the dead regions)";
    if (r.monotonic == Monotonic::no && !r.extrema.empty())
        mono += fmt::format(" (f' changes sign {} time{})", r.extrema.size(), r.extrema.size() == 1 ? "" : "s");
    row("monotonic", mono);
    if (r.extrema.empty()) {
        row("local extrema", "none");
    } else {
        std::string e;
        for (const auto& x : r.extrema)
            e += fmt::format("{}{} f({}) = {}", e.empty() ? "" : "; ", x.minimum ? "min" : "max", num(x.x), num(x.f));
        row("local extrema", e);
    }
    if (r.kinks.empty()) {
        row("kinks", fmt::format("none ({} candidate{} from where/max/min/abs/sign/sqrt/pow checked)",
                                 r.kink_candidates, r.kink_candidates == 1 ? "" : "s"));
    } else {
        std::string k;
        for (const auto& x : r.kinks) {
            k += k.empty() ? "" : "; ";
            if (x.jump)
                k += fmt::format("jump at x = {}: f({}-) = {}, f({}+) = {}", num(x.x), num(x.x), num(x.f_left),
                                 num(x.x), num(x.f_right));
            else
                k += fmt::format("x = {}: f'({}-) = {}, f'({}+) = {}", num(x.x), num(x.x), num(x.df_left), num(x.x),
                                 num(x.df_right));
        }
        row("kinks", k);
    }
    if (r.dead.empty()) {
        row("dead regions", "none (f' = 0 exactly nowhere)");
    } else {
        std::string d;
        for (const auto& iv : r.dead) d += fmt::format("{}{}", d.empty() ? "" : ", ", to_string(iv));
        row("dead regions", fmt::format("f' = 0 on {}", d));
    }
    const auto& m = r.max_slope;
    if (m.unbounded) {
        row("max |f'|", "unbounded");
    } else {
        row("max |f'|", fmt::format("{} {}", num(m.value), where_text(m)));
        double bound = std::pow(m.value, r.layers);
        std::string what = m.value < 1   ? "the activations alone shrink it at least this much"
                           : m.value > 1 ? "the activations alone can grow it this much"
                                         : "the activations alone need not shrink it";
        row("n layers", fmt::format("a gradient through {} layers is scaled by at most {}^{} = {} (weights aside: {})",
                                    r.layers, num(m.value), r.layers, num(bound), what));
    }
    if (r.speed)
        row("speed (JIT)", fmt::format("{}, {} lanes, 64K elements: forward {:.3g} ns/element, backward {:.3g}, fused {:.3g}",
                                       r.speed->dtype, r.speed->lanes, r.speed->forward, r.speed->backward,
                                       r.speed->fused));
    for (const auto& n : r.notes) row("note", n);
    row("method", r.method);
    return o;
}

std::string to_json(const Report& r) {
    std::string o = "{";
    o += fmt::format(R"("expression": {}, "derivatives": {{)", jstr(r.expression));
    for (std::size_t i = 0; i < r.derivatives.size(); ++i)
        o += fmt::format("{}{}: {}", i ? ", " : "", jstr(r.derivatives[i].first), jstr(r.derivatives[i].second));
    o += R"(}, "params": {)";
    bool first = true;
    for (const auto& [k, v] : r.params) o += fmt::format("{}{}: {}", first ? "" : ", ", jstr(k), jnum(v)), first = false;
    o += fmt::format(R"(}}, "ops": {{"forward": {}, "backward": {}, "fused": {}}})", r.ops_forward, r.ops_backward,
                     r.ops_fused);
    o += fmt::format(R"(, "range": {}, "left": {}, "right": {})", jinterval(r.range), jside(r.left), jside(r.right));
    o += fmt::format(R"(, "f0": {}, "takes_both_signs": {}, "zero_centred": {}, "gaussian_mean": {})", jnum(r.f0),
                     r.takes_both_signs, r.zero_centred, jnum(r.gaussian_mean));
    o += fmt::format(R"(, "monotonic": "{}", "extrema": [)", name(r.monotonic));
    for (std::size_t i = 0; i < r.extrema.size(); ++i)
        o += fmt::format(R"({}{{"x": {}, "f": {}, "kind": "{}"}})", i ? ", " : "", jnum(r.extrema[i].x),
                         jnum(r.extrema[i].f), r.extrema[i].minimum ? "min" : "max");
    o += R"(], "kinks": [)";
    for (std::size_t i = 0; i < r.kinks.size(); ++i) {
        const auto& k = r.kinks[i];
        o += fmt::format(
            R"({}{{"x": {}, "jump": {}, "f": {}, "f_left": {}, "f_right": {}, "df_left": {}, "df_right": {}}})",
            i ? ", " : "", jnum(k.x), k.jump, jnum(k.f), jnum(k.f_left), jnum(k.f_right), jnum(k.df_left),
            jnum(k.df_right));
    }
    o += fmt::format(R"(], "kink_candidates": {}, "dead": [)", r.kink_candidates);
    for (std::size_t i = 0; i < r.dead.size(); ++i) o += fmt::format("{}{}", i ? ", " : "", jinterval(r.dead[i]));
    const auto& m = r.max_slope;
    o += fmt::format(R"(], "max_abs_df": {{"value": {}, "unbounded": {}, "at_infinity": {}, "side": {}, "where": {}}})",
                     jnum(m.value), m.unbounded, m.at_infinity, m.side, jinterval(m.where));
    o += fmt::format(R"(, "layers": {}, "gradient_bound": {})", r.layers,
                     m.unbounded ? "\"inf\"" : jnum(std::pow(m.value, r.layers)));
    if (r.speed)
        o += fmt::format(
            R"(, "speed": {{"dtype": "{}", "lanes": {}, "ns_per_element": {{"forward": {}, "backward": {}, "fused": {}}}}})",
            r.speed->dtype, r.speed->lanes, jnum(r.speed->forward), jnum(r.speed->backward), jnum(r.speed->fused));
    else
        o += R"(, "speed": null)";
    o += R"(, "notes": [)";
    for (std::size_t i = 0; i < r.notes.size(); ++i) o += fmt::format("{}{}", i ? ", " : "", jstr(r.notes[i]));
    o += fmt::format(R"(], "method": {}}})", jstr(r.method));
    return o + "\n";
}

}  // namespace symact::analysis
