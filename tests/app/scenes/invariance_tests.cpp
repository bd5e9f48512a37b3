// Scene "invariance": the conv map's peak moves with the pattern, global max pooling gives the same
// number at every position, a dense layer does not.
#include <catch2/catch.hpp>

#include "../scene_test_support.h"

#include <string>

namespace convplay::app {
std::unique_ptr<Scene> make_invariance_scene(); // app/scenes/invariance.cpp
}

using namespace convplay;
using namespace convplay::app;

using namespace convplay::app::testing;

TEST_CASE("invariance: moving the pattern moves the conv peak by the same offset", "[invariance]") {
  auto s = make_invariance_scene();
  REQUIRE(apply(*s, R"({"pattern":"cat","n":24,"x":3,"y":4})").empty());
  const auto a = state(*s);
  // A valid conv map of a 7x7 filter on 24x24 is 18x18; the matched filter peaks where the cat's
  // top-left corner is.
  CHECK(num(a, "conv_h") == 18);
  CHECK(num(a, "conv_w") == 18);
  CHECK(num(a, "conv_peak_row") == 4);
  CHECK(num(a, "conv_peak_col") == 3);
  REQUIRE(apply(*s, R"({"x":12,"y":9})").empty());
  const auto b = state(*s);
  CHECK(num(b, "conv_peak_row") - num(a, "conv_peak_row") == 5);
  CHECK(num(b, "conv_peak_col") - num(a, "conv_peak_col") == 9);
  // Global max pooling: the same number, the cat's 36 cells (each +1 times +1).
  CHECK(num(a, "global_max") == 36);
  CHECK(num(b, "global_max") == 36);
  CHECK(num(a, "pattern_cells") == 36);
  // The dense layer: a different answer at each position.
  CHECK(num(a, "dense_out") != num(b, "dense_out"));
}

TEST_CASE("invariance: over all positions the global max is constant and the dense output is not", "[invariance]") {
  auto s = make_invariance_scene();
  struct Case { const char* json; double cells, positions; };
  for (const Case& c : {Case{R"({"pattern":"plus","n":24})", 9, 20 * 20}, Case{R"({"pattern":"l","n":24})", 8, 20 * 21},
                        Case{R"({"pattern":"cat","n":16})", 36, 10 * 10}}) {
    INFO(c.json);
    REQUIRE(apply(*s, c.json).empty());
    const auto st = state(*s);
    CHECK(num(st, "positions") == c.positions);
    CHECK(num(st, "global_max") == c.cells);
    CHECK(num(st, "global_max_min") == c.cells);
    CHECK(num(st, "global_max_max") == c.cells);
    CHECK(num(st, "dense_min") < num(st, "dense_max"));
  }
}

TEST_CASE("invariance: the L at two corners", "[invariance]") {
  auto s = make_invariance_scene();
  REQUIRE(apply(*s, R"({"pattern":"l","n":12,"x":0,"y":0})").empty());
  const auto a = state(*s);
  REQUIRE(apply(*s, R"({"x":8,"y":7})").empty()); // the L is 4 wide, 5 tall: the bottom-right corner
  const auto b = state(*s);
  CHECK(num(a, "conv_peak_row") == 0);
  CHECK(num(a, "conv_peak_col") == 0);
  CHECK(num(b, "conv_peak_row") == 7);
  CHECK(num(b, "conv_peak_col") == 8);
  CHECK(num(a, "global_max") == num(b, "global_max"));
  CHECK(num(a, "dense_out") != num(b, "dense_out"));
  // Another seed gives other dense weights, the conv side does not change.
  REQUIRE(apply(*s, R"({"seed":2})").empty());
  CHECK(num(state(*s), "dense_out") != num(b, "dense_out"));
  CHECK(num(state(*s), "global_max") == 8);
}

TEST_CASE("invariance: bad input is refused with a message and changes nothing", "[invariance]") {
  auto s = make_invariance_scene();
  const std::string before = text_of(*s);
  CHECK(apply(*s, R"({"x":18})") == "x must be between 0 and 17 (the pattern must fit)");
  CHECK(apply(*s, R"({"y":-1})") == "y must be between 0 and 40");
  CHECK(apply(*s, R"({"pattern":"dog"})") == "pattern must be one of: plus, l, cat");
  CHECK(apply(*s, R"({"n":100})") == "n must be between 8 and 40");
  CHECK(apply(*s, R"({"x":"left"})") == "x must be a whole number between 0 and 40");
  CHECK(apply(*s, R"({"step":324})") == "step must be between 0 and 323 (the conv map has 324 cells)");
  CHECK(apply(*s, R"({"wind":1})") == "unknown key 'wind' for scene invariance");
  CHECK(text_of(*s) == before);
  // The state written is accepted back unchanged.
  REQUIRE(apply(*s, before.c_str()).empty());
  CHECK(text_of(*s) == before);
}

TEST_CASE("invariance: the description gives the map, its global max and the dense output, and follows the pattern", "[invariance][a11y]") {
  auto s = make_invariance_scene();
  std::string d = s->description();
  CHECK(d.rfind("Translation invariance. Input 24 × 24 with the cat face (7 × 7, 36 cells on) at x 3, y 4.", 0) == 0);
  CHECK_THAT(d, Catch::Contains("map is 18 × 18 (N − K + 1); its peak is at (4, 3) and global max pooling gives 36."));
  CHECK_THAT(d, Catch::Contains("Over all 324 positions the global max goes from 36 to 36"));
  REQUIRE(apply(*s, R"({"pattern":"plus","n":16,"x":5,"y":2,"step":0})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("Input 16 × 16 with the plus (5 × 5, 9 cells on) at x 5, y 2."));
  CHECK_THAT(d, Catch::Contains("its peak is at (2, 5) and global max pooling gives 9."));
  CHECK_THAT(d, Catch::Contains("Map (0, 0) = ")); // the animation's window, written out
}
