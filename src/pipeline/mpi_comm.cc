// MpiComm (shard_comm.h): the ranks of an MPI job (Open MPI), for a build
// with -DSMR_MPI=ON. Byte strings travel as MPI_BYTE, their size first,
// in pieces of at most 1 GiB.
// The C API only: Open MPI's deprecated C++ bindings do not build cleanly
// with the project's warnings.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "src/pipeline/shard_comm.h"

namespace smr {

std::string HostName();

namespace {

bool g_mpi_started = false;

// Started by an MPI launcher: Open MPI's mpirun, or a PMI-based one.
bool LaunchedByMpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(var) != nullptr) return true;
  }
  return false;
}

// Messages go in pieces of at most 1 GiB (MPI counts are ints), so a rank's
// partial states and rank 0's merged ones may be of any size.
constexpr size_t kPiece = size_t{1} << 30;

void SendBytes(const std::string& data, int to) {
  uint64_t n = data.size();
  MPI_Send(&n, 1, MPI_UINT64_T, to, 0, MPI_COMM_WORLD);
  for (size_t off = 0; off < data.size(); off += kPiece) {
    const int len = static_cast<int>(std::min(kPiece, data.size() - off));
    MPI_Send(data.data() + off, len, MPI_BYTE, to, 1, MPI_COMM_WORLD);
  }
}

std::string ReceiveBytes(int from) {
  uint64_t n = 0;
  MPI_Recv(&n, 1, MPI_UINT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  std::string data(n, '\0');
  for (size_t off = 0; off < data.size(); off += kPiece) {
    const int len = static_cast<int>(std::min(kPiece, data.size() - off));
    MPI_Recv(data.data() + off, len, MPI_BYTE, from, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return data;
}

class Mpi final : public ShardComm {
 public:
  Mpi() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  // Rank 0 receives from every rank in turn (one message in flight: rank
  // 0 holds each rank's partials only until it merges them).
  std::vector<std::string> Gather(std::string mine) override {
    std::vector<std::string> out;
    if (rank_ != 0) {
      SendBytes(mine, 0);
      return out;
    }
    out.push_back(std::move(mine));
    for (int r = 1; r < size_; ++r) out.push_back(ReceiveBytes(r));
    return out;
  }

  std::string Broadcast(std::string data) override {
    uint64_t n = data.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    data.resize(n);
    for (size_t off = 0; off < data.size(); off += kPiece) {
      const int len = static_cast<int>(std::min(kPiece, data.size() - off));
      MPI_Bcast(data.data() + off, len, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
    return data;
  }

  std::string host() const override { return HostName(); }

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

void InitMpi(int* argc, char*** argv) {
  if (!LaunchedByMpi()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  g_mpi_started = true;
}

void FinalizeMpi() {
  if (!g_mpi_started) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
  g_mpi_started = false;
}

std::unique_ptr<ShardComm> MpiComm() {
  if (!g_mpi_started) return nullptr;
  auto comm = std::make_unique<Mpi>();
  if (comm->size() <= 1) return nullptr;
  return comm;
}

}  // namespace smr
