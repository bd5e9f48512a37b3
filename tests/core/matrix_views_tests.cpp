// matrix_views.h: the lecture's Toeplitz and im2col matrices on the worked example, and the size
// limit. (conv_tests.cpp also checks conv2d against them on random configurations.)
#include "test_support.h"

#include <convplay/matrix_views.h>

using namespace convplay;

TEST_CASE("the lecture's matrix views: Toeplitz rows are the filter shifted by one", "[matrix_views]") {
  const Tensor k{{3}, {1, 2, 3}};
  AxisSpec a;
  a.input = 5;
  auto T = toeplitz_matrix_1d(k, a);
  REQUIRE(T.ok());
  CHECK(T->shape == std::vector<int64_t>{3, 5});
  CHECK(T->data == std::vector<float>{1, 2, 3, 0, 0, /**/ 0, 1, 2, 3, 0, /**/ 0, 0, 1, 2, 3});
  a.flip = true; // true convolution: the rows hold the reversed filter
  CHECK(toeplitz_matrix_1d(k, a)->data == std::vector<float>{3, 2, 1, 0, 0, 0, 3, 2, 1, 0, 0, 0, 3, 2, 1});

  // 2-D: the lecture's 5×5 example through the doubly-blocked matrix (9 × 25) and through im2col (9 × 9).
  const Tensor x{{5, 5}, {3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1}};
  const Tensor w{{3, 3}, {0, 1, 2, 2, 2, 0, 0, 1, 2}};
  AxisSpec r;
  r.input = 5;
  auto D = doubly_blocked_toeplitz_2d(w, r, r);
  REQUIRE(D.ok());
  CHECK(D->shape == std::vector<int64_t>{9, 25});
  const std::vector<float> expected{12, 12, 17, 10, 17, 19, 9, 6, 14};
  CHECK(matmul(*D, Tensor{{25}, x.data})->data == expected);
  auto cols = im2col_matrix(x, 3, 3, Conv2dParams{});
  REQUIRE(cols.ok());
  CHECK(cols->shape == std::vector<int64_t>{9, 9});
  CHECK(matmul(Tensor{{1, 9}, w.data}, *cols)->data == expected);
  // Each block row of D is either zero or a 1-D Toeplitz block of one filter row.
  CHECK((*D)[0 * 25 + 0] == 0.0f);
  CHECK((*D)[0 * 25 + 1] == 1.0f);
  CHECK((*D)[0 * 25 + 2] == 2.0f);
  CHECK((*D)[0 * 25 + 5] == 2.0f);
}

TEST_CASE("matrix views refuse sizes that would exhaust memory", "[matrix_views]") {
  AxisSpec a;
  a.input = int64_t{1} << 20;
  auto T = toeplitz_matrix_1d(Tensor{{1}, {1.0f}}, a);
  REQUIRE_FALSE(T.ok());
  CHECK(T.error() == "the Toeplitz matrix would be 1048576 × 1048576, more than the limit of 67108864 entries");
  CHECK_FALSE(matmul(Tensor{{2, 3}, AlignedVector<float>(6)}, Tensor{{2}, {1, 2}}).ok());
}
