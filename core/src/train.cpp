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
#include <convplay/pool2d_plan.h>
#include <convplay/train_ops.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }
inline size_t at(int64_t i) { return static_cast<size_t>(i); }
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
  Tensor value, grad;
  std::vector<float> m, v; // Adam's moments; SGD's momentum buffer in m
};

struct Layer {
  NetLayer spec;
  NetLayerReport rep;
  int module = -1;      // index in the equivalent nn.Sequential
  bool has_params = false;
  bool need_input_grad = false; // some earlier layer has parameters
  Param w, b;
  Conv2dParams conv;    // conv: stride and the resolved padding
  std::optional<Conv2dPlan> plan;
  int64_t plan_n = 0;
  uint64_t plan_version = ~uint64_t{0};
  std::optional<Pool2dPlan> pool;
  int64_t pool_n = 0;
  Tensor input_grad;    // dL/d(its input) of the latest backward pass (storage reused between steps)
  // A max pool after a ReLU: the pool's backward pass applies the ReLU's too (fused_relu), the ReLU's
  // own passes the gradient on unchanged (fused_into_next).
  bool fused_relu = false, fused_into_next = false;
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
  std::vector<Tensor> acts;  // acts[0] the input batch, acts[i + 1] the output of layer i
  std::vector<Tensor> maps;  // feature maps of the latest forward()
  Tensor logits_grad;        // dL/d(logits) of the latest backward pass
  int64_t params = 0, memory = 0, steps = 0;
  uint64_t version = 0;      // bumped when the weights change (conv plans re-pack them)

