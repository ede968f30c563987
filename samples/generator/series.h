// One metric series of the system-metrics writer: a mean-reverting random
// walk around a target that the caller changes with the job's phase, folded
// back into [lo, hi]. Each series has its own random stream (seed, name), so
// adding a series leaves the others unchanged. Internal to smr-sample-gen.
#ifndef SMR_SAMPLES_GENERATOR_SERIES_H_
#define SMR_SAMPLES_GENERATOR_SERIES_H_

#include <algorithm>
#include <cstdint>
#include <string>

#include "samples/generator/prng.h"

namespace smr::samplegen {

class Series {
 public:
  Series(uint64_t seed, const std::string& name, double sigma)
      : rng_(SplitMix64::ForStream(seed, name)), sigma_(sigma) {}
  // Next value around `target`, kept inside [lo, hi].
  double Next(double target, double lo, double hi) {
    walk_ = 0.75 * walk_ + sigma_ * rng_.Noise();
    double v = target + walk_;
    if (v > hi) v = hi - std::min(hi - lo, (v - hi) * 0.5) * rng_.Uniform();
    if (v < lo) v = lo + std::min(hi - lo, (lo - v) * 0.5) * rng_.Uniform();
    return v;
  }
  double Uniform(double lo, double hi) { return rng_.Uniform(lo, hi); }

 private:
  SplitMix64 rng_;
  double sigma_;
  double walk_ = 0;
};

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_SERIES_H_
