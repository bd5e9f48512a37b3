// Scene "pooling": the numbers a student reads, checked against values worked out by hand (and
// PyTorch's max_pool2d / avg_pool2d conventions), through the same path as setState().
#include <catch2/catch.hpp>

#include "../scene_test_support.h"

#include <string>

namespace convplay::app {
std::unique_ptr<Scene> make_pooling_scene(); // app/scenes/pooling.cpp
}

using namespace convplay;
using namespace convplay::app;

using namespace convplay::app::testing;

namespace {
const char* const kGrid = "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"; // the 4x4 example below
} // namespace

TEST_CASE("pooling: the default 6x6 input, 2x2 window, stride 2 gives 3x3: 36 values to 9", "[pooling]") {
  auto s = make_pooling_scene();
  const auto st = state(*s);
  CHECK(str(st, "op") == "max");
  CHECK(num(st, "h") == 6);
  CHECK(num(st, "out_h") == 3);
  CHECK(num(st, "out_w") == 3);
  CHECK(num(st, "in_values") == 36);
  CHECK(num(st, "out_values") == 9);
  CHECK(num(st, "reduction") == 4);
  CHECK(str(st, "formula_h").find("= 3") != std::string::npos);
  CHECK(str(st, "error").empty());
}

TEST_CASE("pooling: the lecture's 100x100 image with 2x2 stride 2 becomes 50x50, 10,000 values to 2,500", "[pooling]") {
  auto s = make_pooling_scene();
  REQUIRE(apply(*s, R"({"input":"image","n":100,"size":2,"stride":2})").empty());
  const auto st = state(*s);
  CHECK(num(st, "out_h") == 50);
  CHECK(num(st, "out_w") == 50);
  CHECK(num(st, "in_values") == 10000);
  CHECK(num(st, "out_values") == 2500);
  CHECK(num(st, "reduction") == 4);
  CHECK(str(st, "formula_w") == "pool: ⌊(N + 2P − D(K − 1) − 1) / S⌋ + 1 = ⌊(100 + 2·0 − (2 − 1) − 1) / 2⌋ + 1 = 50");
  // 3x3 stride 3 on 100: floor(97/3) + 1 = 33.
  REQUIRE(apply(*s, R"({"size":3,"stride":3})").empty());
  CHECK(num(state(*s), "out_h") == 33);
}

TEST_CASE("pooling: a 4x4 example by hand, max and average, with the window written out", "[pooling]") {
  auto s = make_pooling_scene();
  // 1 3 | 2 4        max: 6 8     avg: 3.75 5.25
  // 5 6 | 7 8             3 4          2    2
  // ----+----
  // 3 2 | 1 0
  // 1 2 | 3 4
  REQUIRE(apply(*s, R"({"input":"custom","values":"1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4","size":2,"stride":2,"step":0})").empty());
  auto st = state(*s);
  CHECK(num(st, "h") == 4);
  CHECK(num(st, "w") == 4);
  CHECK(str(st, "output") == "6 8; 3 4");
  CHECK(str(st, "window_text") == "max(1, 3, 5, 6) = 6");
  CHECK(num(st, "window_value") == 6);
  CHECK(num(st, "argmax_row") == 1); // the 6 is at input (1, 1)
  CHECK(num(st, "argmax_col") == 1);
  REQUIRE(apply(*s, R"({"step":1})").empty());
  st = state(*s);
  CHECK(str(st, "window_text") == "max(2, 4, 7, 8) = 8");
  CHECK(num(st, "argmax_row") == 1);
  CHECK(num(st, "argmax_col") == 3);
  REQUIRE(apply(*s, R"({"step":2})").empty());
  st = state(*s);
  CHECK(str(st, "window_text") == "max(3, 2, 1, 2) = 3");
  CHECK(num(st, "argmax_row") == 2);
  CHECK(num(st, "argmax_col") == 0);

  REQUIRE(apply(*s, R"({"op":"avg","step":0})").empty());
  st = state(*s);
  CHECK(str(st, "output") == "3.75 5.25; 2 2");
  CHECK(str(st, "window_text") == "(1 + 3 + 5 + 6) / 4 = 3.75");
  CHECK(num(st, "argmax_row") == -1);
}

TEST_CASE("pooling: the issue's windows max(3, 1, 4, 1) = 4 and (3 + 1 + 4 + 1) / 4 = 2.25", "[pooling]") {
  auto s = make_pooling_scene();
  REQUIRE(apply(*s, R"({"values":"3 1; 4 1","size":2,"stride":2})").empty()); // values alone imply custom
  CHECK(str(state(*s), "window_text") == "max(3, 1, 4, 1) = 4");
  CHECK(num(state(*s), "out_values") == 1);
  REQUIRE(apply(*s, R"({"op":"avg"})").empty());
  CHECK(str(state(*s), "window_text") == "(3 + 1 + 4 + 1) / 4 = 2.25");
}

