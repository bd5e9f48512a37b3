// Plain nested-loop kernels: the meaning of every operator, written for clarity, accumulating in double.
// Operators (src/*.cpp) check shapes and call these; fast kernels are tested against them.
// Every kernel writes all of its outputs (no zero-initialisation needed by the caller).
#pragma once
#include <convplay/conv.h>
#include <convplay/pool.h>

namespace convplay::reference {

// Valid cross-correlation of the already padded input xp (N, C, H+pt+pb, W+pl+pr) with w
// (M, C/groups, KH, KW), stride and dilation from g, into y (N, M, OH, OW). bias may be null.
void conv2d_nchw_reference(const Conv2dGeometry& g, const float* xp, const float* w, const float* bias, float* y);
// Gradients of conv2d_nchw_reference: gxp (shape of xp), gw (shape of w), gb (M, or null).
void conv2d_nchw_backward_reference(const Conv2dGeometry& g, const float* xp, const float* w, const float* gy,
                                    float* gxp, float* gw, float* gb);

// dL/dbias[m] = Σ_{n, i} dL/dy[n][m][i] over N images of M planes of `plane` elements.
void bias_gradient_reference(int64_t N, int64_t M, int64_t plane, const float* gy, float* gb);

// F.conv_transpose2d: x (N,C,H,W), w (C, M/groups, KH, KW), y (N, M, OH, OW). bias may be null.
void conv_transpose2d_nchw_reference(const ConvTranspose2dGeometry& g, const float* x, const float* w,
                                     const float* bias, float* y);
void conv_transpose2d_nchw_backward_reference(const ConvTranspose2dGeometry& g, const float* x, const float* w,
                                              const float* gy, float* gx, float* gw, float* gb);

// F.pad of `planes` H×W planes into (H+top+bottom)×(W+left+right) planes; sizes checked by the caller.
void pad2d_reference(int64_t planes, int64_t H, int64_t W, int64_t top, int64_t bottom, int64_t left, int64_t right,
                     PaddingMode mode, const float* x, float* y);
// Its adjoint: every padded cell's gradient is added to the input cell it copies (zeros: dropped).
void pad2d_backward_reference(int64_t planes, int64_t H, int64_t W, int64_t top, int64_t bottom, int64_t left,
                              int64_t right, PaddingMode mode, const float* gy, float* gx);

void max_pool2d_reference(const Pool2dGeometry& g, const float* x, float* y, int64_t* indices);
// True when max pooling's window (oh, ow) has no tap inside the input (its output is −∞, as in PyTorch).
bool max_pool2d_window_empty(const Pool2dGeometry& g, int64_t oh, int64_t ow);
// Each output gradient goes to its argmax; empty windows (−∞ outputs) pass no gradient.
void max_pool2d_backward_reference(const Pool2dGeometry& g, const int64_t* indices, const float* gy, float* gx);
void avg_pool2d_reference(const Pool2dGeometry& g, const float* x, float* y);
void avg_pool2d_backward_reference(const Pool2dGeometry& g, const float* gy, float* gx);

} // namespace convplay::reference
