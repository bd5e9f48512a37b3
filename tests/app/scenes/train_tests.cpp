// Scene "train" and its controller (app/train_session.h) on a small synthetic dataset that a CNN learns
// in a few steps: two classes, a vertical bar (0, "T-shirt/top") and a horizontal bar (1, "Trouser") at
// random places. Jobs run Inline (the tests' background mode) unless a test picks another mode.
#include <catch2/catch.hpp>

#include "../scene_test_support.h"
#include "background.h"
#include "dataset_source.h"
#include "export_weights.h"
#include "train_session.h"

#include <convplay/npy.h>
#include <convplay/thread_pool.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

using namespace convplay;
using namespace convplay::app;
using namespace convplay::app::testing;

namespace {

constexpr int kSide = 28;

// n images: even index a vertical bar, odd a horizontal one, 4 pixels wide, at a place from a small LCG.
void bars(int n, uint32_t seed, std::vector<uint8_t>& pixels, std::vector<uint8_t>& labels) {
  uint32_t r = seed;
  auto next = [&r] { r = r * 1664525u + 1013904223u; return r >> 8; };
  pixels.assign(static_cast<size_t>(n) * kSide * kSide, 0);
  labels.assign(static_cast<size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    const int label = i % 2, at = 4 + static_cast<int>(next() % 17), lo = 2 + static_cast<int>(next() % 6);
    labels[static_cast<size_t>(i)] = static_cast<uint8_t>(label);
    uint8_t* img = pixels.data() + static_cast<size_t>(i) * kSide * kSide;
    for (int a = at; a < at + 4; ++a)
      for (int b = lo; b < lo + 18; ++b) img[label == 0 ? b * kSide + a : a * kSide + b] = 230;
  }
}
Dataset bar_dataset(int n, uint32_t seed) {
  std::vector<uint8_t> px, lb;
  bars(n, seed, px, lb);
  auto d = Dataset::from_arrays(std::move(px), std::move(lb), kSide, kSide);
  REQUIRE(d.ok());
  return std::move(d.value());
}
void put_u32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}
// A training set of n images of which only the first `arrived` have come in (as while downloading).
Dataset arriving_bars(int n, int arrived, uint32_t seed) {
  std::vector<uint8_t> px, lb;
  bars(n, seed, px, lb);
  std::string labels, images;
  put_u32(labels, 0x00000801);
  put_u32(labels, static_cast<uint32_t>(n));
  labels.append(lb.begin(), lb.end());
  auto d = Dataset::from_labels(labels);
  REQUIRE(d.ok());
  put_u32(images, 0x00000803);
  put_u32(images, static_cast<uint32_t>(n));
  put_u32(images, kSide);
  put_u32(images, kSide);
  images.append(px.begin(), px.begin() + static_cast<std::ptrdiff_t>(arrived) * kSide * kSide);
  REQUIRE(d->feed_images(images).empty());
  REQUIRE(d->size() == arrived);
  return std::move(d.value());
}

struct Data { // the synthetic data for one test, and back to none afterwards
  Data(int train = 256, int test = 64) { data_set_for_tests(bar_dataset(train, 1), bar_dataset(test, 2)); }
  explicit Data(Dataset train, int test = 64) { data_set_for_tests(std::move(train), bar_dataset(test, 2)); }
  ~Data() { data_reset(); }
};
struct Mode { // a background mode for one test; Inline again afterwards
  explicit Mode(BackgroundMode m) { set_background_mode(m); }
  ~Mode() { set_background_mode(BackgroundMode::Inline); }
};

TrainSettings small(std::string model = "both") {
  TrainSettings s;
  s.model = std::move(model);
  s.batch = 32;
  s.lr = 3e-3;
  return s;
}

