#include "symact/error.hpp"

#include <algorithm>

namespace symact {

std::string error::format(const std::string& message, std::string_view input, std::size_t pos) {
    // Show at most ~70 characters of the input around the position, so a 1 MB input still
    // gives a short message.
    constexpr std::size_t width = 70;
    pos = std::min(pos, input.size());
    std::size_t begin = pos > width / 2 ? pos - width / 2 : 0;
    std::size_t end = std::min(input.size(), begin + width);
    std::string line(input.substr(begin, end - begin));
    std::replace_if(line.begin(), line.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
    std::string prefix = begin > 0 ? "..." : "";
    std::string suffix = end < input.size() ? "..." : "";
    return message + " (at column " + std::to_string(pos + 1) + ")\n  " + prefix + line + suffix +
           "\n  " + std::string(prefix.size() + (pos - begin), ' ') + "^";
}

}  // namespace symact
