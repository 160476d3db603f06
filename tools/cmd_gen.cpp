// symact gen: a standalone header with an activation's kernels, to embed without symact.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "args.hpp"
#include "commands.hpp"
#include "symact/codegen/emit/header.hpp"
#include "symact/codegen/function.hpp"
#include "symact/error.hpp"
#if SYMACT_GEN_CATALOG
#include <symact/dsl/names.hpp>
#endif

#ifndef SYMACT_VERSION
#define SYMACT_VERSION "unknown"
#endif

namespace symact::cli {

namespace {
constexpr const char* help = R"(usage: symact gen [--] EXPR|NAME --name=ID [--namespace=NS] [--dtype=f32,f64] [--lang=cpp|c] [-o FILE]

Writes one self-contained header with the kernels of EXPR (or of the catalog activation
NAME): forward, backward (with parameter gradients, per tensor and per channel) and fused
forward+backward loops over arrays, and scalar inline f, f' and df/dparam. C++17 output needs
only the standard library, C output is C99. The numbers are those of symact's JIT. If EXPR
draws random numbers (uniform(k), normal(k)), every kernel takes a seed and the offset of x[0]
last, the scalar functions a seed and the element's index (docs/EMBED.md).

  --name=ID        the kernel's name (a C/C++ identifier, not a keyword)
  --namespace=NS   C++: enclosing namespace (a or a::b); C: a prefix of every name
  --dtype=LIST     element types, f32 and/or f64 (default: f32,f64)
  --lang=cpp|c     output language (default: cpp)
  -o FILE          write FILE (atomically: nothing is left behind on error); default stdout

example: symact gen --name=mish --namespace=acts -o mish.hpp -- 'x*tanh(softplus(x))'
)";
constexpr OptionSpec spec[] = {{"name", true},  {"namespace", true}, {"dtype", true},
                               {"lang", true},  {"output", true},    {"help", false}};

// Writes `text` to `path` through a temporary file in the same folder and a rename, so a
// reader never sees a partial file and a failure leaves nothing behind.
void write_atomically(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    fs::path p(path);
    if (p.filename().empty()) throw error(fmt::format("gen: -o {}: not a file name", path));
    std::error_code ec;
    if (fs::is_directory(p, ec)) throw error(fmt::format("gen: -o {}: is a folder", path));
    std::string tmpl = (p.parent_path() / ("." + p.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0) throw error(fmt::format("gen: cannot write {}: {}", path, std::strerror(errno)));
    std::FILE* f = ::fdopen(fd, "w");
    bool ok = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    int err = errno;
    if (f) ok = std::fclose(f) == 0 && ok; else ::close(fd);
    if (!ok) {
        std::remove(name.data());
        throw error(fmt::format("gen: cannot write {}: {}", path, std::strerror(err)));
    }
    const mode_t mask = ::umask(0);  // mkstemp makes 0600; give the file the usual mode
    ::umask(mask);
    ::chmod(name.data(), 0666 & ~mask);
    if (std::rename(name.data(), path.c_str()) != 0) {
        err = errno;
        std::remove(name.data());
        throw error(fmt::format("gen: cannot write {}: {}", path, std::strerror(err)));
    }
}

}  // namespace

int cmd_gen(std::span<char*> argv) {
    // -o FILE / -oFILE become --output=FILE (Args reads only --long options).
    std::vector<std::string> own;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string_view a = argv[i];
        if (a == "--") {
            for (; i < argv.size(); ++i) own.emplace_back(argv[i]);
            break;
        }
        if (a == "-o") {
            if (i + 1 >= argv.size()) throw error("gen: -o needs a file name");
            own.push_back(fmt::format("--output={}", argv[++i]));
        } else if (a.starts_with("-o") && !a.starts_with("--")) {
            own.push_back(fmt::format("--output={}", a.substr(2)));
        } else {
            own.emplace_back(a);
        }
    }
    std::vector<char*> ptrs;
    for (auto& s : own) ptrs.push_back(s.data());
    Args a(ptrs, spec, "gen");
    if (a.flag("help")) {
        std::fputs(help, stdout);
        return 0;
    }
    if (a.positional().size() != 1)
        throw error(a.positional().empty() ? "gen: no expression given (see symact gen --help)"
                                           : "gen: give one expression (quote it if it has spaces)");
    codegen::emit::HeaderOptions o;
    auto name = a.get("name");
    if (!name) throw error("gen: --name=ID is required (the kernel's name in the header)");
    o.name = *name;
    o.ns = a.get("namespace").value_or("");
    codegen::emit::parse_dtypes(a.get("dtype").value_or("f32,f64"), o);
    o.lang = codegen::emit::parse_lang(a.get("lang").value_or("cpp"));
    o.version = SYMACT_VERSION;
    codegen::emit::check_identifier(o.name, "--name");

    std::string text = a.positional()[0];
#if SYMACT_GEN_CATALOG
    // a bare catalog name is the entry (softplus: softplus(beta*x)/beta), as in eval and diff
    codegen::ParseOptions popts = dsl::catalog_parse_options();
#else
    codegen::ParseOptions popts;
#endif
    codegen::Function fn(text, popts);
    fn.require_elementwise("symact gen");
    std::string header = codegen::emit::generate_header(fn, o);  // every check before any write
    if (auto out = a.get("output"); out && *out != "-") write_atomically(*out, header);
    else std::fwrite(header.data(), 1, header.size(), stdout);
    return 0;
}

}  // namespace symact::cli
