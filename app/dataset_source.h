// The training data of the scene "train": Fashion-MNIST, loaded only when a scene asks for it.
// Natively the four files are read from Debian's dataset-fashion-mnist folder (kFashionMnistDir, or the
// environment variable CONVPLAY_DATASET_DIR); in the browser they are fetched next to the app
// (bin/datasets/fashion-mnist/, copied there by the build), counted in megabytes as they arrive and
// inflated by the browser. The training images become usable while their file is still arriving: once
// the labels are in, every complete image is appended to data_train() as its bytes come in.
//
// Everything here runs on the main thread: the platform delivers bytes into a queue, and data_pump()
// moves them into the datasets. A scene that trains on another thread calls data_request(), data_pump()
// and data_reset() only while that thread is not reading (between its jobs), so the datasets never
// change under a reader.
#pragma once
#include <convplay/dataset.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace convplay::app {

enum class DataState { Idle, Loading, Ready, Failed };
const char* data_state_name(DataState s) noexcept; // "idle", "loading", "ready", "failed"

struct DataStatus {
  DataState state = DataState::Idle;
  int64_t bytes_received = 0; // compressed bytes of the four files received so far
  int64_t bytes_total = 0;    // their sizes, as far as known (0 until the sizes are known)
  std::string error;          // Failed: what went wrong, for the student ("… could not be fetched: HTTP 404")
};

// Starts loading (Idle or Failed: a retry). Nothing happens when loading or ready.
void data_request();
const DataStatus& data_status();
// Moves the bytes received since the last call into train() and test(); returns true if anything changed.
bool data_pump();
const Dataset& data_train(); // grows while loading; complete() once its file is in
const Dataset& data_test();

// Tests and scripted runs: use these datasets (Ready at once) instead of the files.
void data_set_for_tests(Dataset train, Dataset test);
void data_reset(); // back to Idle, no data

// The platform's way to get one file (platform_native.cpp, platform_web.cpp install theirs): it calls
// `bytes` with consecutive pieces of the *uncompressed* file, `progress` with compressed bytes so far and
// the file's compressed size (0 if unknown), then `done` once with "" or an error. Calls come on the
// main thread, possibly after the fetcher has returned.
struct DataFileSink {
  std::function<void(std::string_view)> bytes;
  std::function<void(int64_t received, int64_t total)> progress;
  std::function<void(const std::string& error)> done;
};
using DataFetcher = void (*)(const char* file_name, DataFileSink sink);
void set_data_fetcher(DataFetcher fetcher);

} // namespace convplay::app
