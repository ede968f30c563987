// Writing a Kineto trace from an explicit list of events (kineto_gen.h).
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "samples/generator/kineto_gen.h"

namespace smr::samplegen {
namespace {

// µs with 3 decimals ("4458676544500.500"), or integer µs (legacy).
std::string Micros(int64_t ns, bool integer) {
  const bool neg = ns < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-ns) : static_cast<uint64_t>(ns);
  if (integer) return fmt::format("{}{}", neg ? "-" : "", a / 1000);
  return fmt::format("{}{}.{:03d}", neg ? "-" : "", a / 1000, a % 1000);
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void AppendEvent(const KinetoGenFile& f, const KinetoGenEvent& e, std::string* out) {
  const int64_t base = f.legacy ? 0 : f.base_time_ns;
  *out += fmt::format("  {{\n    \"ph\": \"{}\", ", e.ph);
  if (!e.cat.empty()) *out += fmt::format("\"cat\": {}, ", Quote(e.cat));
  *out += fmt::format("\"name\": {}, \"pid\": {}, \"tid\": {},\n    \"ts\": {}", Quote(e.name),
                      e.pid, e.tid, Micros(e.ts_ns - base, f.legacy));
  if (e.ph == 'X') *out += fmt::format(", \"dur\": {}", Micros(e.dur_ns, f.legacy));
  if (!e.extra.empty()) *out += ", " + e.extra;
  if (!e.args.empty()) *out += fmt::format(",\n    \"args\": {{\n      {}\n    }}", e.args);
  *out += "\n  }";
}

}  // namespace

std::string KinetoTraceText(const KinetoGenFile& f) {
  std::string out;
  if (!f.bare_array) {
    out += "{\n  \"schemaVersion\": 1,\n";
    if (!f.devices.empty()) {
      out += "  \"deviceProperties\": [\n";
      for (size_t i = 0; i < f.devices.size(); ++i) {
        out += fmt::format(
            "    {{\n      \"id\": {}, \"name\": {}, \"totalGlobalMem\": 42505207808,\n"
            "      \"computeMajor\": 8, \"computeMinor\": 0\n    }}{}\n",
            f.devices[i].first, Quote(f.devices[i].second), i + 1 < f.devices.size() ? "," : "");
      }
      out += "  ],\n";
    }
    if (f.rank >= 0) {
      out += fmt::format(
          "  \"distributedInfo\": {{\"backend\": {}, \"rank\": {}, \"world_size\": {}}},\n",
          Quote(f.backend), f.rank, f.world_size);
    }
    out += "  \"traceEvents\": [\n";
  } else {
    out += "[\n";
  }
  for (size_t i = 0; i < f.events.size(); ++i) {
    AppendEvent(f, f.events[i], &out);
    out += i + 1 < f.events.size() ? ",\n" : "\n";
  }
  if (f.bare_array) return out + "]\n";
  out += "  ],\n  \"traceName\": \"sample.pt.trace.json\"";
  if (!f.legacy) out += ",\n  \"displayTimeUnit\": \"ms\"";
  if (!f.legacy && f.base_time_ns != 0) {
    out += fmt::format(",\n  \"baseTimeNanoseconds\": {}", f.base_time_ns);
  }
  return out + "\n}\n";
}

bool WriteKinetoTrace(const KinetoGenFile& file, const std::string& path, std::string* error) {
  const std::string text = KinetoTraceText(file);
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (gz) {
    gzFile g = gzopen(path.c_str(), "wb6");
    const bool ok = g != nullptr && gzwrite(g, text.data(), static_cast<unsigned>(text.size())) ==
                                        static_cast<int>(text.size());
    if (g == nullptr || gzclose(g) != Z_OK || !ok) {
      *error = fmt::format("writing {} failed", path);
      return false;
    }
    return true;
  }
  std::FILE* out = std::fopen(path.c_str(), "wb");
  const bool ok = out != nullptr && std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if (out == nullptr || std::fclose(out) != 0 || !ok) {
    *error = fmt::format("writing {} failed", path);
    return false;
  }
  return true;
}

}  // namespace smr::samplegen
