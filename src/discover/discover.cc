// Discovery of profiler files (docs/formats.md §1).
//
// The walk never throws (std::filesystem error_code overloads only), never
// leaves the root through a symlink, reads every directory once (by
// canonical path, preferring its real path over links to it) and skips links
// that close a loop. The result does not depend on the order in which the
// file system lists a directory, and it is sorted so that the importers see
// files in smdebug's reader order.
#include "smr/discover.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/diagnostics.h"

namespace smr {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxSearchDepth = 3;

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// Parses an unsigned decimal of at most 19 digits (fits uint64).
bool ParseDigits(std::string_view s, uint64_t* out) {
  if (!IsAllDigits(s) || s.size() > 19) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Parses a whole string as a floating-point number ("1596585363775342.0").
bool ParseFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  *out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size();
}

bool HasProfilerData(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "system", ec) ||
         fs::is_directory(dir / "framework", ec);
}

// Collects `profiler-output` directories holding data below `dir`
// (depth 1 = a direct child). Symlinked directories are not searched.
void FindProfilerOutputs(const fs::path& dir, int depth,
                         std::vector<std::string>* found) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return;
  std::vector<fs::path> subdirs;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code sec;
    fs::file_status st = it->symlink_status(sec);
    if (sec || !fs::is_directory(st)) continue;
    subdirs.push_back(it->path());
  }
  std::sort(subdirs.begin(), subdirs.end());
  for (const fs::path& sub : subdirs) {
    if (sub.filename() == "profiler-output" && HasProfilerData(sub)) {
      found->push_back(sub.string());
      continue;  // a job's data never nests another job
    }
    if (depth < kMaxSearchDepth) FindProfilerOutputs(sub, depth + 1, found);
  }
}

// True if `p` (canonical) is `root` (canonical) or lies below it.
bool IsWithin(const fs::path& p, const fs::path& root) {
  auto rit = root.begin();
  auto pit = p.begin();
  for (; rit != root.end(); ++rit, ++pit) {
    if (pit == p.end() || *pit != *rit) return false;
  }
  return true;
}

// Names that look like profiler data (a directory with such a name is worth a
// line in the data-quality report).
bool LooksLikeDataFile(std::string_view name) {
  return EndsWith(name, ".json") || EndsWith(name, ".json.gz");
}

