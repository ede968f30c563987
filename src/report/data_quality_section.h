// The report's "Data quality" section, drawn from a DataQuality summary
// (smr/data_quality.h): what was read, kept and skipped per node and file
// type, why records and files were left out (with examples), and how each
// node was sampled (interval, gaps, time range). A clean input gets one line.
// Implemented in sections/data_quality_section.cc, the report's last section.
#ifndef SMR_SRC_REPORT_DATA_QUALITY_SECTION_H_
#define SMR_SRC_REPORT_DATA_QUALITY_SECTION_H_

#include "smr/data_quality.h"
#include "smr/report_model.h"

namespace smr {

// At most this many rows of a long list (files not read, gaps, examples per
// reason) are shown; data-quality.json has them all.
inline constexpr size_t kDataQualityMaxRows = 25;

Section DataQualitySection(const DataQuality& dq);

}  // namespace smr

#endif  // SMR_SRC_REPORT_DATA_QUALITY_SECTION_H_
