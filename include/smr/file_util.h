// Small file-system helpers shared by the areas: reading a whole file and
// asking whether one path lies inside another. No area-specific wording:
// callers put their own context around the error messages.
#ifndef SMR_FILE_UTIL_H_
#define SMR_FILE_UTIL_H_

#include <filesystem>
#include <string>

#include "smr/status.h"

namespace smr {

// The bytes of the file at `path`. Error: "cannot read <path>" when the
// file cannot be opened or a read fails.
StatusOr<std::string> ReadWholeFile(const std::filesystem::path& path);

// True if `inner` is `outer` or lies below it, comparing the paths' elements
// as given (no file-system access; pass paths in the same normal form).
bool IsLexicallyWithin(const std::filesystem::path& inner, const std::filesystem::path& outer);

// True if `inner` is `outer` or lies below it, after making both absolute and
// resolving the parts that exist (std::filesystem::weakly_canonical), so that
// "out/../in/x" or a symlink into `outer` counts as within.
bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer);

}  // namespace smr

#endif  // SMR_FILE_UTIL_H_
