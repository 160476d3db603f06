// Shared by the JIT tests: ULP distance, test inputs.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "symact/codegen/number.hpp"
#include "symact/error.hpp"

namespace symact::test {

// The symact::error message that f() throws, or "(no error)".
std::string message_of(auto&& f) {
    try {
        f();
    } catch (const symact::error& e) {
        return e.what();
    }
    return "(no error)";
}

// Distance in units in the last place between two finite or infinite values of T; NaN
// matches NaN only (0), else "infinitely" far.
template <class T> std::uint64_t ulp_distance(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : UINT64_MAX;
    if (a == b) return 0;
    using U = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
    auto ord = [](T v) {
        auto i = std::bit_cast<U>(v);
        return i < 0 ? static_cast<std::int64_t>(std::numeric_limits<U>::min()) - i : static_cast<std::int64_t>(i);
    };
    std::int64_t d = ord(a) - ord(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

// Inputs that exercise every branch of the math functions: specials, tiny, huge, a grid.
template <class T> std::vector<T> test_points() {
    constexpr T inf = std::numeric_limits<T>::infinity();
    std::vector<T> v{T(0), -T(0), inf, -inf, std::numeric_limits<T>::quiet_NaN(),
                     std::numeric_limits<T>::min(), std::numeric_limits<T>::denorm_min(),
                     std::numeric_limits<T>::max(), -std::numeric_limits<T>::max(), T(1e-30), T(-1e-30),
                     T(1e-8), T(-1e-8), T(88.7), T(-88.7), T(89.5), T(-104), T(710), T(-745), T(1000), T(-1000)};
    for (int i = -400; i <= 400; ++i) v.push_back(static_cast<T>(i) * T(0.05));
    for (int i = 0; i < 37; ++i) v.push_back(T(1.37) * static_cast<T>(i) - T(25));  // 37: a tail
    return v;
}

// The leaves of the scalar reference lowering (codegen lower()): x, parameters, constants in T.
template <class T> struct ScalarLeaves {
    T xv;
    std::map<std::string, T, std::less<>> params;
    T x() { return xv; }
    T param(std::string_view n) { return params.find(n)->second; }
    T constant(const codegen::Number& c) { return c.as<T>(); }
};

// The calls in an IR text that are not LLVM intrinsics ("llvm.fma...", masked loads and
// stores: single instructions): what a call-free kernel loop must not have.
inline std::vector<std::string> non_intrinsic_calls(const std::string& ir) {
    static const std::regex call(R"((call|invoke)\s[^@]*@([A-Za-z0-9_.]+))");
    std::vector<std::string> bad;
    std::istringstream lines(ir);
    std::smatch m;
    for (std::string line; std::getline(lines, line);)
        if (std::regex_search(line, m, call) && m[2].str().rfind("llvm.", 0) != 0) bad.push_back(line);
    return bad;
}

}  // namespace symact::test
