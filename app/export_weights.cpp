#include "export_weights.h"

#include <convplay/npy.h>

#include <array>

namespace convplay::app {
namespace {

FileSaver g_saver = nullptr;

void put16(std::string& s, uint32_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, uint32_t v) {
  put16(s, v & 0xffff);
  put16(s, v >> 16);
}

} // namespace

uint32_t crc32_of(std::string_view bytes) noexcept {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

// Local file headers with the data, then the central directory and its end record (APPNOTE 4.3);
// version 2.0, method 0 (stored), no time stamp (1980-01-01), sizes below 4 GiB (no zip64).
std::string zip_store(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out, central;
  for (const auto& file : files) {
    const std::string& name = file.first;
    const std::string& data = file.second;
    const uint32_t crc = crc32_of(data), size = static_cast<uint32_t>(data.size());
    const uint32_t offset = static_cast<uint32_t>(out.size());
    auto common = [&](std::string& s) {
      put16(s, 20);   // version needed
      put16(s, 0);    // flags
      put16(s, 0);    // stored
      put16(s, 0);    // time
      put16(s, 0x21); // date: 1980-01-01
      put32(s, crc);
      put32(s, size);
      put32(s, size);
      put16(s, static_cast<uint32_t>(name.size()));
      put16(s, 0);    // extra field
    };
    put32(out, 0x04034b50);
    common(out);
    out += name;
    out += data;
    put32(central, 0x02014b50);
    put16(central, 20); // version made by
    common(central);
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, offset);
    central += name;
  }
  const uint32_t dir_offset = static_cast<uint32_t>(out.size()), dir_size = static_cast<uint32_t>(central.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint32_t>(files.size()));
  put16(out, static_cast<uint32_t>(files.size()));
  put32(out, dir_size);
  put32(out, dir_offset);
  put16(out, 0);
  return out;
}

std::string npz_bytes(const std::vector<NamedTensor>& tensors) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& t : tensors) files.emplace_back(t.name + ".npy", npy_bytes(t.tensor));
  return zip_store(files);
}

std::string export_file_name(std::string_view model) { return std::string(model) + ".npz"; }

Expected<std::string> pytorch_loading_code(const std::vector<NetLayer>& layers, const std::string& file) {
  auto code = pytorch_code(kFashionInput, layers);
  if (!code.ok()) return code;
  return *code + "\n# The weights trained in the playground (Fashion-MNIST, inputs (x / 255 - 0.2860) / 0.3530):\n"
                 "import numpy as np\n"
                 "weights = np.load('" + file + "')\n"
                 "model.load_state_dict({k: torch.from_numpy(weights[k]) for k in weights.files})\n"
                 "model.eval()\n";
}

void set_file_saver(FileSaver saver) { g_saver = saver; }

Expected<std::string> export_weights(const TrainSession& session, size_t i) {
  if (!g_saver) return Error{"saving files is not available here"};
  const auto tensors = session.state_dict(i);
  if (tensors.empty()) return Error{"the network is busy training: try again"};
  const SessionView& v = session.view();
  const std::string name = export_file_name(i < v.nets.size() ? v.nets[i].model : "weights");
  auto where = g_saver(name, npz_bytes(tensors));
  if (!where.ok()) return where;
  return "saved " + name + " (" + std::to_string(tensors.size()) + " tensors under PyTorch's names) " + *where;
}

} // namespace convplay::app
