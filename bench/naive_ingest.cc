// smr_bench_naive: the reference points of scripts/bench.sh.
//
//   smr_bench_naive nlohmann DIR   the straightforward ingest: every system
//       metrics line parsed with nlohmann::json and its value appended to a
//       per-series vector (key node/type/name/dimension); every Chrome-trace
//       file parsed whole with nlohmann and its complete events counted.
//   smr_bench_naive read DIR       read() of every file into a 1 MiB buffer.
//
// Prints one line: "<mode> bytes=<n> records=<n> seconds=<s> MB/s=<x>".
// Deliberately simple: it is the baseline sm-report is compared with.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(it->path());
  }
  return out;
}

bool IsSystem(const fs::path& p) {
  return p.string().find("/system/") != std::string::npos && p.extension() == ".json";
}
bool IsTrace(const fs::path& p) {
  return p.string().find("/framework/") != std::string::npos && p.extension() == ".json";
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: smr_bench_naive nlohmann|read DIR\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::vector<fs::path> files = Files(argv[2]);
  const auto start = std::chrono::steady_clock::now();
  uint64_t bytes = 0;
  int64_t records = 0;
  if (mode == "read") {
    std::vector<char> buf(1 << 20);
    for (const fs::path& p : files) {
      const int fd = ::open(p.c_str(), O_RDONLY);
      if (fd < 0) continue;
      ssize_t n;
      while ((n = ::read(fd, buf.data(), buf.size())) > 0) bytes += static_cast<uint64_t>(n);
      ::close(fd);
    }
  } else if (mode == "nlohmann") {
    std::unordered_map<std::string, std::vector<std::pair<double, double>>> series;
    for (const fs::path& p : files) {
      if (IsSystem(p)) {
        std::ifstream in(p, std::ios::binary);
        std::string line;
        while (std::getline(in, line)) {
          bytes += line.size() + 1;
          const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
          if (!j.is_object()) continue;
          const auto str = [&](const char* k) {
            auto it = j.find(k);
            return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
          };
          auto ts = j.find("Timestamp");
          auto value = j.find("Value");
          if (ts == j.end() || value == j.end() || !ts->is_number() || !value->is_number())
            continue;
          series[str("NodeId") + '\0' + str("Type") + '\0' + str("Name") + '\0' + str("Dimension")]
              .emplace_back(ts->get<double>(), value->get<double>());
          ++records;
        }
      } else if (IsTrace(p)) {
        const std::string text = ReadAll(p);
        bytes += text.size();
        const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        const nlohmann::json* events = &j;
        if (j.is_object() && j.contains("traceEvents")) events = &j["traceEvents"];
        if (!events->is_array()) continue;
        for (const nlohmann::json& e : *events) {
          if (e.is_object() && e.value("ph", "") == "X") ++records;
        }
      }
    }
  } else {
    std::fprintf(stderr, "smr_bench_naive: unknown mode '%s'\n", mode.c_str());
    return 2;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{} bytes={} records={} seconds={:.3f} MB/s={:.1f}\n", mode, bytes, records, s,
             s > 0 ? static_cast<double>(bytes) / 1e6 / s : 0.0);
  return 0;
}
