// convplay/npy.h — NumPy .npy files (format versions 1.0, 2.0, 3.0), no other dependency.
// Reads little-endian C-order float32 and float64 (converted to float32) and int64; writes float32
// and int64. Every malformed file is an error with a message (bad magic, truncated, Fortran order,
// big-endian or other dtypes, shape/size mismatch). Writes go to a temporary file renamed into place,
// so a failed write never leaves a partial or clobbered output.
#pragma once
#include <convplay/tensor.h>

#include <string>
#include <string_view>

namespace convplay {

Expected<Tensor> parse_npy(std::string_view bytes);            // float32 / float64 data
Expected<IndexTensor> parse_npy_int64(std::string_view bytes); // int64 data
Expected<Tensor> read_npy(const std::string& path);
Expected<IndexTensor> read_npy_int64(const std::string& path);

std::string npy_bytes(const Tensor& t);      // '<f4', format 1.0
std::string npy_bytes(const IndexTensor& t); // '<i8', format 1.0

// Writes bytes to path through a temporary file in the same folder; "" on success, else the error.
std::string write_file_atomically(const std::string& path, const std::string& bytes);
std::string write_npy(const std::string& path, const Tensor& t);
std::string write_npy(const std::string& path, const IndexTensor& t);

} // namespace convplay
