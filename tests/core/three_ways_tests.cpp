// The lecture's three ways (convplay/three_ways.h) against conv2d() on random layers: every padding
// mode, flip, stride, dilation, groups, 0..3 worker threads; the memory each run allocates equals its
// prediction; oversized layers are refused before anything is allocated. The seed is printed.
#include <catch2/catch.hpp>

#include <convplay/three_ways.h>

#include <cmath>
#include <random>
#include <vector>

using convplay::ConvMethod;

namespace {
const ConvMethod kMethods[] = {ConvMethod::Direct, ConvMethod::Im2colGemm, ConvMethod::Toeplitz};
constexpr int64_t kNoLimit = int64_t{1} << 40;
} // namespace

TEST_CASE("the three ways equal conv2d on random layers and allocate what they predict", "[three_ways]") {
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  convplay::ThreadPool pool0(0), pool1(1), pool3(3);
  convplay::ThreadPool* pools[] = {&pool0, &pool1, &pool3};
  int checked = 0, strided = 0, grouped = 0, modes = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t groups = pick(0, 3) == 0 ? pick(2, 3) : 1;
    const int64_t N = pick(1, 3), C = groups * pick(1, 3), M = groups * pick(1, 6), H = pick(1, 20), W = pick(1, 30);
    const int64_t KH = pick(1, 5), KW = pick(1, 5);
    convplay::Conv2dParams p;
    p.groups = groups;
    if (pick(0, 3) == 0) { p.stride_h = pick(1, 3); p.stride_w = pick(1, 3); }
    if (pick(0, 4) == 0) { p.dilation_h = pick(1, 2); p.dilation_w = pick(1, 3); }
    p.padding = static_cast<convplay::Padding>(pick(0, 3));
    p.pad_top = pick(0, 2); p.pad_bottom = pick(0, 2); p.pad_left = pick(0, 2); p.pad_right = pick(0, 2);
    p.padding_mode = static_cast<convplay::PaddingMode>(pick(0, 3));
    p.flip = pick(0, 1) == 1;
    const std::vector<int64_t> xs = pick(0, 4) == 0 ? std::vector<int64_t>{C, H, W} : std::vector<int64_t>{N, C, H, W};
    const std::vector<int64_t> ws = {M, C / groups, KH, KW};
    convplay::Tensor x{xs, {}}, w{ws, {}}, b{{M}, {}};
    int64_t nx = 1, nw = 1;
    for (auto d : xs) nx *= d;
    for (auto d : ws) nw *= d;
    x.data.resize(static_cast<size_t>(nx));
    w.data.resize(static_cast<size_t>(nw));
    b.data.resize(static_cast<size_t>(M));
    for (auto* v : {&x, &w, &b}) for (float& f : v->data) f = value(rng);
    const bool with_bias = pick(0, 1) == 1;
    auto want = convplay::conv2d(x, w, with_bias ? &b : nullptr, p);
    if (!want) continue; // an impossible configuration: conv2d says why, and so do the three ways
    for (ConvMethod method : kMethods) {
      auto mem = convplay::predict_conv_memory(method, xs, ws, p);
      REQUIRE(mem.ok());
      convplay::AlignedVector<float> first;
      for (auto* pool : pools) {
        auto r = convplay::run_conv_method(method, x, w, with_bias ? &b : nullptr, p, pool, kNoLimit);
        INFO("trial " << trial << " " << convplay::conv_method_name(method) << ": x " << convplay::shape_string(xs)
                      << " w " << convplay::shape_string(ws) << " groups " << groups << " stride " << p.stride_h << ","
                      << p.stride_w << " dilation " << p.dilation_h << "," << p.dilation_w << " padding "
                      << convplay::padding_name(p.padding) << " " << convplay::padding_mode_name(p.padding_mode)
                      << " flip " << p.flip << " workers " << pool->workers());
        REQUIRE(r.ok());
        REQUIRE(r->output.shape == want->shape);
        REQUIRE(r->output.data.size() == want->data.size());
        for (size_t i = 0; i < want->data.size(); ++i) {
          INFO("output index " << i << " kernel " << r->kernel);
          REQUIRE(std::fabs(r->output.data[i] - want->data[i]) <= 1e-4f * (1.0f + std::fabs(want->data[i])));
        }
        CHECK(r->bytes_allocated == mem->total_bytes());
        CHECK(r->ms >= r->build_ms);
        CHECK(r->build_ms >= 0);
        if (first.empty()) first = r->output.data;
        else REQUIRE(r->output.data == first); // bit-identical whatever the number of threads
      }
    }
    ++checked;
    strided += p.stride_h > 1 || p.stride_w > 1 || p.dilation_h > 1 || p.dilation_w > 1;
    grouped += groups > 1;
    modes += p.padding_mode != convplay::PaddingMode::Zeros;
  }
  CHECK(checked > 100);
  CHECK(strided > 10);
  CHECK(grouped > 10);
  CHECK(modes > 10);
}

