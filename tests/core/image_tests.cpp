// convplay/image.h: pixels to tensors, area resizing, grey, the disc picture and the filter bank, with
// values worked out by hand; and conv2d with the red detector on the disc picture (the 'color' scene's
// demonstration): 1 on the red disc, −½ on the green one, 0 on the white background.
#include <catch2/catch.hpp>

#include <convplay/conv.h>
#include <convplay/image.h>

#include <cstdint>
#include <numeric>
#include <vector>

using namespace convplay;

TEST_CASE("image: fit_within keeps the aspect ratio and never enlarges", "[image]") {
  CHECK(fit_within(3000, 4000, 512).height == 384);
  CHECK(fit_within(3000, 4000, 512).width == 512);
  CHECK(fit_within(300, 451, 64).height == 43); // the cat: 300 × 64/451 = 42.6
  CHECK(fit_within(300, 451, 64).width == 64);
  CHECK(fit_within(10, 20, 512).height == 10);
  CHECK(fit_within(10, 20, 512).width == 20);
  CHECK(fit_within(1, 10000, 100).height == 1);
  CHECK(fit_within(0, 5, 5).height == 0);
}

TEST_CASE("image: 8-bit RGB pixels become (3, H, W) floats in [0, 1]", "[image]") {
  // 1×2 RGB: red, then (0, 51, 255)
  const uint8_t px[] = {255, 0, 0, 0, 51, 255};
  auto t = image_from_pixels(px, 1, 2, 3, 1, 2);
  REQUIRE(t.ok());
  CHECK(t->shape == std::vector<int64_t>{3, 1, 2});
  CHECK(t->data == std::vector<float>{1.0f, 0.0f, 0.0f, 0.2f, 0.0f, 1.0f});
  // grey + alpha: the grey is repeated into R, G and B, alpha dropped
  const uint8_t ga[] = {102, 7};
  auto g = image_from_pixels(ga, 1, 1, 2, 1, 1);
  REQUIRE(g.ok());
  CHECK(g->data == std::vector<float>{0.4f, 0.4f, 0.4f});
  CHECK(image_from_pixels(px, 1, 2, 5, 1, 2).error() == "an image has 1 to 4 channels, not 5");
  CHECK(!image_from_pixels(px, 1, 2, 3, 0, 2).ok());
}

TEST_CASE("image: area resizing averages what each output pixel covers", "[image]") {
  Tensor t = zeros({1, 2, 4});
  t.data = {1, 3, 5, 7, 9, 11, 13, 15};
  auto half = resize_area(t, 1, 2); // each output averages a 2×2 block
  REQUIRE(half.ok());
  CHECK(half->data[0] == Approx((1 + 3 + 9 + 11) / 4.0));
  CHECK(half->data[1] == Approx((5 + 7 + 13 + 15) / 4.0));
  auto third = resize_area(t, 1, 3); // 4 → 3: output 0 covers x ∈ [0, 4/3): 1 whole + 1/3 of the second
  REQUIRE(third.ok());
  CHECK(third->data[0] == Approx((5.0 * 1 + 7.0 / 3) / (4.0 / 3))); // column means 5, 7: (5 + 7/3)·3/4
  auto up = resize_area(t, 4, 8); // enlarging repeats
  REQUIRE(up.ok());
  CHECK(up->data[0] == 1.0f);
  CHECK(up->data[1] == 1.0f);
  CHECK(up->data[2] == 3.0f);
  CHECK(up->data[8 * 2] == 9.0f);
  // a 4000-wide row shrunk to 512: the mean is kept
  Tensor row = zeros({1, 1, 4000});
  for (int i = 0; i < 4000; ++i) row[i] = static_cast<float>(i % 7);
  auto small = resize_area(row, 1, 512);
  REQUIRE(small.ok());
  const double before = std::accumulate(row.data.begin(), row.data.end(), 0.0) / 4000.0;
  const double after = std::accumulate(small->data.begin(), small->data.end(), 0.0) / 512.0;
  CHECK(after == Approx(before).epsilon(1e-6));
  CHECK(resize_area(zeros({2, 2}), 1, 1).error() == "resize_area expects a (C, H, W) tensor, got (2, 2)");
}

TEST_CASE("image: grey uses the BT.601 weights", "[image]") {
  Tensor t = zeros({3, 1, 2});
  t.data = {1, 0, /*G*/ 0, 1, /*B*/ 0, 0};
  auto g = to_grey(t);
  REQUIRE(g.ok());
  CHECK(g->shape == std::vector<int64_t>{1, 1, 2});
  CHECK(g->data[0] == Approx(0.299));
  CHECK(g->data[1] == Approx(0.587));
  CHECK(!to_grey(zeros({2, 1, 1})).ok());
  auto plane = image_plane(t, 1);
  REQUIRE(plane.ok());
  CHECK(*plane == std::vector<float>{0, 1});
  CHECK(!image_plane(t, 3).ok());
}