// Ticks (Inline: one job each) until network 0 has taken `steps` steps (or a limit of ticks).
void run_until(TrainSession& t, int64_t steps, double budget_ms = 5.0) {
  t.set_running(true);
  for (int i = 0; i < 2000 && (t.view().nets.empty() || t.view().nets[0].steps < steps); ++i) t.tick(nullptr, budget_ms);
  t.tick(nullptr, budget_ms);
}

double first_loss(const NetView& n) { return n.loss_curve.empty() ? -1 : n.loss_curve.front(); }

} // namespace

TEST_CASE("train session: both networks learn the bars on the same batches, loss falls, accuracy rises", "[train]") {
  Data data;
  TrainSession t;
  REQUIRE(t.set_settings(small()).empty());
  t.set_probe_every(8);
  // Before any step: the networks' names and sizes, nothing measured.
  REQUIRE(t.view().nets.size() == 2);
  CHECK(t.view().nets[0].parameters == 61706);
  CHECK(t.view().nets[1].parameters == 235146);
  CHECK(t.view().nets[1].key_prefix == "dense_");
  run_until(t, 40);
  const SessionView& v = t.view();
  REQUIRE(v.error.empty());
  REQUIRE(v.nets.size() == 2);
  for (const NetView& n : v.nets) {
    INFO(n.name);
    CHECK(n.steps >= 39); // the second network may be one step behind
    CHECK(n.images_seen == n.steps * 32);
    CHECK(n.images_per_s > 0);
    REQUIRE(n.loss_curve.size() >= 3);
    CHECK(n.loss >= 0);
    CHECK(n.loss < 0.5 * first_loss(n)); // the bars are easy
    REQUIRE(!n.acc_curve.empty());
    CHECK(n.acc_steps.front() == 0);        // measured before the first step too
    CHECK(n.test_acc > 0.9);
    CHECK(n.confusion.size() == 100);
  }
  // Lockstep: neither network is more than one batch ahead.
  CHECK(std::abs(v.nets[0].steps - v.nets[1].steps) <= 1);
  // 256 images in batches of 32: 8 steps per epoch, complete data from the start.
  CHECK(v.steps_per_epoch == 8);
  CHECK_FALSE(v.warming_up);
  CHECK(v.nets[0].epoch >= 4);
  CHECK(v.nets[0].epoch_acc.size() >= 4); // the whole test set at each epoch's end
  CHECK(v.nets[0].shift_step >= 0);       // and accuracy against shift
}

TEST_CASE("train session: the CNN alone sees the batches it saw beside the dense network", "[train]") {
  Data data;
  TrainSession both, alone, dense;
  REQUIRE(both.set_settings(small("both")).empty());
  REQUIRE(alone.set_settings(small("lenet5")).empty());
  REQUIRE(dense.set_settings(small("mlp")).empty());
  for (TrainSession* t : {&both, &alone, &dense}) run_until(*t, 30);
  const NetView& a = alone.view().nets[0];
  const NetView& b = both.view().nets[0];
  const NetView& d = dense.view().nets[0];
  const NetView& bd = both.view().nets[1];
  const size_t n = std::min({a.loss_curve.size(), b.loss_curve.size(), d.loss_curve.size(), bd.loss_curve.size()});
  REQUIRE(n >= 3);
  for (size_t i = 0; i < n; ++i) {
    CHECK(a.loss_curve[i] == b.loss_curve[i]);  // same batches, same initial weights: same bits
    CHECK(d.loss_curve[i] == bd.loss_curve[i]);
  }
  CHECK(a.loss_curve[0] != d.loss_curve[0]); // and the two networks differ, of course
}

