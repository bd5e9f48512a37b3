#include "train_session.h"

#include "dataset_source.h"

#include <convplay/network.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace convplay::app {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

constexpr size_t kMaxCurvePoints = 1200; // then neighbouring points are merged, halving the curve
constexpr uint64_t kWarmSeedSalt = 0x7761726d; // the warm-up's draws differ from the initial weights' numbers

struct ModelChoice {
  std::string name, prefix, model;
  std::vector<NetLayer> layers;
};

Expected<std::vector<ModelChoice>> model_choices(const TrainSettings& s) {
  const ModelChoice lenet{"LeNet-5", "", "lenet5", lenet5_layers()}, mlp{"dense 784-256-128-10", "", "mlp", mlp_layers()};
  if (s.model == "both") {
    ModelChoice dense = mlp;
    dense.prefix = "dense_";
    return std::vector<ModelChoice>{lenet, dense};
  }
  if (s.model == "lenet5") return std::vector<ModelChoice>{lenet};
  if (s.model == "mlp") return std::vector<ModelChoice>{mlp};
  if (s.model == "stack") {
    auto layers = parse_network(s.stack);
    if (!layers.ok()) return Error{"stack: " + layers.error()};
    return std::vector<ModelChoice>{{"your stack", "", "stack", std::move(layers.value())}};
  }
  return Error{"model must be one of: both, lenet5, mlp, stack"};
}

TrainOptions options_of(const TrainSettings& s) {
  TrainOptions o;
  o.optimizer = s.optimizer;
  o.lr = static_cast<float>(s.lr);
  o.batch = s.batch;
  o.seed = static_cast<uint64_t>(s.seed);
  return o;
}

} // namespace

namespace {
std::string check_ranges(const TrainSettings& s) {
  if (!(s.lr >= kMinTrainLr && s.lr <= kMaxTrainLr)) return "lr must be between 1e-06 and 1";
  if (s.batch < 1 || s.batch > kMaxTrainBatch) return "batch must be between 1 and " + std::to_string(kMaxTrainBatch);
  if (s.seed < 0 || s.seed > kMaxTrainSeed) return "seed must be between 0 and " + std::to_string(kMaxTrainSeed);
  return {};
}
// Whether the networks a and b describe are the same stacks at the same batch (what build() checks).
bool same_networks(const TrainSettings& a, const TrainSettings& b) {
  return a.model == b.model && a.batch == b.batch && (a.model != "stack" || a.stack == b.stack);
}
} // namespace

std::string check_train_settings(const TrainSettings& s) {
  if (auto e = check_ranges(s); !e.empty()) return e;
  auto choices = model_choices(s);
  if (!choices.ok()) return choices.error();
  for (const auto& c : *choices) // the stack must train: parameters, 10 outputs, memory (named by the key to change)
    if (auto net = TrainableNetwork::build(kFashionInput, c.layers, options_of(s)); !net.ok())
      return (s.model == "stack" ? "stack: " : "batch: ") + net.error();
  return {};
}

struct TrainSession::Net {
  TrainableNetwork net;
  std::string name, prefix, model;
  int64_t steps = 0, epoch = 0, images = 0, epoch_step = 0;
  double train_ms = 0;
  double window_sum = 0;
  int window_n = 0;
  double last_loss = -1; // mean of the latest complete window
  std::vector<float> loss_curve;
  int loss_every = kLossWindow;
  std::vector<float> acc_curve;
  std::vector<int64_t> acc_steps;
  std::vector<double> epoch_acc;
  std::vector<int64_t> confusion;
  std::vector<Misclassified> misclassified;
  std::array<double, kShiftCount> shift_acc{};
  int64_t shift_step = -1;
  int64_t next_probe = 0;   // the step at which the next subset evaluation is due
  double step_ms = 0;       // estimated cost of one step (0: not measured yet)
  double eval_ms = 0;       // estimated cost of one image's evaluation
};

