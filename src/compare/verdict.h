// The verdict line of one later job against the baseline (verdict.cc).
#ifndef SMR_SRC_COMPARE_VERDICT_H_
#define SMR_SRC_COMPARE_VERDICT_H_

#include <cstddef>
#include <string>

#include "smr/compare.h"

namespace smr {

// "B vs A: training 95.1 % faster, cost $18.45 (95.1 %) lower; 2 rules no
// longer triggered; no regressions". Needs c.metrics, c.rules and
// c.regressions filled.
std::string VerdictLine(const Comparison& c, size_t job);

}  // namespace smr

#endif  // SMR_SRC_COMPARE_VERDICT_H_
