// Text the scenes draw: lines that break at spaces only (numbers stay whole), and cell numbers that
// shrink a little rather than vanish in narrow cells (the colour scene's −0.06 kernel weights).
#include <catch2/catch.hpp>

#include "scene_ui.h"
#include "tensor_view.h"

#include <sstream>
#include <string>
#include <vector>

using namespace convplay::app;

namespace {
// One unit per character (UTF-8 code point), like a monospaced font.
float chars(std::string_view s) {
  float n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1.0f : 0.0f;
  return n;
}
std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}
} // namespace

TEST_CASE("text_wrapped's lines break at spaces only, so that no number is split at its '.' or ','", "[text]") {
  const std::string text = "output (0, 0) = 3·(−0.164) + 2·0.5 = −0.164, from 154,140,672 weights and 1.5e+07 values";
  for (float width : {4.0f, 8.0f, 12.0f, 20.0f, 40.0f, 200.0f}) {
    INFO("width " << width);
    const auto lines = wrap_at_spaces(text, width, chars);
    std::vector<std::string> again;
    for (std::string_view line : lines) {
      INFO("line '" << line << "'");
      CHECK(!line.empty());
      CHECK(line.front() != ' ');
      CHECK(line.back() != ' ');
      // A line is wider than the width only when it is one word that does not fit anywhere.
      if (chars(line) > width) CHECK(words(std::string(line)).size() == 1);
      for (const std::string& w : words(std::string(line))) again.push_back(w);
    }
    CHECK(again == words(text)); // every word whole, in order: "−0.164" and "154,140,672" are never cut
  }
  CHECK(wrap_at_spaces(text, 200.0f, chars) == std::vector<std::string_view>{text});
  // Line breaks in the text are kept; an empty line stays.
  const std::string two = "a b\n\nc";
  CHECK(wrap_at_spaces(two, 10.0f, chars) == std::vector<std::string_view>{"a b", "", "c"});
  CHECK(wrap_at_spaces("", 10.0f, chars) == std::vector<std::string_view>{""});
  // Runs of spaces between words count as drawn: "x: 1    W: 2" is 12 wide, not 9 (the features scene's
  // shape line was measured with single spaces and overran its line).
  CHECK(wrap_at_spaces("x: 1    W: 2", 12.0f, chars) == std::vector<std::string_view>{"x: 1    W: 2"});
  CHECK(wrap_at_spaces("x: 1    W: 2", 11.0f, chars) == std::vector<std::string_view>{"x: 1    W:", "2"});
  CHECK(wrap_at_spaces("x: 1    W: 2", 9.0f, chars) == std::vector<std::string_view>{"x: 1", "W: 2"});
}

TEST_CASE("a cell's number is written smaller when it is a little too wide, and left out when far too wide", "[text]") {
  CHECK(cell_number_scale(20.0f, 35.0f) == 1.0f);
  CHECK(cell_number_scale(33.0f, 35.0f) == 1.0f);
  const float scale = cell_number_scale(36.0f, 35.0f); // "−0.06" in a 3 × 3 kernel's 35-pixel cell
  CHECK(scale == Approx(33.0f / 36.0f));
  CHECK(36.0f * scale <= 33.0f);
  CHECK(cell_number_scale(60.0f, 35.0f) == 0.0f); // below 70 %: unreadable, not written
}
