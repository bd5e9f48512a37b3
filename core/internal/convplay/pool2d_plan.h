// convplay/pool2d_plan.h — fast 2-D max and average pooling as an operator: planned once (checks the
// shape, picks the kernel for this machine), run many times. Allocation-free when it runs.
//
// Covers NCHW float32 with any window KH×KW, stride, symmetric padding (at most half the window, as
// PyTorch), ceil_mode and both count_include_pad rules — the semantics of max_pool2d / avg_pool2d in
// convplay/pool.h, the reference. Dilation other than 1 is refused: use pool.h for it.
// run() equals, for every n, c, oh, ow (window = the taps of (oh, ow) inside the input):
//   max: y = the maximum of the window, taps compared in row-major order from −∞ as PyTorch does
//        (the first maximum wins, so even the sign of a zero agrees; a NaN tap gives NaN): the same
//        bits as max_pool2d.
//   avg: y = (Σ window, summed in float: each window column top to bottom, then the columns left to right)
//        · (1.0f / divisor), divisor = the window clipped to the padded input (count_include_pad) or
//        the number of taps inside; within a few ulp of avg_pool2d, which sums in double.
// The result has the same bits whatever the number of threads and whichever instruction set runs
// (an average's NaN aside, whose payload may differ).
// The kernels (src/kernels/pool2d_f32*) compute L outputs of a row per vector where the windows lie
// inside the input's width — stride-2 windows split two vector loads into even and odd columns —
// and the clipped border columns one by one. run() gives each thread its own contiguous block of
// planes (of output rows when planes are few) and lets it take what is left of the others', so a
// layer run again finds its input in the same core's cache; layers under 2^17 taps run on the
// calling thread.
#pragma once
#include <convplay/pool.h>
#include <convplay/thread_pool.h>

#include <cstdint>
#include <string>
#include <vector>

namespace convplay {
namespace kernels { struct Pool2dArgs; }

struct Pool2dPlanSpec {
  int64_t N = 1, C = 1, H = 1, W = 1; // input
  int64_t KH = 1, KW = 1;             // window
  int64_t SH = 0, SW = 0;             // stride; 0: equal to the window (PyTorch's default)
  int64_t pad_h = 0, pad_w = 0;       // both sides, at most half the window
  bool ceil_mode = false;
  bool count_include_pad = true;      // avg only
  PoolOp op = PoolOp::Max;
  // Instruction set of the kernels: "" = the best this machine has; else one of instruction_sets().
  std::string isa;
  int64_t DH = 1, DW = 1;             // dilation: only 1 (the plan refuses others)
};

class Pool2dPlan {
public:
  // Empty plan on error; error() says why (sizes, padding, dilation, instruction set).
  explicit Pool2dPlan(const Pool2dPlanSpec& spec);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int64_t out_h() const { return oh_; }
  int64_t out_w() const { return ow_; }
  int64_t output_size() const { return spec_.N * spec_.C * oh_ * ow_; } // N·C·OH·OW floats
  const char* kernel_name() const { return kernel_name_; }
  // Bytes this plan needs besides input and output: none.
  static constexpr int64_t workspace_bytes() { return 0; }
  // Instruction sets with kernels on this machine, best first: e.g. {"sse2", "scalar"}.
  static std::vector<std::string> instruction_sets();
  // x: N×C×H×W, y: N×C×OH×OW. pool may be null (serial). Does nothing on an empty plan.
  void run(const float* x, float* y, ThreadPool* pool) const;

private:
  Pool2dPlanSpec spec_;
  std::string error_;
  int64_t oh_ = 0, ow_ = 0;
  int64_t sh_ = 1, sw_ = 1;        // strides (0 in the spec resolved)
  int64_t ow_lo_ = 0, ow_hi_ = 0; // columns whose windows lie inside the input's width
  void (*rows_)(const kernels::Pool2dArgs&, int64_t, int64_t, int64_t) = nullptr;
  const char* kernel_name_ = "";
};

} // namespace convplay
