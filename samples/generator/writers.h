// The per-node writers of the sample generator and the file helpers they
// share: trace_writer.cc (framework trace files), system_writer.cc (system
// metrics), output_files.cc (hour folders, writing a file). Internal to
// smr-sample-gen.
#ifndef SMR_SAMPLES_GENERATOR_WRITERS_H_
#define SMR_SAMPLES_GENERATOR_WRITERS_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "samples/generator/generator.h"
#include "samples/generator/schedule.h"

namespace smr::samplegen {

// Writes node's <out_dir>/framework/pevents/... trace files: the schedule's
// events shifted by offset_us, the node's main process id node_pid.
bool WriteTraces(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                 int64_t node_pid, const std::filesystem::path& out_dir, Summary* summary,
                 std::string* error);

// Writes node's <out_dir>/system/incremental/... metric files, one sample
// every interval_ms from the job start (shifted by offset_us) to its end.
bool WriteSystem(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                 const std::filesystem::path& out_dir, Summary* summary, std::string* error);

// The UTC hour folder name (YYYYMMDDHH) of an epoch second.
std::string HourDir(int64_t epoch_s);

// Writes data to path (creating its folders) and adds its size to
// summary->bytes; false and *error on an I/O problem.
bool WriteFile(const std::filesystem::path& path, const std::string& data, Summary* summary,
               std::string* error);

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_WRITERS_H_
