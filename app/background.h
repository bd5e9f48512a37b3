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
// SliceSizer sizes the steps from the time the last ones took.
#pragma once
#include <cstdint>
#include <functional>

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

// A long computation as steps: `step` does one slice and returns true when everything is done (or
// given up). Steps run in background tasks of at most background_job_ms() each (at least one step
// per task); a task with time left runs the next step, else submits the rest as a new task.
void background_submit_sliced(std::function<bool()> step);

// How many units (output rows, filters) the next step of a sliced computation takes, so that a step
// lasts about a third of a task: all that remain when tasks are unbounded. Before the first step it
// goes by `estimate_ms` per unit (the caller's guess), then by what the steps took.
class SliceSizer {
public:
  explicit SliceSizer(double estimate_ms = 0.0) : ms_per_unit_(estimate_ms) {}
  int64_t next(int64_t remaining) const;
  void took(int64_t units, double ms); // a step of `units` units took `ms`

private:
  double ms_per_unit_;
};

} // namespace convplay::app
