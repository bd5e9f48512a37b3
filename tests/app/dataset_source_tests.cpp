// The app's Fashion-MNIST source with a fake platform fetcher: files arriving in pieces, images usable
// before their file is complete, failures reported with the file's name, and a retry.
#include <catch2/catch.hpp>

#include "dataset_source.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

void put_u32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}
std::string idx_labels(const std::vector<uint8_t>& labels) {
  std::string s;
  put_u32(s, 0x00000801);
  put_u32(s, static_cast<uint32_t>(labels.size()));
  s.append(labels.begin(), labels.end());
  return s;
}
std::string idx_images(int n, int rows, int cols) { // pixel value = image index, so order is checkable
  std::string s;
  put_u32(s, 0x00000803);
  put_u32(s, static_cast<uint32_t>(n));
  put_u32(s, static_cast<uint32_t>(rows));
  put_u32(s, static_cast<uint32_t>(cols));
  for (int i = 0; i < n; ++i) s.append(static_cast<size_t>(rows * cols), static_cast<char>(i));
  return s;
}

// The files the fake platform serves, and the sinks it holds until the test delivers.
std::map<std::string, std::string> g_files;
std::map<std::string, DataFileSink> g_sinks;
void fake_fetcher(const char* name, DataFileSink sink) { g_sinks[name] = std::move(sink); }

// Delivers `bytes` bytes of a file (from where the last call stopped); done at its end.
std::map<std::string, size_t> g_sent;
void deliver(const std::string& name, size_t bytes) {
  const std::string& file = g_files.at(name);
  size_t& sent = g_sent[name];
  const size_t n = std::min(bytes, file.size() - sent);
  DataFileSink& sink = g_sinks.at(name);
  sink.bytes(std::string_view(file).substr(sent, n));
  sent += n;
  sink.progress(static_cast<int64_t>(sent), static_cast<int64_t>(file.size()));
  if (sent == file.size()) sink.done({});
}

void serve(int train_n, int test_n) {
  std::vector<uint8_t> train_labels, test_labels;
  for (int i = 0; i < train_n; ++i) train_labels.push_back(static_cast<uint8_t>(i % 10));
  for (int i = 0; i < test_n; ++i) test_labels.push_back(static_cast<uint8_t>((i * 3) % 10));
  g_files = {{kFashionTrainLabels, idx_labels(train_labels)}, {kFashionTrainImages, idx_images(train_n, 4, 5)},
             {kFashionTestLabels, idx_labels(test_labels)}, {kFashionTestImages, idx_images(test_n, 4, 5)}};
  g_sinks.clear();
  g_sent.clear();
}

} // namespace

TEST_CASE("dataset source: images become usable while their file arrives", "[dataset_source]") {
  data_reset();
  set_data_fetcher(fake_fetcher);
  serve(7, 3);
  data_request();
  REQUIRE(data_status().state == DataState::Loading);
  REQUIRE(g_sinks.size() == 4); // all four asked for at once
  data_request();               // a second request while loading changes nothing
  REQUIRE(g_sinks.size() == 4);

  deliver(kFashionTrainImages, 16 + 20 * 2 + 7); // header, two images and part of the third: labels not in yet
  REQUIRE_FALSE(data_pump());
  REQUIRE(data_train().size() == 0);
  deliver(kFashionTrainLabels, 1000);
  REQUIRE(data_pump());
  REQUIRE(data_train().expected_size() == 7);
  REQUIRE(data_train().size() == 2);
  REQUIRE(data_train().image(1)[19] == 1);
  REQUIRE(data_train().label(1) == 1);
  deliver(kFashionTrainImages, 20 * 3);
  data_pump();
  REQUIRE(data_train().size() == 5);
  REQUIRE(data_status().bytes_received == static_cast<int64_t>(g_sent[kFashionTrainImages] + g_sent[kFashionTrainLabels]));
  REQUIRE(data_status().state == DataState::Loading);

  deliver(kFashionTrainImages, 1000);
  deliver(kFashionTestLabels, 1000);
  deliver(kFashionTestImages, 1000);
  data_pump();
  REQUIRE(data_status().state == DataState::Ready);
  REQUIRE(data_train().complete());
  REQUIRE(data_test().size() == 3);
  REQUIRE(data_test().label(2) == 6);
  int64_t total = 0;
  for (const auto& [name, file] : g_files) total += static_cast<int64_t>(file.size());
  REQUIRE(data_status().bytes_total == total);
  REQUIRE(data_status().bytes_received == total);
  data_reset();
  set_data_fetcher(nullptr);
}

TEST_CASE("dataset source: a failed or damaged file says which, and a retry starts again", "[dataset_source]") {
  data_reset();
  set_data_fetcher(fake_fetcher);
  serve(4, 2);
  data_request();
  g_sinks.at(kFashionTestImages).done("the server answered 404 Not Found");
  REQUIRE(data_status().state == DataState::Failed);
  REQUIRE(data_status().error.find(kFashionTestImages) != std::string::npos);
  REQUIRE(data_status().error.find("404") != std::string::npos);
  // Callbacks of the failed load are harmless after it.
  deliver(kFashionTrainLabels, 1000);
  REQUIRE_FALSE(data_pump());
  REQUIRE(data_train().size() == 0);

  serve(4, 2);
  data_request(); // retry
  REQUIRE(data_status().state == DataState::Loading);
  for (const char* f : {kFashionTrainLabels, kFashionTrainImages, kFashionTestLabels, kFashionTestImages}) deliver(f, 1 << 20);
  data_pump();
  REQUIRE(data_status().state == DataState::Ready);

  // An image file shorter than its header says.
  serve(4, 2);
  g_files[kFashionTestImages].resize(g_files[kFashionTestImages].size() - 5);
  data_reset();
  data_request();
  for (const char* f : {kFashionTrainLabels, kFashionTrainImages, kFashionTestLabels, kFashionTestImages}) deliver(f, 1 << 20);
  data_pump();
  REQUIRE(data_status().state == DataState::Failed);
  REQUIRE(data_status().error.find("damaged") != std::string::npos);

  // Labels that disagree with the images' count.
  serve(4, 2);
  g_files[kFashionTrainLabels] = idx_labels({1, 2, 3});
  data_reset();
  data_request();
  for (const char* f : {kFashionTrainLabels, kFashionTrainImages, kFashionTestLabels, kFashionTestImages}) deliver(f, 1 << 20);
  data_pump();
  REQUIRE(data_status().state == DataState::Failed);
  INFO(data_status().error);
  REQUIRE_FALSE(data_status().error.empty());
  data_reset();
  set_data_fetcher(nullptr);
}

TEST_CASE("dataset source: without a fetcher the request fails with a message", "[dataset_source]") {
  data_reset();
  set_data_fetcher(nullptr);
  data_request();
  REQUIRE(data_status().state == DataState::Failed);
  REQUIRE_FALSE(data_status().error.empty());
  REQUIRE(std::string(data_state_name(DataState::Ready)) == "ready");
  data_reset();
}

} // namespace convplay::app
