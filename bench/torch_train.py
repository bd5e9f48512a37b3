#!/usr/bin/python3
"""PyTorch (CPU, oneDNN) on the training products of bench/shapes_train.json, one JSON line per
(shape, threads) in convplay-bench's schema, so the two sit side by side (same deterministic inputs,
same timing rules: warm-up of at least 3 calls and 200 ms, then the median of `reps` samples of
`inner` back-to-back calls).

  /usr/bin/python3 bench/torch_train.py [--shapes bench/shapes_train.json] [--threads 1,2] [--ids t_conv1*]
                                        [--reps 15] [--min-sample-ms 10]

op conv: F.conv2d; conv_dgrad: torch.nn.grad.conv2d_input; conv_wgrad: torch.nn.grad.conv2d_weight;
dense: F.linear (x·wᵀ); dense_dgrad: grad_y·w; dense_wgrad: grad_yᵀ·x; no bias, under no_grad.
Inputs: value(i, seed) = (((i + seed)·1103515245 + 12345) mod 2^31) / 2^31 − 0.5 over the NCHW (or
(N, features)) index: x seed 0, w seed 7919 (OIHW), grad_y seed 104729. abssum is of the product's
result. Needs Debian's python3-torch (/usr/bin/python3)."""
import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def deterministic(n, seed):
    i = np.arange(n, dtype=np.int64) + seed
    return ((i * 1103515245 + 12345) & 0x7fffffff).astype(np.float64) / 2147483648.0 - 0.5


def tensor(shape, seed):
    return torch.from_numpy(deterministic(int(np.prod(shape)), seed).astype(np.float32).reshape(shape))


def time_it(fn, reps, min_sample_ms):
    now = lambda: time.perf_counter() * 1e3
    start, i = now(), 0
    while i < 3 or now() - start < 200:
        fn()
        i += 1
    t0 = now()
    fn()
    one = now() - t0
    inner = int(max(1, min(1000, np.ceil(min_sample_ms / max(one, 1e-3)))))
    samples = []
    for _ in range(reps):
        t0 = now()
        for _ in range(inner):
            fn()
        samples.append((now() - t0) / inner)
    samples.sort()
    return {"median_ms": samples[len(samples) // 2], "min_ms": samples[0], "max_ms": samples[-1], "reps": reps, "inner": inner}


def product(s):
    """(function, flop, Ho, Wo) of one shape."""
    N, C, H, W, M, K = (int(s.get(k, 1)) for k in "NCHWMK")
    if s["op"].startswith("dense"):
        x, w, gy = tensor((N, C), 0), tensor((M, C), 7919), tensor((N, M), 104729)
        fn = {"dense": lambda: F.linear(x, w), "dense_dgrad": lambda: gy @ w, "dense_wgrad": lambda: gy.t() @ x}[s["op"]]
        return fn, 2.0 * N * C * M, 1, 1
    p = {"valid": 0, "same": (K - 1) // 2, "full": K - 1}[s.get("pad", "valid")]
    Ho, Wo = H + 2 * p - K + 1, W + 2 * p - K + 1
    x, w, gy = tensor((N, C, H, W), 0), tensor((M, C, K, K), 7919), tensor((N, M, Ho, Wo), 104729)
    fn = {"conv": lambda: F.conv2d(x, w, padding=p),
          "conv_dgrad": lambda: torch.nn.grad.conv2d_input(x.shape, w, gy, padding=p),
          "conv_wgrad": lambda: torch.nn.grad.conv2d_weight(x, w.shape, gy, padding=p)}[s["op"]]
    return fn, 2.0 * N * Ho * Wo * M * C * K * K, Ho, Wo


def selected(sid, ids):
    return not ids or any(sid.startswith(w[:-1]) if w.endswith("*") else sid == w for w in ids.split(","))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", default="bench/shapes_train.json")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--ids", default="")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--min-sample-ms", type=float, default=10)
    a = ap.parse_args()
    try:
        shapes = json.load(open(a.shapes))
        threads = [int(t) for t in a.threads.split(",")]
        if not isinstance(shapes, list) or not all(isinstance(x, dict) and "id" in x and "op" in x for x in shapes):
            raise ValueError(f"{a.shapes}: not a list of shapes with id and op")
    except (OSError, ValueError) as e:
        sys.exit(f"torch_train.py: {e}")
    if a.reps < 1 or any(t < 1 for t in threads):
        sys.exit("torch_train.py: --reps and --threads must be at least 1")
    for t in threads:
        torch.set_num_threads(t)
        for s in shapes:
            if not selected(s["id"], a.ids):
                continue
            if s["op"] not in ("conv", "conv_dgrad", "conv_wgrad", "dense", "dense_dgrad", "dense_wgrad"):
                print(f"torch_train.py: {s['id']}: op {s['op']} is not a training product, skipped", file=sys.stderr)
                continue
            try:
                fn, flop, Ho, Wo = product(s)
            except (KeyError, ValueError, RuntimeError) as e:
                sys.exit(f"torch_train.py: {s['id']}: bad shape ({e})")
            with torch.no_grad():
                y = fn().double()
                timing = time_it(fn, a.reps, a.min_sample_ms)
            row = {"impl": "torch-cpu", "shape": s["id"], "op": s["op"], **{k: s.get(k, 1) for k in "NCHWMK"},
                   "pad": s.get("pad", "valid"), "S": 1, "G": 1, "Ho": Ho, "Wo": Wo, "threads": t, **timing, "flop": flop,
                   "gflops": flop / (timing["median_ms"] * 1e6), "checksum": float(y.sum()), "abssum": float(y.abs().sum()),
                   "kernel": f"torch {torch.__version__}"}
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
