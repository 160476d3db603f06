// Splitting a concatenation into its parts' texts: a scan of the outer call only (the parts
// are parsed later, by whoever compiles them), so a part's errors keep their own messages and
// come back with a caret under the input through input_position().
#include "symact/codegen/concat.hpp"

#include <array>
#include <span>

#include <fmt/format.h>

namespace symact::codegen {

namespace {

// crelu(u) = concat(relu(u), relu(-u)), relu written out so the core needs no catalog
// (the same where as the catalog's relu: relu'(0) = 0).
constexpr std::array<std::string_view, 3> crelu_parts[] = {
    {"where((", ") > 0, (", "), 0)"},
    {"where(-(", ") > 0, -(", "), 0)"},
};

constexpr std::array<std::string_view, 2> names{"concat", "crelu"};

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
std::size_t skip_space(std::string_view s, std::size_t i) {
    while (i < s.size() && space(s[i])) ++i;
    return i;
}
bool blank(std::string_view s) { return skip_space(s, 0) == s.size(); }

// A template's pieces around copies of u = input[from, from + len) (from npos: u is "x").
ConcatPart from_template(std::span<const std::string_view> tpl, std::string_view u, std::size_t from,
                         std::size_t anchor) {
    ConcatPart p;
    p.anchor = anchor;
    for (std::size_t i = 0; i < tpl.size(); ++i) {
        if (i) {
            if (from != std::string_view::npos) p.pieces.push_back({p.text.size(), u.size(), from});
            p.text += u;
        }
        p.text += tpl[i];
    }
    return p;
}

}  // namespace

std::size_t ConcatPart::input_position(std::size_t pos) const {
    for (const auto& c : pieces)
        if (pos >= c.at && pos <= c.at + c.len) return c.from + (pos - c.at);
    return anchor;
}

bool is_concat_function(std::string_view name) {
    for (auto n : names)
        if (n == name) return true;
    return false;
}

std::vector<std::string_view> concat_function_names() { return {names.begin(), names.end()}; }

std::optional<std::vector<ConcatPart>> split_concat(std::string_view in) {
    std::size_t i = skip_space(in, 0);
    const std::size_t name_pos = i;
    if (i == in.size() || !ident_start(in[i])) return std::nullopt;
    while (i < in.size() && ident_char(in[i])) ++i;
    const std::string_view name = in.substr(name_pos, i - name_pos);
    if (!is_concat_function(name)) return std::nullopt;
    const bool crelu = name == "crelu";

    auto crelu_of = [&](std::string_view u, std::size_t from) {
        std::vector<ConcatPart> parts;
        for (const auto& tpl : crelu_parts) parts.push_back(from_template(tpl, u, from, name_pos));
        parts[0].label = "relu(u) of crelu";
        parts[1].label = "relu(-u) of crelu";
        return parts;
    };
    const std::size_t open = skip_space(in, i);
    if (open == in.size()) {  // a bare name: of x
        if (!crelu) throw error("concat needs its parts: concat(e1, ..., eK)", in, name_pos);
        return crelu_of("x", std::string_view::npos);
    }
    if (in[open] != '(') return std::nullopt;  // "crelu + 1": the parser says where it may stand

    // The arguments: split at the commas of depth 1, up to the matching ')'.
    std::vector<std::pair<std::size_t, std::size_t>> args;  // [begin, end)
    int depth = 0;
    std::size_t start = open + 1, close = std::string_view::npos;
    for (std::size_t k = open; k < in.size() && close == std::string_view::npos; ++k) {
        const char c = in[k];
        if (c == '(') {
            ++depth;
        } else if (c == ')') {
            if (--depth == 0) {
                args.emplace_back(start, k);
                close = k;
            }
        } else if (c == ',' && depth == 1) {
            args.emplace_back(start, k);
            start = k + 1;
        }
    }
    if (close == std::string_view::npos) throw error("this '(' is never closed", in, open);
    // concat(...) + 1: not the whole input, which the parser reports
    if (skip_space(in, close + 1) != in.size()) return std::nullopt;

    if (args.size() == 1 && blank(in.substr(args[0].first, args[0].second - args[0].first)))
        throw error(crelu ? "crelu takes one argument: crelu(u) = concat(relu(u), relu(-u))"
                          : "concat needs at least one part: concat(e1, ..., eK)",
                    in, args[0].first);
    for (const auto& [b, e] : args)
        if (blank(in.substr(b, e - b))) throw error(fmt::format("empty part of {}", name), in, b);
    if (crelu) {
        if (args.size() != 1)
            throw error(fmt::format("crelu takes one argument, not {}: crelu(u) = concat(relu(u), "
                                    "relu(-u))",
                                    args.size()),
                        in, name_pos);
        const auto [b, e] = args[0];
        return crelu_of(in.substr(b, e - b), b);
    }
    if (args.size() > max_concat_parts)
        throw error(fmt::format("concat of {} parts; the limit is {}", args.size(), max_concat_parts),
                    in, args[max_concat_parts].first);
    std::vector<ConcatPart> parts;
    for (const auto& [b, e] : args) {
        ConcatPart p;
        p.text = std::string(in.substr(b, e - b));
        p.pieces.push_back({0, e - b, b});
        p.anchor = b;
        p.label = fmt::format("part {} of concat", parts.size() + 1);
        parts.push_back(std::move(p));
    }
    return parts;
}

void rethrow_in_input(const error& e, const ConcatPart& part, std::string_view input) {
    const std::size_t pos = e.position() == error::npos ? part.anchor : part.input_position(e.position());
    throw error(fmt::format("{} (in {})", e.message(), part.label), input, pos);
}

}  // namespace symact::codegen
