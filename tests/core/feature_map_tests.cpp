// The convolution layer σ(W ∗ x + b) (convplay/feature_map.h) against the sum written out by hand.
#include "test_support.h"

#include <convplay/feature_map.h>

#include <cmath>
#include <random>

using namespace convplay;

namespace {
Tensor random_tensor(std::vector<int64_t> shape, std::mt19937& rng) {
  Tensor t = zeros(std::move(shape));
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float& v : t.data) v = u(rng);
  return t;
}

// pre[m][i][j] = b[m] + Σ_c Σ_a Σ_b w[m][c][a][b] · x[c][i + a − pt][j + b − pl] (zero outside), in double.
double by_hand(const Tensor& x, const Tensor& w, const std::vector<float>& bias, int64_t pt, int64_t pl, int64_t m, int64_t i,
               int64_t j) {
  const int64_t C = x.dim(0), H = x.dim(1), W = x.dim(2), K = w.dim(2), L = w.dim(3);
  double s = bias.empty() ? 0.0 : bias[static_cast<size_t>(m)];
  for (int64_t c = 0; c < C; ++c)
    for (int64_t a = 0; a < K; ++a)
      for (int64_t b = 0; b < L; ++b) {
        const int64_t y = i + a - pt, xx = j + b - pl;
        if (y >= 0 && y < H && xx >= 0 && xx < W)
          s += static_cast<double>(w[((m * C + c) * K + a) * L + b]) * x[(c * H + y) * W + xx];
      }
  return s;
}
} // namespace

TEST_CASE("feature_maps: each map is its filter's sum plus its bias, then σ, for valid, same and full", "[feature_map]") {
  const uint32_t seed = Catch::rngSeed();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (Padding padding : {Padding::Valid, Padding::Same, Padding::Full})
    for (int64_t c1 : {1, 3}) {
      const int64_t c2 = 4, k = 3, h = 7, w = 9;
      const Tensor x = random_tensor({c1, h, w}, rng);
      std::vector<Tensor> filters;
      for (int64_t m = 0; m < c2; ++m) filters.push_back(random_tensor({c1, k, k}, rng));
      auto bank = stack_filters(filters);
      REQUIRE(bank.ok());
      REQUIRE(bank->shape == std::vector<int64_t>{c2, c1, k, k});
      const std::vector<float> bias = {0.5f, -1.0f, 0.0f, 2.0f};
      auto fm = feature_maps(x, *bank, bias, padding, Activation::ReLU);
      REQUIRE(fm.ok());
      const int64_t pad = padding == Padding::Valid ? 0 : padding == Padding::Same ? 1 : 2;
      const int64_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
      CHECK(fm->pad_top == pad);
      CHECK(fm->pad_left == pad);
      REQUIRE(fm->pre.shape == std::vector<int64_t>{c2, oh, ow});
      REQUIRE(fm->y.shape == fm->pre.shape);
      for (int64_t m = 0; m < c2; ++m)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            INFO("padding " << padding_name(padding) << ", C1 " << c1 << ", map " << m << " at (" << i << ", " << j << ")");
            const double want = by_hand(x, *bank, bias, pad, pad, m, i, j);
            const float pre = fm->pre[(m * oh + i) * ow + j];
            REQUIRE(pre == Approx(want).margin(1e-5));
            REQUIRE(fm->y[(m * oh + i) * ow + j] == (pre > 0.0f ? pre : 0.0f));
          }
    }
}

TEST_CASE("feature_maps: no activation gives pre itself, no bias adds nothing, tanh and sigmoid", "[feature_map]") {
  std::mt19937 rng(7);
  const Tensor x = random_tensor({1, 5, 5}, rng);
  auto bank = stack_filters({random_tensor({1, 3, 3}, rng), random_tensor({1, 3, 3}, rng)});
  REQUIRE(bank.ok());
  auto plain = feature_maps(x, *bank, {}, Padding::Valid, std::nullopt);
  REQUIRE(plain.ok());
  CHECK(plain->y.data == plain->pre.data);
  for (int64_t m = 0; m < 2; ++m)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 3; ++j) CHECK(plain->pre[(m * 3 + i) * 3 + j] == Approx(by_hand(x, *bank, {}, 0, 0, m, i, j)).margin(1e-5));
  auto th = feature_maps(x, *bank, {}, Padding::Valid, Activation::Tanh);
  auto sg = feature_maps(x, *bank, {}, Padding::Valid, Activation::Sigmoid);
  REQUIRE(th.ok());
  REQUIRE(sg.ok());
  for (int64_t i = 0; i < plain->pre.numel(); ++i) {
    CHECK(th->y[i] == Approx(std::tanh(plain->pre[i])).margin(1e-6));
    CHECK(sg->y[i] == Approx(1.0 / (1.0 + std::exp(-plain->pre[i]))).margin(1e-6));
  }
}

