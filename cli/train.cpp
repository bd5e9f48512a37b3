// convplay train — trains a network on Fashion-MNIST under the protocol of train_spec.json (natively as
// `convplay train`, in WebAssembly as convplay-train.js under Node). Options are CLI11's, numbers parsed
// strictly (command_line.h: decimal only, the whole text, in range). One JSON line per epoch with --json
// (the schema of ../shared/perf-anchors/train), else a progress line on stderr. Any bad input: one line
// "convplay train: <message>" on stderr, exit status 2, nothing written.
#include "train_cli.h"

#include "command_line.h"

#include <convplay/json.h>
#include <convplay/npy.h>
#include <convplay/thread_pool.h>
#include <convplay/train.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace convplay;

namespace {
using cli::Failure;
using cli::need;

const char* impl_name() {
#if defined(__EMSCRIPTEN__) && defined(__EMSCRIPTEN_PTHREADS__)
  return "convplay-wasm-mt";
#elif defined(__EMSCRIPTEN__)
  return "convplay-wasm-st";
#else
  return "convplay-native";
#endif
}

double round_to(double v, double unit) { return std::round(v / unit) * unit; }

// --profile: where an epoch's steps spent their time, per step, on stderr.
void print_profile(const TrainProfile& p) {
  if (p.steps == 0) return;
  const double us = 1e6 / static_cast<double>(p.steps);
  std::fprintf(stderr, "profile: %lld steps; µs per step: wall, calling thread's CPU, all threads' CPU\n",
               static_cast<long long>(p.steps));
  const std::pair<const char*, const TrainPhase*> phases[] = {{"step", &p.step},
                                                              {"pack dense weights", &p.pack},
                                                              {"chunks forward+backward", &p.chunks},
                                                              {"dense weight gradients", &p.dense_grad},
                                                              {"conv reduction+optimiser", &p.reduce}};
  auto cpu = [&](double s) { // "n/a" where the platform has no CPU clock (-1)
    char text[32];
    if (s < 0.0) return std::string("n/a");
    std::snprintf(text, sizeof text, "%.1f", s * us);
    return std::string(text);
  };
  for (const auto& [name, ph] : phases)
    std::fprintf(stderr, "profile: %-26s %9.1f %9s %9s\n", name, ph->wall_s * us, cpu(ph->cpu_s).c_str(),
                 cpu(ph->process_cpu_s).c_str());
  for (size_t i = 0; i < p.threads.size(); ++i) {
    const TrainChunkThread& t = p.threads[i];
    std::fprintf(stderr,
                 "profile: chunk item %zu: starts after %.1f, busy %.1f (CPU %s), waits %.1f µs per step; "
                 "%.2f chunks per step\n",
                 i, t.start_s * us, t.busy_s * us, cpu(t.cpu_s).c_str(), t.wait_s * us,
                 static_cast<double>(t.chunks) / static_cast<double>(p.steps));
  }
}

double accuracy(TrainableNetwork& net, const Dataset& test, int64_t dy, int64_t dx) {
  Evaluation e;
  if (auto err = net.evaluate(test, 0, test.size(), e, dy, dx); !err.empty()) throw Failure{err};
  return e.accuracy();
}
} // namespace

