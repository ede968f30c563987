// ReadProgressBar: the live progress bar of `sm-report build` on a terminal
// while the input is read (files, MB, MB/s, ETA), redrawn a few times a
// second from a side thread and cleared when reading ends.
#ifndef SMR_SRC_PIPELINE_PROGRESS_BAR_H_
#define SMR_SRC_PIPELINE_PROGRESS_BAR_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <thread>
#include <vector>

#include "smr/discover.h"

namespace smr {

// The files count is estimated from the bytes read (ReadChars): files are
// read in discovery order by every worker, so it is exact with one worker
// and close with several. Without /proc/self/io or with no bytes to read,
// nothing is drawn.
class ReadProgressBar {
 public:
  ReadProgressBar(const Discovery& discovery, std::ostream* log);
  ~ReadProgressBar() { Stop(); }
  ReadProgressBar(const ReadProgressBar&) = delete;
  ReadProgressBar& operator=(const ReadProgressBar&) = delete;

  // Stops the thread and clears the bar (idempotent).
  void Stop();

 private:
  void Run();
  void Draw();

  std::ostream* log_;
  int64_t base_rchar_;
  std::chrono::steady_clock::time_point start_;
  std::vector<uint64_t> cumulative_;
  uint64_t total_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_PROGRESS_BAR_H_
