// Work that would freeze the page runs off the browser's main thread (a scene's timing of a real layer
// can take a tenth of a second and, with threads, keeps the pool's workers busy: the main thread must
// not wait on them). Tasks run in the order submitted:
//   Thread  — on one worker thread, created once (threaded builds and the native app);
//   Stepped — one task per frame on the caller (the single-threaded WebAssembly build: no thread to
//             hand work to, so the work is cut into steps and the page stays responsive between them);
//   Inline  — at once, inside submit() (unit tests and scripted screenshots: results are there when
//             the call returns). The default until the App picks a mode.
// A task owns what it writes; the submitter reads it only after the task has run (see Scene users).
//
// Long computations (a timing of a big layer, big feature maps) are cut into slices: a sliced task
// (background_submit_sliced) runs its step again and again for at most background_job_ms(), then
// submits its own continuation, so that in Stepped mode no frame waits more than about 100 ms.
// SliceSizer sizes the steps from the time the last ones took; SliceStats says what the tasks cost.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace convplay::app {

enum class BackgroundMode { Inline, Stepped, Thread };

void set_background_mode(BackgroundMode mode); // waits for queued tasks first
BackgroundMode background_mode();
void background_submit(std::function<void()> task);
// Called once per frame by the App: in Stepped mode runs the next task. True while tasks are queued
// or running (the App keeps drawing frames until they are done).
bool background_poll();
// Runs or waits for every queued task (tests, screenshots).
void background_wait();
// Drops the tasks not started yet (shutdown: nobody will read their results).
void background_discard();

// How long one task of a sliced computation may run (ms): Stepped 30 (it runs after the frame's
// drawing: the page keeps drawing and no frame waits more than about 100 ms); Thread and Inline
// unbounded (a worker thread does not hold up the page; Inline wants the result on return).
double background_job_ms();
void set_background_job_ms(double ms); // tests: a limit for every mode (0: one step per task); < 0: the modes' own

// What a sliced computation's tasks cost the thread that ran them (in Stepped mode the main thread,
// one task after a frame): written by that thread as each task ends, read by anyone.
struct SliceStats {
  std::atomic<int> tasks{0};          // tasks run so far (1: in one go)
  std::atomic<double> longest_ms{0};  // the longest of them, ms by the steady clock
};

// A long computation as steps: `step` does one slice and returns true when everything is done (or
// given up). Steps run in background tasks of at most background_job_ms() each (at least one step
// per task); a task with time left runs the next step, else submits the rest as a new task. Every
// step must be short (about a third of a task at most, SliceSizer): a task is as long as its steps.
// Returns the computation's SliceStats (complete once the last step has returned and its task ended).
std::shared_ptr<const SliceStats> background_submit_sliced(std::function<bool()> step);

// How many units (output rows, filters) the next step of a sliced computation takes, so that a step
// lasts about a third of a task: all that remain when tasks are unbounded. Before the first step it
// goes by `estimate_ms` per unit (the caller's guess; 0: all that remain), then by what the steps took.
// A step measured under kClockStepMs counts as that long (a browser's clock ticks in 0.1 ms without
// cross-origin isolation, Firefox's in 1 ms: a step seen as 0 ms must not make the next one all that
// remain): in Stepped mode a step is at most about ten times the last one.
inline constexpr double kClockStepMs = 1.0;
class SliceSizer {
public:
  explicit SliceSizer(double estimate_ms = 0.0) : ms_per_unit_(estimate_ms) {}
  int64_t next(int64_t remaining) const;
  void took(int64_t units, double ms); // a step of `units` units took `ms`

private:
  double ms_per_unit_;
};

} // namespace convplay::app
