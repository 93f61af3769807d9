#!/usr/bin/env python3
"""PyTorch CPU inference timing of HighResNet2D, the third column of `NativeSeg.Benchmarks -- onnx-compare`.

Builds the network from highresnet2d.py (the model reference beside this file) in eval mode (BN with running
statistics), then times softmax(net(x)) for a batch of random 216x296 slices under torch.no_grad(), after
warm-up, with a fixed number of intra-op threads. Weights are PyTorch's default initialisation: the arithmetic
and so the timing do not depend on their values. Prints one JSON line:
  {"torch": version, "threads": n, "batch": n, "seconds": [one entry per repetition]}

Usage (Debian: apt-get install -y python3-torch python3-numpy):
  python3 benchmarks/reference/torch_cpu_inference.py [--batch 4] [--reps 5] [--warmup 1] [--threads 2]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from highresnet2d import HighResNet2D  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    net = HighResNet2D(1, 2).eval()
    x = torch.rand(args.batch, 1, 216, 296) * 1.3
    seconds = []
    with torch.no_grad():
        for _ in range(args.warmup):
            torch.softmax(net(x), dim=1)
        for _ in range(args.reps):
            start = time.perf_counter()
            torch.softmax(net(x), dim=1)
            seconds.append(time.perf_counter() - start)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "batch": args.batch, "seconds": seconds}))


if __name__ == "__main__":
    main()
