// Text for XML (the JUnit file, SVG titles): markup escaped and everything
// XML 1.0 cannot hold removed, so the document stays well-formed whatever
// the input (file and node names, rule texts). Private to src/render.
#ifndef SMR_SRC_RENDER_XML_TEXT_H_
#define SMR_SRC_RENDER_XML_TEXT_H_

#include <string>
#include <string_view>

namespace smr {

// & < > " ' escaped; bytes that are not UTF-8 become U+FFFD; controls other
// than tab and newlines, U+FFFE and U+FFFF are dropped.
std::string XmlEscape(std::string_view raw);

}  // namespace smr

#endif  // SMR_SRC_RENDER_XML_TEXT_H_
