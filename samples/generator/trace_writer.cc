// Framework trace files (docs/formats.md 1.2, 3.1): one node's pythontimeline
// files, written like smdebug's TimelineFileWriter (metadata block per file,
// phase pids numbered from 1 in order of first use in the file, "[\n" ...
// ",\n" ... "\n]", rotation after 60 s or at a UTC hour change, file named by
// the end time of the last event written).
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "samples/generator/writers.h"

namespace smr::samplegen {
namespace {

namespace fs = std::filesystem;

// The metadata events that start every file.
void AppendFileHeader(int64_t base_us, std::string* out) {
  fmt::format_to(std::back_inserter(*out),
                 "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": "
                 "{{\"start_time_since_epoch_in_micros\": {}}}}},\n"
                 "{{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": 0, \"args\": "
                 "{{\"sort_index\": 0}}}},\n",
                 base_us);
}

// The metadata events of a phase's pid, before its first event in a file.
void AppendPhaseHeader(int pid, Phase phase, std::string* out) {
  fmt::format_to(std::back_inserter(*out),
                 "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {0}, \"args\": "
                 "{{\"name\": \"{1}\"}}}},\n"
                 "{{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": {0}, \"args\": "
                 "{{\"sort_index\": {0}}}}},\n",
                 pid, kPhaseNames[phase]);
}

// One X event with the args of its phase.
void AppendEvent(const Event& e, int pid_index, int64_t base_us, int64_t node_pid,
                 std::string* out) {
  auto o = std::back_inserter(*out);
  fmt::format_to(o,
                 "{{\"name\": \"{}\", \"pid\": {}, \"ph\": \"X\", \"ts\": {}, \"dur\": {}, "
                 "\"args\": {{",
                 e.name, pid_index, e.start_us - base_us, e.dur_us);
  switch (e.phase) {
    case kPhaseStepTrain:
    case kPhaseStepEval:
    case kPhaseForward:
      fmt::format_to(o, "\"pid\": {}, \"step_num\": \"{}\"", node_pid, e.a);
      break;
    case kPhaseIterInit:
      fmt::format_to(o, "\"pid\": {}, \"num_workers\": {}, \"pin_memory\": true", node_pid, e.a);
      break;
    case kPhaseIter:
      fmt::format_to(o, "\"pid\": {}", node_pid);
      break;
    case kPhaseWorker:
      fmt::format_to(o, "\"pid\": {}, \"worker_id\": {}", node_pid + e.b, e.a);
      break;
    case kPhaseCpuFunctions:
      fmt::format_to(o, "\"tid\": {}, \"step_num\": {}, \"device\": \"cpu\"", e.a, e.b);
      break;
    case kPhaseGpuFunctions:
      fmt::format_to(o,
                     "\"tid\": 0, \"step_num\": {}, \"event_name\": \"{}\", \"device\": 0, "
                     "\"start_cpu_thread\": 1, \"cpu_thread_start_time\": {}.0",
                     e.b, e.s, e.c);
      break;
    case kPhaseCount:
      break;
  }
  out->append("}},\n");
}

}  // namespace

bool WriteTraces(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                 int64_t node_pid, const fs::path& out_dir, Summary* summary, std::string* error) {
  const std::string node_id = fmt::format("{}-algo-{}", node - 1, node);
  const int64_t base_us = sched.writer_base_us + offset_us;
  std::string buf;
  int pid_of_phase[kPhaseCount];
  bool open = false;
  int next_pid = 1;
  int64_t last_close_us = base_us;
  int64_t cur_hour = 0;
  int64_t last_end_us = 0;

  auto close = [&]() -> bool {
    // The writer replaces the trailing ",\n" by "\n]" (docs/formats.md 3.1).
    buf.resize(buf.size() - 2);
    buf.append("\n]");
    const fs::path path = out_dir / "framework" / "pevents" / HourDir(last_end_us / kUsPerS) /
                          fmt::format("{}_{}_pythontimeline.json", last_end_us, node_id);
    if (!WriteFile(path, buf, summary, error)) return false;
    ++summary->trace_files;
    open = false;
    last_close_us = last_end_us;
    return true;
  };

  for (const Event& src : sched.events) {
    if (sc.gpus == 0 && src.phase == kPhaseGpuFunctions) continue;
    Event e = src;
    e.start_us += offset_us;
    e.write_us += offset_us;
    if (e.phase == kPhaseGpuFunctions) e.c += offset_us;
    const int64_t end_us = e.start_us + e.dur_us;
    const int64_t hour = end_us / (3600 * kUsPerS);
    if (open && (hour != cur_hour || end_us - last_close_us > 60 * kUsPerS)) {
      if (!close()) return false;
    }
    if (!open) {
      buf.assign("[\n");
      std::fill(std::begin(pid_of_phase), std::end(pid_of_phase), 0);
      next_pid = 1;
      cur_hour = hour;
      open = true;
      AppendFileHeader(base_us, &buf);
    }
    if (pid_of_phase[e.phase] == 0) {
      pid_of_phase[e.phase] = next_pid++;
      AppendPhaseHeader(pid_of_phase[e.phase], e.phase, &buf);
    }
    AppendEvent(e, pid_of_phase[e.phase], base_us, node_pid, &buf);
    ++summary->trace_events;
    last_end_us = end_us;
  }
  if (open && !close()) return false;
  return true;
}

}  // namespace smr::samplegen
