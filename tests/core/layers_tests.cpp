// layers.h: activations, the dense layer and softmax cross-entropy against golden values from
// PyTorch (golden/layers.txt), backward passes against finite differences, and the error messages.
#include "test_support.h"

#include <convplay/layers.h>

using namespace convplay;
using namespace convplay::test;

TEST_CASE("activations, dense and softmax cross-entropy equal PyTorch", "[golden][layers]") {
  for (const auto& c : read_golden("layers.txt")) {
    INFO("case " << c.name);
    if (c.name == "relu") CHECK_CLOSE(activation(c.t("x"), Activation::ReLU), c.t("y"), kGoldenRel, kGoldenAbs);
    if (c.name == "leaky_relu_0.125") CHECK_CLOSE(activation(c.t("x"), Activation::LeakyReLU, 0.125f), c.t("y"), kGoldenRel, kGoldenAbs);
    if (c.name == "sigmoid") CHECK_CLOSE(activation(c.t("x"), Activation::Sigmoid), c.t("y"), kGoldenRel, kGoldenAbs);
    if (c.name == "tanh") CHECK_CLOSE(activation(c.t("x"), Activation::Tanh), c.t("y"), kGoldenRel, kGoldenAbs);
    if (c.name == "dense") {
      auto y = dense(c.t("x"), c.t("w"), &c.t("b"));
      REQUIRE(y.ok());
      CHECK_CLOSE(*y, c.t("y"), kGoldenRel, kGoldenAbs);
      auto g = dense_backward(c.t("x"), c.t("w"), true, c.t("gy"));
      REQUIRE(g.ok());
      CHECK_CLOSE(g->input, c.t("gx"), kGoldenRel, kGoldenAbs);
      CHECK_CLOSE(g->weight, c.t("gw"), kGoldenRel, kGoldenAbs);
      CHECK_CLOSE(g->bias, c.t("gb"), kGoldenRel, kGoldenAbs);
    }
    if (c.name == "cross_entropy") {
      const IndexTensor& labels = c.itensors.at("labels");
      auto r = softmax_cross_entropy(c.t("logits"), labels);
      REQUIRE(r.ok());
      CHECK(r->loss == Approx(c.t("loss")[0]).epsilon(1e-6));
      CHECK_CLOSE(r->probabilities, c.t("probabilities"), kGoldenRel, kGoldenAbs);
      auto g = softmax_cross_entropy_backward(c.t("logits"), labels);
      REQUIRE(g.ok());
      CHECK_CLOSE(*g, c.t("grad"), kGoldenRel, kGoldenAbs);
    }
  }
}

TEST_CASE("activation, dense and softmax cross-entropy gradients equal finite differences", "[gradient][layers]") {
  std::mt19937 rng = seeded_rng(0x6AD4, 0);
  INFO("seed " << Catch::rngSeed());
  Tensor x = random_tensor(rng, {3, 7}, -2.0f, 2.0f);
  for (float& v : x.data)
    if (std::fabs(v) < 0.05f) v = 0.5f; // keep ReLU's kink out of the finite difference
  for (Activation a : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh}) {
    INFO(activation_name(a));
    const Tensor r = random_tensor(rng, x.shape);
    auto g = activation_backward(x, r, a, 0.2f);
    REQUIRE(g.ok());
    check_gradient("dL/dx", x, *g, [&](const Tensor& v) { return dot(r, activation(v, a, 0.2f)); });
  }

  const Tensor xd = random_tensor(rng, {3, 5}), w = random_tensor(rng, {4, 5}), b = random_tensor(rng, {4});
  const Tensor r = random_tensor(rng, {3, 4});
  auto g = dense_backward(xd, w, true, r);
  REQUIRE(g.ok());
  check_gradient("dense dL/dx", xd, g->input, [&](const Tensor& v) { return dot(r, *dense(v, w, &b)); });
  check_gradient("dense dL/dw", w, g->weight, [&](const Tensor& v) { return dot(r, *dense(xd, v, &b)); });
  check_gradient("dense dL/db", b, g->bias, [&](const Tensor& v) { return dot(r, *dense(xd, w, &v)); });

  const Tensor logits = random_tensor(rng, {4, 6}, -3.0f, 3.0f);
  const IndexTensor labels{{4}, {5, 0, 2, 2}};
  auto gl = softmax_cross_entropy_backward(logits, labels);
  REQUIRE(gl.ok());
  check_gradient("cross-entropy dL/dlogits", logits, *gl,
                 [&](const Tensor& v) { return softmax_cross_entropy(v, labels)->loss; });
}

TEST_CASE("dense, softmax cross-entropy and activation errors name the numbers", "[errors][layers]") {
  CHECK(dense(ones({2, 3}), ones({4, 5}), nullptr).error() == "dense weight (4, 5) expects 5 inputs, but the input has 3");
  CHECK(softmax_cross_entropy(ones({2, 3}), IndexTensor{{2}, {0, 3}}).error() == "label 3 is not a class in [0, 3)");
  CHECK(activation_backward(ones({2}), ones({3}), Activation::ReLU).error() ==
        "grad_output has shape (3,) but the input has shape (2,)");
}
