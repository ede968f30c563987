#include "smr/diagnostics.h"

#include <algorithm>

namespace smr {
namespace {

constexpr size_t kMaxExcerptBytes = 120;

const IssueInfo kIssueInfo[] = {
    {"unreadable_file", "file could not be read", true},
    {"empty_file", "file is empty", false},
    {"ignored_file_name", "file name matches no profiler pattern", false},
    {"gzip_error", "gzip data is corrupt or truncated (what inflated is kept)", true},
    {"malformed_line", "line is not a valid JSON object", true},
    {"missing_field", "record lacks a required field", true},
    {"bad_field_type", "field has the wrong type", true},
    {"non_finite_value", "value is NaN, infinite or out of range", true},
    {"truncated_trace", "trace array is not terminated (complete events kept)", false},
    {"malformed_event", "trace event is not a valid JSON object", true},
    {"missing_duration", "complete event (X) without dur", true},
    {"unmatched_end", "end event (E) without a begin", true},
    {"unmatched_begin", "begin event (B) never ended", true},
    {"negative_duration", "event ends before it starts", true},
    {"ignored_phase", "event phase not used by the analysis (i, C, ...)", false},
    {"no_base_time", "trace file has no base-time metadata (inherited)", false},
    {"not_an_array", "trace file is not a JSON array", true},
};
static_assert(sizeof(kIssueInfo) / sizeof(kIssueInfo[0]) ==
              static_cast<size_t>(Issue::kCount));

// Cuts at a UTF-8 character boundary so excerpts stay valid text.
std::string Excerpt(std::string_view s) {
  if (s.size() <= kMaxExcerptBytes) return std::string(s);
  size_t n = kMaxExcerptBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

}  // namespace

const IssueInfo& GetIssueInfo(Issue issue) {
  return kIssueInfo[static_cast<int>(issue)];
}

void Diagnostics::Record(Issue issue, std::string_view file, int64_t line,
                         std::string_view excerpt) {
  const int i = static_cast<int>(issue);
  ++counts_[i];
  if (examples_[i].size() < kMaxExamplesPerIssue) {
    examples_[i].push_back({std::string(file), line, Excerpt(excerpt)});
  }
}

void Diagnostics::Add(Issue issue, int64_t n) {
  counts_[static_cast<int>(issue)] += n;
}

int64_t Diagnostics::total() const {
  int64_t t = 0;
  for (int64_t c : counts_) t += c;
  return t;
}

int64_t Diagnostics::total_data_loss() const {
  int64_t t = 0;
  for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
    if (kIssueInfo[i].data_loss) t += counts_[i];
  }
  return t;
}

void Diagnostics::Merge(const Diagnostics& other) {
  for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
    counts_[i] += other.counts_[i];
    for (const auto& ex : other.examples_[i]) {
      if (examples_[i].size() >= kMaxExamplesPerIssue) break;
      examples_[i].push_back(ex);
    }
  }
}

}  // namespace smr
