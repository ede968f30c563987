// Grouping of the input's files by node (smr/shard.h).
#include "smr/shard.h"

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "smr/formats.h"
#include "smr/store.h"

namespace smr {
namespace {

// Peak RSS of a run per byte of input, measured (docs/performance.md,
// "Memory"): 19 % of system input, 33 % of framework or PyTorch-profiler
// traces; plus the process, the files in flight and the report.
constexpr double kSystemShare = 0.19;
constexpr double kTraceShare = 0.33;
// A gzip trace holds ~18x its size of JSON (the real PyTorch-profiler
// traces: 15.3 MB for 300 MB) and is never inflated whole: about 6x its size.
constexpr double kGzipShare = 6.0;
constexpr double kGzipJson = 18.0;
// The merged partial states of a job read in groups, measured on generated
// multi-node jobs (docs/scaling.md): 3-5 % of the input (per-timestamp sums
// of OverallSystemUsage, bottleneck snapshots, step durations, the digest).
constexpr double kStateShare = 0.05;
constexpr uint64_t kBaseBytes = 100ull << 20;

}  // namespace

std::string ShardKeyOf(const InputFile& file) {
  if (IsKinetoKind(file.kind)) return "trace:" + file.rel_path;
  std::string_view node = file.node;
  if (IsFrameworkKind(file.kind)) {
    // "<rank>-<host>": the host.
    const size_t dash = node.find('-');
    if (dash != std::string_view::npos && dash > 0 &&
        std::all_of(node.begin(), node.begin() + static_cast<std::ptrdiff_t>(dash),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
      node.remove_prefix(dash + 1);
    }
  }
  return std::string(node);
}

std::vector<ShardGroup> GroupByNode(const Discovery& discovery, int n) {
  // Nodes with their files and bytes, in natural order of their keys.
  struct Node {
    std::string key;
    std::vector<uint32_t> files;
    uint64_t bytes = 0;
  };
  std::map<std::string, size_t> index;
  std::vector<Node> nodes;
  for (size_t i = 0; i < discovery.files.size(); ++i) {
    const InputFile& f = discovery.files[i];
    std::string key = ShardKeyOf(f);
    auto [it, inserted] = index.try_emplace(key, nodes.size());
    if (inserted) nodes.push_back({std::move(key), {}, 0});
    Node& node = nodes[it->second];
    node.files.push_back(static_cast<uint32_t>(i));
    node.bytes += f.size_bytes;
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const Node& a, const Node& b) { return NaturalLess(a.key, b.key); });
  const size_t groups = std::min<size_t>(std::max(n, 1), std::max<size_t>(nodes.size(), 1));
  std::vector<ShardGroup> out(groups);
  std::vector<size_t> by_size(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) by_size[i] = i;
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](size_t a, size_t b) { return nodes[a].bytes > nodes[b].bytes; });
  for (size_t i : by_size) {
    size_t lightest = 0;
    for (size_t g = 1; g < out.size(); ++g) {
      if (out[g].bytes < out[lightest].bytes) lightest = g;
    }
    ShardGroup& g = out[lightest];
    g.keys.push_back(nodes[i].key);
    g.files.insert(g.files.end(), nodes[i].files.begin(), nodes[i].files.end());
    g.bytes += nodes[i].bytes;
  }
  for (ShardGroup& g : out) {
    std::sort(g.keys.begin(), g.keys.end(),
              [](const std::string& a, const std::string& b) { return NaturalLess(a, b); });
    std::sort(g.files.begin(), g.files.end());
  }
  // Groups in the order of their first file, so group 0 starts the input.
  std::sort(out.begin(), out.end(), [](const ShardGroup& a, const ShardGroup& b) {
    if (a.files.empty() != b.files.empty()) return b.files.empty();
    return !a.files.empty() && a.files.front() < b.files.front();
  });
  return out;
}

uint64_t EstimatePeakMemory(const Discovery& discovery, const ShardGroup& group) {
  double bytes = 0;
  for (uint32_t i : group.files) {
    const InputFile& f = discovery.files[i];
    const bool gz = f.rel_path.size() > 3 && f.rel_path.ends_with(".gz");
    const double share = gz ? kGzipShare : f.kind == FileKind::kSystem ? kSystemShare : kTraceShare;
    bytes += share * static_cast<double>(f.size_bytes);
  }
  return kBaseBytes + static_cast<uint64_t>(bytes);
}

uint64_t EstimateMergedStates(const Discovery& discovery) {
  double bytes = 0;
  for (const InputFile& f : discovery.files) {
    const bool gz = f.rel_path.size() > 3 && f.rel_path.ends_with(".gz");
    bytes += kStateShare * static_cast<double>(f.size_bytes) * (gz ? kGzipJson : 1.0);
  }
  return static_cast<uint64_t>(bytes);
}

std::vector<ShardGroup> GroupForMemory(const Discovery& discovery, uint64_t max_memory) {
  std::vector<ShardGroup> groups = GroupByNode(discovery, 1);
  if (EstimatePeakMemory(discovery, groups[0]) <= max_memory) return groups;
  // In groups, the merged partial states stay beside the group being read.
  const uint64_t states = EstimateMergedStates(discovery);
  const size_t max_groups = GroupByNode(discovery, 1 << 30).size();
  for (size_t n = 2; n <= max_groups; ++n) {
    groups = GroupByNode(discovery, static_cast<int>(n));
    bool fits = true;
    for (const ShardGroup& g : groups) {
      // A group of one node cannot be split further.
      if (g.keys.size() > 1 && EstimatePeakMemory(discovery, g) + states > max_memory) fits = false;
    }
    if (fits) break;
  }
  return groups;
}

Discovery SubDiscovery(const Discovery& discovery, const ShardGroup& group) {
  Discovery d;
  d.root = discovery.root;
  d.python_stats = discovery.python_stats;
  d.files.reserve(group.files.size());
  for (uint32_t i : group.files) d.files.push_back(discovery.files[i]);
  return d;
}

bool ParseMemorySize(const std::string& text, uint64_t* bytes, std::string* error) {
  auto fail = [&] {
    *error = fmt::format(
        "--max-memory {}: expected a size such as 8G, 512M, 1.5GiB or 2T, or a share of the "
        "machine's memory such as 50%",
        text);
    return false;
  };
  std::string_view s = text;
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || !std::isfinite(value) || value <= 0) return fail();
  std::string unit(end, s.data() + s.size());
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit == "%") {
    if (value > 100) return fail();
    const uint64_t ram = PhysicalMemoryBytes();
    if (ram == 0) {
      *error =
          fmt::format("--max-memory {}: the machine's memory size is unknown; give a size", text);
      return false;
    }
    *bytes = static_cast<uint64_t>(static_cast<double>(ram) * value / 100);
    return true;
  }
  static const std::pair<const char*, double> kUnits[] = {{"", 1},
                                                          {"B", 1},
                                                          {"K", 1024.0},
                                                          {"KB", 1024.0},
                                                          {"KIB", 1024.0},
                                                          {"M", 1 << 20},
                                                          {"MB", 1 << 20},
                                                          {"MIB", 1 << 20},
                                                          {"G", 1 << 30},
                                                          {"GB", 1 << 30},
                                                          {"GIB", 1 << 30},
                                                          {"T", 1099511627776.0},
                                                          {"TB", 1099511627776.0},
                                                          {"TIB", 1099511627776.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) scale = factor;
  }
  if (scale == 0) return fail();
  const double b = value * scale;
  if (b < 1 || b > 1.8e19) return fail();
  *bytes = static_cast<uint64_t>(b);
  return true;
}

uint64_t PhysicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

}  // namespace smr
