// Training a network.h stack (see convplay/train.h).
//
// [SECTION] presets, RNG and order
// [SECTION] the network: layers, building, memory estimate
// [SECTION] forward
// [SECTION] loss and backward
// [SECTION] optimisers
// [SECTION] evaluation, feature maps, state_dict
#include <convplay/train.h>

#include <convplay/conv2d_plan.h>
#include <convplay/gemm.h>
#include <convplay/pool2d_plan.h>
#include <convplay/train_ops.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ctime>
#include <cstring>
#include <limits>
#include <optional>

#include "kernels/simd.h"

namespace convplay {
namespace {
#if defined(__SSE2__)
using Simd4 = kernels::SimdSse2; // the 4-wide set of this build, for the element-wise passes
#elif defined(__wasm_simd128__)
using Simd4 = kernels::SimdWasm;
#endif
std::string num(int64_t v) { return std::to_string(v); }
inline size_t at(int64_t i) { return static_cast<size_t>(i); }

// The profile's clocks (TrainProfile): a clock's seconds, -1 where the platform has none.
double clock_seconds(clockid_t clock) {
  timespec t{};
  return clock_gettime(clock, &t) == 0 ? static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec) : -1.0;
}
double thread_cpu_seconds() { return clock_seconds(CLOCK_THREAD_CPUTIME_ID); }
// The three clocks of a TrainPhase, read at a moment.
struct PhaseClocks {
  double wall = 0.0, cpu = 0.0, process = 0.0;
  static PhaseClocks now() {
    return {clock_seconds(CLOCK_MONOTONIC), thread_cpu_seconds(), clock_seconds(CLOCK_PROCESS_CPUTIME_ID)};
  }
};
double add_elapsed(double sum, double from, double to) { return sum < 0.0 || from < 0.0 || to < 0.0 ? -1.0 : sum + (to - from); }
// phase += the time from `from` to `to`.
void add_phase(TrainPhase& phase, const PhaseClocks& from, const PhaseClocks& to) {
  phase.wall_s = add_elapsed(phase.wall_s, from.wall, to.wall);
  phase.cpu_s = add_elapsed(phase.cpu_s, from.cpu, to.cpu);
  phase.process_cpu_s = add_elapsed(phase.process_cpu_s, from.process, to.process);
}
} // namespace

// ---- [SECTION] presets, RNG and order -----------------------------------------------------------

std::vector<NetLayer> lenet5_layers() {
  return parse_network("conv6k5p2,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10").value();
}

std::vector<NetLayer> mlp_layers() { return parse_network("flatten,dense256,relu,dense128,relu,dense10").value(); }

Expected<std::vector<NetLayer>> train_model_layers(std::string_view name_or_stack) {
  if (name_or_stack == "lenet5") return lenet5_layers();
  if (name_or_stack == "mlp") return mlp_layers();
  auto layers = parse_network(name_or_stack);
  if (!layers) return Error{"model '" + std::string(name_or_stack) + "' is not lenet5, mlp or a layer stack: " + layers.error()};
  if (layers->empty()) return Error{"the model is empty (lenet5, mlp or a layer stack such as flatten,dense10)"};
  return layers;
}

