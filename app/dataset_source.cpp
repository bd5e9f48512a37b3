#include "dataset_source.h"

#include <array>
#include <memory>
#include <utility>

namespace convplay::app {
namespace {

// The four files, all asked for at once (so their sizes, and the progress bar's total, are known early);
// a file's images are used once its labels are complete, so training starts with the first images.
enum FileIndex { kTrainLabels, kTrainImages, kTestLabels, kTestImages, kFileCount };
constexpr std::array<const char*, kFileCount> kFiles = {kFashionTrainLabels, kFashionTrainImages, kFashionTestLabels,
                                                        kFashionTestImages};

struct FileState {
  std::string pending;      // bytes received and not yet pumped
  int64_t received = 0, total = 0;
  bool done = false;
};

struct Source {
  DataStatus status;
  Dataset train, test;
  std::string train_labels, test_labels; // whole label files, parsed when complete
  bool train_started = false, test_started = false;
  std::array<FileState, kFileCount> files;
  int serial = 0;      // a new load makes callbacks of an older one harmless
};

Source g_source;
DataFetcher g_fetcher = nullptr;

void fail(std::string message) {
  g_source.status.state = DataState::Failed;
  g_source.status.error = std::move(message);
}

void update_totals() {
  int64_t received = 0, total = 0;
  for (const FileState& f : g_source.files) {
    received += f.received;
    total += f.total;
  }
  g_source.status.bytes_received = received;
  g_source.status.bytes_total = total;
}

void request_file(int index) {
  const int serial = g_source.serial;
  auto alive = [serial] { return serial == g_source.serial && g_source.status.state == DataState::Loading; };
  DataFileSink sink;
  sink.bytes = [index, alive](std::string_view bytes) {
    if (alive()) g_source.files[static_cast<size_t>(index)].pending.append(bytes);
  };
  sink.progress = [index, alive](int64_t received, int64_t total) {
    if (!alive()) return;
    FileState& f = g_source.files[static_cast<size_t>(index)];
    f.received = received;
    f.total = total;
    update_totals();
  };
  sink.done = [index, alive](const std::string& error) {
    if (!alive()) return;
    if (!error.empty()) fail(std::string(kFiles[static_cast<size_t>(index)]) + " could not be loaded: " + error);
    else g_source.files[static_cast<size_t>(index)].done = true;
  };
  g_fetcher(kFiles[static_cast<size_t>(index)], std::move(sink));
}

// Labels whole, then images as they come; "" or what is wrong with the files.
std::string pump_pair(FileState& labels_file, FileState& images_file, std::string& labels, Dataset& data,
                      bool& started) {
  if (!started) {
    labels += labels_file.pending;
    labels_file.pending.clear();
    if (!labels_file.done) return {};
    auto d = Dataset::from_labels(labels);
    if (!d.ok()) return d.error();
    data = std::move(d.value());
    labels.clear();
    labels.shrink_to_fit();
    started = true;
  }
  if (!images_file.pending.empty()) {
    const std::string error = data.feed_images(images_file.pending);
    images_file.pending.clear();
    if (!error.empty()) return error;
  }
  if (images_file.done && !data.complete()) return "the image file ended before its last image";
  return {};
}

} // namespace

const char* data_state_name(DataState s) noexcept {
  switch (s) {
  case DataState::Idle: return "idle";
  case DataState::Loading: return "loading";
  case DataState::Ready: return "ready";
  case DataState::Failed: return "failed";
  }
  return "?";
}

void set_data_fetcher(DataFetcher fetcher) { g_fetcher = fetcher; }

void data_request() {
  const DataState s = g_source.status.state;
  if (s == DataState::Loading || s == DataState::Ready) return;
  const int serial = g_source.serial + 1;
  g_source = Source{};
  g_source.serial = serial;
  if (!g_fetcher) {
    fail("this build has no way to load Fashion-MNIST");
    return;
  }
  g_source.status.state = DataState::Loading;
  for (int i = 0; i < kFileCount && g_source.status.state == DataState::Loading; ++i) request_file(i);
}

const DataStatus& data_status() { return g_source.status; }

bool data_pump() {
  Source& s = g_source;
  if (s.status.state != DataState::Loading) return false;
  const int64_t before = s.train.size() + s.test.size();
  const bool train_was = s.train_started, test_was = s.test_started;
  std::string error = pump_pair(s.files[kTrainLabels], s.files[kTrainImages], s.train_labels, s.train, s.train_started);
  if (error.empty())
    error = pump_pair(s.files[kTestLabels], s.files[kTestImages], s.test_labels, s.test, s.test_started);
  if (!error.empty()) {
    fail("Fashion-MNIST is damaged: " + error);
    return true;
  }
  if (s.train.complete() && s.test.complete()) s.status.state = DataState::Ready;
  return s.train.size() + s.test.size() != before || train_was != s.train_started || test_was != s.test_started ||
         s.status.state == DataState::Ready;
}

const Dataset& data_train() { return g_source.train; }
const Dataset& data_test() { return g_source.test; }

void data_set_for_tests(Dataset train, Dataset test) {
  const int serial = g_source.serial + 1;
  g_source = Source{};
  g_source.serial = serial;
  g_source.train = std::move(train);
  g_source.test = std::move(test);
  g_source.status.state = DataState::Ready;
}

void data_reset() {
  const int serial = g_source.serial + 1;
  g_source = Source{};
  g_source.serial = serial;
}

} // namespace convplay::app