// Reason given for a link that closes a loop (docs/data-quality.md).
constexpr const char* kLoopReason = "symlink to an ancestor directory (loop), skipped";

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
  using FileFn = std::function<void(const fs::path& path,
                                    const std::string& rel, uint64_t size)>;
  // `link` is true when the entry is a symlink that was not followed.
  using IgnoreFn = std::function<void(const std::string& rel,
                                      const std::string& why, bool link)>;

  Walker(const fs::path& root, FileFn on_file, IgnoreFn on_ignore)
      : root_(root), on_file_(std::move(on_file)),
        on_ignore_(std::move(on_ignore)) {
    std::error_code ec;
    root_canon_ = fs::canonical(root, ec);
    if (ec) root_canon_ = fs::absolute(root, ec);
  }

  // Reads the directories `starts` (relative to the root; missing ones are
  // skipped) and everything reachable from them.
  void Run(const std::vector<std::string>& starts) {
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

 private:
  struct Link {
    bool to_file = false;  // links to directories are resolved first
    std::string rel;
    fs::path target;       // canonical
    bool operator<(const Link& o) const {
      return std::tie(to_file, rel) < std::tie(o.to_file, o.rel);
    }
  };

  // Reads directory `canon` (not read before) as `rel`: files now, real
  // subdirectories recursively, symlinks later (Run()).
  void WalkDir(const std::string& rel, const fs::path& canon) {
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
          on_ignore_(child, "directory already read as " + seen->second + ", skipped",
                     false);
          continue;
        }
        if (LooksLikeDataFile(name)) {
          on_ignore_(child, "a directory named like a data file; its contents are searched",
                     false);
        }
        WalkDir(child, child_canon);
      } else if (fs::is_regular_file(st)) {
        ReadFile(path, child);
      } else {
        on_ignore_(child, "not a regular file (device, FIFO or socket), not read", false);
      }
    }
  }

  void ReadFile(const fs::path& path, const std::string& rel) {
    std::error_code ec;
    uint64_t size = fs::file_size(path, ec);
    if (ec) size = 0;
    on_file_(path, rel, size);
  }

  // Resolves the symlink `rel` found in directory `parent` (canonical):
  // broken, leaving the input and looping links are listed now, the others
  // are queued.
  void AddLink(const std::string& rel, const fs::path& path, const fs::path& parent,
               bool start) {
    std::error_code ec;
    // canonical() fails on a dangling link and on a link loop (ELOOP).
    fs::path target = fs::canonical(path, ec);
    if (ec) {
      on_ignore_(rel, "broken symlink (" + ec.message() + ")", true);
      return;
    }
    if (!start && !IsWithin(target, root_canon_)) {
      on_ignore_(rel, "symlink points outside the input directory, not followed", true);
      return;
    }
    const fs::file_status st = fs::status(target, ec);
    if (ec) {
      on_ignore_(rel, "symlink target could not be inspected: " + ec.message(), true);
      return;
    }
    if (fs::is_directory(st)) {
      if (IsWithin(parent, target)) {
        on_ignore_(rel, kLoopReason, true);
        return;
      }
      pending_.insert(Link{false, rel, std::move(target)});
    } else if (start) {
      on_ignore_(rel, "symlink to a file where a data folder is expected, not read", true);
    } else if (fs::is_regular_file(st)) {
      pending_.insert(Link{true, rel, std::move(target)});
    } else {
      on_ignore_(rel, "symlink to something that is not a regular file (device, FIFO or "
                      "socket), not read", true);
    }
  }

  // "system/incremental" when `target` lies there below the root.
  std::string RealRel(const fs::path& target) const {
    return target.lexically_relative(root_canon_).generic_string();
  }

  // "symlink to a directory already read via its real path (system/x), skipped"
  std::string AlreadyRead(const char* what, const fs::path& target,
                          const std::string& read_as) const {
    if (read_as == RealRel(target)) {
      return fmt::format("symlink to a {} already read via its real path ({}), skipped",
                         what, read_as);
    }
    return fmt::format("symlink to a {} already read as {}, skipped", what, read_as);
  }

  void Follow(const Link& link) {
    const std::string name = fs::path(link.rel).filename().string();
    if (!link.to_file) {
      auto seen = dirs_.find(link.target.string());
      if (seen != dirs_.end()) {
        on_ignore_(link.rel, AlreadyRead("directory", link.target, seen->second), true);
        return;
      }
      if (LooksLikeDataFile(name)) {
        on_ignore_(link.rel, "a directory named like a data file; its contents are searched",
                   false);
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

  fs::path root_;
  fs::path root_canon_;
  FileFn on_file_;
  IgnoreFn on_ignore_;
  std::unordered_map<std::string, std::string> dirs_;  // canonical -> read as
  std::unordered_map<std::string, std::string> linked_files_;  // the same, for
                                                               // files read through a link
  std::set<Link> pending_;
};

// system/**/<10 digits>.algo-<N>.json (docs/formats.md §1.1): smdebug's regex
// requires exactly 10 digits and an algo-<digits> node.
bool ParseSystemName(std::string_view name, InputFile* f) {
  constexpr std::string_view kJson = ".json";
  if (name.size() < 10 || !EndsWith(name, kJson)) return false;
  std::string_view ts = name.substr(0, 10);
  std::string_view rest = name.substr(10, name.size() - 10 - kJson.size());
  if (!IsAllDigits(ts) || !StartsWith(rest, ".algo-")) return false;
  if (!IsAllDigits(rest.substr(6))) return false;
  uint64_t secs = 0;
  if (!ParseDigits(ts, &secs)) return false;
  f->kind = FileKind::kSystem;
  f->node = std::string(rest.substr(1));
  f->name_ts_us = static_cast<int64_t>(secs) * 1000000;
  return true;
}

struct TraceSuffix {
  std::string_view suffix;
  FileKind kind;
};
constexpr TraceSuffix kTraceSuffixes[] = {
    {"_pythontimeline.json", FileKind::kPythonTimeline},
    {"_model_timeline.json", FileKind::kModelTimeline},
    {"_horovod_timeline.json", FileKind::kHorovodTimeline},
    {"_smdataparallel_timeline.json", FileKind::kSmDataParallel},
};

// framework/pevents/**/<ts>_<node>_..._<suffix> (docs/formats.md §1.2). Returns
// false with `why` set when the suffix matches but the fields do not.
bool ParseTraceName(std::string_view name, InputFile* f, bool* suffix_match,
                    std::string* why) {
  *suffix_match = false;
  for (const TraceSuffix& s : kTraceSuffixes) {
    if (!EndsWith(name, s.suffix)) continue;
    *suffix_match = true;
    std::vector<std::string_view> fields = Split(name, '_');
    // "<ts>_<node>_pythontimeline.json" splits into >= 3 fields (model,
    // horovod and smdataparallel suffixes contain '_' themselves).
    if (fields.size() < 3 || fields[1].empty()) {
      *why = "trace file name is not <ts>_<node>_<suffix>";
      return false;
    }
    uint64_t ts = 0;
    if (!ParseDigits(fields[0], &ts)) {
      *why = "trace file name does not start with a numeric timestamp";
      return false;
    }
    // 19-digit names are nanoseconds (old writers); everything else is µs.
    if (fields[0].size() >= 19) ts /= 1000;
    f->kind = s.kind;
    f->node = std::string(fields[1]);
    f->name_ts_us = static_cast<int64_t>(ts);
    return true;
  }
  return false;
}

// "<node>_<start_us>_<end_us>.metadata" (docs/formats.md §1.3).
bool ParseMetadataName(std::string_view name, int64_t* start_us,
                       int64_t* end_us) {
  constexpr std::string_view kExt = ".metadata";
  if (!EndsWith(name, kExt)) return false;
  std::string_view stem = name.substr(0, name.size() - kExt.size());
  size_t p2 = stem.rfind('_');
  if (p2 == std::string_view::npos || p2 == 0) return false;
  size_t p1 = stem.rfind('_', p2 - 1);
  if (p1 == std::string_view::npos) return false;
  uint64_t s = 0, e = 0;
  if (!ParseDigits(stem.substr(p1 + 1, p2 - p1 - 1), &s) ||
      !ParseDigits(stem.substr(p2 + 1), &e)) {
    return false;
  }
  *start_us = static_cast<int64_t>(s);
  *end_us = static_cast<int64_t>(e);
  return true;
}

// Time range of a python_stats directory name, both layouts of §1.5:
// "<startUs>_<endUs>_<node>_<step>" (old) and
// "<mode>-<step>-<phase>-<startUs>_<mode>-<step>-<phase>-<endUs>".
bool ParseStatsDirRange(std::string_view dir, double* start_us,
                        double* end_us) {
  std::vector<std::string_view> fields = Split(dir, '_');
  if (fields.size() < 2) return false;
  if (ParseFloat(fields[0], start_us)) return ParseFloat(fields[1], end_us);
  if (fields.size() != 2) return false;
  size_t a = fields[0].rfind('-');
  size_t b = fields[1].rfind('-');
  if (a == std::string_view::npos || b == std::string_view::npos) return false;
  return ParseFloat(fields[0].substr(a + 1), start_us) &&
         ParseFloat(fields[1].substr(b + 1), end_us);
}

// Files that live under system/ or framework/ but are not data to import.
bool IsExpectedNonData(std::string_view name) {
  return name == "training_job_end.ts" || EndsWith(name, ".metadata") ||
         EndsWith(name, ".pb") || EndsWith(name, ".profile-empty");
}

struct MetadataInfo {
  bool found = false;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

// smdebug takes the first *.metadata found recursively 4 path components
// above the trace file (the <YYYYMMDDHH>/<step9>/ directory). We take the
// lexicographically first one so the choice is deterministic.
MetadataInfo FindMetadata(const fs::path& root, const std::string& trace_rel) {
  fs::path search = fs::path(trace_rel).parent_path();
  for (int i = 0; i < 3 && !search.empty(); ++i) search = search.parent_path();
  std::vector<std::string> candidates;
  Walker walker(
      root,
      [&](const fs::path&, const std::string& rel, uint64_t) {
        if (EndsWith(rel, ".metadata")) candidates.push_back(rel);
      },
      [](const std::string&, const std::string&, bool) {});
  walker.Run({search.empty() ? std::string(".") : search.generic_string()});
  std::sort(candidates.begin(), candidates.end());
  MetadataInfo info;
  for (const std::string& rel : candidates) {
    std::string name = fs::path(rel).filename().string();
    if (ParseMetadataName(name, &info.start_us, &info.end_us)) {
      info.found = true;
      break;
    }
  }
  return info;
}

std::string CleanRel(const std::string& rel) {
  // Walk() builds "system/x/y"; strip a leading "./" if any.
  return StartsWith(rel, "./") ? rel.substr(2) : rel;
}

}  // namespace

const char* FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kSystem: return "system";
    case FileKind::kPythonTimeline: return "pythontimeline";
    case FileKind::kModelTimeline: return "model_timeline";
    case FileKind::kHorovodTimeline: return "horovod_timeline";
    case FileKind::kSmDataParallel: return "smdataparallel_timeline";
    case FileKind::kTfTrace: return "tf_trace";
  }
  return "unknown";
}

