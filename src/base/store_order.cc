// MetricStore::RowOrder / EventOrder (smr/store.h): a record's place in the
// whole input's reader order, the same whether the store holds the whole
// input or a shard of it (smr/shard.h).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "smr/store.h"

namespace smr {
namespace {

// (order << 32) | index within the file of record `i`, for files listed
// by their first record in `with_records`; `i` itself when no file says
// where its records are (stores built in memory by tests).
uint64_t RecordOrder(const std::vector<FileStats>& files, const std::vector<uint32_t>& with_records,
                     uint64_t FileStats::*first, size_t i) {
  auto it = std::upper_bound(with_records.begin(), with_records.end(), i,
                             [&](size_t v, uint32_t f) { return v < files[f].*first; });
  if (it == with_records.begin()) return i;
  const FileStats& f = files[*(it - 1)];
  return (static_cast<uint64_t>(f.order) << 32) | (i - f.*first);
}

}  // namespace

uint64_t MetricStore::RowOrder(size_t row) const {
  return RecordOrder(files_, row_files_, &FileStats::first_row, row);
}

uint64_t MetricStore::EventOrder(size_t event) const {
  return RecordOrder(files_, event_files_, &FileStats::first_event, event);
}

}  // namespace smr
