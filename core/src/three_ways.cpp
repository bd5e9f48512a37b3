// The lecture's three ways to compute a convolution layer (direct, im2col + GEMM, Toeplitz), each
// with its memory predicted before anything is allocated. See convplay/three_ways.h.
#include <convplay/three_ways.h>

#include <convplay/conv2d_plan.h>
#include <convplay/gemm.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>

namespace convplay {
namespace {
constexpr int64_t kFloat = sizeof(float);
constexpr int64_t kSat = std::numeric_limits<int64_t>::max();
// Layers with fewer multiply-adds than this run on the calling thread (as Conv2dPlan does).
constexpr int64_t kParallelMacs = 1 << 20;

// The GEMM kernels of the best instruction set here (gemm.h; every build has at least the scalar set).
GemmKernel best_gemm() { return *GemmKernel::for_isa(""); }

int64_t sat_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? kSat : r;
}
int64_t sat_mul(std::initializer_list<int64_t> v) {
  int64_t r = 1;
  for (int64_t x : v) r = sat_mul(r, x);
  return r;
}
int64_t sat_add(int64_t a, int64_t b) {
  int64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? kSat : r;
}
int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

std::string num(int64_t v) { return std::to_string(v); }

const char* display_name(ConvMethod m) {
  switch (m) {
  case ConvMethod::Direct: return "direct";
  case ConvMethod::Im2colGemm: return "im2col + GEMM";
  case ConvMethod::Toeplitz: return "Toeplitz";
  }
  return "?";
}

// The layer as 4-D geometry, and conv2d's output shape for the given ranks.
struct Layer {
  Conv2dGeometry g;
  std::vector<int64_t> out_shape;
  PaddingMode mode = PaddingMode::Zeros;
  bool flip = false;
  bool fast_direct() const { return g.dilation_h == 1 && g.dilation_w == 1; }
  bool any_pad() const { return g.pad_top || g.pad_bottom || g.pad_left || g.pad_right; }
  int64_t hp() const { return g.H + g.pad_top + g.pad_bottom; }
  int64_t wp() const { return g.W + g.pad_left + g.pad_right; }
  int64_t macs() const { return sat_mul({g.N, g.M, g.OH, g.OW, g.C / g.groups, g.KH, g.KW}); }
};

Expected<Layer> layer_of(const std::vector<int64_t>& xs, const std::vector<int64_t>& ws, const Conv2dParams& p) {
  std::vector<int64_t> x4, w4;
  if (xs.size() == 2 && ws.size() == 2) {
    x4 = {1, 1, xs[0], xs[1]};
    w4 = {1, 1, ws[0], ws[1]};
  } else if ((xs.size() == 3 || xs.size() == 4) && ws.size() == 4) {
    x4 = xs.size() == 4 ? xs : std::vector<int64_t>{1, xs[0], xs[1], xs[2]};
    w4 = ws;
  } else {
    return Error{"input " + shape_string(xs) + " with weight " + shape_string(ws) +
                 ": expected x (N, C, H, W) or (C, H, W) with w (M, C/groups, KH, KW), or x (H, W) with w (KH, KW)"};
  }
  auto g = conv2d_geometry(x4, w4, p);
  if (!g) return Error{g.error()};
  Layer L;
  L.g = *g;
  L.mode = p.padding_mode;
  L.flip = p.flip;
  if (xs.size() == 2) L.out_shape = {g->OH, g->OW};
  else if (xs.size() == 3) L.out_shape = {g->M, g->OH, g->OW};
  else L.out_shape = {g->N, g->M, g->OH, g->OW};
  return L;
}

// The fast direct kernel's spec (every image and group, any stride). Padding modes other than zeros
// are applied by copying the input into a padded buffer first.
Conv2dPlanSpec direct_spec(const Layer& L) {
  const Conv2dGeometry& g = L.g;
  const bool copy = L.mode != PaddingMode::Zeros && L.any_pad();
  Conv2dPlanSpec s;
  s.N = g.N;
  s.C = g.C;
  s.H = copy ? L.hp() : g.H;
  s.W = copy ? L.wp() : g.W;
  s.M = g.M;
  s.KH = g.KH;
  s.KW = g.KW;
  s.SH = g.stride_h;
  s.SW = g.stride_w;
  s.groups = g.groups;
  s.algorithm = Conv2dAlgorithm::Direct; // the lecture's direct way, not Winograd
  if (!copy) {
    s.pad_top = g.pad_top; s.pad_bottom = g.pad_bottom; s.pad_left = g.pad_left; s.pad_right = g.pad_right;
  }
  return s;
}

ConvMethodMemory memory_of(ConvMethod method, const Layer& L) {
  const Conv2dGeometry& g = L.g;
  ConvMethodMemory m;
  m.output_bytes = sat_mul({g.N, g.M, g.OH, g.OW, kFloat});
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups, P = sat_mul(g.OH, g.OW);
  switch (method) {
  case ConvMethod::Direct:
    if (L.fast_direct()) {
      m.workspace_bytes = Conv2dPlan::workspace_bytes_for(direct_spec(L));
      if (L.mode != PaddingMode::Zeros && L.any_pad())
        m.workspace_bytes = sat_add(m.workspace_bytes, sat_mul({g.N, g.C, L.hp(), L.wp(), kFloat}));
      if (L.flip) m.workspace_bytes = sat_add(m.workspace_bytes, sat_mul({g.M, Cg, g.KH, g.KW, kFloat}));
    }
    break;
  case ConvMethod::Im2colGemm: {
    const GemmKernel k = best_gemm();
    const int64_t K = sat_mul({Cg, g.KH, g.KW});
    m.matrix_rows = K;
    m.matrix_cols = P;
    m.matrix_bytes = sat_mul({K, round_up(P, k.nr()), kFloat});
    const int64_t packed_a = sat_mul({g.groups, round_up(Mg, k.mr()), K, kFloat});
    m.workspace_bytes = sat_add(m.matrix_bytes, packed_a);
    break;
  }
  case ConvMethod::Toeplitz:
    m.matrix_rows = sat_mul(g.M, P);
    m.matrix_cols = sat_mul({g.C, g.H, g.W});
    m.matrix_bytes = sat_mul({m.matrix_rows, m.matrix_cols, kFloat});
    m.workspace_bytes = m.matrix_bytes;
    break;
  }
  return m;
}

// Index of padded coordinate i (may be outside [0, size)) in the input, or −1 for a zero.
inline int64_t source_index(int64_t i, int64_t size, PaddingMode mode) {
  if (i >= 0 && i < size) return i;
  switch (mode) {
  case PaddingMode::Zeros: return -1;
  case PaddingMode::Reflect: return i < 0 ? -i : 2 * (size - 1) - i;       // pad < size (checked)
  case PaddingMode::Replicate: return i < 0 ? 0 : size - 1;
  case PaddingMode::Circular: return ((i % size) + size) % size;           // pad ≤ size (checked)
  }
  return -1;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Weight w[m][c][kh][kw] as the cross-correlation uses it (rotated 180° when flip).
struct Weights {
  const float* w;
  int64_t Cg, KH, KW;
  bool flip;
  float at(int64_t m, int64_t c, int64_t kh, int64_t kw) const {
    if (flip) { kh = KH - 1 - kh; kw = KW - 1 - kw; }
    return w[((m * Cg + c) * KH + kh) * KW + kw];
  }
};

// ---- Direct -------------------------------------------------------------------------------------

void run_direct(const Layer& L, const float* x, const Weights& wt, const float* bias, float* y, ThreadPool* pool,
                ConvMethodRun& r) {
  const Conv2dGeometry& g = L.g;
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups, P = g.OH * g.OW;
  const auto t0 = std::chrono::steady_clock::now();
  if (!L.fast_direct()) {
    // Dilations other than 1: plain loops, one output plane per task.
    r.kernel = "conv2d_direct_f32_loops__scalar";
    parallel_for(L.macs() >= kParallelMacs ? pool : nullptr, g.N * g.M, [&](int64_t plane) {
      const int64_t n = plane / g.M, m = plane % g.M, c0 = (m / Mg) * Cg;
      for (int64_t oh = 0; oh < g.OH; ++oh)
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          float acc = bias ? bias[m] : 0.0f;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < g.KH; ++kh) {
              const int64_t ih = source_index(oh * g.stride_h + kh * g.dilation_h - g.pad_top, g.H, L.mode);
              if (ih < 0) continue;
              const float* xr = x + ((n * g.C + c0 + c) * g.H + ih) * g.W;
              for (int64_t kw = 0; kw < g.KW; ++kw) {
                const int64_t iw = source_index(ow * g.stride_w + kw * g.dilation_w - g.pad_left, g.W, L.mode);
                if (iw >= 0) acc += wt.at(m, c, kh, kw) * xr[iw];
              }
            }
          y[plane * P + oh * g.OW + ow] = acc;
        }
    });
    return;
  }
  // Dilation 1: the fast kernel (Conv2dPlan), any stride and groups.
  std::vector<float> flipped, padded;
  const float* w = wt.w;
  if (L.flip) {
    flipped.resize(static_cast<size_t>(g.M * Cg * g.KH * g.KW));
    for (int64_t m = 0; m < g.M; ++m)
      for (int64_t c = 0; c < Cg; ++c)
        for (int64_t kh = 0; kh < g.KH; ++kh)
          for (int64_t kw = 0; kw < g.KW; ++kw) flipped[static_cast<size_t>(((m * Cg + c) * g.KH + kh) * g.KW + kw)] = wt.at(m, c, kh, kw);
    w = flipped.data();
  }
  const float* xin = x;
  int64_t H = g.H, W = g.W;
  if (L.mode != PaddingMode::Zeros && L.any_pad()) {
    H = L.hp();
    W = L.wp();
    padded.resize(static_cast<size_t>(g.N * g.C * H * W));
    parallel_for(pool, g.N * g.C, [&](int64_t plane) {
      for (int64_t i = 0; i < H; ++i) {
        const float* src = x + (plane * g.H + source_index(i - g.pad_top, g.H, L.mode)) * g.W;
        float* dst = padded.data() + (plane * H + i) * W;
        for (int64_t j = 0; j < W; ++j) dst[j] = src[source_index(j - g.pad_left, g.W, L.mode)];
      }
    });
    xin = padded.data();
  }
  const Conv2dPlanSpec spec = direct_spec(L);
  Conv2dPlan plan(spec, w, bias);
  if (!plan.ok()) throw std::runtime_error(plan.error()); // never a silent all-zero output
  r.build_ms = ms_since(t0);
  r.kernel = plan.kernel_name();
  plan.run(xin, y, pool);
  r.bytes_allocated += plan.workspace_bytes();
  r.bytes_allocated += static_cast<int64_t>((flipped.size() + padded.size()) * sizeof(float));
}

