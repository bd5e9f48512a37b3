// The themes' text contrast (WCAG 2: relative luminance, at least 4.5:1 for body text).
#include <catch2/catch.hpp>

#include "scene_ui.h"

using namespace convplay::app;

TEST_CASE("contrast_ratio follows WCAG 2's relative luminance") {
  const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1);
  CHECK(contrast_ratio(black, white) == Approx(21.0));
  CHECK(contrast_ratio(white, black) == Approx(21.0));
  CHECK(contrast_ratio(white, white) == Approx(1.0));
  // #777 on white is the classic borderline case: 4.48:1.
  const float g = 0x77 / 255.0f;
  CHECK(contrast_ratio(ImVec4(g, g, g, 1), white) == Approx(4.48).margin(0.01));
  // ImGui's own disabled grey (0.6) on the light background: the 2.7:1 a student could not read.
  CHECK(contrast_ratio(ImVec4(0.6f, 0.6f, 0.6f, 1), theme_colours(false).window_bg) < 3.0);
}

TEST_CASE("intro and hint text is at least 4.5:1 on its theme's background") {
  for (bool dark : {false, true}) {
    INFO((dark ? "dark" : "light"));
    const ThemeColours& c = theme_colours(dark);
    CHECK(contrast_ratio(c.muted_text, c.window_bg) >= 4.5);
    // and the ordinary text (ImGui's black or white) stays well above it
    CHECK(contrast_ratio(dark ? ImVec4(1, 1, 1, 1) : ImVec4(0, 0, 0, 1), c.window_bg) >= 7.0);
  }
}