uint64_t TrainRng::next() noexcept {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double TrainRng::uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t TrainRng::below(uint64_t n) noexcept {
  if (n <= 1) return 0;
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  for (;;) {
    const uint64_t r = next();
    if (r < limit) return r % n;
  }
}

std::vector<int64_t> epoch_order(uint64_t seed, int64_t epoch, int64_t n) {
  std::vector<int64_t> order(at(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i) order[at(i)] = i;
  TrainRng rng(seed * 0x2545f4914f6cdd1dull + static_cast<uint64_t>(epoch) + 1);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[at(i)], order[static_cast<size_t>(rng.below(static_cast<uint64_t>(i) + 1))]);
  return order;
}

const char* optimizer_name(OptimizerKind k) noexcept { return k == OptimizerKind::Adam ? "adam" : "sgd"; }

// ---- [SECTION] the network: layers, building, memory estimate -----------------------------------

namespace {
struct Param {
  Tensor value, grad;      // grad: the chunks' gradients added, of the latest pass
  std::vector<float> m, v; // Adam's moments; SGD's momentum buffer in m
  std::vector<Tensor> chunk; // conv: the gradient of each chunk of the latest pass (grown to the chunks used)
};

struct Layer {
  NetLayer spec;
  NetLayerReport rep;
  int module = -1;      // index in the equivalent nn.Sequential
  bool has_params = false;
  bool need_input_grad = false; // some earlier layer has parameters
  Param w, b;
  Conv2dParams conv;    // conv: stride and the resolved padding
  Conv2dPlanSpec plan;  // conv: the plan of one image (each workspace has its own)
  std::optional<Pool2dPlan> pool; // pool: the plan of one image (run() changes nothing: shared)
  // dense: the weights packed as the GEMM's B operand, wᵀ for the forward pass and w for the input
  // gradient, when the weights change (read by every workspace).
  std::vector<float> packed_forward, packed_backward;
  // dense: the batch's inputs (n × IN) and output gradients (n × OUT), each chunk writing its rows: the
  // weight gradient is one GEMM over the whole batch after the chunks (a chunk's own would write and
  // then add OUT × IN values per chunk, more than its GEMM computes for few images).
  Tensor batch_x, batch_gy;
  // A max pool after a ReLU (fused_relu), relu(max(x)) = max(relu(x)): the pool's forward pass takes
  // the ReLU's input and applies the ReLU to its own output (a quarter of the values for 2×2 windows),
  // its backward pass applies the ReLU's too (a tap passes where it is the window's maximum and that
  // is > 0, in either order); the ReLU's own output is computed only for the feature maps and its
  // backward passes the gradient on unchanged (fused_into_next).
  bool fused_relu = false, fused_into_next = false;
};

// What one thread needs to run a chunk through the network, allocated once and kept between steps.
struct Workspace {
  std::vector<Tensor> acts;  // acts[0] the chunk's images, acts[i + 1] the output of layer i
  std::vector<Tensor> grads; // grads[i]: dL/d(the input of layer i) of the latest chunk
  Tensor logits_grad;        // dL/d(logits) of the latest chunk
  std::vector<std::optional<Conv2dPlan>> plans; // conv layers: the plan of one image
  uint64_t version = ~uint64_t{0}; // the weights the plans hold
  std::vector<float> packed; // dense: the GEMM's packed A operand (the chunk's rows)
};

// The optimiser's work is split into ranges of at most this many values of one parameter tensor.
constexpr int64_t kUpdateRange = 4096;
struct UpdateRange {
  size_t layer;
  bool bias;
  int64_t begin, end;
};

std::vector<int64_t> batch_shape(const NetShape& s, int64_t n) {
  return s.flat ? std::vector<int64_t>{n, s.c} : std::vector<int64_t>{n, s.c, s.h, s.w};
}
int64_t values_of(const NetShape& s) { return s.c * s.h * s.w; }
} // namespace

struct TrainableNetwork::Impl {
  NetShape input;
  std::vector<NetLayer> specs;
  TrainOptions options;
  std::vector<Layer> layers;
  std::vector<Workspace> spaces; // one per thread of the pass (grown to the largest pool seen)
  std::vector<UpdateRange> ranges;
  GemmKernel gemm;           // the best GEMM kernels here
  int64_t chunk_images = kTrainChunkImages;
  Tensor logits;             // of the latest forward pass without backward
  std::vector<Tensor> maps;  // feature maps of the latest forward()
  std::vector<double> chunk_loss;       // Σ of the chunk's images' losses, per chunk of the latest pass
  std::vector<std::string> chunk_error; // "" or the chunk's error
  std::vector<double> bias_sums;        // a dense layer's bias gradient being summed over the batch
  int64_t params = 0, memory = 0, steps = 0;
  uint64_t version = 0;         // bumped when the weights change (conv plans and dense packs follow)
  uint64_t packed_version = ~uint64_t{0}; // the weights the dense layers' packs hold
  std::unique_ptr<TrainProfile> profile;  // null: profiling off
  std::vector<TrainChunkThread> chunk_items; // the latest chunk phase per item, when profiling

  std::string add_workspace();
  void pack_dense();
  // every: also the outputs that no later layer reads (a ReLU's before a max pool), for the feature maps.
  std::string chunk_forward(Workspace& s, const float* images, int64_t count, bool every);
  std::string chunk_backward(Workspace& s, const uint8_t* labels, int64_t count, int64_t n, size_t chunk, double& loss);
  // Forward (and backward when labels are given) of n images in chunks on the pool; keep: the first
  // image's feature maps into `maps`. Without labels the logits go to `logits`; with them the mean loss
  // is returned, the conv layers' gradients of each chunk are in Param::chunk and the dense layers'
  // (over the batch) in Param::grad.
  Expected<double> pass(const float* images, const uint8_t* labels, int64_t n, bool keep);
  // Conv layers' grad = Σ over the chunks of the latest pass, in order; with update, then the optimiser's
  // step.
  void reduce(int64_t chunks, bool update);
  // pass() with labels, then reduce(); timed when profiling.
  Expected<double> step(const float* images, const uint8_t* labels, int64_t n, bool update);
  int64_t chunks_of(int64_t n) const { return (n + chunk_images - 1) / chunk_images; }
};

TrainableNetwork::TrainableNetwork() = default;
TrainableNetwork::~TrainableNetwork() = default;
TrainableNetwork::TrainableNetwork(TrainableNetwork&&) noexcept = default;
TrainableNetwork& TrainableNetwork::operator=(TrainableNetwork&&) noexcept = default;

namespace {
// PyTorch's default initialisation of a layer with fan_in inputs per output: U(±1/√fan_in) for both.
void init_uniform(Tensor& t, int64_t fan_in, TrainRng& rng) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  for (auto& x : t.data) x = static_cast<float>((2.0 * rng.uniform() - 1.0) * bound);
}

// The forward plan of a conv layer for one image.
Conv2dPlanSpec conv_plan_spec(const NetLayerReport& r, const NetLayer& L) {
  Conv2dPlanSpec ps;
  ps.N = 1; ps.C = r.input.c; ps.H = r.input.h; ps.W = r.input.w;
  ps.M = L.filters; ps.KH = ps.KW = L.kernel;
  ps.pad_top = r.pad_top; ps.pad_bottom = r.pad_bottom; ps.pad_left = r.pad_left; ps.pad_right = r.pad_right;
  ps.SH = ps.SW = L.stride;
  return ps;
}

// Bytes a conv layer's backward pass holds on the thread that runs a chunk (conv2d_backward_fast on
// one thread: the packed operands of one weight-gradient GEMM (one image, or as many as fill 2^18
// floats of im2col), up to 16 partial weight gradients and an image's, the rearranged weights and
// output gradients of the input gradient's groups of 8 images), plus the gradient of its input for
// the chunk.
double conv_backward_bytes(const NetLayerReport& r, const NetLayer& L, double chunk) {
  const double ckk = static_cast<double>(r.input.c * L.kernel * L.kernel);
  const double p = static_cast<double>(r.output.h * r.output.w), m = static_cast<double>(L.filters);
  const double packed = std::max((ckk + 16.0) * (p + 16.0), double(1 << 18)) * (1.0 + (m + 16.0) / ckk);
  return 4.0 * (packed + 18.0 * m * ckk + 8.0 * std::ceil(chunk / 8.0) * m * p) +
         4.0 * chunk * static_cast<double>(values_of(r.input)); // the gradient of its input
}
} // namespace

