#include "background.h"

#include <convplay/thread_pool.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

namespace convplay::app {
namespace {

struct Background {
  std::mutex mutex;
  std::condition_variable wake, idle;
  std::deque<std::function<void()>> queue;
  bool running = false; // a task is executing (on the worker, or on the caller in Stepped mode)
  bool stopping = false;
  BackgroundMode mode = BackgroundMode::Inline;
  double job_ms = -1.0; // set_background_job_ms; < 0: the mode's own
  std::thread worker;

  void worker_loop() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return; // stopping, nothing left
      auto task = std::move(queue.front());
      queue.pop_front();
      running = true;
      lock.unlock();
      task();
      lock.lock();
      running = false;
      if (queue.empty()) idle.notify_all();
    }
  }
  bool run_one_on_caller() {
    std::function<void()> task;
    {
      std::lock_guard lock(mutex);
      if (queue.empty()) return false;
      task = std::move(queue.front());
      queue.pop_front();
    }
    task();
    return true;
  }
  void wait_all() {
    if (mode == BackgroundMode::Thread) {
      std::unique_lock lock(mutex);
      idle.wait(lock, [&] { return queue.empty() && !running; });
    } else {
      while (run_one_on_caller()) {}
    }
  }
  void stop_worker() {
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    worker.join();
    stopping = false;
  }
  ~Background() {
    wait_all();
    stop_worker();
  }
};

Background& bg() {
  static Background b;
  return b;
}

} // namespace

void set_background_mode(BackgroundMode mode) {
  Background& b = bg();
  b.wait_all();
  if (mode == BackgroundMode::Thread && !ThreadPool::threads_supported()) mode = BackgroundMode::Stepped;
  if (mode != BackgroundMode::Thread) b.stop_worker();
  b.mode = mode;
  if (mode == BackgroundMode::Thread && !b.worker.joinable()) b.worker = std::thread([&b] { b.worker_loop(); });
}

BackgroundMode background_mode() { return bg().mode; }

void background_submit(std::function<void()> task) {
  Background& b = bg();
  if (b.mode == BackgroundMode::Inline) {
    task();
    return;
  }
  {
    std::lock_guard lock(b.mutex);
    b.queue.push_back(std::move(task));
  }
  b.wake.notify_one();
}

bool background_poll() {
  Background& b = bg();
  if (b.mode == BackgroundMode::Stepped) b.run_one_on_caller();
  std::lock_guard lock(b.mutex);
  return !b.queue.empty() || b.running;
}

void background_wait() { bg().wait_all(); }

void background_discard() {
  std::lock_guard lock(bg().mutex);
  bg().queue.clear();
}

double background_job_ms() {
  const Background& b = bg();
  if (b.job_ms >= 0) return b.job_ms;
  return b.mode == BackgroundMode::Stepped ? 30.0 : std::numeric_limits<double>::infinity();
}

void set_background_job_ms(double ms) { bg().job_ms = ms; }

namespace {
// The stats are a separate object: a caller keeps them beside what `step` captures (often the
// caller's own job), so holding them must not keep the step alive (a reference cycle).
struct SlicedJob {
  std::function<bool()> step;
  std::shared_ptr<SliceStats> stats = std::make_shared<SliceStats>();
};

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

void run_slices(const std::shared_ptr<SlicedJob>& job) {
  const double budget = background_job_ms();
  const auto t0 = std::chrono::steady_clock::now();
  bool done = false;
  for (;;) {
    const auto s0 = std::chrono::steady_clock::now();
    if ((done = job->step())) break;
    const auto now = std::chrono::steady_clock::now();
    // The next step is expected to take as long as this one.
    if (ms_between(t0, now) + ms_between(s0, now) > budget) break;
  }
  const double ms = ms_between(t0, std::chrono::steady_clock::now());
  SliceStats& s = *job->stats;
  if (ms > s.longest_ms.load(std::memory_order_relaxed)) s.longest_ms.store(ms, std::memory_order_relaxed);
  s.tasks.fetch_add(1, std::memory_order_release); // one thread runs a job's tasks, one after another
  if (!done) background_submit([job] { run_slices(job); });
}
} // namespace

std::shared_ptr<const SliceStats> background_submit_sliced(std::function<bool()> step) {
  auto job = std::make_shared<SlicedJob>();
  job->step = std::move(step);
  std::shared_ptr<const SliceStats> stats = job->stats;
  background_submit([job] { run_slices(job); });
  return stats;
}

int64_t SliceSizer::next(int64_t remaining) const {
  const double target = background_job_ms() / 3.0;
  if (remaining <= 1 || std::isinf(target) || ms_per_unit_ <= 0) return std::max<int64_t>(remaining, 1);
  const double units = std::floor(target / ms_per_unit_);
  return std::clamp<int64_t>(static_cast<int64_t>(std::min(units, 1e15)), 1, remaining);
}

void SliceSizer::took(int64_t units, double ms) {
  if (units > 0) ms_per_unit_ = std::max(ms, kClockStepMs) / static_cast<double>(units);
}

} // namespace convplay::app
