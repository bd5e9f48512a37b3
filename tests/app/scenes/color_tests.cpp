// Scene "color": the numbers a student reads, against values worked out by hand, through the same path
// as setState(). The red detector (R − ½G − ½B, averaged over the K×K window) gives exactly 1 on pure red,
// −½ on pure green and 0 on white.
#include <catch2/catch.hpp>

#include "image_source.h"
#include "../scene_test_support.h"
#include "scene_ui.h"

#include <string>

namespace convplay::app {
std::unique_ptr<Scene> make_color_scene(); // app/scenes/color.cpp
}

using namespace convplay;
using namespace convplay::app;

using namespace convplay::app::testing;

TEST_CASE("color: the red detector fires on the red circle (1) and not on the green one (-0.5)", "[color]") {
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":64,"kernel":"red","k":3})").empty());
  auto st = state(*s);
  CHECK(str(st, "image_status") == "ready");
  CHECK(num(st, "h") == 32);
  CHECK(num(st, "w") == 64);
  CHECK(num(st, "out_h") == 30); // 32 − 3 + 1
  CHECK(num(st, "out_w") == 62);
  CHECK(num(st, "out_c") == 1);
  CHECK(num(st, "weight_count") == 27);
  CHECK(num(st, "parameters") == 28); // K·K·3 + 1
  CHECK(num(st, "red_response") == Approx(1.0));
  CHECK(num(st, "green_response") == Approx(-0.5));
  // A bias shifts both; the green detector swaps them.
  REQUIRE(apply(*s, R"({"bias":0.25})").empty());
  st = state(*s);
  CHECK(num(st, "red_response") == Approx(1.25));
  CHECK(num(st, "green_response") == Approx(-0.25));
  REQUIRE(apply(*s, R"({"kernel":"green","bias":0,"k":5,"padding":"same"})").empty());
  st = state(*s);
  CHECK(num(st, "out_h") == 32);
  CHECK(num(st, "parameters") == 76); // 5·5·3 + 1
  CHECK(num(st, "red_response") == Approx(-0.5));
  CHECK(num(st, "green_response") == Approx(1.0));
}

TEST_CASE("color: the value at a position is the 3-D dot product plus bias", "[color]") {
  auto s = make_color_scene();
  // White background at the top-left: R − ½G − ½B = 0, plus bias 0.5
  REQUIRE(apply(*s, R"({"image":"circles","size":32,"kernel":"red","k":3,"bias":0.5,"step":0})").empty());
  CHECK(num(state(*s), "value") == Approx(0.5));
  // Custom weights: 1 on the centre of the R slice only → the output is the red value under the centre
  REQUIRE(apply(*s, R"({"weights":"0,0,0,0,1,0,0,0,0; 0,0,0,0,0,0,0,0,0; 0,0,0,0,0,0,0,0,0","bias":0})").empty());
  auto st = state(*s);
  CHECK(str(st, "kernel") == "custom");
  CHECK(num(st, "value") == Approx(1.0)); // white: R = 1
  CHECK(num(st, "green_response") == Approx(0.0));
  CHECK(num(st, "red_response") == Approx(1.0));
}

TEST_CASE("color: state written is accepted back unchanged", "[color]") {
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":20,"kernel":"edges","k":5})").empty());
  const std::string before = text_of(*s);
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(before, o, error));
  REQUIRE(s->apply_state(o).empty());
  CHECK(text_of(*s) == before);
  CHECK(str(state(*s), "kernel") == "edges");
}

TEST_CASE("color: bad input is refused with a message and changes nothing", "[color]") {
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":16})").empty());
  const std::string before = text_of(*s);
  CHECK(apply(*s, R"({"weights":"1, 2, x"})") == "weights: 'x' is not a number");
  CHECK(apply(*s, R"({"weights":"1 2 3"})") == "weights: need 27 numbers for K = 3 (K·K·3), got 3");
  CHECK(apply(*s, R"({"kernel":"edges","k":4})").find("odd K") != std::string::npos);
  CHECK(apply(*s, R"({"image":"dog"})") == "image must be one of: cat, astronaut, coffee, camera, circles, user");
  CHECK(apply(*s, R"({"size":100000})") == "size must be between 4 and 512");
  CHECK(apply(*s, R"({"colour":1})") == "unknown key 'colour' for scene color");
  if (!has_user_image()) CHECK(apply(*s, R"({"image":"user"})").find("no image of your own") != std::string::npos);
  CHECK(text_of(*s) == before);
}