TEST_CASE("pooling: padding, as PyTorch: max ignores it, the mean counts it as 0 unless told not to", "[pooling]") {
  auto s = make_pooling_scene();
  const std::string set = std::string(R"({"values":")") + kGrid + R"(","size":3,"stride":1,"padding":1,"step":0})";
  REQUIRE(apply(*s, set.c_str()).empty());
  auto st = state(*s);
  CHECK(num(st, "out_h") == 4); // floor((4 + 2 − 2 − 1) / 1) + 1
  CHECK(num(st, "out_values") == 16);
  CHECK(str(st, "window_text") == "max(1, 3, 5, 6) = 6");
  CHECK(str(st, "output") == "6 7 8 8; 6 7 8 8; 6 7 8 8; 3 3 4 4");
  // F.avg_pool2d(x, 3, 1, 1)[0, 0] = 15 / 9; with count_include_pad=False 15 / 4.
  REQUIRE(apply(*s, R"({"op":"avg"})").empty());
  CHECK(str(state(*s), "window_text") == "(0 + 0 + 0 + 0 + 1 + 3 + 0 + 5 + 6) / 9 = 1.67");
  REQUIRE(apply(*s, R"({"count_pad":false})").empty());
  CHECK(str(state(*s), "window_text") == "(1 + 3 + 5 + 6) / 4 = 3.75");
  CHECK(num(state(*s), "window_value") == Approx(3.75));
}

TEST_CASE("pooling: a window larger than 16 taps is written out in part", "[pooling]") {
  auto s = make_pooling_scene();
  REQUIRE(apply(*s, R"({"input":"digits","n":10,"size":5,"stride":5})").empty());
  const std::string t = str(state(*s), "window_text");
  CHECK(t.rfind("max(", 0) == 0);
  CHECK(t.find("(9 more)") != std::string::npos);
}

TEST_CASE("pooling: large inputs keep working and are not written out", "[pooling]") {
  auto s = make_pooling_scene();
  REQUIRE(apply(*s, R"({"input":"image","n":2048,"size":4,"stride":4})").empty());
  const auto st = state(*s);
  CHECK(num(st, "out_h") == 512);
  CHECK(num(st, "in_values") == 4194304);
  CHECK(num(st, "reduction") == 16);
  CHECK(str(st, "output").empty());
}

TEST_CASE("pooling: bad input is refused with a message and changes nothing", "[pooling]") {
  auto s = make_pooling_scene();
  const std::string before = text_of(*s);
  CHECK(apply(*s, R"({"size":7})").find("kernel") != std::string::npos); // 7 > 6: the core's message
  CHECK(apply(*s, R"({"padding":2})").find("half") != std::string::npos);
  CHECK(apply(*s, R"({"n":5000})") == "n must be between 1 and 2048");
  CHECK(apply(*s, R"({"op":"min"})") == "op must be one of: max, avg");
  CHECK(apply(*s, R"({"values":"1 2; 3 x"})") == "values: 'x' is not a number");
  CHECK(apply(*s, R"({"values":"1 2; 3"})") == "values: row 2 has 1 numbers, row 1 has 2");
  CHECK(apply(*s, R"({"input":"custom","values":""})").find("no numbers") != std::string::npos);
  CHECK(apply(*s, R"({"values":"1 2; 3 4","h":3})") == "values have 2 rows but h is 3");
  CHECK(apply(*s, R"({"step":9})") == "step must be between 0 and 8 (the output has 9 cells)");
  CHECK(apply(*s, R"({"speed":100})") == "speed must be between 0.25 and 20");
  CHECK(apply(*s, R"({"colour":"red"})") == "unknown key 'colour' for scene pooling");
  CHECK(text_of(*s) == before);
}

TEST_CASE("pooling: the state written is accepted back unchanged", "[pooling]") {
  auto s = make_pooling_scene();
  REQUIRE(apply(*s, R"({"values":"1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4","op":"avg","step":3})").empty());
  const std::string written = text_of(*s);
  auto t = make_pooling_scene();
  REQUIRE(apply(*t, written.c_str()).empty());
  CHECK(text_of(*t) == written);
}

TEST_CASE("pooling: the description gives the output's formula with numbers and the window's value", "[pooling][a11y]") {
  auto s = make_pooling_scene();
  const std::string custom = std::string(R"({"input":"custom","values":")") + kGrid + R"(","size":2,"stride":2,"step":0})";
  REQUIRE(apply(*s, custom).empty());
  std::string d = s->description();
  CHECK(d.rfind("Pooling, max. Input 4 × 4, window 2 × 2, stride 2, padding 0. Output 2 × 2;", 0) == 0);
  CHECK_THAT(d, Catch::Contains("16 values become 4."));
  CHECK_THAT(d, Catch::Contains("Output (0, 0) = max(1, 3, 5, 6) = 6."));
  CHECK_THAT(d, Catch::Contains(str(state(*s), "formula_h")));
  REQUIRE(apply(*s, R"({"op":"avg","step":3})").empty());
  CHECK_THAT(s->description(), Catch::Contains("Pooling, average.") && Catch::Contains("Output (1, 1) = " + str(state(*s), "window_text") + "."));
}
