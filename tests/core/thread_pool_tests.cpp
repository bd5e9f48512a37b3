// ThreadPool: parallel_for(n, f) runs f(i) exactly once for every i, for any number of workers, and can
// be called many times in a row (the hand-over between calls is where pools break).
#include <catch2/catch.hpp>

#include <convplay/thread_pool.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

TEST_CASE("parallel_for runs every index exactly once", "[thread_pool]") {
  for (std::size_t workers : {0u, 1u, 2u, 3u}) {
    convplay::ThreadPool pool(workers);
    CHECK(pool.workers() == (convplay::ThreadPool::threads_supported() ? workers : 0));
    for (std::size_t n : {0u, 1u, 2u, 7u, 64u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      for (int repeat = 0; repeat < 20; ++repeat) pool.parallel_for(n, [&](std::size_t i) { hits[i].fetch_add(1); });
      for (std::size_t i = 0; i < n; ++i) {
        INFO("workers " << workers << ", n " << n << ", index " << i);
        REQUIRE(hits[i].load() == 20);
      }
    }
  }
}

TEST_CASE("the workers really run", "[thread_pool]") {
  convplay::ThreadPool pool(2);
  // Two workers and the caller; in the single-threaded WebAssembly build, the caller alone.
  CHECK(pool.probe_running_threads() == (convplay::ThreadPool::threads_supported() ? 3u : 1u));
}

TEST_CASE("back-to-back tiny loops and loops after the workers fell asleep", "[thread_pool]") {
  // The hand-over: a call that starts while a worker still leaves the previous one, and a call that
  // must wake sleeping workers (after the 3 ms pauses their poll has ended).
  for (std::size_t workers : {1u, 3u}) {
    convplay::ThreadPool pool(workers);
    std::atomic<long> sum{0};
    long want = 0;
    for (int call = 0; call < 3000; ++call) {
      const std::size_t n = 2 + static_cast<std::size_t>(call % 5);
      pool.parallel_for(n, [&](std::size_t i) { sum.fetch_add(static_cast<long>(i) + 1); });
      want += static_cast<long>(n * (n + 1) / 2);
      if (call % 500 == 499) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    CHECK(sum.load() == want);
  }
}

TEST_CASE("every worker takes part again after idle gaps shorter and longer than its poll", "[thread_pool]") {
  // An idle worker polls for a while (idle_poll() in thread_pool.cpp) and then sleeps, so most
  // loops that follow a pause must wake it: each probe needs every thread to run one of its items. The
  // gaps fall on both sides of either poll.
  convplay::ThreadPool pool(2);
  const std::size_t want = convplay::ThreadPool::threads_supported() ? 3u : 1u;
  for (const int gap_us : {0, 2, 20, 250, 2000, 3000}) {
    const auto gap = std::chrono::microseconds(gap_us);
    for (int repeat = 0; repeat < 5; ++repeat) {
      std::this_thread::sleep_for(gap);
      INFO("gap " << gap.count() << " us, repeat " << repeat);
      CHECK(pool.probe_running_threads() == want);
    }
  }
}

TEST_CASE("a parallel_for called while another thread's loop holds the pool runs on its caller, without waiting",
          "[thread_pool]") {
  if (!convplay::ThreadPool::threads_supported()) return; // no second thread to hold the pool
  convplay::ThreadPool pool(2);
  std::atomic<bool> release{false}, holding{false};
  std::thread other([&] {
    pool.parallel_for(3, [&](std::size_t) {
      holding = true;
      while (!release.load()) std::this_thread::yield(); // keeps the pool busy until the check is done
    });
  });
  while (!holding.load()) std::this_thread::yield();
  std::vector<std::thread::id> where(50);
  pool.parallel_for(where.size(), [&](std::size_t i) { where[i] = std::this_thread::get_id(); });
  release = true;
  other.join();
  for (const auto& id : where) CHECK(id == std::this_thread::get_id());
  // and the pool still works for everyone afterwards
  std::vector<std::atomic<int>> hits(100);
  pool.parallel_for(hits.size(), [&](std::size_t i) { hits[i].fetch_add(1); });
  for (auto& h : hits) CHECK(h.load() == 1);
}
