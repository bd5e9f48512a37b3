// convplay/three_ways.h — the lecture's three ways to compute one convolution layer, runnable side
// by side on the same layer, with their time and memory:
//   Direct      slide the filters over the input (the fast kernel of conv2d_plan.h; strides and
//               dilations other than 1 use plain loops). Memory: packed weights, a padded copy, the output.
//   Im2colGemm  copy every receptive field into a column of the im2col matrix (C·KH·KW × OH·OW per
//               image and group), then one matrix product filters × columns (a blocked SIMD GEMM).
//   Toeplitz    write the whole layer as one matrix T of (M·OH·OW) × (C·H·W), mostly zeros, and
//               multiply it by the flattened image: y = T·vec(x) (a SIMD GEMV per image).
// All three give conv2d()'s result (convplay/conv.h: same shapes, parameters, padding modes, flip,
// groups) up to float32 rounding. Tensors and parameters are conv2d's; predict first, then run:
//
//   auto mem = predict_conv_memory(ConvMethod::Toeplitz, x.shape, w.shape, params); // allocates nothing
//   auto r = run_conv_method(ConvMethod::Toeplitz, x, w, &b, params, &pool, 256 << 20);
//   if (!r) show(r.error());  // e.g. "Toeplitz needs 1.50 GiB (...), more than the limit of 256 MiB"
//   else use(r->output, r->ms, r->bytes_allocated);
#pragma once
#include <convplay/conv.h>
#include <convplay/counts.h> // format_bytes, for the messages
#include <convplay/tensor.h>
#include <convplay/thread_pool.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace convplay {

enum class ConvMethod { Direct, Im2colGemm, Toeplitz };

// "direct", "im2col", "toeplitz" (the names parse_conv_method accepts, used by the bench and the URL).
const char* conv_method_name(ConvMethod method) noexcept;
Expected<ConvMethod> parse_conv_method(std::string_view name);

// What a method will allocate (bytes; saturates at INT64_MAX instead of overflowing).
struct ConvMethodMemory {
  int64_t workspace_bytes = 0; // everything besides input and output: the matrix, packed weights, padded copies
  int64_t output_bytes = 0;    // N·M·OH·OW floats
  int64_t matrix_rows = 0;     // the method's big matrix: im2col C/groups·KH·KW × OH·OW (one image and
  int64_t matrix_cols = 0;     // group at a time), Toeplitz M·OH·OW × C·H·W; 0 × 0 for Direct
  int64_t matrix_bytes = 0;    // its storage (im2col: columns rounded up to the GEMM panel width)
  int64_t total_bytes() const; // workspace + output
};

// Checks shapes and parameters as conv2d does (x (N,C,H,W) or (C,H,W) with w (M,C/groups,KH,KW),
// or x (H,W) with w (KH,KW)) and predicts the memory without allocating anything.
Expected<ConvMethodMemory> predict_conv_memory(ConvMethod method, const std::vector<int64_t>& x_shape,
                                               const std::vector<int64_t>& w_shape, const Conv2dParams& params);

struct ConvMethodRun {
  Tensor output;               // conv2d()'s shape and values
  double ms = 0;               // wall time of the whole method (steady clock): allocation, building, product
  double build_ms = 0;         // of which building the matrix and packing (im2col, Toeplitz, weights)
  int64_t bytes_allocated = 0; // what the run really allocated, output included (equals the prediction)
  std::string kernel;          // the micro-kernel that did the arithmetic, e.g. "gemm_f32_6x2v__wasmsimd"
};

// Runs one method. Refuses (an Error, nothing allocated) when the predicted total exceeds max_bytes,
// with the method, the bytes and the matrix size in the message. pool may be null (serial).
Expected<ConvMethodRun> run_conv_method(ConvMethod method, const Tensor& x, const Tensor& w, const Tensor* bias,
                                        const Conv2dParams& params, ThreadPool* pool, int64_t max_bytes);

} // namespace convplay
