// Training in the page (scene "train"): one or two TrainableNetworks (by default LeNet-5 and the dense
// network, on the same batches) trained in jobs, and what the scene draws about them.
// No ImGui here: the scene draws view(), and tests drive the same path.
//
// Jobs (app/background.h): tick(), called by the scene once per frame while it is shown, submits one job
// at a time.
//  - Thread (the worker thread, the networks on the app's thread pool): once the data has arrived, one
//    job trains on without waiting for frames, so the pool never idles between jobs. Every kPublishMs it
//    copies its results into a view that tick() takes (the main thread never waits for the job). It ends
//    when tick() asks it to (a pause, new settings, a command, a new drawing or feature image: applied
//    between jobs) or when no tick() came for kHeartbeatMs (the scene is not shown: training pauses).
//    When the frames come slower than kSlowFrameMs (the drawing lacks CPU, as with software rendering
//    on a busy machine), it rests after each step as long as the step took.
//    While the data is still arriving, jobs of at most kThreadJobMs, so that the datasets can grow
//    between them.
//  - Stepped (no threads): after each frame, for the time budget_for() gives: it steers the frames'
//    interval to kSteppedFrameMs (at least 20 frames per second), giving training what drawing leaves;
//    where the drawing alone is slower than that, kMinSteppedMs.
//  - Inline (tests): at once, bounded by the budget.
// While a job is in flight only the job touches the networks and the training state; the main thread
// reads view(). Between jobs: data_pump() (the datasets grow only then), settings that rebuild, and the
// small forward passes for the drawing and the feature maps.
//
// Batches: while the training set is still arriving, B random images of those available; once it is
// complete, epochs in epoch_order(seed, epoch, N), B at a time, the last partial batch dropped. With two
// networks both train on every batch, in turn (the one with fewer steps goes next), so a job never has
// to fit two steps in its budget.
// Evaluation between steps, in slices (training waits for it, so it sees one set of weights): the test
// subset (first kProbeImages test images) every probe_every steps, the whole test set at each epoch's
// end, and accuracy against shift (kShiftImages images, −kMaxShift…+kMaxShift) at epoch end or when asked.
#pragma once
#include "background.h"

#include <convplay/dataset.h>
#include <convplay/tensor.h>
#include <convplay/thread_pool.h>
#include <convplay/train.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace convplay::app {

inline constexpr int64_t kProbeImages = 1000; // the test subset of the accuracy curve and the confusion matrix
inline constexpr int64_t kShiftImages = 500;  // test images per shift of the accuracy-against-shift plot
inline constexpr int kMaxShift = 6;           // shifts −6…+6 (down and right together, black fill)
inline constexpr int kShiftCount = 2 * kMaxShift + 1;
inline constexpr int kLossWindow = 10;        // training steps per point of the loss curve
inline constexpr int kMaxMisclassified = 16;
inline constexpr double kThreadJobMs = 100.0;    // a job on the worker thread while the data arrives
inline constexpr double kPublishMs = 100.0;      // a long job's results reach view() this often
inline constexpr double kHeartbeatMs = 500.0;    // a long job ends when no tick() came for this long
inline constexpr double kSlowFrameMs = 200.0;    // frames slower than this: a long job pauses as long as each step
inline constexpr double kSteppedFrameMs = 47.0;  // single-threaded: the frames' interval aimed at (21 per second)
inline constexpr double kMinSteppedMs = 8.0;     // a frame's job budget: at least (when the drawing alone is slower) …
inline constexpr double kMaxSteppedMs = 44.0;    // … and at most
inline constexpr double kSteppedGain = 0.25;     // budget change per ms of interval off the aim, per frame
inline constexpr double kMinTrainLr = 1e-6;   // lr in [1e-6, 1]
inline constexpr double kMaxTrainLr = 1.0;
inline constexpr int kMaxTrainSeed = 1000000; // seed in [0, 10^6]

