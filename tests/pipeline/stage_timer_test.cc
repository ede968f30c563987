// StageTimer (src/pipeline/stage_timer.cc) driven by a made-up probe: what
// each stage is booked, how SplitLast moves time, and the --timings table.
#include "src/pipeline/stage_timer.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

// Readings taken from a script, one per probe call; the last one repeats.
class ScriptedProbe {
 public:
  explicit ScriptedProbe(std::vector<StageTimer::Reading> readings)
      : readings_(std::move(readings)) {}
  StageTimer::Probe probe() {
    return [this] {
      const StageTimer::Reading r = readings_[std::min(next_, readings_.size() - 1)];
      ++next_;
      return r;
    };
  }

 private:
  std::vector<StageTimer::Reading> readings_;
  size_t next_ = 0;
};

TEST(StageTimerTest, LapBooksTheTimeSinceThePreviousReading) {
  // Construction, then per Lap: the end of the stage and the new start.
  ScriptedProbe script({{10.0, 1.0, 100, 50},
                        {12.5, 2.0, 300, 200},
                        {12.6, 2.1, 300, 200},
                        {13.6, 2.6, 400, 100},
                        {13.6, 2.6, 400, 100}});
  StageTimer timer(script.probe());
  timer.Lap("discover");
  timer.Lap("ingest");
  ASSERT_EQ(timer.stages().size(), 2u);
  EXPECT_EQ(timer.stages()[0].name, "discover");
  EXPECT_DOUBLE_EQ(timer.stages()[0].wall_s, 2.5);
  EXPECT_DOUBLE_EQ(timer.stages()[0].cpu_s, 1.0);
  EXPECT_EQ(timer.stages()[0].peak_rss_kb, 300);
  EXPECT_EQ(timer.stages()[0].rss_kb, 200);
  // The second stage starts at the reading after the first Lap (12.6 s), so
  // the cost of reading is not booked to it.
  EXPECT_EQ(timer.stages()[1].name, "ingest");
  EXPECT_DOUBLE_EQ(timer.stages()[1].wall_s, 1.0);
  EXPECT_DOUBLE_EQ(timer.stages()[1].cpu_s, 0.5);
}

TEST(StageTimerTest, SplitLastMovesTimeIntoANewStageAfterIt) {
  ScriptedProbe script({{0.0, 0.0, 0, 0}, {4.0, 6.0, 800, 700}});
  StageTimer timer(script.probe());
  timer.Lap("ingest");
  timer.SplitLast("freeze", 1.5);
  ASSERT_EQ(timer.stages().size(), 2u);
  EXPECT_EQ(timer.stages()[0].name, "ingest");
  EXPECT_DOUBLE_EQ(timer.stages()[0].wall_s, 2.5);
  EXPECT_DOUBLE_EQ(timer.stages()[0].cpu_s, 4.5);
  EXPECT_EQ(timer.stages()[1].name, "freeze");
  EXPECT_DOUBLE_EQ(timer.stages()[1].wall_s, 1.5);
  EXPECT_DOUBLE_EQ(timer.stages()[1].cpu_s, 1.5);
  EXPECT_EQ(timer.stages()[1].peak_rss_kb, 800);
}

TEST(StageTimerTest, SplitLastMovesAtMostThePreviousStage) {
  ScriptedProbe script({{0.0, 0.0, 0, 0}, {1.0, 0.5, 0, 0}});
  StageTimer timer(script.probe());
  timer.SplitLast("nothing yet", 1.0);  // no stage: ignored
  EXPECT_TRUE(timer.stages().empty());
  timer.Lap("ingest");
  timer.SplitLast("freeze", 5.0);
  ASSERT_EQ(timer.stages().size(), 2u);
  EXPECT_DOUBLE_EQ(timer.stages()[0].wall_s, 0.0);
  EXPECT_DOUBLE_EQ(timer.stages()[0].cpu_s, 0.0);
  EXPECT_DOUBLE_EQ(timer.stages()[1].wall_s, 1.0);
}

TEST(StageTimerTest, PrintShowsEveryStageAndTheTotal) {
  ScriptedProbe script({{0.0, 0.0, 0, 0},
                        {2.0, 1.0, 2048, 1024},
                        {2.0, 1.0, 2048, 1024},
                        {3.0, 1.5, 4096, 512},
                        {3.0, 1.5, 4096, 512},
                        {3.0, 1.5, 10240, 512}});
  StageTimer timer(script.probe());
  timer.Lap("discover");
  timer.Lap("rules");
  std::ostringstream log;
  timer.Print(&log);
  EXPECT_EQ(log.str(),
            "stage            wall s     cpu s   peak RSS MB    RSS now MB\n"
            "discover          2.000     1.000           2.0           1.0\n"
            "rules             1.000     0.500           4.0           0.5\n"
            "total             3.000     1.500          10.0\n");
}

}  // namespace
}  // namespace smr
