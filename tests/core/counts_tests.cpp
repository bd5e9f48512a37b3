// Layer counts (convplay/counts.h): the lecture's numbers, zero fractions against the built matrices,
// and 64-bit overflow detection.
#include "test_support.h"

#include <convplay/counts.h>
#include <convplay/matrix_views.h>

using namespace convplay;

TEST_CASE("the lecture's counts: 32x32x3 input, 64 filters of 5x5x3, valid", "[counts]") {
  ConvLayerSpec s;
  s.channels = 3; s.height = 32; s.width = 32; s.out_channels = 64; s.kernel_h = 5; s.kernel_w = 5;
  auto c = count_layer(s);
  REQUIRE(c.ok());
  CHECK(c->out_h == 28);
  CHECK(c->out_w == 28);
  CHECK(c->output_elements.value == 28 * 28 * 64);
  CHECK(c->conv_weights.value == 4800);
  CHECK(c->conv_parameters.value == 4864);
  CHECK(c->input_elements.value == 3072);
  CHECK(c->output_elements.value == 50176);
  CHECK(c->dense_weights.value == 154140672);
  CHECK(format_count(c->dense_weights) == "154,140,672");
  CHECK(c->weight_ratio == Approx(32112.64));
  CHECK(c->weight_ratio == Approx(32000).epsilon(0.01)); // "ratio ≈ 32,000"
  CHECK(c->conv_macs.value == 50176LL * 75);
  CHECK(c->conv_weight_bytes.value == 4864 * 4);
  CHECK(c->toeplitz_nonzeros.value == 50176LL * 75); // valid: every tap is inside the input
  CHECK(c->im2col_rows.value == 75);
  CHECK(c->im2col_cols.value == 784);
  CHECK(c->im2col_zero_fraction == 0.0);
  CHECK_FALSE(c->any_overflow());
}

TEST_CASE("zero fractions equal the zeros of the built Toeplitz and im2col matrices", "[counts][matrix_views]") {
  const int64_t index = GENERATE(range(0, 30));
  std::mt19937 rng = test::seeded_rng(0xC0, index);
  ConvLayerSpec s;
  AxisSpec rows, cols;
  for (;;) {
    s.height = test::uniform(rng, 1, 8); s.width = test::uniform(rng, 1, 8);
    s.kernel_h = test::uniform(rng, 1, 4); s.kernel_w = test::uniform(rng, 1, 4);
    s.stride_h = test::uniform(rng, 1, 3); s.stride_w = test::uniform(rng, 1, 3);
    s.dilation_h = test::uniform(rng, 1, 2); s.dilation_w = test::uniform(rng, 1, 2);
    s.padding = static_cast<Padding>(test::uniform(rng, 0, 3));
    s.pad_top = test::uniform(rng, 0, 2); s.pad_bottom = test::uniform(rng, 0, 2);
    s.pad_left = test::uniform(rng, 0, 2); s.pad_right = test::uniform(rng, 0, 2);
    if (count_layer(s).ok()) break;
  }
  INFO("seed " << Catch::rngSeed() << " case " << index);
  auto c = count_layer(s);
  rows = {s.height, s.kernel_h, s.stride_h, s.dilation_h, s.padding, s.pad_top, s.pad_bottom, false};
  cols = {s.width, s.kernel_w, s.stride_w, s.dilation_w, s.padding, s.pad_left, s.pad_right, false};
  // A kernel of ones: its Toeplitz matrix has a 1 exactly where a tap lands inside the input.
  auto T = doubly_blocked_toeplitz_2d(Tensor{{s.kernel_h, s.kernel_w}, AlignedVector<float>(static_cast<size_t>(s.kernel_h * s.kernel_w), 1.0f)}, rows, cols);
  REQUIRE(T.ok());
  int64_t nonzero = 0;
  for (float v : T->data) nonzero += v != 0.0f;
  CHECK(c->toeplitz_nonzeros.value == nonzero);
  CHECK(c->toeplitz_entries.value == T->numel());
  // im2col of an all-ones image: zeros are the padding taps.
  Conv2dParams p;
  p.stride_h = s.stride_h; p.stride_w = s.stride_w; p.dilation_h = s.dilation_h; p.dilation_w = s.dilation_w;
  p.padding = s.padding; p.pad_top = s.pad_top; p.pad_bottom = s.pad_bottom; p.pad_left = s.pad_left; p.pad_right = s.pad_right;
  auto m = im2col_matrix(Tensor{{s.height, s.width}, AlignedVector<float>(static_cast<size_t>(s.height * s.width), 1.0f)},
                         s.kernel_h, s.kernel_w, p);
  REQUIRE(m.ok());
  int64_t zeros_count = 0;
  for (float v : m->data) zeros_count += v == 0.0f;
  CHECK(c->im2col_entries.value == m->numel());
  CHECK(c->im2col_padding_entries.value == zeros_count);
  CHECK(c->im2col_zero_fraction == Approx(static_cast<double>(zeros_count) / static_cast<double>(m->numel())));
}

TEST_CASE("counts are 64-bit and overflow is reported, not wrapped", "[counts]") {
  // A 1280×720×3 image to a same-size dense layer: 2.76 M inputs, 7.6·10^12 weights (overflows 32 bits).
  ConvLayerSpec s;
  s.channels = 3; s.height = 720; s.width = 1280; s.out_channels = 3; s.kernel_h = 3; s.kernel_w = 3;
  s.padding = Padding::Same;
  auto c = count_layer(s);
  REQUIRE(c.ok());
  CHECK(c->input_elements.value == 2764800);
  CHECK(c->dense_weights.value == 2764800LL * 2764800LL);
  CHECK(c->dense_weights.value > INT32_MAX);
  CHECK_FALSE(c->any_overflow());

  s.height = s.width = 4000000; // 4.8·10^13 inputs: the dense weight count overflows 64 bits
  auto big = count_layer(s);
  REQUIRE(big.ok());
  CHECK(big->dense_weights.overflow);
  CHECK(big->any_overflow());
  CHECK(format_count(big->dense_weights) == "more than 9.2·10^18 (overflows 64 bits)");
  CHECK(big->overflow_message().find("dense weights") != std::string::npos);
  CHECK(big->weight_ratio > 1e18); // the ratio is still shown
  STATIC_REQUIRE(count_mul(count_of(INT64_MAX), count_of(2)).overflow);
  STATIC_REQUIRE(count_add(count_of(1), count_of(2)).value == 3);
}

TEST_CASE("format_bytes: binary units named KiB, MiB, GiB, overflow said as such", "[counts]") {
  CHECK(convplay::format_bytes(0) == "0 B");
  CHECK(convplay::format_bytes(1023) == "1023 B");
  CHECK(convplay::format_bytes(1024) == "1.00 KiB");
  CHECK(convplay::format_bytes(3 * 1024 + 205) == "3.20 KiB");
  CHECK(convplay::format_bytes(int64_t{256} << 20) == "256 MiB");
  CHECK(convplay::format_bytes(int64_t{3} << 29) == "1.50 GiB");
  // The lecture's dense layer: 154,140,672 weights × 4 bytes = 616,562,688 bytes = 588 MiB (616.6 MB in powers of 1000).
  CHECK(convplay::format_bytes(int64_t{154140672} * 4) == "588 MiB");
  CHECK(convplay::format_bytes(convplay::Count{0, true}) == "more than 9.2·10^18 (overflows 64 bits) bytes");
}