TEST_CASE("train session: pause, resume, reset rebuilds from the seed", "[train]") {
  Data data;
  TrainSession t;
  REQUIRE(t.set_settings(small("lenet5")).empty());
  run_until(t, 20);
  const std::vector<float> curve = t.view().nets[0].loss_curve;
  t.set_running(false);
  t.tick(nullptr, 5.0); // takes the last job's results
  const int64_t steps = t.view().nets[0].steps;
  for (int i = 0; i < 5; ++i) t.tick(nullptr, 5.0);
  CHECK(t.view().nets[0].steps == steps);
  CHECK_FALSE(t.busy());
  t.reset();
  t.tick(nullptr, 5.0); // paused: rebuilds, takes no step
  CHECK(t.view().nets[0].steps == 0);
  CHECK(t.view().nets[0].loss_curve.empty());
  run_until(t, 20);
  const std::vector<float>& again = t.view().nets[0].loss_curve;
  REQUIRE(again.size() >= 2);
  CHECK(again[0] == curve[0]);
  CHECK(again[1] == curve[1]);
  // Another seed: other weights, another curve.
  TrainSettings s = small("lenet5");
  s.seed = 7;
  REQUIRE(t.set_settings(s).empty());
  run_until(t, 10);
  CHECK(t.view().nets[0].loss_curve.at(0) != curve[0]);
}

TEST_CASE("train session: while the training set arrives, batches come from the images there so far", "[train]") {
  Data data(arriving_bars(512, 100, 1));
  TrainSession t;
  REQUIRE(t.set_settings(small("lenet5")).empty());
  run_until(t, 12);
  const SessionView& v = t.view();
  CHECK(v.warming_up);
  CHECK(v.train_available == 100);
  CHECK(v.train_expected == 512);
  CHECK(v.nets[0].steps >= 12);
  CHECK(v.nets[0].epoch == 0);
  CHECK(v.steps_per_epoch == 0);
}

TEST_CASE("train session: not enough images for one batch waits, and says nothing is wrong", "[train]") {
  Data data(arriving_bars(512, 20, 1));
  TrainSession t;
  REQUIRE(t.set_settings(small("lenet5")).empty());
  t.set_running(true);
  for (int i = 0; i < 3; ++i) CHECK_FALSE(t.tick(nullptr, 5.0));
  CHECK(t.view().nets[0].steps == 0);
  CHECK(t.view().error.empty());
}

TEST_CASE("train session: each job is bounded: with no time left it still takes one step or slice, and only one", "[train]") {
  Data data;
  TrainSession t;
  REQUIRE(t.set_settings(small("both")).empty());
  t.set_probe_every(1000000);
  t.set_running(true);
  t.tick(nullptr, 0.0); // builds; the first job evaluates the test subset (one slice)
  for (int i = 0; i < 6; ++i) t.tick(nullptr, 0.0);
  t.tick(nullptr, 0.0);
  const auto& n = t.view().nets;
  // 64 test images in slices of 32 per network: 4 slices before the first step, then one step per job.
  CHECK(n[0].steps + n[1].steps <= 4);
  CHECK(n[0].steps + n[1].steps >= 2);
}

