// Scene "matmul": convolution as a matrix multiplication. The 1-D Toeplitz matrix (the filter repeated on
// each row, shifted by the stride), the vector it multiplies and the result, equal to the convolution; the
// 2-D doubly-blocked form and the im2col view; the sizes, zeros and distinct weights; and the three ways
// timed on a real layer (direct, im2col + GEMM, Toeplitz), time and memory side by side. Every matrix,
// product, count and timing comes from the core (matrix_views.h, counts.h, three_ways.h).
#include "../background.h"
#include "../scene.h"
#include "../scene_ui.h"
#include "../tensor_view.h"

#include <convplay/conv.h>
#include <convplay/counts.h>
#include <convplay/matrix_views.h>
#include <convplay/shape.h>
#include <convplay/three_ways.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <tuple>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

constexpr std::array<ConvMethod, 3> kMethods = {ConvMethod::Direct, ConvMethod::Im2colGemm, ConvMethod::Toeplitz};
// One timing of a method stays about a second even in the single-threaded page (it runs between frames there).
constexpr double kMaxTimedMacs = 2e9;
constexpr float kInput[8] = {3, 3, 2, 1, 0, 2, 1, 3};

struct Params {
  int dims = 1;        // 1: the 1-D Toeplitz matrix; 2: the doubly-blocked matrix and im2col
  int n = 4, k = 2;    // input length (2-D: H = W = n) and filter taps (2-D: K × K)
  int stride = 1;
  Padding padding = Padding::Valid;
  // The layer the three ways are timed on: size × size × c input, m filters of k × k × c.
  int layer_size = 16, layer_c = 3, layer_m = 16, layer_k = 3;
  bool operator==(const Params&) const = default;
};

// The example's sliders stop where its matrices still fit the window; typing reaches the limits.
const ParamTable<Params> kParams{
    int_param("dims", &Params::dims, 1, 2, "dimensions").no_widget(), // two radio buttons, drawn by the scene
    int_param("n", &Params::n, 1, 64, "input length N").slider_max(24).help("Ctrl+click to type up to 64"),
    int_param("k", &Params::k, 1, 16, "filter taps K").slider_max(9).help("Ctrl+click to type up to 16"),
    int_param("stride", &Params::stride, 1, 8, "stride S").slider_max(4),
    choice_param("padding", &Params::padding, {Padding::Valid, Padding::Same, Padding::Full}, padding_name, "padding"),
    // The timed layer's sliders stop where one timing stays short (the single-threaded build waits for it).
    int_param("layer_size", &Params::layer_size, 1, 512, "image size").log_slider().slider_max(128),
    int_param("layer_c", &Params::layer_c, 1, 64, "channels C").slider_max(16),
    int_param("layer_m", &Params::layer_m, 1, 256, "filters M").log_slider().slider_max(64),
    int_param("layer_k", &Params::layer_k, 1, 15, "kernel K").slider_max(7),
};

struct Example { // the small example drawn with its numbers
  bool ok = false;
  std::string error;
  Tensor x, w, T, y, conv, cols, wrow, y_cols;
  LayerCounts counts;
  bool equal = false; // T·x equals the convolution (and W·cols, in 2-D)
};

struct Timing {
  bool measured = false;
  std::array<double, 3> ms{};
  std::array<int64_t, 3> bytes{};
  std::array<std::string, 3> error;
  std::array<double, 3> abssum{};
  std::array<std::string, 3> output_hash; // FNV-1a of the output's float bits: equal outputs, bit for bit
  LayerCounts counts;
  std::string counts_error;
};

float value_at(int i) { return kInput[i % 8]; }

