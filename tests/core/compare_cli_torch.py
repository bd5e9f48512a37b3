#!/usr/bin/python3
"""Runs the built `convplay` tool on random configurations and compares with PyTorch and SciPy.

    /usr/bin/python3 tests/core/compare_cli_torch.py --convplay build/native/bin/convplay [--count 300] [--seed N]

conv (2-D, 1-D, transposed, flip, every padding and padding mode, stride, dilation, groups, bias) and
pool (max with indices, avg) must agree with torch.nn.functional / scipy.signal within 1e-4 relative.
Configurations PyTorch refuses must make convplay exit with status 2, one line on stderr, no output file.
Exits 77 (ctest's SKIP_RETURN_CODE) when torch or scipy is not importable, 1 on any mismatch.
"""
import argparse
import warnings
import os
import random
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import scipy.signal
    import torch
    import torch.nn.functional as F
except ImportError as e:  # Debian: apt-get install python3-torch python3-scipy
    print(f"skipped: {e}")
    sys.exit(77)

RTOL, ATOL = 1e-4, 1e-5
warnings.filterwarnings("ignore")  # PyTorch notes that even-kernel "same" copies the input
VERBOSE = False
MODES = ["zeros", "reflect", "replicate", "circular"]


def same_pads(n, k, s, d, flip):
    """shape.h's 'same': PyTorch's split (extra after) or SciPy's (flip: extra before); ceil(N/S) at S > 1."""
    eff = d * (k - 1) + 1
    total = eff - 1
    if s > 1:
        out = -(-n // s)
        total = max(0, (out - 1) * s + eff - n)
    before = total - total // 2 if flip else total // 2
    return before, total - before


class Runner:
    def __init__(self, exe, tmp):
        self.exe, self.tmp = exe, tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def save(self, name, a):
        np.save(self.path(name), a)
        return self.path(name)

    def run(self, args, outputs):
        for o in outputs:
            if os.path.exists(o):
                os.remove(o)
        p = subprocess.run([self.exe] + args, capture_output=True, text=True)
        return p.returncode, p.stderr


def reference_conv(cfg, x, w, b):
    """torch/scipy result, or None when PyTorch refuses the configuration."""
    x64, w64 = torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64)
    b64 = torch.tensor(b, dtype=torch.float64) if b is not None else None
    try:
        if cfg["transposed"]:
            return F.conv_transpose2d(x64, w64, b64, stride=cfg["stride"], padding=cfg["tpad"],
                                      output_padding=cfg["outpad"], groups=cfg["groups"], dilation=cfg["dilation"]).numpy()
        if cfg["scipy"]:  # 2-D image and filter, zero padding, stride/dilation 1
            fn = scipy.signal.convolve2d if cfg["flip"] else scipy.signal.correlate2d
            return fn(x.astype(np.float64), w.astype(np.float64), mode=cfg["padding"])
        if cfg["oned_scipy"]:
            fn = scipy.signal.convolve if cfg["flip"] else scipy.signal.correlate
            return fn(x.astype(np.float64), w.astype(np.float64), mode=cfg["padding"])
        oned = cfg["oned"]
        ks = w.shape[-1:] if oned else w.shape[-2:]
        ns = x.shape[-1:] if oned else x.shape[-2:]
        st = (cfg["stride"][1],) if oned else cfg["stride"]
        dl = (cfg["dilation"][1],) if oned else cfg["dilation"]
        if cfg["padding"] == "valid":
            pads = [(0, 0)] * len(ks)
        elif cfg["padding"] == "full":
            pads = [(d * (k - 1), d * (k - 1)) for k, d in zip(ks, dl)]
        elif cfg["padding"] == "same":
            pads = [same_pads(n, k, s, d, cfg["flip"]) for n, k, s, d in zip(ns, ks, st, dl)]
        else:
            pads = [(cfg["pads"][2], cfg["pads"][3])] if oned else [(cfg["pads"][0], cfg["pads"][1]), (cfg["pads"][2], cfg["pads"][3])]
        wk = torch.flip(w64, dims=[-1] if oned else [-2, -1]) if cfg["flip"] else w64
        flat = [p for pair in reversed(pads) for p in pair]  # F.pad: last axis first
        single = (x.ndim == 2 and not oned) or (x.ndim == 1 and oned)  # one image (signal) and one filter
        batched = x.ndim == (2 if oned else 3)                            # (C, H, W) or (C, L)
        x4 = x64[None, None] if single else x64[None] if batched else x64
        w4 = wk[None, None] if single else wk
        fn = F.conv1d if oned else F.conv2d
        if cfg["padding"] == "same" and cfg["mode"] == "zeros" and not cfg["flip"] and all(s == 1 for s in st):
            # PyTorch's own 'same' (zeros, stride 1, no flip) is used directly to check the split.
            y = fn(x4, w4, b64, padding="same", dilation=dl, groups=cfg["groups"]).numpy()
        else:
            xp = F.pad(x4, flat, mode="constant" if cfg["mode"] == "zeros" else cfg["mode"]) if any(flat) else x4
            y = fn(xp, w4, b64, stride=st, dilation=dl, groups=cfg["groups"]).numpy()
        return y[0, 0] if single else y[0] if batched else y
    except (RuntimeError, ValueError, NotImplementedError) as e:
        if VERBOSE:
            print(f"  reference refuses: {str(e).splitlines()[0]}")
        return None


