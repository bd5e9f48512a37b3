// convplay/conv2d_plan.h — the fast forward convolution as an operator: planned once (checks the
// shape, packs the weights, picks the kernel for this machine), run many times.
//
// Covers NCHW float32, any stride (SH, SW ≥ 1), dilation 1, groups (depthwise included), zero
// padding of any width per side, with or without bias. Other configurations (dilation, padding modes
// other than zeros) are for the reference implementation.
// run() equals, for every n, m, oh, ow, with g = m / (M/groups) the filter's group:
//   y[n][m][oh][ow] = bias[m] + sum over c < C/groups, kh, kw (in that order) of
//                     w[m][c][kh][kw] * xpad[n][g·C/groups + c][oh·SH + kh][ow·SW + kw]
// and gives the same bits whatever the number of threads.
// Depthwise layers (groups = C) of column stride 2 (and 1 with tiling Depthwise) run src/kernels/dwconv2d_f32*,
// which read the input in place (the padding handled at the edges) and split planes × row bands
// between threads.
// The kernels (src/kernels/conv2d_direct_f32*) keep a tile of output channels × vectors of output
// columns in registers, or, where rows are too short for that (LeNet's 10 columns), a tile of output
// pixels × vectors of channels; the plan picks the tile that wastes least (tiling forces one), and run()
// hands chunks of the work to the pool, small layers staying on the calling thread (conv2d_plan.cpp).
// Winograd (src/conv2d_winograd.h): 3×3 layers with stride 1 and one group compute each r×r output
// tile from transformed tiles: F(2×2, 3×3) with 16 multiply-adds per channel instead of 36, F(4×4,
// 3×3) with 36 instead of 144. Algorithm::Auto takes it where it pays, always with 8+ channels in and
// out (the thresholds per platform are in conv2d_winograd.cpp). Its results differ from the sum above
// by rounding only (up to ~1e-4 with 64 channels for F(4×4)), and are the same whatever the threads.
#pragma once
#include <convplay/shape.h>
#include <convplay/tensor.h> // Expected
#include <convplay/thread_pool.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace convplay {
namespace kernels { struct Conv2dDirectArgs; struct Dwconv2dArgs; }
namespace detail { class Conv2dWinograd; }

// Direct: the sum above, in that order. Winograd: the Winograd tile Auto would take; WinogradF2,
// WinogradF4: F(2×2, 3×3), F(4×4, 3×3). The Winograd ones need a 3×3 kernel, stride 1 and one group
// (else the plan refuses). Auto: Winograd where it applies and pays, else direct.
enum class Conv2dAlgorithm { Auto, Direct, Winograd, WinogradF2, WinogradF4 };

// Which kernel family: the plan's choice, or one forced (tests and the bench run each). Depthwise: the
// kernels that read a depthwise layer's input in place (groups = C, column stride 1 or 2; an error
// otherwise); Auto takes them for depthwise layers of column stride 2 (conv2d_plan.cpp).
enum class Conv2dTiling { Auto, Columns, Channels, Depthwise };

struct Conv2dPlanSpec {
  int64_t N = 1, C = 1, H = 1, W = 1; // input
  int64_t M = 1, KH = 1, KW = 1;      // M filters of C × KH × KW
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  // Instruction set of the kernels: "" = the best this machine has; else one of instruction_sets()
  // (tests run every kernel; the bench compares them).
  std::string isa;
  int64_t SH = 1, SW = 1; // stride, at least 1
  int64_t groups = 1;     // C and M divisible by it; depthwise when groups = C (M = C or a multiple)
  Conv2dAlgorithm algorithm = Conv2dAlgorithm::Auto;
  Conv2dTiling tiling = Conv2dTiling::Auto; // Channels: an error where the instruction set has none
  // Valid, Same or Full: the plan works pad_top … pad_right out as the shape arithmetic does (shape.h:
  // 'same' puts an even kernel's extra row and column after); Explicit: the four sides as given. Last,
  // so that positional initialisers of the fields above keep their meaning.
  Padding padding = Padding::Explicit;
};

// The spec with `padding` resolved to the four explicit sides (Explicit after), or an error message
// (e.g. a stride other than 1 with 'same', as the shape arithmetic refuses it).
Expected<Conv2dPlanSpec> resolve_padding(const Conv2dPlanSpec& spec);

class Conv2dPlan {
public:
  // Empty plan on error; error() says why (sizes, stride, groups, overflow).
  Conv2dPlan(const Conv2dPlanSpec& spec, const float* weights /* M×(C/groups)×KH×KW */, const float* bias /* M, or null */);
  ~Conv2dPlan();
  Conv2dPlan(Conv2dPlan&&) noexcept;
  Conv2dPlan& operator=(Conv2dPlan&&) noexcept;
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int64_t out_h() const { return oh_; }
  int64_t out_w() const { return ow_; }
  int64_t output_size() const { return spec_.N * spec_.M * oh_ * ow_; }
  const char* kernel_name() const { return kernel_name_.c_str(); }
  const Conv2dPlanSpec& spec() const { return spec_; } // as given, the padding resolved to its four sides
  // Direct, WinogradF2 or WinogradF4: what the plan runs.
  Conv2dAlgorithm algorithm() const;
  // Bytes this plan holds besides input and output: packed weights, the padded (deinterleaved) input
  // buffer and the per-tap column offsets; Winograd: its transformed weights, padded input and one
  // task's scratch per thread of the largest pool it has run on (one before any run).
  int64_t workspace_bytes() const;
  // The same, predicted from the spec alone (valid specs; 0 for zero strides or groups; allocates nothing).
  static int64_t workspace_bytes_for(const Conv2dPlanSpec& spec);
  // Instruction sets with kernels on this machine, best first: e.g. {"avx2fma", "sse2", "scalar"}.
  static std::vector<std::string> instruction_sets();
  // x: N×C×H×W, y: N×M×OH×OW. pool may be null (serial).
  void run(const float* x, float* y, ThreadPool* pool);
  // New weights and bias (the layouts of the constructor) for the same layer, packed into the plan's
  // buffers: what a new plan would compute, without planning or allocating again (a training step).
  void set_weights(const float* weights, const float* bias);

private:
  Conv2dPlanSpec spec_;
  std::string error_;
  int64_t oh_ = 0, ow_ = 0, hp_ = 0, wp_ = 0; // wp_: floats per row of the padded buffer (SW phases)
  int mb_ = 1;                          // output channels per register block (the kernel's tile)
  std::vector<float> packed_w_, packed_bias_, padded_;
  std::vector<int64_t> kw_offset_;      // where tap kw reads in a padded row, relative to the output column
  void (*row_)(const kernels::Conv2dDirectArgs&, int64_t, int64_t, int64_t) = nullptr; // the row kernel
  // or the channel-vectorised kernel, over pixels [p0, p1), in tiles of px_ pixels
  void (*pixels_)(const kernels::Conv2dDirectArgs&, int64_t, int64_t, int64_t, int64_t) = nullptr;
  int px_ = 1;
  // or the depthwise kernel over output rows [oh0, oh1) of one plane, reading the input in place
  void (*depthwise_)(const kernels::Dwconv2dArgs&, int64_t, int64_t, int64_t) = nullptr;
  std::string kernel_name_;
  void pack_weights(const float* weights, const float* bias);
  std::unique_ptr<detail::Conv2dWinograd> winograd_; // the Winograd path, when the plan takes it
};

} // namespace convplay