bool IsFrameworkKind(FileKind kind) { return kind != FileKind::kSystem; }

size_t Discovery::CountKind(FileKind kind) const {
  return static_cast<size_t>(
      std::count_if(files.begin(), files.end(),
                    [kind](const InputFile& f) { return f.kind == kind; }));
}

uint64_t Discovery::TotalBytes() const {
  uint64_t total = 0;
  for (const InputFile& f : files) total += f.size_bytes;
  return total;
}

StatusOr<Discovery> DiscoverInputs(const std::string& dir) {
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    return Status::Error(fmt::format("input directory does not exist: {}", dir));
  }
  if (!fs::is_directory(st)) {
    return Status::Error(fmt::format("input is not a directory: {}", dir));
  }

  Discovery d;
  if (HasProfilerData(dir)) {
    d.root = dir;
  } else {
    std::vector<std::string> found;
    FindProfilerOutputs(dir, 1, &found);
    if (found.empty()) {
      return Status::Error(fmt::format(
          "no profiler data found in {}: looked for system/ or framework/ in "
          "it, and for a profiler-output/ directory containing them up to {} "
          "levels below it",
          dir, kMaxSearchDepth));
    }
    if (found.size() > 1) {
      return Status::Error(fmt::format(
          "more than one profiler-output directory found in {} (pass one of "
          "them): {}",
          dir, fmt::join(found, ", ")));
    }
    d.root = found[0];
  }

  const fs::path root(d.root);
  std::map<std::string, MetadataInfo> metadata_cache;
  double stats_first = 0, stats_last = 0;
  bool stats_have_range = false;

  // rel paths are for messages, HTML and JSON only (files are opened by
  // `path`), so bytes of non-UTF-8 names are replaced there.
  auto on_ignore = [&d](const std::string& rel, const std::string& why,
                        bool link = false) {
    d.ignored.emplace_back(SanitizeUtf8(CleanRel(rel)), SanitizeUtf8(why));
    if (link) ++d.links_skipped;
  };
  auto on_file = [&](const fs::path& path, const std::string& raw_rel,
                     uint64_t size) {
    std::string rel = CleanRel(raw_rel);
    std::string name = path.filename().string();
    InputFile f;
    f.path = path.string();
    f.rel_path = SanitizeUtf8(rel);
    f.size_bytes = size;
    if (StartsWith(rel, "system/")) {
      if (ParseSystemName(name, &f)) {
        d.files.push_back(std::move(f));
      } else if (!IsExpectedNonData(name)) {
        on_ignore(rel, "system file name is not <10 digits>.algo-<N>.json");
      }
      return;
    }
    // framework/
    if (StartsWith(name, "python_stats")) {
      ++d.python_stats.count;
      double s = 0, e = 0;
      if (ParseStatsDirRange(path.parent_path().filename().string(), &s, &e)) {
        stats_first = stats_have_range ? std::min(stats_first, s) : s;
        stats_last = stats_have_range ? std::max(stats_last, e) : e;
        stats_have_range = true;
      }
      return;
    }
    if (IsExpectedNonData(name)) return;
    if (rel.find("tensorflow/detailed_profiling/") != std::string::npos &&
        EndsWith(name, "trace.json.gz")) {
      f.kind = FileKind::kTfTrace;
      f.node = name.substr(0, name.find('.'));
      std::string key =
          fs::path(rel).parent_path().generic_string();  // per directory
      auto it = metadata_cache.find(key);
      if (it == metadata_cache.end()) {
        it = metadata_cache.emplace(key, FindMetadata(root, rel)).first;
      }
      f.has_metadata = it->second.found;
      f.base_time_us = it->second.found ? it->second.start_us : 0;
      f.name_ts_us = it->second.found ? it->second.end_us : 0;
      d.files.push_back(std::move(f));
      return;
    }
    bool suffix_match = false;
    std::string why;
    if (rel.find("/pevents/") != std::string::npos &&
        ParseTraceName(name, &f, &suffix_match, &why)) {
      d.files.push_back(std::move(f));
      return;
    }
    if (suffix_match) {
      on_ignore(rel, why);
    } else if (EndsWith(name, ".tmp")) {
      on_ignore(rel, "unfinished trace file (.tmp) of a writer that did not "
                     "close it; not read");
    } else {
      on_ignore(rel, "name matches no known profiler file pattern");
    }
  };

  Walker walker(root, on_file, on_ignore);
  walker.Run({"system", "framework"});

  if (stats_have_range) {
    d.python_stats.first_start_us = static_cast<int64_t>(stats_first);
    d.python_stats.last_end_us = static_cast<int64_t>(stats_last);
  }
  std::sort(d.files.begin(), d.files.end(),
            [](const InputFile& a, const InputFile& b) {
              bool as = a.kind == FileKind::kSystem;
              bool bs = b.kind == FileKind::kSystem;
              if (as != bs) return as;
              if (a.name_ts_us != b.name_ts_us) {
                return a.name_ts_us < b.name_ts_us;
              }
              return a.path < b.path;
            });
  std::sort(d.ignored.begin(), d.ignored.end());
  return d;
}

}  // namespace smr
