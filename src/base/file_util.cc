// Whole-file reads and path containment (include/smr/file_util.h).
#include "smr/file_util.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace smr {
namespace fs = std::filesystem;

StatusOr<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error("cannot read " + path.string());
  return ss.str();
}

bool IsLexicallyWithin(const fs::path& inner, const fs::path& outer) {
  auto ii = inner.begin();
  for (auto oi = outer.begin(); oi != outer.end(); ++oi, ++ii) {
    if (ii == inner.end() || *ii != *oi) return false;
  }
  return true;
}

bool IsWithin(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  const fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  return IsLexicallyWithin(a, b);
}

}  // namespace smr
