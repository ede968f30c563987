// ShardComm: how the processes of a sharded build (docs/scaling.md) pass
// their partial states -- one process working through its groups of nodes
// (LocalComm), or the ranks of an MPI job (MpiComm, built with
// -DSMR_MPI=ON). Rank 0 merges, finishes and writes.
#ifndef SMR_SRC_PIPELINE_SHARD_COMM_H_
#define SMR_SRC_PIPELINE_SHARD_COMM_H_

#include <memory>
#include <string>
#include <vector>

namespace smr {

class ShardComm {
 public:
  virtual ~ShardComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every rank's `mine`, on rank 0 in rank order; other ranks get nothing.
  virtual std::vector<std::string> Gather(std::string mine) = 0;
  // Rank 0's `data`, on every rank.
  virtual std::string Broadcast(std::string data) = 0;
  // The host the rank runs on (for messages).
  virtual std::string host() const = 0;
};

// One process: rank 0 of 1.
std::unique_ptr<ShardComm> LocalComm();

// The MPI job this process is a rank of: non-null only when the tool was
// built with -DSMR_MPI=ON and started by mpirun (or another MPI launcher)
// with more than one rank. InitMpi must have been called first (main does).
std::unique_ptr<ShardComm> MpiComm();
// MPI_Init when the process was started by an MPI launcher and the tool was
// built with MPI; FinalizeMpi at exit. No-ops otherwise.
void InitMpi(int* argc, char*** argv);
void FinalizeMpi();

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_SHARD_COMM_H_
