// convplay-train: the trainer as its own program (the WebAssembly builds' build/wasm-*/bin/convplay-train.js,
// run with node --no-experimental-fetch). In WebAssembly, where the core has no zlib, the .gz files are
// inflated by Node's zlib (train_node_files.cpp).
#include "train_cli.h"

#if defined(__EMSCRIPTEN__)
convplay::Expected<std::string> node_read_data_file(const std::string& path); // train_node_files.cpp
int main(int argc, char** argv) { return convplay_train_main(argc, argv, node_read_data_file); }
#else
int main(int argc, char** argv) { return convplay_train_main(argc, argv, convplay::read_data_file); }
#endif
