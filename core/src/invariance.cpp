#include <convplay/conv.h>
#include <convplay/invariance.h>
#include <convplay/layers.h>
#include <convplay/pool.h>

#include <algorithm>
#include <string>

namespace convplay {

Expected<Tensor> place_pattern(const Tensor& pattern, int64_t n, int64_t y, int64_t x) {
  if (pattern.rank() != 2) return Error{"the pattern must be (PH, PW), got shape " + shape_string(pattern.shape)};
  if (n < 1 || n > 4096) return Error{"the input side n must be between 1 and 4096, got " + std::to_string(n)};
  const int64_t ph = pattern.dim(0), pw = pattern.dim(1);
  if (ph > n || pw > n) return Error{"the pattern " + shape_string(pattern.shape) + " is larger than the input " + std::to_string(n) + " × " + std::to_string(n)};
  if (x < 0 || x > n - pw) return Error{"x must be between 0 and " + std::to_string(n - pw) + " (the pattern must fit)"};
  if (y < 0 || y > n - ph) return Error{"y must be between 0 and " + std::to_string(n - ph) + " (the pattern must fit)"};
  Tensor t = zeros({n, n});
  for (int64_t r = 0; r < ph; ++r)
    for (int64_t c = 0; c < pw; ++c) t[(y + r) * n + x + c] = pattern[r * pw + c];
  return t;
}

Tensor matched_filter(const Tensor& pattern) {
  Tensor w{pattern.shape, {}};
  for (float v : pattern.data) w.data.push_back(v != 0.0f ? 1.0f : -1.0f);
  return w;
}

Tensor seeded_dense_weights(int64_t inputs, uint32_t seed) {
  Tensor w = zeros({1, inputs});
  uint32_t s = 2463534242u ^ seed * 2654435761u;
  for (float& v : w.data) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<float>((s >> 8) * (1.0 / 8388608.0) - 1.0); // 24 bits
  }
  return w;
}

Expected<InvarianceResult> invariance_at(const Tensor& pattern, int64_t n, int64_t y, int64_t x, const Tensor& filter,
                                         const Tensor& dense_weights) {
  auto input = place_pattern(pattern, n, y, x);
  if (!input) return Error{input.error()};
  if (dense_weights.rank() != 2 || dense_weights.dim(0) != 1 || dense_weights.dim(1) != n * n)
    return Error{"the dense weights must be (1, " + std::to_string(n * n) + "), got shape " + shape_string(dense_weights.shape)};
  InvarianceResult o;
  o.input = std::move(*input);
  auto map = conv2d(o.input, filter, nullptr, Conv2dParams{});
  if (!map) return Error{map.error()};
  o.map = std::move(*map);
  Pool2dParams whole; // global max pooling: one window over the whole map
  whole.kernel_h = o.map.dim(0);
  whole.kernel_w = o.map.dim(1);
  auto pooled = max_pool2d(o.map, whole);
  if (!pooled) return Error{pooled.error()};
  o.global_max = pooled->output[0];
  o.peak_row = pooled->indices[0] / o.map.dim(1);
  o.peak_col = pooled->indices[0] % o.map.dim(1);
  Tensor flat = o.input;
  flat.shape = {n * n};
  auto d = dense(flat, dense_weights, nullptr);
  if (!d) return Error{d.error()};
  o.dense_out = (*d)[0];
  return o;
}

Expected<InvarianceSweep> invariance_sweep(const Tensor& pattern, int64_t n, const Tensor& filter, const Tensor& dense_weights) {
  if (pattern.rank() != 2) return Error{"the pattern must be (PH, PW), got shape " + shape_string(pattern.shape)};
  InvarianceSweep s;
  s.rows = n - pattern.dim(0) + 1;
  s.cols = n - pattern.dim(1) + 1;
  if (s.rows < 1 || s.cols < 1) return Error{"the pattern " + shape_string(pattern.shape) + " is larger than the input"};
  for (int64_t y = 0; y < s.rows; ++y)
    for (int64_t x = 0; x < s.cols; ++x) {
      auto r = invariance_at(pattern, n, y, x, filter, dense_weights);
      if (!r) return Error{r.error()};
      s.global_max.push_back(r->global_max);
      s.dense_out.push_back(r->dense_out);
    }
  const auto [dlo, dhi] = std::minmax_element(s.dense_out.begin(), s.dense_out.end());
  const auto [glo, ghi] = std::minmax_element(s.global_max.begin(), s.global_max.end());
  s.dense_min = *dlo;
  s.dense_max = *dhi;
  s.global_max_min = *glo;
  s.global_max_max = *ghi;
  return s;
}

} // namespace convplay
