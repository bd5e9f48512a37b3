// convplay/gemm.h — a threaded matrix product for float32, row-major:
//     C (M × N) = bias + op(A) (M × K) · op(B) (K × N),   op(X) = X or Xᵀ,
// with bias none, one value per row of C (bias[m]) or one per column (bias[n]).
//
// gemm() packs op(A) into row blocks of MR and op(B) into column panels of NR (the layout of the
// micro-kernels in src/kernels/gemm_f32.h), then hands the MR × NR tiles of C to the pool. Each tile
// is computed by one thread with k running 0..K-1 in order, so C has the same bits for any number
// of threads (pool = null included). One row of C with B stored N × K (M = 1, transpose_b), or one
// column with A stored M × K (N = 1, no transpose_a), runs the GEMV kernel on the stored rows instead
// (no tile to pad). Products under ~2^17 multiply-adds run on the calling thread.
//
// GemmKernel is the lower layer for operators that pack an operand their own way (conv2d_backward_fast
// packs im2col(x) straight from the image, as A or as B): the packed layouts are
//   A: a[block][k][r] = op(A)[block·MR + r][k]      (zero rows past M), size packed_a_size(M, K)
//   B: b[panel][k][j] = op(B)[k][panel·NR + j]      (zero columns past N), size packed_b_size(K, N)
#pragma once
#include <convplay/tensor.h>
#include <convplay/thread_pool.h>

#include <cstdint>
#include <string>
#include <vector>

namespace convplay {
namespace kernels { struct GemmKernels; }

enum class GemmBias { None, PerRow, PerColumn }; // bias[m] or bias[n] added to C[m][n]

struct GemmSpec {
  int64_t M = 1, N = 1, K = 1;  // C is M × N, the inner dimension is K
  bool transpose_a = false;     // A is stored K × M (row stride lda) and used as Aᵀ; else M × K
  bool transpose_b = false;     // B is stored N × K (row stride ldb) and used as Bᵀ; else K × N
  GemmBias bias = GemmBias::None;
  std::string isa;              // "" = the best kernels here; else one of GemmKernel::instruction_sets()
};

// The micro-kernels of one instruction set and the packing they read.
class GemmKernel {
public:
  // Instruction sets with GEMM kernels on this machine, best first: e.g. {"avx2fma", "sse2", "scalar"}.
  static std::vector<std::string> instruction_sets();
  // The named set ("" = best); an error names the sets there are.
  static Expected<GemmKernel> for_isa(const std::string& isa);

  int mr() const { return mr_; }                 // rows of a tile
  int nr() const { return nr_; }                 // columns of a tile
  const char* name() const { return name_; }     // "gemm_f32_6x2v__avx2fma"
  const char* gemv_name() const { return gemv_name_; } // the GEMV kernel's, "gemv_f32__avx2fma"
  const char* isa() const { return isa_; }       // "avx2fma"
  int64_t blocks(int64_t M) const { return (M + mr_ - 1) / mr_; }
  int64_t panels(int64_t N) const { return (N + nr_ - 1) / nr_; }
  int64_t packed_a_size(int64_t M, int64_t K) const { return blocks(M) * mr_ * K; } // floats
  int64_t packed_b_size(int64_t K, int64_t N) const { return panels(N) * nr_ * K; } // floats

  // Packs op(A) (A as GemmSpec describes it) into dst, packed_a_size(M, K) floats; pool may be null.
  void pack_a(const float* a, int64_t lda, bool transposed, int64_t M, int64_t K, float* dst, ThreadPool* pool) const;
  // Packs op(B) into dst, packed_b_size(K, N) floats.
  void pack_b(const float* b, int64_t ldb, bool transposed, int64_t K, int64_t N, float* dst, ThreadPool* pool) const;
  // Every tile of C (M × N, row stride ldc) = (row_bias ? row_bias[m] : 0) + Σ_k op(A)[m][k]·op(B)[k][n]
  // from packed operands, k in order; each tile on one thread of the pool (null: the caller's).
  void run_tiles(const float* packed_a, const float* packed_b, const float* row_bias, float* c, int64_t ldc, int64_t M,
                 int64_t N, int64_t K, ThreadPool* pool) const;
  // y[r] = (bias ? bias[r / bias_div] : 0) + Σ_k A[r][k]·x[k] for rows [r0, r1) of a row-major A
  // (row stride lda); the vector lanes are summed in a fixed order.
  void gemv(const float* a, int64_t lda, const float* x, const float* bias, int64_t bias_div, float* y, int64_t K,
            int64_t r0, int64_t r1) const;

  GemmKernel() = default; // empty (for Expected); get kernels from for_isa()

private:
  const kernels::GemmKernels* set_ = nullptr; // the kernels of this set (static storage)
  int mr_ = 1, nr_ = 1;
  const char* name_ = "";
  const char* gemv_name_ = "";
  const char* isa_ = "";
};

// C = bias + op(A)·op(B) as `spec` says; a, b, c with row strides lda, ldb, ldc (at least the stored
// row lengths). bias has M (PerRow) or N (PerColumn) values, or is null with GemmBias::None.
// pool may be null (serial). Returns "" or why the call was refused (sizes, strides, null pointers).
std::string gemm(const GemmSpec& spec, const float* a, int64_t lda, const float* b, int64_t ldb, const float* bias,
                 float* c, int64_t ldc, ThreadPool* pool);

} // namespace convplay