// ---- im2col + GEMM ------------------------------------------------------------------------------

void run_im2col(const Layer& L, const float* x, const Weights& wt, const float* bias, float* y, ThreadPool* pool,
                ConvMethodRun& r) {
  const Conv2dGeometry& g = L.g;
  const GemmKernel k = best_gemm();
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups, P = g.OH * g.OW, K = Cg * g.KH * g.KW;
  const int64_t mr = k.mr(), nr = k.nr(), blocks = k.blocks(Mg), panels = k.panels(P);
  ThreadPool* p = L.macs() >= kParallelMacs ? pool : nullptr;
  r.kernel = k.name();
  auto t0 = std::chrono::steady_clock::now();
  // Filters as the GEMM's A: per group, blocks of mr filters, tap-major (zero rows past Mg).
  std::vector<float> a(static_cast<size_t>(g.groups * blocks * mr * K), 0.0f);
  for (int64_t m = 0; m < g.M; ++m) {
    const int64_t gi = m / Mg, ml = m % Mg;
    float* dst = a.data() + ((gi * blocks + ml / mr) * K) * mr + ml % mr;
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t kh = 0; kh < g.KH; ++kh)
        for (int64_t kw = 0; kw < g.KW; ++kw, dst += mr) *dst = wt.at(m, c, kh, kw);
  }
  // The im2col matrix (K × P) of one image and group, stored as panels of nr columns (tap-major
  // inside a panel) so the GEMM reads it front to back; zeros past P.
  std::vector<float> cols(static_cast<size_t>(panels * nr * K));
  r.build_ms += ms_since(t0);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t gi = 0; gi < g.groups; ++gi) {
      t0 = std::chrono::steady_clock::now();
      const float* xg = x + (n * g.C + gi * Cg) * g.H * g.W;
      parallel_for(p, panels, [&](int64_t q) {
        int64_t ih0[64], iw0[64]; // nr ≤ 64
        for (int64_t j = 0; j < nr; ++j) {
          const int64_t pos = std::min(q * nr + j, P - 1);
          ih0[j] = (pos / g.OW) * g.stride_h - g.pad_top;
          iw0[j] = (pos % g.OW) * g.stride_w - g.pad_left;
        }
        const int64_t valid = std::min(nr, P - q * nr);
        float* dst = cols.data() + q * nr * K;
        for (int64_t c = 0; c < Cg; ++c)
          for (int64_t kh = 0; kh < g.KH; ++kh)
            for (int64_t kw = 0; kw < g.KW; ++kw, dst += nr) {
              const float* xc = xg + c * g.H * g.W;
              if (L.mode == PaddingMode::Zeros) {
                for (int64_t j = 0; j < valid; ++j) {
                  const int64_t ih = ih0[j] + kh * g.dilation_h, iw = iw0[j] + kw * g.dilation_w;
                  dst[j] = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W ? xc[ih * g.W + iw] : 0.0f;
                }
              } else {
                for (int64_t j = 0; j < valid; ++j) {
                  const int64_t ih = source_index(ih0[j] + kh * g.dilation_h, g.H, L.mode);
                  const int64_t iw = source_index(iw0[j] + kw * g.dilation_w, g.W, L.mode);
                  dst[j] = xc[ih * g.W + iw]; // other modes always find a pixel
                }
              }
              for (int64_t j = valid; j < nr; ++j) dst[j] = 0.0f;
            }
      });
      r.build_ms += ms_since(t0);
      k.run_tiles(a.data() + gi * blocks * mr * K, cols.data(), bias ? bias + gi * Mg : nullptr,
                  y + (n * g.M + gi * Mg) * P, P, Mg, P, K, p);
    }
  r.bytes_allocated += static_cast<int64_t>((a.size() + cols.size()) * sizeof(float));
}

