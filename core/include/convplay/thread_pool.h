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
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace convplay {

class ThreadPool {
public:
  explicit ThreadPool(std::size_t workers) {
    threads_.reserve(workers);
    for (std::size_t t = 0; t < workers; ++t) threads_.emplace_back([this] { worker_loop(); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  std::size_t workers() const noexcept { return threads_.size(); } // threads started besides the caller

  // Parallel version of: for (i = 0; i < n; ++i) f(i). Blocks until every index has run.
  template <class F> void parallel_for(std::size_t n, F&& f) {
    if (n == 0) return;
    if (threads_.empty() || n == 1) {
      for (std::size_t i = 0; i < n; ++i) f(i);
      return;
    }
    std::function<void(std::size_t)> job = [&f](std::size_t i) { f(i); };
    std::unique_lock call_lock(call_mutex_); // one parallel_for at a time
    {
      std::lock_guard lock(mutex_);
      job_ = &job;
      count_ = n;
      next_.store(0);
      done_ = 0;
      ++generation_;
    }
    wake_.notify_all();
    const std::size_t mine = run_indices(job, n);
    std::unique_lock lock(mutex_);
    done_ += mine;
    // Also wait for every worker to leave run_indices, so none can touch next_ of the following call.
    finished_.wait(lock, [this] { return done_ == count_ && active_ == 0; });
    job_ = nullptr;
  }

  // Number of distinct threads (caller included) that executed at least one index of a parallel_for
  // with n = workers()+1 slow-enough items: a self-check that the workers really run.
  std::size_t probe_running_threads() {
    std::vector<std::thread::id> ids(workers() + 1);
    parallel_for(ids.size(), [&](std::size_t i) {
      ids[i] = std::this_thread::get_id();
      std::this_thread::sleep_for(std::chrono::milliseconds(2)); // let every worker pick one
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
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || (generation_ != seen && job_ != nullptr); });
        if (stopping_) return;
        seen = generation_;
        job = job_;
        count = count_;
        ++active_;
      }
      const std::size_t ran = run_indices(*job, count);
      std::lock_guard lock(mutex_);
      done_ += ran;
      --active_;
      if (done_ == count_ && active_ == 0) finished_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex call_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t count_ = 0, done_ = 0, generation_ = 0, active_ = 0;
  std::atomic<std::size_t> next_{0};
  bool stopping_ = false;
};

} // namespace convplay
