// Export of the scene "train": the trained weights as a .npz (NumPy's zip of .npy files, stored
// uncompressed, one per tensor under PyTorch's state_dict name) and the PyTorch code that builds the
// same nn.Sequential and loads them, so a student can continue in PyTorch.
#pragma once
#include "train_session.h"

#include <convplay/network.h>
#include <convplay/tensor.h>
#include <convplay/train.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convplay::app {

// CRC-32 (IEEE 802.3, as zip and zlib's crc32()) of bytes.
uint32_t crc32_of(std::string_view bytes) noexcept;
// A zip archive of the files (name, bytes), stored without compression (what numpy.savez writes).
std::string zip_store(const std::vector<std::pair<std::string, std::string>>& files);
// The tensors as "<name>.npy" in a zip: numpy.load() reads it as a dict name → array.
std::string npz_bytes(const std::vector<NamedTensor>& tensors);
// "lenet5.npz", "mlp.npz", "stack.npz" for the session's model key.
std::string export_file_name(std::string_view model);
// pytorch_code() of the network on Fashion-MNIST's 1×28×28, then the lines that load `file` into it.
Expected<std::string> pytorch_loading_code(const std::vector<NetLayer>& layers, const std::string& file);
// How the platform gives the student a file (platform_native.cpp: into the current folder;
// platform_web.cpp: a download): where it went ("in /home/…/lenet5.npz") or why not. Installed by the
// platform at start (as the data fetcher); none in tests.
using FileSaver = Expected<std::string> (*)(const std::string& name, const std::string& bytes);
void set_file_saver(FileSaver saver);
// Network i's weights saved or downloaded through the platform's FileSaver; what happened, for the
// student ("saved lenet5.npz (…) in …") or why not.
Expected<std::string> export_weights(const TrainSession& session, size_t i);

} // namespace convplay::app
