// The on-disk kernel cache: one file per key, holding the kernel's compiled object files
// (packed: u64 count, then u64 size and bytes of each).
//   magic "SYMJIT02" | u64 key size | u64 object size | u64 checksum | key | object
// The key is stored whole and compared (a hash collision or a foreign file is not taken
// for a hit); the checksum (xxh3 of key and object) catches corruption; the sizes catch
// truncation. Files are written to a temporary name and renamed, so readers never see a
// partial entry. Errors are never fatal: a bad entry is a miss, a failed write is skipped.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace symact::jit::detail {

enum class DiskRead { hit, missing, rejected };

// The entry file for `key` in `dir`.
std::filesystem::path entry_path(const std::filesystem::path& dir, std::string_view key);
DiskRead read_entry(const std::filesystem::path& file, std::string_view key, std::vector<std::string>& objects);
bool write_entry(const std::filesystem::path& file, std::string_view key, const std::vector<std::string_view>& objects);

}  // namespace symact::jit::detail
