// Scene "modes": its description for screen readers, the transposed convolution's first padding and the
// sliders' ranges (the shape arithmetic itself is checked in scene_state_tests.cpp).
#include <catch2/catch.hpp>

#include "../scene_test_support.h"

#include <string>

using namespace convplay;
using namespace convplay::app;
using namespace convplay::app::testing;
using Catch::Matchers::Contains;

TEST_CASE("modes: the description gives the formula with numbers and the window's cell as setState moves it", "[modes][a11y]") {
  auto s = make_modes_scene();
  std::string d = s->description();
  CHECK_THAT(d, Contains("Input 5 × 5, kernel 3 × 3, stride 1, dilation 1. Output 3 × 3"));
  CHECK_THAT(d, Contains("width valid: N − K + 1 = 5 − 3 + 1 = 3"));
  CHECK_THAT(d, Contains("Output (0, 0) = 3·0 + 3·1 + 2·2"));
  CHECK_THAT(d, Contains("= 12."));
  // The window's line is the one state() reports; position 4 is cell (1, 1) = 17 (the lecture's output).
  REQUIRE(apply(*s, R"({"step":4})").empty());
  d = s->description();
  CHECK_THAT(d, Contains("Output (1, 1) = " + str(state(*s), "window") + "."));
  CHECK_THAT(d, Contains("= 17."));
  REQUIRE(apply(*s, R"({"n":9,"k":5,"stride":2,"padding":"same","step":0})").empty());
  d = s->description();
  CHECK_THAT(d, Contains("Input 9 × 9, kernel 5 × 5, stride 2"));
  CHECK_THAT(d, Contains("Output 5 × 5; height " + str(state(*s), "formula_h")));
  REQUIRE(apply(*s, R"({"h":0})") != "");
  CHECK(s->description() == d); // a refused setState leaves the text as it was
}

TEST_CASE("modes: the transposed convolution starts with P = 0, so 5 × 5 grows to 7 × 7 as its text says", "[modes]") {
  auto s = make_modes_scene();
  REQUIRE(num(state(*s), "pad_h") == 1); // the convolution's explicit padding
  REQUIRE(apply(*s, R"({"op":"transposed"})").empty());
  auto st = state(*s);
  CHECK(num(st, "pad_h") == 0);
  CHECK(num(st, "pad_w") == 0);
  CHECK(num(st, "out_h") == 7); // (N − 1)·S − 2P + K = 4 − 0 + 3
  CHECK(num(st, "out_w") == 7);
  CHECK_THAT(s->description(), Contains("transposed convolution. Input 5 × 5, kernel 3 × 3") && Contains("Output 7 × 7"));
  // A padding given with it is kept (saved links), and one set while transposed stays.
  REQUIRE(apply(*s, R"({"op":"conv"})").empty());
  REQUIRE(apply(*s, R"({"op":"transposed","pad":1})").empty());
  CHECK(num(state(*s), "out_h") == 5);
  REQUIRE(apply(*s, R"({"pad_w":2})").empty());
  CHECK(num(state(*s), "pad_h") == 1);
  CHECK(num(state(*s), "out_w") == 3);
}

TEST_CASE("modes: the size sliders reach every size the address accepts, so h = 512 from a link stays on the slider", "[modes][params-table]") {
  auto s = make_modes_scene();
  REQUIRE(apply(*s, R"({"h":512,"w":4096,"kh":1024})").empty());
  for (const ParamValue& p : s->parameters()) {
    const std::string key = p.spec->key;
    if (key != "h" && key != "w" && key != "kh" && key != "kw") continue;
    INFO("key " << key);
    CHECK(p.spec->widget == Widget::LogSlider);
    CHECK(p.spec->slider_max == 0); // the slider spans [lo, hi], what setState() and the address accept
    CHECK(p.spec->hi >= 1024);
    CHECK(std::get<double>(p.value) <= p.spec->hi);
  }
  CHECK(num(state(*s), "h") == 512);
}
