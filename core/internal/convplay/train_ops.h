// convplay/train_ops.h — the fast dense layer and the fast backward passes that training needs,
// with the semantics, shapes and errors of the references in layers.h and conv.h (so a caller can
// switch between them), computed by the packed GEMM of gemm.h on the thread pool.
//
// Results have the same bits for any number of threads (every output element is summed in an order
// fixed by the shapes alone) and match the double-precision references to float32 rounding of the
// sums. Bad shapes are errors, never crashes.
//
//   dense_fast            y = x·wᵀ + b                          (GEMM; one input row: GEMV)
//   dense_backward_fast   grad_x = grad_y·w, grad_w = grad_yᵀ·x, grad_b = Σ_n grad_y
//   conv2d_backward_fast  grad_b[m] = Σ_{n,oh,ow} grad_y[n][m][oh][ow]
//                         grad_w = Σ_n GY_n · im2col(x_n)ᵀ      (up to 32 filters: per-tap dot products over the
//                                                              padded image, no im2col, pixels or filters
//                                                              in the vector lanes, whichever wastes less
//                                                              (kernels/conv2d_wgrad_f32.h); else GEMM,
//                                                              im2col packed straight from x, or the
//                                                              transposed product when its tiles waste
//                                                              less; images summed in chunks fixed by the
//                                                              shapes, then the chunks in order)
//                         grad_x = Σ_{m,kh,kw} w ⋆ GY          (direct transposed convolution: each input
//                                                              pixel's taps summed in registers, 8 images
//                                                              in the vector lanes, blocks of channels
//                                                              (kernels/conv2d_dgrad_f32.h), any padding)
//     for 4-D x, stride 1, dilation 1, groups 1, zero padding, cross-correlation (what LeNet-5 uses);
//     every other configuration runs the reference conv2d_backward (conv2d_backward_fast_covers says which).
#pragma once
#include <convplay/conv.h>
#include <convplay/layers.h>
#include <convplay/tensor.h>
#include <convplay/thread_pool.h>

#include <string>
#include <vector>

namespace convplay {

struct TrainOpsOptions {
  ThreadPool* pool = nullptr;  // null: the calling thread only
  std::string isa;             // "" = the best GEMM kernels here; else one of GemmKernel::instruction_sets()
  bool input_gradient = true;  // false: skip grad_input (a network's first layer), left empty
  // conv weight gradient: true sums all images as one part (a caller that runs the pass on one thread,
  // a training chunk); false splits them into parts fixed by the shapes, for threads to share (the
  // same bits for any pool, not those of one part).
  bool one_part = false;
  // conv weight gradient of up to 32 filters: "" = the tile that does the least work; else one of
  // conv2d_weight_gradient_tiles (tests), another name being an error.
  std::string wgrad_tile = {};
};

// dense() of layers.h: x (N, IN) or (IN), w (OUT, IN), bias (OUT) or null.
Expected<Tensor> dense_fast(const Tensor& x, const Tensor& w, const Tensor* bias, const TrainOpsOptions& options = {});
// dense_backward() of layers.h.
Expected<DenseGradients> dense_backward_fast(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                             const TrainOpsOptions& options = {});
// The *_into forms write the same results into `out`, reusing its tensors' storage (a training loop
// allocates once), and return "" or the error. Their workspaces are kept per thread between calls.
std::string dense_fast_into(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out,
                            const TrainOpsOptions& options = {});
std::string dense_backward_fast_into(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                     DenseGradients& out, const TrainOpsOptions& options = {});

// True when conv2d_backward_fast runs its own kernels for these shapes and parameters (else it runs
// the reference).
bool conv2d_backward_fast_covers(const std::vector<int64_t>& x_shape, const Conv2dParams& params);
// conv2d_backward() of conv.h.
Expected<ConvGradients> conv2d_backward_fast(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                             const Conv2dParams& params, const TrainOpsOptions& options = {});
// The direct weight gradient's tiles (both forms) on the weight-gradient kernels of `isa` ("" = the
// best here; another unknown name also gives the best) that fit kernels kernel_width taps wide.
std::vector<std::string> conv2d_weight_gradient_tiles(const std::string& isa, int64_t kernel_width);
std::string conv2d_backward_fast_into(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                      const Conv2dParams& params, ConvGradients& out, const TrainOpsOptions& options = {});

} // namespace convplay