struct TrainSession::Batch {
  std::vector<float> inputs;
  std::vector<uint8_t> labels;
  int64_t epoch = -1;       // −1: warm-up (drawn from the images available)
  int64_t index = 0;        // its place in the epoch (0, 1, …)
  bool last_of_epoch = false;
};

enum class EvalKind { Probe, Full, Shift };

struct TrainSession::EvalTask {
  size_t net = 0;
  EvalKind kind = EvalKind::Probe;
  int64_t end = 0, cursor = 0;
  int shift = 0;            // Shift: the index (0 … kShiftCount−1) being measured
  Evaluation acc;
  std::array<double, kShiftCount> shifts{};
};

struct TrainSession::Item {
  enum Kind { None, Train, Eval } kind = None;
  size_t net = 0;
  double estimate_ms = 0;
};

TrainSession::TrainSession() { placeholder_view(); }

void TrainSession::placeholder_view() {
  SessionView v;
  v.running = running_;
  if (auto choices = model_choices(settings_); choices.ok())
    for (const auto& c : *choices) {
      NetView n;
      n.name = c.name;
      n.model = c.model;
      n.key_prefix = c.prefix;
      const NetworkReport rep = analyze_network(kFashionInput, c.layers);
      n.parameters = rep.ok() && !rep.parameters.overflow ? rep.parameters.value : 0;
      v.nets.push_back(std::move(n));
    }
  view_ = std::move(v);
}

TrainSession::~TrainSession() {
  if (!busy()) return;
  stop_job();
  background_wait();
}

void TrainSession::stop_job() {
  if (busy()) stop_.store(true, std::memory_order_release);
}

std::string TrainSession::set_settings(const TrainSettings& s) {
  // The networks are built for the check only when they change (not for every step of the lr slider).
  if (auto e = same_networks(s, settings_) ? check_ranges(s) : check_train_settings(s); !e.empty()) return e;
  TrainSettings a = s, b = settings_;
  a.lr = b.lr = 0;
  settings_ = s;
  if (!(a == b)) {
    rebuild_pending_ = true;
    if (!busy()) placeholder_view(); // what state() reports until the next tick builds them
  }
  if (!(a == b) || s.lr != built_.lr) stop_job(); // applied between jobs
  return {};
}

void TrainSession::set_running(bool running) {
  if (running != running_) stop_job(); // a pause ends the job; a resume turns an evaluation job into training
  running_ = running;
}
void TrainSession::reset() {
  rebuild_pending_ = true;
  stop_job();
}
void TrainSession::request_shift_sweep() {
  shift_requested_ = true;
  stop_job();
}
// The job reads the probe image and the feature image: new ones wait for the end of a job in flight.
void TrainSession::set_probe_image(std::vector<uint8_t> pixels) {
  if (!busy()) {
    probe_pending_ = false;
    if (pixels != probe_image_) probe_image_ = std::move(pixels);
    return;
  }
  if (probe_pending_ ? pixels == pending_probe_ : pixels == probe_image_) return;
  pending_probe_ = std::move(pixels);
  probe_pending_ = pending_probe_ != probe_image_;
  if (probe_pending_) stop_job();
}
void TrainSession::set_feature_image(int64_t test_index, int shift) {
  shift = std::clamp(shift, -kMaxShift, kMaxShift);
  if (!busy()) {
    feature_pending_ = false;
    feature_index_ = test_index;
    feature_shift_ = shift;
    return;
  }
  feature_pending_ = test_index != feature_index_ || shift != feature_shift_;
  pending_feature_index_ = test_index;
  pending_feature_shift_ = shift;
  if (feature_pending_) stop_job();
}

double TrainSession::budget_for(BackgroundMode mode, double frame_ms) {
  if (mode == BackgroundMode::Thread) return kThreadJobMs;
  if (frame_ms > 0 && frame_ms < 1000.0)
    stepped_budget_ = std::clamp(stepped_budget_ + kSteppedGain * (kSteppedFrameMs - frame_ms), kMinSteppedMs, kMaxSteppedMs);
  return stepped_budget_;
}

