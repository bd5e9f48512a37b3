#include "background.h"

#include <convplay/thread_pool.h>

#include <condition_variable>
#include <deque>
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

} // namespace convplay::app
