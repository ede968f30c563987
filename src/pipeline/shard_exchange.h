// The exchanges of a sharded build (sharded_build.h): the framed messages
// every rank sends, the byte forms of the plan's layout and coverage, the
// reader that holds one group of nodes at a time, and the merge of the
// rules' partials of one pass.
#ifndef SMR_SRC_PIPELINE_SHARD_EXCHANGE_H_
#define SMR_SRC_PIPELINE_SHARD_EXCHANGE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "smr/analysis.h"
#include "smr/ingest.h"
#include "smr/rule.h"
#include "smr/shard.h"
#include "smr/state_io.h"
#include "smr/status.h"
#include "src/pipeline/shard_comm.h"

namespace smr {
namespace shard_internal {

// A rank's message: its status first (a rank that failed sends its error
// instead of its partials), then the body.
std::string Framed(const Status& st, std::string body);
// The body of rank `rank`'s message, or the rank's error.
Status Unframe(const std::string& msg, int rank, std::string_view* body);
// Rank 0 tells every rank whether to go on (ok) or stop with its error.
Status Agree(ShardComm& comm, const Status& at_root);
// "rank 1 of 4 (host): what".
std::string RankError(const ShardComm& comm, const std::string& what);

void SaveLayout(const PlanLayout& l, StateWriter* w);
PlanLayout LoadLayout(StateReader* r);
void SaveCoverage(const WindowCoverage& c, StateWriter* w);
WindowCoverage LoadCoverage(StateReader* r);

// The store of one group at a time: the previous one is freed before the
// next is read, and a group still in memory is not read again.
class GroupReader {
 public:
  // Copies of files another group may read are found in the whole input
  // first (FindCopies), so that every group drops the same ones.
  GroupReader(const Discovery& discovery, int jobs)
      : discovery_(discovery), jobs_(jobs), copies_(FindCopies(discovery)) {}
  const IngestResult& Read(const ShardGroup& g, size_t index) {
    if (loaded_ != index) {
      current_ = IngestResult();  // free first: one group in memory
      sub_ = SubDiscovery(discovery_, g);
      IngestOptions io;
      io.jobs = jobs_;
      io.copies = &copies_;
      current_ = ImportAll(sub_, io);
      loaded_ = index;
      ++reads_;
    }
    return current_;
  }
  const Discovery& sub() const { return sub_; }
  size_t loaded() const { return loaded_; }
  int reads() const { return reads_; }

 private:
  const Discovery& discovery_;
  const int jobs_;
  const std::map<uint32_t, std::string> copies_;
  Discovery sub_;
  IngestResult current_;
  size_t loaded_ = SIZE_MAX;
  int reads_ = 0;
};

// The groups in the order to read them: the one in memory first.
std::vector<size_t> ReadOrder(size_t n, size_t loaded);

// How each rule is evaluated in shards.
enum class RuleMode : uint8_t { kPartial, kTwoPass, kAtFinish, kUnsupported };

RuleMode ModeOf(const Rule& rule);

// Merged partials of one pass, one per rule (null: none or not this
// rule's kind), and the first error of each rule.
struct PassState {
  std::vector<std::unique_ptr<RulePartial>> merged;
  std::vector<std::string> errors;
};

Status MergeInto(std::unique_ptr<RulePartial>* into, std::unique_ptr<RulePartial> p);
void SavePass(const PassState& p, StateWriter* w);
// Reads another rank's pass state and merges it into `into`; a partial
// that cannot be loaded or merged fails its rule (PassState::errors).
Status MergePass(StateReader* r, const std::vector<std::unique_ptr<Rule>>& rules, bool second,
                 PassState* into);

// Sends `mine` to rank 0, which merges every rank's with `merge`; every
// rank learns whether all went well.
template <typename Merge>
Status Exchange(ShardComm& comm, const Status& mine_status, std::string mine, Merge merge,
                uint64_t* bytes = nullptr) {
  const std::vector<std::string> all = comm.Gather(Framed(mine_status, std::move(mine)));
  Status st = Status::Ok();
  if (comm.rank() == 0) {
    for (const std::string& m : all) {
      if (bytes != nullptr) *bytes += m.size();
    }
    for (size_t r = 0; r < all.size() && st.ok(); ++r) {
      std::string_view body;
      st = Unframe(all[r], static_cast<int>(r), &body);
      if (!st.ok()) break;
      const std::string copy(body);
      StateReader in(copy);
      st = merge(&in);
    }
  }
  return Agree(comm, st);
}

}  // namespace shard_internal
}  // namespace smr

#endif  // SMR_SRC_PIPELINE_SHARD_EXCHANGE_H_