  Expected<Tensor*> run_forward(const float* images, int64_t n);
  std::string backward(const uint8_t* labels, int64_t n, double& loss);
  void optimizer_step();
  void keep_maps();
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

// Bytes a conv layer's backward pass holds at most (conv2d_backward_fast: per weight-gradient chunk,
// up to 16, the packed im2col matrices and output gradients of one GEMM's images (one image, or as
// many as fill 2^18 floats of im2col) and a gradient image, plus the input gradient's columns per image).
double conv_backward_bytes(const NetLayerReport& r, const NetLayer& L, double batch) {
  const double ckk = static_cast<double>(r.input.c * L.kernel * L.kernel);
  const double p = static_cast<double>(r.output.h * r.output.w), m = static_cast<double>(L.filters);
  const double packed = std::max((ckk + 16.0) * (p + 16.0), double(1 << 18)) * (1.0 + (m + 16.0) / ckk);
  return 4.0 * (18.0 * (packed + m * ckk) + 2.0 * ckk * p) +
         4.0 * batch * static_cast<double>(values_of(r.input)); // the gradient of its input
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

  // Memory: parameters with gradient and two optimiser buffers; every layer's output and its gradient
  // for a batch; the conv workspaces.
  const double B = static_cast<double>(o.batch);
  double bytes = 16.0 * static_cast<double>(rep.parameters.value) + 8.0 * B * static_cast<double>(values_of(input));
  for (size_t i = 0; i < specs.size(); ++i) {
    const NetLayerReport& r = rep.layers[i];
    bytes += 8.0 * B * static_cast<double>(r.activations.value);
    if (specs[i].kind == LayerKind::Conv) {
      Conv2dPlanSpec ps;
      ps.N = o.batch; ps.C = r.input.c; ps.H = r.input.h; ps.W = r.input.w;
      ps.M = specs[i].filters; ps.KH = ps.KW = specs[i].kernel;
      ps.pad_top = r.pad_top; ps.pad_bottom = r.pad_bottom; ps.pad_left = r.pad_left; ps.pad_right = r.pad_right;
      ps.SH = ps.SW = specs[i].stride;
      bytes += static_cast<double>(Conv2dPlan::workspace_bytes_for(ps)) + conv_backward_bytes(r, specs[i], B);
    }
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
  im.layers.resize(specs.size());
  im.acts.resize(specs.size() + 1);
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
      L.has_params = true;
    } else if (L.spec.kind == LayerKind::Dense) {
      const int64_t IN = L.rep.input.c, OUT = L.spec.units;
      L.w.value = zeros({OUT, IN});
      L.b.value = zeros({OUT});
      init_uniform(L.w.value, IN, rng);
      init_uniform(L.b.value, IN, rng);
      L.has_params = true;
    }
    if (L.has_params) {
      for (Param* p : {&L.w, &L.b}) {
        p->m.assign(p->value.data.size(), 0.0f);
        p->v.assign(p->value.data.size(), 0.0f);
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

// ---- [SECTION] forward --------------------------------------------------------------------------

namespace {
// Images in parallel when the layer is large enough to pay for the pool (each image's values are its own).
template <class F> void per_image(ThreadPool* pool, int64_t n, int64_t values, F&& f) {
  parallel_for(n * values >= (int64_t{1} << 16) ? pool : nullptr, n, f);
}

void activation_forward(Activation a, const float* __restrict x, float* __restrict y, int64_t count) {
  switch (a) {
  case Activation::ReLU:
    for (int64_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
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
} // namespace

Expected<Tensor*> TrainableNetwork::Impl::run_forward(const float* images, int64_t n) {
  if (n < 1 || n > options.batch) return Error{"a batch of " + num(n) + " images is not 1 to " + num(options.batch)};
  if (!images) return Error{"no images"};
  ThreadPool* pool = options.pool;
  Tensor& x0 = acts[0];
  x0.shape = batch_shape(input, n);
  x0.data.assign(images, images + n * values_of(input));
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& L = layers[i];
    const Tensor& x = acts[i];
    Tensor& y = acts[i + 1];
    const NetShape& os = L.rep.output;
    switch (L.spec.kind) {
    case LayerKind::Conv: {
      if (L.plan_n == n && L.plan_version != version) {
        L.plan->set_weights(L.w.value.data.data(), L.b.value.data.data());
        L.plan_version = version;
      }
      if (L.plan_n != n) {
        Conv2dPlanSpec ps;
        ps.N = n; ps.C = L.rep.input.c; ps.H = L.rep.input.h; ps.W = L.rep.input.w;
        ps.M = L.spec.filters; ps.KH = ps.KW = L.spec.kernel;
        ps.pad_top = L.rep.pad_top; ps.pad_bottom = L.rep.pad_bottom;
        ps.pad_left = L.rep.pad_left; ps.pad_right = L.rep.pad_right;
        ps.SH = ps.SW = L.spec.stride;
        L.plan.emplace(ps, L.w.value.data.data(), L.b.value.data.data());
        if (!L.plan->ok()) return Error{"layer " + num(static_cast<int64_t>(i) + 1) + ": " + L.plan->error()};
        L.plan_n = n;
        L.plan_version = version;
      }
      y.shape = batch_shape(os, n);
      y.data.resize(at(n * values_of(os)));
      L.plan->run(x.data.data(), y.data.data(), pool);
      break;
    }
    case LayerKind::Pool: {
      if (L.pool_n != n) {
        Pool2dPlanSpec ps;
        ps.N = n; ps.C = L.rep.input.c; ps.H = L.rep.input.h; ps.W = L.rep.input.w;
        ps.KH = ps.KW = L.spec.kernel;
        ps.SH = ps.SW = L.spec.stride == 0 ? L.spec.kernel : L.spec.stride;
        ps.op = L.spec.pool;
        L.pool.emplace(ps);
        if (!L.pool->ok()) return Error{"layer " + num(static_cast<int64_t>(i) + 1) + ": " + L.pool->error()};
        L.pool_n = n;
      }
      y.shape = batch_shape(os, n);
      y.data.resize(at(n * values_of(os)));
      L.pool->run(x.data.data(), y.data.data(), pool);
      break;
    }
    case LayerKind::Activation: {
      y.shape = x.shape;
      y.data.resize(x.data.size());
      const int64_t v = values_of(os);
      per_image(pool, n, v, [&](int64_t k) {
        activation_forward(L.spec.activation, x.data.data() + k * v, y.data.data() + k * v, v);
      });
      break;
    }
    case LayerKind::Flatten:
      y.shape = batch_shape(os, n);
      y.data.assign(x.data.begin(), x.data.end());
      break;
    case LayerKind::Dense:
      if (auto e = dense_fast_into(x, L.w.value, &L.b.value, y, TrainOpsOptions{pool, "", true}); !e.empty())
        return Error{"layer " + num(static_cast<int64_t>(i) + 1) + ": " + e};
      break;
    }
  }
  return &acts.back();
}

void TrainableNetwork::Impl::keep_maps() {
  maps.assign(layers.size(), Tensor{});
  for (size_t i = 0; i < layers.size(); ++i) {
    const NetShape& s = layers[i].rep.output;
    Tensor& t = maps[i];
    t.shape = s.flat ? std::vector<int64_t>{s.c} : std::vector<int64_t>{s.c, s.h, s.w};
    const auto& src = acts[i + 1].data;
    t.data.assign(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(values_of(s)));
  }
}

Expected<Tensor> TrainableNetwork::forward(const float* images, int64_t n) {
  if (!impl_) return Error{"the network is empty"};
  auto r = impl_->run_forward(images, n);
  if (!r) return Error{r.error()};
  impl_->keep_maps();
  return **r;
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
// relu: the pool's input is a ReLU's output and the gradient goes on through the ReLU (layer
// fused_relu): a tap passes only where it, the maximum, is > 0 — the bits of the two passes in turn.
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
        for (; ow + 4 <= OW; ow += 4) {
          const F4 a = load(r0 + 2 * ow), b = load(r0 + 2 * ow + 4), c0 = load(r1 + 2 * ow), c1 = load(r1 + 2 * ow + 4);
          const F4 out = load(yp + oh * OW + ow);
          I4 go;
          const F4 gof = load(g + oh * OW + ow);
          std::memcpy(&go, &gof, sizeof go);
          const F4 t0 = __builtin_shufflevector(a, b, 0, 2, 4, 6), t1 = __builtin_shufflevector(a, b, 1, 3, 5, 7);
          const F4 t2 = __builtin_shufflevector(c0, c1, 0, 2, 4, 6), t3 = __builtin_shufflevector(c0, c1, 1, 3, 5, 7);
          const I4 pass = relu ? I4(out > 0.0f) : I4{-1, -1, -1, -1};
          const I4 h0 = t0 == out, h1 = ~h0 & (t1 == out), h2 = ~(h0 | h1) & (t2 == out),
                   h3 = ~(h0 | h1 | h2) & (t3 == out);
          const I4 v0 = go & h0 & pass, v1 = go & h1 & pass, v2 = go & h2 & pass, v3 = go & h3 & pass;
          store(g0 + 2 * ow, __builtin_shufflevector(v0, v1, 0, 4, 1, 5));
          store(g0 + 2 * ow + 4, __builtin_shufflevector(v0, v1, 2, 6, 3, 7));
          store(g1 + 2 * ow, __builtin_shufflevector(v2, v3, 0, 4, 1, 5));
          store(g1 + 2 * ow + 4, __builtin_shufflevector(v2, v3, 2, 6, 3, 7));
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

std::string TrainableNetwork::Impl::backward(const uint8_t* labels, int64_t n, double& loss) {
  ThreadPool* pool = options.pool;
  const Tensor& logits = acts.back();
  const int64_t K = kTrainClasses;
  Tensor* g = &logits_grad; // dL/d(the output of layer i) below
  g->shape = {n, K};
  g->data.resize(at(n * K));
  double total = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    if (labels[k] >= K) return "label " + num(labels[k]) + " of image " + num(k) + " is not below " + num(K);
    const float* z = logits.data.data() + k * K;
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
  loss = total / static_cast<double>(n);
  if (!std::isfinite(loss)) return "the loss is not finite (" + std::to_string(loss) + "): lower the learning rate";

  for (size_t i = layers.size(); i-- > 0;) {
    Layer& L = layers[i];
    const Tensor& x = acts[i];
    Tensor& gx = L.input_grad;
    const TrainOpsOptions ops{pool, "", L.need_input_grad};
    std::string e;
    switch (L.spec.kind) {
    case LayerKind::Dense: {
      DenseGradients r{std::move(gx), std::move(L.w.grad), std::move(L.b.grad)};
      e = dense_backward_fast_into(x, L.w.value, true, *g, r, ops);
      gx = std::move(r.input);
      L.w.grad = std::move(r.weight);
      L.b.grad = std::move(r.bias);
      break;
    }
    case LayerKind::Conv: {
      ConvGradients r{std::move(gx), std::move(L.w.grad), std::move(L.b.grad)};
      e = conv2d_backward_fast_into(x, L.w.value, true, *g, L.conv, r, ops);
      gx = std::move(r.input);
      L.w.grad = std::move(r.weight);
      L.b.grad = std::move(r.bias);
      break;
    }
    case LayerKind::Pool: {
      if (!L.need_input_grad) break;
      gx.shape = x.shape;
      gx.data.resize(x.data.size());
      const int64_t vin = values_of(L.rep.input), vout = values_of(L.rep.output);
      per_image(pool, n, vin, [&](int64_t k) {
        pool_backward_image(L, x.data.data() + k * vin, acts[i + 1].data.data() + k * vout, g->data.data() + k * vout,
                            gx.data.data() + k * vin);
      });
      break;
    }
    case LayerKind::Activation: {
      if (!L.need_input_grad) break;
      if (L.fused_into_next) { // the pool after it applied this ReLU: the storages trade places
        gx.shape = x.shape;
        gx.data.swap(g->data);
        break;
      }
      const Tensor& y = acts[i + 1];
      gx.shape = x.shape;
      gx.data.resize(x.data.size());
      const int64_t v = values_of(L.rep.output);
      per_image(pool, n, v, [&](int64_t k) {
        activation_backward_from_output(L.spec.activation, y.data.data() + k * v, g->data.data() + k * v,
                                        gx.data.data() + k * v, v);
      });
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

void TrainableNetwork::Impl::optimizer_step() {
  ++steps;
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
  for (Layer& L : layers) {
    if (!L.has_params) continue;
    for (Param* p : {&L.w, &L.b}) {
      float* w = p->value.data.data();
      const float* g = p->grad.data.data();
      float* m = p->m.data();
      float* v = p->v.data();
      const int64_t count = p->value.numel();
      if (o.optimizer == OptimizerKind::Adam) {
        for (int64_t i = 0; i < count; ++i) {
          m[i] = m[i] * b1 + one_minus_b1 * g[i];
          v[i] = v[i] * b2 + one_minus_b2 * g[i] * g[i];
          const float denom = std::sqrt(v[i]) / bc2_sqrt + o.eps;
          w[i] = w[i] + step_size * (m[i] / denom);
        }
      } else if (o.momentum != 0.0f) {
        for (int64_t i = 0; i < count; ++i) {
          m[i] = steps == 1 ? g[i] : m[i] * o.momentum + g[i];
          w[i] = w[i] + neg_lr * m[i];
        }
      } else {
        for (int64_t i = 0; i < count; ++i) w[i] = w[i] + neg_lr * g[i];
      }
    }
  }
  ++version;
}

Expected<double> TrainableNetwork::train_step(const float* images, const uint8_t* labels, int64_t n) {
  if (!impl_) return Error{"the network is empty"};
  if (!labels) return Error{"no labels"};
  auto r = impl_->run_forward(images, n);
  if (!r) return Error{r.error()};
  double loss = 0.0;
  if (auto e = impl_->backward(labels, n, loss); !e.empty()) return Error{e};
  impl_->optimizer_step();
  return loss;
}

Expected<double> TrainableNetwork::compute_gradients(const float* images, const uint8_t* labels, int64_t n) {
  if (!impl_) return Error{"the network is empty"};
  if (!labels) return Error{"no labels"};
  auto r = impl_->run_forward(images, n);
  if (!r) return Error{r.error()};
  double loss = 0.0;
  if (auto e = impl_->backward(labels, n, loss); !e.empty()) return Error{e};
  return loss;
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
    auto r = impl_->run_forward(buf.data(), n);
    if (!r) return r.error();
    const Tensor& logits = **r;
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
