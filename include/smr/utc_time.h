// UTC calendar time of epoch seconds: the one gmtime_r call that the report's,
// the charts' and data-quality.json's time formatters share.
#ifndef SMR_UTC_TIME_H_
#define SMR_UTC_TIME_H_

#include <ctime>

namespace smr {

// Calendar fields (UTC) of `epoch_s` with the fraction dropped (floor).
// False, leaving `out` untouched, for non-finite input or a time the C
// library cannot represent.
bool UtcCalendar(double epoch_s, std::tm* out);

}  // namespace smr

#endif  // SMR_UTC_TIME_H_
