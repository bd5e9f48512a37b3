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
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

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
  explicit ThreadPool(std::size_t workers);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool(); // joins the workers

  std::size_t workers() const noexcept { return workers_; } // threads started besides the caller

  // Parallel version of: for (i = 0; i < n; ++i) f(i). Blocks until every index has run. While another
  // thread's loop holds the pool, this one runs on the caller instead of waiting (same results).
  template <class F> void parallel_for(std::size_t n, F&& f) {
    if (n == 0) return;
    if (workers_ == 0 || n == 1) {
      for (std::size_t i = 0; i < n; ++i) f(i);
      return;
    }
    run(n, [&f](std::size_t i) { f(i); });
  }

  // Number of distinct threads (caller included) seen running a parallel_for of workers()+1 items:
  // a self-check that the workers really run (each item waits up to 1 s for the others to start).
  std::size_t probe_running_threads();

private:
  struct Shared;                             // the workers' hand-over state (thread_pool.cpp)
  void run(std::size_t n, const std::function<void(std::size_t)>& job); // n ≥ 2, at least one worker
  std::size_t workers_ = 0;
  std::unique_ptr<Shared> shared_;
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
