// HtmlText: the tests' own HTML escaping, to find text in rendered HTML
// independently of the renderer's code.
#ifndef SMR_TESTS_TESTING_HTML_TEXT_H_
#define SMR_TESTS_TESTING_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace smr::testing {

// Escapes the five HTML-special characters the way a reader's browser must
// see them as text (independent of the renderer's code path).
inline std::string HtmlText(std::string_view text) {
  std::string out;
  for (char c : text) {
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

}  // namespace smr::testing

#endif  // SMR_TESTS_TESTING_HTML_TEXT_H_
