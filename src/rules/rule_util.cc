#include "src/rules/rule_util.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "smr/analysis.h"

namespace smr {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseDouble(std::string_view text, double* out) {
  text = Trim(text);
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return false;
  if (!std::isfinite(v)) return false;
  *out = v;
  return true;
}

Status RangeError(std::string_view rule, std::string_view param, std::string_view text,
                  std::string_view allowed) {
  return Status::Error(fmt::format("rule {}: parameter '{}' has invalid value '{}' (allowed: {})",
                                   rule, param, text, allowed));
}

}  // namespace

Status ParsePercentParam(std::string_view rule, std::string_view param,
                         std::string_view text, double* out) {
  double v = 0;
  if (!ParseDouble(text, &v) || v < 0 || v > 100) {
    return RangeError(rule, param, text, "a number from 0 to 100");
  }
  *out = v;
  return Status::Ok();
}

Status ParsePositiveIntParam(std::string_view rule, std::string_view param,
                             std::string_view text, int64_t* out) {
  std::string_view t = Trim(text);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size() || v < 1) {
    return RangeError(rule, param, text, "a positive integer");
  }
  *out = v;
  return Status::Ok();
}

Status ParsePositiveParam(std::string_view rule, std::string_view param,
                          std::string_view text, double* out) {
  double v = 0;
  if (!ParseDouble(text, &v) || v <= 0) {
    return RangeError(rule, param, text, "a number greater than 0");
  }
  *out = v;
  return Status::Ok();
}

Status UnknownParamError(std::string_view rule, std::string_view param,
                         const std::vector<ParamSpec>& specs) {
  if (specs.empty()) {
    return Status::Error(
        fmt::format("rule {} has no parameter '{}' (it takes no parameters)", rule, param));
  }
  std::string names;
  for (const ParamSpec& s : specs) {
    if (!names.empty()) names += ", ";
    names += s.name;
  }
  return Status::Error(
      fmt::format("rule {} has no parameter '{}' (allowed: {})", rule, param, names));
}

BoxStats ComputeBoxStats(std::span<const double> values) {
  BoxStats b;
  if (values.empty()) return b;
  // min and max are the 0 and 1 quantiles (exact order statistics).
  static constexpr double kQs[] = {0.25, 0.50, 0.75, 0.95, 0.0, 1.0};
  double q[6];
  std::vector<double> scratch;
  Quantiles(values, kQs, q, &scratch);
  b.p25 = q[0];
  b.p50 = q[1];
  b.p75 = q[2];
  b.p95 = q[3];
  b.min = q[4];
  b.max = q[5];
  const double iqr = b.p75 - b.p25;
  b.upper = std::min(b.p75 + 1.5 * iqr, b.max);
  b.lower = std::max(b.p25 - 1.5 * iqr, b.min);
  return b;
}

size_t TimestampSlots::Slot(double ts, bool* is_new) {
  *is_new = false;
  const uint64_t bits = std::bit_cast<uint64_t>(ts);
  if (last_slot_ != SIZE_MAX && bits == last_bits_) return last_slot_;
  size_t slot;
  if (map_) {
    auto [it, inserted] = map_->emplace(ts, count_);
    if (inserted) ++count_, *is_new = true;
    slot = it->second;
  } else if (sorted_.empty() || sorted_.back().first < ts) {
    sorted_.emplace_back(ts, count_);
    slot = count_++;
    *is_new = true;
  } else {
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), ts,
                               [](const auto& e, double t) { return e.first < t; });
    if (it != sorted_.end() && it->first == ts) {
      slot = it->second;
    } else {
      map_ = std::make_unique<std::unordered_map<double, size_t>>(sorted_.begin(),
                                                                   sorted_.end());
      std::vector<std::pair<double, size_t>>().swap(sorted_);
      map_->emplace(ts, count_);
      slot = count_++;
      *is_new = true;
    }
  }
  last_bits_ = bits;
  last_slot_ = slot;
  return slot;
}

}  // namespace smr
