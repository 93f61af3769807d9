#!/usr/bin/env python3
"""PyTorch eager on CUDA: the yardstick for NativeSeg's GPU numbers (run by benchmarks/gpu/run-gpu-bench.sh).

Three measurements, each first with TF32 off (cuDNN and matmul in true FP32, what NativeSeg computes) and then
with TF32 on (PyTorch's tensor-core shortcut, a looser arithmetic), cudnn.benchmark on in both:
  1. per-convolution times at HighResNet2D's layer shapes (the same cases as `NativeSeg.Benchmarks gpu-kernels`):
     forward (F.conv2d), backward-data (torch.nn.grad.conv2d_input) and weight gradient
     (torch.nn.grad.conv2d_weight), batch 17, 216 rows x 296 columns;
  2. one training step of HighResNet2D (network from highresnet2d.py beside this file): batch 17, 216x296,
     Dice-NS + L2 (decay 1e-4), backward, Adam (lr 0.02, betas 0.9/0.999, eps 1e-8);
  3. inference slices per second: softmax(net(x)) in eval mode under torch.no_grad(), batch 17.
Timing: CUDA events around `--inner` back-to-back calls after `--warmup` calls, median of `--reps` repetitions.
Inputs are random (never zeros); labels are a fixed random two-class map. Weights are PyTorch's default
initialisation: the arithmetic, and so the time, does not depend on their values.

Prints a table and writes every number as JSON to --json.

Usage (on the GPU machine, where python3 has PyTorch with CUDA):
  python3 benchmarks/reference/torch_gpu_bench.py [--json out.json] [--reps 7] [--inner 10] [--warmup 3]
  python3 benchmarks/reference/torch_gpu_bench.py --smoke   # CPU, tiny shapes: checks the script, times nothing useful
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from highresnet2d import HighResNet2D, dice_ns, l2_term  # noqa: E402

BATCH, HEIGHT, WIDTH = 17, 216, 296
DEVICE = "cuda"
FORWARD_GFLOP_PER_SLICE = 34.87  # HighResNet2D at 216x296 (docs/engineering.md)
FP32_PEAK_TFLOPS = 67.0
# (in, out, kernel, dilation): the convolutions NativeSeg's gpu-kernels mode times.
CASES = [(16, 16, 3, 1), (32, 32, 3, 2), (64, 64, 3, 4), (64, 80, 1, 1), (80, 2, 1, 1)]


def time_ms(fn, reps, inner, warmup):
    """Median milliseconds per call: events around `inner` calls, `reps` times, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    if DEVICE != "cuda":  # --smoke: host clock
        samples = []
        for _ in range(reps):
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples.append((time.perf_counter() - start) * 1e3 / inner)
        return statistics.median(samples), min(samples)
    torch.cuda.synchronize()
    samples = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end) / inner)
    return statistics.median(samples), min(samples)


def convolutions(args, gen):
    rows = []
    for cin, cout, k, d in CASES:
        x = torch.rand(BATCH, cin, HEIGHT, WIDTH, device=DEVICE, generator=gen) * 2 - 1
        w = torch.rand(cout, cin, k, k, device=DEVICE, generator=gen) * 2 - 1
        dy = torch.rand(BATCH, cout, HEIGHT, WIDTH, device=DEVICE, generator=gen) * 2 - 1
        pad = d * (k // 2)
        flops = 2.0 * BATCH * HEIGHT * WIDTH * cin * cout * k * k
        bytes_ = 4.0 * (x.numel() + w.numel() + dy.numel())
        ops = {
            "forward": lambda: F.conv2d(x, w, padding=pad, dilation=d),
            "backward-data": lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=pad, dilation=d),
            "weight-gradient": lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=pad, dilation=d),
        }
        for name, fn in ops.items():
            median, best = time_ms(fn, args.reps, args.inner, args.warmup)
            floor = max(flops / FP32_PEAK_TFLOPS / 1e12, bytes_ / 3.0e12) * 1e3
            rows.append({"op": f"conv {name}", "shape": f"{cin}->{cout} {k}x{k} d{d}", "ms": median, "min_ms": best,
                         "gflops": flops / median / 1e6, "floor_ms": floor, "gap": median / floor})
        del x, w, dy
    return rows


