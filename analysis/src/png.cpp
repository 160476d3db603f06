#include "symact/analysis/png.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "symact/error.hpp"

extern char** environ;

namespace symact::analysis {

void write_png(const std::string& svg, const std::filesystem::path& png, double zoom) {
    // The SVG goes through a file next to the output (rsvg-convert reads files; a pipe
    // would need a second thread to avoid a full-pipe deadlock on big figures).
    std::filesystem::path tmp = png;
    tmp += fmt::format(".{}.svg", ::getpid());
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!(out << svg)) throw error(fmt::format("cannot write '{}'", tmp.string()));
    }
    std::string z = fmt::format("{}", zoom);
    std::vector<std::string> args = {"rsvg-convert", "--zoom", z, "--background-color", "white",
                                     "--format", "png", "--output", png.string(), tmp.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, "rsvg-convert", nullptr, nullptr, argv.data(), environ);
    if (rc != 0) {
        std::filesystem::remove(tmp);
        if (rc == ENOENT)
            throw error("writing PNG needs rsvg-convert, which is not installed (Debian: apt-get install "
                        "librsvg2-bin, or scripts/install-deps.sh); or write .svg");
        throw error(fmt::format("cannot run rsvg-convert: {}", std::strerror(rc)));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::filesystem::remove(tmp);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw error(fmt::format("rsvg-convert failed (exit status {}) writing '{}'",
                                WIFEXITED(status) ? WEXITSTATUS(status) : -1, png.string()));
}

}  // namespace symact::analysis