Expected<TrainableNetwork> TrainableNetwork::build(const NetShape& input, const std::vector<NetLayer>& specs,
                                                   const TrainOptions& o) {
  if (o.batch < 1 || o.batch > kMaxTrainBatch) return Error{"batch " + num(o.batch) + " is not 1 to " + num(kMaxTrainBatch)};
  if (!(o.lr > 0.0f) || !std::isfinite(o.lr)) return Error{"the learning rate must be a positive number"};
  if (o.optimizer == OptimizerKind::Adam &&
      !(o.beta1 >= 0.0f && o.beta1 < 1.0f && o.beta2 >= 0.0f && o.beta2 < 1.0f && o.eps >= 0.0f))
    return Error{"Adam needs 0 ≤ beta1, beta2 < 1 and eps ≥ 0"};
  if (o.optimizer == OptimizerKind::Sgd && !(o.momentum >= 0.0f && o.momentum < 1.0f))
    return Error{"the SGD momentum must be in [0, 1)"};
  if (specs.empty()) return Error{"the network has no layers"};
  const NetworkReport rep = analyze_network(input, specs);
  if (!rep.ok()) return Error{rep.error};
  if (rep.any_overflow()) return Error{"the network's sizes overflow 64-bit counts"};
  auto name = [&](size_t i) { return "layer " + num(static_cast<int64_t>(i) + 1) + " (" + layer_text(specs[i]) + ")"; };
  if (rep.parameters.value == 0) return Error{"the network has no conv or dense layer: it has no parameters to train"};
  const NetShape out = rep.output;
  if (!out.flat || out.c != kTrainClasses)
    return Error{name(specs.size() - 1) + ": the network ends in " + net_shape_text(out) + (out.flat ? " values" : "") +
                 "; training needs " + num(kTrainClasses) + " values, one per class (end with flatten, dense" +
                 num(kTrainClasses) + ")"};
  for (size_t i = 0; i < specs.size(); ++i)
    if (specs[i].kind == LayerKind::Activation && specs[i].activation == Activation::LeakyReLU)
      return Error{name(i) + ": leaky ReLU is not trained here (relu, sigmoid or tanh)"};
  auto kernel = GemmKernel::for_isa("");
  if (!kernel) return Error{kernel.error()};

  // Memory: parameters with their gradient and two optimiser buffers; per chunk (a pool with as many
  // threads runs them all at once) a workspace: every layer's output and its gradient, the conv plans,
  // backward buffers and weight gradient, the dense layers' packed rows; the dense weights packed twice
  // and their batch's inputs and output gradients.
  const int64_t chunk = train_chunk_images(o.batch), chunks = (o.batch + chunk - 1) / chunk;
  const double images = static_cast<double>(chunk), spaces = static_cast<double>(chunks);
  double bytes = 16.0 * static_cast<double>(rep.parameters.value) +
                 spaces * 8.0 * images * static_cast<double>(values_of(input));
  for (size_t i = 0; i < specs.size(); ++i) {
    const NetLayerReport& r = rep.layers[i];
    double space = 8.0 * images * static_cast<double>(r.activations.value);
    if (specs[i].kind == LayerKind::Conv) {
      space += static_cast<double>(Conv2dPlan::workspace_bytes_for(conv_plan_spec(r, specs[i]))) +
               conv_backward_bytes(r, specs[i], images) + 4.0 * static_cast<double>(r.parameters.value);
    } else if (specs[i].kind == LayerKind::Dense) {
      const double in = static_cast<double>(r.input.c), units = static_cast<double>(specs[i].units);
      space += 4.0 * static_cast<double>(kernel->packed_a_size(chunk, std::max(r.input.c, specs[i].units)));
      bytes += 4.0 * ((units + 64.0) * in + (in + 64.0) * units) + 4.0 * static_cast<double>(o.batch) * (in + units);
    }
    bytes += spaces * space;
    if (bytes > static_cast<double>(o.memory_limit))
      return Error{name(i) + ": training at batch " + num(o.batch) + " needs about " +
                   format_bytes(static_cast<int64_t>(bytes)) + " up to here, more than the limit of " +
                   format_bytes(o.memory_limit) + " (fewer filters or units, more pooling, or a smaller batch)"};
  }

  TrainableNetwork net;
  net.impl_ = std::make_unique<Impl>();
  Impl& im = *net.impl_;
  im.input = input;
  im.specs = specs;
  im.options = o;
  im.params = rep.parameters.value;
  im.memory = static_cast<int64_t>(bytes);
  im.gemm = *kernel;
  im.chunk_images = chunk;
  im.layers.resize(specs.size());
  TrainRng rng(o.seed);
  int module = 0;
  bool params_before = false;
  for (size_t i = 0; i < specs.size(); ++i) {
    Layer& L = im.layers[i];
    L.spec = specs[i];
    L.rep = rep.layers[i];
    L.need_input_grad = params_before;
    if (L.spec.kind == LayerKind::Conv) {
      // pytorch_code() puts an nn.ZeroPad2d before a conv whose padding differs between the sides.
      const bool same1 = L.spec.padding == Padding::Same && L.spec.stride == 1;
      if (!same1 && (L.rep.pad_top != L.rep.pad_bottom || L.rep.pad_left != L.rep.pad_right)) ++module;
      const int64_t C = L.rep.input.c, K = L.spec.kernel, M = L.spec.filters;
      L.w.value = zeros({M, C, K, K});
      L.b.value = zeros({M});
      init_uniform(L.w.value, C * K * K, rng);
      init_uniform(L.b.value, C * K * K, rng);
      L.conv.stride_h = L.conv.stride_w = L.spec.stride;
      L.conv.padding = Padding::Explicit;
      L.conv.pad_top = L.rep.pad_top; L.conv.pad_bottom = L.rep.pad_bottom;
      L.conv.pad_left = L.rep.pad_left; L.conv.pad_right = L.rep.pad_right;
      L.plan = conv_plan_spec(L.rep, L.spec);
      L.has_params = true;
    } else if (L.spec.kind == LayerKind::Dense) {
      const int64_t IN = L.rep.input.c, OUT = L.spec.units;
      L.w.value = zeros({OUT, IN});
      L.b.value = zeros({OUT});
      init_uniform(L.w.value, IN, rng);
      init_uniform(L.b.value, IN, rng);
      L.has_params = true;
    } else if (L.spec.kind == LayerKind::Pool) {
      Pool2dPlanSpec ps;
      ps.N = 1; ps.C = L.rep.input.c; ps.H = L.rep.input.h; ps.W = L.rep.input.w;
      ps.KH = ps.KW = L.spec.kernel;
      ps.SH = ps.SW = L.spec.stride == 0 ? L.spec.kernel : L.spec.stride;
      ps.op = L.spec.pool;
      L.pool.emplace(ps);
      if (!L.pool->ok()) return Error{name(i) + ": " + L.pool->error()};
    }
    if (L.has_params) {
      for (Param* p : {&L.w, &L.b}) {
        p->grad = zeros(p->value.shape);
        p->m.assign(p->value.data.size(), 0.0f);
        p->v.assign(p->value.data.size(), 0.0f);
        for (int64_t begin = 0; begin < p->value.numel(); begin += kUpdateRange)
          im.ranges.push_back({i, p == &L.b, begin, std::min(p->value.numel(), begin + kUpdateRange)});
      }
      params_before = true;
    }
    L.module = module++;
    if (i > 0 && L.spec.kind == LayerKind::Pool && L.spec.pool == PoolOp::Max &&
        specs[i - 1].kind == LayerKind::Activation && specs[i - 1].activation == Activation::ReLU) {
      L.fused_relu = true;
      im.layers[i - 1].fused_into_next = true;
    }
  }
  if (auto e = im.add_workspace(); !e.empty()) return Error{e}; // the conv plans' errors now, not at the first step
  return net;
}

const NetShape& TrainableNetwork::input_shape() const noexcept { return impl_->input; }
const std::vector<NetLayer>& TrainableNetwork::layers() const noexcept { return impl_->specs; }
const TrainOptions& TrainableNetwork::options() const noexcept { return impl_->options; }
int64_t TrainableNetwork::parameter_count() const noexcept { return impl_ ? impl_->params : 0; }
int64_t TrainableNetwork::input_size() const noexcept { return values_of(impl_->input); }
int64_t TrainableNetwork::memory_bytes() const noexcept { return impl_ ? impl_->memory : 0; }
int64_t TrainableNetwork::steps() const noexcept { return impl_ ? impl_->steps : 0; }
void TrainableNetwork::set_pool(ThreadPool* pool) noexcept { impl_->options.pool = pool; }
void TrainableNetwork::set_learning_rate(float lr) noexcept {
  if (lr > 0.0f && std::isfinite(lr)) impl_->options.lr = lr;
}
void TrainableNetwork::set_profiling(bool on) {
  if (impl_) impl_->profile = on ? std::make_unique<TrainProfile>() : nullptr;
}
TrainProfile TrainableNetwork::profile() const { return impl_ && impl_->profile ? *impl_->profile : TrainProfile{}; }