void TrainSession::rebuild() {
  rebuild_pending_ = false;
  nets_.clear();
  batches_.clear();
  evals_.clear();
  first_batch_ = 0;
  order_.clear();
  order_epoch_ = -1;
  order_pos_ = 0;
  error_.clear();
  built_ = settings_;
  warm_rng_ = TrainRng(static_cast<uint64_t>(built_.seed) ^ kWarmSeedSalt);
  shift_due_ = false;
  auto choices = model_choices(built_);
  if (!choices.ok()) {
    error_ = choices.error();
    return;
  }
  for (auto& c : *choices) {
    auto built = TrainableNetwork::build(kFashionInput, c.layers, options_of(built_));
    if (!built.ok()) {
      error_ = c.name + ": " + built.error();
      nets_.clear();
      return;
    }
    auto n = std::make_unique<Net>();
    n->net = std::move(built.value());
    n->name = c.name;
    n->prefix = c.prefix;
    n->model = c.model;
    nets_.push_back(std::move(n));
  }
}

// Makes batch `index` (a network's next step) available; false if the data does not allow it yet.
bool TrainSession::ensure_batch(int64_t index) {
  if (index - first_batch_ < static_cast<int64_t>(batches_.size())) return true;
  const Dataset& train = data_train();
  const int64_t b = built_.batch;
  if (train.size() < b) return false;
  Batch batch;
  std::vector<int64_t> idx(static_cast<size_t>(b));
  if (train.complete()) {
    const int64_t n = train.size();
    if (order_epoch_ < 0 || order_pos_ + b > n) { // the first epoch, or the next one
      ++order_epoch_;
      order_ = epoch_order(static_cast<uint64_t>(built_.seed), order_epoch_, n);
      order_pos_ = 0;
    }
    std::copy_n(order_.begin() + static_cast<std::ptrdiff_t>(order_pos_), b, idx.begin());
    batch.epoch = order_epoch_;
    batch.index = order_pos_ / b;
    order_pos_ += b;
    batch.last_of_epoch = order_pos_ + b > n;
  } else {
    for (auto& i : idx) i = static_cast<int64_t>(warm_rng_.below(static_cast<uint64_t>(train.size())));
  }
  batch.inputs.resize(static_cast<size_t>(b * train.pixels_per_image()));
  train.inputs(idx.data(), b, batch.inputs.data());
  batch.labels.resize(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) batch.labels[i] = train.label(idx[i]);
  batches_.push_back(std::move(batch));
  return true;
}

TrainSession::Item TrainSession::pick(bool train) {
  Item item;
  if (!error_.empty() || nets_.empty()) return item;
  const Dataset& test = data_test();
  const int64_t probe_n = std::min(kProbeImages, test.expected_size());
  const bool test_ready = probe_n > 0 && test.size() >= probe_n;
  if (evals_.empty() && test_ready) {
    for (size_t i = 0; i < nets_.size(); ++i) { // subset evaluations that are due
      Net& n = *nets_[i];
      if (n.steps < n.next_probe) continue;
      EvalTask t;
      t.net = i;
      t.kind = EvalKind::Probe;
      t.end = probe_n;
      evals_.push_back(std::move(t));
      // Denser at the start, where the curve rises fastest: every quarter of probe_every for the first
      // probe_every steps.
      const int64_t every = n.steps < probe_every_ ? std::max<int64_t>(1, probe_every_ / 4) : probe_every_;
      n.next_probe = (n.steps / every + 1) * every;
    }
  }
  if (evals_.empty() && shift_due_ && test_ready) {
    shift_due_ = false;
    for (size_t i = 0; i < nets_.size(); ++i) {
      EvalTask t;
      t.net = i;
      t.kind = EvalKind::Shift;
      t.end = std::min(kShiftImages, test.size());
      evals_.push_back(std::move(t));
    }
  }
  if (!evals_.empty()) {
    const EvalTask& t = evals_.front();
    item.kind = Item::Eval;
    item.net = t.net;
    item.estimate_ms = nets_[t.net]->eval_ms * static_cast<double>(std::min<int64_t>(built_.batch, t.end - t.cursor));
    return item;
  }
  if (!train) return item;
  size_t next = 0; // lockstep: the network with fewer steps trains next
  for (size_t i = 1; i < nets_.size(); ++i)
    if (nets_[i]->steps < nets_[next]->steps) next = i;
  if (!ensure_batch(nets_[next]->steps)) return item;
  item.kind = Item::Train;
  item.net = next;
  item.estimate_ms = nets_[next]->step_ms;
  return item;
}