int convplay_train_main(int argc, char** argv, const DataFileReader& read_file) {
#if defined(__GLIBC__)
  // A training step allocates and frees buffers of 0.1-2 MB (the backward passes' gradients and
  // workspaces). glibc would map each from the kernel and unmap it again (page faults every step,
  // ~20 % of LeNet-5's time): keep them in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  CLI::App app{"convplay train: trains LeNet-5, the dense network or a layer stack on Fashion-MNIST", "convplay train"};
  std::string model = "lenet5", data = kFashionMnistDir, optimizer_s = "adam", init_dir, order_path, save_dir;
  int64_t epochs = 1, batch = 64, seed = 1, threads = 1, limit = 0;
  double lr = 0.001;
  bool json = false, profile = false;
  const int64_t max_threads = ThreadPool::threads_supported() ? CONVPLAY_TRAIN_MAX_THREADS : 1;
  app.add_option("--model", model, "lenet5, mlp or a layer stack (conv6k5p2,relu,pool2,...,dense10)");
  app.add_option("--data", data, "folder with the four Fashion-MNIST .gz files");
  cli::add_int(app, "--epochs", epochs, 1, 1000, "epochs (1)");
  cli::add_int(app, "--batch", batch, 1, kMaxTrainBatch, "batch size (64)");
  cli::add_real(app, "--lr", lr, 0.0, 10.0, "learning rate (0.001)", false);
  app.add_option("--optimizer", optimizer_s, "adam or sgd (momentum 0.9)");
  cli::add_int(app, "--seed", seed, 0, int64_t{1} << 53, "seed of the initial weights and the order (1)");
  cli::add_int(app, "--threads", threads, 1, max_threads, "threads, the caller included (1)");
  cli::add_int(app, "--limit", limit, 0, kMaxIdxItems, "train on the first N images only (0: all)");
  app.add_option("--init", init_dir, "initial weights: one .npy per state_dict key (0.weight.npy, ...)");
  app.add_option("--order", order_path, "int64 .npy of training indices, (N,) for every epoch or (E, N)");
  app.add_option("--save", save_dir, "write the trained weights there, one .npy per state_dict key");
  app.add_flag("--json", json, "one JSON line per epoch on stdout");
  app.add_flag("--profile", profile, "where each epoch's steps spend their time, on stderr");
  return cli::run(app, "convplay train", argc, argv, [&] {
    if (optimizer_s != "adam" && optimizer_s != "sgd")
      throw Failure{"--optimizer: '" + optimizer_s + "' is not adam or sgd"};
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!save_dir.empty() && !fs::is_directory(save_dir, ec)) throw Failure{"--save: " + save_dir + " is not a folder"};
    if (!init_dir.empty() && !fs::is_directory(init_dir, ec)) throw Failure{"--init: " + init_dir + " is not a folder"};

    TrainOptions o;
    o.optimizer = optimizer_s == "adam" ? OptimizerKind::Adam : OptimizerKind::Sgd;
    o.lr = static_cast<float>(lr);
    o.batch = batch;
    o.seed = static_cast<uint64_t>(seed);
    auto layers = need(train_model_layers(model));
    TrainableNetwork net = need(TrainableNetwork::build(kFashionInput, layers, o));
    if (!init_dir.empty()) {
      std::vector<NamedTensor> init = net.state_dict();
      for (auto& t : init) {
        auto r = read_npy(init_dir + "/" + t.name + ".npy");
        if (!r) throw Failure{"--init: " + r.error()};
        t.tensor = std::move(*r);
      }
      if (auto e = net.load_state_dict(init); !e.empty()) throw Failure{"--init: " + e};
    }
    FashionMnist fm = need(load_fashion_mnist(data, limit, read_file));
    const int64_t n_train = fm.train.size();
    std::vector<std::vector<int64_t>> orders; // empty: epoch_order(seed, epoch)
    if (!order_path.empty()) {
      auto read_order = read_npy_int64(order_path);
      if (!read_order) throw Failure{"--order: " + read_order.error()};
      IndexTensor ord = std::move(*read_order);
      if (ord.rank() == 2 && ord.dim(0) != epochs)
        throw Failure{"--order: " + order_path + " has " + std::to_string(ord.dim(0)) + " rows for " +
                      std::to_string(epochs) + " epochs"};
      if (ord.rank() != 1 && ord.rank() != 2)
        throw Failure{"--order: " + order_path + " has shape " + shape_string(ord.shape) + ", not (N,) or (E, N)"};
      const int64_t rows = ord.rank() == 2 ? ord.dim(0) : 1, N = ord.shape.back();
      if (N < batch)
        throw Failure{"--order: " + std::to_string(N) + " indices are fewer than one batch of " + std::to_string(batch)};
      for (int64_t i = 0; i < ord.numel(); ++i)
        if (ord[i] < 0 || ord[i] >= n_train)
          throw Failure{"--order: index " + std::to_string(ord[i]) + " at position " + std::to_string(i) +
                        " is not a training image (0 to " + std::to_string(n_train - 1) + ")"};
      for (int64_t r = 0; r < rows; ++r) orders.emplace_back(ord.data.begin() + static_cast<std::ptrdiff_t>(r * N),
                                                             ord.data.begin() + static_cast<std::ptrdiff_t>((r + 1) * N));
    } else if (n_train < batch) {
      throw Failure{std::to_string(n_train) + " training images are fewer than one batch of " + std::to_string(batch)};
    }

    ThreadPool pool(static_cast<size_t>(threads - 1));
    if (const size_t running = pool.probe_running_threads(); static_cast<int64_t>(running) != threads)
      throw Failure{"--threads " + std::to_string(threads) + ": only " + std::to_string(running) + " threads run here"};
    net.set_pool(&pool);

    std::vector<float> inputs(static_cast<size_t>(batch * net.input_size()));
    std::vector<uint8_t> labels(static_cast<size_t>(batch));
    for (int64_t epoch = 1; epoch <= epochs; ++epoch) {
      const std::vector<int64_t> order =
          orders.empty() ? epoch_order(o.seed, epoch - 1, n_train) : orders[orders.size() == 1 ? 0 : static_cast<size_t>(epoch - 1)];
      const int64_t steps = static_cast<int64_t>(order.size()) / batch;
      double loss_sum = 0.0;
      net.set_profiling(profile);
      const auto t0 = std::chrono::steady_clock::now();
      auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
      for (int64_t s = 0; s < steps; ++s) {
        const int64_t* idx = order.data() + s * batch;
        fm.train.inputs(idx, batch, inputs.data());
        for (int64_t k = 0; k < batch; ++k) labels[static_cast<size_t>(k)] = fm.train.label(idx[k]);
        loss_sum += need(net.train_step(inputs.data(), labels.data(), batch));
        if (!json && (s % 50 == 49 || s + 1 == steps)) {
          const double t = seconds();
          std::fprintf(stderr, "\repoch %lld/%lld  %lld/%lld images  loss %.4f  %.0f images/s   ",
                       static_cast<long long>(epoch), static_cast<long long>(epochs),
                       static_cast<long long>((s + 1) * batch), static_cast<long long>(steps * batch),
                       loss_sum / static_cast<double>(s + 1), t > 0 ? static_cast<double>((s + 1) * batch) / t : 0.0);
        }
      }
      const double train_s = seconds();
      print_profile(net.profile());
      const int64_t images = steps * batch;
      const double loss = loss_sum / static_cast<double>(steps);
      const double test_acc = accuracy(net, fm.test, 0, 0);
      if (json) {
        JsonWriter w;
        w.field("impl", impl_name()).field("model", model).field("params", static_cast<long long>(net.parameter_count()));
        w.field("threads", static_cast<long long>(threads)).field("epoch", static_cast<long long>(epoch));
        w.field("batch", static_cast<long long>(batch)).field("images", static_cast<long long>(images));
        w.field("train_s", round_to(train_s, 1e-3)).field("images_per_s", round_to(static_cast<double>(images) / train_s, 0.1));
        w.field("loss", round_to(loss, 1e-4)).field("test_acc", round_to(test_acc, 1e-4));
        if (epoch == epochs) {
          JsonWriter sh;
          for (const auto& d : kProtocolShifts)
            sh.field(std::to_string(d[0]) + "," + std::to_string(d[1]), round_to(accuracy(net, fm.test, d[0], d[1]), 1e-4));
          w.raw_field("shifted_acc", sh.str());
        }
        std::cout << w.str() << std::endl;
      } else {
        std::fprintf(stderr, "\repoch %lld/%lld  %lld images in %.2f s (%.0f images/s)  loss %.4f  test accuracy %.2f %%\n",
                     static_cast<long long>(epoch), static_cast<long long>(epochs), static_cast<long long>(images),
                     train_s, static_cast<double>(images) / train_s, loss, 100.0 * test_acc);
      }
    }
    if (!save_dir.empty())
      for (const auto& t : net.state_dict())
        if (auto e = write_npy(save_dir + "/" + t.name + ".npy", t.tensor); !e.empty()) throw Failure{"--save: " + e};
    return 0;
  });
}
