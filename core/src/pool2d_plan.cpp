// The fast pooling operator: checks the shape with the reference's rules (pool2d_geometry), picks the
// row kernel of src/kernels/ for the window and stride, and runs it on the thread pool. See
// convplay/pool2d_plan.h.
#include <convplay/pool2d_plan.h>

#include "kernels/config.h"

#include <algorithm>
#include <atomic>

namespace convplay {
namespace {

// The pooling kernels of each instruction set, best first (kernels/config.h).
using IsaPoolKernels = kernels::IsaKernels<kernels::Pool2dKernels>;
const std::vector<IsaPoolKernels>& available_kernels() { return kernels::pool2d_config(); }

// Layers with fewer taps than this run on the calling thread: handing work to another thread costs a
// few microseconds (more in WebAssembly), about as long as pooling ~100k taps.
constexpr int64_t kParallelTaps = 1 << 17;
// A thread's own tasks [front, back), on a cache line of its own: the owner takes them from the front,
// the others from the back, each after claiming one of the `left` (pthreadpool's scheme), so no task
// runs twice. At most kMaxRanges threads take part.
struct alignas(64) TaskRange {
  std::atomic<int64_t> left{0}, front{0}, back{0};
};
constexpr int64_t kMaxRanges = 32;
} // namespace

Pool2dPlan::Pool2dPlan(const Pool2dPlanSpec& s) : spec_(s) {
  if (s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.KH < 1 || s.KW < 1) {
    error_ = "every size must be at least 1";
    return;
  }
  if (s.DH != 1 || s.DW != 1) {
    error_ = "the fast pooling covers dilation 1 only (max_pool2d in convplay/pool.h has dilation)";
    return;
  }
  int64_t planes = 0, input = 0;
  if (s.H > (int64_t{1} << 31) || s.W > (int64_t{1} << 31) || __builtin_mul_overflow(s.N, s.C, &planes) ||
      __builtin_mul_overflow(planes, s.H * s.W, &input) || input > kMaxTensorElements) {
    error_ = "the input would exceed the limit of " + std::to_string(kMaxTensorElements) + " elements";
    return;
  }
  Pool2dParams p;
  p.kernel_h = s.KH; p.kernel_w = s.KW; p.stride_h = s.SH; p.stride_w = s.SW; p.pad_h = s.pad_h; p.pad_w = s.pad_w;
  p.ceil_mode = s.ceil_mode;
  p.count_include_pad = s.count_include_pad;
  const auto g = pool2d_geometry({s.N, s.C, s.H, s.W}, p, s.op);
  if (!g) {
    error_ = g.error();
    return;
  }
  oh_ = g->OH;
  ow_ = g->OW;
  sh_ = g->SH;
  sw_ = g->SW;
  // Windows inside the width: ow·SW − PW ≥ 0 and ow·SW − PW + KW ≤ W.
  ow_lo_ = std::min(ow_, (s.pad_w + sw_ - 1) / sw_);
  ow_hi_ = std::clamp<int64_t>(s.W - s.KW + s.pad_w >= 0 ? (s.W - s.KW + s.pad_w) / sw_ + 1 : 0, ow_lo_, ow_);
  for (const IsaPoolKernels& k : available_kernels()) {
    if (!s.isa.empty() && s.isa != k.isa) continue;
    const kernels::Pool2dKernelSet& set = s.op == PoolOp::Max ? k.kernels.max : k.kernels.avg;
    const int cls = kernels::pool2d_shape_class(s.KH, s.KW, sw_);
    rows_ = set.rows[cls];
    kernel_name_ = set.names[cls];
    return;
  }
  error_ = "no kernels for instruction set '" + s.isa + "' on this machine";
}

std::vector<std::string> Pool2dPlan::instruction_sets() {
  std::vector<std::string> v;
  for (const IsaPoolKernels& k : available_kernels()) v.emplace_back(k.isa);
  return v;
}

void Pool2dPlan::run(const float* x, float* y, ThreadPool* pool) const {
  if (!ok()) return;
  const Pool2dPlanSpec& s = spec_;
  kernels::Pool2dArgs a;
  a.x = x;
  a.y = y;
  a.H = s.H; a.W = s.W; a.OH = oh_; a.OW = ow_; a.KH = s.KH; a.KW = s.KW; a.SH = sh_; a.SW = sw_;
  a.PH = s.pad_h; a.PW = s.pad_w;
  a.count_include_pad = s.count_include_pad;
  a.ow_lo = ow_lo_;
  a.ow_hi = ow_hi_;
  const auto rows_kernel = rows_;
  const int64_t planes = s.N * s.C;
  const int64_t taps = planes * oh_ * ow_ * s.KH * s.KW;
  if (taps < kParallelTaps || !pool || pool->workers() == 0) {
    for (int64_t plane = 0; plane < planes; ++plane) rows_kernel(a, plane, 0, oh_);
    return;
  }
  // Parallel version of the loop above over tasks = (plane, block of output rows), plane-major (rows
  // split only when there are few planes), as pthreadpool splits work: each thread first runs its own
  // contiguous range of tasks, so a layer run again finds its part of the input in that core's cache
  // (p1 in two halves fits two L2 caches, whole it does not: 2.9× the one-thread speed natively,
  // where tasks handed out one by one gave 1×); then it takes the tasks left in the other ranges from
  // their back, so a worker that is late or descheduled holds the others up by one task at most.
  // Each output is computed by the same operations whichever thread takes it.
  const int64_t threads = std::min<int64_t>(static_cast<int64_t>(pool->workers()) + 1, kMaxRanges);
  const int64_t want_chunks = std::clamp<int64_t>((8 * threads + planes - 1) / planes, 1, oh_);
  const int64_t rows = (oh_ + want_chunks - 1) / want_chunks, chunks = (oh_ + rows - 1) / rows;
  const int64_t tasks = planes * chunks;
  TaskRange ranges[kMaxRanges];
  for (int64_t r = 0; r < threads; ++r) {
    const int64_t begin = r * tasks / threads, end = (r + 1) * tasks / threads;
    ranges[r].left.store(end - begin, std::memory_order_relaxed);
    ranges[r].front.store(begin, std::memory_order_relaxed);
    ranges[r].back.store(end, std::memory_order_relaxed);
  }
  auto task = [&](int64_t t) {
    const int64_t plane = t / chunks, r0 = t % chunks * rows;
    rows_kernel(a, plane, r0, std::min(oh_, r0 + rows));
  };
  pool->parallel_for(static_cast<std::size_t>(threads), [&](std::size_t own) {
    TaskRange& mine = ranges[own];
    while (mine.left.fetch_sub(1, std::memory_order_acq_rel) > 0) task(mine.front.fetch_add(1, std::memory_order_relaxed));
    for (int64_t k = 1; k < threads; ++k) {
      TaskRange& other = ranges[(static_cast<int64_t>(own) + k) % threads];
      while (other.left.fetch_sub(1, std::memory_order_acq_rel) > 0) task(other.back.fetch_sub(1, std::memory_order_relaxed) - 1);
    }
  });
}

} // namespace convplay