// ---- Toeplitz -----------------------------------------------------------------------------------

void run_toeplitz(const Layer& L, const float* x, const Weights& wt, const float* bias, float* y, ThreadPool* pool,
                  ConvMethodRun& r) {
  const Conv2dGeometry& g = L.g;
  const GemmKernel k = best_gemm();
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups, P = g.OH * g.OW;
  const int64_t rows = g.M * P, cols = g.C * g.H * g.W;
  r.kernel = k.gemv_name();
  // The matrix is touched in parallel (zeroing it is much of the work): worth threads when large.
  ThreadPool* p = rows * cols >= kParallelMacs ? pool : nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<float[]> t(new float[static_cast<size_t>(rows * cols)]);
  // Row (m, oh, ow) holds filter m's weights at the columns of the input pixels under that output.
  parallel_for(p, g.M * g.OH, [&](int64_t mo) {
    const int64_t m = mo / g.OH, oh = mo % g.OH, c0 = (m / Mg) * Cg;
    for (int64_t ow = 0; ow < g.OW; ++ow) {
      float* row = t.get() + (mo * g.OW + ow) * cols;
      std::fill(row, row + cols, 0.0f);
      for (int64_t c = 0; c < Cg; ++c)
        for (int64_t kh = 0; kh < g.KH; ++kh) {
          const int64_t ih = source_index(oh * g.stride_h + kh * g.dilation_h - g.pad_top, g.H, L.mode);
          if (ih < 0) continue;
          for (int64_t kw = 0; kw < g.KW; ++kw) {
            const int64_t iw = source_index(ow * g.stride_w + kw * g.dilation_w - g.pad_left, g.W, L.mode);
            if (iw >= 0) row[((c0 + c) * g.H + ih) * g.W + iw] += wt.at(m, c, kh, kw); // += : reflected pixels repeat
          }
        }
    }
  });
  r.build_ms = ms_since(t0);
  constexpr int64_t kRowsPerTask = 32;
  for (int64_t n = 0; n < g.N; ++n)
    parallel_for(p, (rows + kRowsPerTask - 1) / kRowsPerTask, [&](int64_t i) {
      k.gemv(t.get(), cols, x + n * cols, bias, P, y + n * rows, cols, i * kRowsPerTask,
             std::min(rows, (i + 1) * kRowsPerTask));
    });
  r.bytes_allocated += rows * cols * kFloat;
}

} // namespace