TEST_CASE("memory predictions: the lecture's matrix sizes", "[three_ways]") {
  // ResNet's 64×56×56 layer, K3 same: im2col 576 × 3136; the Toeplitz matrix 200704 × 200704 (150 GiB).
  convplay::Conv2dParams same;
  same.padding = convplay::Padding::Same;
  auto t = convplay::predict_conv_memory(ConvMethod::Toeplitz, {1, 64, 56, 56}, {64, 64, 3, 3}, same);
  REQUIRE(t.ok());
  CHECK(t->matrix_rows == 200704);
  CHECK(t->matrix_cols == 200704);
  CHECK(t->matrix_bytes == int64_t{200704} * 200704 * 4);
  CHECK(t->output_bytes == 200704 * 4);
  CHECK(t->total_bytes() == t->matrix_bytes + t->output_bytes);
  auto i = convplay::predict_conv_memory(ConvMethod::Im2colGemm, {1, 64, 56, 56}, {64, 64, 3, 3}, same);
  REQUIRE(i.ok());
  CHECK(i->matrix_rows == 576);
  CHECK(i->matrix_cols == 3136);
  CHECK(i->matrix_bytes >= 576 * 3136 * 4);
  CHECK(i->matrix_bytes < 576 * (3136 + 64) * 4);
  auto d = convplay::predict_conv_memory(ConvMethod::Direct, {1, 64, 56, 56}, {64, 64, 3, 3}, same);
  REQUIRE(d.ok());
  CHECK(d->matrix_rows == 0);
  CHECK(d->workspace_bytes >= 64 * 576 * 4);           // packed weights
  CHECK(d->workspace_bytes < i->workspace_bytes);      // the padded copy is smaller than the im2col matrix
  // A (H, W) image with a (KH, KW) kernel: 5×5 valid 3×3 → 9 × 25 Toeplitz.
  auto small = convplay::predict_conv_memory(ConvMethod::Toeplitz, {5, 5}, {3, 3}, {});
  REQUIRE(small.ok());
  CHECK(small->matrix_rows == 9);
  CHECK(small->matrix_cols == 25);
  // Sizes that would overflow 64 bits saturate instead of wrapping.
  auto huge = convplay::predict_conv_memory(ConvMethod::Toeplitz, {1, 1024, 1024, 1024}, {1024, 1024, 1, 1}, {});
  if (huge.ok()) CHECK(huge->total_bytes() > (int64_t{1} << 60));
}

