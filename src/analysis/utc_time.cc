// UTC calendar time of epoch seconds (smr/utc_time.h).
#include "smr/utc_time.h"

#include <cmath>

namespace smr {

bool UtcCalendar(double epoch_s, std::tm* out) {
  if (!std::isfinite(epoch_s)) return false;
  const std::time_t t = static_cast<std::time_t>(std::floor(epoch_s));
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return false;
  *out = tm;
  return true;
}

}  // namespace smr