void TrainSession::run(const Item& item) {
  Net& n = *nets_[item.net];
  const auto t0 = Clock::now();
  if (item.kind == Item::Eval) {
    EvalTask& t = evals_.front();
    const Dataset& test = data_test();
    const int64_t stop = std::min(t.cursor + built_.batch, t.end);
    const int64_t dx = t.kind == EvalKind::Shift ? t.shift - kMaxShift : 0;
    if (auto e = n.net.evaluate(test, t.cursor, stop, t.acc, 0, dx); !e.empty()) {
      error_ = n.name + ": " + e;
      evals_.clear();
      return;
    }
    const double per_image = ms_since(t0) / static_cast<double>(std::max<int64_t>(1, stop - t.cursor));
    n.eval_ms = n.eval_ms == 0 ? per_image : 0.8 * n.eval_ms + 0.2 * per_image;
    t.cursor = stop;
    if (t.cursor < t.end) return;
    switch (t.kind) {
    case EvalKind::Probe: {
      n.acc_curve.push_back(static_cast<float>(t.acc.accuracy()));
      n.acc_steps.push_back(n.steps);
      n.confusion = t.acc.confusion;
      n.misclassified.clear();
      for (int64_t i = 0; i < static_cast<int64_t>(t.acc.predicted.size()) && n.misclassified.size() < kMaxMisclassified; ++i)
        if (t.acc.predicted[static_cast<size_t>(i)] != test.label(i))
          n.misclassified.push_back({i, t.acc.predicted[static_cast<size_t>(i)], test.label(i)});
      break;
    }
    case EvalKind::Full: n.epoch_acc.push_back(t.acc.accuracy()); break;
    case EvalKind::Shift:
      t.shifts[static_cast<size_t>(t.shift)] = t.acc.accuracy();
      if (++t.shift < kShiftCount) { // the next shift, from the first image
        t.cursor = 0;
        t.acc = Evaluation{};
        return;
      }
      n.shift_acc = t.shifts;
      n.shift_step = n.steps;
      break;
    }
    evals_.pop_front();
    return;
  }
  const Batch& b = batches_[static_cast<size_t>(n.steps - first_batch_)];
  auto loss = n.net.train_step(b.inputs.data(), b.labels.data(), built_.batch);
  const double ms = ms_since(t0);
  if (!loss.ok()) {
    error_ = n.name + ": " + loss.error();
    return;
  }
  n.train_ms += ms;
  n.step_ms = n.step_ms == 0 ? ms : 0.8 * n.step_ms + 0.2 * ms;
  ++n.steps;
  n.images += built_.batch;
  n.epoch_step = b.epoch < 0 || b.last_of_epoch ? 0 : b.index + 1;
  n.window_sum += *loss;
  if (++n.window_n == n.loss_every) {
    n.last_loss = n.window_sum / n.window_n;
    n.loss_curve.push_back(static_cast<float>(n.last_loss));
    n.window_sum = 0;
    n.window_n = 0;
    if (n.loss_curve.size() >= kMaxCurvePoints) { // keep the whole run at half the resolution
      for (size_t i = 0; i < n.loss_curve.size() / 2; ++i) n.loss_curve[i] = 0.5f * (n.loss_curve[2 * i] + n.loss_curve[2 * i + 1]);
      n.loss_curve.resize(n.loss_curve.size() / 2);
      n.loss_every *= 2;
    }
  }
  if (b.last_of_epoch) {
    n.epoch = b.epoch + 1;
    const Dataset& test = data_test();
    if (test.complete()) {
      EvalTask full;
      full.net = item.net;
      full.kind = EvalKind::Full;
      full.end = test.size();
      evals_.push_back(std::move(full));
      EvalTask shift;
      shift.net = item.net;
      shift.kind = EvalKind::Shift;
      shift.end = std::min(kShiftImages, test.size());
      evals_.push_back(std::move(shift));
    }
  }
  // Drop the batches every network has trained on.
  int64_t done = n.steps;
  for (const auto& other : nets_) done = std::min(done, other->steps);
  while (first_batch_ < done && !batches_.empty()) {
    batches_.pop_front();
    ++first_batch_;
  }
}

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}
} // namespace