TEST_CASE("color: a kernel larger than the picture gives the core's message", "[color]") {
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":6,"k":7})").empty()); // 3×6 picture, 7×7 kernel, valid
  auto st = state(*s);
  CHECK(str(st, "image_status") == "error");
  CHECK(!str(st, "error").empty());
}

TEST_CASE("color: the cat, a sample photograph, at 64 pixels", "[color]") {
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"cat","size":64})").empty());
  auto st = state(*s);
  if (str(st, "image_status") != "ready") {
    WARN("sample pictures missing (run tools/setup.sh): " << str(st, "note"));
    return;
  }
  CHECK(num(st, "h") == 43); // chelsea.png is 300×451
  CHECK(num(st, "w") == 64);
  CHECK(num(st, "out_h") == 41);
  CHECK(str(st, "note").find("chelsea.png") != std::string::npos);
}

TEST_CASE("color: the student's image: not an image is refused, a large one is downscaled", "[color]") {
  const unsigned char text[] = "hello, I am not a picture";
  const std::string e = load_user_image(text, sizeof text, "notes.txt");
  CHECK(e.find("not an image") != std::string::npos);
  CHECK(!user_image_status().ok);
  // A 1000×600 BMP (24-bit, bottom-up), all pure red: downscaled to 512×307
  const int w = 1000, h = 600, row = w * 3, size = 54 + row * h;
  std::vector<unsigned char> bmp(static_cast<size_t>(size), 0);
  auto put32 = [&](int at, int v) { for (int i = 0; i < 4; ++i) bmp[static_cast<size_t>(at + i)] = static_cast<unsigned char>(v >> (8 * i)); };
  bmp[0] = 'B'; bmp[1] = 'M';
  put32(2, size); put32(10, 54); put32(14, 40); put32(18, w); put32(22, h);
  bmp[26] = 1; bmp[28] = 24; put32(34, row * h);
  for (int i = 0; i < w * h; ++i) bmp[static_cast<size_t>(54 + i * 3 + 2)] = 255; // BGR: red
  REQUIRE(load_user_image(bmp.data(), bmp.size(), "red.bmp").empty());
  CHECK(user_image_status().ok);
  CHECK(user_image_status().message.find("downscaled to 512×307 pixels") != std::string::npos);
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"user","size":100,"kernel":"red","step":0})").empty());
  auto st = state(*s);
  CHECK(num(st, "h") == 60);
  CHECK(num(st, "w") == 100);
  CHECK(num(st, "value") == Approx(1.0)); // all red
}

TEST_CASE("color: the description names every slice's weights (G and B too) and the output's three parts", "[color][a11y]") {
  auto s = make_color_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":64,"kernel":"red","k":3,"step":0})").empty());
  std::string d = s->description();
  CHECK_THAT(d, Catch::Contains("Picture 32 × 64 × 3; kernel red detector"));
  CHECK_THAT(d, Catch::Contains("3 × 3 × 3 = 27 weights + 1 bias = 28 parameters"));
  CHECK_THAT(d, Catch::Contains("R slice: all 9 weights 0.111."));
  CHECK_THAT(d, Catch::Contains("G slice: all 9 weights −0.0556."));
  CHECK_THAT(d, Catch::Contains("B slice: all 9 weights −0.0556."));
  CHECK_THAT(d, Catch::Contains("Output 30 × 62 × 1 (valid)"));
  CHECK_THAT(d, Catch::Contains("At the red circle's centre the output is 1, at the green circle's −0.5."));
  // The value written is the one state() reports (the three parts plus the bias).
  REQUIRE(apply(*s, R"({"bias":0.5})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("+ bias 0.5 = " + format_value(static_cast<float>(num(state(*s), "value"))) + "."));
  REQUIRE(apply(*s, R"({"kernel":"green","k":5})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("G slice: all 25 weights 0.04."));
  CHECK_THAT(d, Catch::Contains("R slice: all 25 weights −0.02."));
  CHECK_THAT(d, Catch::Contains("5 × 5 × 3 = 75 weights + 1 bias = 76 parameters"));
}
