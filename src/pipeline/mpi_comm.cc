// MpiComm (shard_comm.h): the ranks of an MPI job (Open MPI), for a build
// with -DSMR_MPI=ON. Byte strings travel as MPI_BYTE with their sizes
// gathered first; one message is at most 2 GiB (partial states are small:
// per node, GPU and window, docs/scaling.md).
// The C API only: Open MPI's deprecated C++ bindings do not build cleanly
// with the project's warnings.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdlib>
#include <limits>
#include <stdexcept>
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

int CheckedSize(size_t n) {
  if (n > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw std::runtime_error("a partial state over 2 GiB cannot be sent in one MPI message");
  }
  return static_cast<int>(n);
}

class Mpi final : public ShardComm {
 public:
  Mpi() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> Gather(std::string mine) override {
    int n = CheckedSize(mine.size());
    std::vector<int> sizes(rank_ == 0 ? size_ : 0);
    MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> offsets(sizes.size());
    size_t total = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      offsets[i] = CheckedSize(total);
      total += static_cast<size_t>(sizes[i]);
    }
    std::string all(rank_ == 0 ? total : 0, '\0');
    MPI_Gatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, 0,
                MPI_COMM_WORLD);
    std::vector<std::string> out;
    for (size_t i = 0; i < sizes.size(); ++i) {
      out.push_back(all.substr(static_cast<size_t>(offsets[i]), static_cast<size_t>(sizes[i])));
    }
    return out;
  }

  std::string Broadcast(std::string data) override {
    int n = CheckedSize(data.size());
    MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
    data.resize(static_cast<size_t>(n));
    MPI_Bcast(data.data(), n, MPI_BYTE, 0, MPI_COMM_WORLD);
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