TEST_CASE("the three ways refuse what exceeds the limit, and bad input, with a message", "[three_ways]") {
  convplay::Tensor x{{1, 64, 56, 56}, convplay::AlignedVector<float>(64 * 56 * 56, 0.5f)};
  convplay::Tensor w{{64, 64, 3, 3}, convplay::AlignedVector<float>(64 * 64 * 9, 0.25f)};
  convplay::Conv2dParams same;
  same.padding = convplay::Padding::Same;
  auto r = convplay::run_conv_method(ConvMethod::Toeplitz, x, w, nullptr, same, nullptr, 256 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "Toeplitz needs 150 GiB (a 200704 × 200704 Toeplitz matrix of 150 GiB), more than the limit of 256 MiB");
  auto ok = convplay::run_conv_method(ConvMethod::Im2colGemm, x, w, nullptr, same, nullptr, 256 << 20);
  REQUIRE(ok.ok());
  CHECK(ok->output.shape == std::vector<int64_t>{1, 64, 56, 56});
  CHECK(ok->output.data[0] == Approx(0.5 * 0.25 * 64 * 4)); // corner: 2×2 of the 3×3 window inside
  CHECK(ok->output.data[57] == Approx(0.5 * 0.25 * 64 * 9));
  auto tiny = convplay::run_conv_method(ConvMethod::Direct, x, w, nullptr, same, nullptr, 1000);
  REQUIRE_FALSE(tiny.ok());
  CHECK(tiny.error().rfind("direct needs ", 0) == 0);
  convplay::Tensor bad_w{{64, 3, 3, 3}, convplay::AlignedVector<float>(64 * 27, 1.0f)};
  auto bad = convplay::run_conv_method(ConvMethod::Direct, x, bad_w, nullptr, same, nullptr, kNoLimit);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("input channels per filter") != std::string::npos);
  convplay::Tensor bias{{3}, {1, 2, 3}};
  auto bad_bias = convplay::run_conv_method(ConvMethod::Toeplitz, convplay::Tensor{{4, 4}, convplay::AlignedVector<float>(16, 1.0f)},
                                            convplay::Tensor{{2, 2}, {1, 1, 1, 1}}, &bias, {}, nullptr, kNoLimit);
  REQUIRE_FALSE(bad_bias.ok());
  CHECK(bad_bias.error().find("bias must have one value per output channel") == 0);
  CHECK_FALSE(convplay::parse_conv_method("winograd").ok());
  CHECK(convplay::parse_conv_method("winograd").error() == "unknown method 'winograd' (expected direct, im2col or toeplitz)");
  CHECK(*convplay::parse_conv_method("im2col") == ConvMethod::Im2colGemm);
}

TEST_CASE("the lecture's 2-D example by all three ways", "[three_ways]") {
  // 3×3 image 1..9, 2×2 kernel [[1,0],[0,1]] (valid): y = [[1+5, 2+6], [4+8, 5+9]].
  convplay::Tensor x{{3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
  convplay::Tensor k{{2, 2}, {1, 0, 0, 1}};
  for (ConvMethod m : kMethods) {
    auto r = convplay::run_conv_method(m, x, k, nullptr, {}, nullptr, kNoLimit);
    REQUIRE(r.ok());
    CHECK(r->output.shape == std::vector<int64_t>{2, 2});
    CHECK(r->output.data == std::vector<float>{6, 8, 12, 14});
  }
  auto t = convplay::predict_conv_memory(ConvMethod::Toeplitz, {3, 3}, {2, 2}, {});
  REQUIRE(t.ok());
  CHECK(t->matrix_rows == 4);
  CHECK(t->matrix_cols == 9);
  CHECK(t->total_bytes() == (4 * 9 + 4) * 4);
}


TEST_CASE("a stride wider than the image: one window, no huge buffer, the same output every way", "[three_ways]") {
  const convplay::Tensor x{{1, 1, 16, 16}, convplay::AlignedVector<float>(256, 1.0f)}, w{{1, 1, 2, 2}, {1, 2, 3, 4}};
  convplay::Conv2dParams p;
  p.stride_h = 16;
  p.stride_w = int64_t{1} << 60;
  for (const ConvMethod method : {ConvMethod::Direct, ConvMethod::Im2colGemm, ConvMethod::Toeplitz}) {
    INFO(convplay::conv_method_name(method));
    auto r = convplay::run_conv_method(method, x, w, nullptr, p, nullptr, int64_t{1} << 30);
    REQUIRE(r.ok());
    REQUIRE(r->output.data.size() == 1);
    CHECK(r->output.data[0] == 10.0f);
    CHECK(r->bytes_allocated < (int64_t{1} << 20));
  }
}
