// Deterministic pseudo-random numbers for the sample generator.
//
// splitmix64 plus hand-written transforms, so a seed gives byte-identical
// output on every platform and standard library (std::*_distribution output
// is implementation-defined and differs between libstdc++ versions).
#ifndef SMR_SAMPLES_GENERATOR_PRNG_H_
#define SMR_SAMPLES_GENERATOR_PRNG_H_

#include <cstdint>
#include <string_view>

namespace smr::samplegen {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  // Independent stream for one named series: the same (seed, name) always
  // gives the same numbers, whatever other series are generated.
  static SplitMix64 ForStream(uint64_t seed, std::string_view name) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a over the name
    for (char c : name) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    SplitMix64 mix(seed ^ h);
    return SplitMix64(mix.Next());
  }

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi].
  int64_t Int(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }

  // Bell-shaped noise with mean 0 and standard deviation 1, bounded to
  // +-3.46 (Irwin-Hall sum of four uniforms). Bounded on purpose: no libm
  // call, and no rare far outliers that would make step durations look like
  // StepOutlier findings in scenarios meant to be clean.
  double Noise() {
    const double s = Uniform() + Uniform() + Uniform() + Uniform();
    return (s - 2.0) * 1.7320508075688772;
  }

 private:
  uint64_t state_;
};

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_PRNG_H_
