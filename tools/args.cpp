#include "args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "symact/error.hpp"

namespace symact::cli {

Args::Args(std::span<char*> argv, std::span<const OptionSpec> spec, std::string_view command)
    : command_(command) {
    bool only_positional = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string_view a = argv[i];
        if (only_positional || !a.starts_with("--") || a == "-") {
            if (!only_positional && a.size() > 1 && a[0] == '-' && !(std::isdigit((unsigned char)a[1]) || a[1] == '.'))
                throw error(fmt::format("{}: unknown option '{}' (expressions that start with '-' go "
                                        "after '--')", command, a));
            positional_.emplace_back(a);
            continue;
        }
        if (a == "--") {
            only_positional = true;
            continue;
        }
        std::string_view body = a.substr(2);
        std::string_view name = body.substr(0, body.find('='));
        const OptionSpec* s = nullptr;
        for (const auto& o : spec)
            if (o.name == name) s = &o;
        if (!s) throw error(fmt::format("{}: unknown option '--{}' (see symact {} --help)", command, name, command));
        std::string value;
        if (s->takes_value) {
            if (body.size() > name.size()) {
                value = std::string(body.substr(name.size() + 1));
            } else if (i + 1 < argv.size()) {
                value = argv[++i];
            } else {
                throw error(fmt::format("{}: option '--{}' needs a value", command, name));
            }
        } else if (body.size() > name.size()) {
            throw error(fmt::format("{}: option '--{}' takes no value", command, name));
        }
        if (!s->repeatable && values_.count(std::string(name)))
            throw error(fmt::format("{}: option '--{}' given twice", command, name));
        values_.emplace(std::string(name), value);
    }
}

std::optional<std::string> Args::get(std::string_view name) const {
    auto it = values_.find(std::string(name));
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Args::all(std::string_view name) const {
    std::vector<std::string> v;
    auto [lo, hi] = values_.equal_range(std::string(name));
    for (auto it = lo; it != hi; ++it) v.push_back(it->second);
    return v;
}

namespace {
double parse_number(std::string_view item, std::string_view option) {
    std::string s(item);
    while (!s.empty() && s.front() == ' ') s.erase(0, 1);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.empty()) throw error(fmt::format("--{}: empty item in the list", option));
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size())
        throw error(fmt::format("--{}: '{}' is not a number", option, s));
    if (errno == ERANGE && std::isinf(v) && s.find("inf") == std::string::npos)
        throw error(fmt::format("--{}: '{}' is out of range", option, s));
    return v;
}
}  // namespace

std::vector<double> parse_list(std::string_view text, std::string_view option) {
    std::vector<double> v;
    std::size_t start = 0;
    while (true) {
        std::size_t comma = text.find(',', start);
        v.push_back(parse_number(text.substr(start, comma - start), option));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return v;
}

std::vector<std::pair<std::string, double>> parse_assignments(std::string_view text,
                                                              std::string_view option) {
    std::vector<std::pair<std::string, double>> out;
    std::size_t start = 0;
    while (true) {
        std::size_t comma = text.find(',', start);
        std::string_view item = text.substr(start, comma - start);
        std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0)
            throw error(fmt::format("--{}: expected NAME=VALUE, got '{}'", option, item));
        out.emplace_back(std::string(item.substr(0, eq)), parse_number(item.substr(eq + 1), option));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::uint64_t Args::get_uint(std::string_view name, std::uint64_t fallback) const {
    auto text = get(name);
    if (!text) return fallback;
    std::size_t used = 0;
    unsigned long long v = 0;
    try {
        if (text->empty() || (*text)[0] == '-') throw std::invalid_argument("sign");
        v = std::stoull(*text, &used, 10);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text->size())
        throw error(fmt::format("{}: --{}={}: expected a non-negative integer", command_, name, *text));
    return v;
}

}  // namespace symact::cli
