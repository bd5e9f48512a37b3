// convplay/matrix_views.h — convolution as a matrix product, the lecture's three views:
//   toeplitz_matrix_1d          y = T·x for a 1-D signal; each row is the filter shifted by the stride
//   doubly_blocked_toeplitz_2d  y = T·vec(x) for one H×W image and one KH×KW filter; T is a grid of
//                               OH × H blocks, each block a 1-D Toeplitz matrix of one filter row (or zero)
//   im2col_matrix               y = W·cols: each column holds the C·KH·KW input values under one output
//                               position (PyTorch's unfold layout), so the filters multiply it as a matrix
// All follow conv2d's semantics (shape.h's padding split, stride, dilation, flip); the Toeplitz views use
// zero padding (a linear map of the unpadded input), im2col any padding mode. Matrices are 2-D Tensors.
#pragma once
#include <convplay/conv.h>
#include <convplay/shape.h>
#include <convplay/tensor.h>

namespace convplay {

// The largest matrix a view may build (entries), so that a typed size cannot exhaust memory.
inline constexpr int64_t kMaxMatrixElements = int64_t{1} << 26;

// kernel (K); axis gives N, stride, dilation, padding and flip (axis.kernel is taken from the tensor).
// Result (OUT × N).
Expected<Tensor> toeplitz_matrix_1d(const Tensor& kernel, const AxisSpec& axis);
// kernel (KH, KW); rows/cols describe the height and width axes. Result (OH·OW × H·W), row-major vec.
Expected<Tensor> doubly_blocked_toeplitz_2d(const Tensor& kernel, const AxisSpec& rows, const AxisSpec& cols);
// x (C, H, W) or (H, W); kernel size KH×KW; params as conv2d (groups ignored). Result (C·KH·KW × OH·OW).
Expected<Tensor> im2col_matrix(const Tensor& x, int64_t KH, int64_t KW, const Conv2dParams& params);

// (R × K)·(K × C) → (R × C), accumulating in double. A vector (K) is taken as (K × 1) and gives (R).
Expected<Tensor> matmul(const Tensor& a, const Tensor& b);

// conv2d computed as im2col + one matrix product per image and group; equals conv2d().
Expected<Tensor> conv2d_im2col(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& params);

} // namespace convplay
