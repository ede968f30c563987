// Finding PyTorch-profiler (Kineto) traces by name or by their first bytes.
#include "src/discover/kineto_search.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <zlib.h>

#include "smr/diagnostics.h"
#include "smr/formats.h"
#include "src/discover/file_names.h"
#include "src/discover/profiler_root.h"

namespace smr::discover_internal {
namespace {

namespace fs = std::filesystem;

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// A category only Kineto writes, as a JSON string.
bool HasKinetoCategory(std::string_view s) {
  static constexpr std::array<std::string_view, 9> kCategories = {
      "\"cpu_op\"",          "\"Operator\"",     "\"kernel\"",
      "\"Kernel\"",          "\"cuda_runtime\"", "\"Runtime\"",
      "\"user_annotation\"", "\"gpu_memcpy\"",   "\"python_function\""};
  return std::any_of(kCategories.begin(), kCategories.end(),
                     [&](std::string_view c) { return Contains(s, c); });
}

// Inflates the first bytes of a gzip file.
std::string InflateHead(const std::string& compressed) {
  std::string out(kKinetoSniffBytes, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return std::string();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  inflate(&zs, Z_SYNC_FLUSH);  // partial input: whatever inflates
  out.resize(out.size() - zs.avail_out);
  inflateEnd(&zs);
  return out;
}

bool IsOutputFolder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "findings.json", ec) ||
         fs::is_regular_file(dir / "profiler-report.html", ec);
}

struct Search {
  fs::path input;
  std::vector<InputFile>* files;
  std::vector<std::pair<std::string, std::string>>* ignored;

  void AddFile(const fs::path& path, const std::string& rel, const std::string& name) {
    if (!HasKinetoTraceName(name)) {
      if (!EndsWith(name, ".json") && !EndsWith(name, ".json.gz")) return;
      if (!LooksLikeKinetoText(ReadHead(path))) return;
    }
    InputFile f;
    f.path = path.string();
    f.rel_path = SanitizeUtf8(rel);
    f.kind = FileKind::kKineto;
    std::error_code ec;
    f.size_bytes = fs::file_size(path, ec);
    if (ec) f.size_bytes = 0;
    std::string why;
    ParseKinetoName(name, &f, &why);
    files->push_back(std::move(f));
  }

  void Walk(const fs::path& dir, const std::string& rel, int depth) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) return;
    std::vector<fs::directory_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(),
              [](const fs::directory_entry& a, const fs::directory_entry& b) {
                return a.path().filename() < b.path().filename();
              });
    const bool sagemaker_root = HasProfilerData(dir);
    for (const fs::directory_entry& e : entries) {
      const std::string name = e.path().filename().string();
      const std::string child = rel.empty() ? name : rel + "/" + name;
      if (name.empty() || name[0] == '.') continue;
      std::error_code sec;
      const fs::file_status st = e.symlink_status(sec);
      if (sec) continue;
      if (fs::is_symlink(st)) {
        if (HasKinetoTraceName(name)) {
          ignored->emplace_back(SanitizeUtf8(child),
                                "symlink named like a PyTorch-profiler trace, not followed");
        }
      } else if (fs::is_directory(st)) {
        if (sagemaker_root && (name == "system" || name == "framework")) continue;
        if (depth < kMaxSearchDepth && !IsOutputFolder(e.path())) {
          Walk(e.path(), child, depth + 1);
        }
      } else if (fs::is_regular_file(st)) {
        AddFile(e.path(), child, name);
      }
    }
  }
};

}  // namespace

bool HasKinetoTraceName(std::string_view name) {
  return EndsWith(name, ".pt.trace.json") || EndsWith(name, ".pt.trace.json.gz");
}

bool LooksLikeKinetoText(std::string_view head) {
  if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  head.remove_prefix(first);
  if (head[0] == '{') {
    if (!Contains(head, "\"traceEvents\"")) return false;
    return Contains(head, "\"schemaVersion\"") || Contains(head, "\"deviceProperties\"") ||
           Contains(head, "\"baseTimeNanoseconds\"") || Contains(head, "\"distributedInfo\"") ||
           (Contains(head, "\"ph\"") && HasKinetoCategory(head));
  }
  if (head[0] == '[') return Contains(head, "\"ph\"") && HasKinetoCategory(head);
  return false;
}

std::string ReadHead(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string();
  // A gzip member needs more compressed bytes than it inflates to only for
  // incompressible data; twice the window is plenty for JSON.
  std::string buf(kKinetoSniffBytes * 2, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<size_t>(in.gcount()));
  if (buf.size() >= 2 && static_cast<unsigned char>(buf[0]) == 0x1f &&
      static_cast<unsigned char>(buf[1]) == 0x8b) {
    return InflateHead(buf);
  }
  if (buf.size() > kKinetoSniffBytes) buf.resize(kKinetoSniffBytes);
  return buf;
}

void FindKinetoTraces(const fs::path& input, std::vector<InputFile>* files,
                      std::vector<std::pair<std::string, std::string>>* ignored) {
  Search search{input, files, ignored};
  std::error_code ec;
  if (!fs::is_directory(input, ec) || IsOutputFolder(input)) return;
  search.Walk(input, "", 0);
  std::sort(files->begin(), files->end(),
            [](const InputFile& a, const InputFile& b) { return a.rel_path < b.rel_path; });
}

}  // namespace smr::discover_internal
