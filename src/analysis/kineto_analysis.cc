// PLACEHOLDER (being implemented): the Kineto analyses (smr/kineto_analysis.h).
#include "smr/kineto_analysis.h"

#include "smr/store.h"

namespace smr {

KinetoRankAnalysis AnalyzeKinetoTrace(const KinetoTrace& trace, const KinetoOptions&) {
  KinetoRankAnalysis a;
  a.rank = trace.RankOrZero();
  a.file = trace.rel_path;
  return a;
}

KinetoAnalysis AnalyzeKineto(const MetricStore& store, const KinetoOptions& options, int) {
  KinetoAnalysis out;
  out.options = options;
  for (size_t i = 0; i < store.kineto().size(); ++i) {
    out.ranks.push_back(AnalyzeKinetoTrace(store.kineto()[i], options));
    out.ranks.back().trace = static_cast<uint32_t>(i);
  }
  return out;
}

}  // namespace smr