Example build_example(const Params& p) {
  Example e;
  const bool two_d = p.dims == 2;
  const int H = two_d ? p.n : 1, W = p.n, KH = two_d ? p.k : 1, KW = p.k;
  e.x = zeros({H, W});
  for (int i = 0; i < H * W; ++i) e.x[i] = value_at(i + i / W);
  e.w = zeros({KH, KW});
  for (int i = 0; i < KH * KW; ++i) e.w[i] = static_cast<float>(i + 1); // distinct weights: w1, w2, …
  ConvLayerSpec spec;
  spec.height = H;
  spec.width = W;
  spec.kernel_h = KH;
  spec.kernel_w = KW;
  spec.stride_h = spec.stride_w = p.stride;
  spec.padding = p.padding;
  spec.bias = false;
  auto counts = count_layer(spec);
  if (!counts) {
    e.error = counts.error();
    return e;
  }
  e.counts = *counts;
  if (e.counts.toeplitz_entries.overflow || e.counts.toeplitz_entries.value > 64 * 64 * 16) {
    e.error = "The matrix would have " + format_count(e.counts.toeplitz_entries) +
              " entries: too many to draw here (the sizes above are exact).";
    return e;
  }
  AxisSpec rows, cols;
  rows.input = H;
  rows.kernel = KH;
  cols.input = W;
  cols.kernel = KW;
  rows.stride = cols.stride = p.stride;
  rows.padding = two_d ? p.padding : Padding::Valid;
  cols.padding = p.padding;
  Conv2dParams cp;
  cp.stride_h = cp.stride_w = p.stride;
  cp.padding = p.padding;
  auto T = two_d ? doubly_blocked_toeplitz_2d(e.w, rows, cols) : toeplitz_matrix_1d(Tensor{{KW}, e.w.data}, cols);
  if (!T) {
    e.error = T.error();
    return e;
  }
  e.T = std::move(*T);
  auto y = matmul(e.T, Tensor{{H * W}, e.x.data});
  auto conv = conv2d(Tensor{{1, 1, H, W}, e.x.data}, Tensor{{1, 1, KH, KW}, e.w.data}, nullptr, cp);
  if (!y || !conv) {
    e.error = !y ? y.error() : conv.error();
    return e;
  }
  e.y = std::move(*y);
  e.conv = std::move(*conv);
  auto close = [](const Tensor& a, const Tensor& b) {
    if (a.numel() != b.numel()) return false;
    for (int64_t i = 0; i < a.numel(); ++i)
      if (std::fabs(a[i] - b[i]) > 1e-4f * (1.0f + std::fabs(b[i]))) return false;
    return true;
  };
  e.equal = close(e.y, e.conv);
  if (two_d) {
    auto im = im2col_matrix(e.x, KH, KW, cp);
    if (!im) {
      e.error = im.error();
      return e;
    }
    e.cols = std::move(*im);
    e.wrow = Tensor{{1, KH * KW}, e.w.data};
    auto yc = matmul(e.wrow, e.cols);
    if (!yc) {
      e.error = yc.error();
      return e;
    }
    e.y_cols = std::move(*yc);
    e.equal = e.equal && close(e.y_cols, e.conv);
  }
  e.ok = true;
  return e;
}

ConvLayerSpec timed_layer(const Params& p) {
  ConvLayerSpec spec;
  spec.channels = p.layer_c;
  spec.height = spec.width = p.layer_size;
  spec.out_channels = p.layer_m;
  spec.kernel_h = spec.kernel_w = p.layer_k;
  return spec;
}
// The working memory of the timed layer before any method runs: its input and weights.
Count held_bytes(const LayerCounts& c) { return count_add(count_mul(c.input_elements, count_of(4)), c.conv_weight_bytes); }

// "" or why the layer of `p` is not timed here: its input, weights and output (what the direct way needs;
// the other ways say themselves when they need more) over the memory budget, or more multiply-adds than
// kMaxTimedMacs. Named by the first layer key `in` gives.
std::string check_timed_layer(const Params& p, const JsonObject& in) {
  const char* key = "layer_size";
  for (const char* k : {"layer_size", "layer_c", "layer_m", "layer_k"})
    if (in.count(k)) { key = k; break; }
  auto c = count_layer(timed_layer(p));
  if (!c) return std::string(key) + ": " + c.error();
  if (auto e = check_memory_budget(std::string(key) + ": the timed layer", count_add(held_bytes(*c), count_mul(c->output_elements, count_of(4))));
      !e.empty())
    return e + " (input, weights and output)";
  if (c->conv_macs.overflow || static_cast<double>(c->conv_macs.value) > kMaxTimedMacs)
    return std::string(key) + ": the timed layer has " + format_count(c->conv_macs) + " multiply-adds; the page times up to " +
           format_count(count_of(static_cast<int64_t>(kMaxTimedMacs))) + " (about a second)";
  return {};
}

// A timing in the background: the layer's counts, its input and weights (deterministic, so reruns give
// the same sums), and how far the measurement is. Every part is done in slices (app/background.h), each
// a step of about a third of a task: the input and weights are filled a chunk of values at a time; each
// way is timed on bands of output rows (direct, im2col) or groups of filters (Toeplitz), each slice a
// layer of its own whose output is part of the whole (the values are the same: each output value is the
// same sum); the first pass's output is summed and hashed a chunk of rows at a time, in the order of
// the whole output. One pass over the slices is one run of the way; passes repeat until 30 ms have
// passed (a browser's clock ticks in 0.1 ms steps without isolation).
struct OutputDigest { // abssum and FNV-1a hash of the output's float bits, resumable: equal outputs, bit for bit
  double abssum = 0;
  uint64_t hash = 1469598103934665603ull;
  int64_t at = 0; // values done
  void add(const float* v, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      abssum += std::fabs(v[i]);
      uint32_t b = 0;
      std::memcpy(&b, &v[i], sizeof b);
      for (int k = 0; k < 4; ++k, b >>= 8) hash = (hash ^ (b & 0xff)) * 1099511628211ull;
    }
    at += n;
  }
  std::string hex() const {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
    return buf;
  }
};

