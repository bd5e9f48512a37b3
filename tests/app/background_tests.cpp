// app/background.h: tasks run once each, in order, in every mode; the modes differ only in where.
#include <catch2/catch.hpp>

#include "background.h"

#include <convplay/thread_pool.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using namespace convplay::app;

namespace {
struct Restore { // the tests expect Inline (the default): leave it so
  ~Restore() { set_background_mode(BackgroundMode::Inline); }
};
} // namespace

TEST_CASE("background: Inline runs the task inside submit", "[background]") {
  Restore restore;
  set_background_mode(BackgroundMode::Inline);
  int ran = 0;
  background_submit([&] { ++ran; });
  CHECK(ran == 1);
  CHECK_FALSE(background_poll());
}

TEST_CASE("background: Stepped runs one task per poll, in order", "[background]") {
  Restore restore;
  set_background_mode(BackgroundMode::Stepped);
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) background_submit([&order, i] { order.push_back(i); });
  CHECK(order.empty()); // nothing until the frame polls
  CHECK(background_poll());
  CHECK(order == std::vector<int>{0});
  CHECK(background_poll());
  CHECK(order.size() == 2);
  CHECK_FALSE(background_poll()); // the last one ran: nothing left
  CHECK(order == std::vector<int>{0, 1, 2});
  background_submit([&order] { order.push_back(3); });
  background_wait(); // runs what is left on the caller
  CHECK(order.size() == 4);
}

TEST_CASE("background: Thread runs tasks off the caller's thread, in order, and wait() waits", "[background]") {
  Restore restore;
  set_background_mode(BackgroundMode::Thread);
  if (!convplay::ThreadPool::threads_supported()) {
    CHECK(background_mode() == BackgroundMode::Stepped); // the single-threaded build falls back
    return;
  }
  REQUIRE(background_mode() == BackgroundMode::Thread);
  std::mutex m;
  std::vector<int> order;
  std::vector<std::thread::id> where;
  std::atomic<bool> release{false};
  background_submit([&] { while (!release.load()) std::this_thread::yield(); }); // holds the worker
  for (int i = 0; i < 50; ++i)
    background_submit([&, i] {
      std::lock_guard lock(m);
      order.push_back(i);
      where.push_back(std::this_thread::get_id());
    });
  CHECK(background_poll()); // busy: the caller is not blocked meanwhile
  release = true;
  background_wait();
  CHECK_FALSE(background_poll());
  REQUIRE(order.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(order[static_cast<size_t>(i)] == i);
  for (auto id : where) CHECK(id != std::this_thread::get_id());
}

TEST_CASE("background: a sliced job counts its tasks and the longest, one step per task when no time is left", "[background]") {
  Restore restore;
  set_background_mode(BackgroundMode::Stepped);
  set_background_job_ms(0); // every task ends after its first step
  int steps = 0;
  auto stats = background_submit_sliced([&steps] {
    if (++steps == 2) { // a step of at least 2 ms by the steady clock
      const auto t0 = std::chrono::steady_clock::now();
      while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2)) {}
    }
    return steps == 5;
  });
  CHECK(stats->tasks.load() == 0); // nothing until the frame polls
  int polls = 1;
  while (background_poll()) ++polls;
  set_background_job_ms(-1);
  CHECK(steps == 5);
  CHECK(polls == 5);
  CHECK(stats->tasks.load() == 5);
  CHECK(stats->longest_ms.load() >= 2.0);

  set_background_mode(BackgroundMode::Inline); // unbounded: every step in one task
  steps = 0;
  stats = background_submit_sliced([&steps] { return ++steps == 5; });
  CHECK(steps == 5);
  CHECK(stats->tasks.load() == 1);
}

TEST_CASE("background: SliceSizer aims at a third of a task and after a step too short to measure grows by the aim over kClockStepMs at most", "[background]") {
  Restore restore;
  set_background_mode(BackgroundMode::Stepped);
  set_background_job_ms(24); // steps of 8 ms (numbers exact in binary)
  CHECK(SliceSizer().next(100) == 100); // no estimate: all that remain
  SliceSizer s(1.0);                    // 1 ms a unit
  CHECK(s.next(100) == 8);
  CHECK(s.next(4) == 4);
  CHECK(s.next(0) == 1);
  s.took(8, 0.0); // seen as 0 ms (a coarse clock): counted as kClockStepMs
  CHECK(s.next(100000) == static_cast<int64_t>(8 * 8.0 / kClockStepMs));
  s.took(64, 32.0); // 0.5 ms a unit
  CHECK(s.next(1000) == 16);
  set_background_job_ms(-1);
  set_background_mode(BackgroundMode::Inline); // unbounded: all that remain
  CHECK(s.next(1000) == 1000);
}
