// Private: parsing of profiler file and folder names (docs/formats.md §1):
// the name parsers the format table (include/smr/formats.h) names, the
// .metadata and python_stats folder names, and the string helpers they use.
#ifndef SMR_SRC_DISCOVER_FILE_NAMES_H_
#define SMR_SRC_DISCOVER_FILE_NAMES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smr/discover.h"

namespace smr::discover_internal {

bool EndsWith(std::string_view s, std::string_view suffix);
bool StartsWith(std::string_view s, std::string_view prefix);
std::vector<std::string_view> Split(std::string_view s, char sep);

// What a name parser made of a file name whose folder and suffix match its
// format's row.
enum class NameMatch {
  kYes,        // `f->node` and `f->name_ts_us` are set
  kBadFields,  // the name's fields are wrong; `why` says how
};
using NameParser = NameMatch (*)(std::string_view name, InputFile* f, std::string* why);

// The table's name parsers (column NameParser of SMR_FORMAT_LIST).
// <10 digits>.algo-<N>.json (§1.1).
NameMatch ParseSystemName(std::string_view name, InputFile* f, std::string* why);
// <ts>_<node>_..._<suffix>, µs or (19 digits) ns timestamps (§1.2).
NameMatch ParseTraceName(std::string_view name, InputFile* f, std::string* why);
// <node>.<...>trace.json.gz; its times come from the .metadata file (§1.3).
NameMatch ParseTfTraceName(std::string_view name, InputFile* f, std::string* why);

// A PyTorch-profiler (Kineto) trace: any name (found by name or content);
// the node is the name up to its first '.'.
NameMatch ParseKinetoName(std::string_view name, InputFile* f, std::string* why);

// The parser of `kind`'s row.
NameParser NameParserOf(FileKind kind);

// Why a file under system/ is not read when its name matches no row.
inline constexpr const char* kBadSystemName = "system file name is not <10 digits>.algo-<N>.json";

// "<node>_<start_us>_<end_us>.metadata" (§1.3).
bool ParseMetadataName(std::string_view name, int64_t* start_us, int64_t* end_us);

// Time range of a python_stats directory name, both layouts of §1.5:
// "<startUs>_<endUs>_<node>_<step>" (old) and
// "<mode>-<step>-<phase>-<startUs>_<mode>-<step>-<phase>-<endUs>".
bool ParseStatsDirRange(std::string_view dir, double* start_us, double* end_us);

// Files that live under system/ or framework/ but are not data to import.
bool IsExpectedNonData(std::string_view name);

}  // namespace smr::discover_internal

#endif  // SMR_SRC_DISCOVER_FILE_NAMES_H_
