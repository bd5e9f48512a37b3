// Scene "matmul": the Toeplitz matrix's sizes as the lecture counts them, T·x equal to the convolution,
// and the three ways giving the same output with the Toeplitz matrix the largest.
#include "../scene_test_support.h"

#include "background.h"

#include <convplay/three_ways.h>

#include <cmath>

namespace convplay::app {
std::unique_ptr<Scene> make_matmul_scene(); // app/scenes/matmul.cpp
}

using namespace convplay;
using namespace convplay::app;
using namespace convplay::app::testing;

TEST_CASE("matmul: a 4-vector and a 2-tap filter give a 3x4 matrix with 6 zeros and 2 distinct weights", "[matmul]") {
  auto s = make_matmul_scene();
  REQUIRE(apply(*s, R"({"dims":1,"n":4,"k":2,"padding":"valid"})").empty());
  auto st = state(*s);
  CHECK(num(st, "rows") == 3);
  CHECK(num(st, "cols") == 4);
  CHECK(num(st, "entries") == 12);
  CHECK(num(st, "nonzeros") == 6);
  CHECK(num(st, "zeros") == 6);
  CHECK(num(st, "distinct_weights") == 2);
  CHECK(std::get<bool>(st.at("equal")));
  // 'full' pads K − 1 on each side: 5 rows; 'same' keeps 4.
  REQUIRE(apply(*s, R"({"padding":"full"})").empty());
  CHECK(num(state(*s), "rows") == 5);
  REQUIRE(apply(*s, R"({"padding":"same","stride":2})").empty());
  CHECK(num(state(*s), "rows") == 2);
  CHECK(std::get<bool>(state(*s).at("equal")));
}

TEST_CASE("matmul: the 2-D doubly blocked matrix of a 4x4 image and a 2x2 kernel is 9x16", "[matmul]") {
  auto s = make_matmul_scene();
  REQUIRE(apply(*s, R"({"dims":2,"n":4,"k":2})").empty());
  auto st = state(*s);
  CHECK(num(st, "rows") == 9);
  CHECK(num(st, "cols") == 16);
  CHECK(num(st, "nonzeros") == 36); // 4 taps in each of 9 rows
  CHECK(num(st, "distinct_weights") == 4);
  CHECK(std::get<bool>(st.at("equal")));
}

TEST_CASE("matmul: the three ways agree, the Toeplitz matrix takes the most memory, too big is refused", "[matmul]") {
  auto s = make_matmul_scene();
  REQUIRE(apply(*s, R"({"layer_size":12,"layer_c":2,"layer_m":4,"layer_k":3})").empty());
  auto st = state(*s);
  for (const char* m : {"direct", "im2col", "toeplitz"}) {
    INFO(m);
    CHECK(str(st, (std::string(m) + "_error").c_str()) == "");
    CHECK(num(st, (std::string(m) + "_ms").c_str()) > 0);
  }
  const double a = num(st, "direct_abssum");
  CHECK(a > 0);
  CHECK(num(st, "im2col_abssum") == Approx(a).epsilon(1e-5));
  CHECK(num(st, "toeplitz_abssum") == Approx(a).epsilon(1e-5));
  // T is (4·10·10) × (2·12·12) floats = 400 × 288 × 4 bytes.
  CHECK(num(st, "toeplitz_bytes") >= 400.0 * 288 * 4);
  CHECK(num(st, "toeplitz_bytes") > num(st, "im2col_bytes"));
  CHECK(num(st, "im2col_bytes") > num(st, "direct_bytes"));
  // 128×128×16 → 64 filters: T would be 64·126·126 × 16·128·128 floats, about 4 TB: refused, not allocated.
  REQUIRE(apply(*s, R"({"layer_size":128,"layer_c":16,"layer_m":64,"layer_k":3})").empty());
  st = state(*s);
  CHECK(str(st, "toeplitz_error").find("limit") != std::string::npos);
  CHECK(str(st, "direct_error") == "");
}

TEST_CASE("matmul: bad input is refused and changes nothing", "[matmul]") {
  auto s = make_matmul_scene();
  const std::string before = text_of(*s);
  CHECK(apply(*s, R"({"n":0})") == "n must be between 1 and 64");
  CHECK(apply(*s, R"({"padding":"circular"})") == "padding must be one of: valid, same, full");
  CHECK(apply(*s, R"({"matrix":1})") == "unknown key 'matrix' for scene matmul");
}

