// Command-line plumbing shared by the symact subcommands: options of the form --name=value
// or --name value, flags, "--" before a positional that may start with '-'.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace symact::cli {

struct OptionSpec {
    std::string_view name;  // without the leading --
    bool takes_value;
    bool repeatable = false;
};

class Args {
public:
    // Throws symact::error on an unknown option or a missing value.
    Args(std::span<char*> argv, std::span<const OptionSpec> spec, std::string_view command);

    bool flag(std::string_view name) const { return values_.count(std::string(name)) > 0; }
    std::optional<std::string> get(std::string_view name) const;
    std::vector<std::string> all(std::string_view name) const;
    const std::vector<std::string>& positional() const { return positional_; }
    // A non-negative integer option (seeds, offsets, counts); throws naming it.
    std::uint64_t get_uint(std::string_view name, std::uint64_t fallback) const;

private:
    std::string command_;
    std::multimap<std::string, std::string> values_;
    std::vector<std::string> positional_;
};

// "1,2.5,-3" -> numbers; throws symact::error naming the option and the bad item.
std::vector<double> parse_list(std::string_view text, std::string_view option);
// "alpha=1.5,beta=2" -> pairs
std::vector<std::pair<std::string, double>> parse_assignments(std::string_view text,
                                                              std::string_view option);

}  // namespace symact::cli
