"""Fixture of the training test (train_torch_tests.cpp): PyTorch (Debian's python3-torch) trains LeNet-5 and
the dense network of ../shared/perf-anchors/train/train_torch.py on the first 6,400 Fashion-MNIST training
images, 100 Adam steps of 64 in a fixed order, and writes what the C++ trainer must reproduce:

  OUT/data/{train,test}-{images,labels}.idx   the images used, uncompressed IDX (6,400 train, 1,000 test)
  OUT/order.npy                               int64 (6400,): the order of the 100 batches
  OUT/<model>/init/<key>.npy                  initial weights (state_dict keys: 0.weight, ...)
  OUT/<model>/step1/<key>.npy                 the weights after one Adam step
  OUT/<model>/losses.npy                      the loss of each of the 100 steps (float64)
  OUT/<model>/test_acc.npy                    accuracy on the 1,000 test images after 100 steps

usage: /usr/bin/python3 make_train_fixture.py --out DIR [--data /usr/share/datasets/fashion-mnist]"""
import argparse, gzip, os, struct, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD, TRAIN, TEST, B, STEPS = 0.2860, 0.3530, 6400, 1000, 64, 100


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = struct.unpack('>I', data[:4])[0] & 0xff
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, a):
    with open(path, 'wb') as f:
        f.write(struct.pack('>I', 0x0800 | a.ndim) + struct.pack('>' + 'I' * a.ndim, *a.shape) + a.tobytes())


def build(name):
    if name == 'lenet5':
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def save_state(model, folder):
    os.makedirs(folder, exist_ok=True)
    for k, v in model.state_dict().items():
        np.save(os.path.join(folder, k + '.npy'), v.detach().numpy().astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    a = ap.parse_args()
    torch.set_num_threads(1)
    f = lambda n: os.path.join(a.data, n)
    xtr8, ytr8 = read_idx(f('train-images-idx3-ubyte.gz'))[:TRAIN], read_idx(f('train-labels-idx1-ubyte.gz'))[:TRAIN]
    xte8, yte8 = read_idx(f('t10k-images-idx3-ubyte.gz'))[:TEST], read_idx(f('t10k-labels-idx1-ubyte.gz'))[:TEST]
    os.makedirs(os.path.join(a.out, 'data'), exist_ok=True)
    for name, arr in [('train-images', xtr8), ('train-labels', ytr8), ('test-images', xte8), ('test-labels', yte8)]:
        write_idx(os.path.join(a.out, 'data', name + '.idx'), np.ascontiguousarray(arr))
    norm = lambda x: torch.from_numpy(((x.astype(np.float32) / 255.0) - MEAN) / STD).unsqueeze(1)
    xtr, ytr, xte, yte = norm(xtr8), torch.from_numpy(ytr8.astype(np.int64)), norm(xte8), torch.from_numpy(yte8.astype(np.int64))
    order = np.random.RandomState(12).permutation(TRAIN).astype(np.int64)
    np.save(os.path.join(a.out, 'order.npy'), order)
    for name in ['lenet5', 'mlp']:
        torch.manual_seed(3)
        model = build(name)
        out = os.path.join(a.out, name)
        save_state(model, os.path.join(out, 'init'))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        losses = []
        for s in range(STEPS):
            idx = torch.from_numpy(order[s * B:(s + 1) * B])
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if s == 0:
                save_state(model, os.path.join(out, 'step1'))
        np.save(os.path.join(out, 'losses.npy'), np.array(losses, dtype=np.float64))
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).double().mean().item()
        np.save(os.path.join(out, 'test_acc.npy'), np.array([acc], dtype=np.float64))
        print(f'{name}: loss {losses[0]:.4f} -> {losses[-1]:.4f}, test accuracy {acc:.4f}', file=sys.stderr)


if __name__ == '__main__':
    main()