struct TimingJob {
  Params p;
  Timing t;
  Tensor x, w;
  std::atomic<int> ways_done{0};      // published with release: the scene reads t once it is 3
  std::atomic<int> permille{0};       // of the current way's first pass, for the progress line
  std::atomic<bool> cancelled{false}; // a newer layer was asked for: skip what is left
  std::shared_ptr<const SliceStats> slices; // set by the submitter
  // The job's own (the task's thread): the way being timed and how far it is.
  bool prepared = false, filled = false;
  size_t method = 0;
  bool started = false;     // the current way passed its memory check
  int64_t units = 0, at = 0; // slices of output rows (direct, im2col) or filters (Toeplitz); done this pass
  int64_t free_bytes = 0;
  double pass_ms = 0, total_ms = 0;
  int reps = 0;
  int64_t x_total = 0, w_total = 0; // the values x and w are filled to
  std::unique_ptr<float[]> output;   // (M, OH, OW): the first pass's output, assembled from the slices
  int64_t output_size = 0;
  std::optional<OutputDigest> digest; // summing and hashing the first pass's output
  SliceSizer sizer, digest_sizer;
};

// The first steps' guesses (the single-threaded page, on the slow side): 1 GMAC/s, 5 ns per value
// filled, 10 ns per value summed and hashed. Later steps go by what the last ones took.
constexpr double kEstimateMsPerMac = 1e-6, kEstimateMsPerFill = 5e-6, kEstimateMsPerDigest = 1e-5;

float input_value(int64_t i) { return static_cast<float>((i * 37 % 101) - 50) / 50.0f; }
float weight_value(int64_t i) { return static_cast<float>((i * 53 % 97) - 48) / 96.0f; }

// The layer's counts and the shapes of x and w; their values come in fill_step.
void prepare(TimingJob& job) {
  const Params& p = job.p;
  auto counts = count_layer(timed_layer(p));
  if (!counts) {
    job.t.counts_error = counts.error();
    return;
  }
  job.t.counts = *counts;
  job.x.shape = {1, p.layer_c, p.layer_size, p.layer_size};
  job.w.shape = {p.layer_m, p.layer_c, p.layer_k, p.layer_k};
  job.x_total = job.t.counts.input_elements.value;
  job.w_total = int64_t{p.layer_m} * p.layer_c * p.layer_k * p.layer_k;
  job.x.data.reserve(static_cast<size_t>(job.x_total));
  job.w.data.reserve(static_cast<size_t>(job.w_total));
  job.sizer = SliceSizer(kEstimateMsPerFill);
}

