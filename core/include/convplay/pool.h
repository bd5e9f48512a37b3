// convplay/pool.h — 2-D pooling as torch.nn.functional.max_pool2d / avg_pool2d, and global average
// pooling (adaptive_avg_pool2d(x, 1)), forward and backward. x is (N,C,H,W), (C,H,W) or (H,W).
//   max: y = max over the window's taps inside the input (padding is −∞); indices hold the argmax as
//        h·W + w within its H×W plane (PyTorch's return_indices), the first maximum wins, NaN propagates.
//        A window with no tap inside the input (possible with dilation) gives −∞ and PyTorch's placeholder
//        index, as PyTorch does; its gradient is zero here (PyTorch adds it to the placeholder).
//   avg: y = Σ taps inside the input / divisor, divisor = window size clipped to the padded input
//        (count_include_pad) or the number of taps inside the input (exclude pad). No dilation.
#pragma once
#include <convplay/shape.h>
#include <convplay/tensor.h>

namespace convplay {

struct Pool2dParams {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 0, stride_w = 0;     // 0: equal to the kernel (PyTorch's default)
  int64_t pad_h = 0, pad_w = 0;           // both sides, at most half the kernel
  int64_t dilation_h = 1, dilation_w = 1; // max pooling only
  bool ceil_mode = false;
  bool count_include_pad = true;          // avg pooling only
};

struct Pool2dGeometry {
  int64_t N = 0, C = 0, H = 0, W = 0;
  int64_t KH = 1, KW = 1, SH = 1, SW = 1, PH = 0, PW = 0, DH = 1, DW = 1;
  int64_t OH = 0, OW = 0;
  bool count_include_pad = true;
};

enum class PoolOp { Max, Avg };
// Checks the input shape (rank 2..4) and parameters; the 4-D view of x.
Expected<Pool2dGeometry> pool2d_geometry(const std::vector<int64_t>& x_shape, const Pool2dParams& params, PoolOp op);

struct MaxPool2dResult {
  Tensor output;       // shape of x with H, W replaced by OH, OW
  IndexTensor indices; // same shape as output
};
Expected<MaxPool2dResult> max_pool2d(const Tensor& x, const Pool2dParams& params);
// dL/dx: each output gradient goes to its argmax (none from −∞ outputs of empty windows).
Expected<Tensor> max_pool2d_backward(const Tensor& x, const IndexTensor& indices, const Tensor& grad_output,
                                     const Pool2dParams& params);

Expected<Tensor> avg_pool2d(const Tensor& x, const Pool2dParams& params);
// The divisor of average pooling at output cell (out_row, out_col) of geometry g: the window clipped to
// the padded input (count_include_pad) or the number of its taps inside the input. What avg_pool2d
// divides that window's sum by.
int64_t avg_pool_divisor(const Pool2dGeometry& g, int64_t out_row, int64_t out_col);
Expected<Tensor> avg_pool2d_backward(const Tensor& x, const Tensor& grad_output, const Pool2dParams& params);

// Mean over H×W: (N,C,H,W) → (N,C,1,1), (C,H,W) → (C,1,1).
Expected<Tensor> global_avg_pool2d(const Tensor& x);
Expected<Tensor> global_avg_pool2d_backward(const Tensor& x, const Tensor& grad_output);

} // namespace convplay