TEST_CASE("feature_maps and stack_filters refuse what does not fit, with the numbers", "[feature_map]") {
  const Tensor x = zeros({3, 6, 6});
  CHECK(stack_filters({}).error() == "a filter bank needs at least one filter");
  CHECK(stack_filters({zeros({3, 3, 3}), zeros({3, 5, 5})}).error() ==
        "filter 2 has shape (3, 5, 5), filter 1 (3, 3, 3): a bank's filters have one shape");
  CHECK(feature_maps(zeros({6, 6}), zeros({1, 3, 3, 3}), {}, Padding::Valid, std::nullopt).error() ==
        "the layer's input must be (C1, H, W), got shape (6, 6)");
  CHECK(feature_maps(x, zeros({2, 1, 3, 3}), {}, Padding::Valid, std::nullopt).error() == "the filters have 1 channels, the input 3");
  const std::vector<float> three = {1, 2, 3};
  CHECK(feature_maps(x, zeros({2, 3, 3, 3}), three, Padding::Valid, std::nullopt).error() == "3 biases for 2 filters");
  CHECK(feature_maps(x, zeros({2, 3, 3, 3}), {}, Padding::Explicit, std::nullopt).error() == "the layer's padding is valid, same or full");
  CHECK_FALSE(feature_maps(x, zeros({2, 3, 7, 7}), {}, Padding::Valid, std::nullopt).ok()); // the kernel is larger than the input
}

TEST_CASE("feature_map_rows: bands of rows are the whole layer's rows, bit for bit", "[feature_map]") {
  std::mt19937 rng(7);
  INFO("seed 7");
  for (int64_t c1 : {1, 3})
    for (int64_t k : {1, 3, 5, 7})
      for (Padding padding : {Padding::Valid, Padding::Same, Padding::Full})
        for (int64_t h : {9, 23}) {
          INFO("C1 " << c1 << " K " << k << " " << padding_name(padding) << " H " << h);
          const Tensor x = random_tensor({c1, h, 17}, rng), w = random_tensor({5, c1, k, k}, rng);
          const std::vector<float> bias = {0.5f, -1.0f, 0.25f, 0.0f, 2.0f};
          auto whole = feature_maps(x, w, bias, padding, Activation::ReLU);
          REQUIRE(whole.ok());
          const int64_t oh = whole->pre.dim(1), ow = whole->pre.dim(2);
          for (int64_t band : {int64_t{1}, int64_t{2}, int64_t{4}, oh}) {
            INFO("bands of " << band);
            for (int64_t r0 = 0; r0 < oh; r0 += band) {
              const int64_t r1 = std::min(oh, r0 + band);
              auto part = feature_map_rows(x, w, bias, padding, Activation::ReLU, r0, r1);
              REQUIRE(part.ok());
              REQUIRE(part->pre.shape == std::vector<int64_t>{5, r1 - r0, ow});
              CHECK(part->pad_top == whole->pad_top);
              int64_t differ = 0;
              for (int64_t m = 0; m < 5; ++m)
                for (int64_t i = r0; i < r1; ++i)
                  for (int64_t j = 0; j < ow; ++j) {
                    const int64_t at = (m * oh + i) * ow + j, in = (m * (r1 - r0) + i - r0) * ow + j;
                    differ += part->pre[in] != whole->pre[at] || part->y[in] != whole->y[at];
                  }
              CHECK(differ == 0);
            }
          }
        }
  const Tensor x = zeros({1, 6, 6}), w = zeros({1, 1, 3, 3});
  CHECK(feature_map_rows(x, w, {}, Padding::Valid, std::nullopt, 2, 5).error() == "rows 2 to 5 of a layer with 4 output rows");
  CHECK_FALSE(feature_map_rows(x, w, {}, Padding::Valid, std::nullopt, 1, 1).ok());
}