std::string TrainableNetwork::Impl::add_workspace() {
  Workspace s;
  s.acts.resize(layers.size() + 1);
  s.grads.resize(layers.size());
  s.plans.resize(layers.size());
  const int64_t n = chunk_images;
  s.acts[0].shape = batch_shape(input, n);
  s.acts[0].data.resize(at(n * values_of(input)));
  int64_t packed = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& L = layers[i];
    s.acts[i + 1].shape = batch_shape(L.rep.output, n);
    s.acts[i + 1].data.resize(at(n * values_of(L.rep.output)));
    if (L.need_input_grad) s.grads[i] = zeros(batch_shape(L.rep.input, n));
    if (L.spec.kind == LayerKind::Conv) {
      s.plans[i].emplace(L.plan, L.w.value.data.data(), L.b.value.data.data());
      if (!s.plans[i]->ok()) return "layer " + num(static_cast<int64_t>(i) + 1) + ": " + s.plans[i]->error();
    }
    if (L.spec.kind == LayerKind::Dense)
      packed = std::max(packed, gemm.packed_a_size(n, std::max(L.rep.input.c, L.spec.units)));
  }
  s.version = version;
  s.packed.resize(at(packed));
  spaces.push_back(std::move(s));
  return {};
}

// ---- [SECTION] forward --------------------------------------------------------------------------

