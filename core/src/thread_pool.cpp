// ThreadPool's workers and the hand-over of each parallel_for (convplay/thread_pool.h).
#include <convplay/thread_pool.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace convplay {
namespace {

// How long an idle worker polls for the next loop before it sleeps (a sleeping thread takes 10–20 µs
// to wake, as long as a small layer). Natively a poll yields the core (sched_yield), so it can poll
// long. In WebAssembly a yield gives nothing up (Emscripten's sched_yield only runs queued calls):
// on a busy machine where the caller shares a core with a worker every poll takes the core from the
// caller, so it polls just long enough to catch back-to-back loops.
constexpr std::chrono::microseconds idle_poll() {
#if defined(__EMSCRIPTEN__)
  return std::chrono::microseconds(5);
#else
  return std::chrono::microseconds(500);
#endif
}

} // namespace

struct ThreadPool::Shared {
  std::vector<std::thread> threads;
  std::mutex call_mutex; // one parallel_for at a time
  std::mutex mutex;
  std::condition_variable wake, finished;
  const std::function<void(std::size_t)>* job = nullptr;
  std::size_t count = 0, generation = 0;
  std::atomic<std::size_t> next{0}, done{0}, active{0};
  std::atomic<std::size_t> published{0}; // generation, readable without the lock
  bool stopping = false;

  std::size_t run_indices(const std::function<void(std::size_t)>& f, std::size_t n) {
    std::size_t ran = 0;
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      f(i);
      ++ran;
    }
    return ran;
  }

  void worker_loop() {
    std::size_t seen = 0;
    for (;;) {
      const std::function<void(std::size_t)>* f = nullptr;
      std::size_t n = 0;
      // Poll briefly for the next loop before sleeping (see idle_poll()).
      for (const auto until = std::chrono::steady_clock::now() + idle_poll();
           published.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until;)
        std::this_thread::yield();
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || generation != seen; });
        if (stopping) return;
        seen = generation;
        // Woken too late: the caller already finished that loop alone. Poll for the next one instead
        // of sleeping again (else a worker whose wake-up is slower than the loops, as in WebAssembly,
        // would never take part again).
        if (job == nullptr) continue;
        f = job;
        n = count;
        active.fetch_add(1, std::memory_order_acq_rel);
      }
      done.fetch_add(run_indices(*f, n), std::memory_order_acq_rel);
      active.fetch_sub(1, std::memory_order_acq_rel);
      // The caller may be asleep in wait_until: take the mutex once so the notification cannot fall
      // between its check and its wait.
      { std::lock_guard lock(mutex); }
      finished.notify_one();
    }
  }

  // Polls done() for up to 0.5 ms (yielding), then sleeps on `finished` until it holds. The caller
  // waits here for items that workers are running, which is short unless a worker was descheduled.
  template <class Pred> void wait_until(Pred is_done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(500);
    while (!is_done() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    if (is_done()) return;
    std::unique_lock lock(mutex);
    finished.wait(lock, is_done);
  }
};

ThreadPool::ThreadPool(std::size_t workers) : shared_(std::make_unique<Shared>()) {
  if (!threads_supported()) workers = 0;
  shared_->threads.reserve(workers);
  for (std::size_t t = 0; t < workers; ++t) shared_->threads.emplace_back([s = shared_.get()] { s->worker_loop(); });
  workers_ = shared_->threads.size();
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->published.store(~std::size_t{0}); // ends the spinning too
  }
  shared_->wake.notify_all();
  for (auto& t : shared_->threads) t.join();
}

void ThreadPool::run(std::size_t n, const std::function<void(std::size_t)>& job) {
  Shared& s = *shared_;
  // One parallel_for at a time. Another thread's loop already holds the pool (e.g. the app's
  // background work while the main thread computes): run this one on the caller instead of
  // waiting for it, so the browser's main thread never blocks on the pool.
  std::unique_lock call_lock(s.call_mutex, std::try_to_lock);
  if (!call_lock.owns_lock()) {
    for (std::size_t i = 0; i < n; ++i) job(i);
    return;
  }
  {
    std::lock_guard lock(s.mutex);
    s.job = &job;
    s.count = n;
    s.next.store(0);
    s.done.store(0);
    ++s.generation;
    s.published.store(s.generation, std::memory_order_release);
  }
  s.wake.notify_all();
  s.done.fetch_add(s.run_indices(job, n), std::memory_order_acq_rel);
  // 1. Wait until every index has run. Lock-free polling first (a worker finishing its last index
  //    must not queue behind a caller that polls under the mutex: in WebAssembly a contended mutex
  //    puts the thread to sleep for tens of microseconds), then sleep.
  s.wait_until([&] { return s.done.load(std::memory_order_acquire) == n; });
  // 2. Close the job: from now on no worker can join it (workers join under the mutex).
  {
    std::lock_guard lock(s.mutex);
    s.job = nullptr;
  }
  // 3. Wait for workers still inside run_indices (they find no index left), so none can touch
  //    `next` of the following call.
  s.wait_until([&] { return s.active.load(std::memory_order_acquire) == 0; });
}

std::size_t ThreadPool::probe_running_threads() {
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

} // namespace convplay
