// convplay/feature_map.h — the convolution layer of the lecture on one image: a bank of C2 filters,
// each C1 × KH × KW, slides over x (C1, H, W); each filter gives one feature map, and the C2 maps
// stacked are the layer's output y = σ(W ∗ x + b), (C2, H', W'). W ∗ x + b is Conv2dPlan's (the fast
// conv2d, stride 1, zero padding), σ is activation() (layers.h).
#pragma once
#include <convplay/layers.h>
#include <convplay/shape.h>
#include <convplay/tensor.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace convplay {

struct FeatureMaps {
  Tensor pre; // (C2, H', W'): W ∗ x + b, before the activation
  Tensor y;   // (C2, H', W'): σ(pre); pre itself without an activation
  int64_t pad_top = 0, pad_left = 0; // zero rows above and columns left of x ('same' and 'full' work them out)
};

// The filters, one (C1, KH, KW) tensor per map, stacked into the layer's weights (C2, C1, KH, KW).
Expected<Tensor> stack_filters(const std::vector<Tensor>& filters);

// y = σ(W ∗ x + b): x (C1, H, W); w (C2, C1, KH, KW); bias C2 values, or none when empty; padding Valid,
// Same or Full (Explicit is refused: give the layer a size rule); no activation when act is empty.
//   pre[m][i][j] = bias[m] + Σ_c Σ_a Σ_b w[m][c][a][b] · xpad[c][i + a][j + b]
Expected<FeatureMaps> feature_maps(const Tensor& x, const Tensor& w, std::span<const float> bias, Padding padding,
                                   std::optional<Activation> act);

// Output rows [row_begin, row_end) of feature_maps(x, w, bias, padding, act), pre and y (C2, rows, W'):
// the same numbers (each value is the same sum over the input rows its window reads), so a big layer
// can be computed in bands of rows. pad_top and pad_left are the whole layer's.
Expected<FeatureMaps> feature_map_rows(const Tensor& x, const Tensor& w, std::span<const float> bias, Padding padding,
                                       std::optional<Activation> act, int64_t row_begin, int64_t row_end);

} // namespace convplay
