// Shards of nodes (docs/scaling.md): the input's files grouped by the node
// that wrote them, so that a job too large for one process is read and
// evaluated a group of nodes at a time (`--max-memory`) or by several
// processes (MPI ranks), each group's partial results merged exactly.
#ifndef SMR_SHARD_H_
#define SMR_SHARD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "smr/discover.h"

namespace smr {

// The node a file belongs to: a system file's node ("algo-1"), a framework
// file's host ("0-algo-1" -> "algo-1", so a host's system and framework
// files stay together), a PyTorch-profiler trace's own path (each trace is
// its own unit).
std::string ShardKeyOf(const InputFile& file);

struct ShardGroup {
  std::vector<std::string> keys;  // nodes, in natural order
  std::vector<uint32_t> files;    // indices into Discovery::files, ascending
  uint64_t bytes = 0;             // their size
};

// Splits the input into at most `n` groups of whole nodes with balanced
// bytes: nodes by size, largest first (ties in natural order), each to the
// group with the fewest bytes so far (the first such). Deterministic; no
// empty group (fewer groups when there are fewer nodes). n <= 1: one group.
std::vector<ShardGroup> GroupByNode(const Discovery& discovery, int n);

// Peak memory (bytes) of reading and evaluating a group's files at once, as
// measured (docs/performance.md): 100 MB plus 19 % of system metrics, 33 %
// of trace JSON and 6x a gzip trace's size.
uint64_t EstimatePeakMemory(const Discovery& discovery, const ShardGroup& group);

// Memory the merged partial states of the whole job take while it is read
// in groups: 5 % of its input (JSON bytes), as measured (docs/scaling.md).
uint64_t EstimateMergedStates(const Discovery& discovery);

// One group when the whole job's EstimatePeakMemory fits in `max_memory`;
// else the fewest groups (GroupByNode) whose every group's estimate plus
// the merged states fits. A node larger than that gets a group of its own
// (the limit cannot be kept below one node and the merged states).
std::vector<ShardGroup> GroupForMemory(const Discovery& discovery, uint64_t max_memory);

// The Discovery of one group's files (same root, files in reader order,
// each keeping its InputFile::order).
Discovery SubDiscovery(const Discovery& discovery, const ShardGroup& group);

// Parses a memory size: "4G", "512M", "1.5GiB", "800MB", "2T", a plain
// number of bytes, or a share of the machine's RAM ("50%"). Error message
// says what is accepted.
bool ParseMemorySize(const std::string& text, uint64_t* bytes, std::string* error);
// The machine's physical memory in bytes (0 if unknown).
uint64_t PhysicalMemoryBytes();

}  // namespace smr

#endif  // SMR_SHARD_H_
