// convplay — the core on NumPy files, from the command line (native build).
//   convplay shape ...   output shape, parameter counts (conv vs dense), MACs, memory, matrix sizes
//   convplay conv  ...   conv1d/conv2d/conv_transpose2d of .npy arrays (PyTorch layouts)
//   convplay pool  ...   max/avg pooling of a .npy array
//   convplay bench ...   the speed benchmark (bench/convplay_bench.cpp; its own options and messages)
//   convplay train ...   training on Fashion-MNIST (cli/train.cpp; its own options and messages)
// Any error prints one line "convplay: <message>" on stderr, exits with status 2, and writes nothing
// (outputs go to temporary files renamed into place only when everything has succeeded).
#include "command_line.h"
#include "train_cli.h"

#include <convplay/conv.h>
#include <convplay/counts.h>
#include <convplay/json.h>
#include <convplay/npy.h>
#include <convplay/pool.h>
#include <convplay/shape.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

using namespace convplay;
using cli::Failure;
using cli::need;

namespace {
constexpr int64_t kMaxSize = int64_t{1} << 40; // any size a user types; larger is an error, not an overflow

const char* kArrays =
    "Arrays use PyTorch's layouts: x (N,C,H,W) or (C,H,W), w (M,C/groups,KH,KW), bias (M); a 2-D x (H,W)\n"
    "with a 2-D w (KH,KW) is one image and one filter (scipy.signal.convolve2d). 1-D: x (N,C,L), (C,L) or (L)\n"
    "with w (M,C/groups,K) or (K), --padding P or PL,PR. Inputs float32/float64 .npy; outputs float32 (indices int64).\n"
    "Errors: one line on stderr, exit status 2, no output file written.";

// One command's options as typed: values by name ("stride" → "2,1") and the flags given. CLI11 refuses
// unknown options and an option given twice; the numbers are read (strictly) by the command.
struct Options {
  std::string command;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};
using Help = std::pair<const char*, const char*>; // option name, help text

CLI::App* add_command(CLI::App& app, const char* name, const char* description, Options& o, std::initializer_list<Help> values,
                      std::initializer_list<Help> flags) {
  CLI::App* cmd = app.add_subcommand(name, description);
  for (const auto& [option, help] : values)
    cmd->add_option_function<std::string>(std::string("--") + option, [&o, n = std::string(option)](const std::string& v) { o.values[n] = v; },
                                           help);
  for (const auto& [flag, help] : flags)
    cmd->add_flag_callback(std::string("--") + flag, [&o, n = std::string(flag)] { o.flags.insert(n); }, help);
  cmd->footer(kArrays);
  return cmd;
}

std::string required(const Options& o, const std::string& name) {
  if (!o.values.count(name)) throw Failure{"missing --" + name + " for '" + o.command + "'"};
  return o.get(name);
}

// "3" → {3, 3}; "2,3" → {2, 3}
std::pair<int64_t, int64_t> pair_option(const Options& o, const std::string& name, int64_t fallback, int64_t lo) {
  if (!o.values.count(name)) return {fallback, fallback};
  auto v = need(cli::parse_ints(name, o.get(name), ',', 1, 2, lo, kMaxSize));
  return {v[0], v.size() == 2 ? v[1] : v[0]};
}

std::pair<int64_t, int64_t> kernel_option(const Options& o) {
  auto v = need(cli::parse_ints("kernel", required(o, "kernel"), 'x', 1, 2, 1, kMaxSize));
  return {v[0], v.size() == 2 ? v[1] : v[0]};
}

struct PaddingChoice {
  Padding mode = Padding::Valid;
  int64_t top = 0, bottom = 0, left = 0, right = 0;
  std::vector<int64_t> numbers; // as typed, for Explicit
};

PaddingChoice padding_option(const Options& o) {
  PaddingChoice p;
  const std::string s = o.get("padding", "valid");
  if (s == "valid") return p;
  if (s == "same") { p.mode = Padding::Same; return p; }
  if (s == "full") { p.mode = Padding::Full; return p; }
  auto v = cli::parse_ints("padding", s, ',', 1, 4, 0, kMaxSize);
  if (!v || v->size() == 3)
    throw Failure{"--padding: '" + s + "' is not valid, same, full, P, PH,PW or PT,PB,PL,PR (non-negative integers)"};
  p.mode = Padding::Explicit;
  p.numbers = *v;
  const auto& n = *v;
  if (n.size() == 1) p.top = p.bottom = p.left = p.right = n[0];
  else if (n.size() == 2) { p.top = p.bottom = n[0]; p.left = p.right = n[1]; }
  else { p.top = n[0]; p.bottom = n[1]; p.left = n[2]; p.right = n[3]; }
  return p;
}

// Outputs are staged as <path>.partial and renamed only when all of them were written.
class OutputFiles {
public:
  void add(const std::string& path, std::string bytes) { files_.push_back({path, std::move(bytes)}); }
  void commit() {
    for (auto& f : files_) {
      std::ofstream out(f.path + ".partial", std::ios::binary | std::ios::trunc);
      if (out) out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
      if (out) out.flush();
      if (!out) {
        const std::string why = errno ? std::strerror(errno) : "write failed";
        cleanup();
        throw Failure{"cannot write '" + f.path + "': " + why};
      }
    }
    for (auto& f : files_)
      if (std::rename((f.path + ".partial").c_str(), f.path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        cleanup();
        throw Failure{"cannot write '" + f.path + "': " + why};
      }
  }

private:
  struct File { std::string path, bytes; };
  void cleanup() {
    for (auto& f : files_) std::remove((f.path + ".partial").c_str());
  }
  std::vector<File> files_;
};

void check_outputs(const std::string& out, const std::string& indices) {
  if (out.empty()) throw Failure{"--out: empty file name"};
  if (!indices.empty() && indices == out) throw Failure{"--indices and --out name the same file '" + out + "'"};
}

// ---- convplay conv ----
int run_conv(const Options& o) {
  const std::string out = required(o, "out");
  check_outputs(out, "");
  const Tensor x = need(read_npy(required(o, "input")));
  const Tensor w = need(read_npy(required(o, "weight")));
  Tensor b;
  const bool has_bias = o.values.count("bias") > 0;
  if (has_bias) b = need(read_npy(o.get("bias")));
  const auto [sh, sw] = pair_option(o, "stride", 1, 1);
  const auto [dh, dw] = pair_option(o, "dilation", 1, 1);
  const int64_t groups = o.values.count("groups") ? need(cli::parse_int("groups", o.get("groups"), 1, kMaxSize)) : 1;
  const PaddingChoice pad = padding_option(o);
  PaddingMode mode = PaddingMode::Zeros;
  const std::string m = o.get("padding-mode", "zeros");
  if (m == "reflect") mode = PaddingMode::Reflect;
  else if (m == "replicate") mode = PaddingMode::Replicate;
  else if (m == "circular") mode = PaddingMode::Circular;
  else if (m != "zeros") throw Failure{"--padding-mode: '" + m + "' is not zeros, reflect, replicate or circular"};
  const bool flip = o.flags.count("flip") > 0;

  Tensor y;
  if (o.flags.count("transposed")) {
    if (flip) throw Failure{"--flip is not defined for --transposed"};
    if (mode != PaddingMode::Zeros) throw Failure{"--transposed supports only --padding-mode zeros (as PyTorch)"};
    if (pad.mode == Padding::Same || pad.mode == Padding::Full)
      throw Failure{"--transposed needs a numeric --padding P or PH,PW (valid = 0), as conv_transpose2d"};
    if (pad.top != pad.bottom || pad.left != pad.right)
      throw Failure{"--transposed pads both sides equally: give --padding P or PH,PW"};
    const auto [oph, opw] = pair_option(o, "output-padding", 0, 0);
    ConvTranspose2dParams p;
    p.stride_h = sh; p.stride_w = sw; p.dilation_h = dh; p.dilation_w = dw; p.groups = groups;
    p.pad_h = pad.top; p.pad_w = pad.left; p.output_padding_h = oph; p.output_padding_w = opw;
    y = need(conv_transpose2d(x, w, has_bias ? &b : nullptr, p));
  } else if (o.values.count("output-padding")) {
    throw Failure{"--output-padding needs --transposed"};
  } else if (w.rank() == 1 || w.rank() == 3) { // 1-D convolution
    if (sh != sw || dh != dw) throw Failure{"a 1-D convolution takes one --stride and one --dilation value"};
    if (pad.numbers.size() > 2) throw Failure{"a 1-D convolution takes --padding P or PL,PR"};
    Conv1dParams p;
    p.stride = sw; p.dilation = dw; p.groups = groups; p.padding = pad.mode;
    p.pad_left = pad.numbers.empty() ? 0 : pad.numbers.front();
    p.pad_right = pad.numbers.empty() ? 0 : pad.numbers.back();
    p.padding_mode = mode; p.flip = flip;
    y = need(conv1d(x, w, has_bias ? &b : nullptr, p));
  } else {
    Conv2dParams p;
    p.stride_h = sh; p.stride_w = sw; p.dilation_h = dh; p.dilation_w = dw; p.groups = groups;
    p.padding = pad.mode; p.pad_top = pad.top; p.pad_bottom = pad.bottom; p.pad_left = pad.left; p.pad_right = pad.right;
    p.padding_mode = mode; p.flip = flip;
    y = need(conv2d(x, w, has_bias ? &b : nullptr, p));
  }
  OutputFiles files;
  files.add(out, npy_bytes(y));
  files.commit();
  return 0;
}

// ---- convplay pool ----
int run_pool(const Options& o) {
  const std::string out = required(o, "out"), indices = o.get("indices");
  if (o.values.count("indices") && indices.empty()) throw Failure{"--indices: empty file name"};
  check_outputs(out, indices);
  const std::string op = required(o, "op");
  if (op != "max" && op != "avg") throw Failure{"--op: '" + op + "' is not max or avg"};
  if (op == "avg" && !indices.empty()) throw Failure{"--indices is only for --op max"};
  if (op == "max" && o.flags.count("exclude-pad")) throw Failure{"--exclude-pad is only for --op avg"};
  const Tensor x = need(read_npy(required(o, "input")));
  Pool2dParams p;
  std::tie(p.kernel_h, p.kernel_w) = kernel_option(o);
  std::tie(p.stride_h, p.stride_w) = pair_option(o, "stride", 0, 1);
  std::tie(p.pad_h, p.pad_w) = pair_option(o, "padding", 0, 0);
  std::tie(p.dilation_h, p.dilation_w) = pair_option(o, "dilation", 1, 1);
  p.ceil_mode = o.flags.count("ceil-mode") > 0;
  p.count_include_pad = o.flags.count("exclude-pad") == 0;
  OutputFiles files;
  if (op == "max") {
    MaxPool2dResult r = need(max_pool2d(x, p));
    files.add(out, npy_bytes(r.output));
    if (!indices.empty()) files.add(indices, npy_bytes(r.indices));
  } else {
    files.add(out, npy_bytes(need(avg_pool2d(x, p))));
  }
  files.commit();
  return 0;
}

// ---- convplay shape ----
std::string fixed(double v, int digits) {
  char buf[64];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.3g", v); // 9.44e+10 rather than 31 digits
  else std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int run_shape(const Options& o) {
  auto in = need(cli::parse_ints("input", required(o, "input"), 'x', 2, 3, 1, kMaxSize));
  if (in.size() == 2) in.insert(in.begin(), 1);
  ConvLayerSpec s;
  s.channels = in[0]; s.height = in[1]; s.width = in[2];
  s.out_channels = need(cli::parse_int("out-channels", required(o, "out-channels"), 1, kMaxSize));
  std::tie(s.kernel_h, s.kernel_w) = kernel_option(o);
  std::tie(s.stride_h, s.stride_w) = pair_option(o, "stride", 1, 1);
  std::tie(s.dilation_h, s.dilation_w) = pair_option(o, "dilation", 1, 1);
  s.groups = o.values.count("groups") ? need(cli::parse_int("groups", o.get("groups"), 1, kMaxSize)) : 1;
  const PaddingChoice pad = padding_option(o);
  s.padding = pad.mode; s.pad_top = pad.top; s.pad_bottom = pad.bottom; s.pad_left = pad.left; s.pad_right = pad.right;
  s.bias = o.flags.count("no-bias") == 0;
  const LayerCounts c = need(count_layer(s));
  AxisSpec ah{s.height, s.kernel_h, s.stride_h, s.dilation_h, s.padding, s.pad_top, s.pad_bottom, false};
  AxisSpec aw{s.width, s.kernel_w, s.stride_w, s.dilation_w, s.padding, s.pad_left, s.pad_right, false};
  const AxisResult rh = conv_axis(ah), rw = conv_axis(aw);

  bool pooled = false;
  AxisResult ph, pw;
  PoolAxisSpec qh, qw;
  if (o.values.count("pool")) {
    const int64_t k = need(cli::parse_int("pool", o.get("pool"), 1, kMaxSize));
    const int64_t st = o.values.count("pool-stride") ? need(cli::parse_int("pool-stride", o.get("pool-stride"), 1, kMaxSize)) : k;
    qh = {c.out_h, k, st, 0, 1, false};
    qw = {c.out_w, k, st, 0, 1, false};
    ph = pool_axis(qh);
    pw = pool_axis(qw);
    if (ph.error != ShapeError::None) throw Failure{"pool height: " + describe(qh, ph)};
    if (pw.error != ShapeError::None) throw Failure{"pool width: " + describe(qw, pw)};
    pooled = true;
  } else if (o.values.count("pool-stride")) {
    throw Failure{"--pool-stride needs --pool"};
  }

  if (o.flags.count("json")) {
    JsonWriter j;
    auto count = [&](const char* key, Count v) {
      if (v.overflow) j.raw_field(key, "null");
      else j.field(key, static_cast<long long>(v.value));
    };
    j.field("input_channels", static_cast<long long>(s.channels)).field("input_height", static_cast<long long>(s.height));
    j.field("input_width", static_cast<long long>(s.width));
    j.field("output_channels", static_cast<long long>(s.out_channels)).field("output_height", static_cast<long long>(c.out_h));
    j.field("output_width", static_cast<long long>(c.out_w));
    j.field("pad_top", static_cast<long long>(rh.pad_before)).field("pad_bottom", static_cast<long long>(rh.pad_after));
    j.field("pad_left", static_cast<long long>(rw.pad_before)).field("pad_right", static_cast<long long>(rw.pad_after));
    j.field("formula_height", formula(ah, rh)).field("formula_width", formula(aw, rw));
    count("conv_weights", c.conv_weights); count("conv_biases", c.conv_biases);
    count("conv_parameters", c.conv_parameters); count("conv_macs", c.conv_macs);
    count("dense_weights", c.dense_weights); count("dense_biases", c.dense_biases);
    count("dense_parameters", c.dense_parameters); count("dense_macs", c.dense_macs);
    j.field("weight_ratio", c.weight_ratio).field("parameter_ratio", c.parameter_ratio);
    count("conv_weight_bytes", c.conv_weight_bytes); count("dense_weight_bytes", c.dense_weight_bytes);
    count("activation_bytes", c.activation_bytes);
    count("toeplitz_rows", c.toeplitz_rows); count("toeplitz_cols", c.toeplitz_cols);
    count("toeplitz_entries", c.toeplitz_entries); count("toeplitz_nonzeros", c.toeplitz_nonzeros);
    j.field("toeplitz_zero_fraction", c.toeplitz_zero_fraction);
    count("im2col_rows", c.im2col_rows); count("im2col_cols", c.im2col_cols); count("im2col_entries", c.im2col_entries);
    j.field("im2col_zero_fraction", c.im2col_zero_fraction).field("im2col_duplication", c.im2col_duplication);
    if (pooled) {
      j.field("pool_output_height", static_cast<long long>(ph.output)).field("pool_output_width", static_cast<long long>(pw.output));
    }
    j.field("overflow", c.any_overflow());
    std::cout << j.str() << "\n";
    return 0;
  }
  const auto f = [](Count v) { return format_count(v); };
  std::cout << "input        " << s.channels << "×" << s.height << "×" << s.width << " (C×H×W)\n"
            << "filters      " << s.out_channels << " of " << s.channels / s.groups << "×" << s.kernel_h << "×" << s.kernel_w
            << (s.groups > 1 ? " (groups " + std::to_string(s.groups) + ")" : "") << "\n"
            << "output       " << s.out_channels << "×" << c.out_h << "×" << c.out_w << "\n"
            << "  height     " << formula(ah, rh) << "\n"
            << "  width      " << formula(aw, rw) << "\n";
  if (pooled)
    std::cout << "after pool   " << s.out_channels << "×" << ph.output << "×" << pw.output << " (" << formula(qh, ph) << ")\n";
  std::cout << "conv layer   " << f(c.conv_weights) << " weights + " << f(c.conv_biases) << " biases = "
            << f(c.conv_parameters) << " parameters, " << f(c.conv_macs) << " multiply-accumulates, "
            << f(c.conv_weight_bytes) << " bytes (float32)\n"
            << "dense layer  " << f(c.input_elements) << " inputs × " << f(c.output_elements) << " outputs = "
            << f(c.dense_weights) << " weights + " << f(c.dense_biases) << " biases = " << f(c.dense_parameters)
            << " parameters, " << f(c.dense_macs) << " multiply-accumulates, " << f(c.dense_weight_bytes)
            << " bytes (float32)\n"
            << "ratio        the dense layer has " << fixed(c.weight_ratio, 1) << "× the weights ("
            << fixed(c.parameter_ratio, 1) << "× the parameters)\n"
            << "activations  " << f(c.input_elements) << " + " << f(c.output_elements) << " values = "
            << f(c.activation_bytes) << " bytes (float32, one image)\n"
            << "Toeplitz     " << f(c.toeplitz_rows) << " × " << f(c.toeplitz_cols) << " = " << f(c.toeplitz_entries)
            << " entries, " << f(c.toeplitz_nonzeros) << " nonzero (" << fixed(100.0 * c.toeplitz_zero_fraction, 2)
            << "% zeros)\n"
            << "im2col       " << f(c.im2col_rows) << " × " << f(c.im2col_cols) << " = " << f(c.im2col_entries)
            << " entries (" << fixed(100.0 * c.im2col_zero_fraction, 2) << "% padding zeros, each input value copied "
            << fixed(c.im2col_duplication, 2) << " times)\n";
  if (c.any_overflow()) std::cout << "note         " << c.overflow_message() << "\n";
  return 0;
}
} // namespace

int convplay_bench_main(int argc, char** argv); // bench/convplay_bench.cpp

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "bench") return convplay_bench_main(argc - 1, argv + 1);
  if (cmd == "train") return convplay_train_main(argc - 1, argv + 1, read_data_file);
  CLI::App app{"convplay: the core on NumPy files, from the command line", "convplay"};
  Options o;
  o.command = cmd;
  const char* stride = "S or SH,SW (1)";
  const char* padding = "valid, same, full, P, PH,PW or PT,PB,PL,PR (valid)";
  const char* dilation = "D or DH,DW (1)";
  CLI::App* shape = add_command(app, "shape", "output shape, parameter counts (conv vs dense), MACs, memory, matrix sizes", o,
                                {{"input", "CxHxW or HxW"}, {"out-channels", "M, the number of filters"}, {"kernel", "K or KHxKW"},
                                 {"stride", stride}, {"padding", padding}, {"dilation", dilation}, {"groups", "G (1)"},
                                 {"pool", "K: a K×K pooling after the layer"}, {"pool-stride", "S (the pooling's K)"}},
                                {{"json", "one JSON object"}, {"no-bias", "the layer has no bias"}});
  CLI::App* conv = add_command(app, "conv", "conv1d, conv2d or conv_transpose2d of .npy arrays (PyTorch layouts)", o,
                               {{"input", "x.npy"}, {"weight", "w.npy"}, {"bias", "b.npy"}, {"stride", stride}, {"padding", padding},
                                {"dilation", dilation}, {"groups", "G (1)"}, {"padding-mode", "zeros, reflect, replicate or circular (zeros)"},
                                {"output-padding", "P or PH,PW, with --transposed (0)"}, {"out", "y.npy"}},
                               {{"flip", "flip the kernel (true convolution, as scipy)"}, {"transposed", "conv_transpose2d"}});
  CLI::App* pool = add_command(app, "pool", "max or average pooling of a .npy array", o,
                               {{"input", "x.npy"}, {"op", "max or avg"}, {"kernel", "K or KHxKW"}, {"stride", "S or SH,SW (the kernel)"},
                                {"padding", "P or PH,PW (0)"}, {"dilation", dilation}, {"out", "y.npy"}, {"indices", "i.npy (--op max)"}},
                               {{"ceil-mode", "round the output size up"}, {"exclude-pad", "average over the input cells only"}});
  // Run by their own parsers above; here for the list of commands.
  app.add_subcommand("bench", "the speed benchmark (convplay bench --help)");
  app.add_subcommand("train", "training on Fashion-MNIST (convplay train --help)");
  app.footer(std::string("convplay COMMAND --help lists a command's options.\n") + kArrays);
  if (cmd == "help") {
    std::cout << app.help();
    return 0;
  }
  if (cmd.empty()) {
    std::cerr << "convplay: no command given (shape, conv, pool, bench or train); try convplay --help\n";
    return 2;
  }
  if (cmd[0] != '-' && app.get_subcommands([&](CLI::App* c) { return c->get_name() == cmd; }).empty()) {
    std::cerr << "convplay: unknown command '" << cmd << "' (shape, conv, pool, bench or train); try convplay --help\n";
    return 2;
  }
  return cli::run(app, "convplay", argc, argv, [&] {
    if (shape->parsed()) return run_shape(o);
    if (conv->parsed()) return run_conv(o);
    if (pool->parsed()) return run_pool(o);
    throw Failure{"no command given (shape, conv, pool, bench or train); try convplay --help"};
  });
}
