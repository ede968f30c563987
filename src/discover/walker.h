// Private: the walk over an input's data folders (docs/formats.md §1): which
// files are read under which path, and which entries are skipped and why.
#ifndef SMR_SRC_DISCOVER_WALKER_H_
#define SMR_SRC_DISCOVER_WALKER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace smr::discover_internal {

namespace fs = std::filesystem;

// Walks the input's data folders. Every file is handed to `on_file_` once,
// under the path it is classified by; every entry that is not read is handed
// to `on_ignore_` with the reason (docs/data-quality.md "Files and folders").
//
// Each directory is read once, by canonical path. The folders below the
// start points that are reached without passing a symlink (their real paths)
// are read first, completely. Symlinks met on the way are only collected;
// they are resolved afterwards in the order of their paths, links to
// directories before links to files, so the result depends on the names in
// the tree and never on the order in which the file system lists them:
//  - a link to an ancestor of itself (the root included) closes a loop and is
//    skipped;
//  - a link to a directory or file that was already read (by its real path
//    or through an earlier link) is skipped, naming that path;
//  - a link to a directory or file inside the input that nothing else reaches
//    is followed, and what it reaches takes the link's path;
//  - a link leaving the input is not followed (except a start point itself,
//    which names the data folder); a broken link is listed.
class Walker {
 public:
  using FileFn = std::function<void(const fs::path& path, const std::string& rel, uint64_t size)>;
  // `link` is true when the entry is a symlink that was not followed.
  using IgnoreFn = std::function<void(const std::string& rel, const std::string& why, bool link)>;

  Walker(const fs::path& root, FileFn on_file, IgnoreFn on_ignore);

  // Reads the directories `starts` (relative to the root; missing ones are
  // skipped) and everything reachable from them.
  void Run(const std::vector<std::string>& starts);

 private:
  struct Link {
    bool to_file = false;  // links to directories are resolved first
    std::string rel;
    fs::path target;  // canonical
    bool operator<(const Link& o) const {
      return std::tie(to_file, rel) < std::tie(o.to_file, o.rel);
    }
  };

  // Reads directory `canon` (not read before) as `rel`: files now, real
  // subdirectories recursively, symlinks later (Run()).
  void WalkDir(const std::string& rel, const fs::path& canon);

  void ReadFile(const fs::path& path, const std::string& rel);

  // Resolves the symlink `rel` found in directory `parent` (canonical):
  // broken, leaving the input and looping links are listed now, the others
  // are queued.
  void AddLink(const std::string& rel, const fs::path& path, const fs::path& parent, bool start);

  // "system/incremental" when `target` lies there below the root.
  std::string RealRel(const fs::path& target) const;

  // "symlink to a directory already read via its real path (system/x), skipped"
  std::string AlreadyRead(const char* what, const fs::path& target,
                          const std::string& read_as) const;

  void Follow(const Link& link);

  fs::path root_;
  fs::path root_canon_;
  FileFn on_file_;
  IgnoreFn on_ignore_;
  std::unordered_map<std::string, std::string> dirs_;          // canonical -> read as
  std::unordered_map<std::string, std::string> linked_files_;  // the same, for
                                                               // files read through a link
  std::set<Link> pending_;
};

}  // namespace smr::discover_internal

#endif  // SMR_SRC_DISCOVER_WALKER_H_