void TrainSession::work(double budget_ms, bool train, bool long_job) {
  for (auto& n : nets_) n->net.set_pool(pool_);
  const auto t0 = Clock::now();
  auto published = t0;
  int64_t seen_tick = last_tick_ms_.load(std::memory_order_acquire);
  double frame_ms = 0; // the main thread's frame interval, smoothed
  for (int count = 0;; ++count) {
    if (count > 0 && stop_.load(std::memory_order_acquire)) break;
    const int64_t tick = last_tick_ms_.load(std::memory_order_acquire), now = steady_ms();
    if (long_job && static_cast<double>(now - tick) > kHeartbeatMs) break; // the scene is not shown
    const Item item = pick(train);
    if (item.kind == Item::None) break;
    if (!long_job && count > 0 && ms_since(t0) + item.estimate_ms > budget_ms) break;
    const auto started = Clock::now();
    run(item);
    if (!long_job) continue;
    if (tick != seen_tick) {
      frame_ms = frame_ms == 0 ? static_cast<double>(tick - seen_tick) : 0.7 * frame_ms + 0.3 * static_cast<double>(tick - seen_tick);
      seen_tick = tick;
    }
    // Frames this slow mean the drawing lacks CPU (software rendering on a busy machine): give it half.
    if (std::max(frame_ms, static_cast<double>(steady_ms() - tick)) > kSlowFrameMs)
      std::this_thread::sleep_for(Clock::now() - started);
    if (ms_since(published) >= kPublishMs) {
      auto v = std::make_unique<SessionView>(make_view());
      std::lock_guard lock(published_mutex_);
      published_ = std::move(v);
      published = Clock::now();
    }
  }
  last_job_ms_ = ms_since(t0);
  for (auto& n : nets_) n->net.set_pool(nullptr); // the main thread's small forward passes run on itself
}

SessionView TrainSession::make_view() {
  SessionView v;
  v.error = error_;
  const Dataset& train = data_train();
  const Dataset& test = data_test();
  v.train_available = train.size();
  v.train_expected = train.expected_size();
  v.test_available = test.size();
  v.warming_up = !train.complete();
  v.evaluating = !evals_.empty();
  v.shift_pending = shift_due_ || std::any_of(evals_.begin(), evals_.end(), [](const EvalTask& t) { return t.kind == EvalKind::Shift; });
  v.steps_per_epoch = train.complete() && built_.batch > 0 ? train.size() / built_.batch : 0;
  std::vector<float> probe;
  if (probe_image_.size() == static_cast<size_t>(kFashionInput.h * kFashionInput.w)) {
    probe.resize(probe_image_.size());
    for (size_t i = 0; i < probe.size(); ++i) probe[i] = normalized_pixel(probe_image_[i]);
  }
  std::vector<float> feature;
  if (feature_index_ >= 0 && feature_index_ < test.size()) {
    feature.resize(static_cast<size_t>(test.pixels_per_image()));
    test.inputs(&feature_index_, 1, feature.data(), 0, feature_shift_);
  }
  for (const auto& p : nets_) {
    Net& n = *p;
    NetView nv;
    nv.name = n.name;
    nv.key_prefix = n.prefix;
    nv.model = n.model;
    for (const NetLayer& l : n.net.layers()) {
      nv.layer_texts.push_back(layer_text(l));
      nv.layer_kinds.push_back(l.kind);
    }
    nv.parameters = n.net.parameter_count();
    nv.steps = n.steps;
    nv.epoch = n.epoch;
    nv.epoch_step = n.epoch_step;
    nv.images_seen = n.images;
    nv.train_seconds = n.train_ms / 1000.0;
    nv.images_per_s = n.train_ms > 0 ? static_cast<double>(n.images) / (n.train_ms / 1000.0) : 0.0;
    nv.loss = n.last_loss >= 0 ? n.last_loss : n.window_n > 0 ? n.window_sum / n.window_n : -1.0;
    nv.loss_curve = n.loss_curve;
    nv.loss_every = n.loss_every;
    nv.acc_curve = n.acc_curve;
    nv.acc_steps = n.acc_steps;
    nv.test_acc = n.acc_curve.empty() ? -1.0 : n.acc_curve.back();
    nv.epoch_acc = n.epoch_acc;
    nv.confusion = n.confusion;
    nv.misclassified = n.misclassified;
    nv.shift_acc = n.shift_acc;
    nv.shift_step = n.shift_step;
    nv.conv1 = n.net.first_conv_weights();
    if (!probe.empty())
      if (auto pr = n.net.predict(probe.data(), 1); pr.ok()) nv.probe_probs.assign(pr->data.begin(), pr->data.end());
    if (!feature.empty())
      if (auto f = n.net.forward(feature.data(), 1); f.ok()) nv.feature_maps = n.net.feature_maps();
    v.nets.push_back(std::move(nv));
  }
  return v;
}

