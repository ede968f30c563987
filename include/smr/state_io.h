// StateWriter / StateReader: the byte form of partial states (rule partials,
// plan facts, data-quality counts) that shards of a job send to the process
// that merges them (MPI messages, docs/scaling.md). Values are written in
// the machine's byte order (every rank of one job runs the same build) with
// lengths before sequences; doubles travel bit for bit, so a merged state is
// exactly the one the shards computed. A reader that runs out of bytes or
// meets an impossible length stops and says so (ok() false); it never reads
// past its buffer.
#ifndef SMR_STATE_IO_H_
#define SMR_STATE_IO_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace smr {

class StateWriter {
 public:
  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void Put(const T& v) { buf_.append(reinterpret_cast<const char*>(&v), sizeof(T)); }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    buf_.append(s.data(), s.size());
  }
  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void PutVector(const std::vector<T>& v) {
    Put<uint64_t>(v.size());
    buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void PutStrings(const std::vector<std::string>& v) {
    Put<uint64_t>(v.size());
    for (const std::string& s : v) PutString(s);
  }
  const std::string& bytes() const { return buf_; }
  std::string Take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : data_(bytes) {}

  template <typename T>
  requires std::is_trivially_copyable_v<T> T Get() {
    T v{};
    if (!Need(sizeof(T))) return v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string GetString() {
    const auto n = Get<uint64_t>();
    if (!Need(n)) return {};
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  requires std::is_trivially_copyable_v<T> std::vector<T> GetVector() {
    const auto n = Get<uint64_t>();
    if (n > (data_.size() - pos_) / (sizeof(T) == 0 ? 1 : sizeof(T))) {
      ok_ = false;
      return {};
    }
    std::vector<T> v(n);
    if (n == 0) return v;  // (an empty vector's data() may be null: no memcpy)
    std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  std::vector<std::string> GetStrings() {
    const auto n = Get<uint64_t>();
    std::vector<std::string> v;
    for (uint64_t i = 0; i < n && ok_; ++i) v.push_back(GetString());
    return v;
  }
  // False once a read ran past the end.
  bool ok() const { return ok_; }
  // True when every byte was read (and nothing ran past the end).
  bool done() const { return ok_ && pos_ == data_.size(); }

 private:
  bool Need(uint64_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace smr

#endif  // SMR_STATE_IO_H_
