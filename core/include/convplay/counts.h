// convplay/counts.h — what a convolution layer costs, next to the dense layer that would map the same
// input to the same output: weights, biases, multiply-accumulates, float32 bytes, and the sizes and zero
// fractions of its Toeplitz and im2col matrices. Every count is 64-bit with overflow detected: a count
// that does not fit says so (overflow = true) instead of wrapping.
//
// The lecture's example: 32×32×3 input, 64 filters 5×5×3, valid → 28×28×64;
//   conv 4,800 weights (+64 biases = 4,864) versus dense 3,072 × 50,176 = 154,140,672 weights.
#pragma once
#include <convplay/shape.h>
#include <convplay/tensor.h>

#include <cstdint>
#include <string>

namespace convplay {

struct Count {
  int64_t value = 0;     // valid when !overflow
  bool overflow = false; // the true value exceeds 2^63 − 1
};

constexpr Count count_mul(Count a, Count b) noexcept {
  Count r;
  r.overflow = a.overflow || b.overflow || __builtin_mul_overflow(a.value, b.value, &r.value);
  if (r.overflow) r.value = 0;
  return r;
}
constexpr Count count_add(Count a, Count b) noexcept {
  Count r;
  r.overflow = a.overflow || b.overflow || __builtin_add_overflow(a.value, b.value, &r.value);
  if (r.overflow) r.value = 0;
  return r;
}
constexpr Count count_of(int64_t v) noexcept { return Count{v, false}; }

// "154,140,672", or "more than 9.2·10^18 (overflows 64 bits)".
std::string format_count(Count c);
// Bytes in binary units, named the IEC way so that the name says the base (1 KiB = 1024 B, 1 MiB = 2^20 B):
// "512 B", "3.20 KiB", "256 MiB", "1.50 GiB". The one byte format of the core, the CLI and the app.
std::string format_bytes(Count bytes);
inline std::string format_bytes(int64_t bytes) { return format_bytes(count_of(bytes)); }

// The working memory one computation of the playground may hold: a scene's buffers for one state, the
// layer the matmul scene times, a training run (train.h's kTrainMemoryLimit is this). 256 MiB because a
// WebAssembly page has at most 2 GiB (wasm32 with memory growth; phones and small laptops often refuse to
// grow well before that), grown memory is never given back, and beside one computation there must be room
// for the dataset (55 MiB), the other scenes' results and the allocator's fragmentation.
inline constexpr int64_t kWorkingMemoryBudget = int64_t{256} << 20;
// "" when `bytes` fit the budget, else "<what> needs 320 MiB, more than the working-memory budget of 256 MiB".
std::string check_memory_budget(const std::string& what, Count bytes, int64_t budget = kWorkingMemoryBudget);

struct ConvLayerSpec {
  int64_t channels = 1, height = 1, width = 1; // input C, H, W
  int64_t out_channels = 1;                    // M filters
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
  Padding padding = Padding::Valid;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0; // Explicit
  bool bias = true;
};

struct LayerCounts {
  int64_t out_h = 0, out_w = 0;
  Count input_elements, output_elements;            // C·H·W, M·OH·OW (one image)
  Count conv_weights, conv_biases, conv_parameters; // M·(C/G)·KH·KW, M, sum
  Count conv_macs;                                  // M·OH·OW·(C/G)·KH·KW
  Count dense_weights, dense_biases, dense_parameters; // (C·H·W)·(M·OH·OW), M·OH·OW, sum
  Count dense_macs;                                 // = dense_weights
  Count conv_weight_bytes, dense_weight_bytes;      // parameters × 4 (float32)
  Count activation_bytes;                           // (input + output) × 4
  double weight_ratio = 0.0;    // dense_weights / conv_weights (as double, also when counts overflow)
  double parameter_ratio = 0.0; // dense_parameters / conv_parameters
  // The single-matrix view y = T·x of the whole layer: (M·OH·OW) × (C·H·W), one nonzero per tap inside the input.
  Count toeplitz_rows, toeplitz_cols, toeplitz_entries, toeplitz_nonzeros;
  double toeplitz_zero_fraction = 0.0;
  // im2col of one image: (C·KH·KW) × (OH·OW); zeros are the taps in the (zero) padding.
  Count im2col_rows, im2col_cols, im2col_entries, im2col_padding_entries;
  double im2col_zero_fraction = 0.0;
  double im2col_duplication = 0.0; // im2col entries / input elements: how often each input value is copied

  bool any_overflow() const noexcept;
  std::string overflow_message() const; // names the counts that overflow; "" when none
};

// Errors for impossible layers (the same messages as conv2d); counts otherwise (with overflow flags).
Expected<LayerCounts> count_layer(const ConvLayerSpec& spec);

} // namespace convplay
