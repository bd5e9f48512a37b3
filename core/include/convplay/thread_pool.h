// convplay/thread_pool.h — a fixed pool of worker threads, created once.
//
// parallel_for(n, f) is a parallel version of the serial loop
//     for (size_t i = 0; i < n; ++i) f(i);
// Each index runs exactly once, on some thread; the calling thread takes part. Results do not depend
// on the number of threads as long as f(i) writes only what index i owns (the same summation order
// on any machine). A pool of 0 workers runs the loop serially on the caller, which is also what the
// single-threaded WebAssembly build gets.
//
// WebAssembly: workers are std::threads, i.e. Emscripten pthreads; the page must be cross-origin
// isolated and the program linked with -sPTHREAD_POOL_SIZE >= workers, because a thread created on
// the browser's main thread only starts after control returns to the event loop.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace convplay {

class ThreadPool {
public:
  // True when this build can start threads (not so in the single-threaded WebAssembly build).
  static constexpr bool threads_supported() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    return false;
#else
    return true;
#endif
  }

  // Starts `workers` threads, or none where threads are not supported (then every loop is serial).
  explicit ThreadPool(std::size_t workers) {
    if (!threads_supported()) workers = 0;
    threads_.reserve(workers);
    for (std::size_t t = 0; t < workers; ++t) threads_.emplace_back([this] { worker_loop(); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      published_.store(~std::size_t{0}); // ends the spinning too
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  std::size_t workers() const noexcept { return threads_.size(); } // threads started besides the caller

  // How long an idle worker polls for the next loop before it sleeps (a sleeping thread takes 10–20 µs
  // to wake, as long as a small layer). Natively a poll yields the core (sched_yield), so it polls
  // 0.5 ms. In WebAssembly a yield gives nothing up (Emscripten's sched_yield only runs queued calls):
  // when the machine is busy and the caller shares a core with the worker, every poll takes the core
  // from the caller. Measured with both threads on one core (taskset; 1 thread: s3 0.244 ms, s5
  // 7.79 ms): polling 0.5 ms made 2 threads take s3 0.38 ms and s5 8.9 ms, polling 5 µs 0.25 and
  // 8.0 (s2, 0.019 ms alone, pays the wake-up instead: 0.020 → 0.025); on an idle machine 5 µs still
  // catches back-to-back loops (s2 0.012 ms either way).
  static constexpr std::chrono::microseconds idle_poll() {
#if defined(__EMSCRIPTEN__)
    return std::chrono::microseconds(5);
#else
    return std::chrono::microseconds(500);
#endif
  }

  // Parallel version of: for (i = 0; i < n; ++i) f(i). Blocks until every index has run.
  template <class F> void parallel_for(std::size_t n, F&& f) {
    if (n == 0) return;
    if (threads_.empty() || n == 1) {
      for (std::size_t i = 0; i < n; ++i) f(i);
      return;
    }
    std::function<void(std::size_t)> job = [&f](std::size_t i) { f(i); };
    // One parallel_for at a time. Another thread's loop already holds the pool (e.g. the app's
    // background work while the main thread computes): run this one on the caller instead of
    // waiting for it, so the browser's main thread never blocks on the pool. Same results either way.
    std::unique_lock call_lock(call_mutex_, std::try_to_lock);
    if (!call_lock.owns_lock()) {
      for (std::size_t i = 0; i < n; ++i) f(i);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      job_ = &job;
      count_ = n;
      next_.store(0);
      done_.store(0);
      ++generation_;
      published_.store(generation_, std::memory_order_release);
    }
    wake_.notify_all();
    done_.fetch_add(run_indices(job, n), std::memory_order_acq_rel);
    // 1. Wait until every index has run. Lock-free polling first (a worker finishing its last index
    //    must not queue behind a caller that polls under the mutex: in WebAssembly a contended mutex
    //    puts the thread to sleep for tens of microseconds), then sleep.
    wait_until([&] { return done_.load(std::memory_order_acquire) == n; });
    // 2. Close the job: from now on no worker can join it (workers join under the mutex).
    {
      std::lock_guard lock(mutex_);
      job_ = nullptr;
    }
    // 3. Wait for workers still inside run_indices (they find no index left), so none can touch
    //    next_ of the following call.
    wait_until([&] { return active_.load(std::memory_order_acquire) == 0; });
  }

  // Number of distinct threads (caller included) seen running a parallel_for of workers()+1 items:
  // a self-check that the workers really run. Each item waits (up to 1 s) until all have started, so
  // no thread can take two of them unless some thread never came.
  std::size_t probe_running_threads() {
    std::vector<std::thread::id> ids(workers() + 1);
    std::atomic<std::size_t> started{0};
    parallel_for(ids.size(), [&](std::size_t i) {
      ids[i] = std::this_thread::get_id();
      started.fetch_add(1);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      while (started.load() < ids.size() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    });
    std::sort(ids.begin(), ids.end());
    return static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
  }

private:
  std::size_t run_indices(const std::function<void(std::size_t)>& job, std::size_t count) {
    std::size_t ran = 0;
    for (std::size_t i = next_.fetch_add(1); i < count; i = next_.fetch_add(1)) {
      job(i);
      ++ran;
    }
    return ran;
  }

  void worker_loop() {
    std::size_t seen = 0;
    for (;;) {
      const std::function<void(std::size_t)>* job = nullptr;
      std::size_t count = 0;
      // Poll briefly for the next loop before sleeping (see idle_poll()).
      for (const auto until = std::chrono::steady_clock::now() + idle_poll();
           published_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until;)
        std::this_thread::yield();
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        // Woken too late: the caller already finished that loop alone. Poll for the next one instead
        // of sleeping again (else a worker whose wake-up is slower than the loops, as in WebAssembly,
        // would never take part again).
        if (job_ == nullptr) continue;
        job = job_;
        count = count_;
        active_.fetch_add(1, std::memory_order_acq_rel);
      }
      done_.fetch_add(run_indices(*job, count), std::memory_order_acq_rel);
      active_.fetch_sub(1, std::memory_order_acq_rel);
      // The caller may be asleep in wait_until: take the mutex once so the notification cannot fall
      // between its check and its wait.
      { std::lock_guard lock(mutex_); }
      finished_.notify_one();
    }
  }

  // Polls done() for up to 0.5 ms (yielding), then sleeps on finished_ until it holds. The caller
  // waits here for items that workers are running, which is short unless a worker was descheduled.
  template <class Pred> void wait_until(Pred done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(500);
    while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    if (done()) return;
    std::unique_lock lock(mutex_);
    finished_.wait(lock, done);
  }

  std::vector<std::thread> threads_;
  std::mutex call_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t count_ = 0, generation_ = 0;
  std::atomic<std::size_t> next_{0}, done_{0}, active_{0};
  std::atomic<std::size_t> published_{0}; // generation_, readable without the lock
  bool stopping_ = false;
};

// for (i = 0; i < n; ++i) f(i) with signed indices, as the kernels count: on the pool when there is
// one (and it has workers), else on the calling thread.
template <class F> void parallel_for(ThreadPool* pool, std::int64_t n, F&& f) {
  if (n <= 0) return;
  if (pool && pool->workers() > 0 && n > 1)
    pool->parallel_for(static_cast<std::size_t>(n), [&](std::size_t i) { f(static_cast<std::int64_t>(i)); });
  else
    for (std::int64_t i = 0; i < n; ++i) f(i);
}

} // namespace convplay