def random_conv(rng):
    kind = rng.choice(["2d", "2d", "2d", "scipy", "transposed", "1d", "1d_scipy"])
    cfg = dict(transposed=kind == "transposed", scipy=kind == "scipy", oned=kind in ("1d", "1d_scipy"),
               oned_scipy=kind == "1d_scipy", flip=rng.random() < 0.3, mode="zeros", groups=1,
               stride=(1, 1), dilation=(1, 1), padding="valid", pads=(0, 0, 0, 0), tpad=(0, 0), outpad=(0, 0))
    big = rng.random() < 0.15  # sometimes sizes that cannot fit
    H, W = rng.randint(1, 9), rng.randint(1, 12)
    KH, KW = rng.randint(1, 9 if big else 4), rng.randint(1, 9 if big else 4)
    g = rng.choice([1, 1, 2, 3])
    N, C, M = rng.randint(1, 2), g * rng.randint(1, 2), g * rng.randint(1, 2)
    bias = rng.random() < 0.5
    if kind == "scipy":
        cfg["padding"] = rng.choice(["valid", "same", "full"])
        if cfg["padding"] == "same" and not cfg["flip"] and (KH % 2 == 0 or KW % 2 == 0):
            cfg["flip"] = True  # correlate2d's 'same' centres like convolve2d; convplay's unflipped 'same' is PyTorch's
        if cfg["padding"] == "valid" and (KH > H or KW > W):
            return random_conv(rng)  # scipy swaps the operands instead of refusing
        return cfg, rand(rng, H, W), rand(rng, KH, KW), None
    if kind == "1d_scipy":
        cfg["padding"] = rng.choice(["valid", "same", "full"])
        if cfg["padding"] == "same" and not cfg["flip"] and KW % 2 == 0:
            cfg["flip"] = True
        if cfg["padding"] == "valid" and KW > W:
            return random_conv(rng)
        return cfg, rand(rng, W), rand(rng, KW), None
    cfg["stride"] = (rng.randint(1, 3), rng.randint(1, 3))
    cfg["dilation"] = (rng.randint(1, 3), rng.randint(1, 3))
    cfg["groups"] = g
    if kind == "transposed":
        cfg["flip"] = False
        cfg["tpad"] = (rng.randint(0, 2), rng.randint(0, 2))
        # mostly below max(stride, dilation), as PyTorch requires; sometimes not
        cfg["outpad"] = tuple(rng.randint(0, max(s, d) - 1) if rng.random() < 0.9 else rng.randint(0, 2)
                              for s, d in zip(cfg["stride"], cfg["dilation"]))
        x, w = rand(rng, N, C, H, W), rand(rng, C, M // g, KH, KW)
        return cfg, x, w, rand(rng, M) if bias else None
    cfg["padding"] = rng.choice(["valid", "same", "full", "explicit"])
    cfg["pads"] = tuple(rng.randint(0, 4) for _ in range(4))
    cfg["mode"] = rng.choice(MODES)
    if kind == "1d":
        cfg["stride"] = (1, cfg["stride"][1])
        cfg["dilation"] = (1, cfg["dilation"][1])
        cfg["pads"] = (0, 0, cfg["pads"][2], cfg["pads"][3])
        if rng.random() < 0.3:
            cfg["groups"] = 1
            return cfg, rand(rng, W), rand(rng, KW), None
        return cfg, rand(rng, N, C, W), rand(rng, M, C // g, KW), rand(rng, M) if bias else None
    if rng.random() < 0.2:  # one image and one filter
        cfg["groups"] = 1
        return cfg, rand(rng, H, W), rand(rng, KH, KW), None
    if rng.random() < 0.05:
        C = C + 1 if g > 1 else C  # groups that do not divide the channels
    return cfg, rand(rng, N, C, H, W), rand(rng, M, max(1, C // g), KH, KW), rand(rng, M) if bias else None


def rand(rng, *shape):
    return np.array([rng.uniform(-1, 1) for _ in range(int(np.prod(shape)))], np.float32).reshape(shape)


def conv_args(cfg):
    a = []
    if cfg["transposed"]:
        a += ["--transposed", "--padding", f"{cfg['tpad'][0]},{cfg['tpad'][1]}",
              "--output-padding", f"{cfg['outpad'][0]},{cfg['outpad'][1]}"]
    elif cfg["padding"] == "explicit":
        p = cfg["pads"]
        if cfg["oned"]:
            a += ["--padding", f"{p[2]}" if p[2] == p[3] else f"{p[2]},{p[3]}"]
        else:
            a += ["--padding", f"{p[0]},{p[1]},{p[2]},{p[3]}"]
    else:
        a += ["--padding", cfg["padding"]]
    if cfg["oned"]:
        a += ["--stride", str(cfg["stride"][1]), "--dilation", str(cfg["dilation"][1])]
    else:
        a += ["--stride", f"{cfg['stride'][0]},{cfg['stride'][1]}", "--dilation", f"{cfg['dilation'][0]},{cfg['dilation'][1]}"]
    a += ["--groups", str(cfg["groups"]), "--padding-mode", cfg["mode"]]
    if cfg["flip"]:
        a.append("--flip")
    return a


def random_pool(rng):
    big = rng.random() < 0.15
    shape = rng.choice([(rng.randint(1, 9), rng.randint(1, 9)), (2, rng.randint(1, 9), rng.randint(1, 9)),
                        (2, 2, rng.randint(1, 9), rng.randint(1, 9))])
    op = rng.choice(["max", "avg"])
    k = (rng.randint(1, 9 if big else 4), rng.randint(1, 9 if big else 4))
    s = (rng.randint(1, 3), rng.randint(1, 3)) if rng.random() < 0.7 else None
    # mostly the padding PyTorch allows (at most half the kernel), sometimes more
    p = tuple(rng.randint(0, kk // 2) if rng.random() < 0.9 else rng.randint(0, 2) for kk in k)
    d = (rng.randint(1, 2), rng.randint(1, 2)) if op == "max" else (1, 1)
    return dict(op=op, k=k, s=s, p=p, d=d, ceil=rng.random() < 0.4, include=rng.random() < 0.5), rand(rng, *shape)


def reference_pool(cfg, x):
    xt = torch.tensor(x, dtype=torch.float64)
    squeeze = x.ndim == 2
    if squeeze:
        xt = xt[None]
    try:
        if cfg["op"] == "max":
            y, i = F.max_pool2d(xt, cfg["k"], cfg["s"], cfg["p"], cfg["d"], ceil_mode=cfg["ceil"], return_indices=True)
            y, i = y.numpy(), i.numpy()
        else:
            y = F.avg_pool2d(xt, cfg["k"], cfg["s"], cfg["p"], ceil_mode=cfg["ceil"], count_include_pad=cfg["include"]).numpy()
            i = None
    except (RuntimeError, ValueError) as e:
        if VERBOSE:
            print(f"  reference refuses: {str(e).splitlines()[0]}")
        return None, None
    if y.size == 0:
        return None, None
    return (y[0], None if i is None else i[0]) if squeeze else (y, i)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--convplay", required=True)
    ap.add_argument("--count", type=int, default=300, help="configurations per operation family")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CONVPLAY_SEED", "1")))
    ap.add_argument("--verbose", action="store_true", help="print every refusal's reason")
    args = ap.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    rng = random.Random(args.seed)
    print(f"seed {args.seed} (replay: --seed {args.seed}); torch {torch.__version__}, scipy {scipy.__version__}")
    stats = dict(agree=0, both_refuse=0, mismatch=0)
    with tempfile.TemporaryDirectory() as tmp:
        r = Runner(args.convplay, tmp)
        out, idx = r.path("y.npy"), r.path("i.npy")

        def check_refusal(desc, rc, err):
            lines = err.strip().split("\n")
            if rc == 2 and len(lines) == 1 and lines[0].startswith("convplay: ") and not os.path.exists(out):
                stats["both_refuse"] += 1
                if VERBOSE:
                    print(f"  {desc}\n  -> {lines[0]}")
            else:
                stats["mismatch"] += 1
                print(f"MISMATCH {desc}: PyTorch/SciPy refuse, convplay status {rc}, stderr {err!r}")

        def compare(desc, got, want):
            if got.shape == want.shape and np.allclose(got, want, rtol=RTOL, atol=ATOL):
                return True
            stats["mismatch"] += 1
            diff = np.max(np.abs(got - want)) if got.shape == want.shape else None
            print(f"MISMATCH {desc}: shape {got.shape} vs {want.shape}, max diff {diff}")
            return False

        for n in range(args.count):
            cfg, x, w, b = random_conv(rng)
            as64 = rng.random() < 0.2  # float64 input files are read too
            cmd = ["conv", "--input", r.save("x.npy", x.astype(np.float64) if as64 else x), "--weight", r.save("w.npy", w),
                   "--out", out] + conv_args(cfg)
            if b is not None:
                cmd += ["--bias", r.save("b.npy", b)]
            desc = f"conv #{n}: x {x.shape} w {w.shape} {' '.join(cmd[6:])}"
            want = reference_conv(cfg, x, w, b)
            rc, err = r.run(cmd, [out])
            if want is None or want.size == 0:
                check_refusal(desc, rc, err)
            elif rc != 0:
                stats["mismatch"] += 1
                print(f"MISMATCH {desc}: convplay refused ({err.strip()}) but the reference computed {want.shape}")
            elif compare(desc, np.load(out), want):
                stats["agree"] += 1

        for n in range(args.count):
            cfg, x = random_pool(rng)
            cmd = ["pool", "--input", r.save("x.npy", x), "--op", cfg["op"], "--kernel", f"{cfg['k'][0]}x{cfg['k'][1]}",
                   "--padding", f"{cfg['p'][0]},{cfg['p'][1]}", "--out", out]
            if cfg["s"]:
                cmd += ["--stride", f"{cfg['s'][0]},{cfg['s'][1]}"]
            if cfg["op"] == "max":
                cmd += ["--dilation", f"{cfg['d'][0]},{cfg['d'][1]}", "--indices", idx]
            elif not cfg["include"]:
                cmd.append("--exclude-pad")
            if cfg["ceil"]:
                cmd.append("--ceil-mode")
            desc = f"pool #{n}: x {x.shape} {' '.join(cmd[4:])}"
            want, want_idx = reference_pool(cfg, x)
            rc, err = r.run(cmd, [out, idx])
            if want is None:
                check_refusal(desc, rc, err)
            elif rc != 0:
                stats["mismatch"] += 1
                print(f"MISMATCH {desc}: convplay refused ({err.strip()}) but PyTorch computed {want.shape}")
            elif compare(desc, np.load(out), want):
                if want_idx is not None and not np.array_equal(np.load(idx), want_idx):
                    stats["mismatch"] += 1
                    print(f"MISMATCH {desc}: argmax indices differ")
                else:
                    stats["agree"] += 1
    total = sum(stats.values())
    print(f"{stats['agree']} of {total} configurations agree with PyTorch/SciPy (rel {RTOL}), "
          f"{stats['both_refuse']} refused by both with status 2, {stats['mismatch']} mismatches")
    return 1 if stats["mismatch"] else 0


if __name__ == "__main__":
    sys.exit(main())