TEST_CASE("matmul: the description gives T's size, its nonzeros and the row the animation is on", "[matmul][a11y]") {
  auto s = make_matmul_scene();
  REQUIRE(apply(*s, R"({"dims":1,"n":4,"k":2,"padding":"valid","step":0})").empty());
  std::string d = s->description();
  CHECK(d.rfind("Convolution as a matrix. 1-D: input length 4, 2 filter taps, stride 1, valid padding.", 0) == 0);
  CHECK_THAT(d, Catch::Contains("Toeplitz matrix T: 3 × 4 = 12 entries, 6 nonzero, 2 distinct weights"));
  CHECK_THAT(d, Catch::Contains("Row 0: y[0] = 3·1 + 3·2 = 9. T·x equals the convolution"));
  REQUIRE(apply(*s, R"({"step":2})").empty());
  CHECK_THAT(s->description(), Catch::Contains("Row 2: y[2] = "));
  REQUIRE(apply(*s, R"({"dims":2,"n":5,"k":3,"stride":2,"padding":"same"})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("2-D: input 5 × 5, kernel 3 × 3, stride 2, same padding"));
  CHECK_THAT(d, Catch::Contains("T: 9 × 25 = 225 entries, 49 nonzero, 9 distinct weights"));
}

// The single-threaded page times a big layer in slices between frames (app/background.h); the slices
// give the numbers of one run of each way on the whole layer, exactly.
TEST_CASE("matmul: the timing in slices gives the unsliced run's sums and bytes", "[matmul][background]") {
  const char* layer = R"({"layer_size":20,"layer_c":3,"layer_m":6,"layer_k":3})";
  Tensor x = zeros({1, 3, 20, 20}), w = zeros({6, 3, 3, 3}); // the scene's deterministic layer
  for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>((i * 37 % 101) - 50) / 50.0f;
  for (int64_t i = 0; i < w.numel(); ++i) w[i] = static_cast<float>((i * 53 % 97) - 48) / 96.0f;
  auto whole = make_matmul_scene(); // Inline: one slice, the whole layer in one run of each way
  REQUIRE(apply(*whole, layer).empty());
  const JsonObject expected_hashes = state(*whole);
  CHECK(num(expected_hashes, "timing_slices") == 1); // in one go

  set_background_mode(BackgroundMode::Stepped);
  set_background_job_ms(0); // one slice (one band of rows, or one filter) per task
  auto sliced = make_matmul_scene();
  REQUIRE(apply(*sliced, layer).empty());
  CHECK(std::get<bool>(state(*sliced).at("timing_pending"))); // submitted, not run
  int tasks = 0;
  while (background_poll()) ++tasks;
  set_background_job_ms(-1);
  set_background_mode(BackgroundMode::Inline);
  CHECK(tasks > 20); // 18 output rows for direct and im2col, 6 filters for Toeplitz, each its own task
  const JsonObject got = state(*sliced);
  CHECK(num(got, "timing_slices") == tasks + 1); // the last poll ran the last task
  CHECK(num(got, "timing_longest_slice_ms") >= 0);
  CHECK_FALSE(std::get<bool>(got.at("timing_pending")));
  for (const char* m : {"direct", "im2col", "toeplitz"}) {
    INFO(m);
    const std::string name = m;
    CHECK(str(got, (name + "_error").c_str()) == "");
    auto run = run_conv_method(*parse_conv_method(m), x, w, nullptr, Conv2dParams{}, nullptr, int64_t{1} << 30);
    REQUIRE(run);
    double abssum = 0;
    for (float v : run->output.data) abssum += std::fabs(v);
    CHECK(num(got, (name + "_abssum").c_str()) == Approx(abssum).epsilon(1e-8)); // state() prints 9 digits
    CHECK(str(got, (name + "_hash").c_str()) == str(expected_hashes, (name + "_hash").c_str()));
    CHECK(num(got, (name + "_bytes").c_str()) == static_cast<double>(run->bytes_allocated));
    CHECK(num(got, (name + "_ms").c_str()) > 0);
  }
}
