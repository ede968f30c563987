// LocalComm (shard_comm.h), and the MPI entry points when the tool is built
// without MPI.
#include "src/pipeline/shard_comm.h"

#include <unistd.h>

#include <utility>

namespace smr {

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown host";
  return buf;
}

namespace {

class Local final : public ShardComm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::string> Gather(std::string mine) override {
    std::vector<std::string> all;
    all.push_back(std::move(mine));
    return all;
  }
  std::string Broadcast(std::string data) override { return data; }
  std::string host() const override { return HostName(); }
};

}  // namespace

std::unique_ptr<ShardComm> LocalComm() { return std::make_unique<Local>(); }

#ifndef SMR_WITH_MPI
std::unique_ptr<ShardComm> MpiComm() { return nullptr; }
void InitMpi(int* /*argc*/, char*** /*argv*/) {}
void FinalizeMpi() {}
#endif

}  // namespace smr
