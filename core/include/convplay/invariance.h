// convplay/invariance.h — translation invariance, the lecture's experiment: a small 0/1 pattern on an
// empty n × n input; one convolution with a filter (valid, conv2d), global max pooling of the map
// (max_pool2d over the whole map) and a dense layer with one weight per input cell (dense()). Wherever
// the pattern is, the conv-and-max number is the same; the dense one changes with every move.
#pragma once
#include <convplay/tensor.h>

#include <cstdint>
#include <vector>

namespace convplay {

// The pattern (PH, PW) with its top-left cell at (y, x) of an n × n input of zeros; an error if it
// does not fit.
Expected<Tensor> place_pattern(const Tensor& pattern, int64_t n, int64_t y, int64_t x);
// The filter matched to a 0/1 pattern: +1 where it is on, −1 where it is off, so that only the exact
// match reaches the number of its cells.
Tensor matched_filter(const Tensor& pattern);
// (1, inputs) weights uniform in [−1, 1) from a 32-bit LCG: the same on every platform for a seed.
Tensor seeded_dense_weights(int64_t inputs, uint32_t seed);

struct InvarianceResult {
  Tensor input;                       // (n, n): the pattern at (y, x), 0 elsewhere
  Tensor map;                         // (n − KH + 1, n − KW + 1): conv2d(input, filter), valid, stride 1
  float global_max = 0;               // the largest value of the map
  int64_t peak_row = 0, peak_col = 0; // where (the first, in row-major order)
  float dense_out = 0;                // Σ weights[0][i] · input[i], no bias
};
// One position: pattern (PH, PW) at (y, x) of n × n; filter (KH, KW) at most n × n; dense_weights (1, n·n).
Expected<InvarianceResult> invariance_at(const Tensor& pattern, int64_t n, int64_t y, int64_t x, const Tensor& filter,
                                         const Tensor& dense_weights);

struct InvarianceSweep {
  int64_t rows = 0, cols = 0;               // positions: y in [0, n − PH], x in [0, n − PW]
  std::vector<float> global_max, dense_out; // invariance_at at each (y, x), row-major
  float global_max_min = 0, global_max_max = 0, dense_min = 0, dense_max = 0;
};
// invariance_at at every position of the pattern.
Expected<InvarianceSweep> invariance_sweep(const Tensor& pattern, int64_t n, const Tensor& filter, const Tensor& dense_weights);

} // namespace convplay
