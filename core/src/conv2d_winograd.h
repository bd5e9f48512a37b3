// The Winograd F(2×2, 3×3) and F(4×4, 3×3) paths of Conv2dPlan (src/kernels/winograd_f32.h has the arithmetic).
// Internal to the core: Conv2dPlan decides when it applies and owns one.
#pragma once
#include <convplay/conv2d_plan.h>

#include "kernels/conv2d_direct_f32.h"
#include "kernels/winograd_f32.h"

#include <cstdint>
#include <string>
#include <vector>

namespace convplay::detail {

// The padded copy of the input both paths read (conv2d_plan.cpp): plane p = n·C + c of the H × W input
// goes to padded + p·plane_rows·pitch, input row h at padded row pad_top + h, input column w at padded
// column pad_left + w, each padded row stored as SW phases of `phase` floats (columns q, q + SW, ... in
// phase q; SW = 1: the row as is). The borders are the caller's (zeroed once).
struct PaddedCopy {
  int64_t H = 0, W = 0, pad_top = 0, pad_left = 0, SW = 1, phase = 0, plane_rows = 0, pitch = 0;
};
// Input rows [h0, h1) of one plane.
void copy_padded_rows(const float* x, float* padded, const PaddedCopy& c, int64_t plane, int64_t h0, int64_t h1);
// Every row of `planes` planes, on the pool (or serially), in strips of rows so that two threads share
// even a three-channel image evenly.
void copy_padded(const float* x, float* padded, const PaddedCopy& c, int64_t planes, ThreadPool* pool);

// 3×3 kernel, stride 1, one group: the layers Winograd F(r×r, 3×3) can compute.
bool winograd_applies(const Conv2dPlanSpec& s);
// The output tile r (2 or 4) the plan uses for s, or 0 for the direct kernel: what s.algorithm asks
// for; Auto takes Winograd when there are enough channels in and out for the products to outweigh
// the transforms (measured: see conv2d_winograd.cpp). For specs that winograd_applies to, or Auto.
int winograd_tile(const Conv2dPlanSpec& s);
// Tiles per task: the products' columns (a multiple of 16, so every vector width fills).
int64_t winograd_tile_block(const Conv2dPlanSpec& s, int r);

class Conv2dWinograd {
public:
  // s must be valid and winograd_applies(s); r: 2 or 4; oh, ow its output size. tile: the direct
  // kernel that runs the (r + 2)² products (as 1×1 convolutions over tile columns); isa: of the transforms.
  Conv2dWinograd(const Conv2dPlanSpec& s, int r, const float* weights, const float* bias, int64_t oh, int64_t ow,
                 const kernels::Conv2dDirectTile& tile, const std::string& isa);
  // Bytes held: transformed weights, bias, the padded input, one thread's scratch per thread that ran.
  int64_t workspace_bytes() const;
  // The same before any run (one thread's scratch), from the spec alone; mb: the tile's channels.
  static int64_t workspace_bytes_for(const Conv2dPlanSpec& s, int r, int64_t mb);
  const char* transform_name() const { return transforms_.name; }
  int tile() const { return r_; }
  // pool: the threads to use, or null (the caller decides when a layer is too small to share).
  void run(const float* x, float* y, ThreadPool* pool);

private:
  Conv2dPlanSpec s_;
  int r_;                 // output tile r × r
  int64_t xi_;            // (r + 2)² positions of a transformed tile
  int64_t oh_, ow_, th_, tw_, hq_, phase_, tb_, blocks_;
  int mb_;
  kernels::Conv2dRowKernel product_;
  int64_t lanes_; // floats per vector of the products' kernel
  kernels::WinogradKernels transforms_;
  std::vector<float> u_, zero_bias_, bias_, padded_, scratch_;
};

} // namespace convplay::detail
