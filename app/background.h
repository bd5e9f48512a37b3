// Work that would freeze the page runs off the browser's main thread (a scene's timing of a real layer
// can take a tenth of a second and, with threads, keeps the pool's workers busy: the main thread must
// not wait on them). Tasks run in the order submitted:
//   Thread  — on one worker thread, created once (threaded builds and the native app);
//   Stepped — one task per frame on the caller (the single-threaded WebAssembly build: no thread to
//             hand work to, so the work is cut into steps and the page stays responsive between them);
//   Inline  — at once, inside submit() (unit tests and scripted screenshots: results are there when
//             the call returns). The default until the App picks a mode.
// A task owns what it writes; the submitter reads it only after the task has run (see Scene users).
#pragma once
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

} // namespace convplay::app