// The training's parameters (the scene's, in the URL). model: "both" (LeNet-5 and the mlp side by side),
// "lenet5", "mlp" or "stack" (the text `stack`, e.g. the architecture scene's, on 28×28 grey images).
struct TrainSettings {
  std::string model = "both";
  std::string stack = "conv6k5p2,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10";
  double lr = 1e-3;
  int batch = 64;
  OptimizerKind optimizer = OptimizerKind::Adam;
  int seed = 1;
  bool operator==(const TrainSettings&) const = default;
};
inline constexpr std::array<std::string_view, 4> kTrainModelNames = {"both", "lenet5", "mlp", "stack"};
// "" or why these settings cannot train (an unknown model, a stack that does not parse or cannot train).
std::string check_train_settings(const TrainSettings& s);

struct Misclassified {
  int64_t index = 0;        // in the test set
  int predicted = 0, label = 0;
};

// What the scene draws about one network (a copy: the job keeps training while it is drawn).
struct NetView {
  std::string name;                  // "LeNet-5", "dense 784-256-128-10", "your stack"
  std::string model;                 // "lenet5", "mlp", "stack" (export file names)
  std::string key_prefix;            // state keys: "" (the CNN, or the only network) or "dense_"
  int64_t parameters = 0;
  int64_t steps = 0, epoch = 0;      // optimiser steps; complete epochs (after the warm-up)
  int64_t epoch_step = 0;            // steps into the current epoch (0 while warming up)
  int64_t images_seen = 0;
  double images_per_s = 0;           // over the time spent in its training steps only
  double train_seconds = 0;
  double loss = -1;                  // mean of the latest up to kLossWindow steps; −1 before any step
  std::vector<float> loss_curve;     // mean loss per loss_every steps
  int loss_every = kLossWindow;
  std::vector<float> acc_curve;      // test-subset accuracy in [0, 1]
  std::vector<int64_t> acc_steps;    // the step of each point of acc_curve
  double test_acc = -1;              // the latest of acc_curve; −1 before the first
  std::vector<double> epoch_acc;     // whole test set, at the end of each epoch
  std::vector<int64_t> confusion;    // 10 × 10 [true][predicted], latest subset evaluation
  std::vector<Misclassified> misclassified;
  std::array<double, kShiftCount> shift_acc{}; // accuracy at shift −6…+6; valid when shift_step >= 0
  int64_t shift_step = -1;           // the step the shift accuracies were measured at
  Tensor conv1;                      // first conv's weights (M, C, K, K); empty without conv layers
  std::vector<Tensor> feature_maps;  // every layer's output for the chosen test image
  std::vector<std::string> layer_texts; // layer_text() of each layer
  std::vector<LayerKind> layer_kinds;
  std::vector<float> probe_probs;    // class probabilities of the probe image (10), empty if none
};

struct SessionView {
  std::vector<NetView> nets;         // 0, 1 or 2 (empty before the data or on an error)
  std::string error;                 // settings that cannot train, or a failed step
  bool running = false;
  bool warming_up = false;           // training on the images that have arrived so far
  bool evaluating = false;           // an evaluation is in progress (training waits for it)
  bool shift_pending = false;        // accuracy against shift asked for, not done yet
  int64_t train_available = 0, train_expected = 0, test_available = 0;
  int64_t steps_per_epoch = 0;
};

class TrainSession {
public:
  TrainSession();
  ~TrainSession(); // waits for a job in flight
  TrainSession(const TrainSession&) = delete;
  TrainSession& operator=(const TrainSession&) = delete;

  // New settings: "" or why not (nothing changes then). A new model, batch, optimiser or seed rebuilds
  // the networks from the seed (at the next tick); a new lr applies from the next step on.
  std::string set_settings(const TrainSettings& s);
  const TrainSettings& settings() const { return settings_; }
  void set_running(bool running);
  bool running() const { return running_; }
  void reset();                // rebuild from the seed at the next tick
  void request_shift_sweep();  // accuracy against shift at the current weights, in slices
  void set_probe_every(int64_t steps) { probe_every_ = steps < 1 ? 1 : steps; } // default 100
  // The picture the networks classify for "Try it": 28×28 pixels 0–255 (white garment on black); empty: none.
  void set_probe_image(std::vector<uint8_t> pixels);
  // The test image whose feature maps view() holds, shifted by (shift, shift).
  void set_feature_image(int64_t test_index, int shift);

