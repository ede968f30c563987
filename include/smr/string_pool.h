// StringPool: interned strings with dense, stable ids (the metric store,
// Kineto traces).
#ifndef SMR_STRING_POOL_H_
#define SMR_STRING_POOL_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace smr {

using StrId = uint32_t;

// Interns strings; ids are dense and stable for the pool's lifetime.
class StringPool {
 public:
  StringPool();  // id 0 is the empty string
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  StringPool(StringPool&&) = default;
  StringPool& operator=(StringPool&&) = default;
  StrId Intern(std::string_view s);
  std::string_view Get(StrId id) const { return strings_[id]; }
  // Returns the id if `s` was interned, else -1.
  int64_t Find(std::string_view s) const;
  size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;  // deque: element addresses are stable
  std::unordered_map<std::string_view, StrId> index_;
};

}  // namespace smr

#endif  // SMR_STRING_POOL_H_
