// Reading fields of a findings document (findings_doc.h) that may be
// absent: a hand-made or older document must not reach nlohmann's const
// operator[] on a missing key (undefined behaviour). Private to src/render
// and the pipeline's CI files.
#ifndef SMR_SRC_RENDER_JSON_FIELDS_H_
#define SMR_SRC_RENDER_JSON_FIELDS_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace smr {
namespace json_fields {

using Json = nlohmann::ordered_json;

// j[key], or a null value when `j` is no object or has no such key.
inline const Json& At(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// The string at `key`, "" when absent or not a string.
inline std::string Str(const Json& j, const char* key) {
  const Json& v = At(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}

// The number at `key` as an integer, 0 when absent or not a number.
inline int64_t Int(const Json& j, const char* key) {
  const Json& v = At(j, key);
  return v.is_number() ? v.get<int64_t>() : 0;
}

}  // namespace json_fields
}  // namespace smr

#endif  // SMR_SRC_RENDER_JSON_FIELDS_H_
