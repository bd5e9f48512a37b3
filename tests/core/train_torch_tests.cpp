// The trainer against PyTorch: from the same initial weights and batch order, one Adam step gives the
// same weights to float32 rounding, and 100 steps the same losses and test accuracy. The fixture is made
// at test time by golden/make_train_fixture.py (Debian's python3-torch) into the build folder.
#include "test_support.h"

#include <convplay/dataset.h>
#include <convplay/npy.h>
#include <convplay/train.h>

#include <cmath>
#include <span>

using namespace convplay;

namespace {
const std::string kDir = CONVPLAY_TRAIN_FIXTURE_DIR;

std::vector<NamedTensor> read_state(TrainableNetwork& net, const std::string& folder) {
  auto s = net.state_dict();
  for (auto& t : s) {
    auto r = read_npy(folder + "/" + t.name + ".npy");
    INFO(r.error());
    REQUIRE(r.ok());
    t.tensor = std::move(*r);
  }
  return s;
}

Dataset read_set(const std::string& name) {
  auto images = read_data_file(kDir + "/data/" + name + "-images.idx");
  auto labels = read_data_file(kDir + "/data/" + name + "-labels.idx");
  REQUIRE(images.ok());
  REQUIRE(labels.ok());
  auto d = Dataset::from_idx(*images, *labels);
  INFO(d.error());
  REQUIRE(d.ok());
  return std::move(d).value();
}

double norm(std::span<const float> a) {
  double s = 0;
  for (float f : a) s += double(f) * f;
  return std::sqrt(s);
}
} // namespace

TEST_CASE("train: the same as PyTorch from the same weights and order", "[train][torch]") {
  const std::string model = GENERATE(as<std::string>{}, "lenet5", "mlp");
  const Dataset train = read_set("train"), test = read_set("test");
  const IndexTensor order = read_npy_int64(kDir + "/order.npy").value();
  REQUIRE(order.numel() == 6400);
  ThreadPool pool(1);
  TrainOptions o;
  o.pool = &pool;
  TrainableNetwork net = TrainableNetwork::build(kFashionInput, train_model_layers(model).value(), o).value();
  REQUIRE(net.load_state_dict(read_state(net, kDir + "/" + model + "/init")).empty());
  const auto init = net.state_dict();
  const int64_t B = 64;
  std::vector<float> x(static_cast<size_t>(B * 784));
  std::vector<uint8_t> y(B);
  std::vector<double> losses;
  for (int64_t s = 0; s < 100; ++s) {
    const int64_t* idx = order.data.data() + s * B;
    train.inputs(idx, B, x.data());
    for (int64_t k = 0; k < B; ++k) y[static_cast<size_t>(k)] = train.label(idx[k]);
    losses.push_back(net.train_step(x.data(), y.data(), B).value());
    if (s == 0) {
      const auto ours = net.state_dict(), torch = read_state(net, kDir + "/" + model + "/step1");
      for (size_t t = 0; t < ours.size(); ++t) {
        std::vector<float> diff(ours[t].tensor.data.size()), step(diff.size());
        for (size_t i = 0; i < diff.size(); ++i) {
          diff[i] = ours[t].tensor.data[i] - torch[t].tensor.data[i];
          step[i] = torch[t].tensor.data[i] - init[t].tensor.data[i];
        }
        const double rel = norm(diff) / norm(torch[t].tensor.data);
        INFO(model << " " << ours[t].name << ": relative error " << rel << " (of the step: " << norm(diff) / norm(step)
                   << ")");
        CHECK(rel <= 1e-4);
      }
    }
  }
  const Tensor torch_losses = read_npy(kDir + "/" + model + "/losses.npy").value();
  double worst = 0, ours_last = 0, torch_last = 0;
  for (int64_t s = 0; s < 100; ++s) {
    worst = std::max(worst, std::fabs(losses[size_t(s)] - torch_losses[s]) / torch_losses[s]);
    if (s >= 90) ours_last += losses[size_t(s)] / 10, torch_last += torch_losses[s] / 10;
  }
  INFO(model << ": first loss " << losses[0] << " (torch " << torch_losses[0] << "), mean of the last 10 "
             << ours_last << " (torch " << torch_last << "), largest step difference " << 100 * worst << " %");
  CHECK(std::fabs(losses[0] - torch_losses[0]) <= 1e-4 * torch_losses[0]);
  CHECK(std::fabs(losses[99] - torch_losses[99]) <= 0.01 * torch_losses[99]);
  CHECK(std::fabs(ours_last - torch_last) <= 0.01 * torch_last);
  Evaluation e;
  REQUIRE(net.evaluate(test, 0, test.size(), e).empty());
  const double torch_acc = read_npy(kDir + "/" + model + "/test_acc.npy").value()[0];
  INFO(model << ": test accuracy " << e.accuracy() << " (torch " << torch_acc << ")");
  CHECK(std::fabs(e.accuracy() - torch_acc) <= 0.005);
}
