// Concatenations: an activation with several outputs per input, written as the whole
// expression concat(e1, ..., eK) or with a name that expands to one (crelu(u) =
// concat(relu(u), relu(-u))). Each part is an elementwise expression of x; a kernel writes
// part k to the k-th block of each sample's output, so (N, C, inner) becomes (N, K*C, inner)
// (docs/SYNTAX.md "Concatenations"). Only the whole expression can be a concatenation: the
// parser rejects concat(...) and crelu(...) inside an expression, with a caret.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symact/error.hpp"

namespace symact::codegen {

inline constexpr std::size_t max_concat_parts = 64;

// One part's text, parseable on its own, and where it came from in the input.
struct ConcatPart {
    std::string text;
    std::string label;  // for messages: "part 2 of concat", "relu(-u) of crelu"
    // text[at, at + len) is a copy of input[from, from + len)
    struct Piece {
        std::size_t at, len, from;
    };
    std::vector<Piece> pieces;
    std::size_t anchor = 0;  // the input position for text that is not a copy (crelu's relu)

    // The input position of position `pos` of text.
    std::size_t input_position(std::size_t pos) const;
};

// The parts of `input` if it is a concatenation (a concat or crelu call spanning the whole
// input, or the bare name crelu: crelu(x)); nullopt otherwise. Throws symact::error (with a
// caret) for a malformed one: no or empty parts, more than max_concat_parts, crelu with other
// than one argument, unbalanced parentheses.
std::optional<std::vector<ConcatPart>> split_concat(std::string_view input);

// An error from parsing part.text, moved to the same place in `input`, its message naming the part.
[[noreturn]] void rethrow_in_input(const error& e, const ConcatPart& part, std::string_view input);

// concat and the names that expand to a concatenation (crelu).
bool is_concat_function(std::string_view name);
std::vector<std::string_view> concat_function_names();

}  // namespace symact::codegen
