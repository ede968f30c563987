// Atomic file writes: WriteFileAtomic (include/smr/pipeline.h) and WriteAll
// (atomic_output.h).
#include "src/pipeline/atomic_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "smr/pipeline.h"

namespace smr {
namespace fs = std::filesystem;

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return Status::Error(fmt::format("cannot create directory {}: {}",
                                       target.parent_path().string(), ec.message()));
    }
  }
  // The temporary name is created exclusively (O_EXCL), so a file that
  // happens to have that name is never overwritten; fsync before rename so
  // the renamed file is complete even after a crash (docs/security.md).
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = fmt::format("{}.tmp-{}-{}", path, static_cast<long>(getpid()), attempt);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100)) {
      return Status::Error(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
    }
  }
  size_t done = 0;
  bool ok = true;
  while (ok && done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    fs::remove(tmp, ec);
    return Status::Error(fmt::format("cannot write {} (disk full?)", path));
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::Error(fmt::format("cannot move output into place at {}", path));
  }
  return Status::Ok();
}

Status WriteAll(const OutputFiles& files, std::vector<std::string>* written) {
  for (const auto& [path, data] : files) {
    Status st = WriteFileAtomic(path, data);
    if (!st.ok()) return st;
    written->push_back(path);
  }
  return Status::Ok();
}

}  // namespace smr
