// inspect's Report as text for people and as JSON for programs.
#pragma once
#include <string>

#include "symact/analysis/inspect.hpp"

namespace symact::analysis {

std::string to_text(const Report& r);
// One JSON object; non-finite numbers as the strings "inf", "-inf", "nan" (as symact eval).
std::string to_json(const Report& r);

// Shared formatting: 6 significant digits, "inf"/"-inf", no "-0".
std::string num(double v);
std::string to_string(const Interval& iv);  // "(0, 1)", "[0, inf)", "{0}"

}  // namespace symact::analysis