// The next chunk of x's values, then of w's; true when both are full.
bool fill_step(TimingJob& job) {
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t x_total = job.x_total, w_total = job.w_total;
  const int64_t done = job.x.numel() + job.w.numel(), n = job.sizer.next(x_total + w_total - done);
  int64_t left = n;
  auto grow = [&left](AlignedVector<float>& v, int64_t total, float (*value)(int64_t)) {
    const int64_t from = static_cast<int64_t>(v.size()), to = std::min(total, from + left);
    v.resize(static_cast<size_t>(to)); // within the capacity reserved: no reallocation
    for (int64_t i = from; i < to; ++i) v[static_cast<size_t>(i)] = value(i);
    left -= to - from;
  };
  grow(job.x.data, x_total, input_value);
  grow(job.w.data, w_total, weight_value);
  job.sizer.took(n, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return done + n == x_total + w_total;
}

bool by_filters(ConvMethod m) { return m == ConvMethod::Toeplitz; }

void next_way(TimingJob& job) {
  ++job.method;
  job.started = false;
  job.digest.reset();
  job.permille.store(0, std::memory_order_relaxed);
  job.ways_done.fetch_add(1, std::memory_order_release);
}

// The way's memory check on the whole layer (a refusal is the unsliced run's message: it refuses
// before allocating anything), then its slices.
void start_way(TimingJob& job) {
  const ConvMethod method = kMethods[job.method];
  Timing& t = job.t;
  job.free_bytes = kWorkingMemoryBudget - held_bytes(t.counts).value; // the input and weights are held already
  auto mem = predict_conv_memory(method, job.x.shape, job.w.shape, Conv2dParams{});
  if (!mem || mem->total_bytes() > job.free_bytes) {
    auto refused = run_conv_method(method, job.x, job.w, nullptr, Conv2dParams{}, nullptr, job.free_bytes);
    t.error[job.method] = refused ? "refused" : refused.error();
    next_way(job);
    return;
  }
  t.bytes[job.method] = mem->total_bytes(); // what the whole run allocates (three_ways.h: it equals the prediction)
  const int64_t oh = t.counts.out_h, ow = t.counts.out_w, m = job.p.layer_m;
  if (!job.output) { // one buffer for every way, left uninitialised: each pass writes all of it
    job.output_size = m * oh * ow;
    job.output.reset(new float[static_cast<size_t>(job.output_size)]);
  }
  job.units = by_filters(method) ? m : oh;
  const double unit_cost = by_filters(method) ? static_cast<double>(mem->matrix_rows / m) * static_cast<double>(mem->matrix_cols)
                                              : static_cast<double>(t.counts.conv_macs.value) / static_cast<double>(oh);
  job.sizer = SliceSizer(unit_cost * kEstimateMsPerMac);
  job.at = 0;
  job.pass_ms = job.total_ms = 0;
  job.reps = 0;
  job.started = true;
}

// After a pass (and the first pass's digest): another pass, or the way's time and the next way.
void end_pass(TimingJob& job) {
  if (job.total_ms < 30.0 && job.reps < 1000) return;
  job.t.ms[job.method] = job.total_ms / job.reps;
  next_way(job);
}

// One slice of the current way: output rows [at, at + n) of every filter, or filters [at, at + n).
void run_slice(TimingJob& job) {
  const ConvMethod method = kMethods[job.method];
  const Params& p = job.p;
  const int64_t C = p.layer_c, H = p.layer_size, W = p.layer_size, K = p.layer_k, M = p.layer_m;
  const int64_t oh = job.t.counts.out_h, ow = job.t.counts.out_w;
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = job.sizer.next(job.units - job.at), a = job.at;
  const bool whole = n == job.units;
  Tensor xs, ws;
  if (!whole && by_filters(method)) {
    ws = zeros({n, C, K, K});
    std::copy_n(job.w.data.begin() + a * C * K * K, n * C * K * K, ws.data.begin());
  } else if (!whole) { // the input rows that output rows a … a + n − 1 read
    const AxisSpec rows_spec{H, K};
    const WindowAxis rows = window_axis(rows_spec, conv_axis(rows_spec));
    const int64_t first = window_tap(rows, a, 0), count = window_tap(rows, a + n - 1, K - 1) - first + 1;
    xs = zeros({1, C, count, W});
    for (int64_t c = 0; c < C; ++c)
      std::copy_n(job.x.data.begin() + (c * H + first) * W, count * W, xs.data.begin() + c * count * W);
  }
  auto r = run_conv_method(method, whole || by_filters(method) ? job.x : xs, whole || !by_filters(method) ? job.w : ws,
                           nullptr, Conv2dParams{}, app_thread_pool(), job.free_bytes);
  if (!r) {
    job.t.error[job.method] = r.error();
    next_way(job);
    return;
  }
  job.pass_ms += r->ms; // the way's time: the convolution alone
  if (job.reps == 0) { // the slice's output into the layer's (M, OH, OW)
    const AlignedVector<float>& y = r->output.data;
    float* out = job.output.get();
    if (whole || by_filters(method)) std::copy(y.begin(), y.end(), out + a * oh * ow);
    else
      for (int64_t f = 0; f < M; ++f) std::copy_n(y.begin() + f * n * ow, n * ow, out + (f * oh + a) * ow);
    job.permille.store(static_cast<int>(1000 * (a + n) / job.units), std::memory_order_relaxed);
  }
  // The next step's size from the whole step: the slice's copies in and out take the thread's time too.
  job.sizer.took(n, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  job.at += n;
  if (job.at < job.units) return;
  job.at = 0;
  ++job.reps;
  job.total_ms += job.pass_ms;
  job.pass_ms = 0;
  if (job.reps > 1) {
    end_pass(job);
    return;
  }
  job.digest.emplace();
  job.digest_sizer = SliceSizer(kEstimateMsPerDigest * static_cast<double>(ow)); // units: output rows
}

// The next chunk of output rows into the digest; when all are in, the way's sum and hash.
void digest_step(TimingJob& job) {
  OutputDigest& d = *job.digest;
  const int64_t ow = job.t.counts.out_w, rows = job.output_size / ow;
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = job.digest_sizer.next(rows - d.at / ow);
  d.add(job.output.get() + d.at, n * ow);
  job.digest_sizer.took(n, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  if (d.at < job.output_size) return;
  job.t.abssum[job.method] = d.abssum;
  job.t.output_hash[job.method] = d.hex();
  job.digest.reset();
  end_pass(job);
}

// One step of the timing; true when it is done (or cancelled).
bool timing_step(TimingJob& job) {
  if (job.cancelled.load() && job.method < kMethods.size()) {
    while (job.method < kMethods.size()) next_way(job);
    return true;
  }
  if (!job.prepared) {
    prepare(job);
    job.prepared = true;
    if (!job.t.counts_error.empty()) job.method = kMethods.size();
  } else if (!job.filled) {
    job.filled = fill_step(job);
  } else if (job.method < kMethods.size()) {
    if (!job.started) start_way(job);
    else if (job.digest) digest_step(job);
    else run_slice(job);
  }
  if (job.method < kMethods.size()) return false;
  job.x = {}; // the job stays with the scene until the next timing: only its results
  job.w = {};
  job.output.reset();
  job.t.measured = true;
  job.ways_done.store(static_cast<int>(kMethods.size()) + 1, std::memory_order_release); // t is complete
  return true;
}

// The timing as a sliced background task (app/background.h: on a worker thread where there are
// threads, between frames where there are not). The scene reads job->t only once ways_done passes 3.
void submit_timing(const std::shared_ptr<TimingJob>& job) {
  job->slices = background_submit_sliced([job] { return timing_step(*job); });
}

// Row `row` of y = T·x: its nonzero weights times the input values they meet, "3·1 + 3·2 = 9".
std::string row_products(const Example& e, int row) {
  const int64_t cols = e.T.dim(1);
  std::vector<float> xs, ws;
  for (int64_t j = 0; j < cols; ++j) {
    const float v = e.T[row * cols + j];
    if (v == 0.0f) continue;
    xs.push_back(e.x[j]);
    ws.push_back(v);
  }
  return multiply_adds(xs.data(), ws.data(), static_cast<int>(xs.size()), e.y[row]);
}

std::vector<unsigned char> nonzero_mask(const Tensor& t) {
  std::vector<unsigned char> m(t.data.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = t.data[i] != 0.0f;
  return m;
}

class MatmulScene final : public Scene {
public:
  const char* id() const override { return "matmul"; }
  const char* title() const override { return "Convolution as a matrix"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override { return stepper_.playing() || timing_pending(); } // frames until the timing is in
  std::vector<ParamValue> parameters() const override {
    auto out = kParams.values(p_);
    stepper_.list(out);
    return out;
  }

private:
  const Example& example() const {
    if (!example_valid_ || !(example_params_ == p_)) {
      example_ = build_example(p_);
      example_params_ = p_;
      example_valid_ = true;
    }
    return example_;
  }
  // The timing of the current layer: the last finished measurement; a new one is started when the
  // layer changed (or "measure again"), and picked up here when it is done.
  const Timing& timing() const {
    const bool layer_same = job_ && job_->p.layer_size == p_.layer_size && job_->p.layer_c == p_.layer_c &&
                            job_->p.layer_m == p_.layer_m && job_->p.layer_k == p_.layer_k;
    if (!layer_same || remeasure_) {
      if (job_) job_->cancelled = true;
      job_ = std::make_shared<TimingJob>();
      job_->p = p_;
      remeasure_ = false;
      submit_timing(job_); // Inline mode (tests): done on return
    }
    if (job_->ways_done.load(std::memory_order_acquire) > static_cast<int>(kMethods.size()) && adopted_ != job_.get()) {
      timing_ = job_->t;
      adopted_ = job_.get();
    }
    return timing_;
  }
  bool timing_pending() const { return !job_ || adopted_ != job_.get(); }
  void draw_example();
  void draw_timing();
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;

  Params p_;
  mutable Example example_;
  mutable Params example_params_;
  mutable bool example_valid_ = false;
  mutable Timing timing_;                  // shown: the last finished measurement
  mutable std::shared_ptr<TimingJob> job_; // the latest asked for (running, queued or done)
  mutable const TimingJob* adopted_ = nullptr;
  mutable bool remeasure_ = false;
  Stepper stepper_;
  std::string layer_message_; // why a typed layer size was not taken
  TensorView t_view_, x_view_, y_view_, cols_view_, wrow_view_, ycols_view_;
};

void MatmulScene::draw_example() {
  const Example& e = example();
  const LayerCounts& c = e.counts;
  const bool two_d = p_.dims == 2;
  if (!e.error.empty() && c.toeplitz_rows.value == 0) {
    error_line(e.error);
    return;
  }
  const long long rows = c.toeplitz_rows.value, cols = c.toeplitz_cols.value;
  text_wrapped("Toeplitz matrix T: %lld × %lld = %s entries, %s of them nonzero (%.0f %% zeros); %d distinct weights.",
              rows, cols, format_count(c.toeplitz_entries).c_str(), format_count(c.toeplitz_nonzeros).c_str(),
              100.0 * c.toeplitz_zero_fraction, two_d ? p_.k * p_.k : p_.k);
  text_wrapped("The convolution stores %d weights and does %s multiply-adds; the matrix product stores %s "
                     "numbers and does %s (most of them with zeros).",
                     two_d ? p_.k * p_.k : p_.k, format_count(c.conv_macs).c_str(),
                     format_count(c.toeplitz_entries).c_str(), format_count(c.toeplitz_entries).c_str());
  if (!e.ok) {
    error_line(e.error);
    return;
  }
  const std::vector<unsigned char> mask = nonzero_mask(e.T);
  t_view_.set(e.T.data, static_cast<int>(e.T.dim(0)), static_cast<int>(e.T.dim(1)), ColorMap::Sequential, &mask);
  x_view_.set(e.x.data, static_cast<int>(e.x.numel()), 1, ColorMap::Sequential);
  y_view_.set(e.y.data, static_cast<int>(e.y.numel()), 1, ColorMap::Sequential);

  const int count = static_cast<int>(rows);
  stepper_.draw(count);
  int row = stepper_.position_in(count);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float cell = std::clamp((avail - 200.0f) / static_cast<float>(cols + 4), 6.0f, 34.0f);
  const ImVec2 tsize(cell * static_cast<float>(cols), cell * static_cast<float>(rows));
  ImGui::BeginGroup();
  ImGui::Text("T (%lld × %lld; hatched: zeros)", rows, cols);
  const CellHover h = t_view_.draw(tsize, cell);
  ImGui::EndGroup();
  ImGui::SameLine(0, 10);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("x");
  const CellHover hx = x_view_.draw(ImVec2(cell, cell * static_cast<float>(cols)), cell);
  ImGui::EndGroup();
  ImGui::SameLine(0, 10);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("= y");
  const CellHover hy = y_view_.draw(ImVec2(cell, cell * static_cast<float>(rows)), cell);
  ImGui::EndGroup();
  if (h.valid()) row = h.row;
  if (hy.valid()) row = hy.row;
  if ((h.valid() || hy.valid()) && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    stepper_.set_position(row, count);
    stepper_.set_playing(false);
  }
  const ImU32 orange = IM_COL32(230, 80, 20, 255), blue = IM_COL32(40, 110, 200, 255);
  t_view_.outline(row, 0, row + 1, static_cast<int>(cols), orange, 2.5f);
  y_view_.outline(row, 0, row + 1, 1, orange, 2.5f);
  for (int j = 0; j < cols; ++j)
    if (e.T[static_cast<int64_t>(row) * cols + j] != 0.0f) x_view_.outline(j, 0, j + 1, 1, orange, 2.5f);
  if (hx.valid()) { // a hovered input value: the column of T it multiplies
    t_view_.outline(0, hx.row, static_cast<int>(rows), hx.row + 1, blue, 2.0f);
    x_view_.outline(hx.row, 0, hx.row + 1, 1, blue, 3.0f);
  }
  text_wrapped("row %d: y[%d] = %s", row, row, row_products(e, row).c_str());
  text_wrapped("Every row holds the same %d weights (the same colour in each diagonal), shifted by the stride. "
                     "T·x %s the convolution computed directly%s.",
                     two_d ? p_.k * p_.k : p_.k, e.equal ? "equals" : "DIFFERS FROM", e.equal ? " (checked)" : "");
  if (!two_d) return;
  // im2col: the same product with the weights as a row and the input's windows as columns.
  ImGui::Dummy(ImVec2(0, 6));
  text_wrapped("im2col: the windows of x as columns (%lld × %lld), the kernel as one row: (1 × %d) · (%lld × %lld) = 1 × %lld",
              static_cast<long long>(e.cols.dim(0)), static_cast<long long>(e.cols.dim(1)), p_.k * p_.k,
              static_cast<long long>(e.cols.dim(0)), static_cast<long long>(e.cols.dim(1)),
              static_cast<long long>(e.cols.dim(1)));
  cols_view_.set(e.cols.data, static_cast<int>(e.cols.dim(0)), static_cast<int>(e.cols.dim(1)), ColorMap::Sequential);
  wrow_view_.set(e.wrow.data, 1, static_cast<int>(e.wrow.dim(1)), ColorMap::Sequential);
  ycols_view_.set(e.y_cols.data, 1, static_cast<int>(e.y_cols.dim(1)), ColorMap::Sequential);
  const float c2 = std::clamp((avail - 40.0f) / static_cast<float>(e.cols.dim(1) + 1), 6.0f, 30.0f);
  wrow_view_.draw(ImVec2(c2 * static_cast<float>(e.wrow.dim(1)), c2), c2);
  cols_view_.draw(ImVec2(c2 * static_cast<float>(e.cols.dim(1)), c2 * static_cast<float>(e.cols.dim(0))), c2);
  cols_view_.outline(0, row, static_cast<int>(e.cols.dim(0)), row + 1, orange, 2.5f);
  ycols_view_.draw(ImVec2(c2 * static_cast<float>(e.y_cols.dim(1)), c2), c2);
  ycols_view_.outline(0, row, 1, row + 1, orange, 2.5f);
  hint_line("im2col copies each input value into up to K·K columns, but the matrix is small and dense, so a fast "
            "matrix product (GEMM) runs it well; the Toeplitz matrix is mostly zeros and grows with the image squared.");
}

void MatmulScene::draw_timing() {
  ImGui::Separator();
  ImGui::TextUnformatted("The three ways on a real layer, timed here and now");
  ImGui::PushItemWidth(std::min(160.0f, ImGui::GetContentRegionAvail().x * 0.22f));
  const Params before = p_;
  kParams.widget(p_, p_.layer_size);
  same_line_if_fits(kParams.width(p_, p_.layer_c));
  kParams.widget(p_, p_.layer_c);
  kParams.widget(p_, p_.layer_m);
  same_line_if_fits(kParams.width(p_, p_.layer_k));
  kParams.widget(p_, p_.layer_k);
  ImGui::PopItemWidth();
  if (!(p_ == before)) { // a typed size is checked as setState() checks it
    JsonObject changed; // the keys of the widgets that moved, for the message
    for (auto [key, now, was] : {std::tuple{"layer_size", p_.layer_size, before.layer_size}, std::tuple{"layer_c", p_.layer_c, before.layer_c},
                                 std::tuple{"layer_m", p_.layer_m, before.layer_m}, std::tuple{"layer_k", p_.layer_k, before.layer_k}})
      if (now != was) changed[key] = nullptr;
    layer_message_ = check_timed_layer(p_, changed);
    if (!layer_message_.empty()) p_ = before;
  }
  if (!layer_message_.empty()) error_line(layer_message_);
  if (ImGui::SmallButton("measure again")) remeasure_ = true;
  const Timing& t = timing();
  if (timing_pending()) { // the last measurement stays until the new one is in
    ImGui::SameLine();
    const int way = std::min(job_->ways_done.load(std::memory_order_relaxed), static_cast<int>(kMethods.size()) - 1);
    ImGui::TextDisabled("timing… way %d of 3, %d %%", way + 1, job_->permille.load(std::memory_order_relaxed) / 10);
    if (!t.measured) return;
  }
  if (!t.counts_error.empty()) {
    error_line(t.counts_error);
    return;
  }
  text_wrapped("%d×%d×%d input, %d filters %d×%d×%d, valid: %s multiply-adds. Toeplitz matrix %s × %s.", p_.layer_size,
              p_.layer_size, p_.layer_c, p_.layer_m, p_.layer_k, p_.layer_k, p_.layer_c,
              format_count(t.counts.conv_macs).c_str(), format_count(t.counts.toeplitz_rows).c_str(),
              format_count(t.counts.toeplitz_cols).c_str());
  double max_ms = 0, max_bytes = 0;
  for (size_t m = 0; m < 3; ++m)
    if (t.error[m].empty()) {
      max_ms = std::max(max_ms, t.ms[m]);
      max_bytes = std::max(max_bytes, static_cast<double>(t.bytes[m]));
    }
  const float bar = std::max(120.0f, ImGui::GetContentRegionAvail().x * 0.3f);
  auto ms_text = [&](size_t m) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3g ms", t.ms[m]);
    return std::string(ms);
  };
  float label_w = 0.0f; // the widest label beside a bar: the full bar and it fit a narrow column
  for (size_t m = 0; m < 3; ++m)
    label_w = std::max({label_w, ImGui::CalcTextSize(ms_text(m).c_str()).x, ImGui::CalcTextSize(format_bytes(t.bytes[m]).c_str()).x});
  const char* names[3] = {"direct convolution", "im2col + GEMM", "Toeplitz matmul"};
  const ImU32 colors[3] = {IM_COL32(40, 150, 140, 255), IM_COL32(90, 110, 200, 255), IM_COL32(200, 80, 50, 255)};
  if (ImGui::BeginTable("ways", 3, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("method", ImGuiTableColumnFlags_WidthFixed, 160.0f);
    // Explicit weights: proportional ones come from the first frame's content, and a table first drawn
    // without its bars (while the first timing runs) got weights of 0/0 and columns 6 px wide.
    ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("memory", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (size_t m = 0; m < 3; ++m) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(names[m]);
      if (!t.error[m].empty()) {
        ImGui::TableNextColumn();
        error_line(t.error[m]);
        ImGui::TableNextColumn();
        continue;
      }
      // Log-scale bars: one decade per fifth of the bar, the largest full.
      auto draw_bar = [&](double v, double vmax, const std::string& label) {
        const double frac = vmax > 0 && v > 0 ? std::clamp(1.0 + std::log10(v / vmax) / 5.0, 0.02, 1.0) : 0.02;
        const float full = std::max(20.0f, std::min(bar, ImGui::GetContentRegionAvail().x - label_w - ImGui::GetStyle().ItemSpacing.x));
        const ImVec2 p0 = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(p0, ImVec2(p0.x + full * static_cast<float>(frac), p0.y + h), colors[m]);
        ImGui::Dummy(ImVec2(full * static_cast<float>(frac), h));
        ImGui::SameLine();
        ImGui::TextUnformatted(label.c_str());
      };
      ImGui::TableNextColumn();
      draw_bar(t.ms[m], max_ms, ms_text(m));
      ImGui::TableNextColumn();
      draw_bar(static_cast<double>(t.bytes[m]), max_bytes, format_bytes(t.bytes[m]));
    }
    ImGui::EndTable();
  }
  hint_line(("Bars on a log scale (each fifth of a bar is ten times). All three give the same output; a way that needs "
             "more than the working-memory budget of " + format_bytes(kWorkingMemoryBudget) +
             " (the Toeplitz matrix soon does) is refused. Times are of this page, this machine, this moment.").c_str());
}

void MatmulScene::draw() {
  scene_intro("Convolution as a matrix multiplication",
              "A convolution is a linear map, so it is a matrix: each row holds the filter, shifted one stride "
              "further (a Toeplitz matrix), and multiplying it by the input gives the output. The matrix is "
              "mostly zeros and its size grows with the image, while the convolution keeps only the K weights. "
              "Step through the rows, hover a row or an input, and compare the three ways on a real layer below.");
  scene_layout(
      [&] {
        ImGui::PushItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x * 0.45f));
        if (Control c{kParams.key(p_, p_.dims)}; c.shown) {
          ImGui::RadioButton("1-D", &p_.dims, 1);
          same_line_if_fits(ImGui::GetFrameHeight() + label_width("2-D (doubly blocked, and im2col)"));
          ImGui::RadioButton("2-D (doubly blocked, and im2col)", &p_.dims, 2);
        }
        kParams.widget(p_, p_.n, p_.dims == 2 ? "input H = W" : nullptr);
        same_line_if_fits(kParams.width(p_, p_.k, p_.dims == 2 ? "kernel K × K" : nullptr));
        kParams.widget(p_, p_.k, p_.dims == 2 ? "kernel K × K" : nullptr);
        kParams.widget(p_, p_.stride);
        same_line_if_fits(kParams.width(p_, p_.padding));
        kParams.widget(p_, p_.padding);
        ImGui::PopItemWidth();
      },
      [&] { draw_example(); }, {1000.0f, 0.4f});
  if (!author_options().hidden("timing")) draw_timing();
}

void MatmulScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  stepper_.write_state(out);
  write_results(out);
}

void MatmulScene::write_results(JsonWriter& out) const {
  const Example& e = example();
  const LayerCounts& c = e.counts;
  out.field("rows", static_cast<long long>(c.toeplitz_rows.value)).field("cols", static_cast<long long>(c.toeplitz_cols.value))
      .field("entries", static_cast<long long>(c.toeplitz_entries.value))
      .field("nonzeros", static_cast<long long>(c.toeplitz_nonzeros.value))
      .field("zeros", static_cast<long long>(c.toeplitz_entries.value - c.toeplitz_nonzeros.value))
      .field("distinct_weights", p_.dims == 2 ? p_.k * p_.k : p_.k).field("equal", e.ok && e.equal)
      .field("error", e.ok ? std::string() : e.error);
  const Timing& t = timing();
  out.field("timing_pending", timing_pending());
  // The latest timing's background tasks (app/background.h): in the single-threaded page each ran on the
  // main thread after a frame.
  const SliceStats* slices = job_->slices.get();
  out.field("timing_slices", slices ? slices->tasks.load(std::memory_order_acquire) : 0)
      .field("timing_longest_slice_ms", slices ? slices->longest_ms.load(std::memory_order_relaxed) : 0.0);
  for (size_t m = 0; m < 3; ++m) {
    const std::string name = conv_method_name(kMethods[m]);
    out.field(name + "_ms", t.ms[m]).field(name + "_bytes", static_cast<long long>(t.bytes[m]))
        .field(name + "_abssum", t.abssum[m]).field(name + "_hash", t.output_hash[m]).field(name + "_error", t.error[m]);
  }
}

std::string MatmulScene::description() const {
  const Example& e = example();
  const LayerCounts& c = e.counts;
  const auto n = [](auto v) { return std::to_string(v); };
  const int weights = p_.dims == 2 ? p_.k * p_.k : p_.k;
  std::string text = std::string(title()) + ". " + (p_.dims == 2 ? "2-D: input " + n(p_.n) + " × " + n(p_.n) + ", kernel " + n(p_.k) + " × " + n(p_.k)
                                                                  : "1-D: input length " + n(p_.n) + ", " + n(p_.k) + " filter taps") +
                     ", stride " + n(p_.stride) + ", " + padding_name(p_.padding) + " padding. ";
  if (!e.error.empty() && c.toeplitz_rows.value == 0) return text + e.error;
  text += "Toeplitz matrix T: " + n(c.toeplitz_rows.value) + " × " + n(c.toeplitz_cols.value) + " = " + format_count(c.toeplitz_entries) +
          " entries, " + format_count(c.toeplitz_nonzeros) + " nonzero, " + n(weights) + " distinct weights; the convolution does " +
          format_count(c.conv_macs) + " multiply-adds.";
  if (!e.ok) return text + " " + e.error;
  const int row = stepper_.position_in(static_cast<int>(c.toeplitz_rows.value));
  text += " Row " + n(row) + ": y[" + n(row) + "] = " + row_products(e, row) + ". T·x " +
          (e.equal ? "equals" : "differs from") + " the convolution computed directly.";
  // The timed layer, without its times: they change from one measurement to the next (and would be announced).
  text += " The three ways are timed on a " + n(p_.layer_size) + " × " + n(p_.layer_size) + " × " + n(p_.layer_c) + " input with " +
          n(p_.layer_m) + " filters " + n(p_.layer_k) + " × " + n(p_.layer_k) + ".";
  return text;
}

std::string MatmulScene::apply_state(const JsonObject& in) {
  Params p = p_;
  Stepper::State st = stepper_.state();
  if (auto e = apply_params(in, id(), {kParams.bind(p), Stepper::table().bind(st)},
                            derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  if (auto e = check_timed_layer(p, in); !e.empty()) return e;
  return stepper_.apply(p_, std::move(p), in, st, [this] { // the rows of the new example: the window's positions
    return static_cast<int>(std::min<int64_t>(example().counts.toeplitz_rows.value, 1 << 30));
  });
}

} // namespace

std::unique_ptr<Scene> make_matmul_scene() { return std::make_unique<MatmulScene>(); }

} // namespace convplay::app
