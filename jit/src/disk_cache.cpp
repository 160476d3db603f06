#include "disk_cache.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <llvm/Support/xxhash.h>
#include <unistd.h>

namespace symact::jit::detail {

namespace {
constexpr char magic[8] = {'S', 'Y', 'M', 'J', 'I', 'T', '0', '2'};
constexpr std::size_t header_size = sizeof(magic) + 3 * sizeof(std::uint64_t);

std::uint64_t checksum(std::string_view key, std::string_view object) {
    return llvm::xxh3_64bits(llvm::StringRef(key.data(), key.size())) * 0x9E3779B97F4A7C15ull ^
           llvm::xxh3_64bits(llvm::StringRef(object.data(), object.size()));
}

// The objects as one blob: u64 count, then u64 size and the bytes of each.
std::string pack(const std::vector<std::string_view>& objects) {
    std::string out;
    auto put = [&](std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof(v)); };
    put(objects.size());
    for (auto o : objects) {
        put(o.size());
        out.append(o);
    }
    return out;
}

bool unpack(std::string_view blob, std::vector<std::string>& objects) {
    auto get = [&](std::uint64_t& v) {
        if (blob.size() < sizeof(v)) return false;
        std::memcpy(&v, blob.data(), sizeof(v));
        blob.remove_prefix(sizeof(v));
        return true;
    };
    std::uint64_t count = 0;
    if (!get(count) || count == 0 || count > 16) return false;
    objects.clear();
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t n = 0;
        if (!get(n) || n > blob.size()) return false;
        objects.emplace_back(blob.substr(0, n));
        blob.remove_prefix(n);
    }
    return blob.empty();
}
}  // namespace

std::filesystem::path entry_path(const std::filesystem::path& dir, std::string_view key) {
    return dir / fmt::format("{:016x}.symjit", llvm::xxh3_64bits(llvm::StringRef(key.data(), key.size())));
}

DiskRead read_entry(const std::filesystem::path& file, std::string_view key, std::vector<std::string>& objects) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) return DiskRead::missing;
    auto size = static_cast<std::size_t>(in.tellg());
    if (size < header_size) return DiskRead::rejected;
    std::string data(size, '\0');
    in.seekg(0);
    if (!in.read(data.data(), static_cast<std::streamsize>(size))) return DiskRead::rejected;
    if (std::memcmp(data.data(), magic, sizeof(magic)) != 0) return DiskRead::rejected;
    std::uint64_t h[3];
    std::memcpy(h, data.data() + sizeof(magic), sizeof(h));
    if (h[0] != key.size() || h[1] > size || header_size + h[0] + h[1] != size) return DiskRead::rejected;
    std::string_view k(data.data() + header_size, h[0]), obj(data.data() + header_size + h[0], h[1]);
    if (k != key || checksum(k, obj) != h[2]) return DiskRead::rejected;
    return unpack(obj, objects) ? DiskRead::hit : DiskRead::rejected;
}

bool write_entry(const std::filesystem::path& file, std::string_view key,
                 const std::vector<std::string_view>& objects) {
    static std::atomic<unsigned> counter{0};
    const std::string object = pack(objects);
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    auto tmp = file;
    tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        std::uint64_t h[3] = {key.size(), object.size(), checksum(key, object)};
        out.write(magic, sizeof(magic));
        out.write(reinterpret_cast<const char*>(h), sizeof(h));
        out.write(key.data(), static_cast<std::streamsize>(key.size()));
        out.write(object.data(), static_cast<std::streamsize>(object.size()));
        if (!out.flush()) {
            out.close();
            std::filesystem::remove(tmp, ec);
            return false;
        }
    }
    std::filesystem::rename(tmp, file, ec);  // atomic on POSIX: readers see old or new
    if (!ec) return true;
    std::filesystem::remove(tmp, ec);
    return false;
}

}  // namespace symact::jit::detail
