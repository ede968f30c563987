// Parsing of profiler file and folder names (docs/formats.md §1), and the
// table of each format's name parser.
#include "src/discover/file_names.h"

#include <array>
#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smr/formats.h"

namespace smr::discover_internal {
namespace {

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
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

#define SMR_NAME_PARSER(Kind, name, top, folder, suffix, example, Parser, ...) &Parser,
constexpr std::array<NameParser, kFormatCount> kNameParsers = {SMR_FORMAT_LIST(SMR_NAME_PARSER)};
#undef SMR_NAME_PARSER

}  // namespace

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
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

// smdebug's regex requires exactly 10 digits and an algo-<digits> node.
NameMatch ParseSystemName(std::string_view name, InputFile* f, std::string* why) {
  constexpr std::string_view kJson = ".json";
  *why = kBadSystemName;
  if (name.size() < 10 || !EndsWith(name, kJson)) return NameMatch::kBadFields;
  std::string_view ts = name.substr(0, 10);
  std::string_view rest = name.substr(10, name.size() - 10 - kJson.size());
  if (!IsAllDigits(ts) || !StartsWith(rest, ".algo-")) return NameMatch::kBadFields;
  if (!IsAllDigits(rest.substr(6))) return NameMatch::kBadFields;
  uint64_t secs = 0;
  if (!ParseDigits(ts, &secs)) return NameMatch::kBadFields;
  f->node = std::string(rest.substr(1));
  f->name_ts_us = static_cast<int64_t>(secs) * 1000000;
  return NameMatch::kYes;
}

NameMatch ParseTraceName(std::string_view name, InputFile* f, std::string* why) {
  std::vector<std::string_view> fields = Split(name, '_');
  // "<ts>_<node>_pythontimeline.json" splits into >= 3 fields (model,
  // horovod and smdataparallel suffixes contain '_' themselves).
  if (fields.size() < 3 || fields[1].empty()) {
    *why = "trace file name is not <ts>_<node>_<suffix>";
    return NameMatch::kBadFields;
  }
  uint64_t ts = 0;
  if (!ParseDigits(fields[0], &ts)) {
    *why = "trace file name does not start with a numeric timestamp";
    return NameMatch::kBadFields;
  }
  // 19-digit names are nanoseconds (old writers); everything else is µs.
  if (fields[0].size() >= 19) ts /= 1000;
  f->node = std::string(fields[1]);
  f->name_ts_us = static_cast<int64_t>(ts);
  return NameMatch::kYes;
}

NameMatch ParseTfTraceName(std::string_view name, InputFile* f, std::string*) {
  f->node = std::string(name.substr(0, name.find('.')));
  return NameMatch::kYes;
}

NameMatch ParseKinetoName(std::string_view name, InputFile* f, std::string*) {
  // Any name: a Kineto trace is found by its name or by its first bytes
  // (kineto_sniff.h). The node is the name up to its first '.'
  // ("rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz" -> "rank-0").
  f->node = std::string(name.substr(0, name.find('.')));
  f->name_ts_us = 0;
  return NameMatch::kYes;
}

NameParser NameParserOf(FileKind kind) { return kNameParsers[FormatIndex(kind)]; }

bool ParseMetadataName(std::string_view name, int64_t* start_us, int64_t* end_us) {
  constexpr std::string_view kExt = ".metadata";
  if (!EndsWith(name, kExt)) return false;
  std::string_view stem = name.substr(0, name.size() - kExt.size());
  size_t p2 = stem.rfind('_');
  if (p2 == std::string_view::npos || p2 == 0) return false;
  size_t p1 = stem.rfind('_', p2 - 1);
  if (p1 == std::string_view::npos) return false;
  uint64_t s = 0, e = 0;
  if (!ParseDigits(stem.substr(p1 + 1, p2 - p1 - 1), &s) || !ParseDigits(stem.substr(p2 + 1), &e)) {
    return false;
  }
  *start_us = static_cast<int64_t>(s);
  *end_us = static_cast<int64_t>(e);
  return true;
}

bool ParseStatsDirRange(std::string_view dir, double* start_us, double* end_us) {
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

bool IsExpectedNonData(std::string_view name) {
  return name == "training_job_end.ts" || EndsWith(name, ".metadata") || EndsWith(name, ".pb") ||
         EndsWith(name, ".profile-empty");
}

}  // namespace smr::discover_internal
