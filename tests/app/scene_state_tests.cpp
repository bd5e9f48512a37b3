// Scene state through the same path as window.convplay.setState(): values come from the core, and bad
// input changes nothing and says why.
#include <catch2/catch.hpp>

#include "scene_test_support.h"

#include <convplay/shape.h>

using namespace convplay;
using namespace convplay::app;

using namespace convplay::app::testing;
using testing::text_of; // state_of below: the state as text
static std::string state_of(const Scene& s) { return text_of(s); }

TEST_CASE("modes: the lecture's 5x5 input and 3x3 filter give 3x3 (valid), 5x5 (same), 7x7 (full)", "[modes]") {
  auto s = make_modes_scene();
  CHECK(num(state(*s), "out_h") == 3);
  CHECK(num(state(*s), "out_w") == 3);
  REQUIRE(apply(*s, R"({"padding":"same"})").empty());
  CHECK(num(state(*s), "out_h") == 5);
  CHECK(num(state(*s), "out_w") == 5);
  REQUIRE(apply(*s, R"({"padding":"full"})").empty());
  CHECK(num(state(*s), "out_h") == 7);
  CHECK(num(state(*s), "out_w") == 7);
  REQUIRE(apply(*s, R"({"padding":"explicit","pad":2,"stride":2,"n":7,"k":3})").empty());
  CHECK(num(state(*s), "out_h") == 5);
  CHECK(num(state(*s), "out_w") == 5); // floor((7+4-3)/2)+1
}

TEST_CASE("modes: impossible combinations give the core's message, not a crash", "[modes]") {
  auto s = make_modes_scene();
  REQUIRE(apply(*s, R"({"n":5,"k":7,"dilation":2,"padding":"valid"})").empty());
  const std::string st = state_of(*s);
  CHECK(str(state(*s), "error") != "");
  CHECK(st.find("kernel 7") != std::string::npos);
  REQUIRE(apply(*s, R"({"k":3,"dilation":1,"stride":0})").empty());
  // The core's own message for that axis (the weak check of issue 13 item 7 found "stride" in any state).
  AxisSpec axis;
  axis.input = 5;
  axis.kernel = 3;
  axis.stride = 0;
  CHECK(str(state(*s), "error") == describe(axis, conv_axis(axis)));
}

TEST_CASE("modes: bad setState input is refused and changes nothing", "[modes]") {
  auto s = make_modes_scene();
  const std::string before = state_of(*s);
  CHECK(apply(*s, R"({"h":0})") == "h must be between 1 and 4096");
  CHECK(apply(*s, R"({"h":3,"padding":"sideways"})") == "padding must be one of: valid, same, full, explicit");
  CHECK(apply(*s, R"({"colour":"red"})") == "unknown key 'colour' for scene modes");
  CHECK(apply(*s, R"({"flip":"yes"})") == "flip must be true or false");
  CHECK(state_of(*s) == before);
}

TEST_CASE("params: the lecture's 32x32x3 input, 64 filters 5x5 valid: 4,800 weights versus 154,140,672", "[params]") {
  auto s = make_params_scene();
  const std::string st = state_of(*s);
  CHECK(num(state(*s), "out_h") == 28);
  CHECK(num(state(*s), "out_w") == 28);
  CHECK(num(state(*s), "conv_weights") == 4800.0);
  CHECK(num(state(*s), "conv_parameters") == 4864.0);
  CHECK(num(state(*s), "dense_weights") == 154140672.0);
}

TEST_CASE("params: an HD image to a dense layer needs more weights than 32 bits count", "[params]") {
  auto s = make_params_scene();
  REQUIRE(apply(*s, R"({"h":720,"w":1280,"c":3,"filters":64,"k":3,"padding":"same"})").empty());
  const std::string st = state_of(*s);
  CHECK(num(state(*s), "conv_weights") == 1728.0);
  // 2,764,800 inputs × 58,982,400 outputs = 163,074,539,520,000 weights: past 2^32, within 2^63.
  CHECK(num(state(*s), "dense_weights") == 163074539520000.0);
  CHECK(apply(*s, R"({"k":0})") == "k must be between 1 and 1024");
  CHECK(apply(*s, R"({"padding":"explicit"})") == "padding must be one of: valid, same, full");
}

TEST_CASE("modes: the lecture's numbers, the window written out, and true convolution", "[modes]") {
  auto s = make_modes_scene();
  std::string st = state_of(*s);
  CHECK(str(state(*s), "output") == "12,12,17,10,17,19,9,6,14");
  CHECK(st.find("3·0 + 3·1 + 2·2 + 0·2 + 0·2 + 1·0 + 3·0 + 1·1 + 2·2 = 12") != std::string::npos);
  REQUIRE(apply(*s, R"({"step":5})").empty()); // output (1, 2) = 19
  CHECK(state_of(*s).find("= 19\"") != std::string::npos);
  // True convolution: the flipped kernel [[2,1,0],[0,2,2],[2,1,0]]; at (0,0): 3·2+3·1+2·0+0·0+0·2+1·2+3·2+1·1+2·0 = 18.
  REQUIRE(apply(*s, R"({"flip":true,"step":0})").empty());
  st = state_of(*s);
  CHECK(st.find("3·2 + 3·1 + 2·0 + 0·0 + 0·2 + 1·2 + 3·2 + 1·1 + 2·0 = 18") != std::string::npos);
  CHECK(str(state(*s), "output").rfind("18,", 0) == 0);
}

TEST_CASE("modes: transposed convolution inverts the shape of a strided convolution", "[modes]") {
  auto s = make_modes_scene();
  // 3×3 input, 3×3 kernel, stride 2, padding 1: (3 − 1)·2 − 2·1 + (3 − 1) + 1 = 5.
  REQUIRE(apply(*s, R"({"op":"transposed","n":3,"k":3,"stride":2,"pad":1})").empty());
  const std::string st = state_of(*s);
  CHECK(num(state(*s), "out_h") == 5);
  CHECK(num(state(*s), "out_w") == 5);
  CHECK(str(state(*s), "op") == "transposed");
  CHECK(apply(*s, R"({"op":"sideways"})") == "op must be one of: conv, transposed");
}

TEST_CASE("modes: a layer too large to compute live keeps its exact shape", "[modes]") {
  auto s = make_modes_scene();
  REQUIRE(apply(*s, R"({"n":4096,"k":1024,"padding":"same"})").empty());
  const std::string st = state_of(*s);
  CHECK(num(state(*s), "out_h") == 4096);
  CHECK(num(state(*s), "out_w") == 4096);
  CHECK(str(state(*s), "output") == "");
}

TEST_CASE("every scene describes itself in words: its title and numbers, modes with the lecture's arithmetic", "[a11y]") {
  for (auto& s : make_scenes()) {
    INFO(s->id());
    const std::string d = s->description();
    CHECK(d.rfind(s->title(), 0) == 0);
    CHECK(d.size() > std::string(s->title()).size() + 10);
  }
  auto s = make_modes_scene();
  std::string d = s->description();
  CHECK(d.find("Input 5 × 5, kernel 3 × 3") != std::string::npos);
  CHECK(d.find("Output 3 × 3; height valid: N − K + 1 = 5 − 3 + 1 = 3") != std::string::npos);
  CHECK(d.find("= 12.") != std::string::npos); // the window's first position, written out
  REQUIRE(apply(*s, R"({"padding":"full"})").empty());
  CHECK(s->description().find("Output 7 × 7") != std::string::npos);
}
