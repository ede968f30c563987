// The format table: one row per input format sm-report reads (docs/formats.md).
//
// SMR_FORMAT_LIST is the only place a format is listed. This header expands
// it into the FileKind enum, kFormatCount and the table of FormatInfo rows;
// discovery expands the same list to get each row's name parser
// (src/discover/file_names.cc) and ingest to get each row's importer
// factory (src/ingest/importer_registry.cc). Both are declared from the list,
// so a row naming a function that does not exist fails to link.
#ifndef SMR_FORMATS_H_
#define SMR_FORMATS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smr {

// Columns of a row:
//  1 Kind        FileKind enumerator
//  2 name        display name ("system", "pythontimeline", ...), in
//                data-quality.json and the report
//  3 top         the data folder the files live in (Top::kSystem: system/,
//                Top::kFramework: framework/; framework files are traces;
//                Top::kKineto: anywhere in the input outside those two,
//                found by name or by content, docs/formats.md "Kineto")
//  4 folder      a path part the file's relative path must contain ("" = any)
//  5 suffix      how the file name ends
//  6 example     relative path of a well-formed file (docs, tests)
//  7 NameParser  discover function that checks the name's fields and fills
//                InputFile::node and name_ts_us (src/discover/file_names.h)
//  8 base_time   where event times get their base (BaseTime)
//  9 feed        Feed::kLines: may be fed in newline-ended chunks (big files
//                are then read piecewise); Feed::kWhole: one buffer
// 10 sample_bytes, 11 event_bytes  typical bytes a system sample / a
//                framework event takes in the file, to reserve the merged
//                columns from the input size (0 = no estimate)
// 12 Factory     ingest function creating the file's Importer
//                (src/ingest/importer.h)
// The order of rows is the order of the FileKind values.
#define SMR_FORMAT_LIST(X)                                                                        \
  X(kSystem, "system", kSystem, "", ".json",                                                      \
    "system/incremental/2020091312/1600000000.algo-1.json", ParseSystemName, kNone, kLines, 100,  \
    0, NewSystemMetricsImporter)                                                                  \
  X(kPythonTimeline, "pythontimeline", kFramework, "/pevents/", "_pythontimeline.json",           \
    "framework/pevents/2020091312/1600000001000000_1-algo-1_pythontimeline.json", ParseTraceName, \
    kPreviousFile, kWhole, 0, 150, NewChromeTraceImporter)                                        \
  X(kModelTimeline, "model_timeline", kFramework, "/pevents/", "_model_timeline.json",            \
    "framework/pevents/2020091312/1600000002000000_1-algo-1_model_timeline.json", ParseTraceName, \
    kPreviousFile, kWhole, 0, 150, NewChromeTraceImporter)                                        \
  X(kHorovodTimeline, "horovod_timeline", kFramework, "/pevents/", "_horovod_timeline.json",      \
    "framework/pevents/2020091312/1600000003000000_1-algo-1_horovod_timeline.json",               \
    ParseTraceName, kPreviousFile, kWhole, 0, 150, NewChromeTraceImporter)                        \
  X(kSmDataParallel, "smdataparallel_timeline", kFramework, "/pevents/",                          \
    "_smdataparallel_timeline.json",                                                              \
    "framework/pevents/2020091312/1600000004000000_1-algo-1_smdataparallel_timeline.json",        \
    ParseTraceName, kPreviousFile, kWhole, 0, 150, NewChromeTraceImporter)                        \
  X(kTfTrace, "tf_trace", kFramework, "tensorflow/detailed_profiling/", "trace.json.gz",          \
    "framework/tensorflow/detailed_profiling/2020091312/000000001/plugins/profile/"               \
    "2020_09_13_12_00_00/algo-1.trace.json.gz",                                                   \
    ParseTfTraceName, kMetadata, kWhole, 0, 0, NewTfTraceImporter)                                \
  X(kKineto, "kineto", kKineto, "", ".pt.trace.json.gz", "traces/rank-0.pt.trace.json.gz",        \
    ParseKinetoName, kNone, kWhole, 0, 0, NewKinetoImporter)

#define SMR_FORMAT_ENUMERATOR(Kind, ...) Kind,
enum class FileKind : uint8_t { SMR_FORMAT_LIST(SMR_FORMAT_ENUMERATOR) };
#undef SMR_FORMAT_ENUMERATOR

#define SMR_FORMAT_COUNT_ONE(...) +1
inline constexpr size_t kFormatCount = 0 SMR_FORMAT_LIST(SMR_FORMAT_COUNT_ONE);
#undef SMR_FORMAT_COUNT_ONE

// Which family a framework event came from: its file's format.
using TraceSource = FileKind;

struct FormatInfo {
  enum class Top : uint8_t { kSystem, kFramework, kKineto };
  enum class BaseTime : uint8_t {
    kNone,          // system samples carry absolute timestamps
    kPreviousFile,  // from the file's own metadata events; a file without
                    // them inherits the previous file of its kind's
                    // (docs/formats.md §3.2)
    kMetadata,      // from the .metadata file discovery found (§1.3)
  };
  enum class Feed : uint8_t { kWhole, kLines };

  FileKind kind;
  std::string_view name;
  Top top;
  std::string_view folder;
  std::string_view suffix;
  std::string_view example;
  BaseTime base_time;
  Feed feed;
  uint32_t sample_bytes;
  uint32_t event_bytes;

  constexpr bool framework() const { return top == Top::kFramework; }
  constexpr bool kineto() const { return top == Top::kKineto; }
};

#define SMR_FORMAT_ROW(Kind, name, top, folder, suffix, example, parser, base, feed, sample_b, \
                       event_b, factory)                                                       \
  FormatInfo{FileKind::Kind, name,    FormatInfo::Top::top,       folder,                      \
             suffix,         example, FormatInfo::BaseTime::base, FormatInfo::Feed::feed,      \
             sample_b,       event_b},
inline constexpr std::array<FormatInfo, kFormatCount> kFormats = {SMR_FORMAT_LIST(SMR_FORMAT_ROW)};
#undef SMR_FORMAT_ROW

// The row of `kind` (kFormats is indexed by FileKind).
constexpr const FormatInfo& FormatOf(FileKind kind) { return kFormats[static_cast<size_t>(kind)]; }
constexpr size_t FormatIndex(FileKind kind) { return static_cast<size_t>(kind); }

// "system", "pythontimeline", ...
constexpr const char* FileKindName(FileKind kind) { return FormatOf(kind).name.data(); }
constexpr bool IsFrameworkKind(FileKind kind) { return FormatOf(kind).framework(); }
// PyTorch-profiler (Kineto) traces (smr/kineto.h): not framework events.
constexpr bool IsKinetoKind(FileKind kind) { return FormatOf(kind).kineto(); }

namespace formats_internal {
constexpr bool RowsInKindOrder() {
  for (size_t i = 0; i < kFormatCount; ++i) {
    if (static_cast<size_t>(kFormats[i].kind) != i) return false;
  }
  return true;
}
}  // namespace formats_internal
static_assert(formats_internal::RowsInKindOrder(), "kFormats is indexed by FileKind");

}  // namespace smr

#endif  // SMR_FORMATS_H_
