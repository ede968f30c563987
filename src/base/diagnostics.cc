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
    {"invalid_utf8", "line contains invalid UTF-8", true},
    {"duplicate_record", "exact duplicate system sample (dropped)", false},
    {"duplicate_event", "exact duplicate trace event (dropped)", false},
    {"absurd_duration", "event longer than 24 h (excluded from analysis)", true},
    {"repeated_base_time", "base time changes inside a trace file", false},
    {"duplicate_file", "file is a byte-identical copy of another (not read twice)", false},
};
static_assert(sizeof(kIssueInfo) / sizeof(kIssueInfo[0]) == static_cast<size_t>(Issue::kCount));

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong 3/4-byte forms, surrogates, and code points above U+10FFFF.
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;
  if (c == 0xED && b(i + 1) >= 0xA0) return 0;
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;
  if (c == 0xF4 && b(i + 1) >= 0x90) return 0;
  return n;
}

// Replaces every invalid byte by U+FFFD and control characters (other than
// tab) by a space, so messages stay valid, printable text.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SeqLen(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (n == 1 && (c < 0x20 || c == 0x7F) && c != '\t') {
      out += ' ';
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

// Cuts at a UTF-8 character boundary so excerpts stay valid text.
std::string Excerpt(std::string_view s) {
  if (s.size() <= kMaxExcerptBytes) return ValidUtf8(s);
  size_t n = kMaxExcerptBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return ValidUtf8(s.substr(0, n)) + "...";
}

}  // namespace

std::string SanitizeUtf8(std::string_view s) { return ValidUtf8(s); }

std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SeqLen(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

const IssueInfo& GetIssueInfo(Issue issue) { return kIssueInfo[static_cast<int>(issue)]; }

void Diagnostics::Record(Issue issue, std::string_view file, int64_t line,
                         std::string_view excerpt) {
  const int i = static_cast<int>(issue);
  ++counts_[i];
  ++file_counts_[std::string(file)][i];
  if (examples_[i].size() < kMaxExamplesPerIssue) {
    examples_[i].push_back({ValidUtf8(file), line, Excerpt(excerpt)});
  }
}

void Diagnostics::Add(Issue issue, int64_t n) { counts_[static_cast<int>(issue)] += n; }

void Diagnostics::Add(Issue issue, std::string_view file, int64_t n) {
  if (n == 0) return;
  counts_[static_cast<int>(issue)] += n;
  file_counts_[std::string(file)][static_cast<int>(issue)] += n;
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
  for (const auto& [file, counts] : other.file_counts_) {
    IssueCounts& mine = file_counts_[file];
    for (size_t i = 0; i < mine.size(); ++i) mine[i] += counts[i];
  }
  for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
    counts_[i] += other.counts_[i];
    for (const auto& ex : other.examples_[i]) {
      if (examples_[i].size() >= kMaxExamplesPerIssue) break;
      examples_[i].push_back(ex);
    }
  }
}

void Diagnostics::MergeInFileOrder(const Diagnostics& other,
                                   const std::function<uint64_t(std::string_view)>& file_order) {
  for (const auto& [file, counts] : other.file_counts_) {
    IssueCounts& mine = file_counts_[file];
    for (size_t i = 0; i < mine.size(); ++i) mine[i] += counts[i];
  }
  for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
    counts_[i] += other.counts_[i];
    std::vector<DiagnosticExample>& ex = examples_[i];
    ex.insert(ex.end(), other.examples_[i].begin(), other.examples_[i].end());
    std::stable_sort(ex.begin(), ex.end(),
                     [&](const DiagnosticExample& a, const DiagnosticExample& b) {
                       return file_order(a.file) < file_order(b.file);
                     });
    if (ex.size() > kMaxExamplesPerIssue) ex.resize(kMaxExamplesPerIssue);
  }
}

void Diagnostics::Save(StateWriter* out) const {
  for (int64_t c : counts_) out->Put(c);
  out->Put<uint64_t>(file_counts_.size());
  for (const auto& [file, counts] : file_counts_) {
    out->PutString(file);
    out->Put(counts);
  }
  for (const auto& examples : examples_) {
    out->Put<uint64_t>(examples.size());
    for (const DiagnosticExample& e : examples) {
      out->PutString(e.file);
      out->Put(e.line);
      out->PutString(e.excerpt);
    }
  }
}

bool Diagnostics::Load(StateReader* in) {
  *this = Diagnostics();
  for (int64_t& c : counts_) c = in->Get<int64_t>();
  const auto files = in->Get<uint64_t>();
  for (uint64_t f = 0; f < files && in->ok(); ++f) {
    std::string file = in->GetString();
    file_counts_[std::move(file)] = in->Get<IssueCounts>();
  }
  for (auto& examples : examples_) {
    const auto n = in->Get<uint64_t>();
    for (uint64_t k = 0; k < n && in->ok(); ++k) {
      DiagnosticExample e;
      e.file = in->GetString();
      e.line = in->Get<int64_t>();
      e.excerpt = in->GetString();
      examples.push_back(std::move(e));
    }
  }
  return in->ok();
}

}  // namespace smr