  // Main thread, once per frame while the scene is shown. If no job is in flight: takes the results of
  // the last one into view(), pumps the data, applies new settings, and submits the next job when running
  // (budget_ms: its time limit, unless it is a long one; at least one step or slice runs). While a job is
  // in flight: takes the results it has published, and asks it to end if something waits for it.
  // True if a job is in flight afterwards.
  bool tick(ThreadPool* pool, double budget_ms);
  bool busy() const { return busy_.load(std::memory_order_acquire); }
  // Work left that needs frames even while paused: an evaluation asked for or under way.
  bool evaluating() const { return shift_requested_ || view_.evaluating || view_.shift_pending; }
  const SessionView& view() const { return view_; }
  // The weights of network i under PyTorch's state_dict names (between jobs only; empty when busy).
  std::vector<NamedTensor> state_dict(size_t i) const;
  const std::vector<NetLayer>* layers(size_t i) const; // its stack, or null (jobs never change it)

  // A job's time limit; called once per frame. Thread: kThreadJobMs (the jobs while the data arrives).
  // Stepped: the job runs after the frame; frame_ms, the last frame's interval (drawing, job, waiting
  // for the browser), steers it: kSteppedGain × (kSteppedFrameMs − frame_ms) is added to the budget,
  // kept within kMinSteppedMs…kMaxSteppedMs (intervals over a second, e.g. after a pause, are ignored).
  double budget_for(BackgroundMode mode, double frame_ms);
  double last_job_ms() const { return busy() ? 0.0 : last_job_ms_; }

private:
  struct Net;
  struct Batch;
  void placeholder_view(); // the networks' names and sizes before they are built
  struct EvalTask;
  struct Item;
  void rebuild();
  void work(double budget_ms, bool train, bool long_job); // the job; train: steps too, not only evaluations
  SessionView make_view(); // the results (the job's state: on its thread, or between jobs)
  void stop_job();               // asks a job in flight to end after its current step
  Item pick(bool train);       // the next step or evaluation slice, with its estimated cost
  void run(const Item& item);
  bool ensure_batch(int64_t index);

  TrainSettings settings_;      // main thread
  TrainSettings built_;         // what the networks were built with (job and main thread between jobs)
  bool rebuild_pending_ = true;
  bool running_ = false;
  bool shift_requested_ = false; // by the scene; becomes shift_due_ between jobs
  int64_t probe_every_ = 100;
  std::vector<uint8_t> probe_image_;
  int64_t feature_index_ = 0;
  int feature_shift_ = 0;
  std::atomic<bool> busy_{false};
  std::atomic<bool> stop_{false};        // set by the main thread: the job in flight should end
  std::atomic<int64_t> last_tick_ms_{0}; // the main thread's last tick() (steady clock, ms)
  std::mutex published_mutex_;
  std::unique_ptr<SessionView> published_; // the long job's latest results, not yet taken by tick()
  std::vector<uint8_t> pending_probe_;     // set while a job was in flight, applied between jobs
  bool probe_pending_ = false;
  int64_t pending_feature_index_ = 0;
  int pending_feature_shift_ = 0;
  bool feature_pending_ = false;
  double stepped_budget_ = 15.0;           // Stepped: the current budget (see budget_for)
  double last_job_ms_ = 0;      // written by the job, read after it
  ThreadPool* pool_ = nullptr;

  // Owned by the job while one is in flight.
  std::vector<std::unique_ptr<Net>> nets_;
  std::deque<Batch> batches_;   // batches not yet trained on by every network
  int64_t first_batch_ = 0;     // index of batches_.front()
  std::deque<EvalTask> evals_;
  std::vector<int64_t> order_;  // the current epoch's order (full data)
  int64_t order_epoch_ = -1, order_pos_ = 0;
  TrainRng warm_rng_{0};       // the warm-up's random batches
  bool shift_due_ = false;      // accuracy against shift to measure before the next step
  std::string error_;
  std::vector<float> scratch_;  // inputs for evaluation slices

  SessionView view_;            // main thread
};

} // namespace convplay::app
