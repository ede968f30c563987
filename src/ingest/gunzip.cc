// Gunzip: inflates gzip (or zlib) data, keeping what inflates before a
// corruption (TF trace.json.gz files, docs/formats.md §3.5).
#include <algorithm>
#include <string>
#include <string_view>

#include <zlib.h>

#include "smr/ingest.h"

namespace smr {

std::string Gunzip(std::string_view compressed, bool* ok) {
  *ok = true;
  std::string out;
  z_stream zs{};
  // 15 + 32: zlib or gzip header, detected automatically.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    *ok = false;
    return out;
  }
  const auto* in = reinterpret_cast<const Bytef*>(compressed.data());
  size_t in_left = compressed.size();
  constexpr size_t kChunk = 1 << 18;
  bool done = false;
  while (!done) {
    if (zs.avail_in == 0 && in_left > 0) {
      uInt n = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
      zs.next_in = const_cast<Bytef*>(in);
      zs.avail_in = n;
      in += n;
      in_left -= n;
    }
    size_t used = out.size();
    out.resize(used + kChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(kChunk);
    int ret = inflate(&zs, Z_NO_FLUSH);
    out.resize(used + (kChunk - zs.avail_out));
    switch (ret) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        // Concatenated gzip members are legal; trailing zero bytes are not a
        // member, so stop there.
        if (zs.avail_in == 0 && in_left == 0) {
          done = true;
        } else if (zs.avail_in > 0 && zs.next_in[0] == 0) {
          done = true;
        } else if (inflateReset(&zs) != Z_OK) {
          *ok = false;
          done = true;
        }
        break;
      case Z_BUF_ERROR:
        // No progress possible: input exhausted before the stream ended.
        if (zs.avail_in == 0 && in_left == 0) {
          *ok = false;
          done = true;
        }
        break;
      default:  // Z_DATA_ERROR, Z_MEM_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
        *ok = false;
        done = true;
        break;
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace smr
