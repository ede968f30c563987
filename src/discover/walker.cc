// The walk over an input's data folders: real directories first, then the
// symlinks met on the way, in the order of their paths (see walker.h).
#include "src/discover/walker.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/file_util.h"
#include "src/discover/file_names.h"

namespace smr::discover_internal {
namespace {

// Names that look like profiler data (a directory with such a name is worth a
// line in the data-quality report).
bool LooksLikeDataFile(std::string_view name) {
  return EndsWith(name, ".json") || EndsWith(name, ".json.gz");
}

// Reason given for a link that closes a loop (docs/data-quality.md).
constexpr const char* kLoopReason = "symlink to an ancestor directory (loop), skipped";

}  // namespace

Walker::Walker(const fs::path& root, FileFn on_file, IgnoreFn on_ignore)
    : root_(root), on_file_(std::move(on_file)), on_ignore_(std::move(on_ignore)) {
  std::error_code ec;
  root_canon_ = fs::canonical(root, ec);
  if (ec) root_canon_ = fs::absolute(root, ec);
}

// Reads the directories `starts` (relative to the root; missing ones are
// skipped) and everything reachable from them.
void Walker::Run(const std::vector<std::string>& starts) {
  for (const std::string& rel : starts) {
    const fs::path path = root_ / rel;
    std::error_code ec;
    const fs::file_status lst = fs::symlink_status(path, ec);
    if (ec || !fs::exists(lst)) continue;
    if (fs::is_symlink(lst)) {
      fs::path parent = fs::canonical(path.parent_path(), ec);
      if (ec) parent = root_canon_;
      AddLink(rel, path, parent, /*start=*/true);
    } else if (fs::is_directory(lst)) {
      fs::path canon = fs::canonical(path, ec);
      if (ec) {
        on_ignore_(rel, "directory could not be resolved: " + ec.message(), false);
        continue;
      }
      if (!dirs_.count(canon.string())) WalkDir(rel, canon);
    }
  }
  while (!pending_.empty()) {
    Link link = *pending_.begin();
    pending_.erase(pending_.begin());
    Follow(link);
  }
}

// Reads directory `canon` (not read before) as `rel`: files now, real
// subdirectories recursively, symlinks later (Run()).
void Walker::WalkDir(const std::string& rel, const fs::path& canon) {
  dirs_.emplace(canon.string(), rel);
  std::error_code ec;
  fs::directory_iterator it(canon, ec);
  if (ec) {
    on_ignore_(rel, "directory could not be listed: " + ec.message(), false);
    return;
  }
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      on_ignore_(rel, "directory listing failed part-way: " + ec.message(), false);
      break;
    }
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string child = rel + "/" + name;
    const fs::path path = root_ / child;
    std::error_code sec;
    const fs::file_status st = fs::symlink_status(path, sec);
    if (sec) {
      on_ignore_(child, "could not be inspected: " + sec.message(), false);
    } else if (fs::is_symlink(st)) {
      AddLink(child, path, canon, /*start=*/false);
    } else if (fs::is_directory(st)) {
      // Below a followed link a real subdirectory may have been read
      // already, through another link.
      const fs::path child_canon = canon / name;
      auto seen = dirs_.find(child_canon.string());
      if (seen != dirs_.end()) {
        on_ignore_(child, "directory already read as " + seen->second + ", skipped", false);
        continue;
      }
      if (LooksLikeDataFile(name)) {
        on_ignore_(child, "a directory named like a data file; its contents are searched", false);
      }
      WalkDir(child, child_canon);
    } else if (fs::is_regular_file(st)) {
      ReadFile(path, child);
    } else {
      on_ignore_(child, "not a regular file (device, FIFO or socket), not read", false);
    }
  }
}

void Walker::ReadFile(const fs::path& path, const std::string& rel) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) size = 0;
  on_file_(path, rel, size);
}

// Resolves the symlink `rel` found in directory `parent` (canonical):
// broken, leaving the input and looping links are listed now, the others
// are queued.
void Walker::AddLink(const std::string& rel, const fs::path& path, const fs::path& parent,
                     bool start) {
  std::error_code ec;
  // canonical() fails on a dangling link and on a link loop (ELOOP).
  fs::path target = fs::canonical(path, ec);
  if (ec) {
    on_ignore_(rel, "broken symlink (" + ec.message() + ")", true);
    return;
  }
  if (!start && !IsLexicallyWithin(target, root_canon_)) {
    on_ignore_(rel, "symlink points outside the input directory, not followed", true);
    return;
  }
  const fs::file_status st = fs::status(target, ec);
  if (ec) {
    on_ignore_(rel, "symlink target could not be inspected: " + ec.message(), true);
    return;
  }
  if (fs::is_directory(st)) {
    if (IsLexicallyWithin(parent, target)) {
      on_ignore_(rel, kLoopReason, true);
      return;
    }
    pending_.insert(Link{false, rel, std::move(target)});
  } else if (start) {
    on_ignore_(rel, "symlink to a file where a data folder is expected, not read", true);
  } else if (fs::is_regular_file(st)) {
    pending_.insert(Link{true, rel, std::move(target)});
  } else {
    on_ignore_(rel,
               "symlink to something that is not a regular file (device, FIFO or "
               "socket), not read",
               true);
  }
}

// "system/incremental" when `target` lies there below the root.
std::string Walker::RealRel(const fs::path& target) const {
  return target.lexically_relative(root_canon_).generic_string();
}

// "symlink to a directory already read via its real path (system/x), skipped"
std::string Walker::AlreadyRead(const char* what, const fs::path& target,
                                const std::string& read_as) const {
  if (read_as == RealRel(target)) {
    return fmt::format("symlink to a {} already read via its real path ({}), skipped", what,
                       read_as);
  }
  return fmt::format("symlink to a {} already read as {}, skipped", what, read_as);
}

void Walker::Follow(const Link& link) {
  const std::string name = fs::path(link.rel).filename().string();
  if (!link.to_file) {
    auto seen = dirs_.find(link.target.string());
    if (seen != dirs_.end()) {
      on_ignore_(link.rel, AlreadyRead("directory", link.target, seen->second), true);
      return;
    }
    if (LooksLikeDataFile(name)) {
      on_ignore_(link.rel, "a directory named like a data file; its contents are searched", false);
    }
    WalkDir(link.rel, link.target);
    return;
  }
  // Every regular file of a directory that was read has been read, so a
  // file is read already when its directory is.
  auto dir = dirs_.find(link.target.parent_path().string());
  if (dir != dirs_.end()) {
    const std::string read_as = dir->second + "/" + link.target.filename().string();
    on_ignore_(link.rel, AlreadyRead("file", link.target, read_as), true);
    return;
  }
  auto [seen, inserted] = linked_files_.emplace(link.target.string(), link.rel);
  if (!inserted) {
    on_ignore_(link.rel, AlreadyRead("file", link.target, seen->second), true);
    return;
  }
  ReadFile(root_ / link.rel, link.rel);
}

}  // namespace smr::discover_internal
