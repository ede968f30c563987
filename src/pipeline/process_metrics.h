// Process metrics for --timings and the progress bar: wall and CPU time,
// resident memory and the bytes read so far, from getrusage and /proc/self.
#ifndef SMR_SRC_PIPELINE_PROCESS_METRICS_H_
#define SMR_SRC_PIPELINE_PROCESS_METRICS_H_

#include <chrono>
#include <cstdint>

namespace smr {

// Seconds from `a` to `b`.
double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b);

// Peak resident set so far (ru_maxrss, KiB on Linux); 0 if unavailable.
int64_t PeakRssKb();

// User + system CPU time of the process so far; 0 if unavailable.
double CpuSeconds();

// Current resident set from /proc/self/statm, KiB (0 if unavailable).
int64_t RssKb();

// Bytes this process has read through read(2) and friends (rchar of
// /proc/self/io), -1 if unavailable. ImportAll has no progress callback,
// but every byte it parses comes through read(), so this is an exact
// progress measure without touching the importers.
int64_t ReadChars();

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_PROCESS_METRICS_H_