def training_step(args, gen):
    net = HighResNet2D(1, 2).to(DEVICE).train()
    opt = torch.optim.Adam(net.parameters(), lr=0.02, betas=(0.9, 0.999), eps=1e-8)
    x = torch.rand(BATCH, 1, HEIGHT, WIDTH, device=DEVICE, generator=gen) * 1.3
    labels = (torch.rand(BATCH, HEIGHT, WIDTH, device=DEVICE, generator=gen) < 0.3).long()
    onehot = F.one_hot(labels, 2).permute(0, 3, 1, 2).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = dice_ns(net(x), onehot) + l2_term(net, 1e-4)
        loss.backward()
        opt.step()

    median, best = time_ms(step, args.reps, max(1, args.inner // 2), args.warmup)
    tflop = 3 * FORWARD_GFLOP_PER_SLICE * BATCH / 1e3  # forward + backward-data + weight gradient
    return {"op": "training step", "ms": median, "min_ms": best, "tflops": tflop / (median / 1e3),
            "floor_ms": tflop / FP32_PEAK_TFLOPS * 1e3}


def inference(args, gen):
    net = HighResNet2D(1, 2).to(DEVICE).eval()
    x = torch.rand(BATCH, 1, HEIGHT, WIDTH, device=DEVICE, generator=gen) * 1.3
    with torch.no_grad():
        median, best = time_ms(lambda: torch.softmax(net(x), dim=1), args.reps, args.inner, args.warmup)
    return {"op": "inference batch", "ms": median, "min_ms": best, "slices_per_s": BATCH / (median / 1e3),
            "tflops": FORWARD_GFLOP_PER_SLICE * BATCH / 1e3 / (median / 1e3)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", default=None)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--inner", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="CPU, batch 2, 24x40, one repetition")
    args = parser.parse_args()
    global DEVICE, BATCH, HEIGHT, WIDTH
    if args.smoke:
        DEVICE, BATCH, HEIGHT, WIDTH = "cpu", 2, 24, 40
        args.reps, args.inner, args.warmup = 1, 1, 1
    elif not torch.cuda.is_available():
        print("torch_gpu_bench: PyTorch sees no CUDA device", file=sys.stderr)
        return 1
    torch.backends.cudnn.benchmark = True
    result = {"torch": torch.__version__, "cudnn": torch.backends.cudnn.version(),
              "device": torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu (smoke)", "batch": BATCH, "height": HEIGHT, "width": WIDTH, "modes": {}}
    print(f"torch {result['torch']}, cuDNN {result['cudnn']}, {result['device']}; batch {BATCH}, {HEIGHT}x{WIDTH}")
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        gen = torch.Generator(device=DEVICE).manual_seed(1234)
        mode = "tf32" if tf32 else "fp32"
        rows = convolutions(args, gen)
        train = training_step(args, gen)
        infer = inference(args, gen)
        result["modes"][mode] = {"convolutions": rows, "training": train, "inference": infer}
        print(f"\n== PyTorch eager, {mode.upper()} (cudnn.benchmark on) ==")
        for r in rows:
            print(f"  {r['op']:<21} {r['shape']:<15} {r['ms']:8.3f} ms {r['gflops']:8.0f} GFLOP/s "
                  f"floor {r['floor_ms']:7.3f} ms gap {r['gap']:5.1f}x")
        print(f"  training step (batch {BATCH})       {train['ms']:8.2f} ms  {train['tflops']:6.1f} TFLOP/s "
              f"(FP32 floor {train['floor_ms']:.1f} ms)")
        print(f"  inference (batch {BATCH})           {infer['ms']:8.2f} ms  {infer['slices_per_s']:8.0f} slices/s "
              f"{infer['tflops']:6.1f} TFLOP/s")
        if DEVICE == "cuda":
            torch.cuda.empty_cache()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
