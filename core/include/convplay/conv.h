// convplay/conv.h — convolution operators (reference semantics of torch.nn.functional and scipy.signal),
// forward and backward, validated: every impossible configuration is an Error naming the numbers.
//
// Semantics (PyTorch's unless said otherwise):
//   conv2d:  y[n][m][oh][ow] = bias[m] + Σ_{c in group(m), kh, kw} w[m][c][kh][kw] · xp[n][c][oh·SH + kh·DH][ow·SW + kw·DW]
//            where xp is x padded by the padding mode (zeros, reflect, replicate, circular as in F.pad).
//            flip = true is true convolution (the kernel rotated 180°, scipy.signal.convolve2d); 'same'
//            with an even kernel then centres like SciPy (extra padding before), else like PyTorch (after).
//   Layouts: x (N,C,H,W) or (C,H,W); w (M, C/groups, KH, KW); bias (M). x (H,W) with w (KH,KW) is one
//            image and one filter, as in scipy.signal.convolve2d, and the output is (OH,OW).
//   conv1d:  the same along one axis: x (N,C,L), (C,L) or (L) with w (M,C/groups,K) or (K).
//   conv_transpose2d: x (N,C,H,W) or (C,H,W), w (C, M/groups, KH, KW), zero padding only, as F.conv_transpose2d.
// Reference kernels accumulate in double, so results match PyTorch to float32 rounding.
#pragma once
#include <convplay/shape.h>
#include <convplay/tensor.h>

#include <cstdint>

namespace convplay {

enum class PaddingMode { Zeros, Reflect, Replicate, Circular };
const char* padding_mode_name(PaddingMode mode) noexcept; // "zeros", "reflect", ...

struct Conv2dParams {
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;                  // depthwise when groups = C = M
  Padding padding = Padding::Valid;    // Explicit uses the four sides below
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  PaddingMode padding_mode = PaddingMode::Zeros;
  bool flip = false;                   // true convolution instead of cross-correlation
};

// Everything a kernel needs, resolved and checked (4-D view of the operands).
struct Conv2dGeometry {
  int64_t N = 0, C = 0, H = 0, W = 0;  // input
  int64_t M = 0, KH = 0, KW = 0;       // M filters of (C/groups)×KH×KW
  int64_t groups = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t OH = 0, OW = 0;              // output
};

// Checks shapes (4-D x and w) and parameters; the message names the parameter and the numbers.
Expected<Conv2dGeometry> conv2d_geometry(const std::vector<int64_t>& x_shape, const std::vector<int64_t>& w_shape,
                                         const Conv2dParams& params);

// bias may be null (no bias).
Expected<Tensor> conv2d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& params);

struct ConvGradients {
  Tensor input;  // dL/dx, shape of x
  Tensor weight; // dL/dw, shape of w
  Tensor bias;   // dL/db, (M); empty when there is no bias
};
// Gradients of L given dL/dy (grad_output, shape of conv2d's output).
Expected<ConvGradients> conv2d_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                        const Conv2dParams& params);

struct Conv1dParams {
  int64_t stride = 1, dilation = 1, groups = 1;
  Padding padding = Padding::Valid;
  int64_t pad_left = 0, pad_right = 0; // Explicit
  PaddingMode padding_mode = PaddingMode::Zeros;
  bool flip = false;                   // true convolution (numpy.convolve, scipy.signal.convolve)
};
Expected<Tensor> conv1d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv1dParams& params);
Expected<ConvGradients> conv1d_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                        const Conv1dParams& params);

struct ConvTranspose2dParams {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;                   // removed from both ends of each axis
  int64_t output_padding_h = 0, output_padding_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
};
struct ConvTranspose2dGeometry {
  int64_t N = 0, C = 0, H = 0, W = 0; // input
  int64_t M = 0, KH = 0, KW = 0;      // output channels, kernel
  int64_t groups = 1;
  int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1;
  int64_t OH = 0, OW = 0;
};
Expected<ConvTranspose2dGeometry> conv_transpose2d_geometry(const std::vector<int64_t>& x_shape,
                                                            const std::vector<int64_t>& w_shape,
                                                            const ConvTranspose2dParams& params);
Expected<Tensor> conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor* bias, const ConvTranspose2dParams& params);
Expected<ConvGradients> conv_transpose2d_backward(const Tensor& x, const Tensor& w, bool with_bias,
                                                  const Tensor& grad_output, const ConvTranspose2dParams& params);

// F.pad on the last two axes of an (N,C,H,W) tensor; reflect needs pad < size, circular pad ≤ size.
Expected<Tensor> pad2d(const Tensor& x, int64_t top, int64_t bottom, int64_t left, int64_t right, PaddingMode mode);
// The adjoint of pad2d: folds a gradient of the padded tensor back onto the input (H×W).
Expected<Tensor> pad2d_backward(const Tensor& grad_padded, int64_t H, int64_t W, int64_t top, int64_t bottom,
                                int64_t left, int64_t right, PaddingMode mode);

// The kernel rotated 180° in its last two axes (true convolution = cross-correlation with this).
Tensor flip_kernel2d(const Tensor& w);

} // namespace convplay
