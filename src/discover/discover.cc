// Discovery of profiler files (docs/formats.md §1).
//
// The walk (walker.h) never throws, never leaves the root through a symlink,
// reads every directory once and skips links that close a loop. Each file
// it finds is classified by the format table (include/smr/formats.h): the
// first row whose data folder, path part and name suffix match names the
// parser that checks the name's fields. The result does not depend on the
// order in which the file system lists a directory, and it is sorted so
// that the importers see files in smdebug's reader order.
#include "smr/discover.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smr/diagnostics.h"
#include "smr/formats.h"
#include "src/discover/file_names.h"
#include "src/discover/kineto_search.h"
#include "src/discover/profiler_root.h"
#include "src/discover/walker.h"

namespace smr {
namespace {

using namespace discover_internal;  // NOLINT: this file's own helpers

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
  // The walk builds "system/x/y"; strip a leading "./" if any.
  return StartsWith(rel, "./") ? rel.substr(2) : rel;
}

// Sorts every file the walk hands over into Discovery: a data file of a
// format, a python_stats file (counted), or an ignored entry with its reason.
class Classifier {
 public:
  Classifier(const fs::path& root, Discovery* d) : root_(root), d_(d) {}

  // rel paths are for messages, HTML and JSON only (files are opened by
  // `path`), so bytes of non-UTF-8 names are replaced there.
  void Ignore(const std::string& rel, const std::string& why, bool link = false) {
    d_->ignored.emplace_back(SanitizeUtf8(CleanRel(rel)), SanitizeUtf8(why));
    if (link) ++d_->links_skipped;
  }

  void File(const fs::path& path, const std::string& raw_rel, uint64_t size) {
    const std::string rel = CleanRel(raw_rel);
    const std::string name = path.filename().string();
    const bool system = StartsWith(rel, "system/");
    if (!system && StartsWith(name, "python_stats")) return AddPythonStats(path);
    if (IsExpectedNonData(name)) return;
    InputFile f;
    f.path = path.string();
    f.rel_path = SanitizeUtf8(rel);
    f.size_bytes = size;
    const FormatInfo::Top top = system ? FormatInfo::Top::kSystem : FormatInfo::Top::kFramework;
    for (const FormatInfo& format : kFormats) {
      if (format.top != top || rel.find(format.folder) == std::string::npos ||
          !EndsWith(name, format.suffix)) {
        continue;
      }
      std::string why;
      if (NameParserOf(format.kind)(name, &f, &why) == NameMatch::kBadFields) {
        return Ignore(rel, why);
      }
      f.kind = format.kind;
      if (format.base_time == FormatInfo::BaseTime::kMetadata) AddMetadata(rel, &f);
      d_->files.push_back(std::move(f));
      return;
    }
    if (system) {
      Ignore(rel, kBadSystemName);
    } else if (EndsWith(name, ".tmp")) {
      Ignore(rel, "unfinished trace file (.tmp) of a writer that did not close it; not read");
    } else {
      Ignore(rel, "name matches no known profiler file pattern");
    }
  }

  // Fills Discovery::python_stats' time range.
  void Finish() {
    if (!stats_have_range_) return;
    d_->python_stats.first_start_us = static_cast<int64_t>(stats_first_);
    d_->python_stats.last_end_us = static_cast<int64_t>(stats_last_);
  }

 private:
  void AddPythonStats(const fs::path& path) {
    ++d_->python_stats.count;
    double s = 0, e = 0;
    if (ParseStatsDirRange(path.parent_path().filename().string(), &s, &e)) {
      stats_first_ = stats_have_range_ ? std::min(stats_first_, s) : s;
      stats_last_ = stats_have_range_ ? std::max(stats_last_, e) : e;
      stats_have_range_ = true;
    }
  }

  // The base time and end of a trace timed by a .metadata file (one search
  // per directory).
  void AddMetadata(const std::string& rel, InputFile* f) {
    std::string key = fs::path(rel).parent_path().generic_string();
    auto it = metadata_cache_.find(key);
    if (it == metadata_cache_.end()) {
      it = metadata_cache_.emplace(key, FindMetadata(root_, rel)).first;
    }
    f->has_metadata = it->second.found;
    f->base_time_us = it->second.found ? it->second.start_us : 0;
    f->name_ts_us = it->second.found ? it->second.end_us : 0;
  }

  fs::path root_;
  Discovery* d_;
  std::map<std::string, MetadataInfo> metadata_cache_;
  double stats_first_ = 0, stats_last_ = 0;
  bool stats_have_range_ = false;
};

}  // namespace

size_t Discovery::CountKind(FileKind kind) const {
  return static_cast<size_t>(std::count_if(files.begin(), files.end(),
                                           [kind](const InputFile& f) { return f.kind == kind; }));
}

uint64_t Discovery::TotalBytes() const {
  uint64_t total = 0;
  for (const InputFile& f : files) total += f.size_bytes;
  return total;
}

StatusOr<Discovery> DiscoverInputs(const std::string& dir) {
  StatusOr<std::string> root = FindProfilerRoot(dir, /*allow_none=*/true);
  if (!root.ok()) return root.status();
  Discovery d;
  // PyTorch-profiler traces anywhere in the input (outside the SageMaker
  // data folders), by name or content; their paths are relative to `dir`.
  std::vector<InputFile> kineto;
  FindKinetoTraces(fs::path(dir), &kineto, &d.ignored);
  if (root->empty() && kineto.empty()) return NoProfilerDataError(dir);
  d.root = root->empty() ? dir : *root;
  if (!root->empty()) {
    Classifier classifier(fs::path(d.root), &d);
    Walker walker(
        fs::path(d.root),
        [&](const fs::path& path, const std::string& rel, uint64_t size) {
          classifier.File(path, rel, size);
        },
        [&](const std::string& rel, const std::string& why, bool link) {
          classifier.Ignore(rel, why, link);
        });
    walker.Run({"system", "framework"});
    classifier.Finish();
  }
  // System files first, then framework files, each by name timestamp, then
  // path; then the Kineto traces by path.
  auto group = [](FileKind k) { return IsKinetoKind(k) ? 2 : IsFrameworkKind(k) ? 1 : 0; };
  std::sort(d.files.begin(), d.files.end(), [&](const InputFile& a, const InputFile& b) {
    if (group(a.kind) != group(b.kind)) return group(a.kind) < group(b.kind);
    if (a.name_ts_us != b.name_ts_us) return a.name_ts_us < b.name_ts_us;
    return a.path < b.path;
  });
  for (InputFile& f : kineto) d.files.push_back(std::move(f));
  for (size_t i = 0; i < d.files.size(); ++i) d.files[i].order = static_cast<uint32_t>(i);
  std::sort(d.ignored.begin(), d.ignored.end());
  return d;
}

}  // namespace smr