TEST_CASE("image: the filter bank's textbook numbers", "[image]") {
  auto sobel = make_filter("sobel_x", 3);
  REQUIRE(sobel.ok());
  CHECK(sobel->data == std::vector<float>{-1, 0, 1, -2, 0, 2, -1, 0, 1});
  auto gauss = make_filter("gaussian", 3);
  REQUIRE(gauss.ok());
  CHECK(gauss->data[4] == Approx(4.0 / 16));
  CHECK(gauss->data[0] == Approx(1.0 / 16));
  auto g5 = make_filter("gaussian", 5); // 1 4 6 4 1 outer itself, / 256
  REQUIRE(g5.ok());
  CHECK(g5->data[12] == Approx(36.0 / 256));
  CHECK(std::accumulate(g5->data.begin(), g5->data.end(), 0.0) == Approx(1.0));
  auto lap5 = make_filter("laplacian", 5); // the 3×3 in the middle of zeros
  REQUIRE(lap5.ok());
  CHECK(lap5->data[12] == -4.0f);
  CHECK(lap5->data[7] == 1.0f);
  CHECK(lap5->data[0] == 0.0f);
  auto box = make_filter("box", 3);
  REQUIRE(box.ok());
  CHECK(box->data[0] == Approx(1.0 / 9));
  auto gabor = make_filter("gabor", 5);
  REQUIRE(gabor.ok());
  CHECK(std::accumulate(gabor->data.begin(), gabor->data.end(), 0.0) == Approx(0.0).margin(1e-5));
  CHECK(gabor->data[12] == Approx(1.0)); // the centre is the largest
  CHECK(make_filter("sobel_x", 4).error() == "filter size K must be odd, 3 to 15, not 4");
  CHECK(make_filter("blurry", 3).error().rfind("unknown filter 'blurry'", 0) == 0);
  for (auto name : filter_names()) CHECK(make_filter(name, 7).ok());
}

TEST_CASE("image: the red detector fires on the red disc, not on the green one (conv2d, C1 = 3, C2 = 1)", "[image]") {
  auto discs = red_green_discs(32, 64);
  REQUIRE(discs.ok());
  const DiscPicture& p = *discs;
  CHECK(p.radius == Approx(11.2));
  const int64_t n = 32 * 64;
  CHECK(p.image[p.red_row * 64 + p.red_col] == 1.0f);         // R at the red centre
  CHECK(p.image[n + p.green_row * 64 + p.green_col] == 1.0f); // G at the green centre
  CHECK(p.image[0] == 1.0f);                                  // white corner
  const int64_t k = 5;
  Tensor w = colour_kernel(k, kRedDetector);
  w.shape = {1, 3, k, k};
  Tensor x = p.image;
  x.shape = {1, 3, 32, 64};
  Tensor bias = zeros({1});
  auto y = conv2d(x, w, &bias, Conv2dParams{});
  REQUIRE(y.ok());
  REQUIRE(y->shape == std::vector<int64_t>{1, 1, 28, 60});
  const int64_t off = k / 2;
  auto at = [&](int64_t r, int64_t c) { return (*y)[(r - off) * 60 + (c - off)]; };
  CHECK(at(p.red_row, p.red_col) == Approx(1.0));
  CHECK(at(p.green_row, p.green_col) == Approx(-0.5));
  CHECK((*y)[0] == Approx(0.0).margin(1e-6)); // white background
}

TEST_CASE("image: a pattern spread with the luma weights equals the pattern on the grey image", "[image]") {
  auto discs = red_green_discs(8, 16);
  REQUIRE(discs.ok());
  auto sobel = make_filter("sobel_x", 3);
  REQUIRE(sobel.ok());
  auto colour = spread_over_channels(*sobel, kLumaWeights);
  REQUIRE(colour.ok());
  Tensor wc = *colour, wg = *sobel, x = discs->image;
  wc.shape = {1, 3, 3, 3};
  wg.shape = {1, 1, 3, 3};
  x.shape = {1, 3, 8, 16};
  auto grey = to_grey(discs->image);
  REQUIRE(grey.ok());
  Tensor xg = *grey;
  xg.shape = {1, 1, 8, 16};
  auto a = conv2d(x, wc, nullptr, Conv2dParams{});
  auto b = conv2d(xg, wg, nullptr, Conv2dParams{});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (size_t i = 0; i < a->data.size(); ++i) CHECK(a->data[i] == Approx(b->data[i]).margin(1e-5));
}

TEST_CASE("image: recentring a kernel keeps the centre tap in the centre", "[image]") {
  Tensor w = zeros({1, 3, 3});
  w.data = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  auto big = recentre_kernel(w, 5);
  REQUIRE(big.ok());
  CHECK(big->data[12] == 5.0f); // centre of 5×5
  CHECK(big->data[6] == 1.0f);  // (1, 1)
  CHECK(big->data[0] == 0.0f);
  auto small = recentre_kernel(*big, 1);
  REQUIRE(small.ok());
  CHECK(small->data == std::vector<float>{5.0f});
  CHECK(!recentre_kernel(zeros({3, 3}), 3).ok());
}