TEST_CASE("train session: Stepped runs one job per frame after it, Thread on the worker with the pool", "[train]") {
  Data data;
  SECTION("stepped") {
    Mode mode(BackgroundMode::Stepped);
    TrainSession t;
    REQUIRE(t.set_settings(small("lenet5")).empty());
    t.set_running(true);
    CHECK(t.tick(nullptr, 10.0)); // submitted, runs at the frame's poll
    CHECK(t.busy());
    CHECK(t.tick(nullptr, 10.0)); // still in flight: nothing else happens
    for (int i = 0; i < 40; ++i) {
      background_poll();
      t.tick(nullptr, 10.0);
    }
    background_wait();
    t.tick(nullptr, 10.0);
    CHECK(t.view().nets[0].steps > 0);
  }
  SECTION("thread") {
    if (!ThreadPool::threads_supported()) return; // the single-threaded build has no worker: Stepped only
    Mode mode(BackgroundMode::Thread);
    ThreadPool pool(1);
    TrainSession t;
    REQUIRE(t.set_settings(small("both")).empty());
    t.set_running(true);
    // Ends as soon as both have 30 steps; the limit only stops a hang (under AddressSanitizer on a slow
    // 2-core machine 30 steps took about 25 s).
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < until && (t.view().nets[0].steps < 30 || t.view().nets[1].steps < 30)) {
      t.tick(&pool, 20.0);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    t.set_running(false);
    background_wait();
    t.tick(&pool, 20.0);
    CHECK(t.view().nets[0].steps >= 30);
    CHECK(t.view().nets[1].steps >= 30);
    CHECK(t.view().nets[0].loss < first_loss(t.view().nets[0]));
  }
  SECTION("thread: with the data in, one job trains on, publishing its results, until asked to end") {
    if (!ThreadPool::threads_supported()) return; // the single-threaded build has no worker: Stepped only
    Mode mode(BackgroundMode::Thread);
    ThreadPool pool(1);
    TrainSession t;
    REQUIRE(t.set_settings(small("lenet5")).empty());
    t.set_probe_every(1000000);
    t.set_running(true);
    t.tick(&pool, 20.0); // builds and submits the job
    REQUIRE(t.busy());
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60); // ThreadSanitizer is slow
    int64_t seen = 0;
    int ended = 0; // jobs seen to end (each tick comes 5 ms after the last: an ended job would show)
    while (std::chrono::steady_clock::now() < until && seen < 40) { // ticks only read what it published
      ended += t.busy() ? 0 : 1;
      CHECK(t.tick(&pool, 20.0));
      seen = t.view().nets.empty() ? 0 : t.view().nets[0].steps;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(seen >= 40); // over several epochs of 8 steps, with their evaluations
    CHECK(ended == 0);
    CHECK(t.state_dict(0).empty()); // the weights are the job's while it runs
    t.set_running(false); // a pause ends it after the current step (then the evaluations due run)
    for (int i = 0; i < 2000 && t.tick(&pool, 20.0); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK_FALSE(t.busy());
    const int64_t paused = t.view().nets[0].steps;
    CHECK(paused >= seen);
    CHECK_FALSE(t.state_dict(0).empty());
    t.tick(&pool, 20.0);
    CHECK(t.view().nets[0].steps == paused);
    t.set_running(true); // without ticks (the scene not shown) the job ends by itself
    t.tick(&pool, 20.0);
    REQUIRE(t.busy());
    const auto gone = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (t.busy() && std::chrono::steady_clock::now() < gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_FALSE(t.busy());
  }
}

TEST_CASE("train session: the drawing's probabilities and a test image's feature maps", "[train]") {
  Data data;
  TrainSession t;
  REQUIRE(t.set_settings(small("both")).empty());
  run_until(t, 30);
  std::vector<uint8_t> px, lb;
  bars(2, 5, px, lb); // a vertical bar, then a horizontal one
  t.set_probe_image(std::vector<uint8_t>(px.begin() + kSide * kSide, px.end()));
  t.set_feature_image(3, 0);
  t.set_running(false);
  t.tick(nullptr, 5.0);
  for (const NetView& n : t.view().nets) {
    INFO(n.name);
    REQUIRE(n.probe_probs.size() == 10);
    double sum = 0;
    for (float p : n.probe_probs) sum += p;
    CHECK(sum == Approx(1.0).epsilon(1e-4));
    CHECK(n.probe_probs[1] > 0.5f); // a horizontal bar: class 1
  }
  const NetView& cnn = t.view().nets[0];
  REQUIRE(cnn.feature_maps.size() == 12); // every layer of LeNet-5
  CHECK(cnn.feature_maps[0].shape == std::vector<int64_t>{6, 28, 28});
  CHECK(cnn.feature_maps[11].numel() == 10);
  CHECK(cnn.layer_texts[0] == "conv6k5p2");
  CHECK(cnn.conv1.shape == std::vector<int64_t>{6, 1, 5, 5});
  CHECK(t.view().nets[1].conv1.numel() == 0); // the dense network has no filters
}

TEST_CASE("train session: accuracy against shift, asked for, at the current weights, also while paused", "[train]") {
  Data data(256, 64);
  TrainSession t;
  REQUIRE(t.set_settings(small("both")).empty());
  run_until(t, 4); // less than an epoch: nothing measured yet
  t.set_running(false);
  t.tick(nullptr, 5.0);
  CHECK(t.view().nets[0].shift_step < 0);
  const int64_t steps0 = t.view().nets[0].steps, steps1 = t.view().nets[1].steps;
  t.request_shift_sweep();
  t.tick(nullptr, 5.0);
  CHECK(t.view().shift_pending);
  for (int i = 0; i < 400 && t.view().nets[1].shift_step < 0; ++i) t.tick(nullptr, 5.0);
  for (size_t i = 0; i < 2; ++i) {
    const NetView& n = t.view().nets[i];
    const int64_t steps = i == 0 ? steps0 : steps1;
    REQUIRE(n.shift_step == steps); // measured at the paused weights
    CHECK(n.steps == steps);
    for (double a : n.shift_acc) CHECK((a >= 0 && a <= 1));
  }
  CHECK_FALSE(t.view().shift_pending);
}

TEST_CASE("train session: a new learning rate applies from the next step on, without starting again", "[train]") {
  Data data;
  TrainSession a, b;
  for (TrainSession* t : {&a, &b}) {
    REQUIRE(t->set_settings(small("lenet5")).empty());
    run_until(*t, 20, 0.0); // a zero budget: one step per tick, so both stop on the same step
    t->set_running(false);
    t->tick(nullptr, 5.0);
  }
  REQUIRE(a.view().nets[0].steps == b.view().nets[0].steps);
  TrainSettings fast = small("lenet5");
  fast.lr = 0.1;
  REQUIRE(b.set_settings(fast).empty());
  for (TrainSession* t : {&a, &b}) run_until(*t, 40);
  const auto& ca = a.view().nets[0].loss_curve;
  const auto& cb = b.view().nets[0].loss_curve;
  REQUIRE(cb.size() >= 4);
  CHECK(cb[0] == ca[0]); // the same run up to the change
  CHECK(cb[1] == ca[1]);
  CHECK(cb.back() != ca.back());
  CHECK(b.view().nets[0].steps >= 40); // not rebuilt
}

TEST_CASE("train session: settings that cannot train are refused with the reason", "[train]") {
  TrainSession t;
  TrainSettings s;
  s.lr = 0;
  CHECK(t.set_settings(s) == "lr must be between 1e-06 and 1");
  s = {};
  s.batch = 0;
  CHECK(t.set_settings(s) == "batch must be between 1 and 4096");
  s = {};
  s.model = "resnet";
  CHECK(t.set_settings(s) == "model must be one of: both, lenet5, mlp, stack");
  s = {};
  s.model = "stack";
  s.stack = "conv6k5,relu,pool2,flatten,dense5";
  const std::string e = t.set_settings(s);
  CHECK(e.find("dense5") != std::string::npos); // the core names the layer
  s.stack = "conv6x5";
  CHECK(t.set_settings(s).rfind("stack: ", 0) == 0);
  CHECK(t.settings() == TrainSettings{}); // nothing changed
  s.stack = "flatten,dense32,relu,dense10";
  CHECK(t.set_settings(s).empty());
  REQUIRE(t.view().nets.size() == 1);
  CHECK(t.view().nets[0].parameters == 784 * 32 + 32 + 32 * 10 + 10);
}

TEST_CASE("export: CRC-32, a stored zip numpy can read, PyTorch's names", "[train]") {
  CHECK(crc32_of("123456789") == 0xCBF43926u); // the standard check value
  CHECK(crc32_of("") == 0u);
  const std::string zip = zip_store({{"a.npy", "hello"}, {"b.npy", ""}});
  // Local header of a.npy, its data, then the central directory and the end record with 2 entries.
  CHECK(zip.substr(0, 4) == std::string("PK\x03\x04", 4));
  CHECK(zip.substr(30, 5) == "a.npy");
  CHECK(zip.substr(35, 5) == "hello");
  const std::string end = zip.substr(zip.size() - 22);
  CHECK(end.substr(0, 4) == std::string("PK\x05\x06", 4));
  CHECK(static_cast<unsigned char>(end[10]) == 2);
  Data data;
  TrainSession t;
  REQUIRE(t.set_settings(small("both")).empty());
  t.tick(nullptr, 5.0);
  const auto sd = t.state_dict(0);
  REQUIRE(sd.size() == 10);
  CHECK(sd[0].name == "0.weight");
  const std::string npz = npz_bytes(sd);
  CHECK(npz.find("0.weight.npy") != std::string::npos);
  CHECK(npz.find("11.bias.npy") != std::string::npos);
  auto code = pytorch_loading_code(lenet5_layers(), export_file_name("lenet5"));
  REQUIRE(code.ok());
  CHECK(code->find("nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=2)") != std::string::npos);
  CHECK(code->find("np.load('lenet5.npz')") != std::string::npos);
  CHECK(code->find("model.load_state_dict(") != std::string::npos);
}

namespace {
std::unique_ptr<Scene> train_scene() { return scene_by_id("train"); }
} // namespace

TEST_CASE("train scene: state keys of both networks, before any training", "[train]") {
  auto s = train_scene();
  REQUIRE(s);
  const JsonObject st = state(*s);
  CHECK(str(st, "model") == "both");
  CHECK(str(st, "optimizer") == "adam");
  CHECK(num(st, "lr") == Approx(1e-3));
  CHECK(num(st, "batch") == 64);
  CHECK(num(st, "seed") == 1);
  CHECK(std::get<bool>(st.at("running")) == false);
  CHECK(str(st, "data") == "idle");
  CHECK(num(st, "params") == 61706);
  CHECK(num(st, "dense_params") == 235146);
  for (const char* key : {"epoch", "step", "images_seen", "images_per_s", "dense_epoch", "dense_step", "dense_images_seen",
                          "dense_images_per_s"})
    CHECK(num(st, key) == 0);
  for (const char* key : {"loss", "test_acc", "dense_loss", "dense_test_acc"}) {
    INFO(key);
    REQUIRE(st.count(key));
    CHECK(std::holds_alternative<std::nullptr_t>(st.at(key)));
  }
  // The state goes back through setState unchanged.
  const std::string all = text_of(*s);
  CHECK(apply(*s, all).empty());
}

TEST_CASE("train scene: setState refuses what cannot train and changes nothing", "[train]") {
  auto s = train_scene();
  const std::string before = text_of(*s);
  CHECK(apply(*s, R"({"lr":0})") == "lr must be between 1e-06 and 1");
  CHECK(apply(*s, R"({"batch":5000})") == "batch must be between 1 and 4096");
  CHECK(apply(*s, R"({"optimizer":"rmsprop"})") == "optimizer must be one of: adam, sgd");
  CHECK(apply(*s, R"({"model":"resnet"})") == "model must be one of: both, lenet5, mlp, stack");
  CHECK(apply(*s, R"({"shift":7})") == "shift must be between -6 and 6");
  CHECK(apply(*s, R"({"colour":1})") == "unknown key 'colour' for scene train");
  const std::string no_output = apply(*s, R"({"model":"stack","stack":"conv6k5,relu"})");
  INFO(no_output);
  CHECK(no_output.find("layer 2 (relu)") != std::string::npos);
  CHECK(apply(*s, R"({"drawing":"1,2,3"})") == "drawing: needs 784 pixels (28×28), got 3");
  CHECK(text_of(*s) == before);
}

TEST_CASE("train scene: running requests the data, parameters reach the session and the URL keys", "[train]") {
  Data data;
  auto s = train_scene();
  REQUIRE(apply(*s, R"({"running":true,"lr":0.002,"batch":32,"optimizer":"sgd","seed":3,"model":"lenet5"})").empty());
  const JsonObject st = state(*s);
  CHECK(std::get<bool>(st.at("running")));
  CHECK(str(st, "data") == "ready");
  CHECK(num(st, "train_images") == 0); // taken at the first frame (the scene's tick)
  CHECK(str(st, "model") == "lenet5");
  CHECK(str(st, "optimizer") == "sgd");
  CHECK_FALSE(st.count("dense_params")); // one network
  CHECK(num(st, "params") == 61706);
  // The address keeps the training's parameters, the stack only when it is trained, never "running".
  auto hashed = [&s](const char* key) {
    for (const ParamValue& p : s->parameters())
      if (std::string(p.spec->key) == key) return p.hashed;
    return false;
  };
  CHECK(hashed("lr"));
  CHECK(hashed("batch"));
  CHECK_FALSE(hashed("stack"));
  CHECK_FALSE(hashed("running"));
  REQUIRE(apply(*s, R"({"model":"stack","stack":"flatten,dense10"})").empty());
  CHECK(num(state(*s), "params") == 7850);
  CHECK(hashed("stack"));
}

TEST_CASE("train session: a frame's job budget steers the frames' interval to ~47 ms, the worker's jobs are longer", "[train]") {
  TrainSession t;
  CHECK(t.budget_for(BackgroundMode::Thread, 16.0) == kThreadJobMs);
  const double start = t.budget_for(BackgroundMode::Stepped, kSteppedFrameMs); // on the aim: unchanged
  CHECK(t.budget_for(BackgroundMode::Stepped, kSteppedFrameMs - 20.0) == Approx(start + kSteppedGain * 20.0)); // fast frames: more
  CHECK(t.budget_for(BackgroundMode::Stepped, kSteppedFrameMs + 20.0) == Approx(start)); // slow: less again
  CHECK(t.budget_for(BackgroundMode::Stepped, 5000.0) == Approx(start)); // a pause's long interval says nothing
  double b = 0;
  for (int i = 0; i < 200; ++i) b = t.budget_for(BackgroundMode::Stepped, 0.5);
  CHECK(b == kMaxSteppedMs);
  for (int i = 0; i < 200; ++i) b = t.budget_for(BackgroundMode::Stepped, 200.0);
  CHECK(b == kMinSteppedMs); // a slow page still trains a little every frame
  // The loop closed: frames whose interval is the drawing (25 ms) plus the job settle at the aim.
  for (int i = 0; i < 100; ++i) b = t.budget_for(BackgroundMode::Stepped, 25.0 + b);
  CHECK(25.0 + b == Approx(kSteppedFrameMs).margin(0.5));
}

TEST_CASE("train session: steps into the epoch count from its first batch, after the warm-up", "[train]") {
  Data data; // 256 images, batches of 32: 8 steps per epoch
  TrainSession t;
  REQUIRE(t.set_settings(small("lenet5")).empty());
  run_until(t, 11);
  const NetView& n = t.view().nets[0];
  CHECK(n.epoch == n.steps / 8);
  CHECK(n.epoch_step == n.steps % 8);
}

TEST_CASE("train scene: the description names the data, the settings and each network's counts", "[train][a11y]") {
  auto s = train_scene();
  std::string d = s->description();
  CHECK(d.rfind("Learning the filters. Fashion-MNIST: not loaded yet. Training paused, adam, learning rate 0.001, batch 64, seed 1.", 0) == 0);
  CHECK_THAT(d, Catch::Contains("LeNet-5: 61,706 parameters, epoch 0, step 0, 0 images seen."));
  CHECK_THAT(d, Catch::Contains("dense 784-256-128-10: 235,146 parameters"));
  REQUIRE(apply(*s, R"({"model":"lenet5","lr":0.01,"batch":32,"optimizer":"sgd"})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("Training paused, sgd, learning rate 0.01, batch 32, seed 1."));
  CHECK_THAT(d, !Catch::Contains("dense 784"));
}
