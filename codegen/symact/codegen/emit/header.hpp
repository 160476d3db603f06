// Standalone kernels to embed: one self-contained C++17 or C99 header per activation, with
// forward, backward (x and parameter gradients, per tensor and per channel) and fused
// forward+backward loops over arrays, and scalar inline f, f' and df/dparam. The numbers
// are codegen::lower()'s, i.e. the JIT's and the compile-time kernels'. docs/EMBED.md
// describes the generated API.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "symact/codegen/emit/source_value.hpp"
#include "symact/codegen/function.hpp"

namespace symact::codegen::emit {

struct HeaderOptions {
    std::string name;              // a C/C++ identifier, not a keyword
    std::string ns;                // C++: "a" or "a::b"; C: an identifier prefix; may be empty
    bool f32 = true, f64 = false;  // element types to generate
    Lang lang = Lang::cpp;
    std::string version = "unknown";  // the symact version named in the header's comment
};

// Elements per block of the array loops (the JIT's vector width with AVX-512). A fixed
// block is what lets g++ -O2 (cost model "very cheap") vectorise: the trip count of the
// inner loop is a known multiple of the vector width, so no scalar epilogue is needed.
inline constexpr unsigned block_f32 = 16, block_f64 = 8;

// Throws symact::error unless `id` may name the kernel: an identifier that is not a C or
// C++ keyword and not reserved (leading "__" or "_" + capital). `what` names the option.
void check_identifier(std::string_view id, std::string_view what);
// "f32,f64" (also float32/float, float64/double); throws symact::error on anything else.
void parse_dtypes(std::string_view list, HeaderOptions& o);
// "cpp" / "c++" / "c"; throws symact::error on anything else.
Lang parse_lang(std::string_view s);

// The header's text. Throws symact::error for invalid options.
std::string generate_header(Function& fn, const HeaderOptions& o);

}  // namespace symact::codegen::emit