namespace {
// y = x > 0 ? x : +0, in place too (y = x): the pseudo-maximum pseudo_max(0, x) (SSE2's max,
// SIMD128's pmax: +0 for a NaN or a zero), where GCC would compile the select to compares and masks.
void relu(const float* x, float* y, int64_t count) {
  int64_t i = 0;
#if defined(__SSE2__) || defined(__wasm_simd128__)
  for (; i + 4 <= count; i += 4) Simd4::store(y + i, Simd4::pseudo_max(Simd4::zero(), Simd4::load(x + i)));
#endif
  for (; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void activation_forward(Activation a, const float* __restrict x, float* __restrict y, int64_t count) {
  switch (a) {
  case Activation::ReLU:
    relu(x, y, count);
    break;
  case Activation::Sigmoid:
    for (int64_t i = 0; i < count; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
    break;
  case Activation::Tanh:
    for (int64_t i = 0; i < count; ++i) y[i] = std::tanh(x[i]);
    break;
  case Activation::LeakyReLU:
    for (int64_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.01f * x[i];
    break;
  }
}

// dL/dx from the activation's output y (as PyTorch's backward formulas: ReLU passes where y > 0).
// (Selects rather than branches, on restrict pointers: the loops vectorise, and a ReLU's random signs
// cost no mispredictions.)
void activation_backward_from_output(Activation a, const float* __restrict y, const float* __restrict gy,
                                     float* __restrict gx, int64_t count) {
  switch (a) {
  case Activation::ReLU: // gy where y > 0, else +0: the bits of gy masked
    for (int64_t i = 0; i < count; ++i)
      gx[i] = __builtin_bit_cast(float, __builtin_bit_cast(uint32_t, gy[i]) & (0u - static_cast<uint32_t>(y[i] > 0.0f)));
    break;
  case Activation::Sigmoid:
    for (int64_t i = 0; i < count; ++i) gx[i] = gy[i] * (1.0f - y[i]) * y[i];
    break;
  case Activation::Tanh:
    for (int64_t i = 0; i < count; ++i) gx[i] = gy[i] * (1.0f - y[i] * y[i]);
    break;
  case Activation::LeakyReLU:
    for (int64_t i = 0; i < count; ++i) gx[i] = y[i] > 0.0f ? gy[i] : 0.01f * gy[i];
    break;
  }
}

// t shaped `shape` with count·per values (its storage kept: a workspace allocates once).
void shape_as(Tensor& t, std::vector<int64_t> shape, int64_t values) {
  t.shape = std::move(shape);
  t.data.resize(at(values));
}
} // namespace

// The dense layers' weights packed as the GEMMs' B operands, once per change of the weights (on the
// calling thread's pool, before the chunks read them).
void TrainableNetwork::Impl::pack_dense() {
  if (packed_version == version) return;
  for (Layer& L : layers) {
    if (L.spec.kind != LayerKind::Dense) continue;
    const int64_t IN = L.rep.input.c, OUT = L.spec.units;
    const float* w = L.w.value.data.data(); // stored OUT × IN
    L.packed_forward.resize(at(gemm.packed_b_size(IN, OUT)));
    gemm.pack_b(w, IN, true, IN, OUT, L.packed_forward.data(), options.pool); // B = wᵀ
    if (L.need_input_grad) {
      L.packed_backward.resize(at(gemm.packed_b_size(OUT, IN)));
      gemm.pack_b(w, IN, false, OUT, IN, L.packed_backward.data(), options.pool); // B = w
    }
  }
  packed_version = version;
}

// The forward pass of `count` images (count ≤ chunk_images) through every layer, on this thread.
std::string TrainableNetwork::Impl::chunk_forward(Workspace& s, const float* images, int64_t count, bool every) {
  const int64_t vin0 = values_of(input);
  shape_as(s.acts[0], batch_shape(input, count), count * vin0);
  std::copy(images, images + count * vin0, s.acts[0].data.begin());
  if (s.version != version) {
    for (size_t i = 0; i < layers.size(); ++i)
      if (s.plans[i]) s.plans[i]->set_weights(layers[i].w.value.data.data(), layers[i].b.value.data.data());
    s.version = version;
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& L = layers[i];
    const float* x = s.acts[i].data.data();
    Tensor& y = s.acts[i + 1];
    const int64_t vin = values_of(L.rep.input), vout = values_of(L.rep.output);
    shape_as(y, batch_shape(L.rep.output, count), count * vout);
    switch (L.spec.kind) {
    case LayerKind::Conv:
      for (int64_t k = 0; k < count; ++k) s.plans[i]->run(x + k * vin, y.data.data() + k * vout, nullptr);
      break;
    case LayerKind::Pool: {
      const float* in = L.fused_relu ? s.acts[i - 1].data.data() : x; // the ReLU's input
      for (int64_t k = 0; k < count; ++k) L.pool->run(in + k * vin, y.data.data() + k * vout, nullptr);
      if (L.fused_relu) relu(y.data.data(), y.data.data(), count * vout);
      break;
    }
    case LayerKind::Activation:
      if (!L.fused_into_next || every) activation_forward(L.spec.activation, x, y.data.data(), count * vout);
      break;
    case LayerKind::Flatten:
      std::copy(x, x + count * vin, y.data.begin());
      break;
    case LayerKind::Dense: { // y (count × OUT) = x (count × IN) · wᵀ + b
      const int64_t IN = vin, OUT = vout;
      gemm.pack_a(x, IN, false, count, IN, s.packed.data(), nullptr);
      gemm.run_tiles(s.packed.data(), L.packed_forward.data(), nullptr, y.data.data(), OUT, count, OUT, IN, nullptr);
      const float* b = L.b.value.data.data();
      float* yp = y.data.data();
      for (int64_t k = 0; k < count; ++k)
        for (int64_t o = 0; o < OUT; ++o) yp[k * OUT + o] += b[o];
      break;
    }
    }
  }
  return {};
}

Expected<double> TrainableNetwork::Impl::pass(const float* images, const uint8_t* labels, int64_t n, bool keep) {
  if (n < 1 || n > options.batch) return Error{"a batch of " + num(n) + " images is not 1 to " + num(options.batch)};
  if (!images) return Error{"no images"};
  const int64_t K = kTrainClasses;
  if (labels)
    for (int64_t k = 0; k < n; ++k)
      if (labels[k] >= K) return Error{"label " + num(labels[k]) + " of image " + num(k) + " is not below " + num(K)};
  ThreadPool* pool = options.pool;
  const int64_t chunks = chunks_of(n);
  const int64_t threads = pool ? static_cast<int64_t>(pool->workers()) + 1 : 1;
  const int64_t items = std::min(threads, chunks);
  while (static_cast<int64_t>(spaces.size()) < items)
    if (auto e = add_workspace(); !e.empty()) return Error{e};
  TrainProfile* prof = labels ? profile.get() : nullptr;
  PhaseClocks lap = prof ? PhaseClocks::now() : PhaseClocks{};
  auto add_lap = [&](TrainPhase TrainProfile::*phase) { // the time since the previous lap to `phase`
    if (!prof) return;
    const PhaseClocks now = PhaseClocks::now();
    add_phase(prof->*phase, lap, now);
    lap = now;
  };
  pack_dense();
  add_lap(&TrainProfile::pack);
  if (labels)
    for (Layer& L : layers)
      if (L.spec.kind == LayerKind::Conv)
        for (Param* p : {&L.w, &L.b})
          while (static_cast<int64_t>(p->chunk.size()) < chunks) p->chunk.push_back(zeros(p->value.shape));
  if (labels)
    for (Layer& L : layers)
      if (L.spec.kind == LayerKind::Dense) {
        shape_as(L.batch_x, {n, L.rep.input.c}, n * L.rep.input.c);
        shape_as(L.batch_gy, {n, L.spec.units}, n * L.spec.units);
      }
  chunk_loss.assign(at(chunks), 0.0);
  chunk_error.resize(at(chunks));
  if (!labels) shape_as(logits, {n, K}, n * K);
  // Each item takes the next chunk until none is left; which thread (and workspace) runs a chunk
  // changes no result.
  std::atomic<int64_t> next{0};
  if (prof) chunk_items.assign(at(items), TrainChunkThread{});
  const double chunks_start = prof ? clock_seconds(CLOCK_MONOTONIC) : 0.0;
  parallel_for(items > 1 ? pool : nullptr, items, [&](int64_t item) {
    Workspace& s = spaces[at(item)];
    const double item_start = prof ? clock_seconds(CLOCK_MONOTONIC) : 0.0;
    const double cpu_start = prof ? thread_cpu_seconds() : 0.0;
    int64_t ran = 0;
    for (int64_t c = next.fetch_add(1, std::memory_order_relaxed); c < chunks; c = next.fetch_add(1, std::memory_order_relaxed)) {
      const int64_t begin = c * chunk_images, count = std::min(chunk_images, n - begin);
      std::string e = chunk_forward(s, images + begin * values_of(input), count, keep && c == 0);
      if (e.empty() && keep && c == 0) {
        maps.assign(layers.size(), Tensor{});
        for (size_t i = 0; i < layers.size(); ++i) {
          const NetShape& os = layers[i].rep.output;
          maps[i].shape = os.flat ? std::vector<int64_t>{os.c} : std::vector<int64_t>{os.c, os.h, os.w};
          const auto& src = s.acts[i + 1].data;
          maps[i].data.assign(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(values_of(os)));
        }
      }
      if (e.empty() && labels) e = chunk_backward(s, labels + begin, count, n, at(c), chunk_loss[at(c)]);
      else if (e.empty())
        std::copy(s.acts.back().data.begin(), s.acts.back().data.begin() + count * K, logits.data.begin() + begin * K);
      chunk_error[at(c)] = std::move(e);
      ++ran;
    }
    if (prof) {
      const double cpu_end = thread_cpu_seconds();
      chunk_items[at(item)] = {item_start - chunks_start, clock_seconds(CLOCK_MONOTONIC) - item_start,
                               add_elapsed(0.0, cpu_start, cpu_end), 0.0, ran};
    }
  });
  if (prof) {
    const double phase = clock_seconds(CLOCK_MONOTONIC) - chunks_start;
    if (prof->threads.size() < chunk_items.size()) prof->threads.resize(chunk_items.size());
    for (size_t i = 0; i < chunk_items.size(); ++i) {
      TrainChunkThread& t = prof->threads[i];
      const TrainChunkThread& c = chunk_items[i];
      t.start_s += c.start_s;
      t.busy_s += c.busy_s;
      t.cpu_s = add_elapsed(t.cpu_s, 0.0, c.cpu_s);
      t.wait_s += phase - c.start_s - c.busy_s;
      t.chunks += c.chunks;
    }
  }
  add_lap(&TrainProfile::chunks);
  for (int64_t c = 0; c < chunks; ++c)
    if (!chunk_error[at(c)].empty()) return Error{chunk_error[at(c)]};
  if (!labels) return 0.0;
  double total = 0.0;
  for (int64_t c = 0; c < chunks; ++c) total += chunk_loss[at(c)];
  const double loss = total / static_cast<double>(n);
  if (!std::isfinite(loss)) return Error{"the loss is not finite (" + std::to_string(loss) + "): lower the learning rate"};
  // The dense layers' gradients over the batch: grad_w = gyᵀ·x (GEMM tiles on the pool), grad_b = Σ gy.
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& L = layers[i];
    if (L.spec.kind != LayerKind::Dense) continue;
    const int64_t IN = L.rep.input.c, OUT = L.spec.units;
    const float* gy = L.batch_gy.data.data();
    if (auto e = convplay::gemm({OUT, IN, n, true, false, GemmBias::None, ""}, gy, OUT, L.batch_x.data.data(), IN,
                                nullptr, L.w.grad.data.data(), IN, pool);
        !e.empty())
      return Error{"layer " + num(static_cast<int64_t>(i) + 1) + " backward: " + e};
    // grad_b[o] = Σ_k gy[k][o] in double, k in order, a row at a time (the loop over o vectorises).
    bias_sums.assign(at(OUT), 0.0);
    double* acc = bias_sums.data();
    for (int64_t k = 0; k < n; ++k) {
      const float* __restrict row = gy + k * OUT;
      for (int64_t o = 0; o < OUT; ++o) acc[o] += static_cast<double>(row[o]);
    }
    float* gb = L.b.grad.data.data();
    for (int64_t o = 0; o < OUT; ++o) gb[o] = static_cast<float>(acc[o]);
  }
  add_lap(&TrainProfile::dense_grad);
  return loss;
}

Expected<Tensor> TrainableNetwork::forward(const float* images, int64_t n) {
  if (!impl_) return Error{"the network is empty"};
  auto r = impl_->pass(images, nullptr, n, true);
  if (!r) return Error{r.error()};
  return impl_->logits;
}

Expected<Tensor> TrainableNetwork::predict(const float* images, int64_t n) {
  auto logits = forward(images, n);
  if (!logits) return logits;
  return softmax(*logits);
}

// ---- [SECTION] loss and backward ----------------------------------------------------------------

namespace {
// dL/dx of max pooling or average pooling for one image's planes. Max: the gradient goes to the first
// tap (row-major) equal to the window's output y, i.e. PyTorch's first maximum (a NaN window, whose
// output equals no tap, passes none: the loss is not finite then anyway). Average: 1/K² to each tap.
// Branch-free selects: the taps' order is random, branches would mispredict.
// relu: x is a ReLU's input, y = relu(max) and the gradient goes on through the ReLU (layer
// fused_relu): a tap passes only where it is the maximum and y > 0 — the bits of the two passes in
// turn (where y > 0 the first tap equal to it is the same before and after the ReLU; elsewhere none
// passes).
void pool_backward_image(const Layer& L, const float* __restrict x, const float* __restrict y,
                         const float* __restrict gy, float* __restrict gx) {
  const int64_t C = L.rep.input.c, H = L.rep.input.h, W = L.rep.input.w;
  const int64_t OH = L.rep.output.h, OW = L.rep.output.w, K = L.spec.kernel;
  const int64_t S = L.spec.stride == 0 ? K : L.spec.stride;
  const float inv = 1.0f / static_cast<float>(K * K);
  const bool max = L.spec.pool == PoolOp::Max, relu = L.fused_relu;
  // Windows 2×2 at stride 2 (LeNet's) tile the input: each tap is written once, no clearing first
  // (but for a last odd row or column, which no window covers).
  const bool tiles2 = max && K == 2 && S == 2;
  if (!tiles2 || H != 2 * OH || W != 2 * OW) std::fill(gx, gx + C * H * W, 0.0f);
  for (int64_t c = 0; c < C; ++c) {
    const float* xp = x + c * H * W;
    float* gp = gx + c * H * W;
    const float* g = gy + c * OH * OW;
    const float* yp = y + c * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      if (tiles2) {
        const float* r0 = xp + 2 * oh * W;
        const float* r1 = r0 + W;
        float* g0 = gp + 2 * oh * W;
        float* g1 = g0 + W;
        int64_t ow = 0;
#if defined(__clang__) || __GNUC__ >= 12 // __builtin_shufflevector
        // Four windows at a time with the compilers' generic vectors (SSE2 or SIMD128): the taps
        // deinterleaved, the same selects as below on masks, the results interleaved back.
        using F4 = float __attribute__((vector_size(16)));
        using I4 = int32_t __attribute__((vector_size(16)));
        auto load = [](const float* p) { F4 v; std::memcpy(&v, p, sizeof v); return v; };
        auto store = [](float* p, I4 v) { std::memcpy(p, &v, sizeof v); };
        // A row's last windows that do not fill a vector are the last four windows again (each tap
        // is written, not added: the overlap writes the same values twice).
        const auto four = [&](int64_t w0) {
          const F4 a = load(r0 + 2 * w0), b = load(r0 + 2 * w0 + 4), c0 = load(r1 + 2 * w0), c1 = load(r1 + 2 * w0 + 4);
          const F4 out = load(yp + oh * OW + w0);
          I4 go;
          const F4 gof = load(g + oh * OW + w0);
          std::memcpy(&go, &gof, sizeof go);
          const F4 t0 = __builtin_shufflevector(a, b, 0, 2, 4, 6), t1 = __builtin_shufflevector(a, b, 1, 3, 5, 7);
          const F4 t2 = __builtin_shufflevector(c0, c1, 0, 2, 4, 6), t3 = __builtin_shufflevector(c0, c1, 1, 3, 5, 7);
          const I4 pass = relu ? I4(out > 0.0f) : I4{-1, -1, -1, -1};
          const I4 h0 = t0 == out, h1 = ~h0 & (t1 == out), h2 = ~(h0 | h1) & (t2 == out),
                   h3 = ~(h0 | h1 | h2) & (t3 == out);
          const I4 v0 = go & h0 & pass, v1 = go & h1 & pass, v2 = go & h2 & pass, v3 = go & h3 & pass;
          store(g0 + 2 * w0, __builtin_shufflevector(v0, v1, 0, 4, 1, 5));
          store(g0 + 2 * w0 + 4, __builtin_shufflevector(v0, v1, 2, 6, 3, 7));
          store(g1 + 2 * w0, __builtin_shufflevector(v2, v3, 0, 4, 1, 5));
          store(g1 + 2 * w0 + 4, __builtin_shufflevector(v2, v3, 2, 6, 3, 7));
        };
        for (; ow + 4 <= OW; ow += 4) four(ow);
        if (ow < OW && OW >= 4) {
          four(OW - 4);
          ow = OW;
        }
#endif
        for (; ow < OW; ++ow) {
          const float out = yp[oh * OW + ow], go = relu && !(out > 0.0f) ? 0.0f : g[oh * OW + ow];
          const bool h0 = r0[2 * ow] == out, h1 = !h0 && r0[2 * ow + 1] == out;
          const bool h2 = !h0 && !h1 && r1[2 * ow] == out, h3 = !h0 && !h1 && !h2 && r1[2 * ow + 1] == out;
          g0[2 * ow] = h0 ? go : 0.0f;
          g0[2 * ow + 1] = h1 ? go : 0.0f;
          g1[2 * ow] = h2 ? go : 0.0f;
          g1[2 * ow + 1] = h3 ? go : 0.0f;
        }
        continue;
      }
      for (int64_t ow = 0; ow < OW; ++ow) {
        const float out = yp[oh * OW + ow], go = relu && !(out > 0.0f) ? 0.0f : g[oh * OW + ow];
        const int64_t base = oh * S * W + ow * S;
        if (max) {
          bool found = false;
          for (int64_t kh = 0; kh < K; ++kh)
            for (int64_t kw = 0; kw < K; ++kw) {
              const int64_t idx = base + kh * W + kw;
              const bool hit = !found && xp[idx] == out;
              gp[idx] += hit ? go : 0.0f;
              found = found || hit;
            }
        } else {
          const float share = go * inv;
          for (int64_t kh = 0; kh < K; ++kh)
            for (int64_t kw = 0; kw < K; ++kw) gp[base + kh * W + kw] += share;
        }
      }
    }
  }
}
} // namespace


// The loss of `count` images (Σ, into loss) and the backward pass of the chunk through every layer, on
// this thread: the parameters' gradients into Param::chunk[chunk], each image's loss gradient divided
// by n, the images of the whole batch.
std::string TrainableNetwork::Impl::chunk_backward(Workspace& s, const uint8_t* labels, int64_t count, int64_t n,
                                                   size_t chunk, double& loss) {
  const Tensor& logits_ = s.acts.back();
  const int64_t K = kTrainClasses;
  Tensor* g = &s.logits_grad; // dL/d(the output of layer i) below
  shape_as(*g, {count, K}, count * K);
  double total = 0.0;
  for (int64_t k = 0; k < count; ++k) {
    const float* z = logits_.data.data() + k * K;
    float mx = z[0];
    for (int64_t j = 1; j < K; ++j) mx = std::max(mx, z[j]);
    double sum = 0.0;
    for (int64_t j = 0; j < K; ++j) sum += std::exp(static_cast<double>(z[j]) - mx);
    const double lse = static_cast<double>(mx) + std::log(sum);
    total += lse - static_cast<double>(z[labels[k]]);
    for (int64_t j = 0; j < K; ++j) {
      const double p = std::exp(static_cast<double>(z[j]) - lse);
      (*g)[k * K + j] = static_cast<float>((p - (j == labels[k] ? 1.0 : 0.0)) / static_cast<double>(n));
    }
  }
  loss = total;

  for (size_t i = layers.size(); i-- > 0;) {
    Layer& L = layers[i];
    const Tensor& x = s.acts[i];
    Tensor& gx = s.grads[i];
    const int64_t vin = values_of(L.rep.input), vout = values_of(L.rep.output);
    std::string e;
    switch (L.spec.kind) {
    case LayerKind::Dense: { // grad_x = gy·w; x and gy kept for the batch's weight gradient
      const int64_t IN = vin, OUT = vout, row = static_cast<int64_t>(chunk) * chunk_images;
      const float* gy = g->data.data();
      std::copy(x.data.begin(), x.data.begin() + count * IN, L.batch_x.data.begin() + row * IN);
      std::copy(gy, gy + count * OUT, L.batch_gy.data.begin() + row * OUT);
      if (L.need_input_grad) {
        shape_as(gx, x.shape, count * IN);
        gemm.pack_a(gy, OUT, false, count, OUT, s.packed.data(), nullptr);
        gemm.run_tiles(s.packed.data(), L.packed_backward.data(), nullptr, gx.data.data(), IN, count, IN, OUT, nullptr);
      }
      break;
    }
    case LayerKind::Conv: {
      ConvGradients r{std::move(gx), std::move(L.w.chunk[chunk]), std::move(L.b.chunk[chunk])};
      e = conv2d_backward_fast_into(x, L.w.value, true, *g, L.conv, r, TrainOpsOptions{nullptr, "", L.need_input_grad, true});
      gx = std::move(r.input);
      L.w.chunk[chunk] = std::move(r.weight);
      L.b.chunk[chunk] = std::move(r.bias);
      break;
    }
    case LayerKind::Pool: {
      if (!L.need_input_grad) break;
      shape_as(gx, x.shape, count * vin);
      const float* in = L.fused_relu ? s.acts[i - 1].data.data() : x.data.data(); // what the forward pass read
      for (int64_t k = 0; k < count; ++k)
        pool_backward_image(L, in + k * vin, s.acts[i + 1].data.data() + k * vout, g->data.data() + k * vout,
                            gx.data.data() + k * vin);
      break;
    }
    case LayerKind::Activation: {
      if (!L.need_input_grad) break;
      if (L.fused_into_next) { // the pool after it applied this ReLU: the storages trade places
        gx.shape = x.shape;
        gx.data.swap(g->data);
        break;
      }
      shape_as(gx, x.shape, count * vin);
      activation_backward_from_output(L.spec.activation, s.acts[i + 1].data.data(), g->data.data(), gx.data.data(),
                                      count * vout);
      break;
    }
    case LayerKind::Flatten: // the same values in the input's shape: the storages trade places
      gx.shape = x.shape;
      gx.data.swap(g->data);
      break;
    }
    if (!e.empty()) return "layer " + num(static_cast<int64_t>(i) + 1) + " backward: " + e;
    if (!L.need_input_grad) break;
    g = &gx;
  }
  return {};
}

// ---- [SECTION] optimisers -----------------------------------------------------------------------

namespace {
// dst[i] += from[i] (never overlapping: the loop vectorises without an overlap check).
inline void add_into(float* __restrict dst, const float* __restrict from, int64_t count) {
  for (int64_t i = 0; i < count; ++i) dst[i] += from[i];
}

// torch.optim.Adam's update of `count` values, each with the same float operations in the same order
// (multiply, then add: no fused multiply-add in these builds), four at a time where the target has a
// vector square root (the compilers do not vectorise std::sqrt, which may set errno).
struct AdamScalars {
  float b1, b2, one_minus_b1, one_minus_b2, bc2_sqrt, eps, step_size;
};
inline float adam_value(const AdamScalars& k, float& w, float& m, float& v, float g) {
  m = m * k.b1 + k.one_minus_b1 * g;
  v = v * k.b2 + k.one_minus_b2 * g * g;
  const float denom = std::sqrt(v) / k.bc2_sqrt + k.eps;
  return w + k.step_size * (m / denom);
}
void adam_update(const AdamScalars& k, float* __restrict w, float* __restrict m, float* __restrict v,
                 const float* __restrict g, int64_t count) {
  int64_t i = 0;
#if defined(__SSE2__) || defined(__wasm_simd128__)
  using F4 = float __attribute__((vector_size(16)));
  auto load = [](const float* p) { F4 x; std::memcpy(&x, p, sizeof x); return x; };
  auto store = [](float* p, F4 x) { std::memcpy(p, &x, sizeof x); };
  auto sqrt4 = [](F4 x) { return reinterpret_cast<F4>(Simd4::sqrt(reinterpret_cast<Simd4::V>(x))); };
  for (; i + 4 <= count; i += 4) {
    const F4 gv = load(g + i);
    const F4 mv = load(m + i) * k.b1 + k.one_minus_b1 * gv;
    const F4 vv = load(v + i) * k.b2 + k.one_minus_b2 * gv * gv;
    const F4 denom = sqrt4(vv) / k.bc2_sqrt + k.eps;
    store(m + i, mv);
    store(v + i, vv);
    store(w + i, load(w + i) + k.step_size * (mv / denom));
  }
#endif
  for (; i < count; ++i) w[i] = adam_value(k, w[i], m[i], v[i], g[i]);
}
} // namespace

void TrainableNetwork::Impl::reduce(int64_t chunks, bool update) {
  const PhaseClocks start = profile ? PhaseClocks::now() : PhaseClocks{};
  if (update) ++steps;
  const TrainOptions& o = options;
  // torch.optim.Adam (single-tensor path) and torch.optim.SGD, with their scalars rounded as PyTorch
  // rounds them: Python computes in double, the tensor kernels take float.
  const double t = static_cast<double>(steps);
  const float b1 = o.beta1, b2 = o.beta2;
  const float one_minus_b1 = static_cast<float>(1.0 - static_cast<double>(b1));
  const float one_minus_b2 = static_cast<float>(1.0 - static_cast<double>(b2));
  const double bc1 = 1.0 - std::pow(static_cast<double>(b1), t);
  const double bc2 = 1.0 - std::pow(static_cast<double>(b2), t);
  const float step_size = static_cast<float>(-(static_cast<double>(o.lr) / bc1));
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float neg_lr = -o.lr;
  const bool first = steps == 1;
  const AdamScalars adam{b1, b2, one_minus_b1, one_minus_b2, bc2_sqrt, o.eps, step_size};
  // Each range: the chunks' gradients added in chunk order (the same sums for any split), then the
  // update of the same values while they are in cache.
  parallel_for(options.pool, static_cast<int64_t>(ranges.size()), [&](int64_t r) {
    const UpdateRange& u = ranges[at(r)];
    Param& p = u.bias ? layers[u.layer].b : layers[u.layer].w;
    const int64_t count = u.end - u.begin;
    float* g = p.grad.data.data() + u.begin;
    if (layers[u.layer].spec.kind == LayerKind::Conv) { // dense layers': pass() computed them
      const float* c0 = p.chunk[0].data.data() + u.begin;
      std::copy(c0, c0 + count, g);
      for (int64_t c = 1; c < chunks; ++c) add_into(g, p.chunk[at(c)].data.data() + u.begin, count);
    }
    if (!update) return;
    float* w = p.value.data.data() + u.begin;
    float* m = p.m.data() + u.begin;
    float* v = p.v.data() + u.begin;
    if (o.optimizer == OptimizerKind::Adam) {
      adam_update(adam, w, m, v, g, count);
    } else if (o.momentum != 0.0f) {
      for (int64_t i = 0; i < count; ++i) {
        m[i] = first ? g[i] : m[i] * o.momentum + g[i];
        w[i] = w[i] + neg_lr * m[i];
      }
    } else {
      for (int64_t i = 0; i < count; ++i) w[i] = w[i] + neg_lr * g[i];
    }
  });
  if (update) ++version;
  if (profile) add_phase(profile->reduce, start, PhaseClocks::now());
}

Expected<double> TrainableNetwork::Impl::step(const float* images, const uint8_t* labels, int64_t n, bool update) {
  const PhaseClocks start = profile ? PhaseClocks::now() : PhaseClocks{};
  auto loss = pass(images, labels, n, false);
  if (!loss) return loss;
  reduce(chunks_of(n), update);
  if (profile) {
    ++profile->steps;
    add_phase(profile->step, start, PhaseClocks::now());
  }
  return loss;
}

Expected<double> TrainableNetwork::train_step(const float* images, const uint8_t* labels, int64_t n) {
  if (!impl_) return Error{"the network is empty"};
  if (!labels) return Error{"no labels"};
  return impl_->step(images, labels, n, true);
}

Expected<double> TrainableNetwork::compute_gradients(const float* images, const uint8_t* labels, int64_t n) {
  if (!impl_) return Error{"the network is empty"};
  if (!labels) return Error{"no labels"};
  return impl_->step(images, labels, n, false);
}

namespace {
// The weights (values) or their gradients under the state_dict names.
std::vector<NamedTensor> named(const std::vector<Layer>& layers, Tensor Param::*which) {
  std::vector<NamedTensor> out;
  for (const Layer& L : layers) {
    if (!L.has_params) continue;
    out.push_back({num(L.module) + ".weight", L.w.*which});
    out.push_back({num(L.module) + ".bias", L.b.*which});
  }
  return out;
}
} // namespace

std::vector<NamedTensor> TrainableNetwork::gradients() const {
  return impl_ ? named(impl_->layers, &Param::grad) : std::vector<NamedTensor>{};
}

// ---- [SECTION] evaluation, feature maps, state_dict ---------------------------------------------

std::string TrainableNetwork::evaluate(const Dataset& data, int64_t begin, int64_t end, Evaluation& into, int64_t dy,
                                       int64_t dx) {
  if (!impl_) return "the network is empty";
  const NetShape& in = impl_->input;
  if (in.flat || in.c != 1 || in.h != data.rows() || in.w != data.cols())
    return "the network takes " + net_shape_text(in) + " inputs, the dataset has " + num(data.rows()) + "×" +
           num(data.cols()) + "×1 images";
  if (data.classes() != kTrainClasses) return "the dataset has " + num(data.classes()) + " classes, not " + num(kTrainClasses);
  const int64_t K = kTrainClasses;
  if (into.confusion.size() != at(K * K)) into.confusion.assign(at(K * K), 0);
  begin = std::clamp<int64_t>(begin, 0, data.size());
  end = std::clamp<int64_t>(end, begin, data.size());
  const int64_t B = impl_->options.batch, P = values_of(in);
  std::vector<float> buf(at(std::min(B, std::max<int64_t>(end - begin, 1)) * P));
  for (int64_t i = begin; i < end; i += B) {
    const int64_t n = std::min(B, end - i);
    data.inputs_range(i, n, buf.data(), dy, dx);
    auto r = impl_->pass(buf.data(), nullptr, n, false);
    if (!r) return r.error();
    const Tensor& logits = impl_->logits;
    for (int64_t k = 0; k < n; ++k) {
      const float* z = logits.data.data() + k * K;
      int64_t best = 0;
      for (int64_t j = 1; j < K; ++j)
        if (z[j] > z[best]) best = j;
      const int64_t truth = data.label(i + k);
      into.correct += best == truth;
      ++into.total;
      ++into.confusion[at(truth * K + best)];
      into.predicted.push_back(static_cast<uint8_t>(best));
    }
  }
  return {};
}

std::vector<Tensor> TrainableNetwork::feature_maps() const { return impl_ ? impl_->maps : std::vector<Tensor>{}; }

Tensor TrainableNetwork::first_conv_weights() const {
  if (impl_)
    for (const Layer& L : impl_->layers)
      if (L.spec.kind == LayerKind::Conv) return L.w.value;
  return {};
}

std::vector<NamedTensor> TrainableNetwork::state_dict() const {
  return impl_ ? named(impl_->layers, &Param::value) : std::vector<NamedTensor>{};
}

std::string TrainableNetwork::load_state_dict(const std::vector<NamedTensor>& tensors) {
  if (!impl_) return "the network is empty";
  std::vector<const Tensor*> found;
  std::vector<Param*> targets;
  for (Layer& L : impl_->layers) {
    if (!L.has_params) continue;
    for (auto [p, suffix] : {std::pair{&L.w, ".weight"}, std::pair{&L.b, ".bias"}}) {
      const std::string key = num(L.module) + suffix;
      const Tensor* t = nullptr;
      for (const auto& nt : tensors)
        if (nt.name == key) {
          if (t) return "tensor " + key + " is given twice";
          t = &nt.tensor;
        }
      if (!t) return "tensor " + key + " is missing";
      if (t->shape != p->value.shape)
        return "tensor " + key + " has shape " + shape_string(t->shape) + ", the network needs " + shape_string(p->value.shape);
      if (t->numel() != p->value.numel()) return "tensor " + key + " has the wrong number of values";
      for (float f : t->data)
        if (!std::isfinite(f)) return "tensor " + key + " has a value that is not finite";
      found.push_back(t);
      targets.push_back(p);
    }
  }
  if (tensors.size() != found.size())
    for (const auto& nt : tensors)
      if (std::none_of(found.begin(), found.end(), [&](const Tensor* t) { return t == &nt.tensor; }))
        return "tensor " + nt.name + " is not in this network (" + num(static_cast<int64_t>(found.size())) + " tensors)";
  for (size_t i = 0; i < found.size(); ++i) {
    targets[i]->value.data = found[i]->data;
    std::fill(targets[i]->m.begin(), targets[i]->m.end(), 0.0f);
    std::fill(targets[i]->v.begin(), targets[i]->v.end(), 0.0f);
  }
  impl_->steps = 0;
  ++impl_->version;
  return {};
}

} // namespace convplay
