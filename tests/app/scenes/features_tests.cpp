// Scene "features": the layer's shapes and counts (shape(w) = C1×K×K×C2, C1·K·K·C2 + C2 parameters),
// single values against hand computation on the red and green circles, activations, and bad input.
#include <catch2/catch.hpp>

#include "../scene_test_support.h"

#include "background.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace convplay::app {
std::unique_ptr<Scene> make_features_scene(); // app/scenes/features.cpp
}

using namespace convplay;
using namespace convplay::app;

using namespace convplay::app::testing;

TEST_CASE("features: shapes and counts of the layer", "[features]") {
  auto s = make_features_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":64,"channels":1,"k":3,"maps":4})").empty());
  auto st = state(*s);
  CHECK(str(st, "w_shape") == "1×3×3×4");
  CHECK(num(st, "weight_count") == 36);
  CHECK(num(st, "parameters") == 40); // 1·3·3·4 + 4
  CHECK(num(st, "h") == 32);
  CHECK(num(st, "out_h") == 30);
  CHECK(num(st, "out_w") == 62);
  CHECK(num(st, "out_c") == 4);
  REQUIRE(apply(*s, R"({"channels":3,"k":5,"filters":"gaussian,box,identity,gabor,sobel_x,sobel_y","padding":"same"})").empty());
  st = state(*s);
  CHECK(str(st, "w_shape") == "3×5×5×6");
  CHECK(num(st, "parameters") == 456); // 3·5·5·6 + 6
  CHECK(num(st, "out_h") == 32);
  CHECK(num(st, "out_c") == 6);
}

TEST_CASE("features: one value by hand: identity on the red circle, grey and colour, bias and activation", "[features]") {
  auto s = make_features_scene();
  // 32×64 circles; the red centre is at (16, 16): valid 3×3 → output (15, 15) reads the pixel (16, 16)
  REQUIRE(apply(*s, R"({"image":"circles","size":64,"channels":1,"k":3,"filters":"identity,laplacian","biases":"0,0","act":"none","map":0,"row":15,"col":15})").empty());
  auto st = state(*s);
  CHECK(num(st, "value") == Approx(0.299)); // grey of pure red
  REQUIRE(apply(*s, R"({"biases":"-0.5,0","act":"relu"})").empty());
  st = state(*s);
  CHECK(num(st, "pre") == Approx(-0.201));
  CHECK(num(st, "value") == 0.0);
  REQUIRE(apply(*s, R"({"act":"sigmoid"})").empty());
  CHECK(num(state(*s), "value") == Approx(1.0 / (1.0 + std::exp(0.201))));
  REQUIRE(apply(*s, R"({"act":"tanh","biases":"0,0","map":1})").empty());
  CHECK(num(state(*s), "value") == Approx(0.0).margin(1e-6)); // Laplacian inside a flat disc
  // Colour with a custom filter: 27 numbers, 1 on the G slice's centre → the green value under it
  REQUIRE(apply(*s, R"({"channels":3,"filters":"custom,identity","custom":"0,0,0,0,0,0,0,0,0; 0,0,0,0,1,0,0,0,0; 0,0,0,0,0,0,0,0,0","map":0,"act":"none"})").empty());
  CHECK(num(state(*s), "value") == Approx(0.0)); // red circle: G = 0
  REQUIRE(apply(*s, R"({"col":47})").empty()); // the green circle's centre (16, 48)
  CHECK(num(state(*s), "value") == Approx(1.0));
}

TEST_CASE("features: bad weights text gives a message and keeps the old weights", "[features]") {
  auto s = make_features_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":16})").empty());
  const std::string before = text_of(*s);
  CHECK(apply(*s, R"({"custom":"1, 2, abc"})") == "custom weights: 'abc' is not a number");
  CHECK(apply(*s, R"({"custom":"1 2 3"})") == "custom weights: need 9 numbers (3×3), got 3");
  CHECK(apply(*s, R"({"filters":"sobel_x,blur"})").rfind("filters: 'blur' is not a filter", 0) == 0);
  CHECK(apply(*s, R"({"biases":"1,2"})") == "biases: 2 numbers for 4 maps");
  CHECK(apply(*s, R"({"k":4})") == "k must be odd (3, 5 or 7): the bank's filters have a centre");
  CHECK(apply(*s, R"({"channels":2})") == "channels must be 1 (grey) or 3 (colour)");
  CHECK(apply(*s, R"({"act":"softmax"})") == "act must be one of: none, relu, sigmoid, tanh");
  CHECK(apply(*s, R"({"maps":9})") == "maps must be between 1 and 8");
  CHECK(text_of(*s) == before);
}

