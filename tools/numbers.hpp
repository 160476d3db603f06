// How the subcommands print numbers: the shortest text that reads back to the same T, with
// nan/inf spelled out (as JSON strings in JSON output, which has no such numbers).
#pragma once
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace symact::cli {

template <class T> std::string num(T v) {  // JSON
    if (std::isnan(v)) return "\"nan\"";
    if (std::isinf(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
    return fmt::format("{}", v);
}

template <class T> std::string plain(T v) {  // tables
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return fmt::format("{}", v);
}

}  // namespace symact::cli
