// Gzip-compressing test inputs (gzip wrapper, windowBits 15 + 16), for the
// tests of readers of .gz files.
#ifndef SMR_TESTS_TESTING_GZIP_H_
#define SMR_TESTS_TESTING_GZIP_H_

#include <zlib.h>

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace smr {
namespace testing {

inline std::string Gzip(std::string_view data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_TESTING_GZIP_H_
