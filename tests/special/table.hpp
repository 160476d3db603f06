// The special-value expectations of docs/SPECIAL.md (the file is the test's data): its
// tables read into entries, each cell's expected value at a column's input, and the check
// of one path's results against them.
#pragma once
#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace special {

inline constexpr std::size_t ncols = 9;
inline constexpr std::array<std::string_view, ncols> columns = {"+0",   "-0",   "+den", "-den", "+max",
                                                                "-max", "+inf", "-inf", "NaN"};

struct Row {
    std::string what;  // "f", "f'" or "df/dNAME"
    std::array<std::string, ncols> cells;
    int line = 0;  // in docs/SPECIAL.md
};

struct Entry {
    std::string kind;  // "op" (an elementary function) or "catalog"
    std::string name;  // the expression (op) or the catalog name
    std::vector<Row> rows;
};

// Every entry of the file, in order; throws std::runtime_error for a malformed table.
std::vector<Entry> load(const std::string& path);

// The column inputs in T: +0, -0, +den, -den, +max, -max, +inf, -inf, NaN.
template <class T> std::array<T, ncols> inputs();

// One path's results for an entry at the column inputs: f, f' and df/dp per parameter name.
template <class T> struct Results {
    std::array<T, ncols> f{}, df{};
    std::map<std::string, std::array<double, ncols>, std::less<>> dp;
};

// Checks `r` against `e`'s rows; each mismatch is a doctest failure unless the (path,
// entry, row, column) is in known_gaps.hpp, which is reported as such. Returns the number of
// cells checked.
template <class T> std::size_t check(std::string_view path, const Entry& e, const Results<T>& r);

}  // namespace special
