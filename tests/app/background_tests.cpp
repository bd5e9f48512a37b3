// app/background.h: tasks run once each, in order, in every mode; the modes differ only in where.
#include <catch2/catch.hpp>

#include "background.h"

#include <convplay/thread_pool.h>

#include <atomic>
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
