// XML text (xml_text.h).
#include "src/render/xml_text.h"

#include <cstddef>

#include "smr/diagnostics.h"

namespace smr {

std::string XmlEscape(std::string_view raw) {
  const std::string s = ReplaceInvalidUtf8(raw);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t' && c != '\r') continue;
    if (u == 0xEF && s.compare(i, 2, "\xEF\xBF") == 0 && i + 2 < s.size() &&
        (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) {
      i += 2;  // U+FFFE or U+FFFF
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace smr
