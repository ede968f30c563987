// Diagnostics: counted, non-fatal data problems found while reading input
// (tier 3). Every skipped line, event or file is recorded here with a reason,
// so the report's data-quality section can say what was left out and why.
// Not thread-safe: each worker owns one and they are merged with Merge().
#ifndef SMR_DIAGNOSTICS_H_
#define SMR_DIAGNOSTICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "smr/state_io.h"

namespace smr {

// Why something was skipped or adjusted. Keep in sync with IssueInfo().
enum class Issue : int {
  // Files
  kUnreadableFile = 0,  // could not open/read
  kEmptyFile,           // 0 bytes
  kIgnoredFileName,     // name does not match any known pattern
  kGzipError,           // corrupt/truncated gzip (what inflated is kept)
  // System JSON lines
  kMalformedLine,   // not valid JSON / not an object / blank in the middle
  kMissingField,    // Type/Dimension/Value/NodeId/Timestamp missing
  kBadFieldType,    // e.g. Value given as a string
  kNonFiniteValue,  // NaN / Infinity / out of range
  // Chrome traces
  kTruncatedTrace,    // array not terminated; complete events kept
  kMalformedEvent,    // event not an object or unparsable
  kMissingDuration,   // X event without dur
  kUnmatchedEnd,      // E without B
  kUnmatchedBegin,    // B without E at end of file
  kNegativeDuration,  // end before start
  kIgnoredPhase,      // ph i/I/C/unknown (informational)
  kNoBaseTime,        // no start_time_since_epoch_in_micros; inherited
  kNotAnArray,        // top-level object instead of array (pevents)
  // Added for the data-quality report (docs/data-quality.md); appended so
  // the keys and values above stay stable.
  kInvalidUtf8,       // system line with invalid UTF-8 bytes
  kDuplicateRecord,   // exact duplicate system sample (series, ts, value)
  kDuplicateEvent,    // exact duplicate trace event (dropped like pandas)
  kAbsurdDuration,    // event longer than 24 h: excluded from analysis
  kRepeatedBaseTime,  // base time changes inside a file (informational)
  kDuplicateFile,     // byte-identical copy of an earlier file of its kind
  kCount
};

struct IssueInfo {
  const char* key;          // stable identifier for JSON, e.g. "malformed_line"
  const char* description;  // one line for people
  bool data_loss;           // true if data was dropped (false: informational)
};
const IssueInfo& GetIssueInfo(Issue issue);

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD and
// control characters (except tab) by a space: for file names and excerpts
// shown in messages, HTML and JSON.
std::string SanitizeUtf8(std::string_view s);

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD and
// everything else kept (newlines too): for text written into files that
// must be valid UTF-8, such as the JUnit XML and the Markdown summary.
std::string ReplaceInvalidUtf8(std::string_view s);

struct DiagnosticExample {
  std::string file;
  int64_t line = 0;  // 1-based; 0 when not line-specific
  std::string excerpt;
};

using IssueCounts = std::array<int64_t, static_cast<size_t>(Issue::kCount)>;

class Diagnostics {
 public:
  static constexpr size_t kMaxExamplesPerIssue = 5;

  // Records one occurrence. `excerpt` is truncated to ~120 bytes; invalid
  // UTF-8 in `file` or `excerpt` is replaced by U+FFFD so every message,
  // HTML and JSON output stays valid text.
  void Record(Issue issue, std::string_view file, int64_t line, std::string_view excerpt);
  // Adds `n` occurrences without examples (bulk counts).
  void Add(Issue issue, int64_t n);
  // Adds `n` occurrences attributed to `file`, without examples.
  void Add(Issue issue, std::string_view file, int64_t n);

  int64_t count(Issue issue) const { return counts_[static_cast<int>(issue)]; }
  int64_t total() const;
  int64_t total_data_loss() const;
  const std::vector<DiagnosticExample>& examples(Issue issue) const {
    return examples_[static_cast<int>(issue)];
  }
  // Counts per file (the `file` given to Record / Add(issue, file, n));
  // bulk Add(issue, n) is in the totals only.
  const std::map<std::string, IssueCounts>& file_counts() const { return file_counts_; }
  // Appends other's counts and examples (examples keep the first N overall).
  void Merge(const Diagnostics& other);
  // Adds the diagnostics of other files (another shard of the input):
  // counts add up, and the examples kept are the first N by
  // file_order(example.file), each file's in the order recorded -- the ones
  // reading every file in that order would have kept.
  void MergeInFileOrder(const Diagnostics& other,
                        const std::function<uint64_t(std::string_view)>& file_order);
  // The byte form (smr/state_io.h).
  void Save(StateWriter* out) const;
  bool Load(StateReader* in);

 private:
  int64_t counts_[static_cast<int>(Issue::kCount)] = {};
  std::map<std::string, IssueCounts> file_counts_;
  std::vector<DiagnosticExample> examples_[static_cast<int>(Issue::kCount)];
};

}  // namespace smr

#endif  // SMR_DIAGNOSTICS_H_