bool TrainSession::tick(ThreadPool* pool, double budget_ms) {
  last_tick_ms_.store(steady_ms(), std::memory_order_release);
  std::unique_ptr<SessionView> fresh;
  {
    std::unique_lock lock(published_mutex_, std::try_to_lock); // never waits for the job
    if (lock.owns_lock()) fresh = std::move(published_);
  }
  if (fresh) {
    view_ = std::move(*fresh);
    view_.running = running_;
    view_.shift_pending = view_.shift_pending || shift_requested_;
  }
  if (busy()) return true;
  stop_.store(false, std::memory_order_relaxed);
  if (probe_pending_) {
    probe_image_ = std::move(pending_probe_);
    probe_pending_ = false;
  }
  if (feature_pending_) {
    feature_index_ = pending_feature_index_;
    feature_shift_ = pending_feature_shift_;
    feature_pending_ = false;
  }
  data_pump(); // the datasets grow only here, while no job reads them
  if (rebuild_pending_) {
    rebuild();
  } else if (!nets_.empty() && settings_.lr != built_.lr) {
    built_.lr = settings_.lr;
    for (auto& n : nets_) n->net.set_learning_rate(static_cast<float>(built_.lr));
  }
  if (shift_requested_) { // handed to the job's state here, between jobs
    shift_requested_ = false;
    shift_due_ = true;
  }
  view_ = make_view();
  view_.running = running_;
  view_.shift_pending = view_.shift_pending || shift_requested_;
  // Paused, a job still runs the evaluations asked for (accuracy against shift): no steps.
  if (!error_.empty() || nets_.empty()) return false;
  const bool train = running_;
  const Item next = pick(train);
  if (next.kind == Item::None) return false; // paused, or waiting for data
  pool_ = pool;
  // Once the data is complete nothing needs the job to end but the main thread's requests: on the
  // worker thread it runs until then.
  const bool long_job = background_mode() == BackgroundMode::Thread && data_status().state == DataState::Ready;
  busy_.store(true, std::memory_order_release);
  background_submit([this, budget_ms, train, long_job] {
    work(budget_ms, train, long_job);
    busy_.store(false, std::memory_order_release);
  });
  return busy();
}

std::vector<NamedTensor> TrainSession::state_dict(size_t i) const {
  if (busy() || i >= nets_.size()) return {};
  return nets_[i]->net.state_dict();
}

const std::vector<NetLayer>* TrainSession::layers(size_t i) const {
  if (i >= nets_.size()) return nullptr;
  return &nets_[i]->net.layers();
}

} // namespace convplay::app