TEST_CASE("features: state written is accepted back unchanged", "[features]") {
  auto s = make_features_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":24,"channels":3,"k":5,"filters":"gabor,custom","custom":"1,0,0,0,0, 0,0,0,0,0, 0,0,0,0,0, 0,0,0,0,0, 0,0,0,0,-1","biases":"0.5,-0.25","view":"stack"})").empty());
  const std::string before = text_of(*s);
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(before, o, error));
  REQUIRE(s->apply_state(o).empty());
  CHECK(text_of(*s) == before);
  CHECK(str(state(*s), "filters") == "gabor,custom");
}

TEST_CASE("features: the description gives the layer's formula with its shapes and the selected value", "[features][a11y]") {
  auto s = make_features_scene();
  REQUIRE(apply(*s, R"({"image":"circles","size":64,"channels":1,"k":3,"maps":2,"filters":"identity,laplacian","biases":"-0.5,0","act":"relu","map":0,"row":15,"col":15})").empty());
  std::string d = s->description();
  CHECK(d.rfind("Feature maps. y = σ(W ∗ x + b), σ = ReLU, valid padding.", 0) == 0);
  CHECK_THAT(d, Catch::Contains("Input x: 32 × 64 × 1 (grey); 2 filters 3 × 3 (identity,laplacian), W: C1 × K × K × C2 = 1 × 3 × 3 × 2"));
  CHECK_THAT(d, Catch::Contains("output y: 30 × 62 × 2. Parameters C1·K·K·C2 + C2 = 1·3·3·2 + 2 = 20"));
  // The value is state()'s: W·x + b = 0.299 − 0.5, ReLU of it 0.
  CHECK_THAT(d, Catch::Contains("Map 1 at (15, 15): W·x + b = −0.201, ReLU(−0.201) = 0."));
  REQUIRE(apply(*s, R"({"act":"none","biases":"0,0","channels":3,"padding":"same"})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("Input x: 32 × 64 × 3 (colour)"));
  CHECK_THAT(d, Catch::Contains("output y: 32 × 64 × 2"));
  CHECK_THAT(d, Catch::Contains("= 3·3·3·2 + 2 = 56"));
  CHECK_THAT(d, Catch::Contains("W·x + b = 0.299, identity(0.299) = 0.299."));
}

// A big layer is computed in the background in bands of rows (app/background.h): meanwhile state()
// says maps_pending and keeps the last maps; then the values are the unsliced layer's, exactly.
TEST_CASE("features: big maps in bands of rows give the unsliced values, the last maps stay meanwhile", "[features][background]") {
  const char* small = R"({"image":"circles","size":64,"channels":3,"k":3,"maps":2})";
  const char* big = R"({"image":"circles","size":512,"channels":3,"k":7,"maps":8,"padding":"same","act":"tanh"})";
  const std::vector<std::string> cells = {R"({"map":0,"row":0,"col":0})", R"({"map":7,"row":255,"col":511})",
                                          R"({"map":3,"row":128,"col":300})", R"({"map":5,"row":3,"col":2})"};
  auto whole = make_features_scene(); // Inline: the whole layer at once
  REQUIRE(apply(*whole, big).empty());
  CHECK(num(state(*whole), "maps_slices") == 1); // in one go
  std::vector<std::pair<double, double>> expected;
  for (const auto& cell : cells) {
    REQUIRE(apply(*whole, cell).empty());
    const auto st = state(*whole);
    expected.emplace_back(num(st, "pre"), num(st, "value"));
  }

  set_background_mode(BackgroundMode::Stepped);
  set_background_job_ms(0); // one band per task
  auto s = make_features_scene();
  REQUIRE(apply(*s, small).empty());
  auto st = state(*s); // small: computed at once
  CHECK_FALSE(std::get<bool>(st.at("maps_pending")));
  CHECK(num(st, "maps_slices") == 0); // at once, in the frame
  const double small_value = num(st, "value");
  REQUIRE(apply(*s, big).empty());
  st = state(*s);
  CHECK(std::get<bool>(st.at("maps_pending")));
  CHECK(num(st, "out_h") == 30); // the last maps, until the new ones are in
  CHECK(num(st, "value") == small_value);
  int tasks = 0;
  while (background_poll()) ++tasks;
  set_background_job_ms(-1);
  set_background_mode(BackgroundMode::Inline);
  CHECK(tasks > 10);
  st = state(*s);
  CHECK_FALSE(std::get<bool>(st.at("maps_pending")));
  CHECK(num(st, "maps_slices") == tasks + 1); // the allocation, then one band of rows per task
  CHECK(num(st, "maps_longest_slice_ms") >= 0);
  CHECK(num(st, "out_h") == 256);
  for (size_t i = 0; i < cells.size(); ++i) {
    INFO(cells[i]);
    REQUIRE(apply(*s, cells[i]).empty());
    st = state(*s);
    CHECK(num(st, "pre") == expected[i].first); // 9 digits: a float exactly
    CHECK(num(st, "value") == expected[i].second);
  }
}
