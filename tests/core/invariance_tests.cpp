// Translation invariance (convplay/invariance.h) against the experiment computed by hand: the map as
// nested sums, its maximum by a scan, the dense output as a dot product.
#include "test_support.h"

#include <convplay/invariance.h>

#include <algorithm>

using namespace convplay;

namespace {
Tensor plus_pattern() { // a 3 × 3 plus
  Tensor p = zeros({3, 3});
  for (int64_t i : {1, 3, 4, 5, 7}) p[i] = 1.0f;
  return p;
}
} // namespace

TEST_CASE("invariance_at: the map, its maximum and the dense output, as computed by hand", "[invariance]") {
  const Tensor pattern = plus_pattern(), filter = matched_filter(pattern);
  const int64_t n = 8;
  const Tensor weights = seeded_dense_weights(n * n, 5);
  for (int64_t y : {0, 2, 5})
    for (int64_t x : {0, 3, 5}) {
      INFO("pattern at (" << y << ", " << x << ")");
      auto r = invariance_at(pattern, n, y, x, filter, weights);
      REQUIRE(r.ok());
      // The input: 1 exactly on the pattern's cells.
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) {
          const bool on = i >= y && i < y + 3 && j >= x && j < x + 3 && pattern[(i - y) * 3 + (j - x)] == 1.0f;
          REQUIRE(r->input[i * n + j] == (on ? 1.0f : 0.0f));
        }
      // The map, valid cross-correlation; its maximum and where it first occurs; the dense dot product.
      REQUIRE(r->map.shape == std::vector<int64_t>{n - 2, n - 2});
      float best = -1e30f;
      int64_t best_i = -1, best_j = -1;
      for (int64_t i = 0; i + 3 <= n; ++i)
        for (int64_t j = 0; j + 3 <= n; ++j) {
          float s = 0;
          for (int64_t a = 0; a < 3; ++a)
            for (int64_t b = 0; b < 3; ++b) s += filter[a * 3 + b] * r->input[(i + a) * n + j + b];
          REQUIRE(r->map[i * (n - 2) + j] == s);
          if (s > best) {
            best = s;
            best_i = i;
            best_j = j;
          }
        }
      CHECK(r->global_max == best);
      CHECK(r->global_max == 5.0f); // the exact match: its 5 cells × (+1)
      CHECK(r->peak_row == best_i);
      CHECK(r->peak_col == best_j);
      CHECK(r->peak_row == y); // the match is where the pattern is
      CHECK(r->peak_col == x);
      double dot = 0;
      for (int64_t i = 0; i < n * n; ++i) dot += static_cast<double>(weights[i]) * r->input[i];
      CHECK(r->dense_out == Approx(dot).margin(1e-5));
    }
}

TEST_CASE("invariance_sweep: the global max is the same at every position, the dense output is not", "[invariance]") {
  const Tensor pattern = plus_pattern(), filter = matched_filter(pattern);
  const int64_t n = 7;
  const Tensor weights = seeded_dense_weights(n * n, 1);
  auto s = invariance_sweep(pattern, n, filter, weights);
  REQUIRE(s.ok());
  CHECK(s->rows == 5);
  CHECK(s->cols == 5);
  REQUIRE(s->global_max.size() == 25);
  REQUIRE(s->dense_out.size() == 25);
  CHECK(s->global_max_min == 5.0f);
  CHECK(s->global_max_max == 5.0f);
  for (int64_t y = 0; y < 5; ++y)
    for (int64_t x = 0; x < 5; ++x) {
      auto one = invariance_at(pattern, n, y, x, filter, weights);
      REQUIRE(one.ok());
      CHECK(s->dense_out[static_cast<size_t>(y * 5 + x)] == one->dense_out);
    }
  CHECK(s->dense_min == *std::min_element(s->dense_out.begin(), s->dense_out.end()));
  CHECK(s->dense_max == *std::max_element(s->dense_out.begin(), s->dense_out.end()));
  CHECK(s->dense_max - s->dense_min > 0.5f); // one weight per cell: moving the pattern moves the number
}

TEST_CASE("the experiment's pieces: matched filter, seeded weights, a pattern that does not fit", "[invariance]") {
  const Tensor f = matched_filter(plus_pattern());
  CHECK(f.shape == std::vector<int64_t>{3, 3});
  CHECK(f.data == std::vector<float>{-1, 1, -1, 1, 1, 1, -1, 1, -1});
  const Tensor a = seeded_dense_weights(100, 3), b = seeded_dense_weights(100, 3), c = seeded_dense_weights(100, 4);
  CHECK(a.shape == std::vector<int64_t>{1, 100});
  CHECK(a.data == b.data);
  CHECK(a.data != c.data);
  CHECK(std::all_of(a.data.begin(), a.data.end(), [](float v) { return v >= -1.0f && v < 1.0f; }));
  // The LCG's first value for seed 0, by hand: s = 2463534242 · 1664525 + 1013904223 mod 2^32, (s >> 8) / 2^23 − 1.
  const uint32_t s0 = 2463534242u * 1664525u + 1013904223u;
  CHECK(seeded_dense_weights(1, 0)[0] == static_cast<float>((s0 >> 8) * (1.0 / 8388608.0) - 1.0));
  CHECK(place_pattern(plus_pattern(), 5, 3, 0).error() == "y must be between 0 and 2 (the pattern must fit)");
  CHECK(place_pattern(plus_pattern(), 5, 0, -1).error() == "x must be between 0 and 2 (the pattern must fit)");
  CHECK(place_pattern(plus_pattern(), 2, 0, 0).error() == "the pattern (3, 3) is larger than the input 2 × 2");
  CHECK(invariance_at(plus_pattern(), 5, 0, 0, f, seeded_dense_weights(24, 1)).error() ==
        "the dense weights must be (1, 25), got shape (1, 24)");
}