int64_t ConvMethodMemory::total_bytes() const { return sat_add(workspace_bytes, output_bytes); }

const char* conv_method_name(ConvMethod method) noexcept {
  switch (method) {
  case ConvMethod::Direct: return "direct";
  case ConvMethod::Im2colGemm: return "im2col";
  case ConvMethod::Toeplitz: return "toeplitz";
  }
  return "?";
}

Expected<ConvMethod> parse_conv_method(std::string_view name) {
  for (ConvMethod m : {ConvMethod::Direct, ConvMethod::Im2colGemm, ConvMethod::Toeplitz})
    if (name == conv_method_name(m)) return m;
  return Error{"unknown method '" + std::string(name) + "' (expected direct, im2col or toeplitz)"};
}

Expected<ConvMethodMemory> predict_conv_memory(ConvMethod method, const std::vector<int64_t>& x_shape,
                                               const std::vector<int64_t>& w_shape, const Conv2dParams& params) {
  auto L = layer_of(x_shape, w_shape, params);
  if (!L) return Error{L.error()};
  return memory_of(method, *L);
}

Expected<ConvMethodRun> run_conv_method(ConvMethod method, const Tensor& x, const Tensor& w, const Tensor* bias,
                                        const Conv2dParams& params, ThreadPool* pool, int64_t max_bytes) {
  auto L = layer_of(x.shape, w.shape, params);
  if (!L) return Error{L.error()};
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel() || !checked_numel(w.shape, n) || n != w.numel())
    return Error{"operand data do not match their shapes"};
  if (bias && (bias->rank() != 1 || bias->numel() != L->g.M))
    return Error{"bias must have one value per output channel, shape (" + num(L->g.M) + ",), got " + shape_string(bias->shape)};
  const ConvMethodMemory mem = memory_of(method, *L);
  if (mem.total_bytes() > max_bytes || mem.total_bytes() == kSat) {
    std::string what = mem.matrix_rows ? "a " + num(mem.matrix_rows) + " × " + num(mem.matrix_cols) +
                                             (method == ConvMethod::Toeplitz ? " Toeplitz matrix" : " im2col matrix") +
                                             " of " + format_bytes(mem.matrix_bytes)
                                       : "output and workspace";
    return Error{std::string(display_name(method)) + " needs " + format_bytes(mem.total_bytes()) + " (" + what +
                 "), more than the limit of " + format_bytes(max_bytes)};
  }
  ConvMethodRun r;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const Conv2dGeometry& g = L->g;
    r.output.shape = L->out_shape;
    r.output.data.resize(static_cast<size_t>(g.N * g.M * g.OH * g.OW));
    r.bytes_allocated = mem.output_bytes;
    const Weights wt{w.data.data(), g.C / g.groups, g.KH, g.KW, L->flip};
    const float* b = bias ? bias->data.data() : nullptr;
    switch (method) {
    case ConvMethod::Direct: run_direct(*L, x.data.data(), wt, b, r.output.data.data(), pool, r); break;
    case ConvMethod::Im2colGemm: run_im2col(*L, x.data.data(), wt, b, r.output.data.data(), pool, r); break;
    case ConvMethod::Toeplitz: run_toeplitz(*L, x.data.data(), wt, b, r.output.data.data(), pool, r); break;
    }
    r.ms = ms_since(t0);
  } catch (const std::bad_alloc&) {
    return Error{std::string(display_name(method)) + ": out of memory allocating " + format_bytes(mem.total_bytes())};
  } catch (const std::runtime_error& e) { // the fast kernel refused the layer
    return Error{std::string(display_name(method)) + ": " + e.what()};
  }
  return r;
}

} // namespace convplay
